"""Re-exports merge into one history with stable ids; an opt-out removes a person everywhere."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lancedb

from egregora_assets.core.author_pages import author_key
from egregora_assets_tests.exports import write_txt
from egregora_assets_tests.helpers import query, run_json


def write(home: Path, path: Path) -> dict:
    return run_json("write", str(path), "--home", str(home), "--group", "trilhas")


def message_ids(home: Path) -> list[str]:
    return [r[0] for r in query(home, "SELECT id FROM messages ORDER BY id")]


def test_overlapping_exports_merge_to_the_full_history(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    early, late = write_txt(exports, 1, 15, "a.txt"), write_txt(exports, 10, 27, "b.txt")
    full = write_txt(exports, 1, 27, "full.txt")

    merged_home, full_home = tmp_path / "merged", tmp_path / "full"
    first = write(merged_home, early)
    second = write(merged_home, late)
    assert second["messages"] > first["messages"]
    (full_home / "private").mkdir(parents=True)
    shutil.copy(merged_home / "private" / "secret.key", full_home / "private" / "secret.key")
    reference = write(full_home, full)

    ids = message_ids(merged_home)
    assert len(ids) == len(set(ids)), "duplicates after merging"
    assert ids == message_ids(full_home)  # same messages, same ids, from any export
    assert second["messages"] == reference["messages"]

    again = write(merged_home, late)  # the same export twice changes nothing
    assert again["partitions"] == 0 and message_ids(merged_home) == ids


def test_opt_out_in_chat_removes_a_person_retroactively(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    home = tmp_path / "home"
    before = write(home, write_txt(exports, 1, 27, "chat.txt"))
    owner_map = json.loads((home / "private" / "pseudonyms" / "trilhas.json").read_text())["pseudonyms"]
    authors = query(
        home, "SELECT a, count(*) FROM (SELECT unnest(authors) a FROM documents) GROUP BY a ORDER BY 2 DESC, 1"
    )
    pseudonym = authors[0][0]  # the most prolific post author
    real = next(name for name, p in owner_map.items() if p == pseudonym)
    page = Path(before["sites"][0]).parent / "blog" / "author" / author_key(pseudonym) / "index.html"
    assert page.is_file()  # they had an author page

    later = write_txt(exports, 1, 27, "chat-2.txt")
    with later.open("a", encoding="utf-8") as f:
        f.write(f"27/09/2026 23:59 - {real}: /egregora opt-out\n")
    after = write(home, later)
    assert after["messages"] < before["messages"]

    pattern = re.compile(re.escape(pseudonym))
    assert query(home, "SELECT count(*) FROM messages WHERE author = ?", [pseudonym]) == [(0,)]
    docs = json.dumps(query(home, "SELECT * FROM documents"), default=str)
    assert not pattern.search(docs)
    texts = lancedb.connect(str(home / "lancedb")).open_table("vectors").to_arrow()["text"].to_pylist()
    assert not any(pattern.search(t) for t in texts)
    assert not pattern.search(Path(after["feeds"][0]).read_text(encoding="utf-8"))
    site = Path(after["sites"][0]).parent
    assert not any(pattern.search(p.read_text(encoding="utf-8", errors="ignore")) for p in site.rglob("*.html"))
    assert not page.exists() and not any(pattern.search(p.name) for p in site.rglob("*"))  # and now none
    assert query(home, "SELECT count(*) FROM author_profiles WHERE author = ?", [pseudonym]) == [(0,)]

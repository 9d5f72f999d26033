"""The `egregora` command's contract: JSON lines from `parse`, one clear line and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES


def bad_inputs(tmp: Path) -> dict[str, Path]:
    corrupt = tmp / "corrupt.zip"
    corrupt.write_bytes(DEMO_EXPORT.read_bytes()[:-4000])
    not_zip = tmp / "notes.zip"
    not_zip.write_text("hello, I am not a zip")
    unknown = tmp / "chat.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    no_chat = tmp / "photos.zip"
    with zipfile.ZipFile(no_chat, "w") as archive:
        archive.writestr("IMG-1.jpg", b"\xff\xd8\xff")
    slip = tmp / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../etc/passwd.txt", "x")
        archive.writestr("_chat.txt", "[01/02/2024, 10:00:00] A: hi\n")
    empty = tmp / "empty.txt"
    empty.write_text("nothing that looks like a chat\n")
    future = tmp / "future.txt"
    future.write_text("01/01/2099 10:00 - Ana: oi\n02/01/2099 10:00 - Bia: oi\n")
    binary = tmp / "WhatsApp Chat with Ana.txt"
    binary.write_bytes(bytes(range(256)) * 400)
    nested = tmp / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("WhatsApp Chat - Ana.zip", DEMO_EXPORT.read_bytes())
    blank = tmp / "blank.zip"
    with zipfile.ZipFile(blank, "w") as archive:
        archive.writestr("_chat.txt", "\ufeff\n\n")
    return {
        "future": future,
        "corrupt": corrupt,
        "not_zip": not_zip,
        "unknown": unknown,
        "no_chat": no_chat,
        "slip": slip,
        "empty": empty,
        "missing": tmp / "nope.zip",
        "binary": binary,
        "nested": nested,
        "blank": blank,
    }


@pytest.mark.parametrize(
    "kind",
    ["corrupt", "not_zip", "unknown", "no_chat", "slip", "empty", "missing", "future", "binary", "nested", "blank"],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, kind):
    path = bad_inputs(tmp_path)[kind]
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-m", "egregora_assets.cli", "write", str(path), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert path.name in lines[0]
    if kind != "future":  # dates out of range are a `write` rule; `parse` shows them
        parse = subprocess.run(
            [sys.executable, "-m", "egregora_assets.cli", "parse", str(path), "--raw"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (parse.returncode, parse.stdout, parse.stderr) == (2, "", done.stderr)
    assert not (home / "egregora.duckdb").exists()
    assert not list((home / "private" / "exports").rglob("*")) if (home / "private" / "exports").exists() else True


def test_parse_prints_pseudonymous_json_lines(tmp_path, capsys):
    assert main(["parse", str(DEMO_EXPORT), "--home", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) >= 400
    assert set(records[0]) >= {"timestamp", "author", "message", "kind"}
    assert any(r["kind"] == "system" and r["author"] is None for r in records)
    assert any(r["kind"] == "media" and r.get("attachment") for r in records)
    dumped = "\n".join(lines)
    for name in DEMO_REAL_NAMES:
        assert name not in dumped


def test_parse_raw_keeps_real_names(capsys):
    assert main(["parse", str(DEMO_EXPORT), "--raw"]) == 0
    out = capsys.readouterr().out
    assert any(name in out for name in DEMO_REAL_NAMES)


def test_parse_summary(capsys):
    assert main(["parse", str(DEMO_EXPORT), "--summary"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["messages"] >= 400 and summary["authors"] >= 6
    assert summary["format"] and summary["first"] < summary["last"]
    assert summary["day_first"] is True


def test_parse_says_what_invalid_utf8_it_replaced(tmp_path, capsys):
    path = tmp_path / "WhatsApp Chat with Ana.txt"
    path.write_bytes(b"31/12/2020, 21:41 - Ana: caf\xe9\n31/12/2020, 21:42 - Bia: ok\n")
    assert main(["parse", str(path), "--raw"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["message"] for line in out.splitlines()] == ["caf\ufffd", "ok"]
    assert err == (
        f"egregora: warning: {path.name}: 1 invalid UTF-8 sequence(s) replaced with U+FFFD, "
        "the first in the message of 2020-12-31T21:41:00\n"
    )
    assert main(["parse", str(path), "--summary"]) == 0
    out, _ = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["invalid_utf8_replaced"], summary["header"], summary["clock"]) == (
        1,
        "DD/MM/YYYY, HH:MM - NAME: TEXT",
        "24-hour",
    )


@pytest.mark.parametrize("raw", [True, False])
def test_parse_lines_all_carry_the_same_keys(tmp_path, capsys, raw):
    assert main(["parse", str(DEMO_EXPORT), *(["--raw"] if raw else ["--home", str(tmp_path)])]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keys = {tuple(r) for r in records}
    assert keys == {("timestamp", "author", "message", "kind", "attachment")}
    assert any(r["attachment"] is None for r in records) and any(r["attachment"] for r in records)
    assert all(r["attachment"] is None or r["kind"] in ("media", "contact") for r in records)

"""The warehouse on both engines: the same reads, windows and writes on DuckDB and on a real PostgreSQL."""

import itertools
import json
import multiprocessing
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from egregora_assets.core.journal import fingerprint, run_slices
from egregora_assets.core.models import Enrichment, Link, Message, Post
from egregora_assets.core.tables import (
    MESSAGES,
    WAREHOUSE_TABLES,
    cited_messages,
    count_authors,
    count_rows,
    day_enrichments,
    day_messages,
    day_messages_sized,
    day_windows,
    enrichments_table,
    group_day_texts,
    group_messages,
    group_posts,
    group_windows,
    groups_in,
    posts_table,
    readable,
    windows_table,
)
from egregora_assets.core.warehouse import ReadOnlyWarehouse, connect, duckdb_url, engine, step
from egregora_assets.core.windows import message_bytes, pack_windows

D1, D2, D3 = date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)
# What chats hold: accents, emoji outside the BMP, joined emoji, right-to-left text and its
# override, CJK, combining marks, a NUL, tabs and newlines, empty and very long texts.
TEXTS = [
    "bom dia", "ação é já", "😀👍🏽", "👨‍👩‍👧‍👦 família", "مرحبا بالعالم", "\u202egnp.exe", "漢字かな交じり",
    "e\u0301 combining", "nul\x00inside", "tab\tand\nnewline", "", "x" * 5000, "quote ' and \" and \\",
    "@sunken-bell viu brisk-fountain-2 e ample-beetle, não unsunken-bellow",  # names measure alike
]  # fmt: skip
AUTHORS = ["Ana Paula", None, "Zé 😀", "محمد"]


def messages(group: str, day: date, n: int = len(TEXTS)) -> list[Message]:
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
    return [
        Message(
            id=f"{group}-{day}-{i:03}",
            group=group,
            timestamp=start + timedelta(minutes=i // 2),  # pairs share a minute: the id orders them
            author=AUTHORS[i % len(AUTHORS)],
            text=TEXTS[i % len(TEXTS)],
            kind="system" if i % len(AUTHORS) == 1 else "text",
            attachment=["IMG-1.jpg", None, "", "áudio 😀.opus"][i % 4],
        )
        for i in range(n)
    ]


def message_rows(found: list[Message]) -> pa.Table:
    """Rows as anonymize stores them: `pos` is the place in the day's export."""
    rows = [
        {
            **m.model_dump(),
            "reactions": json.dumps(m.reactions) if m.reactions else None,
            "date": m.timestamp.date(),
            "pos": n,
        }
        for n, m in enumerate(found)
    ]
    return pa.Table.from_pylist(rows, schema=MESSAGES)


def write(db, asset: str, table: str, parts: dict) -> None:
    """Commit (group, day) -> rows through the journal, as an asset does."""
    run_slices(
        db, asset, list(parts), lambda g, d: "sig", lambda g, d: (fingerprint(g, str(d)), {}, {table: parts[(g, d)]})
    )


def stored(m: Message) -> Message:
    return m.model_copy(update={"text": m.text.replace("\x00", "\ufffd")})


def test_engine_is_chosen_by_the_url_and_anything_else_is_refused():
    assert engine("duckdb:///tmp/x.duckdb") == "duckdb"
    assert engine("postgres://u@h/db") == engine("postgresql://u@h:5/db") == "postgres"
    with pytest.raises(ValueError, match="duckdb:// or postgres://"):
        engine("mysql://u@h/db")


def test_messages_come_back_whole_and_in_order(warehouse):
    found = {(g, d): messages(g, d) for g in ("g1", "g2") for d in (D1, D2)}
    write(warehouse, "anonymized_messages", "messages", {k: message_rows(v) for k, v in found.items()})
    with step("windows", readable("windows", ["anonymized_messages", "transcripts"]), {"g1": [D1, D2]}):
        for (group, day), expected in found.items():
            assert day_messages(warehouse, group, day) == [stored(m) for m in expected]
    assert groups_in(warehouse, "messages") == ["g1", "g2"]
    assert len(group_messages(warehouse, "g1")) == 2 * len(TEXTS)
    assert count_rows(warehouse, "messages", ["g1", "g2"]) == 4 * len(TEXTS)
    assert count_authors(warehouse, ["g1"]) == 3  # the system lines have none
    texts = group_day_texts(warehouse, "g1")
    assert sorted(texts) == [D1, D2] and "漢字かな交じり" in texts[D1] and "ação é já" not in texts[D1]  # a system line
    assert "\x00" not in texts[D1]
    ids = [found[("g2", D2)][3].id, found[("g2", D2)][0].id, "missing"]
    assert set(cited_messages(warehouse, "g2", ids)) == set(ids[:2])


def test_messages_of_one_minute_keep_the_order_they_were_sent(warehouse):
    """Exports give minutes and ids are keyed hashes: the export's order decides, not the id."""
    minute = datetime(2026, 9, 1, 8, 0)
    said = [
        Message(id=f"{15 - n:016x}", group="g", timestamp=minute, author="ana", text=text)
        for n, text in enumerate(["vamos?", "bora", "que horas?", "7h"])
    ]
    write(warehouse, "anonymized_messages", "messages", {("g", D1): message_rows(said)})
    assert [m.text for m in day_messages(warehouse, "g", D1)] == ["vamos?", "bora", "que horas?", "7h"]
    assert group_day_texts(warehouse, "g")[D1] == "vamos?\nbora\nque horas?\n7h"


def test_running_byte_totals_from_the_database_match_the_writer(warehouse):
    """The windowing's sums, computed by a window function in the engine, equal message_bytes."""
    found = messages("g", D1, 3 * len(TEXTS))
    write(warehouse, "anonymized_messages", "messages", {("g", D1): message_rows(found)})
    sized = day_messages_sized(warehouse, "g", D1)
    expected = list(itertools.accumulate(message_bytes(stored(m)) for m in found))
    assert [n for _, n in sized] == expected
    kept = [m for m, _ in sized]
    for tokens in (200, 1000, 3000, 100_000):
        in_database = pack_windows(kept, group="g", day=D1, max_tokens=tokens, through=[n for _, n in sized])
        in_python = pack_windows(kept, group="g", day=D1, max_tokens=tokens)
        assert in_database == in_python and sum(len(w.messages) for w in in_database) == len(found)
    assert len(pack_windows(kept, group="g", day=D1, max_tokens=200)) > 1


def test_per_day_reads_fetch_the_whole_run_at_once(warehouse):
    write(
        warehouse,
        "anonymized_messages",
        "messages",
        {("g", d): message_rows(messages("g", d, 3)) for d in (D1, D2, D3)},
    )
    calls = []
    original = warehouse.rows
    warehouse.rows = lambda expr: calls.append(1) or original(expr)
    with step("windows", readable("windows", ["anonymized_messages", "transcripts"]), {"g": [D1, D2, D3]}):
        assert [len(day_messages(warehouse, "g", d)) for d in (D1, D2, D3)] == [3, 3, 3]
        assert len(calls) == 1
        assert day_messages(warehouse, "g", date(2026, 9, 9)) == [] and len(calls) == 2  # a day outside the run
        with pytest.raises(RuntimeError, match="windows reads the table documents, which no asset it declares"):
            warehouse.table("documents")


def test_windows_enrichments_and_documents_round_trip(warehouse):
    day_msgs = messages("g", D1)
    packed = pack_windows(day_msgs, group="g", day=D1, max_tokens=400)
    write(warehouse, "windows", "windows", {("g", D1): windows_table(packed, message_bytes)})
    assert day_windows(warehouse, "g", D1) == packed and group_windows(warehouse, "g") == {D1: packed}
    extra = Enrichment(
        id="e1", group="g", date=D1, window_id=packed[0].id, message_id=day_msgs[0].id, kind="url",
        ref="https://example.org/ação", domain="example.org", title="Título 😀",
    )  # fmt: skip
    write(warehouse, "enrichments", "enrichments", {("g", D1): enrichments_table([extra])})
    assert day_enrichments(warehouse, "g", D1) == [extra]
    when = datetime(2026, 9, 1, 21, 30, 5, 123456, tzinfo=UTC)
    doc = Post(
        id="tag:egregora,2026:g/1", group="g", date=D1, window_id=packed[0].id, title="Ação 😀 ' \"",
        slug="acao", published=when, updated=when + timedelta(seconds=1), authors=["Ana", "Zé 😀"],
        summary="s\x00", content="# t\n\n{{ x }} <script>", categories=["trilha", "água"],
        links=[Link(href="https://example.org", rel="related")], message_ids=[day_msgs[0].id], writer="offline-digest",
    )  # fmt: skip
    write(warehouse, "posts", "documents", {("g", D1): posts_table([doc])})
    (back,) = group_posts(warehouse, "g")
    assert back == doc.model_copy(update={"summary": "s\ufffd"})
    assert back.published.utcoffset() == timedelta(0)


def test_a_failed_write_keeps_the_partitions_as_they_were(warehouse):
    write(warehouse, "anonymized_messages", "messages", {("g", D1): message_rows(messages("g", D1, 4))})
    bad = pa.table({"id": ["x"], "group": ["g"], "date": [D1], "no_such_column": ["boom"]})
    keys = pa.table({"group": ["g"], "date": pa.array([D1], pa.date32()), "input_sig": ["new"], "output_hash": ["h"]})
    with pytest.raises(Exception, match="no_such_column"):
        warehouse.replace("anonymized_messages", keys, {"messages": bad})
    assert len(day_messages(warehouse, "g", D1)) == 4  # the delete before the failed insert rolled back
    journal = warehouse.rows(warehouse.table("journal").select("input_sig"))
    assert journal == [{"input_sig": "sig"}]


def test_creating_the_tables_twice_changes_nothing(warehouse, warehouse_url):
    write(warehouse, "anonymized_messages", "messages", {("g", D1): message_rows(messages("g", D1, 2))})
    with connect(warehouse_url) as again:
        from egregora_assets.core.tables import WAREHOUSE_TABLES

        again.create(WAREHOUSE_TABLES)
        assert len(day_messages(again, "g", D1)) == 2


def _hold(path: str, seconds: float, ready) -> None:
    import duckdb

    conn = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    conn.close()


def test_a_second_duckdb_process_waits_for_the_lock_and_says_so(tmp_path):
    path = tmp_path / "w.duckdb"
    ready = multiprocessing.get_context("spawn").Event()
    holder = multiprocessing.get_context("spawn").Process(target=_hold, args=(str(path), 2.0, ready))
    holder.start()
    try:
        assert ready.wait(60)
        told: list[str] = []
        with connect(duckdb_url(path), on_wait=told.append) as db:
            assert db.engine == "duckdb"
        assert len(told) == 1 and "waiting for another process" in told[0]
    finally:
        holder.join(30)
    assert holder.exitcode == 0


def test_threads_and_author_profiles_round_trip(warehouse):
    from egregora_assets.core.models import AuthorProfile
    from egregora_assets.core.tables import group_profiles, posts_with_ids, profiles_table

    when = datetime(2026, 9, 2, 21, tzinfo=UTC)
    base = dict(group="g", window_id="w", title="T", slug="t", published=when, updated=when, authors=["Ana"],
                summary="s", content="c", writer="offline-digest")  # fmt: skip
    first = Post(id="tag:x,2026:g/1", date=D1, **base)
    later = Post(id="tag:x,2026:g/2", date=D2, continues=first.id, **base)
    write(warehouse, "posts", "documents", {("g", D1): posts_table([first]), ("g", D2): posts_table([later])})
    assert posts_with_ids(warehouse, [later.id, "tag:x,2026:gone"]) == [later]
    assert posts_with_ids(warehouse, []) == []
    profiles = [
        AuthorProfile(group="g", author="amber-falcon", messages=3, activity={"2026-09-01": 3}, topics=["trilha"]),
        AuthorProfile(
            group="g", author="rare-kelp", messages=1, activity={"2026-09-02": 1}, portrait="P 😀", portrait_input="abc"
        ),  # fmt: skip
    ]
    write(warehouse, "author_profiles", "author_profiles", {("g", None): profiles_table(profiles)})
    assert group_profiles(warehouse, "g") == profiles and group_profiles(warehouse, "other") == []


def test_a_warehouse_made_before_a_column_existed_gains_it(warehouse, warehouse_url):
    from egregora_assets.core.tables import WAREHOUSE_TABLES

    warehouse.backend.raw_sql('ALTER TABLE documents DROP COLUMN "continues"')
    with connect(warehouse_url) as older:
        assert "continues" not in older.table("documents").columns
        older.create(WAREHOUSE_TABLES)  # what every step does first
        assert "continues" in older.table("documents").columns
        older.create(WAREHOUSE_TABLES)  # and then nothing
        assert older.table("documents").columns == tuple(WAREHOUSE_TABLES["documents"].names)


def test_a_shared_reader_keeps_its_connection_while_used_and_leaves_the_file_to_a_writer(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with connect(duckdb_url(path)) as db:
        db.create(WAREHOUSE_TABLES)
    writer = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"]

    busy = ReadOnlyWarehouse(duckdb_url(path), linger=60)
    assert [busy.read(lambda db: db.has_table("messages")) for _ in range(3)] == [True] * 3
    assert busy.opened == 1  # one connection for reads in quick succession
    assert subprocess.run(writer, capture_output=True).returncode != 0  # the file is held open
    busy.close()

    polite = ReadOnlyWarehouse(duckdb_url(path), writing=lambda: True, linger=60)
    polite.read(lambda db: db.has_table("messages"))
    assert subprocess.run(writer, capture_output=True).returncode == 0  # closed at once while a write runs


def test_compact_leaves_replaced_rows_bytes_behind_and_keeps_the_live_ones(tmp_path):
    import duckdb

    from egregora_assets.core.warehouse import compact, duckdb_url

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE messages (text VARCHAR)")
        con.execute("INSERT INTO messages SELECT 'Lukas Brandstätter said ' || range FROM range(20000)")
        con.execute("CHECKPOINT")
        con.execute("DELETE FROM messages")
        con.execute("INSERT INTO messages SELECT 'sly-fox said ' || range FROM range(20000)")
    assert b"Lukas" in path.read_bytes()  # freed, not cleared
    assert compact(duckdb_url(path))
    assert b"Lukas" not in path.read_bytes()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*), min(text) FROM messages").fetchall() == [(20000, "sly-fox said 0")]
    assert not compact("postgres://u@h/db") and not list(tmp_path.glob("*.compacting"))

"""The posts of a run, offline: each day's written from the stored windows, threaded to the posts
written before it in the run or stored by an earlier one, and what the run reports."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from egregora_assets.core.journal import run_slices
from egregora_assets.core.posts.digest import DIGEST_WRITER
from egregora_assets.core.posts.writer import PostWriter
from egregora_assets.core.tables import WAREHOUSE_TABLES, group_posts, windows_table
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.core.windows import message_bytes
from egregora_assets_tests.core.posts.test_digest import PT_TRAIL, QUIET, window

DAYS = [date(2024, 3, 2) + timedelta(days=n) for n in range(4)]


def offline_writer() -> PostWriter:
    def search(found, hidden):
        pytest.fail("the offline writer searches nothing")

    return PostWriter(DIGEST_WRITER, lambda group: "America/Sao_Paulo", None, Path("prompts"), search)


def write(db, writer: PostWriter, days: list[date]) -> None:
    """One run over these days, committed as the posts asset does (vectors taken before the commit)."""
    taken: list = []
    tally = run_slices(
        db, "posts", [("g1", d) for d in days], lambda g, d: "sig", lambda g, d: writer.write(db, g, d),
        before_commit=lambda keys: taken.extend(writer.take(keys)),
    )  # fmt: skip
    assert not tally.failed and {d.date for d in taken} == {d.date for d in group_posts(db, "g1") if d.date in days}


@pytest.fixture
def db(tmp_path):
    # The same trail talked over on three days, and a quiet one (no post) between.
    talks = {DAYS[0]: PT_TRAIL, DAYS[1]: PT_TRAIL, DAYS[2]: QUIET, DAYS[3]: PT_TRAIL}
    with connect(duckdb_url(str(tmp_path / "w.duckdb"))) as db:
        db.create(WAREHOUSE_TABLES)
        rows = {
            ("g1", d): {"windows": windows_table([window(talk, day=d)], message_bytes)} for d, talk in talks.items()
        }
        run_slices(db, "windows", list(rows), lambda g, d: "sig", lambda g, d: (str(d), {}, rows[(g, d)]))
        yield db


def test_a_day_continues_a_post_written_earlier_in_the_run_or_stored_by_another(db):
    first = offline_writer()
    write(db, first, DAYS[:3])  # the second day's post continues the first's, not yet stored
    stored = {d.date: d for d in group_posts(db, "g1")}
    assert sorted(stored) == DAYS[:2]
    assert stored[DAYS[0]].continues is None and stored[DAYS[1]].continues == stored[DAYS[0]].id
    shown, facts = first.report(total=2)
    assert facts["posts_continuing_earlier"] == 1 and facts["windows_without_answer_reasons"] == {}
    assert shown.count(f"**{stored[DAYS[0]].title}**") == 2  # both days' posts, in the preview

    later = offline_writer()  # a later run reads the stored posts
    write(db, later, DAYS[3:])
    (last,) = [d for d in group_posts(db, "g1") if d.date == DAYS[3]]
    assert last.continues == stored[DAYS[1]].id  # the newest earlier post on the topic
    assert later.report(total=1)[1]["posts_continuing_earlier"] == 1


def test_a_day_reports_its_posts_and_hashes_them(db):
    writer = offline_writer()
    output, facts, rows = writer.write(db, "g1", DAYS[0])
    assert facts == {"posts": 1, "windows_without_answer": 0} and rows["documents"].num_rows == 1
    assert writer.write(db, "g1", DAYS[2])[1]["posts"] == 0  # a quiet day
    again = offline_writer().write(db, "g1", DAYS[0])
    assert again[0] == output  # the same day written again is the same content
    assert writer.take([("g1", DAYS[0]), ("g1", DAYS[2])])[0].title == rows["documents"]["title"][0].as_py()
    with pytest.raises(KeyError):
        writer.take([("g1", DAYS[0])])  # taken once: its vectors are written with its batch

"""The vectors table: a row per window and per post, the filters, replacing days, on real LanceDB."""

from datetime import date, datetime

import numpy as np
import pytest

from egregora_assets.core.models import Message, Window
from egregora_assets.core.vectors import days_filter, open_table, post_vectors, replace_days, vector_row, where
from egregora_assets_tests.helpers import document

DAY = date(2024, 3, 5)
DIM = 4


def window(group: str, day: date, index: int = 0) -> Window:
    said = Message(id=f"m{index}", group=group, timestamp=datetime(2024, 3, 5, 9), author="amber-falcon", text="oi")
    return Window(id=f"{group}-{day}-{index}", group=group, date=day, index=index, messages=[said])


def test_a_window_and_a_post_have_one_row_shape():
    assert vector_row(window("trilhas", DAY, index=2), "09:00 amber-falcon: oi") == {
        "id": "trilhas-2024-03-05-2", "group": "trilhas", "date": "2024-03-05", "kind": "window",
        "title": "2024-03-05 #3", "text": "09:00 amber-falcon: oi", "url": "",
    }  # fmt: skip
    post = document(DAY)
    assert vector_row(post, "text") == {
        "id": post.id, "group": "trilhas", "date": "2024-03-05", "kind": "post",
        "title": "Subida da Pedra Grande", "text": "text", "url": "blog/2024/03/05/post-5/",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, ""),
        ({"kind": "post", "group": "trilhas"}, "kind = 'post' AND `group` = 'trilhas'"),
        ({"group": "o'hara", "before": "2024-03-05"}, "`group` = 'o''hara' AND date < '2024-03-05'"),
    ],
)
def test_where(kwargs, expected):
    assert where(**kwargs) == expected


def test_days_filter_groups_the_days_of_each_group_and_quotes_them():
    days = [("a", DAY), ("o'hara", DAY), ("a", date(2024, 3, 6))]
    assert days_filter("window", days) == (
        "kind = 'window' AND ((`group` = 'a' AND date IN ('2024-03-05', '2024-03-06'))"
        " OR (`group` = 'o''hara' AND date IN ('2024-03-05')))"
    )
    assert days_filter("window", []) is None


def test_replacing_days_touches_only_their_rows_of_that_kind(tmp_path):
    table = open_table(str(tmp_path / "lancedb"), DIM)
    groups, days = ("group", "o'hara"), [DAY, date(2024, 3, 6)]  # an SQL keyword and a quote
    windows = [window(g, d, i) for g in groups for d in days for i in range(2)]
    keys = [(g, d) for g in groups for d in days]
    replace_days(table, "window", keys, [vector_row(w, "") for w in windows], np.zeros((len(windows), DIM)))
    posts = [document(DAY, n, group=g, id=f"{g}/{n}") for g in groups for n in range(2)]
    replace_days(table, "post", [(g, DAY) for g in groups], [vector_row(p, "") for p in posts], np.ones((4, DIM)))

    again = window("o'hara", DAY)  # a re-run of one partition: its two windows become one
    replace_days(table, "window", [("o'hara", DAY)], [vector_row(again, "")], np.zeros((1, DIM)))
    gone = window("o'hara", DAY, 1).id
    assert sorted(table.to_arrow()["id"].to_pylist()) == sorted(
        {w.id for w in windows} - {gone} | {p.id for p in posts}
    )

    found = post_vectors(table, "o'hara")
    assert sorted(found) == ["o'hara/0", "o'hara/1"]
    assert all(np.array_equal(v, np.ones(DIM, np.float32)) for v in found.values())


def test_a_table_of_another_models_width_is_made_anew(tmp_path):
    uri = str(tmp_path / "lancedb")
    replace_days(open_table(uri, DIM), "window", [("g", DAY)], [vector_row(window("g", DAY), "")], np.ones((1, DIM)))
    assert open_table(uri, DIM).count_rows() == 1  # the same width: kept
    wider = open_table(uri, 2 * DIM)  # a new model: the old vectors mean nothing beside its own
    assert wider.count_rows() == 0 and wider.schema.field("vector").type.list_size == 2 * DIM

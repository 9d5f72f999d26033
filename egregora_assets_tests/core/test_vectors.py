"""The vectors table: a row per window and per post, the filters, replacing days, on real LanceDB."""

from datetime import date

import pytest

from egregora_assets.core.vectors import days_filter, where

DAY = date(2024, 3, 5)
DIM = 4


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

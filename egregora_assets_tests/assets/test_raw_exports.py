from .conftest import DAY


def test_raw_exports_stages_one_days_lines(world):
    raw = world.run("raw_exports")
    assert raw.metadata["partitions_computed"].value == 1
    assert world.count(world.home.staging, "SELECT count(*) FROM raw_messages WHERE date = ?", DAY) > 25
    assert all(v.startswith("day first") for v in raw.metadata["day_month_order"].value.values())
    again = world.run("raw_exports")  # unchanged: no work
    assert (again.metadata["partitions_computed"].value, again.metadata["partitions_skipped"].value) == (0, 1)

"""The inbox sensor: new exports become runs for their changed days only; nothing twice."""

from __future__ import annotations

import json

from dagster import DagsterInstance, SensorResult, SkipReason, build_sensor_context

from egregora_assets.partitions import DAYS
from egregora_assets.resources import HomeResource
from egregora_assets.sensors import inbox_sensor
from egregora_assets_tests.exports import write_txt

START = "dagster/asset_partition_range_start"
END = "dagster/asset_partition_range_end"


def tick(instance, home, cursor):
    context = build_sensor_context(instance=instance, cursor=cursor, resources={"home": HomeResource(path=str(home))})
    return inbox_sensor(context)


def apply(instance, result: SensorResult) -> None:
    # What the daemon does with the tick's dynamic partition requests, in order.
    for request in result.dynamic_partitions_requests:
        if type(request).__name__ == "DeleteDynamicPartitionsRequest":
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
        else:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))


def september(first: int, last: int) -> list[str]:
    return [f"2026-09-{d:02d}" for d in range(first, last + 1)]


def requested(result: SensorResult) -> list[tuple[str, str, list[str]]]:
    return [
        (type(r).__name__.removesuffix("DynamicPartitionsRequest"), r.partitions_def_name, list(r.partition_keys))
        for r in result.dynamic_partitions_requests
    ]


def test_inbox_sensor_requests_only_changed_days(tmp_path):
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    with DagsterInstance.ephemeral() as instance:
        assert isinstance(tick(instance, home, None), SkipReason)

        write_txt(inbox, 1, 12, "Conversa do WhatsApp com Trilhas.txt")
        first = tick(instance, home, None)
        assert isinstance(first, SensorResult)
        # The group and every day the export covers, quiet days too, in one result.
        assert requested(first) == [("Add", "groups", ["trilhas"]), ("Add", "days", september(1, 12))]
        apply(instance, first)
        (request,) = first.run_requests
        assert request.tags[START].endswith("|trilhas") and request.tags[START] < request.tags[END]
        assert request.tags[START].startswith("2026-09-0") and request.tags[END] <= "2026-09-12|trilhas"
        assert request.tags["egregora/group"] == "trilhas"
        assert request.tags["egregora/days"] == str(int(request.tags[END][8:10]) - int(request.tags[START][8:10]) + 1)

        again = tick(instance, home, first.cursor)  # nothing new
        assert isinstance(again, SkipReason)

        # A later re-export overlapping the first: only the days it adds or grows are requested.
        write_txt(inbox, 8, 20, "Conversa do WhatsApp com Trilhas (2).txt")
        second = tick(instance, home, first.cursor)
        (request,) = second.run_requests
        assert requested(second) == [("Add", "days", september(13, 20))]  # the group is known
        assert request.tags[START] >= "2026-09-13|trilhas" and request.tags[END] <= "2026-09-20|trilhas"
        assert json.loads(second.cursor).keys() == {
            "Conversa do WhatsApp com Trilhas.txt",
            "Conversa do WhatsApp com Trilhas (2).txt",
        }


def test_bad_export_in_inbox_is_logged_not_retried(tmp_path):
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "broken.zip").write_text("not a zip")
    with DagsterInstance.ephemeral() as instance:
        result = tick(instance, home, None)
        assert isinstance(result, SensorResult) and result.run_requests == []
        assert isinstance(tick(instance, home, result.cursor), SkipReason)


def test_days_earlier_than_known_ones_are_added_in_calendar_order(tmp_path):
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    with DagsterInstance.ephemeral() as instance:
        write_txt(inbox, 10, 20)
        first = tick(instance, home, None)
        apply(instance, first)
        write_txt(inbox, 3, 14, "Conversa do WhatsApp com Trilhas (2).txt")
        second = tick(instance, home, first.cursor)
        # Ranges of a dynamic dimension follow the order keys were added: the later days go again.
        assert requested(second) == [("Delete", "days", september(10, 20)), ("Add", "days", september(3, 20))]
        apply(instance, second)
        assert instance.get_dynamic_partitions(DAYS) == september(3, 20)
        assert isinstance(tick(instance, home, second.cursor), SkipReason)


def test_inbox_sensor_picks_up_every_source_and_logs_a_wrong_one(tmp_path):
    from egregora_assets_tests.sources import atom_feed, discord_export, telegram_export, telegram_html

    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for folder, build in (("t", telegram_export), ("d", discord_export), ("f", atom_feed), ("h", telegram_html)):
        (tmp_path / folder).mkdir()
        made = build(tmp_path / folder)
        made.rename(inbox / f"{folder}-{made.name}")
    with DagsterInstance.ephemeral() as instance:
        result = tick(instance, home, None)
        assert isinstance(result, SensorResult)
        assert len(result.run_requests) == 3  # the HTML export is logged and left in the cursor
        assert len(json.loads(result.cursor)) == 4
        groups = next(r for r in result.dynamic_partitions_requests if r.partitions_def_name == "groups")
        assert len(groups.partition_keys) == 3

from .conftest import DAY


def test_anonymized_messages_are_stored_and_media_published(world):
    anon = world.run("anonymized_messages")
    stored = world.count(world.home.warehouse, "SELECT count(*) FROM messages WHERE date = ?", DAY)
    assert stored == anon.metadata["messages"].value > 25
    assert anon.tags.get("dagster/data_version")  # one partition: its content hash
    assert list((world.home.root / "media" / world.group).glob("media-*.jpg"))  # photos published, renamed
    again = world.run("anonymized_messages")
    assert (again.metadata["partitions_computed"].value, again.metadata["partitions_skipped"].value) == (0, 1)

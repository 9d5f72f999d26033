import feedparser


def test_atom_feed_lists_the_posts(world):
    feed = world.run("atom_feed")
    posts = world.count(world.home.warehouse, "SELECT count(*) FROM documents")
    assert feed.metadata["entries"].value == posts >= 1
    parsed = feedparser.parse(world.home.feed(world.group).read_bytes())
    assert not parsed.bozo and len(parsed.entries) == posts

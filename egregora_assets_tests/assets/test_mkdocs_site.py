from egregora_assets_tests.feeds import built_page, feed_links


def test_mkdocs_site_is_built(world):
    site = world.run("mkdocs_site")
    index = world.home.site_html(world.group) / "index.html"
    assert index.is_file() and site.metadata["pages"].value >= 1
    assert list((world.home.site_html(world.group) / "posts").rglob("index.html")) or list(
        world.home.site_html(world.group).rglob("*/index.html")
    )


def test_the_site_serves_the_group_feed_byte_for_byte_and_its_links_open_pages(world):
    html = world.home.site_html(world.group)
    if not (html / "feed.xml").exists():
        world.run("mkdocs_site")
    feed = world.home.feed(world.group).read_bytes()
    assert (html / "feed.xml").read_bytes() == feed
    hrefs = feed_links(feed)
    assert len(hrefs) > 2
    missing = [h for h in hrefs if not built_page(html, html.as_uri() + "/feed.xml", h).is_file()]
    assert not missing

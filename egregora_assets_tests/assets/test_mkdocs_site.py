from dataclasses import replace
from html import unescape

from egregora_assets.core.settings import load_settings
from egregora_assets.resources import build_resources
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


def test_a_portuguese_chat_gets_a_portuguese_site(world):
    site = world.run("mkdocs_site")
    html = world.home.site_html(world.group)
    index = unescape((html / "index.html").read_text(encoding="utf-8"))
    assert site.metadata["language"].value == {world.group: "pt"}  # detected from the demo's messages
    assert '<html lang="pt"' in index and 'placeholder="Buscar"' in index  # Material's Portuguese
    assert all(label in index for label in ("Início", "Blog", "Tags", "Sobre estes posts", "Assine o feed Atom"))
    post = next(p for p in (html / "blog").rglob("index.html") if "/20" in str(p.relative_to(html / "blog")))
    assert "de setembro de 2026" in unescape(post.read_text(encoding="utf-8"))  # the blog's dates too


def test_egregora_toml_overrides_the_language(world):
    (world.home.root / "egregora.toml").write_text(f'[groups."{world.group}"]\nlanguage = "de"\n')
    german = replace(world, resources=build_resources(load_settings(world.home.root)))
    try:
        site = german.run("mkdocs_site")
        index = unescape((world.home.site_html(world.group) / "index.html").read_text(encoding="utf-8"))
        assert site.metadata["language"].value == {world.group: "de"}
        assert '<html lang="de"' in index and 'placeholder="Suche"' in index
        assert all(label in index for label in ("Startseite", "Schlagwörter", "Über diese Beiträge"))
        assert "Início" not in index
    finally:
        (world.home.root / "egregora.toml").unlink()


def test_the_feed_encloses_the_photos_its_posts_show_and_the_site_serves_them(world):
    import feedparser

    html = world.home.site_html(world.group)
    if not (html / "feed.xml").exists():
        world.run("mkdocs_site")
    feed_url = html.as_uri() + "/feed.xml"
    parsed = feedparser.parse((html / "feed.xml").read_bytes())
    enclosed = [(e, x) for e in parsed.entries for x in e.get("enclosures", [])]
    assert enclosed  # the busy day's photos
    for entry, enclosure in enclosed:
        served = built_page(html, feed_url, enclosure.href)
        assert enclosure.type == "image/jpeg" and int(enclosure.length) == served.stat().st_size
        post = built_page(html, feed_url, next(x.href for x in entry.links if x.rel == "alternate"))
        assert f"media/{served.name}" in post.read_text(encoding="utf-8")  # and the post shows it

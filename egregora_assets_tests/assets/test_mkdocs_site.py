def test_mkdocs_site_is_built(world):
    site = world.run("mkdocs_site")
    index = world.home.site_html(world.group) / "index.html"
    assert index.is_file() and site.metadata["pages"].value >= 1
    assert list((world.home.site_html(world.group) / "posts").rglob("index.html")) or list(
        world.home.site_html(world.group).rglob("*/index.html")
    )

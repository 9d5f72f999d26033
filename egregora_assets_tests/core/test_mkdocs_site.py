"""The MkDocs project writer and a real `mkdocs build` of it."""

import functools
import re
import shutil
from datetime import date, datetime
from html import unescape as html_unescape
from pathlib import Path

import pytest

from egregora_assets.core import site_text
from egregora_assets.core.atom_feed import build_feed
from egregora_assets.core.home import Home
from egregora_assets.core.journal import run_slices
from egregora_assets.core.languages import LANGUAGES
from egregora_assets.core.mkdocs_site import (
    build_site,
    publish_site,
    slugify,
    write_site_project,
)
from egregora_assets.core.models import Message, Post
from egregora_assets.core.settings import GroupSettings
from egregora_assets.core.tables import WAREHOUSE_TABLES, posts_table
from egregora_assets.core.urls import post_path
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets_tests.feeds import built_page, feed_links
from egregora_assets_tests.helpers import document

TEMPLATE = Path(__file__).resolve().parents[2] / "site"

POSTS = [
    (6, "Subida da Pedra Grande", ["trilha", "atibaia"], "offline-digest"),
    (9, "Qual bota comprar?", ["equipamento"], "llm:qwen2.5"),
    (22, "Travessia Petrópolis–Teresópolis", ["travessia", "trilha"], "offline-digest"),
]


def make_doc(day: int, title: str, tags: list[str], writer: str, content: str = "") -> Post:
    """A post of 2026-09-<day>."""
    content = content or f"O grupo conversou sobre **{title}**.\n\n![foto](media/pico.jpg)\n"
    return document(date(2026, 9, day), title=title, slug=slugify(title), summary=f"Resumo: {title}.",
                    content=content, categories=tags, writer=writer)  # fmt: skip


def write(project: Path, docs, media=None) -> list[Path]:
    feed = build_feed(group="trilhas", title="Trilhas da Serra", feed_id="tag:x,2026:trilhas",
                      site_url=None, docs=docs)  # fmt: skip
    return write_site_project(
        template_dir=TEMPLATE, project_dir=project, group="trilhas", title="Trilhas da Serra",
        docs=docs, feed_xml=feed, media={"pico.jpg": b"\xff\xd8fake"} if media is None else media,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A project of the three POSTS and its built HTML."""
    root = tmp_path_factory.mktemp("site")
    docs = [make_doc(*p) for p in POSTS]
    write(root / "project", docs)
    index = build_site(root / "project", root / "html")
    return docs, root / "project", root / "html", index


def test_every_post_has_a_page_with_its_title(built):
    docs, _, html, index = built
    assert index == html / "index.html" and index.is_file()
    for doc in docs:
        page = html / post_path(doc) / "index.html"
        text = page.read_text(encoding="utf-8")
        assert doc.title in text
        assert "Guará Azul" in text  # the pseudonym from .authors.yml
    blog = (html / "blog" / "index.html").read_text(encoding="utf-8")
    assert all(doc.title in blog for doc in docs)


def test_feed_and_media_are_copied(built):
    _, project, html, _ = built
    assert (html / "feed.xml").read_bytes() == (project / "docs" / "feed.xml").read_bytes()
    assert (html / "media" / "pico.jpg").read_bytes() == b"\xff\xd8fake"
    post = (html / post_path(built[0][0]) / "index.html").read_text(encoding="utf-8")
    assert 'src="../../../../../media/pico.jpg"' in post  # media resolve from a post's folder


def test_tag_and_category_pages_exist(built):
    _, _, html, _ = built
    tags = (html / "tags" / "index.html").read_text(encoding="utf-8")
    for tag in ("trilha", "atibaia", "equipamento", "travessia"):
        assert tag in tags
        assert (html / "blog" / "category" / tag / "index.html").is_file()


def test_pages_link_the_feed_and_load_nothing_remote(built):
    docs, _, html, _ = built
    for page in (html / "index.html", html / post_path(docs[0]) / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/atom+xml"' in text
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    home = (html / "index.html").read_text(encoding="utf-8")
    assert "pseudonym" in home and "offline-digest" in home


def test_rewriting_unchanged_docs_writes_nothing(tmp_path):
    docs = [make_doc(*p) for p in POSTS]
    first = write(tmp_path, docs)
    assert tmp_path / "mkdocs.yml" in first
    assert len([p for p in first if "posts" in p.parts]) == 3
    assert write(tmp_path, docs) == []


def test_only_changed_posts_are_rewritten_and_stale_ones_pruned(tmp_path):
    docs = [make_doc(*p) for p in POSTS]
    write(tmp_path, docs)
    edited = docs[1].model_copy(update={"content": "Outra versão."})
    changed = write(tmp_path, [docs[0], edited, docs[2]])
    assert changed == [  # the feed changes with the post, nothing else
        tmp_path / "docs/blog/posts/2026-09-09-qual-bota-comprar.md",
        tmp_path / "docs/feed.xml",
    ]
    pruned = write(tmp_path, [docs[0]], media={})
    gone = {p.name for p in pruned if not p.exists()}
    assert gone == {
        "2026-09-09-qual-bota-comprar.md",
        "2026-09-22-travessia-petropolis-teresopolis.md",
        "pico.jpg",
    }
    assert sorted(p.name for p in (tmp_path / "docs/blog/posts").iterdir()) == ["2026-09-06-subida-da-pedra-grande.md"]


def test_post_file_has_front_matter_the_blog_reads(tmp_path):
    write(tmp_path, [make_doc(*POSTS[0])])
    text = (tmp_path / "docs/blog/posts/2026-09-06-subida-da-pedra-grande.md").read_text()
    head = text.split("---")[1]
    for line in ("date: 2026-09-06", "slug: subida-da-pedra-grande", "- guara-azul", "- atibaia"):
        assert line in head
    assert "description: 'Resumo: Subida da Pedra Grande.'" in head
    assert "(../../media/pico.jpg)" in text


def test_two_posts_with_one_url_are_refused(tmp_path):
    twin = make_doc(*POSTS[0]).model_copy(update={"id": "tag:other"})
    with pytest.raises(ValueError, match="share the slug"):
        write(tmp_path, [make_doc(*POSTS[0]), twin])


def test_media_names_must_be_plain(tmp_path):
    with pytest.raises(ValueError, match="plain file name"):
        write(tmp_path, [], media={"../escape.jpg": b"x"})


def test_a_failing_build_raises_with_mkdocs_output(tmp_path):
    write(tmp_path, [make_doc(*POSTS[0])])
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: no-such-theme\n")
    with pytest.raises(RuntimeError, match="no-such-theme"):
        build_site(tmp_path, tmp_path / "out")


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Travessia Petrópolis–Teresópolis", "travessia-petropolis-teresopolis"),
     ("  ../../etc/passwd ", "etc-passwd"), ("!!!", "post"), ("Olá, Mundo 2026", "ola-mundo-2026")],
)  # fmt: skip
def test_slugify(text, slug):
    assert slugify(text, fallback="post") == slug


def test_posts_say_how_they_were_written(built):
    docs, _, html, _ = built
    digest = (html / post_path(docs[0]) / "index.html").read_text(encoding="utf-8")
    drafted = (html / post_path(docs[1]) / "index.html").read_text(encoding="utf-8")
    # A digest labels itself once, in the chat's language, in its own text; the site adds no second note.
    assert "language model (qwen2.5)" in drafted and "language model" not in digest
    assert "automatic digest" not in digest


def test_an_empty_group_still_builds(tmp_path):
    assert write(tmp_path / "project", [], media={})
    index = build_site(tmp_path / "project", tmp_path / "html")
    assert "Trilhas da Serra" in index.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["Praia 🏖️ e 𝕏 do Zé", 'a: b # c "d" \\ e', "控制\x85字符\x80"])
def test_any_chat_name_builds(tmp_path, name):
    # Jinja's tojson wrote emoji as surrogate pairs that PyYAML could not read back.
    feed = build_feed(group="g", title=name, feed_id="tag:x,2026:g", site_url=None, docs=[])
    write_site_project(
        template_dir=TEMPLATE, project_dir=tmp_path / "project", group="g", title=name,
        docs=[], feed_xml=feed, media={},
    )  # fmt: skip
    index = build_site(tmp_path / "project", tmp_path / "html")
    assert name.split()[0].split(":")[0] in index.read_text(encoding="utf-8")


def test_a_failed_or_killed_build_leaves_the_previous_site_whole(tmp_path):
    project, out = tmp_path / "project", tmp_path / "sites" / "public"
    write(project, [make_doc(*POSTS[0])])
    build_site(project, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out.parent / ".public-new-killed").mkdir()  # what a SIGKILLed build leaves behind
    (out.parent / ".public-new-killed" / "index.html").write_text("half")
    good = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: no-such-theme\n")
    with pytest.raises(RuntimeError):
        build_site(project, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in out.parent.iterdir()] == ["public"]  # no build folder left
    (project / "mkdocs.yml").write_text(good)
    write(project, [make_doc(*p) for p in POSTS])
    index = build_site(project, out)
    assert POSTS[2][1] in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert index == out / "index.html" and [p.name for p in out.parent.iterdir()] == ["public"]


def test_every_feed_link_opens_a_built_page(built):
    docs, _, html, _ = built
    hrefs = feed_links((html / "feed.xml").read_bytes())  # built without a site URL: relative links
    assert all("://" not in h for h in hrefs)
    for feed_url in (html.as_uri() + "/feed.xml", "https://example.org/trilhas/feed.xml"):
        pages = [built_page(html, feed_url, h) for h in hrefs]
        assert all(p.is_file() for p in pages), [p for p in pages if not p.is_file()]
    assert all(d.title in p.read_text(encoding="utf-8") for p, d in zip(pages[2:], reversed(docs)))


def test_with_a_site_url_feed_links_are_absolute_and_open_built_pages(tmp_path):
    site = "http://127.0.0.1:8000/trilhas/"
    docs = [make_doc(*p) for p in POSTS]
    feed = build_feed(group="trilhas", title="Trilhas", feed_id="tag:x,2026:t", site_url=site, docs=docs)
    write_site_project(
        template_dir=TEMPLATE, project_dir=tmp_path / "project", group="trilhas", title="Trilhas",
        docs=docs, feed_xml=feed, site_url=site,
    )  # fmt: skip
    build_site(tmp_path / "project", tmp_path / "html")
    hrefs = feed_links((tmp_path / "html" / "feed.xml").read_bytes())
    assert all(h.startswith(site) for h in hrefs)
    assert all(built_page(tmp_path / "html", site + "feed.xml", h).is_file() for h in hrefs)


# Material's own translations (its partials/languages/<lang>.html) and Babel's long dates.
MATERIAL = {
    "en": ("Search", "September 9, 2026"),
    "pt": ("Buscar", "9 de setembro de 2026"),
    "es": ("Búsqueda", "9 de septiembre de 2026"),
    "de": ("Suche", "9. September 2026"),
    "fr": ("Rechercher", "9 septembre 2026"),
    "it": ("Cerca", "9 settembre 2026"),
}
OURS = {  # a few of core/site_text.py's strings, spelled out so a lost translation fails
    "pt": ("Início", "Sobre estes posts", "As mensagens em que este post se baseia"),
    "de": ("Startseite", "Über diese Beiträge", "Die Nachrichten, auf denen dieser Beitrag beruht"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_site_speaks_its_language(tmp_path, language):
    doc = make_doc(*POSTS[1]).model_copy(update={"message_ids": ["m1"]})
    cited = {
        "m1": Message(id="m1", group="trilhas", timestamp=datetime(2026, 9, 9, 10), author="Guará Azul", text="Oi")
    }
    feed = build_feed(group="trilhas", title="Trilhas", feed_id="tag:x,2026:trilhas", site_url=None, docs=[doc])
    write_site_project(
        template_dir=TEMPLATE, project_dir=tmp_path / "project", group="trilhas", title="Trilhas",
        docs=[doc], feed_xml=feed, media={}, cited=cited, language=language,
    )  # fmt: skip
    html = build_site(tmp_path / "project", tmp_path / "html").parent
    pages = {
        name: html_unescape((html / name).read_text(encoding="utf-8"))
        for name in ("index.html", "blog/index.html", "tags/index.html", f"{post_path(doc)}index.html")
    }
    placeholder, day = MATERIAL[language]
    say = functools.partial(site_text.text, language=language)
    for name, page in pages.items():
        assert f'<html lang="{language}"' in page, name
        assert f'placeholder="{placeholder}"' in page, name
        for key in ("nav_home", "nav_blog", "nav_tags", "footer_feed"):
            assert say(key) in page, (name, key)
    post = pages[f"{post_path(doc)}index.html"]
    assert day in post and say("sources") in post
    assert say("writer_llm", model="qwen2.5") in post
    assert say("home_note_title") in pages["index.html"]
    assert say("tags_intro") in pages["tags/index.html"]
    if language in OURS:
        assert all(s in page for s, page in zip(OURS[language], (post, pages["index.html"], post)))


def linked(html: Path, page: Path, href: str) -> Path:
    """The built file a relative link on `page` opens."""
    target = (page.parent / href.split("#")[0]).resolve()
    assert target.is_relative_to(html.resolve()), f"{href} leaves the site"
    return target / "index.html" if href.endswith("/") or target.is_dir() else target


@pytest.fixture(scope="module")
def threaded(tmp_path_factory):
    """A site whose second post continues the first, with a page per author (one cited by no post)."""
    from egregora_assets.core.models import AuthorProfile

    root = tmp_path_factory.mktemp("threads")
    first = make_doc(6, "Subida da Pedra Grande", ["pedra grande"], "offline-digest")
    second = make_doc(9, "De volta à Pedra Grande", ["pedra grande"], "offline-digest").model_copy(
        update={"continues": first.id}
    )
    docs = [second, first]
    profiles = [
        AuthorProfile(group="trilhas", author=name, messages=n, activity={"2026-09-06": n}, topics=["pedra"])
        for name, n in (("Guará Azul", 5), ("Tatu Veloz", 3), ("Onça Calma", 1))
    ]
    feed = build_feed(group="trilhas", title="Trilhas", feed_id="tag:x,2026:t", site_url=None, docs=docs)
    kwargs = dict(template_dir=TEMPLATE, project_dir=root / "project", group="trilhas", title="Trilhas",
                  docs=docs, feed_xml=feed, profiles=profiles)  # fmt: skip
    write_site_project(**kwargs)
    build_site(root / "project", root / "html")
    return first, second, root / "html", kwargs


def thread_links(page: Path) -> list[tuple[str, str]]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page.read_bytes())
    return [(a.text_content(), a.get("href")) for a in tree.xpath('//article//div[@class="egregora-thread"]//a')]


def test_continues_and_continued_in_links_open_the_other_post(threaded):
    first, second, html, _ = threaded
    later, earlier = html / post_path(second) / "index.html", html / post_path(first) / "index.html"
    assert "Continues:" in later.read_text(encoding="utf-8")
    ((title, href),) = thread_links(later)
    assert title == first.title and linked(html, later, href) == earlier.resolve()
    assert "Continued in:" in earlier.read_text(encoding="utf-8")
    ((title, href),) = thread_links(earlier)
    assert title == second.title and linked(html, earlier, href) == later.resolve()


def test_every_author_has_a_page_with_a_chart_and_the_posts_that_cite_them(threaded):
    from lxml import html as lxml_html

    first, second, html, _ = threaded
    for key, cited in (("guara-azul", 2), ("tatu-veloz", 2), ("onca-calma", 0)):
        page = html / "blog" / "author" / key / "index.html"
        tree = lxml_html.fromstring(page.read_bytes())
        text = tree.text_content()
        assert f"Posts that cite them ({cited})" in text and ("No post cites them yet." in text) == (not cited)
        (chart,) = tree.xpath('//img[@alt="Messages over time"]')
        assert linked(html, page, chart.get("src")).read_bytes().startswith(b"<svg")
        listed = {
            linked(html, page, a.get("href")) for a in tree.xpath("//article//h2/a[not(starts-with(@href, '#'))]")
        }
        posts = {(html / post_path(d) / "index.html").resolve() for d in (first, second)}
        assert listed == (posts if cited else set())
    # A post names its authors with links to their pages.
    post = html / post_path(first) / "index.html"
    tree = lxml_html.fromstring(post.read_bytes())
    hrefs = [a.get("href") for a in tree.xpath('//a[text()="Guará Azul"]')]
    assert hrefs and linked(html, post, hrefs[0]) == (html / "blog" / "author" / "guara-azul" / "index.html").resolve()


def test_rewriting_unchanged_threads_and_author_pages_writes_nothing(threaded):
    *_, kwargs = threaded
    assert write_site_project(**kwargs) == []
    fewer = write_site_project(**{**kwargs, "profiles": kwargs["profiles"][:2]})  # someone opted out
    assert {p.name for p in fewer} == {"onca-calma.md", "onca-calma.svg", ".authors.yml"}
    assert not (kwargs["project_dir"] / "docs" / "blog" / "author" / "onca-calma.md").exists()
    write_site_project(**kwargs)


def test_a_post_the_renderer_cannot_read_is_published_as_typed_and_named(tmp_path, monkeypatch):
    # A renderer that chokes on one post (a stand-in: no input we know of does any more).
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))  # for mkdocs' own process
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template)
    config = template / "mkdocs.yml.j2"
    config.write_text(
        config.read_text().replace("  - tables\n", "  - tables\n  - egregora_assets_tests.boom_markdown\n")
    )
    good = make_doc(6, "Subida da Pedra Grande", ["trilha"], "offline-digest", content="Foi ótimo.\n")
    bad = make_doc(9, "Qual bota comprar?", ["bota"], "offline-digest", content="It went BOOM here.\n")
    home = Home(tmp_path / "home")
    home.feed("trilhas").parent.mkdir(parents=True)
    home.feed("trilhas").write_bytes(b"<feed/>")
    warned: list[str] = []
    with connect(duckdb_url(str(home.warehouse))) as db:
        db.create(WAREHOUSE_TABLES)
        posts = {("trilhas", d.date): {"documents": posts_table([d])} for d in (good, bad)}
        run_slices(db, "posts", list(posts), lambda g, d: "sig", lambda g, d: (str(d), {}, posts[(g, d)]))
        _, facts = publish_site(
            db, home, "trilhas", GroupSettings(title="Trilhas", language="pt"), template_dir=template,
            site_url=None, best=lambda docs, ratings: [good], warn=warned.append,
        )  # fmt: skip

    assert list(facts["posts_shown_as_text"]) == [bad.id] and "BOOM" in facts["posts_shown_as_text"][bad.id]
    assert warned == ["1 post(s) could not be rendered; shown as plain text"]
    assert facts["pages"] == 2 and Path(facts["index"]) == home.site_html("trilhas") / "index.html"
    pages = {p: p.read_text() for p in home.site_html("trilhas").glob("blog/2026/*/*/*/index.html")}
    (shown,) = [text for text in pages.values() if "BOOM" in text]
    assert re.search(r"<pre[^>]*>(?:(?!</pre>).)*It went BOOM here\.", shown, re.S)
    assert any(re.search(r"<p>Foi ótimo\.</p>", text) for text in pages.values())  # the other as written
    assert (home.sites / "trilhas" / "project" / "docs" / "best.md").read_text().count("\n1. ") == 1

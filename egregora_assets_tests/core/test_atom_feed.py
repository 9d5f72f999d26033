"""The Atom projection: valid RFC 4287, stable, newest first, safe with hostile text."""

import json
from datetime import UTC, date, datetime

import feedparser
import pytest
from lxml import etree

from egregora_assets.core.atom_feed import ATOM_NS, build_feed, xml_text
from egregora_assets.core.models import Link, Post
from egregora_assets_tests.helpers import document

SITE = "http://127.0.0.1:8000/trilhas/"
NS = {"a": ATOM_NS}


def make_doc(day: int, title: str = "Subida da Pedra Grande", **changes) -> Post:
    """A plain post of 2026-09-<day>."""
    links = [Link(href="https://example.org/trilha", title="Mapa")]
    return document(date(2026, 9, day), title=title, categories=["trilha", "atibaia"], links=links, **changes)


def feed_of(docs, site_url=SITE, **kwargs) -> bytes:
    return build_feed(
        group="trilhas",
        title="Trilhas da Serra",
        feed_id="tag:egregora.local,2026:trilhas",
        site_url=site_url,
        docs=docs,
        **kwargs,
    )


def test_feed_parses_without_errors_and_carries_every_field():
    docs = [make_doc(6), make_doc(9, "Botas novas")]
    parsed = feedparser.parse(feed_of(docs))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "tag:egregora.local,2026:trilhas"
    assert parsed.feed.title == "Trilhas da Serra"
    assert any(link.rel == "self" and link.href == SITE + "feed.xml" for link in parsed.feed.links)
    entry = parsed.entries[1]
    assert entry.id == docs[0].id
    assert entry.title == "Subida da Pedra Grande"
    assert [a.name for a in entry.authors] == ["Guará Azul", "Tatu Veloz"]
    assert [t.term for t in entry.tags] == ["trilha", "atibaia"]
    assert entry.summary == "O grupo combinou a trilha."
    assert "<strong>combinou</strong>" in entry.content[0].value
    hrefs = {(link.rel, link.href) for link in entry.links}
    assert ("alternate", SITE + "blog/2026/09/06/post-6/") in hrefs
    assert ("related", "https://example.org/trilha") in hrefs
    assert entry.published_parsed[:5] == (2026, 9, 7, 0, 0)  # 21:00 at -03:00, in UTC


def test_same_input_gives_same_bytes_and_ids():
    docs = [make_doc(6), make_doc(9), make_doc(12)]
    first, second = feed_of(docs), feed_of(list(reversed(docs)))
    assert first == second
    ids = [e.id for e in feedparser.parse(first).entries]
    assert sorted(ids) == sorted(d.id for d in docs)


def test_entries_are_newest_first_and_feed_updated_is_the_newest():
    docs = [make_doc(9), make_doc(6), make_doc(20), make_doc(12)]
    parsed = feedparser.parse(feed_of(docs))
    assert [e.id for e in parsed.entries] == [make_doc(d).id for d in (20, 12, 9, 6)]
    assert parsed.feed.updated.startswith("2026-09-20T21:00:00")


def test_explicit_updated_wins():
    moment = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
    root = etree.fromstring(feed_of([make_doc(6)], updated=moment))
    assert root.findtext("a:updated", namespaces=NS) == "2026-10-01T12:00:00Z"


def test_xml_hostile_text_is_escaped_and_control_characters_dropped():
    nasty = 'Fogo & <script>alert("x")</script> \x00\x07\x1b fim'
    doc = make_doc(6, title=nasty, summary=nasty, content=nasty, authors=["A\x0bB & <C>"])
    raw = feed_of([doc])
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert b"\x00" not in raw and b"\x07" not in raw and b"\x1b" not in raw
    root = etree.fromstring(raw)
    entry = root.find("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == 'Fogo & <script>alert("x")</script>  fim'
    assert entry.findtext("a:author/a:name", namespaces=NS) == "AB & <C>"
    assert b"<script>" not in raw  # the markup travels escaped, never as elements


def test_xml_text_keeps_legal_characters():
    assert xml_text("a\tb\nc\rd é 🥾") == "a\tb\nc\rd é 🥾"
    assert xml_text("\x01\x08\x0c\ufffe") == ""


def test_without_site_url_links_are_relative_to_the_site_root():
    raw = feed_of([make_doc(6)], site_url=None)
    parsed = feedparser.parse(raw)
    assert not parsed.bozo
    feed_links = {(link.rel, link.href) for link in parsed.feed.links}
    assert feed_links == {("self", "feed.xml"), ("alternate", "blog/")}
    assert ("alternate", "blog/2026/09/06/post-6/") in {(link.rel, link.href) for link in parsed.entries[0].links}
    assert b"xml:base" not in raw  # relative media resolve against the feed, at the site root


@pytest.mark.parametrize("served_at", [SITE, "https://blog.example.org/", "http://localhost:8000/a/b/"])
def test_a_reader_resolves_relative_links_to_the_absolute_ones(served_at):
    """Fetched from <site>/feed.xml, the relative feed opens the same pages as one built with the URL."""
    docs = [make_doc(6), make_doc(9)]
    relative = feedparser.parse(
        feed_of(docs, site_url=None), response_headers={"content-location": served_at + "feed.xml"}
    )
    absolute = feedparser.parse(feed_of(docs, site_url=served_at))

    def links(parsed):
        return [sorted((link.rel, link.href) for link in e.links) for e in parsed.entries], sorted(
            (link.rel, link.href) for link in parsed.feed.links
        )

    assert links(relative) == links(absolute)
    assert absolute.entries[0].link == served_at + "blog/2026/09/09/post-9/"


def test_every_entry_has_one_alternate_link_and_the_feed_one_self():
    for site_url in (None, SITE):
        root = etree.fromstring(feed_of([make_doc(6), make_doc(9), make_doc(12)], site_url=site_url))
        assert len(root.findall("a:link[@rel='self']", NS)) == 1
        assert len(root.findall("a:link[@rel='alternate']", NS)) == 1
        for entry in root.findall("a:entry", NS):
            (alternate,) = entry.findall("a:link[@rel='alternate']", NS)
            assert alternate.get("type") == "text/html"


def test_media_links_resolve_against_the_site():
    doc = make_doc(6, content="![Pico](media/pico.jpg)")
    parsed = feedparser.parse(feed_of([doc]))
    assert 'src="' + SITE + 'media/pico.jpg"' in parsed.entries[0].content[0].value


def test_an_entry_without_authors_takes_the_feed_author():
    root = etree.fromstring(feed_of([make_doc(6, authors=[])]))
    assert root.findtext("a:author/a:name", namespaces=NS) == "Trilhas da Serra"
    with_authors = etree.fromstring(feed_of([make_doc(6)]))
    assert with_authors.find("a:author", NS) is None


def test_empty_feed_is_valid_and_stable():
    raw = feed_of([])
    assert raw == feed_of([])
    parsed = feedparser.parse(raw)
    assert not parsed.bozo and parsed.entries == []


def test_naive_dates_are_refused():
    naive = datetime(2026, 9, 6, 21, 0)
    with pytest.raises(ValueError, match="timezone"):
        feed_of([make_doc(6, published=naive)])


def test_media_a_post_shows_are_enclosures_with_type_and_length():
    shown = make_doc(6, content="A foto do cume:\n\n![media-abc.jpg](media/media-abc.jpg)\n\n![x](media/media-d.png)\n")
    plain = make_doc(9, "Botas novas")
    media = {"media-abc.jpg": 48213, "media-d.png": 1200, "media-unused.jpg": 9}
    parsed = feedparser.parse(feed_of([shown, plain], media=media))
    assert not parsed.bozo, parsed.get("bozo_exception")
    entry = next(e for e in parsed.entries if e.id == shown.id)
    found = [(e.href, e.type, e.length) for e in entry.enclosures]
    assert found == [
        (SITE + "media/media-abc.jpg", "image/jpeg", "48213"),
        (SITE + "media/media-d.png", "image/png", "1200"),
    ]
    assert all(link.rel != "enclosure" for e in parsed.entries if e.id == plain.id for link in e.links)
    assert not next(e for e in parsed.entries if e.id == plain.id).get("enclosures")


def test_enclosures_are_relative_to_the_feed_without_a_site_url_and_need_a_published_file():
    shown = make_doc(6, content="![a](media/media-abc.jpg) ![b](media/media-gone.jpg)")
    root = etree.fromstring(feed_of([shown], site_url=None, media={"media-abc.jpg": 10}))
    links = root.findall("a:entry/a:link[@rel='enclosure']", NS)
    assert [(link.get("href"), link.get("type"), link.get("length")) for link in links] == [
        ("media/media-abc.jpg", "image/jpeg", "10")
    ]


THR = "http://purl.org/syndication/thread/1.0"


def test_an_entry_that_continues_another_carries_rfc_4685_in_reply_to():
    first, second = make_doc(6), make_doc(9, "Botas novas", continues=make_doc(6).id)
    xml = feed_of([first, second])
    root = etree.fromstring(xml)
    (reply,) = root.findall(f"a:entry/{{{THR}}}in-reply-to", NS)
    assert reply.getparent().findtext("a:id", namespaces=NS) == second.id
    assert reply.attrib == {"ref": first.id, "href": SITE + "blog/2026/09/06/post-6/", "type": "text/html"}

    # feedparser keeps an element of an unknown namespace as a dict named prefix_element.
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.namespaces["thr"] == THR
    later, earlier = parsed.entries  # newest first
    assert later["thr_in-reply-to"] == {"ref": first.id, "href": SITE + "blog/2026/09/06/post-6/", "type": "text/html"}
    assert "thr_in-reply-to" not in earlier
    # Readers that ignore the thr namespace still get a link to the earlier post.
    assert {"rel": "related", "type": "text/html", "href": SITE + "blog/2026/09/06/post-6/"}.items() <= next(
        link for link in later.links if link.get("title") == first.title
    ).items()


def test_a_post_continuing_one_not_in_the_feed_has_no_thread_and_no_namespace():
    xml = feed_of([make_doc(9, continues="tag:egregora.local,2026:trilhas/gone/0")])
    assert THR.encode() not in xml and b"in-reply-to" not in xml
    assert feed_of([make_doc(6)]) == feed_of([make_doc(6, continues=None)])


def test_written_feed_renders_only_new_posts_and_equals_a_fresh_build(tmp_path):
    from egregora_assets.core.atom_feed import feed_id, write_feed
    from egregora_assets.core.home import Home

    home, older = Home(tmp_path), [make_doc(1), make_doc(2, content="Dia **dois**")]

    def fresh(docs):
        return build_feed(group="trilhas", title="Trilhas", feed_id=feed_id("trilhas"), site_url=SITE, docs=docs)  # noqa: E731

    assert write_feed(home, "trilhas", title="Trilhas", site_url=SITE, docs=older) == fresh(older)
    cache = home.rendered_cache("trilhas")
    memo = json.loads(cache.read_text(encoding="utf-8"))
    assert len(memo) == 2 and any("<strong>dois</strong>" in html for html in memo.values())
    # The cache is what is read: a rendering kept there (marked here) is used as it stands.
    cache.write_text(json.dumps({k: v.replace("dois", "DOIS") for k, v in memo.items()}), encoding="utf-8")
    newer = [*older, make_doc(3, content="Dia _três_")]
    xml = write_feed(home, "trilhas", title="Trilhas", site_url=SITE, docs=newer)
    assert b"DOIS" in xml and "&lt;em&gt;três&lt;/em&gt;" in xml.decode()
    assert xml.replace(b"DOIS", b"dois") == fresh(newer)
    # Only the posts of the last build are kept.
    write_feed(home, "trilhas", title="Trilhas", site_url=SITE, docs=newer[2:])
    assert len(json.loads(cache.read_text(encoding="utf-8"))) == 1
    assert home.feed("trilhas").read_bytes() == fresh(newer[2:])

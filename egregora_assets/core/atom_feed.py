"""The Atom 1.0 projection (RFC 4287) of a group's posts."""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import markdown
from lxml import etree

from . import sanitize
from .home import Home, write_atomic
from .models import ENTRY_AUTHORITY, Post, post_order
from .quotes import strip_marks
from .sanitize import clean_html, tame_markdown
from .urls import FEED_FILE, post_media, post_path

ATOM_NS = "http://www.w3.org/2005/Atom"
THREAD_NS = "http://purl.org/syndication/thread/1.0"  # RFC 4685, Atom Threading Extensions
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
GENERATOR = "Egregora"

# Characters XML 1.0 cannot carry at all; chat text can hold any of them.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# An empty feed still needs an <updated>; a fixed one keeps its bytes stable.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def feed_id(group: str) -> str:
    """The group feed's stable Atom id (a tag URI, like its entries')."""
    return f"tag:{ENTRY_AUTHORITY}:{group}/feed"


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def rfc3339(moment: datetime) -> str:
    """An Atom date construct, e.g. 2026-09-06T18:30:00-03:00."""
    if moment.tzinfo is None:
        raise ValueError(f"Atom dates need a timezone, got naive {moment.isoformat()}")
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def render_markdown(text: str) -> str:
    """The HTML a post's Markdown content renders to, as in the MkDocs site."""
    try:
        rendered = markdown.markdown(tame_markdown(text), extensions=["extra", "sane_lists"], output_format="html")
    except Exception:  # a post no renderer reads is shown as typed, not lost
        rendered = f"<pre>{html.escape(text)}</pre>"
    return clean_html(rendered)


# A rendering made by other code is no rendering of this one: the cache is keyed by both.
_RENDERER = hashlib.sha256(
    f"{version('markdown')}:{version('nh3')}".encode()
    + Path(__file__).read_bytes()
    + Path(sanitize.__file__).read_bytes()
).hexdigest()


def _content_key(text: str) -> str:
    return hashlib.sha256(f"{_RENDERER}\0{text}".encode()).hexdigest()[:32]


def _rendered(text: str, memo: dict[str, str]) -> str:
    key = _content_key(text)
    if key not in memo:
        memo[key] = render_markdown(text)
    return memo[key]


def write_feed(home: Home, group: str, *, title: str, site_url: str | None, docs: Sequence[Post]) -> bytes:
    """Build the group's feed and write it (only if it changed). The HTML of posts an earlier
    build rendered is read from the home's cache, so a new day renders only its new posts."""
    cache = home.rendered_cache(group)
    try:
        memo = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    memo = memo if isinstance(memo, dict) else {}
    media = media_sizes(home, group, docs)
    xml = build_feed(
        group=group, title=title, feed_id=feed_id(group), site_url=site_url, docs=docs, media=media, rendered=memo
    )
    write_atomic(home.feed(group), xml)
    used = sorted({_content_key(strip_marks(d.content)) for d in docs} & set(memo))
    write_atomic(cache, json.dumps({k: memo[k] for k in used}).encode())
    return xml


def site_base(site_url: str | None) -> str:
    """What links to the site start with: its URL, or nothing when it has none. The feed is
    served at the site's root (feed.xml), so a relative link resolves against the feed's own
    address to the same page (RFC 4287 section 2, RFC 3986 section 5.1.3)."""
    return site_url.rstrip("/") + "/" if site_url else ""


def post_url(site_url: str | None, doc: Post) -> str:
    """The URL of `doc` on the MkDocs blog (see `core.urls.post_path`), relative without a site URL."""
    return site_base(site_url) + post_path(doc)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append an Atom child element with optional text and attributes."""
    child = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    for key, value in attrs.items():
        child.set(key, xml_text(value))
    if text is not None:
        child.text = xml_text(text)
    return child


def _entry(
    feed: etree._Element,
    doc: Post,
    site_url: str | None,
    media: Mapping[str, int],
    earlier: Post | None,
    rendered: dict[str, str],
) -> None:
    """Append the <entry> of one Post; `media` gives the size of each published media file,
    `earlier` is the post it continues (if in the feed)."""
    entry = _sub(feed, "entry")
    _sub(entry, "id", doc.id)
    _sub(entry, "title", doc.title)
    _sub(entry, "published", rfc3339(doc.published))
    _sub(entry, "updated", rfc3339(doc.updated))
    for name in doc.authors:
        _sub(_sub(entry, "author"), "name", name)
    _links(entry, doc, site_url, media)
    if earlier is not None:
        _in_reply_to(entry, earlier, site_url)
    for tag in dict.fromkeys(doc.categories):
        _sub(entry, "category", term=tag)
    _sub(entry, "summary", doc.summary, type="text")
    content = _sub(entry, "content", _rendered(strip_marks(doc.content), rendered), type="html")
    if site_url:
        # Posts link their media as "media/<name>"; xml:base lets readers resolve it.
        content.set(XML_BASE, site_url.rstrip("/") + "/")


def _links(entry: etree._Element, doc: Post, site_url: str | None, media: Mapping[str, int]) -> None:
    """The entry's links: its page on the site, the post's own links, and the media it shows."""
    _sub(entry, "link", rel="alternate", type="text/html", href=post_url(site_url, doc))
    for link in doc.links:
        attrs = {"rel": link.rel, "href": link.href}
        if link.title:
            attrs["title"] = link.title
        _sub(entry, "link", **attrs)
    for name in post_media(doc):  # RFC 4287 4.2.7.2: what the post shows, for readers to fetch
        if name in media:
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            href = site_base(site_url) + "media/" + name
            _sub(entry, "link", rel="enclosure", href=href, type=kind, length=str(media[name]))


def _in_reply_to(entry: etree._Element, earlier: Post, site_url: str | None) -> None:
    """That the entry continues `earlier`, said for threading readers and for the others."""
    # RFC 4685 section 3: ref is the atom:id replied to; href and type say where to read it.
    reply = etree.SubElement(entry, f"{{{THREAD_NS}}}in-reply-to")
    reply.set("ref", earlier.id)
    reply.set("href", post_url(site_url, earlier))
    reply.set("type", "text/html")
    # Most readers ignore the thr namespace; a related link still leads them there.
    _sub(entry, "link", rel="related", type="text/html", href=post_url(site_url, earlier), title=earlier.title)


def build_feed(
    *,
    group: str,
    title: str,
    feed_id: str,
    site_url: str | None,
    docs: Sequence[Post],
    updated: datetime | None = None,
    media: Mapping[str, int] = {},
    rendered: dict[str, str] | None = None,
) -> bytes:
    """A group's Atom 1.0 feed: one entry per Post, newest first, same bytes for same input.

    `media` holds the byte size of each published media file, by name: each entry lists those
    its post shows as enclosures. `rendered` maps a content's hash to its HTML: what it holds is
    not rendered again, and what is rendered is added to it."""
    ordered = sorted(docs, key=post_order, reverse=True)
    by_id = {d.id: d for d in ordered}
    namespaces: dict[str | None, str] = {None: ATOM_NS}
    if any(d.continues in by_id for d in ordered):
        namespaces["thr"] = THREAD_NS
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap=namespaces)
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "subtitle", f"Posts written from the {group} group chat")
    newest = max((d.updated for d in ordered), default=_EPOCH)
    _sub(feed, "updated", rfc3339(updated or newest))
    base = site_base(site_url)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + FEED_FILE)
    _sub(feed, "link", rel="alternate", type="text/html", href=base + "blog/")
    if any(not d.authors for d in ordered):
        # RFC 4287 4.1.1: an entry without authors takes the feed's.
        _sub(_sub(feed, "author"), "name", title)
    _sub(feed, "generator", GENERATOR)
    for doc in ordered:
        earlier = by_id.get(doc.continues) if doc.continues else None
        _entry(feed, doc, site_url, media, earlier, {} if rendered is None else rendered)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


# Ids and dates are ours (hashes, timestamps); only what people can read is audited.
_READABLE = {"title", "subtitle", "summary", "content", "name", "rights"}


def feed_texts(xml: bytes) -> list[tuple[str, str]]:
    """(element, text) of every human-readable part of a feed, for the privacy audit."""
    root = etree.fromstring(xml)
    texts = []
    for element in root.iter(f"{{{ATOM_NS}}}*"):
        tag = etree.QName(element).localname
        if tag in _READABLE and element.text:
            texts.append((tag, element.text))
        for attribute in ("term", "label", "href", "title"):
            if element.get(attribute):
                texts.append((f"{tag}@{attribute}", element.get(attribute)))
    return texts


def media_sizes(home: Home, group: str, docs: Sequence[Post]) -> dict[str, int]:
    """The byte size of each published media file the posts show, by name."""
    names = {n for d in docs for n in post_media(d)}
    folder = home.media(group)
    return {n: (folder / n).stat().st_size for n in sorted(names) if (folder / n).is_file()}

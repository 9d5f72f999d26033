"""An Atom or RSS feed (a community's forum or newsletter beside its chat) as a group's entries:
each entry a message, by its author, at the time it was published."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree, html

from ..models import BadExport
from .parse import ParsedChat
from .sources import Rows, chat_of, with_handles

ATOM = "{http://www.w3.org/2005/Atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_RSS1 = "{http://purl.org/rss/1.0/}"
# No entities, no DTDs, no network: a feed is untrusted (billion laughs, XXE).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")  # RSS: "ana@example.org (Ana)"
MAX_ENTRY_CHARS = 20_000


def read_feed(data: bytes) -> tuple[ParsedChat, str | None]:
    """The feed's entries as messages, and its title as the group's name."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise BadExport(f"not a well-formed feed ({' '.join(str(e).split())})") from None
    if root.tag == f"{ATOM}feed":
        entries, title = root.findall(f"{ATOM}entry"), _text(root.find(f"{ATOM}title"))
        fallback = _atom_author(root)
        read = _atom_entry
    elif root.tag in ("rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"):
        channel = root.find("channel") if root.tag == "rss" else root.find(f"{_RSS1}channel")
        items = root.findall("channel/item") if root.tag == "rss" else root.findall(f"{_RSS1}item")
        entries, title, fallback = items, _text(channel.find("title") if channel is not None else None), None
        read = _rss_item
    else:
        raise BadExport(f"XML, but not an Atom or RSS feed (its root is <{etree.QName(root).localname}>)")
    rows = Rows()
    for entry in entries:
        read(rows, entry, fallback or title or "feed")
    return chat_of(rows, "feed", "RFC 3339 / RFC 822 dates of the feed"), title or None


def _atom_entry(rows: Rows, entry: etree._Element, fallback: str) -> None:
    when = _date(_text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated")))
    if when is None:
        return
    link = next((e.get("href") for e in entry.findall(f"{ATOM}link") if e.get("rel", "alternate") == "alternate"), "")
    body = entry.find(f"{ATOM}content")
    body = body if body is not None else entry.find(f"{ATOM}summary")
    identity = _text(entry.find(f"{ATOM}id")) or link or None
    reply = entry.find("{http://purl.org/syndication/thread/1.0}in-reply-to")
    text = _message(_text(entry.find(f"{ATOM}title")), _body(body), link or "")
    ids = (identity, reply.get("ref") if reply is not None else None, None)
    rows.add(when, _atom_author(entry) or fallback, text, ids=ids)


def _rss_item(rows: Rows, entry: etree._Element, fallback: str) -> None:
    when = _date(_text(entry.find("pubDate")) or _text(entry.find(f"{_DC}date")))
    if when is None:
        return
    link = _text(entry.find("link")) or _text(entry.find(f"{_RSS1}link"))
    body = entry.find(f"{_CONTENT}encoded")
    body = body if body is not None else entry.find("description")
    if body is None:
        body = entry.find(f"{_RSS1}description")
    author = _text(entry.find("author")) or _text(entry.find(f"{_DC}creator"))
    if found := _EMAIL_NAME.match(author):
        author = found["name"].strip()
    title = _text(entry.find("title")) or _text(entry.find(f"{_RSS1}title"))
    identity = _text(entry.find("guid")) or link or None
    rows.add(when, author or fallback, _message(title, _body(body), link), ids=(identity, None, None))


def _atom_author(element: etree._Element) -> str:
    return _text(element.find(f"{ATOM}author/{ATOM}name"))


def _text(element: etree._Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _body(element: etree._Element | None) -> str:
    """An entry's text: escaped HTML read as HTML (never rendered: tags and scripts are dropped)."""
    if element is None:
        return ""
    raw = "".join(element.itertext()) if element.get("type") != "xhtml" else _text(element)
    if "<" in raw:
        try:
            fragment = html.fromstring(f"<div>{raw}</div>")
            for dropped in fragment.xpath("//script|//style"):
                dropped.drop_tree()
            raw = fragment.text_content()
        except (etree.ParserError, ValueError):
            pass
    return "\n".join(" ".join(line.split()) for line in raw.splitlines() if line.strip())[:MAX_ENTRY_CHARS]


def _message(title: str, body: str, link: str) -> str:
    return with_handles("\n".join(part for part in (title, body, link) if part))


def _date(value: str) -> str | None:
    """An entry's time as the feed wrote it (its own clock), ISO; None when unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")

"""Offline enrichment: URL finding and the records for links and media."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from egregora_assets.core.enrichments.enrich import enrichment_id, offline_enrichments
from egregora_assets.core.models import Message, Window
from egregora_assets.core.urls import find_urls, url_domain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no links here", []),
        ("veja https://example.com/a.", ["https://example.com/a"]),
        ("(see https://x.org/page)", ["https://x.org/page"]),
        ("wiki https://en.wikipedia.org/wiki/Foo_(bar).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("a list: [https://x.org/a]", ["https://x.org/a"]),
        ("quoted 'https://x.org/q?a=1&b=2'!", ["https://x.org/q?a=1&b=2"]),
        ('"https://x.org/p";', ["https://x.org/p"]),
        ("what?! http://x.org/?!", ["http://x.org/"]),
        ("so... https://x.org/a…", ["https://x.org/a"]),
        ("www.Example.com/x, then", ["https://www.Example.com/x"]),
        ("HTTPS://X.ORG/A b", ["HTTPS://X.ORG/A"]),
        ("twice https://x.org and https://x.org again", ["https://x.org"]),
        ("order https://b.org https://a.org https://b.org", ["https://b.org", "https://a.org"]),
        ("mail me at someone@www.example.com", []),
        ("not a scheme ftp://x.org or xhttps://x.org", []),
        ("bare scheme https:// and https://[::1", []),
        ("<https://x.org/in-brackets>", ["https://x.org/in-brackets"]),
        ("a placeholder https://wa.me/[phone] stays", ["https://wa.me/[phone]"]),
        ("line\nhttps://x.org/a\nnext", ["https://x.org/a"]),
        ("", []),
    ],
)
def test_find_urls(text: str, expected: list[str]) -> None:
    assert find_urls(text) == expected


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Example.COM/x", "example.com"),
        ("http://sub.example.org:8080/x", "sub.example.org"),
        ("https://wwwexample.com", "wwwexample.com"),
        ("https://[::1/", None),
    ],
)
def test_url_domain(url: str, domain: str | None) -> None:
    assert url_domain(url) == domain


def _msg(i: int, text: str, attachment: str | None = None, kind: str = "text") -> Message:
    author = None if kind == "system" else f"amber-falcon-{i % 2}"
    return Message(
        id=f"m{i}",
        group="g1",
        timestamp=datetime(2024, 3, 2, 10, i),
        author=author,
        text=text,
        kind=kind,
        attachment=attachment,
    )


WINDOW = Window(
    id="w1",
    group="g1",
    date=date(2024, 3, 2),
    index=0,
    messages=[
        _msg(0, "olha https://www.YouTube.com/watch?v=abc e https://x.org/foto.JPG"),
        _msg(1, "IMG-20240302-WA0001.jpg (file attached)", "IMG-20240302-WA0001.jpg", "media"),
        _msg(2, "de novo https://www.YouTube.com/watch?v=abc"),
        _msg(3, "PTT-20240302-WA0002.opus", "PTT-20240302-WA0002.opus", "media"),
        _msg(4, "sticker", "STK-20240302-WA0003.webp", "media"),
        _msg(5, "Group description changed to https://admin.example.org", kind="system"),
        _msg(6, "mesma foto", "IMG-20240302-WA0001.jpg", "media"),
    ],
)

MEDIA = {
    "IMG-20240302-WA0001.jpg": ("image/jpeg", 1600, 1200),
    "STK-20240302-WA0003.webp": (None, 512, 512),
}


def test_offline_enrichments_records() -> None:
    found = offline_enrichments(WINDOW, media_info=MEDIA.get)
    got = [(e.kind, e.ref, e.message_id, e.domain, e.media_type, e.width, e.height, e.status) for e in found]
    assert got == [
        ("url", "https://www.YouTube.com/watch?v=abc", "m0", "youtube.com", None, None, None, "ok"),
        ("url", "https://x.org/foto.JPG", "m0", "x.org", "image/jpeg", None, None, "ok"),
        ("media", "IMG-20240302-WA0001.jpg", "m1", None, "image/jpeg", 1600, 1200, "ok"),
        ("media", "PTT-20240302-WA0002.opus", "m3", None, "audio/opus", None, None, "missing from export"),
        ("media", "STK-20240302-WA0003.webp", "m4", None, "image/webp", 512, 512, "ok"),
    ]
    assert all((e.group, e.date, e.window_id) == ("g1", date(2024, 3, 2), "w1") for e in found)


def test_media_type_falls_back_to_what_the_export_says() -> None:
    window = WINDOW.model_copy(update={"messages": [_msg(0, "doc", "DOC-0001.unknownext", "media")]})
    [record] = offline_enrichments(window, media_info=lambda name: ("application/x-thing", None, None))
    assert (record.media_type, record.status) == ("application/x-thing", "ok")


def test_every_media_missing_from_export() -> None:
    found = offline_enrichments(WINDOW, media_info=lambda name: None)
    media = [e for e in found if e.kind == "media"]
    assert len(media) == 3
    assert {e.status for e in media} == {"missing from export"}
    assert all(e.width is None and e.height is None for e in media)


def test_enrichment_ids_are_stable_and_distinct() -> None:
    first = offline_enrichments(WINDOW, media_info=MEDIA.get)
    again = offline_enrichments(WINDOW, media_info=MEDIA.get)
    assert first == again
    assert len({e.id for e in first}) == len(first)
    assert first[0].id == enrichment_id("g1", "url", "https://www.YouTube.com/watch?v=abc", "m0")
    assert enrichment_id("g1", "url", "https://a.org", "m0") != enrichment_id("g2", "url", "https://a.org", "m0")
    assert enrichment_id("g1", "url", "https://a.org", "m0") != enrichment_id("g1", "url", "https://a.org", "m1")
    assert len(first[0].id) == 16


def test_empty_window_has_no_enrichments() -> None:
    window = WINDOW.model_copy(update={"messages": [_msg(0, "só texto, sem link")]})
    assert offline_enrichments(window, media_info=MEDIA.get) == []

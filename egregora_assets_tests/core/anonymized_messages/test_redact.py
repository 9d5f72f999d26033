"""Shared locations: every map link, geo URI and coordinate pair becomes `[location]`.

The link shapes are those map apps put in the share sheet and WhatsApp users paste: each
provider's documented URL parameters, its short links, and the lines WhatsApp itself writes
("location: https://maps.google.com/?q=LAT,LON" on Android, "Location: ..." on iOS, and iOS's
Foursquare venue form "NAME (CITY): https://foursquare.com/v/ID")."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pytest

from egregora_assets.core.anonymized_messages.anonymize import anonymize
from egregora_assets.core.anonymized_messages.pseudonyms import build_roster
from egregora_assets.core.anonymized_messages.redact import find_pii, is_map_link, redact_text

MAP_LINKS = {
    "google": [
        "https://maps.google.com/?q=-23.1352,-46.5541",
        "https://maps.google.com/",
        "http://maps.google.com/maps?q=Rua+Augusta+1500,+S%C3%A3o+Paulo",
        "https://maps.google.com.br/maps?ll=-22.9519,-43.2105&z=15",
        "https://www.google.com/maps/place/Parque+Ibirapuera/@-23.5874,-46.6576,17z/data=!3m1!4b1!8m2!3d-23.5874!4d-46.6576",
        "https://www.google.com/maps/search/?api=1&query=-33.8567%2C151.2152",
        "https://www.google.com/maps/dir/?api=1&destination=Pedra+Grande+Atibaia&travelmode=driving",
        "https://www.google.com/maps/@?api=1&map_action=map&center=-23.55,-46.63",
        "https://google.com.br/maps/@-23.5505,-46.6333,15z",
        "https://www.google.com/maps?q=Pico+do+Jaragu%C3%A1",
        "www.google.com/maps/place/Pico+do+Jaragu%C3%A1",
        "https://maps.app.goo.gl/Xk4pQ2rT8vLm3nB7A?g_st=iw",
        "https://goo.gl/maps/aB3dE5fG7hJ9kL1m2",
        "https://share.google/Ab12Cd34Ef56Gh78i",
        "https://maps.googleapis.com/maps/api/staticmap?center=-23.55,-46.63&zoom=14&size=400x400",
    ],
    "apple": [
        "https://maps.apple.com/?ll=-23.5505,-46.6333&q=Encontro",
        "https://maps.apple.com/?address=Av.%20Paulista%201578,%20S%C3%A3o%20Paulo&auid=123456789",
        "http://maps.apple.com/?daddr=Atibaia&dirflg=d",
        "https://maps.apple/p/Qx7.LmN3~pRs",
    ],
    "openstreetmap": [
        "https://www.openstreetmap.org/#map=16/-23.1352/-46.5541",
        "https://www.openstreetmap.org/?mlat=-23.1352&mlon=-46.5541#map=17/-23.1352/-46.5541",
        "https://www.openstreetmap.org/node/1234567890",
        "https://osm.org/go/M@mXpk9--?m=",
        "https://omaps.app/Umjx8mQmLl/Pedra_Grande",
        "https://osmand.net/go?lat=-23.1352&lon=-46.5541&z=16",
    ],
    "waze": [
        "https://waze.com/ul?ll=-23.1352,-46.5541&navigate=yes",
        "https://www.waze.com/ul/h6gyf4bq3c",
        "https://www.waze.com/pt-BR/live-map/directions?to=ll.-23.1352%2C-46.5541",
        "https://ul.waze.com/ul?place=ChIJd8BlQ2BZwokRAFUEcm_qrcA&ll=-23.1352,-46.5541",
    ],
    "bing": [
        "https://www.bing.com/maps?cp=-23.1352~-46.5541&lvl=16",  # "~": no coordinate pair to see
        "https://bing.com/maps/default.aspx?cp=-23.1352~-46.5541&sp=point.-23.1352_-46.5541_Encontro",
    ],
    "here": [
        "https://share.here.com/l/-23.1352,-46.5541?z=16&p=yes",
        "https://wego.here.com/?map=-23.1352,-46.5541,15,normal",
    ],
    "yandex": [
        "https://yandex.ru/maps/-/CDa~aXYz",
        "https://yandex.com/maps/?ll=-46.5541%2C-23.1352&z=16",  # longitude first
        "https://maps.yandex.ru/?text=Atibaia",
        "https://yandex.com.tr/harita/-/CCUabcDe",
    ],
    "others": [
        "https://2gis.ru/moscow/geo/70000001020411183",
        "https://mapy.cz/s/hokuboruna",
        "https://mapy.com/en/zakladni?x=14.4208&y=50.0880&z=16",
        "https://www.mapquest.com/latlng/-23.1352,-46.5541",
        "https://map.baidu.com/?latlng=39.9042,116.4074",
        "https://surl.amap.com/Ab3De5Fg",
        "https://map.naver.com/p/entry/place/11591620",
        "https://map.kakao.com/link/map/37.402056,127.108212",
        "https://what3words.com/filled.count.soap",
        "https://w3w.co/index.home.raft",
        "https://plus.codes/58RG7CQF+2V",
        "https://foursquare.com/v/4b0588a1f964a520b2d522e3",
    ],
    "schemes": [
        "geo:-23.1352,-46.5541",
        "geo:-23.1352,-46.5541;u=35",
        "geo:0,0?q=Rua+Augusta+1500",
        "bingmaps:?cp=-23.1352~-46.5541&lvl=16",
        "comgooglemaps://?center=-23.55,-46.63&zoom=14",
        "waze://?ll=-23.1352,-46.5541&navigate=yes",
        "maps://?q=Atibaia&ll=-23.1,-46.5",
        "magicearth://?lat=-23.1352&lon=-46.5541",
    ],
    "coordinates": [
        "-23.55052, -46.633308",
        "23°33'01.9\"S 46°38'02.3\"W",
    ],
}
CASES = [(provider, link) for provider, links in MAP_LINKS.items() for link in links]

# Links that name a map product or a help page, and look-alikes: no place in them.
NOT_LOCATIONS = [
    "https://organicmaps.app/pt-br/",  # the app's home page, from the demo chat
    "https://support.google.com/maps/answer/144349",
    "https://play.google.com/store/apps/details?id=com.google.android.apps.maps",
    "https://www.google.com/search?q=mapa+da+trilha",
    "https://wiki.openstreetmap.org/wiki/Key:highway",
    "https://www.waze.com/",
    "https://www.bing.com/search?q=maps",
    "https://yandex.ru/search/?text=trilha",
    "https://www.apple.com/maps/",
    "https://google.com.evil.example/maps",
    "https://notmaps.google.example/",
    "https://goo.gl/AbCdEf",
]


def stored(text: str) -> str:
    """`text` as anonymize stores it (through the SQL pre-filter that picks rows to redact)."""
    table = pa.table(
        {
            "timestamp": pa.array([datetime(2026, 9, 1, 10, 0)], pa.timestamp("s")),
            "author": ["Ana"],
            "message": [text],
            "kind": ["location"],
            "attachment": pa.array([None], pa.string()),
        }
    )
    roster = build_roster(b"k" * 32, "g", ["Ana"])
    return anonymize(table, group="g", roster=roster, secret=b"k" * 32)["text"].to_pylist()[0]


@pytest.mark.parametrize(("provider", "link"), CASES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(CASES)])
def test_every_shared_location_becomes_a_placeholder(provider, link):
    text = f"olha aqui {link} beleza"
    assert redact_text(text, None) == "olha aqui [location] beleza"
    assert stored(text) == "olha aqui [location] beleza"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("localização: https://maps.google.com/?q=-23.1352,-46.5541", "localização: [location]"),
        ("Location: https://maps.google.com/?q=51.5021456,-0.127397", "Location: [location]"),
        (
            "Parque Ibirapuera (São Paulo, Brasil): https://foursquare.com/v/4b0588a1f964a520b2d522e3",
            "Parque Ibirapuera (São Paulo, Brasil): [location]",
        ),
        ("É aqui: https://maps.app.goo.gl/Xk4pQ2rT8vLm3nB7A.", "É aqui: [location]."),
        ("(https://maps.google.com/?q=-23.1,-46.5)", "([location])"),
    ],
)
def test_whatsapp_location_lines(line, expected):
    assert redact_text(line, None) == expected
    assert stored(line) == expected


@pytest.mark.parametrize("link", NOT_LOCATIONS)
def test_links_without_a_place_are_kept(link):
    assert not is_map_link(link)
    assert redact_text(f"veja {link}", None) == f"veja {link}"


def test_numbers_that_are_no_coordinates_are_kept():
    text = "versão 1.2, 3.4 e 10.5,20.1 ficam; video:123"
    assert redact_text(text, None) == text
    assert stored(text) == text


def test_the_audit_finds_a_map_link_left_in_a_post():
    roster = build_roster(b"k" * 32, "g", ["Ana"])
    findings = find_pii([("post:1", "content", "Encontro em https://maps.app.goo.gl/Xk4pQ2rT8vLm3nB7A")], roster)
    assert findings == ["post:1 field=content: contains a map location"]

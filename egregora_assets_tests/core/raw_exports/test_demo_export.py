"""The shipped demo export: current, realistic enough, and full of what privacy must remove."""

import io
import re
import zipfile
from collections import Counter, defaultdict
from datetime import date

import pytest
from PIL import Image

from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES
from egregora_assets.demo.make_demo import CHAT_NAME, build_demo

HEADER = re.compile(r"^(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d) - (?:(.+?): )?", re.M)


@pytest.fixture(scope="module")
def export():
    with zipfile.ZipFile(DEMO_EXPORT) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def messages(export):
    """(date, author) of every line; author is None for system lines."""
    text = export[CHAT_NAME].decode("utf-8")
    return [(date(int(y), int(m), int(d)), who) for d, m, y, _, _, who in HEADER.findall(text)]


def test_the_shipped_zip_is_what_the_generator_writes(tmp_path):
    assert build_demo(tmp_path / "demo.zip").read_bytes() == DEMO_EXPORT.read_bytes()
    assert DEMO_EXPORT.stat().st_size < 200_000


def test_size_span_and_authors(messages):
    said = [(day, who) for day, who in messages if who]
    assert len(said) >= 420
    assert min(d for d, _ in said) == date(2026, 9, 1)
    assert max(d for d, _ in said) == date(2026, 9, 27)
    authors = Counter(who for _, who in said)
    assert len(authors) >= 7
    assert "+55 11 98765-4321" in authors
    assert set(authors) <= set(DEMO_REAL_NAMES)


def test_busy_and_quiet_days(messages):
    per_day = defaultdict(list)
    for day, who in messages:
        if who:
            per_day[day].append(who)
    busy = [d for d, whos in per_day.items() if len(whos) >= 25 and len(set(whos)) >= 3]
    quiet = [d for d in (date(2026, 9, n) for n in range(1, 28)) if len(per_day[d]) <= 3]
    assert len(busy) >= 4 and len(quiet) >= 5


@pytest.mark.parametrize(
    "needle",
    [
        "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta",
        'Mariana Costa criou o grupo "Trilhas da Serra"',
        "Mariana Costa adicionou Lucas Ferreira",
        "Thiago Martins saiu",
        "@\u2068Camila Ribeiro\u2069",
        "@5511987654321",
        "Carlos Mendes.vcf (arquivo anexado)",
        "<Mídia oculta>",
        "Esta mensagem foi apagada",
        "https://",
        "\n+ - ",  # nothing of the script syntax leaks
    ],
)
def test_chat_holds_every_hard_case(export, needle):
    text = export[CHAT_NAME].decode("utf-8")
    if needle.startswith("\n+"):
        assert needle not in text
    else:
        assert needle in text


def test_every_attachment_is_in_the_zip_and_photos_carry_gps(export):
    text = export[CHAT_NAME].decode("utf-8")
    attached = re.findall(r": ([^\n:]+?\.\w+) \(arquivo anexado\)", text)
    assert set(attached) == set(export) - {CHAT_NAME}
    photos = [n for n in export if n.endswith(".jpg")]
    assert 3 <= len(photos) <= 4
    for name in photos:
        gps = Image.open(io.BytesIO(export[name])).getexif().get_ifd(0x8825)
        assert gps[1] == "S" and gps[3] == "W"


def test_every_listed_real_name_occurs(export):
    everything = b"".join(export.values()).decode("utf-8", "ignore")
    missing = [name for name in DEMO_REAL_NAMES if name not in everything]
    assert missing == []  # a stale list would make leak tests pass vacuously

"""The generator of the demo export: a pt-BR hiking group's Android WhatsApp chat, as a .zip.

Run `python -m egregora_assets.demo.make_demo`; the same code always writes the same bytes.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw

GROUP = "Trilhas da Serra"
CHAT_NAME = f"Conversa do WhatsApp com {GROUP}.txt"
OUT = Path(__file__).with_name("whatsapp-demo.zip")
SEED = 2026_09

PEOPLE = {
    "mari": "Mariana Costa",
    "jp": "João Pedro Alves",
    "bia": "Beatriz Nogueira",
    "rafa": "Rafael Souza",
    "cami": "Camila Ribeiro",
    "lucas": "Lucas Ferreira",
    "thiago": "Thiago Martins",
    "fone": "+55 11 98765-4321",  # not in the exporting phone's contacts
}
# Android writes a mention of a saved contact between U+2068/U+2069, of a number as digits.
MENTIONS = {key: f"@\u2068{name}\u2069" for key, name in PEOPLE.items()} | {"fone": "@5511987654321"}

ENCRYPTION = (
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam "
    "somente entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou "
    "ouvir o conteúdo delas. Toque para saber mais."
)

CONTACT_CARD = "Carlos Mendes.vcf"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Mendes;Carlos;;;\r\nFN:Carlos Mendes\r\n"
    "TEL;type=CELL;waid=5511991234567:+55 11 99123-4567\r\n"
    "EMAIL:carlos.mendes.guia@gmail.com\r\nEND:VCARD\r\n"
)

# Where each photo "was taken" (fake EXIF GPS, so metadata stripping can be tested).
PLACES = {
    "sunrise": (-23.1352, -46.5541),  # Pedra Grande, Atibaia
    "group": (-23.1349, -46.5537),
    "boots": (-23.5874, -46.6366),  # someone's home: the leak stripping must prevent
    "cleanup": (-23.4563, -46.7663),  # Pico do Jaraguá
}

# The chat, one day at a time, in chat_script.txt: "@DD HH:MM" starts a day, "~HH:MM" jumps later
# in it, "key: text" is a message, "+ text" continues it on a new line, "! text" is a system line.
# In text, {key} is a full name, {@key} a mention, {img:scene} an attached photo, {oculta} media
# left out of the export and {cripto} the encryption notice.
SCRIPT = resources.files(__package__).joinpath("chat_script.txt").read_text(encoding="utf-8")

_TOKEN = re.compile(r"\{(@?)(\w+)(?::(\w+))?\}")
_TIME = re.compile(r"(\d\d):(\d\d)")


def _stamp(moment: datetime) -> str:
    """Android's pt-BR timestamp prefix."""
    return moment.strftime("%d/%m/%Y %H:%M - ")


class _Chat:
    """The export being written: its lines, clock and attached photos."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.photos: dict[str, tuple[str, datetime]] = {}  # member -> (scene, sent at)
        self.clock = datetime(2026, 9, 1)

    def expand(self, text: str) -> str:
        """Text with {key}, {@key}, {img:scene} and {oculta} filled in."""

        def fill(match: re.Match) -> str:
            at, key, scene = match.groups()
            if key == "img":
                day = f"IMG-{self.clock:%Y%m%d}-WA"
                name = f"{day}{sum(n.startswith(day) for n in self.photos):04d}.jpg"
                self.photos[name] = (scene, self.clock)
                return f"{name} (arquivo anexado)"
            if key in ("oculta", "cripto"):
                return "<Mídia oculta>" if key == "oculta" else ENCRYPTION
            return MENTIONS[key] if at else PEOPLE[key]

        return _TOKEN.sub(fill, text)

    def set_time(self, day: int | None, hhmm: str) -> None:
        if not (time := _TIME.fullmatch(hhmm)):
            raise ValueError(f"not a time of day: {hhmm!r}")
        hour, minute = map(int, time.groups())
        base = self.clock if day is None else datetime(2026, 9, day)
        # "~HH:MM" means "not before": a burst that ran long simply carries on.
        self.clock = max(self.clock, base.replace(hour=hour, minute=minute))

    def add(self, author: str | None, text: str) -> None:
        """Write one message (or system line) and let a little time pass."""
        prefix = _stamp(self.clock) + (f"{PEOPLE[author]}: " if author else "")
        self.lines.append(prefix + self.expand(text))
        # Replies come in quick bursts with the odd pause, as in a real chat.
        step = timedelta(minutes=self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 6)))
        if (self.clock + step).day != self.clock.day:
            raise ValueError(f"script runs past midnight on {self.clock:%d/%m}")
        self.clock += step


def render_chat(script: str = SCRIPT, seed: int = SEED) -> tuple[str, dict[str, tuple[str, datetime]]]:
    """The chat .txt of `script`, and the photos it attaches (member -> scene and time)."""
    chat = _Chat(random.Random(seed))
    for line in script.strip().splitlines():
        if not line.strip():
            continue
        if line.startswith("@"):
            day, hhmm = line[1:].split()
            chat.set_time(int(day), hhmm)
        elif line.startswith("~"):
            chat.set_time(None, line[1:])
        elif line.startswith("+"):
            chat.lines[-1] += "\n" + chat.expand(line[2:])
        elif line.startswith("! "):
            chat.add(None, line[2:])
        else:
            key, text = line.split(": ", 1)
            chat.add(key, text)
    return "\n".join(chat.lines) + "\n", chat.photos


def _gps(lat: float, lon: float) -> dict[int, object]:
    """An EXIF GPS IFD for a position in decimal degrees."""

    def dms(value: float) -> tuple[float, float, float]:
        degrees, minutes = divmod(abs(value) * 60, 60)
        return (float(int(degrees)), float(int(minutes)), round(minutes % 1 * 60, 2))

    return {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "W" if lon < 0 else "E", 4: dms(lon)}


def _draw(scene: str, image: Image.Image) -> None:
    """Paint a few flat shapes suggesting the scene."""
    pen = ImageDraw.Draw(image)
    if scene in ("sunrise", "group"):
        pen.rectangle((0, 0, 320, 240), fill=(250, 170, 90) if scene == "sunrise" else (120, 180, 230))
        pen.ellipse((130, 90, 190, 150), fill=(255, 220, 120))
        pen.polygon([(0, 240), (0, 150), (90, 90), (170, 160), (250, 110), (320, 170), (320, 240)],
                    fill=(60, 90, 70))  # fmt: skip
        if scene == "group":  # six hikers on the rock
            for i in range(6):
                pen.ellipse((70 + 30 * i, 170, 86 + 30 * i, 186), fill=(240, 200, 160))
                pen.rectangle((72 + 30 * i, 186, 84 + 30 * i, 220), fill=(200, 60 + 30 * i, 60))
    elif scene == "boots":
        pen.rectangle((0, 0, 320, 240), fill=(225, 215, 200))
        for x in (60, 180):
            pen.rectangle((x, 70, x + 50, 170), fill=(110, 80, 50))
            pen.rectangle((x, 150, x + 90, 185), fill=(90, 60, 40))
    else:  # cleanup: full rubbish bags on the grass
        pen.rectangle((0, 0, 320, 240), fill=(110, 170, 90))
        for i in range(7):
            pen.ellipse((20 + 40 * i, 120 + 10 * (i % 2), 70 + 40 * i, 190), fill=(30, 30, 35))


def make_photo(scene: str, taken: datetime) -> bytes:
    """A small JPEG of `scene`, with camera and GPS EXIF as a phone would write it."""
    image = Image.new("RGB", (320, 240), (200, 200, 200))
    _draw(scene, image)
    exif = Image.Exif()
    exif[0x010F] = "samsung"  # Make
    exif[0x0110] = "SM-A546E"  # Model
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    exif[0x8825] = _gps(*PLACES[scene])  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60, exif=exif)
    return out.getvalue()


def _member(zf: zipfile.ZipFile, name: str, data: bytes, when: datetime) -> None:
    """Add one member with fixed metadata, so the archive's bytes never vary."""
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build_demo(out: Path = OUT) -> Path:
    """Write the demo export zip to `out` and return it."""
    text, photos = render_chat()
    exported = datetime(2026, 9, 27, 22, 10)
    with zipfile.ZipFile(out, "w") as zf:
        _member(zf, CHAT_NAME, text.encode("utf-8"), exported)
        for name, (scene, sent) in photos.items():
            taken = sent - timedelta(minutes=1)  # shot just before it was sent
            _member(zf, name, make_photo(scene, taken), sent)
        _member(zf, CONTACT_CARD, VCARD.encode("utf-8"), datetime(2026, 9, 14, 18, 10))
    return out


if __name__ == "__main__":
    path = build_demo()
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")

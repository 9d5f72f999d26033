"""Reading export files: every hostile or broken input is one clear BadExport line."""

from __future__ import annotations

import hashlib
import stat
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from egregora_assets.core.models import BadExport
from egregora_assets.core.raw_exports import archive as export
from egregora_assets.core.raw_exports.archive import read_export, read_member, slugify

CHAT = "31/12/2020, 21:41 - Ana: oi\n31/12/2020, 21:42 - Bia: IMG-20201231-WA0001.jpg (file attached)\n"


def make_zip(path: Path, members: dict[str, bytes | str], **attrs) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 12, 31, 21, 41, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in attrs:
                info.external_attr = attrs[name]
            zf.writestr(info, data)
    return path


def refused(path: Path, match: str) -> str:
    with pytest.raises(BadExport) as caught:
        read_export(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(path.name + ": ")
    assert match in message, message
    return message


# --- the happy path, for contrast ---------------------------------------------------------


def test_reads_a_zip_with_its_media(tmp_path):
    path = make_zip(
        tmp_path / "WhatsApp Chat - Família.zip",
        {"_chat.txt": CHAT, "IMG-20201231-WA0001.jpg": b"\xff\xd8jpeg", "folder/": b""},
    )
    parsed = read_export(path)
    assert parsed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (parsed.size, parsed.filename) == (path.stat().st_size, path.name)
    assert (parsed.chat_member, parsed.group_name) == ("_chat.txt", "Família")
    assert parsed.media_members == {"IMG-20201231-WA0001.jpg": 6}
    assert parsed.chat.messages["attachment"].to_pylist() == [None, "IMG-20201231-WA0001.jpg"]
    assert read_member(path, "IMG-20201231-WA0001.jpg", 1000) == b"\xff\xd8jpeg"


@pytest.mark.parametrize(
    ("member", "group"),
    [
        ("WhatsApp Chat with Viagem 2021.txt", "Viagem 2021"),
        ("Conversa do WhatsApp com Família Silva.txt", "Família Silva"),
        ("Chat de WhatsApp con Amigos.txt", "Amigos"),
        ("WhatsApp-Chat mit Freunde.txt", "Freunde"),
        ("Discussion WhatsApp avec Les Amis.txt", "Les Amis"),
        ("Chat WhatsApp con Amici.txt", "Amici"),
    ],
)
def test_group_name_from_the_chat_file_name(tmp_path, member, group):
    parsed = read_export(make_zip(tmp_path / "export.zip", {member: CHAT}))
    assert (parsed.chat_member, parsed.group_name) == (member, group)


def test_reads_a_bare_txt(tmp_path):
    path = tmp_path / "WhatsApp Chat with Ana.txt"
    path.write_bytes(CHAT.encode("utf-16"))
    parsed = read_export(path)
    assert (parsed.group_name, parsed.chat.messages.num_rows) == ("Ana", 2)
    assert parsed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    plain = tmp_path / "_chat.txt"
    plain.write_text(CHAT)
    assert read_export(plain).group_name is None


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Família Silva", "familia-silva"), ("  Viagem 2021!! ", "viagem-2021"), ("Ünïcödé_Grüppe", "unicode-gruppe")],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugify_is_never_empty():
    assert slugify("🎉🎉").startswith("group-")
    assert slugify("🎉🎉") != slugify("🌸")


# --- hostile and broken inputs ------------------------------------------------------------


def _patch_sizes(path: Path, member: str, size: int) -> None:
    """Make both headers of a member claim `size` uncompressed bytes (a lying zip)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.find(b"PK\x03\x04", local + 4)
    struct.pack_into("<I", data, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, size)
    path.write_bytes(bytes(data))


def _deflated_zeros(size: int) -> bytes:
    squeeze, block, out = zlib.compressobj(9, zlib.DEFLATED, -15), bytes(1 << 20), []
    for _ in range(size >> 20):
        out.append(squeeze.compress(block))
    return b"".join(out) + squeeze.flush()


def _raw_member_zip(path: Path, name: str, raw: bytes, crc: int, size: int) -> Path:
    """A zip whose single member is the given raw deflate stream, with chosen header fields."""
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0)
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(raw),
        size,
        len(encoded),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    cd_offset = len(local) + len(encoded) + len(raw)
    cd = central + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd), cd_offset, 0)
    path.write_bytes(local + encoded + raw + cd + end)
    return path


def test_bomb_with_understated_headers_is_refused_in_little_memory(tmp_path):
    # 256 MB of zeros behind headers that claim 1,000 bytes
    path = _raw_member_zip(tmp_path / "bomb.zip", "_chat.txt", _deflated_zeros(256 << 20), 0, 1000)
    tracemalloc.start()
    try:
        refused(path, "_chat.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20


def test_bomb_with_patched_zipfile_headers_is_refused(tmp_path):
    path = make_zip(tmp_path / "bomb.zip", {"_chat.txt": CHAT + "x" * (8 << 20)})
    _patch_sizes(path, "_chat.txt", 4000)
    refused(path, "_chat.txt")


def test_bomb_with_honest_headers_is_refused_before_reading(tmp_path, monkeypatch):
    path = _raw_member_zip(
        tmp_path / "honest.zip", "_chat.txt", _deflated_zeros(64 << 20), zlib.crc32(bytes(64 << 20)), 64 << 20
    )
    monkeypatch.setattr(export, "_read", None)  # must not get as far as reading
    refused(path, "compresses more than 200x")


def test_member_over_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_CHAT_BYTES", 1000)
    path = make_zip(tmp_path / "big.zip", {"_chat.txt": CHAT * 100})
    refused(path, "over")


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_MEMBERS", 3)
    path = make_zip(tmp_path / "many.zip", {"_chat.txt": CHAT, **{f"{i}.jpg": b"x" for i in range(3)}})
    refused(path, "too many members")


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "media/../../evil.jpg", "/etc/evil.jpg", "media\\evil.jpg", "C:/evil.jpg", "c:evil.jpg"],
)
def test_zip_slip_names(tmp_path, name):
    path = make_zip(tmp_path / "slip.zip", {"_chat.txt": CHAT, name: b"x"})
    refused(path, "unsafe member name")


def test_symlink_member(tmp_path):
    link = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "link.zip", {"_chat.txt": CHAT, "photo.jpg": "/etc/passwd"}, **{"photo.jpg": link})
    refused(path, "symbolic link")


def test_missing_chat(tmp_path):
    refused(make_zip(tmp_path / "nochat.zip", {"photo.jpg": b"x"}), "no chat file")
    refused(make_zip(tmp_path / "twotexts.zip", {"a.txt": CHAT, "b.txt": CHAT}), "no chat file")


def test_two_chat_files(tmp_path):
    path = make_zip(tmp_path / "two.zip", {"_chat.txt": CHAT, "WhatsApp Chat with Ana.txt": CHAT})
    refused(path, "two candidate chat files")


def test_corrupt_member_data(tmp_path):
    path = make_zip(tmp_path / "corrupt.zip", {"_chat.txt": CHAT * 50})
    data = bytearray(path.read_bytes())
    for i in range(40, 60):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    refused(path, "_chat.txt")


def test_truncated_zip(tmp_path):
    path = make_zip(tmp_path / "cut.zip", {"_chat.txt": CHAT * 50, "photo.jpg": bytes(5000)})
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(path, "corrupt or truncated zip")


def test_not_a_zip(tmp_path):
    path = tmp_path / "chat.zip"
    path.write_text(CHAT)
    refused(path, "not a zip file")


def test_unknown_extension(tmp_path):
    path = tmp_path / "chat.rar"
    path.write_text(CHAT)
    refused(path, "unknown extension '.rar'")


def test_missing_file(tmp_path):
    refused(tmp_path / "gone.zip", "no such file")


def test_empty_chat(tmp_path):
    refused(make_zip(tmp_path / "empty.zip", {"_chat.txt": b""}), "the chat file is empty")


def test_chat_without_any_message_shows_its_first_line(tmp_path):
    path = make_zip(tmp_path / "junk.zip", {"_chat.txt": "\n  \nthis is not a chat\nnor this\n"})
    refused(path, "no message could be read; first line 'this is not a chat'")


def test_bad_date_inside_the_chat_names_file_and_problem(tmp_path):
    path = make_zip(tmp_path / "dates.zip", {"_chat.txt": "13/01/2021, 10:00 - A: x\n01/13/2021, 10:00 - A: y\n"})
    refused(path, "disagree on day/month order")


def test_read_member_rules(tmp_path):
    path = make_zip(tmp_path / "m.zip", {"_chat.txt": CHAT, "photo.jpg": bytes(3000)})
    with pytest.raises(BadExport, match="no member 'nope.jpg'"):
        read_member(path, "nope.jpg", 10_000)
    with pytest.raises(BadExport, match="over"):
        read_member(path, "photo.jpg", 100)
    slip = make_zip(tmp_path / "s.zip", {"_chat.txt": CHAT, "../photo.jpg": b"x"})
    with pytest.raises(BadExport, match="unsafe member name"):
        read_member(slip, "../photo.jpg", 100)


# --- the audit of issue 10: odd but valid files are read fully, the rest refused clearly ---


def test_chat_file_inside_a_folder_is_read(tmp_path):
    path = make_zip(
        tmp_path / "export.zip",
        {
            "WhatsApp Chat with Viagem/WhatsApp Chat with Viagem.txt": CHAT,
            "WhatsApp Chat with Viagem/IMG-20201231-WA0001.jpg": b"x",
        },
    )
    parsed = read_export(path)
    assert (parsed.group_name, parsed.chat.messages.num_rows) == ("Viagem", 2)
    assert parsed.chat.messages["attachment"].to_pylist() == [None, "WhatsApp Chat with Viagem/IMG-20201231-WA0001.jpg"]


def test_macos_resource_forks_are_ignored(tmp_path):
    members = {"chat/chat.txt": CHAT, "__MACOSX/chat/._chat.txt": b"\x00\x05\x16\x07", "chat/._IMG.jpg": b"\x00"}
    parsed = read_export(make_zip(tmp_path / "mac.zip", members))
    assert (parsed.chat_member, parsed.chat.messages.num_rows, parsed.media_members) == ("chat/chat.txt", 2, {})


def _zip_with_raw_name(path: Path, raw_name: bytes, data: str) -> Path:
    """A zip whose member name is stored as these bytes, without the UTF-8 flag."""
    placeholder = b"n" * len(raw_name)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(placeholder.decode()), data)
    path.write_bytes(path.read_bytes().replace(placeholder, raw_name))  # both headers
    return path


@pytest.mark.parametrize(
    ("raw", "group"),
    [
        ("WhatsApp Chat with Família.txt".encode(), "Família"),  # UTF-8 bytes, no flag (Windows tools)
        ("WhatsApp Chat with Zoë.txt".encode("cp437"), "Zoë"),  # a real cp437 name
        ("WhatsApp Chat with 家族.txt".encode(), "家族"),
    ],
)
def test_member_names_in_odd_encodings(tmp_path, raw, group):
    parsed = read_export(_zip_with_raw_name(tmp_path / "odd.zip", raw, CHAT))
    assert (parsed.group_name, parsed.chat.messages.num_rows) == (group, 2)


@pytest.mark.parametrize(
    "data",
    [
        b"31/12/2020, 21:41 - Ana: a\r\nb\r\n31/12/2020, 21:42 - Bia: c\rd\r31/12/2020, 21:43 - Ana: e\n",
        "31/12/2020, 21:41 - Ana: a\r\nb\r\n31/12/2020, 21:42 - Bia: c\rd\r31/12/2020, 21:43 - Ana: e\n".encode(
            "utf-16"
        ),
    ],
    ids=["utf8", "utf16"],
)
def test_mixed_line_endings_are_read_fully(tmp_path, data):
    for path in (make_zip(tmp_path / "mixed.zip", {"_chat.txt": data}), tmp_path / "_chat.txt"):
        path.write_bytes(data) if path.suffix == ".txt" else None
        got = read_export(path).chat.messages
        assert [(r["author"], r["message"]) for r in got.to_pylist()] == [
            ("Ana", "a\nb"),
            ("Bia", "c\nd"),
            ("Ana", "e"),
        ]


def test_a_50_mb_line_in_a_zip_is_read_fully(tmp_path):
    rng = __import__("random").Random(10)
    words = [
        rng.choice(["kkk", "haha", "sim:", "não", "ok", "🎉", "amanhã", "10:30"]) for _ in range(10_500_000)
    ]  # about 54 MB
    line = " ".join(words)
    path = make_zip(
        tmp_path / "long.zip", {"_chat.txt": f"31/12/2020, 21:41 - Ana: {line}\n31/12/2020, 21:42 - Bia: ok\n"}
    )
    got = read_export(path).chat.messages
    assert [len(m) for m in got["message"].to_pylist()] == [len(line), 2]


REFUSED = {  # what is inside the zip -> what the one line says
    "nested zip": (
        {"WhatsApp Chat - Viagem.zip": b"PK\x03\x04inner"},
        "it holds another zip, 'WhatsApp Chat - Viagem.zip'",
    ),
    "media only": ({"IMG-20201231-WA0001.jpg": b"\xff\xd8", "PTT-1.opus": b"x"}, "it holds only 2 other file(s)"),
    "empty zip": ({}, "the zip is empty"),
    "only folders": ({"a/": b"", "a/b/": b""}, "the zip is empty"),
    "two unnamed texts": ({"a.txt": CHAT, "b.txt": CHAT}, "2 .txt files and none is named like a chat"),
    "empty chat": ({"_chat.txt": b""}, "the chat file is empty"),
    "blank chat": ({"_chat.txt": b"\n\r\n  \n"}, "the chat file is empty"),
    "bom only": ({"_chat.txt": b"\xef\xbb\xbf"}, "the chat file is empty"),
    "utf16 bom only": ({"_chat.txt": b"\xff\xfe"}, "the chat file is empty"),
    "binary chat": ({"_chat.txt": bytes(range(256)) * 100}, "not a text chat: it looks like binary data"),
    "jpeg chat": ({"_chat.txt": b"\xff\xd8\xff\xe0" + bytes(1000)}, "not a text chat: it is a JPEG image"),
    "zip as chat": ({"_chat.txt": b"PK\x03\x04" + bytes(1000)}, "not a text chat: it is a zip archive"),
    "text, no chat": (
        {"_chat.txt": "Dear diary,\nnothing here\n"},
        "no message could be read; first line 'Dear diary,'",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refusals_name_the_problem_in_one_line(tmp_path, case):
    members, why = REFUSED[case]
    refused(make_zip(tmp_path / "export.zip", members), why)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "the chat file is empty"),
        (bytes(range(256)) * 100, "not a text chat"),
        (b"%PDF-1.4\n", "not a text chat: it is a PDF"),
    ],
    ids=["empty", "binary", "pdf"],
)
def test_txt_refusals_name_the_problem_in_one_line(tmp_path, data, why):
    path = tmp_path / "WhatsApp Chat with Ana.txt"
    path.write_bytes(data)
    refused(path, why)


def test_lying_compressed_size_is_refused(tmp_path):
    # headers that say the member is tiny and compresses 1:1, over a 64 MB deflate stream
    raw = _deflated_zeros(64 << 20)
    path = _raw_member_zip(tmp_path / "liar.zip", "_chat.txt", raw, 0, len(raw))
    refused(path, "_chat.txt")

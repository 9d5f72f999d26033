"""Reading an export file safely (a WhatsApp .zip or .txt, or another source read by its content),
and parsing its chat."""

from __future__ import annotations

import hashlib
import queue
import re
import stat
import threading
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import text
from ..models import BadExport
from .parse import ParsedChat, parse_chat
from .sources import read_source, sniff

# Caps for untrusted zips. A chat of a million messages is about 100 MB; media can be big.
# What the inbox picks up: every source is read by its content; HTML only to say which export to make.
EXPORT_SUFFIXES = (".zip", ".txt", ".json", ".xml", ".atom", ".rss", ".html", ".htm")
MAX_CHAT_BYTES = 1 << 30
MAX_MEMBER_BYTES = 2 << 30
MAX_TOTAL_BYTES = 8 << 30
MAX_MEMBERS = 50_000
MAX_RATIO = 200  # text compresses ~5-10x, media ~1x; zip bombs 1000x
RATIO_FLOOR = 1 << 20  # below this size any ratio is harmless
READ_CHUNK = 1 << 20
STREAM_CHUNK = 16 << 20  # the chat member is inflated in these while the parse goes on (few GIL hand-offs)

_CHAT_NAME = re.compile(
    r"(?:WhatsApp Chat with|WhatsApp Chat -|Conversa do WhatsApp com|Chat de WhatsApp con"
    r"|WhatsApp-Chat mit|Discussion WhatsApp avec|Chat WhatsApp con|Chat di WhatsApp con"
    r"|WhatsApp-chat met|WhatsApp-chatt med|WhatsApp Chat med) +(?P<group>.+?)(?: \(\d+\))?",
    re.IGNORECASE,
)
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ParsedExport:
    """One export file: its identity, its chat member and media members, and the parsed chat."""

    sha256: str
    size: int
    filename: str
    chat_member: str
    group_name: str | None
    media_members: dict[str, int]
    chat: ParsedChat


def read_export(path: Path, *, day_first: bool | None = None) -> ParsedExport:
    """Read and parse an export; anything unreadable raises BadExport naming the file."""
    path = Path(path)
    name = path.name.replace("\n", " ")
    with ThreadPoolExecutor(1) as pool:
        digest = pool.submit(_sha256, path)  # hashlib releases the GIL: it runs beside the parse
        try:
            chat_member, media, chat, group_name = _load(path, day_first)
        except BadExport as e:
            raise BadExport(f"{name}: {e}") from None
    if chat.messages.num_rows == 0:
        first = chat.first_unparsed_line
        if chat.format not in ("android", "ios", "unknown"):
            raise BadExport(f"{name}: no message in this {chat.format} export")
        why = f"first line {first!r}" if first else "the chat file is empty"
        raise BadExport(f"{name}: not a WhatsApp export: no message could be read; {why}")
    return ParsedExport(
        sha256=digest.result(),
        size=path.stat().st_size,
        filename=path.name,
        chat_member=chat_member,
        group_name=group_name,
        media_members=media,
        chat=chat,
    )


def read_member(path: Path, member: str, max_bytes: int) -> bytes:
    """The bytes of one member of an export zip, under the same rules as the chat."""
    path = Path(path)
    try:
        with _open_zip(path) as zf:
            infos = {info.filename: info for info in _checked_members(zf)}
            if member not in infos:
                raise BadExport(f"no member {member!r} in the zip")
            return _read(zf, infos[member], max_bytes)
    except BadExport as e:
        raise BadExport(f"{path.name}: {e}") from None


def zip_members(path: Path) -> list[str]:
    """The names of a staged export's files (none when it cannot be opened)."""
    try:
        with _open_zip(path) as zf:
            return [i.filename for i in zf.infolist() if not i.is_dir() and not _is_mac_fork(i.filename)]
    except BadExport:
        return []


def slugify(name: str) -> str:
    """An ascii, lowercase, hyphenated, never empty slug for a group name."""
    return text.slugify(name) or "group-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def _load(path: Path, day_first: bool | None) -> tuple[str, dict[str, int], ParsedChat, str | None]:
    """The chat member's name, the media members, the parsed chat and the group's name."""
    if not path.is_file():
        raise BadExport("no such file")
    with path.open("rb") as f:
        kind = sniff(f.read(4096))  # the content says what a file is; its extension may not
    if kind == "text" and path.suffix.lower() not in (".txt", ".zip"):
        raise BadExport(
            f"not a WhatsApp export nor another source: unknown extension {path.suffix.lower() or '(none)'!r}: expected a WhatsApp .zip or .txt, "
            "a Telegram result.json, a DiscordChatExporter or WhatsApp-Chat-Exporter JSON, or an Atom/RSS feed"
        )
    if kind != "zip" and path.suffix.lower() != ".zip":  # a .zip that is none is damaged: said below
        if path.stat().st_size > MAX_CHAT_BYTES:
            raise BadExport(f"chat file larger than {MAX_CHAT_BYTES >> 20} MiB")
        # The chat's bytes go straight into the parser, which frees them once split.
        if kind == "text":
            group = _group_name(path.name)
            return path.name, {}, parse_chat(path.read_bytes(), day_first=day_first, group_name=group), group
        parsed, name = read_source(path.read_bytes(), kind)
        return path.name, {}, parsed, name
    with _open_zip(path) as zf:
        infos = _checked_members(zf)
        if (other := _other_source(zf, infos)) is not None:
            return other
        chat = _chat_info(infos)
        media = {
            i.filename: i.file_size for i in infos if i is not chat and not i.is_dir() and not _is_mac_fork(i.filename)
        }
        group = _group_name(_member_name(chat)) or _group_name(path.name)
        return (
            _member_name(chat),
            media,
            parse_chat(_inflated(zf, chat, MAX_CHAT_BYTES), day_first=day_first, media_members=media, group_name=group),
            group,
        )


def _other_source(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[str, dict[str, int], ParsedChat, str | None] | None:
    """A zipped export folder of another source: its one JSON file (Telegram's result.json
    beside its media), or its HTML pages (said to be the wrong format); None for WhatsApp's."""
    files = [i for i in infos if not i.is_dir() and not _is_mac_fork(i.filename)]
    if any(_is_chat_name(_member_name(i).rsplit("/", 1)[-1]) for i in files):
        return None
    found = [i for i in files if i.filename.lower().endswith(".json")]
    pages = [i for i in files if i.filename.lower().endswith((".html", ".htm"))]
    if len(found) != 1:
        if pages and not found:
            read_source(_read(zf, pages[0], MAX_CHAT_BYTES), "html")  # raises: it says which export to make
        return None
    data = _read(zf, found[0], MAX_CHAT_BYTES)
    chat, name = read_source(data, sniff(data[:4096]))
    media = {i.filename: i.file_size for i in files if i is not found[0]}
    return _member_name(found[0]), media, chat, name


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError) as e:
        with path.open("rb") as f:
            looks_zip = f.read(4) == b"PK\x03\x04"
        if looks_zip:
            raise BadExport(f"corrupt or truncated zip ({_one_line(e)})") from None
        raise BadExport("not a WhatsApp export: not a zip file") from None


def _checked_members(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's members, after refusing unsafe names, symlinks and implausible sizes."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BadExport(f"too many members ({len(infos)} > {MAX_MEMBERS})")
    total = 0
    for info in infos:
        _check_name(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BadExport(f"member {info.filename!r} is a symbolic link")
        _check_size(info, MAX_MEMBER_BYTES)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        cap = MAX_TOTAL_BYTES >> 20
        raise BadExport(f"members expand to {total >> 20} MiB, more than {cap} MiB")
    return infos


def _check_name(name: str) -> None:
    """Refuse names that could write outside a folder they are extracted into (zip-slip)."""
    if "\\" in name or "\x00" in name:
        raise BadExport(f"unsafe member name {name!r} (backslash or NUL)")
    if name.startswith("/") or _DRIVE.match(name):
        raise BadExport(f"unsafe member name {name!r} (absolute path)")
    if ".." in name.split("/"):
        raise BadExport(f"unsafe member name {name!r} (parent folder)")


def _check_size(info: zipfile.ZipInfo, cap: int) -> None:
    if info.file_size > cap:
        size = info.file_size >> 20
        raise BadExport(f"member {info.filename!r} is {size} MiB, over {cap >> 20} MiB")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise BadExport(f"member {info.filename!r} compresses more than {MAX_RATIO}x (zip bomb?)")


def _chat_info(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    """The one chat member: `_chat.txt` or a localized "WhatsApp Chat with X.txt"."""
    files = [i for i in infos if not i.is_dir() and not _is_mac_fork(i.filename)]
    texts = [i for i in files if i.filename.lower().endswith(".txt")]
    named = [i for i in texts if _is_chat_name(_member_name(i).rsplit("/", 1)[-1])]
    candidates = named or (texts if len(texts) == 1 else [])
    if not candidates:
        raise BadExport(_why_no_chat(files, texts))
    if len(candidates) > 1:
        raise BadExport(f"two candidate chat files: {candidates[0].filename!r} and {candidates[1].filename!r}")
    return candidates[0]


def _why_no_chat(files: list[zipfile.ZipInfo], texts: list[zipfile.ZipInfo]) -> str:
    expected = "no chat file (_chat.txt or 'WhatsApp Chat with ....txt') in the zip"
    zips = [i.filename for i in files if i.filename.lower().endswith(".zip")]
    if zips:
        return f"{expected}: it holds another zip, {zips[0]!r}; give that zip instead"
    if len(texts) > 1:
        return f"{expected}: {len(texts)} .txt files and none is named like a chat"
    if files:
        return f"{expected}: it holds only {len(files)} other file(s), such as {files[0].filename!r}"
    return f"{expected}: the zip is empty"


def _is_mac_fork(name: str) -> bool:
    """macOS's Finder adds __MACOSX/ and ._name copies of each member: not content."""
    return name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("._")


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as written: zips made without the UTF-8 flag hold UTF-8 names that
    zipfile reads as cp437 ("FamÃ­lia")."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _is_chat_name(base: str) -> bool:
    return base == "_chat.txt" or _group_name(base) is not None


def _group_name(filename: str) -> str | None:
    """The group's name as WhatsApp wrote it into the export's file name."""
    stem = re.sub(r"\.(txt|zip)$", "", filename.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    m = _CHAT_NAME.fullmatch(stem.strip())
    return m["group"].strip() if m else None


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, streamed in small reads so a lying header cannot blow up memory."""
    return b"".join(_chunks(zf, info, cap, READ_CHUNK))


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, size: int) -> Iterator[bytes]:
    """A member's bytes in chunks, under a running cap: a lying header is caught early."""
    _check_size(info, cap)
    limit = min(info.file_size, cap)
    total = 0
    try:
        with zf.open(info) as f:
            while chunk := f.read(size):
                total += len(chunk)
                if total > limit or (total > RATIO_FLOOR and total > MAX_RATIO * info.compress_size):
                    raise BadExport(f"member {info.filename!r} expands beyond its declared size")
                yield chunk
    except zipfile.BadZipFile as e:
        if "CRC" not in str(e):
            raise BadExport(f"cannot read member {info.filename!r}: {_one_line(e)}") from None
        # zipfile stops at the declared size, so a bomb that understates it ends here
        why = "corrupt, or its declared size is wrong (zip bomb?)"
        raise BadExport(f"member {info.filename!r} fails its checksum: {why}") from None
    except (zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        raise BadExport(f"cannot read member {info.filename!r}: {_one_line(e)}") from None


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The member's chunks, inflated by a helper thread while the caller parses the ones
    already there (zlib releases the GIL). Errors reach the caller in order."""
    ready: queue.Queue = queue.Queue(maxsize=4)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def inflate() -> None:
        try:
            for chunk in _chunks(zf, info, cap, STREAM_CHUNK):
                if not put(chunk):
                    return
            put(None)
        except Exception as error:  # noqa: BLE001 - handed to the consumer, raised there
            put(error)

    helper = threading.Thread(target=inflate, name="inflate", daemon=True)
    helper.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        helper.join()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(READ_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__

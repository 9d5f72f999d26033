"""Privacy by construction: the home's secret, pseudonyms, opt-outs, media names, `anonymize`.

Finding and replacing PII in text (and the audit, `find_pii`) live in `redact.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from PIL import Image, ImageOps

from ..home import write_atomic
from ..models import BadExport
from .pseudonym_words import ADJECTIVES, NOUNS
from .redact import (
    clean_name,
    find_pii,
    fold,
    name_key,
    people_matcher,
    phone_digits,
    redact_text,
)

__all__ = ["Roster", "anonymize", "build_roster", "find_pii", "load_aliases", "load_or_create_secret",
           "load_owner_map", "message_id", "opt_outs", "publish_media_name", "save_owner_map",
           "strip_image_metadata"]

# The chat command syntax: "/egregora opt-out" or "/egregora opt-in", alone in a message.
COMMAND = r"(?i)^\s*/egregora\s+opt[- ]?(out|in)\s*$"
_COMMAND = re.compile(COMMAND)
_VCF = re.compile(r"(?i)(\s*)(?:[0-9]{8}-)?([^\n<>:/\\]+?)\.vcf\b")
_QUOTED = re.compile(r"[\"“«„]([^\"”»“\n]{1,200})[\"”»“]")
_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_EPOCH = datetime(1970, 1, 1)
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


# --- the secret and keyed hashes ------------------------------------------------------------


def load_or_create_secret(path: Path) -> bytes:
    """The home's 32-byte secret, created once with a cryptographic RNG (file mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        _write_private(tmp, secrets.token_bytes(32))
        try:
            os.link(tmp, path)  # atomic create-if-absent: a concurrent creator wins cleanly
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_bytes()
    if len(secret) != 32:
        raise ValueError(f"{path} does not hold a 32-byte secret")
    return secret


def keyed_hex(secret: bytes, domain: str, payload: str) -> str:
    """SHA-256 of a secret sub-key and `payload`; `anonymize` computes the same in SQL.

    Callers keep a prefix of the digest, which also rules out length extension.
    """
    return hashlib.sha256((_subkey(secret, domain) + payload).encode()).hexdigest()


def _subkey(secret: bytes, domain: str) -> str:
    # 128 bits as 32 hex characters, so the SQL side can prepend it to strings.
    return hmac.new(secret, domain.encode(), hashlib.sha256).hexdigest()[:32]


def message_id(secret: bytes, group: str, timestamp: datetime, author: str | None,
               text: str | None, occurrence: int) -> str:
    """The stable id of a message: the same message has it in every export that holds it."""
    seconds = (timestamp - _EPOCH) // timedelta(seconds=1)
    fields = [group, str(seconds), "\x1e" if author is None else author, text or "", str(occurrence)]
    return keyed_hex(secret, "message", "\x1f".join(fields))[:16]


def publish_media_name(secret: bytes, member: str) -> str:
    """The name a media file is published under: `media-<10 keyed letters>.<ext>`."""
    base = re.split(r"[/\\]", member)[-1]
    letters = keyed_hex(secret, "media", base)[:10].translate(_HEX_TO_LETTERS)
    ext = re.search(r"\.([A-Za-z0-9]{1,5})\Z", base)
    return f"media-{letters}" + (f".{ext.group(1).lower()}" if ext else "")


# --- the roster -------------------------------------------------------------------------------


@dataclass
class Roster:
    """A group's participants: every real name (and alias) -> pseudonym, and who opted out."""

    group: str
    pseudonyms: dict[str, str]  # real name or alias, as written -> pseudonym
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical real name
    opted_out: frozenset[str] = frozenset()
    title: str | None = None  # the group's display name; replaced by "[group]" in text
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def pseudonym(self, name: str) -> str | None:
        """The pseudonym of a name in any spelling (case, spacing, phone formatting)."""
        if "index" not in self.cache:
            index = {name_key(n): p for n, p in self.pseudonyms.items()}
            for alias, canonical in self.aliases.items():
                index.setdefault(name_key(alias), index.get(name_key(canonical)))
            self.cache["index"] = index
        return self.cache["index"].get(name_key(name))

    def phone_numbers(self) -> frozenset[str]:
        """The digits of participants whose name is a phone number."""
        if "phones" not in self.cache:
            digits = (phone_digits(clean_name(n)) for n in [*self.pseudonyms, *self.aliases])
            self.cache["phones"] = frozenset(d for d in digits if d and len(d) >= 8)
        return self.cache["phones"]

    def name_forms(self, min_first: int) -> dict[str, str]:
        """Name as written -> replacement: full names, first names unique in the group, title."""
        forms: dict[str, str] = {}
        firsts: dict[str, dict[str, str]] = {}
        for real in [*self.pseudonyms, *self.aliases]:
            clean, target = clean_name(real), self.pseudonym(real)
            if len(clean) < 2 or not target or phone_digits(clean):
                continue  # a one-letter name would swallow every "a" and "e"
            forms[clean] = target
            words = clean.split()
            if len(words) > 1 and words[0].isalpha() and len(words[0]) >= min_first:
                firsts.setdefault(fold(words[0]), {})[target] = words[0]
        full = {fold(f) for f in forms}
        for key, owners in firsts.items():
            if len(owners) == 1 and key not in full:
                (target, first), = owners.items()
                forms[first] = target
        # The title's words without its emoji, which people leave out when they type it.
        title = " ".join(re.findall(r"\w+", clean_name(self.title or "")))
        if title and not phone_digits(title):
            forms.setdefault(title, "[group]")
        return forms


def build_roster(secret: bytes, group: str, names: Iterable[str], *,
                 aliases: Mapping[str, str] = {}, known: Mapping[str, str] = {},
                 title: str | None = None) -> Roster:
    """Pseudonyms for everyone: kept from `known` (the owner's map), else keyed and fresh."""
    links = _resolve_aliases(aliases)
    identity = lambda n: name_key(links.get(name_key(n), n))  # noqa: E731
    people: dict[str, list[str]] = {}
    for name in [*names, *known, *aliases, *aliases.values()]:
        if clean_name(name) and name not in people.get(identity(name), []):
            people.setdefault(identity(name), []).append(name)
    remembered = {name_key(n): p for n, p in known.items()}
    chosen: dict[str, str] = {}
    for person in sorted(people):  # a pseudonym once assigned is kept, first come first served
        for key in [person, *sorted(name_key(n) for n in people[person])]:
            if remembered.get(key) and remembered[key] not in chosen.values():
                chosen[person] = remembered[key]
                break
    fresh = [p for p in people if p not in chosen]
    for person in sorted(fresh, key=lambda p: _pair_digest(secret, group, p, 0)):
        chosen[person] = _fresh_pseudonym(secret, group, person, set(chosen.values()))
    pseudonyms = {n: chosen[person] for person, ns in people.items() for n in ns}
    return Roster(group, pseudonyms, {a: links[name_key(a)] for a in aliases if name_key(a) in links}, title=title)


def _pair_digest(secret: bytes, group: str, person: str, attempt: int) -> bytes:
    message = "\x1f".join(["pseudonym", group, person, str(attempt)]).encode()
    return hmac.new(secret, message, hashlib.sha256).digest()


def _fresh_pseudonym(secret: bytes, group: str, person: str, taken: set[str]) -> str:
    """The first free word pair of the person's keyed sequence; then numbered, deterministically."""
    pairs = []
    for attempt in range(8):
        h = _pair_digest(secret, group, person, attempt)
        adjective = ADJECTIVES[int.from_bytes(h[:4], "big") % len(ADJECTIVES)]
        noun = NOUNS[int.from_bytes(h[4:8], "big") % len(NOUNS)]
        pairs.append(f"{adjective}-{noun}")
        if pairs[-1] not in taken:
            return pairs[-1]
    n = 2
    while f"{pairs[0]}-{n}" in taken:
        n += 1
    return f"{pairs[0]}-{n}"


def _resolve_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """name key of each alias -> the canonical name it finally points to."""
    direct = {name_key(a): c for a, c in aliases.items() if name_key(a) != name_key(c)}
    resolved = {}
    for key, target in direct.items():
        seen = {key}
        while name_key(target) in direct:
            if name_key(target) in seen:
                raise BadExport("the aliases file links names in a cycle")
            seen.add(name_key(target))
            target = direct[name_key(target)]
        resolved[key] = target
    return resolved


# --- the owner's files --------------------------------------------------------------------


def save_owner_map(path: Path, roster: Roster) -> None:
    """Write the real-name -> pseudonym map for the owner only (JSON, mode 0600)."""
    data = {"group": roster.group, "pseudonyms": roster.pseudonyms, "aliases": roster.aliases}
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode(), private=True)


def load_owner_map(path: Path) -> dict[str, str]:
    """The pseudonyms saved by `save_owner_map` (empty when there is no map yet)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data["pseudonyms"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadExport(f"{path.name} is not a pseudonym map written by egregora") from exc


def load_aliases(path: Path) -> dict[str, str]:
    """Aliases the owner edits, in TOML: one `"alias" = "canonical real name"` per line.

    For example `"+55 11 98765-4321" = "Maria Silva"` makes the number and the saved name one
    person with one pseudonym. The lines may also sit under an `[aliases]` table.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadExport(f"{path.name} is not valid TOML: {exc}") from exc
    table = data.get("aliases", data) if isinstance(data.get("aliases"), dict) else data
    if not all(isinstance(v, str) for v in table.values()):
        raise BadExport(f'{path.name}: every alias must read "alias" = "real name"')
    return dict(table)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(data)


# --- media ---------------------------------------------------------------------------------


def strip_image_metadata(data: bytes, max_side: int | None = None) -> tuple[bytes, str, int, int]:
    """The image re-encoded from its pixels alone (no EXIF, GPS, XMP, ICC, text), maybe shrunk."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = "JPEG" if img.format == "MPO" else img.format
            upright = ImageOps.exif_transpose(img)  # apply the rotation before EXIF goes
            alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            pixels = upright.convert("RGBA" if alpha and fmt != "JPEG" else "RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # incl. Unidentified
        raise BadExport("not a readable image") from exc
    if max_side:
        pixels.thumbnail((max_side, max_side))
    # A fresh image from raw pixels has no info dict, so no metadata can ride along.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    fmt = fmt if fmt in _MIME else "PNG"
    out = io.BytesIO()
    clean.save(out, fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    return out.getvalue(), _MIME[fmt], clean.width, clean.height


# --- opting out ----------------------------------------------------------------------------


def without_authors(messages: pa.Table, authors: set[str]) -> pa.Table:
    """The messages minus those written by `authors` (real names)."""
    if not authors:
        return messages
    keep = pc.invert(pc.fill_null(pc.is_in(messages["author"], pa.array(sorted(authors))), False))
    return messages.filter(keep)


def opt_outs(messages: pa.Table, configured: Iterable[str], *,
             roster: Roster | None = None) -> set[str]:
    """Raw names of everyone opted out at the end of the history (last chat command wins).

    `configured` names (real names or pseudonyms) are always out. With a roster, all the
    names of an opted-out person are returned, so aliases go too.
    """
    def person(name: str) -> str:
        return (roster.pseudonym(name) if roster else None) or name_key(name)

    configured = list(configured)
    wanted = {person(c) for c in configured}
    found = pc.fill_null(pc.match_substring_regex(messages["message"], COMMAND), False)
    commands = messages.filter(pc.and_(found, pc.is_valid(messages["author"])))
    last: dict[str, str] = {}
    for author, text in zip(commands["author"].to_pylist(), commands["message"].to_pylist()):
        last[person(author)] = _COMMAND.match(text).group(1).lower()
    wanted |= {p for p, state in last.items() if state == "out"}
    authors = pc.unique(messages["author"].drop_null()).to_pylist()
    return {n for n in [*authors, *(roster.pseudonyms if roster else configured)] if person(n) in wanted}


# --- anonymize -----------------------------------------------------------------------------

# Two queries over the parsed rows: their ids, and the rows as stored before Python's part
# (published media names, and which rows the Python redaction must look at).
IDS_SQL = """
WITH keyed AS (SELECT *, hash(timestamp, author, message) AS h FROM src),
-- The occurrence number tells apart identical messages sent in the same second. Only rows
-- whose hash repeats can have a twin, so only they are numbered (by the fields themselves):
-- numbering all rows would sort them all.
twins AS (
    SELECT _row, row_number() OVER (PARTITION BY timestamp, author, message ORDER BY _row) - 1 AS n
    FROM keyed WHERE h IN (SELECT h FROM keyed GROUP BY h HAVING count(*) > 1)
)
SELECT _row, left(sha256($key || $group || chr(31) || CAST(epoch(date_trunc('second', timestamp)) AS BIGINT)
    || chr(31) || coalesce(author, chr(30)) || chr(31) || coalesce(message, '') || chr(31)
    || coalesce(n, 0)), 16) AS id
FROM keyed LEFT JOIN twins USING (_row)
"""
ROWS_SQL = """
WITH m AS (
    SELECT *, regexp_extract(attachment, '[^/\\\\]*$') AS base,
        coalesce(kind = 'contact' OR lower(attachment) LIKE '%.vcf', false) AS contact
    FROM src
), p AS (
    SELECT *, CASE WHEN attachment IS NULL OR contact OR base = '' THEN NULL ELSE
        'media-' || translate(left(sha256($key || base), 10), '0123456789abcdef', 'abcdefghijklmnop')
        || coalesce('.' || lower(nullif(regexp_extract(base, '\\.([A-Za-z0-9]{1,5})$', 1), '')), '')
        END AS published
    FROM m
), t AS (
    SELECT *, CASE WHEN published IS NULL THEN message
        ELSE replace(replace(message, attachment, published), base, published) END AS text
    FROM p
)
SELECT _row, $group AS "group", CAST(timestamp AS DATE) AS date,
    CAST(timestamp AS TIMESTAMP_S) AS timestamp, author, text, kind, published AS attachment,
    contact, author IS NULL AS system,
    coalesce(contact OR author IS NULL OR regexp_matches(text, $filter), false) AS python
FROM t
"""
_OUTPUT = ["id", "group", "date", "timestamp", "author", "text", "kind", "attachment"]


def anonymize(messages: pa.Table, *, group: str, roster: Roster, secret: bytes) -> pa.Table:
    """Parsed messages as stored: keyed ids, pseudonymous authors, PII replaced in text and names."""
    src = messages.select(["timestamp", "author", "message", "kind", "attachment"]).append_column(
        "_row", pa.array(np.arange(messages.num_rows, dtype=np.int64)))
    db = _database()
    with ThreadPoolExecutor(1) as pool:
        # Hashing every row is the slow part of the SQL: it runs on its own cursor meanwhile.
        ids = pool.submit(_query, db.cursor(), src, IDS_SQL, key=_subkey(secret, "message"), group=group)
        rows = _query(db.cursor(), src, ROWS_SQL, key=_subkey(secret, "media"), group=group,
                      filter=_prefilter(roster))
        rows = _redact_rows(rows, roster).append_column("id", ids.result()["id"])
    authors = _pseudonyms(rows["author"], roster)
    rows = rows.set_column(rows.schema.get_field_index("author"), "author", authors).select(_OUTPUT)
    # Chunks of a DuckDB row group (zero-copy slices): an insert of one big chunk is single-threaded.
    return pa.Table.from_batches(rows.to_batches(max_chunksize=122_880), rows.schema)


def _query(cursor: duckdb.DuckDBPyConnection, src: pa.Table, sql: str, **params: str) -> pa.Table:
    """The query's rows over `src`, in the order of `src`."""
    with cursor:
        cursor.register("src", src)
        rows = cursor.execute(sql, params).arrow().read_all()
    if not pc.all(pc.equal(rows["_row"], src["_row"])).as_py():
        rows = rows.take(pc.sort_indices(rows["_row"]))
    return rows


_DATABASE: dict[int, duckdb.DuckDBPyConnection] = {}


def _database() -> duckdb.DuckDBPyConnection:
    # One in-memory DuckDB per process (connecting costs ~15 ms, and anonymize runs per day);
    # keyed by pid so a forked worker never shares its parent's threads.
    if os.getpid() not in _DATABASE:
        _DATABASE[os.getpid()] = duckdb.connect()
    return _DATABASE[os.getpid()]


def _pseudonyms(authors: pa.ChunkedArray, roster: Roster) -> pa.Array:
    """Each raw author's pseudonym (null stays null)."""
    names = pc.unique(authors.drop_null())
    pseudonyms = [roster.pseudonym(a) for a in names.to_pylist()]
    if None in pseudonyms:
        raise ValueError(f"{pseudonyms.count(None)} authors are missing from the roster")
    return pc.take(pa.array(pseudonyms, pa.string()), pc.index_in(authors, value_set=names))


def _prefilter(roster: Roster) -> str:
    """An RE2 pattern every message with something to redact matches (a cheap superset)."""
    people = people_matcher(roster, min_first=3).prefilter
    if people is None:
        return "(?s)."
    url = r"(?i:https?://|www\.)"
    parts = [
        "@", "(?i:/egregora)",
        # 8 digits in one run of digit groups (joined by " .-()"): shorter runs are left alone.
        r"[0-9](?:[ .()\-]{0,3}[0-9]){7}",
        # A latitude/longitude pair (see redact.COORDINATES_RE).
        r"[0-9]\.[0-9]{3,} ?, ?-?[0-9]{1,3}\.[0-9]{3}",
        # A URL changes only through its query, fragment, percent-escapes, user info ("@",
        # above) or PII in its host and path, which the other parts find in the whole text.
        # (RE2's \s is ASCII only, so this URL class reaches at least as far as URL_RE's.)
        url + "[^\\s<>\"'`]*[?#%]",
        # redact_text cuts text at URLs: a name touching one ends its piece, though no word.
        r"\w" + url,
    ]
    return "|".join(parts + ([f"(?i:{people})"] if people else []))


def _redact_rows(rows: pa.Table, roster: Roster) -> pa.Table:
    """Run the Python redaction (and command detection) on the rows the SQL pre-filter flagged."""
    flagged = rows.filter(rows["python"])
    if not flagged.num_rows:
        return rows
    texts, kinds, done = [], [], {}
    columns = [flagged[c].to_pylist() for c in ("text", "kind", "contact", "system")]
    for text, kind, contact, system in zip(*columns):
        # Chat lines repeat ("X left", "kkk"): each distinct line is redacted once.
        key = (text, contact, system)
        if key not in done:
            done[key] = _redact_row(text, contact, system, roster)
        texts.append(done[key])
        kinds.append("command" if text and _COMMAND.match(text) else kind)
    mask = rows["python"].combine_chunks()
    # Rewriting a column copies all of it: only a column that changed is rewritten.
    for name, values, before in (("text", texts, columns[0]), ("kind", kinds, columns[1])):
        if values == before:
            continue
        column = pc.replace_with_mask(rows[name].combine_chunks(), mask, pa.array(values, pa.string()))
        rows = rows.set_column(rows.schema.get_field_index(name), name, column)
    return rows


def _redact_row(text: str | None, contact: bool, system: bool, roster: Roster) -> str | None:
    if text is None:
        return None
    if contact:  # a shared contact card: its name is someone's, maybe not a participant's
        text = _VCF.sub(lambda m: m.group(1) + (roster.pseudonym(m.group(2)) or "[contact]"), text)
    if system:  # system lines quote group names: "changed the subject to "…""
        text = _QUOTED.sub('"[group]"', text)
    return redact_text(text, roster)

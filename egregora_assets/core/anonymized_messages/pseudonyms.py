"""A group's participants and their pseudonyms, read from the private staging data."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from ..groups import chat_name
from ..home import Home, write_atomic
from ..models import BadExport
from ..text import ADJECTIVES, INVISIBLE, NOUNS, OPTED_OUT, fold

_PHONE_LIKE = re.compile(r"\+?[0-9 ().\-\u00a0\u2010-\u2013\u2212]+")  # hyphens of every kind
_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_EPOCH = datetime(1970, 1, 1)
# iOS writes "~ Name" for someone not in the exporter's contacts (the name they gave themselves).
NOT_A_CONTACT = re.compile(r"^~\s*")


# --- names ---------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """A display name without invisible marks or iOS's "~ " (not a contact), NFKC-normalized,
    with single spaces."""
    return NOT_A_CONTACT.sub("", " ".join(unicodedata.normalize("NFKC", name).translate(INVISIBLE).split()))


def phone_digits(name: str) -> str | None:
    """The digits of a name that is a phone number ("+55 11 98765-4321" -> "5511987654321")."""
    if not _PHONE_LIKE.fullmatch(name):
        return None
    digits = re.sub(r"[^0-9]", "", name)
    return digits if len(digits) >= 7 else None


def name_key(name: str) -> str:
    """The form under which a display name or a phone number identifies a person."""
    clean = clean_name(name)
    return phone_digits(clean) or clean.casefold()


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
    return hashlib.sha256((subkey(secret, domain) + payload).encode()).hexdigest()


def subkey(secret: bytes, domain: str) -> str:
    # 128 bits as 32 hex characters, so the SQL side can prepend it to strings.
    return hmac.new(secret, domain.encode(), hashlib.sha256).hexdigest()[:32]


def message_id(
    secret: bytes, group: str, timestamp: datetime, author: str | None, text: str | None, occurrence: int
) -> str:
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
            index: dict[str, str | None] = {name_key(n): p for n, p in self.pseudonyms.items()}
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
                ((target, first),) = owners.items()
                forms[first] = target
        # The title's words without its emoji, which people leave out when they type it.
        title = " ".join(re.findall(r"\w+", clean_name(self.title or "")))
        if title and not phone_digits(title):
            forms.setdefault(title, "[group]")
        return forms


def build_roster(
    secret: bytes,
    group: str,
    names: Iterable[str],
    *,
    aliases: Mapping[str, str] = {},
    known: Mapping[str, str] = {},
    title: str | None = None,
) -> Roster:
    """Pseudonyms for everyone: kept from `known` (the owner's map), else keyed and fresh."""
    links = _resolve_aliases(aliases)

    def identity(name: str) -> str:
        return name_key(links.get(name_key(name)) or name)

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


# --- a group's privacy state ---------------------------------------------------------------


@dataclass(frozen=True)
class GroupPrivacy:
    """The privacy state of one group: its roster (real -> pseudonym) and the home's secret."""

    roster: Roster
    secret: bytes


def roster_for(
    home: Home, group: str, names: Iterable[str], *, save: bool, ids: Mapping[str, str] = {}
) -> GroupPrivacy:
    """Pseudonyms for `names`, reusing the owner's map so a pseudonym never changes.

    `ids` (a display name -> its author's id in a source, as "user123456789") makes each id one
    person: the names it wrote under, in any export, share the id's pseudonym."""
    secret = load_or_create_secret(home.secret)
    path = home.owner_map(group)
    known = load_owner_map(path) if path.exists() else {}
    aliases = {**ids, **(load_aliases(home.aliases) if home.aliases.exists() else {})}
    roster = build_roster(
        secret, group, sorted(set(names)), aliases=aliases, known=known, title=private_title(home, group)
    )
    if save:
        save_owner_map(path, roster)
    return GroupPrivacy(roster=roster, secret=secret)


def private_title(home: Home, group: str) -> str | None:
    """The chat's own name when it names someone, so it is redacted and audited like a name."""
    if not group.startswith("group-"):  # an opaque slug means the name was too revealing
        return None
    return chat_name(home, group)


def without(roster: Roster, people: set[str]) -> Roster:
    """The roster with opted-out people unnamed: mentions of them no longer point to anyone."""
    gone = {roster.pseudonyms[p] for p in people if p in roster.pseudonyms}
    if not gone:
        return roster
    pseudonyms = {real: (OPTED_OUT if p in gone else p) for real, p in roster.pseudonyms.items()}
    return replace(roster, pseudonyms=pseudonyms, opted_out=frozenset(people))

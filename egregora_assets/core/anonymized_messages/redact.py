"""Replacing personal data in message text: names, mentions, phone numbers, e-mails, ids, URL parts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

from ..text import fold
from .pseudonyms import Roster, clean_name, phone_digits

_WORD_WITH_MARKS = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

URL_RE = re.compile(r"(?i:https?://|www\.)[^\s<>\"'`\u2068\u2069]*[^\s<>\"'`.,;:!?)\]}\u2068\u2069]")
EMAIL_RE = re.compile(r"[\w.%+\-]+@(?:[\w\-]+\.)+[\w\-]{2,}")
# A run of digit groups joined by one separator (space, dot, dash) or parentheses; every
# number shape we redact is a span of consecutive groups of one run. In text a run may touch
# letters ("cpf52998224725"); in URLs it may not, or ids and hashes would be cut up.
# (iOS writes numbers with no-break spaces and hyphens: U+00A0, U+202F, U+2011.)
_RUN_BODY = r"\+?\(?[0-9]+(?:(?:\)?[ .\-\u00a0\u202f\u2010-\u2013\u2212]\(?|\)\(?|\()[0-9]+)*\)?"
_RUN = re.compile(rf"(?<![0-9]){_RUN_BODY}(?![0-9])")
_URL_RUN = re.compile(rf"(?<!\w){_RUN_BODY}(?!\w)")
_GROUP = re.compile(r"[0-9]+")
_EIGHT_DIGITS = re.compile(r"[0-9](?:[^0-9]{0,3}[0-9]){7}")

_CPF_FORMATTED = re.compile(r"[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}")
_SSN = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}")
# How long numbers are written: 13-19 digits plain, or in blocks of 4 (Amex: 4-6-5).
_GROUPED = re.compile(
    r"[0-9]{13,19}|[0-9]{4}(?:[ \-][0-9]{4}){2,3}(?:[ \-][0-9]{1,4})?|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5}"
)
_BR = re.compile(r"(?:\(0?[1-9]{2}\) ?|0?[1-9]{2}[ .\-]?)?(?:9[0-9]{4}|[2-5][0-9]{3})[ .\-][0-9]{4}")
_BR_MOBILE_DIGITS = re.compile(r"(?:55)?[1-9]{2}9[0-9]{8}")
_YEAR_RANGE = re.compile(r"(?:19|20)[0-9]{2}[ .\-](?:19|20)[0-9]{2}")
_US = re.compile(r"(?:1[ .\-]?)?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4}")
_ES = re.compile(r"[6-9][0-9]{2}(?: [0-9]{2}){3}")
_TRUNK_DIGITS = re.compile(r"0[1-9][0-9]{7,10}")  # European national numbers: 0 + 8..11 digits
_EXIT_DIGITS = re.compile(r"00[1-9][0-9]{7,13}")  # "00" international prefix

IDENTITY_PARAMS = frozenset(
    [
        "email",
        "e-mail",
        "e_mail",
        "mail",
        "emailaddress",
        "email_address",
        "phone",
        "phone_number",
        "phonenumber",
        "tel",
        "telephone",
        "mobile",
        "cell",
        "whatsapp",
        "token",
        "access_token",
        "id_token",
        "refresh_token",
        "auth",
        "auth_token",
        "authorization",
        "key",
        "api_key",
        "apikey",
        "secret",
        "password",
        "passwd",
        "pwd",
        "session",
        "sessionid",
        "session_id",
        "sid",
        "ssid",
        "uid",
        "user",
        "userid",
        "user_id",
        "username",
        "login",
        "name",
        "fullname",
        "full_name",
        "first_name",
        "firstname",
        "last_name",
        "lastname",
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "mc_eid",
        "mkt_tok",
        "si",
        "sig",
        "signature",
        "code",
        "cpf",
        "ssn",
        "address",
    ]
)
IDENTITY_PREFIXES = ("utm_", "mc_", "hsa_", "pk_", "_hs")


def redact_text(text: str, roster: Roster | None) -> str:
    """`text` with mentions and participants' names as pseudonyms and other PII as placeholders."""
    if not text:
        return text
    out, pos = [], 0
    for url in URL_RE.finditer(text):  # URLs first, so that no number in them reads as a phone
        link = "[location]" if is_map_link(url.group()) else scrub_url(url.group(), roster)
        out += [_redact_plain(text[pos : url.start()], roster), link]
        pos = url.end()
    return "".join(out) + _redact_plain(text[pos:], roster)


# --- locations -----------------------------------------------------------------------------

# A latitude/longitude pair (shared locations, map links): where someone lives or is.
COORDINATES_RE = re.compile(r"-?\b\d{1,3}\.\d{3,}\s?,\s?-?\d{1,3}\.\d{3,}")
# The same in degrees, minutes and seconds, as map apps show it: 23°33'01.9"S 46°38'02.3"W.
_DMS = r"\d{1,3}°\s?\d{1,2}['′]\s?\d{1,2}(?:[.,]\d+)?(?:\"|″|'')\s?[NSEOW]"
DMS_RE = re.compile(rf"{_DMS}[\s,;]*{_DMS}")
# Map links in schemes other than http(s): RFC 5870 geo URIs (and Android's geo:0,0?q=ADDRESS),
# the Windows Maps app's bingmaps:, and the iOS/Android apps' own schemes.
MAP_URI_START = r"(?i)\b(?:geo:[+-]?[0-9]|bingmaps:\?|(?:comgooglemaps|waze|magicearth|maps|osmand\.geo)://)"
MAP_URI_RE = re.compile(MAP_URI_START + r"[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}]")

# Web links that open a map on a place, per provider: a host, then what its path must start
# with (None: any). Place ids and short links decode to coordinates, so the whole link goes.
_TLD = r"(?:\.[a-z]{2,3}){1,2}"
MAP_LINKS: tuple[tuple[str, str | None], ...] = (
    (rf"maps\.google{_TLD}", None),  # maps.google.com/?q=LAT,LON (WhatsApp's own), maps.google.com.br
    (rf"(?:www\.)?google{_TLD}", r"/maps\b"),  # /maps/place/..., /maps/@LAT,LON, /maps/dir/, /maps?q=
    (r"maps\.app\.goo\.gl", None),  # the Google Maps app's short links
    (r"goo\.gl", r"/maps\b"),  # the older short links
    (r"share\.google", None),  # Google's newer share links of places
    (r"maps\.googleapis\.com", None),  # static map images and embeds
    (r"maps\.apple(?:\.com)?", None),  # maps.apple.com/?ll=..., maps.apple/p/ID
    (r"(?:www\.)?(?:openstreetmap|osm)\.org", None),  # /#map=Z/LAT/LON, /node/ID, osm.org/go/HASH
    (r"(?:omaps\.app|comaps\.at|ge0\.me)", None),  # Organic Maps and CoMaps share links
    (r"(?:www\.)?osmand\.net", r"/(?:go|map)\b"),
    (r"ul\.waze\.com", None),
    (r"(?:www\.)?waze\.com", r"(?:/[a-z]{2}(?:-[a-z]{2})?)?/(?:ul|live-map)\b"),
    (r"(?:www\.)?bing\.com", r"/maps\b"),  # bing.com/maps?cp=LAT~LON
    (r"(?:share|wego)\.here\.com", None),  # share.here.com/l/LAT,LON, wego.here.com/?map=...
    (rf"maps\.yandex{_TLD}", None),
    (rf"(?:www\.)?yandex{_TLD}", r"/(?:maps|harita)\b"),  # yandex.ru/maps/-/ID, yandex.com.tr/harita
    (r"(?:go\.)?2gis\.[a-z]{2,3}", None),
    (r"(?:www\.|en\.)?mapy\.(?:cz|com)", None),
    (r"(?:www\.)?mapquest\.com", None),
    (r"(?:j\.)?map\.baidu\.com", None),
    (r"(?:[a-z0-9-]+\.)?amap\.com", None),
    (r"map\.naver\.com", None),
    (r"map\.kakao\.com", None),
    (r"(?:www\.)?(?:what3words\.com|w3w\.co)", r"/[^/.?#]+\.[^/.?#]+\.[^/.?#]+"),  # three words, a 3 m square
    (r"plus\.codes", None),
    (r"(?:www\.)?foursquare\.com", r"/v/"),  # iOS exports share a venue as "NAME (CITY): <link>"
)


def _map_links(host_end: str) -> str:
    return "|".join(f"(?:{host})" + (f"(?:{path})" if path else host_end) for host, path in MAP_LINKS)


_MAP_LINK = re.compile(_map_links(r"(?:[/?#]|$)"), re.IGNORECASE)
# For the RE2 pre-filter (see anonymize): a superset, the host ending at any non-name character.
MAP_LINK_PREFILTER = r"(?i:https?://|www\.)(?i:" + _map_links(r"(?:[^\w-]|$)") + ")"


def is_map_link(url: str) -> bool:
    """Whether a web link (with or without its scheme) opens a map on a place."""
    host, *rest = re.split(r"([/?#])", re.sub(r"(?i)^https?://", "", url), maxsplit=1)
    host = host.rpartition("@")[2].partition(":")[0].rstrip(".")  # no user info, port or root dot
    return bool(_MAP_LINK.match(host + "".join(rest)))


def _redact_plain(text: str, roster: Roster | None, in_url: bool = False) -> str:
    if ":" in text:
        text = MAP_URI_RE.sub("[location]", text)
    if "°" in text:
        text = DMS_RE.sub("[location]", text)
    if "." in text and "," in text:
        text = COORDINATES_RE.sub("[location]", text)
    # E-mails first, so their "@" is no mention; numbers before names, so a name stuck to a
    # number ("Maria98765-4321") is found once the number is gone.
    if "@" in text:
        text = EMAIL_RE.sub("[email]", text)
    if _EIGHT_DIGITS.search(text):
        text = (_URL_RUN if in_url else _RUN).sub(lambda m: _redact_number(m, roster, in_url), text)
    if roster is not None:
        text = _redact_people(text, roster)
    return text


def _redact_number(m: re.Match, roster: Roster | None, in_url: bool) -> str:
    if m.string.endswith(("@", "@\u2068"), 0, m.start()):
        return m.group()  # a mention of a number: the people pass gives it a pseudonym
    return _redact_run(m.group(), roster, in_url)


def scrub_url(url: str, roster: Roster | None = None) -> str:
    """The URL without user info, identity-carrying query parameters, or PII in its path."""
    bare = not re.match(r"(?i)[a-z][a-z0-9+.\-]*://", url)
    try:
        parts = urlsplit("http://" + url if bare else url)
    except ValueError:
        return _redact_plain(url, roster, in_url=True)
    # Drop user info ("user:password@"); a bare "www." URL has none, only odd text.
    netloc = _redact_plain(parts.netloc if bare else parts.netloc.rpartition("@")[2], roster, in_url=True)
    path = _scrub_path(parts.path, roster)
    query = _scrub_query(parts.query, roster)
    fragment = (_scrub_query if "=" in parts.fragment else _scrub_path)(parts.fragment, roster)
    if (netloc, path, query, fragment) == (parts.netloc, parts.path, parts.query, parts.fragment):
        return url
    scrubbed = urlunsplit((parts.scheme, netloc, path, query, fragment))
    return scrubbed.removeprefix("http://") if bare else scrubbed


def _scrub_path(path: str, roster: Roster | None) -> str:
    raw = unquote(path)
    redacted = _redact_plain(raw, roster, in_url=True)
    return path if redacted == raw else quote(redacted, safe="/[]@!$&'()*+,;=:-._~")


def _scrub_query(query: str, roster: Roster | None) -> str:
    # Keep parameters byte for byte; drop those named for identity or whose value holds PII.
    return "&".join(p for p in query.split("&") if not _identifying(p, roster))


def _identifying(pair: str, roster: Roster | None) -> bool:
    key, _, value = pair.partition("=")
    key = unquote_plus(key).strip().lower()
    if key in IDENTITY_PARAMS or key.startswith(IDENTITY_PREFIXES):
        return True
    value = unquote_plus(value)
    return _redact_plain(value, roster, in_url=True) != value


# --- numbers -------------------------------------------------------------------------------


def _redact_run(run: str, roster: Roster | None, in_url: bool) -> str:
    """The run with every span of groups that is a phone, id or card number replaced."""
    groups = [m.span() for m in _GROUP.finditer(run)]
    if sum(end - start for start, end in groups) < 8:
        return run
    if _GROUPED.fullmatch(run) and not _classify(run, roster, in_url):
        return run  # a long number written in blocks (an order number, say): not split up
    out, pos, i = [], 0, 0
    while i < len(groups):
        for j in range(min(len(groups), i + 7) - 1, i - 1, -1):
            start, end = _span(run, groups, i, j)
            label = _classify(run[start:end], roster, in_url)
            if label:
                out.append(run[pos:start] + label)
                pos, i = end, j + 1
                break
        else:
            i += 1
    return "".join(out) + run[pos:]


def _span(run: str, groups: list[tuple[int, int]], i: int, j: int) -> tuple[int, int]:
    start, end = groups[i][0], groups[j][1]
    if i == 0:
        start = 0  # keep a leading "+" or "("
    elif run[start - 1] == "(" and ")" in run[start:end]:
        start -= 1
    return start, end


def _classify(span: str, roster: Roster | None, in_url: bool) -> str | None:
    """The placeholder for a number written as `span`, or None when it is no PII."""
    digits = re.sub(r"[^0-9]", "", span)
    if not 8 <= len(digits) <= 19:
        return None
    if _CPF_FORMATTED.fullmatch(span):
        return "[cpf]"
    if _SSN.fullmatch(span) and _ssn_ok(digits):
        return "[ssn]"
    if (span.startswith("+") and len(digits) <= 15) or _known_phone(digits, roster):
        return "[phone]"
    if not in_url and _GROUPED.fullmatch(span) and _luhn_ok(digits):
        return "[card]"
    if not in_url and len(digits) == 11 and span.isdigit() and _cpf_ok(digits):
        return "[cpf]"
    return "[phone]" if _is_phone(span, digits) else None


def _is_phone(span: str, digits: str) -> bool:
    if _BR.fullmatch(span):
        return not _YEAR_RANGE.fullmatch(span)  # "2023-2024" is a range of years
    if _US.fullmatch(span) or _ES.fullmatch(span):
        return True
    if _BR_MOBILE_DIGITS.fullmatch(digits) or _EXIT_DIGITS.fullmatch(digits):
        return True
    separators = set(re.sub(r"[0-9]", "", span))
    return bool(
        _TRUNK_DIGITS.fullmatch(digits)
        and len(separators) <= 1
        and not separators & set("()")
        and min(map(len, _GROUP.findall(span))) >= 2
    )


def _known_phone(digits: str, roster: Roster | None) -> bool:
    if roster is None:
        return False
    return any(
        digits == p or p.endswith(digits) or (len(p) >= 8 and digits.endswith(p)) for p in roster.phone_numbers()
    )


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _cpf_ok(digits: str) -> bool:
    if len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(int(d) * w for d, w in zip(digits[:n], range(n + 1, 1, -1)))
        if (total * 10 % 11) % 10 != int(digits[n]):
            return False
    return True


def _ssn_ok(digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


# --- people ----------------------------------------------------------------------------------


def _redact_people(text: str, roster: Roster) -> str:
    matcher = people_matcher(roster, min_first=3)
    return matcher.regex.sub(lambda m: _replace_person(m, roster, matcher.targets), text)


def _replace_person(m: re.Match, roster: Roster, targets: dict[str, str]) -> str:
    found = m.group()
    if m.lastgroup == "iso":
        inner = found[2:-1]
        target = roster.pseudonym(inner) or targets.get(fold(clean_name(inner)))
        return "@" + (target or ("[phone]" if phone_digits(clean_name(inner)) else "[contact]"))
    if m.lastgroup == "num":
        return "@" + (roster.pseudonym(found[1:]) or "[phone]")
    if m.lastgroup == "cap":
        return "@[contact]"
    at = "@" if found.startswith("@") else ""
    # A match the table misses is still a case variant of a known name: never leave it.
    return at + targets.get(fold(clean_name(found.strip("@\u2068\u2069"))), "[contact]")


class PeopleMatcher:
    """The compiled patterns that find a roster's people in text."""

    def __init__(self, forms: dict[str, str], mentions: bool):
        self.targets = {fold(f): t for f, t in forms.items()}
        # Each name as written, accent-folded, and decomposed (NFD), so any spelling matches.
        spellings = {v for f in forms for v in (f, fold(f), unicodedata.normalize("NFD", f))}
        variants = {v.lower() for v in spellings} | {v for v in spellings if len(v.lower()) != len(v)}
        heads = re.escape("".join(sorted({v[0] for v in variants})))
        names = rf"(?P<name>(?:@\u2068?)?(?<!\w)(?i:(?=[{heads}]){_trie(variants)})(?!\w)\u2069?)"
        mention = [
            r"(?P<iso>@\u2068[^\u2069\n]{1,100}\u2069)",
            names,
            r"(?P<num>@\+?[0-9][0-9 ().\-]{5,24}[0-9])",
            r"(?P<cap>@[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[ \u00a0][A-ZÀ-ÖØ-Þ][\w'’\-]*){0,2})",
        ]
        chosen = mention if mentions else [names]
        self.regex = re.compile("|".join(p for p in chosen if p != names or variants) or "(?!)")
        # For the RE2 pre-filter anonymize runs in DuckDB: a row in which no name's first word
        # occurs (case-insensitively) holds no name; None when some name has no word to look for.
        words = [_WORD_WITH_MARKS.findall(v)[:1] for v in variants]
        self.prefilter = None if not all(words) else "|".join(sorted({_re2_word(w[0]) for w in words}))


def _re2_word(word: str) -> str:
    # RE2's \b knows only ASCII word characters, so it may only stand beside an ASCII letter.
    # (A word cut short at a combining mark still ends on a boundary: marks are no \w.)
    ascii_word = re.compile(r"[A-Za-z0-9_]")
    return "".join(
        [r"\b" if ascii_word.match(word[0]) else "", re.escape(word), r"\b" if ascii_word.match(word[-1]) else ""]
    )


def _trie(words: set[str]) -> str:
    """One alternation of `words` sharing prefixes (fast in Python's re); a space matches any whitespace."""
    root: dict = {}
    for word in words:
        node = root
        for token in re.findall(r"\s+|\S", word):
            node = node.setdefault(" " if token.isspace() else token, {})
        node[""] = {}
    return _emit(root)


def _emit(node: dict) -> str:
    branches = [(r"\s+" if k == " " else re.escape(k)) + _emit(node[k]) for k in sorted(node) if k]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Longer names first: an optional tail is tried before stopping here.
    return f"(?:{body})?" if "" in node else body


def people_matcher(roster: Roster, min_first: int, mentions: bool = True) -> PeopleMatcher:
    """The (cached) matcher of everyone's full name, unique first names and the group title."""
    key = ("people", min_first, mentions)
    if key not in roster.cache:
        roster.cache[key] = PeopleMatcher(roster.name_forms(min_first), mentions)
    return roster.cache[key]


# --- the audit -----------------------------------------------------------------------------

_GENERIC = [
    ("[phone]", "a phone number"),
    ("[email]", "an e-mail address"),
    ("[cpf]", "an identity number"),
    ("[ssn]", "an identity number"),
    ("[card]", "a card number"),
    ("[location]", "a map location"),
]


def find_pii(fields: Iterable[tuple[str, str, str]], roster: Roster) -> list[str]:
    """One finding per (document, field) and kind of PII left in it; never the value itself."""
    findings = []
    for doc_id, name, text in fields:
        for problem in dict.fromkeys(_pii_in(text or "", roster)):
            findings.append(f"{doc_id} field={name}: contains {problem}")
    return findings


def _pii_in(text: str, roster: Roster) -> list[str]:
    masked = _mask_pseudonyms(text, roster)
    matcher = people_matcher(roster, min_first=4, mentions=False)
    problems = []
    for m in matcher.regex.finditer(masked):
        target = matcher.targets.get(fold(clean_name(m.group().strip("@\u2068\u2069"))))
        problems.append("the group's real name" if target == "[group]" else "a participant's real name")
    digits = [re.sub(r"[^0-9]", "", run) for run in re.findall(r"[0-9][0-9 ().\-+]*[0-9]", masked)]
    if any(p in d or (len(d) >= 8 and p.endswith(d)) for d in digits for p in roster.phone_numbers()):
        problems.append("a participant's phone number")
    generic = redact_text(masked, None)
    problems += [label for ph, label in _GENERIC if generic.count(ph) > masked.count(ph)]
    if generic != masked and not problems:
        problems.append("a URL with identifying parts")
    return problems


def _mask_pseudonyms(text: str, roster: Roster) -> str:
    # Pseudonyms are allowed everywhere; hide them so their words are never read as names.
    if "mask" not in roster.cache:
        words = sorted(set(roster.pseudonyms.values()), key=len, reverse=True)
        roster.cache["mask"] = re.compile("|".join(map(re.escape, words)) or "(?!)", re.IGNORECASE)
    return roster.cache["mask"].sub("[pseudonym]", text)

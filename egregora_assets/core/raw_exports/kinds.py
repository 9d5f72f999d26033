"""The words WhatsApp writes for lines that are not plain text (media, deleted, edited...), read
from `kinds.toml` in every language it lists, as RE2 patterns applied to whole columns."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from importlib import resources

from ..notices import notices, read_notice

KINDS = (
    "media_omitted",
    "omitted",
    "document_omitted",
    "contact_omitted",
    "attached",
    "attached_ios",
    "deleted",
    "edited",
    "poll",
    "location",
    "live_location",
)
LANGUAGES: dict[str, dict] = tomllib.loads(
    resources.files(__package__).joinpath("kinds.toml").read_text(encoding="utf-8")
)

_SPACE = r"[ \x{00a0}\x{202f}]"
_WS = r"[\s\x{00a0}\x{202f}\x{200e}\x{200f}]*"  # spaces and direction marks iOS puts around


def _words(kind: str) -> list[str]:
    """Every language's words for one kind, each once (ignoring case), longest first."""
    seen: dict[str, str] = {}
    for table in LANGUAGES.values():
        for word in table.get(kind, []):
            seen.setdefault(word.casefold(), word)
    return sorted(seen.values(), key=len, reverse=True)


def _literal(text: str) -> str:
    """RE2 for the text as written, any space also a no-break space."""
    return "".join(_SPACE if c == " " else re.escape(c) if c in r".^$*+?()[]{}|\/-" else c for c in text)


def _alternatives(words) -> str:
    return "|".join(_literal(w) for w in dict.fromkeys(words) if w)


def _around(kind: str, slot: str) -> tuple[list[str], list[str]]:
    """The words before and after `slot` in each template of a kind ("<attached: {name}>")."""
    before, after = [], []
    for template in _words(kind):
        head, _, tail = template.partition(slot)
        before.append(head)
        after.append(tail)
    return before, after


def _unwrap(words: list[str], marks: str = "<>") -> list[str]:
    return [w.strip().removeprefix(marks[0]).removesuffix(marks[1]).strip() for w in words]


def _any_of(*patterns: str) -> str:
    """One RE2 pattern matching where any of `patterns` does (flags scoped, groups dropped)."""
    scoped = (re.sub(r"^\(\?(\w)\)(.*)$", r"(?\1:\2)", p, flags=re.S) for p in patterns)
    return "|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", p) + ")" for p in scoped)


# --- WhatsApp's own file names: media in any language -------------------------------------
_ANDROID_FILE = r"(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d{4,}(?:\.[A-Za-z0-9]{1,6})?"
_IOS_FILE = (
    r"\d{8}-(?:PHOTO|VIDEO|AUDIO|STICKER|GIF|DOCUMENT|CONTACT)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}"
    r"\.[A-Za-z0-9]{1,6}"
)
WHATSAPP_FILE = "(?:" + _ANDROID_FILE + "|" + _IOS_FILE + ")"
# The first line holds such a name, with at most a few words around it (in a language not read).
_FILE_LINE = r"^(?:[^\n]{0,60}[\s(<:：])?" + WHATSAPP_FILE + r"(?:[\s)>•،,][^\n]{0,60})?(?:\n|$)"

# The name itself: parse.py's _attachment tries it first, then ATTACHED_ANDROID and ATTACHED_IOS
# (words) for the names people gave their documents.
ATTACHED_FILE = r"^(?:[^\n]{0,60}[\s(<:：])?(?P<name>" + WHATSAPP_FILE + ")"

# --- message kinds (RE2 syntax, applied to whole columns) ---------------------------------
_heads, _tails = _around("attached", "{name}")
_PARENS = _alternatives(t.strip()[1:-1] for t in _tails if t.strip().startswith("("))
_BARE = _alternatives(t.strip() for t in _tails if t.strip() and not t.strip().startswith("("))
# "NAME (file attached)", the name maybe followed by a document's " • 3 pages". A template with
# the words before the name (Persian) cannot share the one name group: a WhatsApp file name
# still makes such a line media (_FILE_LINE).
ATTACHED_ANDROID = (
    r"^(?P<name>.+?)(?: • [^\n]*?)? (?:\((?:" + _PARENS + r")\)" + (f"|(?:{_BARE})" if _BARE else "") + r")(?:\n|$)"
)
_heads, _tails = _around("attached_ios", "{name}")
_PREFIX = _alternatives(w.strip().removesuffix(":").removesuffix("：").strip() for w in _unwrap(_heads, "< "))
_SUFFIX = _alternatives(w.strip() for w in _unwrap(_tails, " >"))
# "<attached: NAME>" (or "<NAME eklendi>"), after a document's "NAME • 3 pages"; the name has an
# extension and no colon, so a line in angle brackets in a language not read is no attachment.
ATTACHED_IOS = (
    r"^(?:[^<\n]*•[^<\n]*)?"
    + _WS
    + r"<"
    + _WS
    + r"(?:(?:"
    + _PREFIX
    + r")"
    + _WS
    + r"[:：]"
    + _WS
    + r")?(?P<name>[^<>/:：\n]*?\.[A-Za-z0-9]{1,6})"
    + (r"(?:" + _WS + r"(?:" + _SUFFIX + r"))?" if _SUFFIX else "")
    + _WS
    + r">"
)
# iOS numbers each file it exports ("00000031-Reisplan 2024.pdf"): such a name in angle brackets is an
# attachment whatever words stand beside it, in a language the table above does not hold.
ATTACHED_NUMBERED = (
    r"^(?:[^<\n]*•[^<\n]*)?"
    + _WS
    + r"<"
    + _WS
    + r"(?:[^<>\n:：]{1,40}[:：]"
    + _WS
    + r")?(?P<name>\d{8}-[^<>/:：\n]*?\.[A-Za-z0-9]{1,6})(?:"
    + _WS
    + r"[^<>\n:：.]{1,40})?"
    + _WS
    + r">"
)
_PLACEHOLDER = r"(?i)^<" + _WS + "(?:" + _alternatives(_unwrap(_words("media_omitted"))) + ")" + _WS + ">$"
_OMITTED = (
    r"(?i)^(?:(?:"
    + _alternatives(_words("omitted"))
    + r")|(?:[^\n]* )?(?:"
    + _alternatives(_words("document_omitted"))
    + r"))$"
)
MEDIA_OMITTED = "(?i)" + _any_of(_PLACEHOLDER, _OMITTED, _FILE_LINE)
DELETED = r"(?i)^(?:" + _alternatives(w.rstrip(".。") for w in _words("deleted")) + r")[.。]?$"
EDITED = r"(?s)^(?P<text>.*?)[ \n]?<(?:" + _alternatives(w.rstrip(".") for w in _unwrap(_words("edited"))) + r")\.?>$"
POLL = r"^(?:" + _alternatives(w.rstrip(":：").strip() for w in _words("poll")) + r") ?[:：]\n"
_places, _ = _around("location", "{url}")
LOCATION = (
    r"(?i)^(?:(?:"
    + _alternatives(w.strip().rstrip(":：").strip() for w in _places)
    + r") ?[:：] ?https?://|(?:"
    + _alternatives(_words("live_location"))
    + r"))"
)
CONTACT = r"(?i)^(?:" + _alternatives(w.rstrip(".。") for w in _words("contact_omitted")) + r")[.。]?$"


def _own_words(table: dict) -> list[str]:
    """A language's words for media, documents, contact cards and deleted messages, and the words
    around the file name of its attachment lines: what says which language a chat's phone speaks."""
    words = [
        w
        for kind in ("media_omitted", "omitted", "document_omitted", "contact_omitted", "deleted")
        for w in table.get(kind, [])
    ]
    for template in table.get("attached", []) + table.get("attached_ios", []):
        words += [piece.strip() for piece in template.split("{name}") if len(piece.strip()) >= 4]
    return words


# English first: a word two languages share ("<attached: ", in bn too) counts as English.
_BY_LANGUAGE = sorted(LANGUAGES, key=lambda lang: lang != "en")
_LANGUAGE_OF = re.compile(
    "|".join(
        f"(?P<l{i}>" + "|".join(map(re.escape, _own_words(LANGUAGES[lang]))) + ")"
        for i, lang in enumerate(_BY_LANGUAGE)
    ),
    re.IGNORECASE,
)


def kind_language(head: str) -> str | None:
    """The language (kinds.toml's code) most of the text's media and deleted-message lines are in."""
    counts = Counter(match.lastgroup for match in _LANGUAGE_OF.finditer(head))
    if not counts:
        return None
    group = counts.most_common(1)[0][0] or "l0"
    return _BY_LANGUAGE[int(group[1:])]


# A whole line that is one of those kinds, whatever notice template its words also fit.
WRITTEN_KIND = _any_of(MEDIA_OMITTED, DELETED, CONTACT)

# System lines, by their words in the six languages first read, also where a notice is cut short
# or glued to a name. Column-wise they are tried beside the union of notices.toml's templates
# (parse.py's _is_notice); SYSTEM_PY below tries every template of every language itself.
SYSTEM = (
    r"(?i)(?:created (?:this )?group|\badded\b|\bremoved\b|\bleft$|joined using|"
    r"changed (?:the subject|the group name|this group's icon|the group icon|the group description)"
    r"|deleted this group's icon|messages and calls are end-to-end encrypted"
    r"|disappearing messages|security code .*changed|changed their phone number"
    r"|criou (?:o|este) grupo|\badicionou\b|\bremoveu\b|\bsaiu$|entrou usando o link"
    r"|(?:mudou|alterou) (?:o assunto|o nome|a imagem|a descrição)|apagou a imagem"
    r"|protegidas com a criptografia de ponta a ponta|mensagens temporárias|código de segurança"
    r"|creó (?:el|este) grupo|\bañadió|\bagregó|\beliminó a\b|\bsalió|se unió usando"
    r"|cambió (?:el asunto|el nombre|la imagen|el ícono|la descripción)"
    r"|cifrados de extremo a extremo|mensajes temporales|código de seguridad"
    r"|hat (?:die|diese) gruppe .*erstellt|hat .*hinzugefügt|hat .*entfernt"
    r"|hat die gruppe verlassen"
    r"|über den einladungslink|hat den betreff|hat das gruppenbild|ende-zu-ende-verschlüsselt"
    r"|selbstlöschende nachrichten|sicherheitsnummer"
    r"|a créé (?:le|ce) groupe|a ajouté|a retiré|est parti|a rejoint ce groupe"
    r"|a (?:changé|modifié) (?:le sujet|l'icône|la photo|la description)"
    r"|chiffrés de bout en bout|messages éphémères|code de sécurité"
    r"|ha creato (?:il|questo) gruppo|ha aggiunto|ha rimosso|è uscit[oa]|si è unit[oa]"
    r"|ha (?:cambiato|modificato) (?:l'oggetto|l'immagine|la descrizione)"
    r"|crittografati end-to-end|messaggi effimeri|codice di sicurezza)"
)

# Lines that name the group: iOS files the chat's own notices under that name. The words before
# a quoted {title} in every notice template ("created group", "создал(-а) группу"...), and the
# shapes the six first languages' exports were seen with. Languages that put the verb after the
# name (ja, hi, tr...) are read only where words come before it.
_OPEN, _CLOSE = '“"„«「', '”"“»」'


def _before_titles() -> list[str]:
    found = []
    for language in notices().separators:
        for template in (t.text for t in notices().templates if t.language == language):
            for piece in template.split("{title}")[:-1]:
                head = re.split(r"\{\w+\}", piece)[-1]
                words = head[:-1].strip()
                # a word or two ("Siz", "het", '" to') would take any quoted text for a name
                quoted = head.endswith(tuple(_OPEN)) and len(words) >= 4 and words[0] not in _CLOSE
                if quoted and words.casefold() not in notices().self_words:
                    found.append(words)
    return found


GROUP_NAMED = (
    r"(?:created group|changed the subject (?:from .* )?to|changed the group name to"
    r"|criou o grupo|(?:mudou|alterou) o (?:assunto|nome do grupo) (?:de .* )?para"
    r"|creó el grupo|cambió el (?:asunto|nombre del grupo) (?:de .* )?a"
    r"|hat die Gruppe|a créé le groupe|ha creato il gruppo|"
    + _alternatives(sorted(set(_before_titles()), key=len, reverse=True))
    + r")"
    + f" ?[{_OPEN}] ?(?P<name>[^{_CLOSE}\n]+?) ?[{_CLOSE}]"
)


# Messages that may not be plain text, found in one pass so that the patterns above run on few
# rows: a superset, by shape (a first line ending in ")", holding "<", a WhatsApp file name or a
# document's "•"; a last line ending in ">"), or by whole-line words. Anchored: an unanchored
# part makes RE2's automaton for so many words outgrow its memory and fall back to a slow one.
_SHAPES = (
    r"^[^\n]*\)(?:\n|$)",
    r"^[^\n]*(?:<|•|WA\d{4}|\d{8}-[A-Z])",
    r"(?s)^.*<[^\n]*>$",
    r"^[^\n]* (?:" + _BARE + r")(?:\n|$)" if _BARE else r"^\b\B",
)
SPECIAL = _any_of(*_SHAPES, _OMITTED, DELETED, POLL, LOCATION, CONTACT)
_SYSTEM_WORDS = re.compile(SYSTEM.replace("(?i)", ""), re.IGNORECASE)


class _SystemText:
    """What parse.py searches a line with: SYSTEM's words, or a whole notice of notices.toml in
    any language (the line itself, or what follows a name glued to it as "NAME: ")."""

    def search(self, line: str) -> bool:
        if _SYSTEM_WORDS.search(line):
            return True
        _, glued, rest = line.partition(": ")
        return read_notice(line) is not None or bool(glued) and read_notice(rest) is not None


SYSTEM_PY = _SystemText()

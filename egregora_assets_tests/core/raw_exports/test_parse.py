"""The chat parser, one table row per format family WhatsApp really writes."""

from __future__ import annotations

from datetime import datetime

import pytest

from egregora_assets.core.models import PARSED_SCHEMA, BadExport
from egregora_assets.core.raw_exports.parse import parse_chat, summary

NBSP, NNBSP, LRM, RLM = "\u00a0", "\u202f", "\u200e", "\u200f"


def rows(text, **kwargs) -> list[tuple]:
    chat = parse_chat(text, **kwargs)
    assert chat.messages.schema == PARSED_SCHEMA
    return [(r["timestamp"], r["author"], r["message"], r["kind"], r["attachment"]) for r in chat.messages.to_pylist()]


def first(text, **kwargs) -> tuple:
    return rows(text, **kwargs)[0]


T = datetime(2020, 12, 31, 21, 41)
TS = datetime(2020, 12, 31, 21, 41, 5)

# Headers: (line, expected timestamp, format)
HEADERS = [
    ("31/12/2020, 21:41 - Ana: oi", T, "android"),
    ("31/12/20, 21:41 - Ana: oi", T, "android"),
    ("12/31/20, 9:41 PM - Ana: oi", T, "android"),
    ("12/31/2020, 9:41 pm - Ana: oi", T, "android"),
    ("31/12/2020 21:41 - Ana: oi", T, "android"),
    ("31.12.20, 21:41 - Ana: oi", T, "android"),
    ("31-12-2020, 21:41 - Ana: oi", T, "android"),
    ("2020-12-31, 21:41 - Ana: oi", T, "android"),
    ("2020/12/31 21:41 - Ana: oi", T, "android"),
    ("31. 12. 2020. 21:41 - Ana: oi", T, "android"),
    ("13. 6. 2018. 21:41 - Ana: oi", datetime(2018, 6, 13, 21, 41), "android"),
    ("31.12.2020 klo 21.41 - Ana: oi", T, "android"),
    ("31/12/2020, 9:41 p. m. - Ana: oi", T, "android"),
    ("31/12/2020, 9:41 p.m. - Ana: oi", T, "android"),
    (f"31/12/2020, 9:41{NBSP}p.{NBSP}m. - Ana: oi", T, "android"),
    (f"12/31/20, 9:41{NNBSP}PM - Ana: oi", T, "android"),
    ("31/12/2020, 21:41 \u2013 Ana: oi", T, "android"),
    # no dash: day. month. year. then the time and the author (Serbian, Croatian)
    ("31. 12. 2020. 21:41:05 Ana: oi", TS, "android"),
    ("13. 6. 2018. 21:41:05 Ana: oi", datetime(2018, 6, 13, 21, 41, 5), "android"),
    ("31. 12. 2020. 21:41 Ana: oi", T, "android"),
    # Hungarian: year. month. day.
    ("2020. 12. 31. 21:41 - Ana: oi", T, "android"),
    ("2018. 6. 3. 21:41:05 Ana: oi", datetime(2018, 6, 3, 21, 41, 5), "android"),
    # a time written with dots, then ": " instead of " - "
    ("31.12.20 21.41.05: Ana: oi", TS, "android"),
    ("31.12.2020 21.41: Ana: oi", T, "android"),
    # old exports: "DATE TIME: NAME: TEXT"
    ("31/12/2020 21:41:05: Ana: oi", TS, "android"),
    ("12/31/20, 9:41:05 PM: Ana: oi", TS, "android"),
    # a dot after the time (Japanese, Chinese Android phones write year/month/day)
    ("2020/12/31, 21:41. - Ana: oi", T, "android"),
    ("2020/12/31 21:41. - Ana: oi", T, "android"),
    ("31/12/2020, 21:41. - Ana: oi", T, "android"),
    # other orders and separators of the date parts
    ("2020.12.31, 21:41 - Ana: oi", T, "android"),
    ("2020-12-31 21:41:05 - Ana: oi", TS, "android"),
    ("31-12-20 21:41 - Ana: oi", T, "android"),
    ("12-31-2020 9:41 p.m. - Ana: oi", T, "android"),
    ("9/24/2019 9:41 p. m. - Ana: oi", datetime(2019, 9, 24, 21, 41), "android"),
    ("31/12/2020 à 21:41 - Ana: oi", T, "android"),
    ("31.12.2020 kl. 21:41 - Ana: oi", T, "android"),
    ("[31/12/2020, 21:41:05] Ana: oi", TS, "ios"),
    ("[31/12/2020 21:41:05] Ana: oi", TS, "ios"),
    ("[12/31/20, 9:41:05 PM] Ana: oi", TS, "ios"),
    (f"[12/31/20, 9:41:05{NNBSP}PM] Ana: oi", TS, "ios"),
    ("[31.12.20, 21:41:05] Ana: oi", TS, "ios"),
    ("[31.12.2020 klo 21.41.05] Ana: oi", TS, "ios"),
    ("[2020-12-31, 21:41:05] Ana: oi", TS, "ios"),
    ("[2020/12/31 21:41:05] Ana: oi", TS, "ios"),
    ("[31. 12. 2020. 21:41:05] Ana: oi", TS, "ios"),
    ("[31/12/2020, 9:41:05 p. m.] Ana: oi", TS, "ios"),
    ("[12/31/20 9:41:05 p.m.] Ana: oi", TS, "ios"),
    # shapes quoted in other parsers' bug reports (lines rewritten here)
    ("31/12/20 21.41 - Ana: oi", T, "android"),  # Indonesian: dotted time, no comma
    ("31/12/2020 21:41:05: Ana: oi", TS, "android"),
    ("31-12-2020 9:41:05 p.m. - Ana: oi", TS, "android"),
    ("[31/12/20 21:41:05] Ana: oi", TS, "ios"),  # Spanish iPhone: no comma
    ("[31.12.2020 21:41:05] Ana: oi", TS, "ios"),  # Turkish iPhone
    ("[12.31.20, 21:41:05] Ana: oi", TS, "ios"),  # month-first with dots
    (f"{LRM}[31/12/2020, 21:41:05] Ana: oi", TS, "ios"),
    (f"{RLM}31/12/2020, 21:41 - Ana: oi", T, "android"),
    # Chinese, Japanese and Korean phones: year first, the morning/afternoon word before or after the time
    ("2020/12/31 下午9:41 - Ana: oi", T, "android"),
    ("2020/12/31 9:41 下午 - Ana: oi", T, "android"),
    ("[2020/12/31 下午9:41:05] Ana: oi", TS, "ios"),
    ("2020/12/31 午後9:41 - Ana: oi", T, "android"),
    ("2020. 12. 31. 오후 9:41 - Ana: oi", T, "android"),
    ("[2020. 12. 31. 오후 9:41:05] Ana: oi", TS, "ios"),
]


@pytest.mark.parametrize(("line", "when", "fmt"), HEADERS, ids=[h[0] for h in HEADERS])
def test_header_families(line, when, fmt):
    chat = parse_chat(line + "\n")
    assert chat.format == fmt
    assert first(line) == (when, "Ana", "oi", "text", None)


AM_PM = [
    ("12:05 AM", (0, 5)),
    ("12:05 PM", (12, 5)),
    ("1:05 am", (1, 5)),
    ("1:05 pm", (13, 5)),
    ("11:59 a.m.", (11, 59)),
    ("11:59 p.m.", (23, 59)),
    ("6:30 a. m.", (6, 30)),
    ("6:30 p. m.", (18, 30)),
    (f"6:30{NNBSP}p.{NNBSP}m.", (18, 30)),
    (f"6:30{NBSP}AM", (6, 30)),
    ("6:30AM", (6, 30)),
]


@pytest.mark.parametrize(("clock", "hm"), AM_PM, ids=[a[0] for a in AM_PM])
def test_every_am_pm_spelling(clock, hm):
    when = first(f"12/31/20, {clock} - Ana: oi")[0]
    assert (when.hour, when.minute) == hm


# 12-hour clocks as phones really write them: 00 a.m. is midnight, 13-23 keep their value
CLOCK_QUIRKS = [
    ("00:05 a. m.", (0, 5, 0)),
    ("0:05 AM", (0, 5, 0)),
    ("00:30 a.m.", (0, 30, 0)),
    ("00:00 a. m.", (0, 0, 0)),
    ("12:00 a. m.", (0, 0, 0)),
    ("12:00 p. m.", (12, 0, 0)),
    ("13:05 PM", (13, 5, 0)),
    ("13:05:09 p.m.", (13, 5, 9)),
    ("23:59:59 p. m.", (23, 59, 59)),
    ("18:30 a. m.", (18, 30, 0)),
    (f"21:41:05{NNBSP}PM", (21, 41, 5)),
    ("17:00 pm", (17, 0, 0)),
    ("12:05 上午", (0, 5, 0)),
    ("12:05 下午", (12, 5, 0)),
    ("9:05 午前", (9, 5, 0)),
    ("9:05 오후", (21, 5, 0)),
]


@pytest.mark.parametrize(("clock", "hms"), CLOCK_QUIRKS, ids=[c[0] for c in CLOCK_QUIRKS])
def test_twelve_hour_clock_quirks(clock, hms):
    for line in (f"31/12/2020, {clock} - Ana: oi", f"[31/12/2020, {clock}] Ana: oi"):
        when = first(line)[0]
        assert (when.hour, when.minute, when.second) == hms, line


@pytest.mark.parametrize("clock", ["24:00", "21:61", "25:00 PM", "10:00:60"])
def test_impossible_times_are_refused(clock):
    with pytest.raises(BadExport, match="cannot read time"):
        parse_chat(f"31/12/20, {clock} - Ana: oi")


# Invisible characters and encodings
def test_leading_marks_and_stray_isolates_are_removed_and_mentions_keep_their_extent():
    # The isolates around a mention are the only mark of where the name ends: kept, as @\u2068NAME\u2069.
    text = f"31/12/2020, 21:41 - Ana: {LRM}oi \u2068@Bia Lima\u2069, tudo? \u2068Caio\u2069 e @\u2068Rui\u2069"
    assert first(text)[2] == "oi @\u2068Bia Lima\u2069, tudo? Caio e @\u2068Rui\u2069"


@pytest.mark.parametrize(
    "data",
    [
        "\ufeff31/12/2020, 21:41 - Ana: oi\n31/12/2020, 21:42 - Bia: e aí\n".encode(),
        "31/12/2020, 21:41 - Ana: oi\r\n31/12/2020, 21:42 - Bia: e aí\r\n".encode(),
        "31/12/2020, 21:41 - Ana: oi\r31/12/2020, 21:42 - Bia: e aí\n".encode(),
        "31/12/2020, 21:41 - Ana: o\x00i\n31/12/2020, 21:42 - Bia: e aí\x00\n".encode(),
        "31/12/2020, 21:41 - Ana: oi\n31/12/2020, 21:42 - Bia: e aí\n".encode("utf-16"),
        "31/12/2020, 21:41 - Ana: oi\n31/12/2020, 21:42 - Bia: e aí\n".encode("utf-16-le"),
        "31/12/2020, 21:41 - Ana: oi\n31/12/2020, 21:42 - Bia: e aí\n".encode("utf-16-be"),
    ],
    ids=["bom", "crlf", "cr", "nul", "utf16-bom", "utf16-le", "utf16-be"],
)
def test_encodings_and_line_ends(data):
    assert [(r[1], r[2]) for r in rows(data)] == [("Ana", "oi"), ("Bia", "e aí")]


def test_mixed_line_ends_inside_a_message():
    assert first(b"31/12/2020, 21:41 - Ana: a\r\nb\rc\nd")[2] == "a\nb\nc\nd"


INVALID_UTF8 = [  # (bytes, message, sequences replaced)
    (b"31/12/2020, 21:41 - Ana: caf\xe9", "caf\ufffd", 1),
    (b"31/12/2020, 21:41 - Ana: \xff\xfe ok \xc3", "\ufffd\ufffd ok \ufffd", 3),
    (b"31/12/2020, 21:41 - Ana: half an emoji \xf0\x9f\x98", "half an emoji \ufffd", 1),
    (b"31/12/2020, 21:41 - Ana: surrogate \xed\xa0\x80", "surrogate \ufffd\ufffd\ufffd", 3),
    (b"31/12/2020, 21:41 - Ana: a real \xef\xbf\xbd stays", "a real \ufffd stays", 0),
]


@pytest.mark.parametrize(("data", "message", "count"), INVALID_UTF8, ids=[str(i) for i in range(len(INVALID_UTF8))])
def test_invalid_utf8_is_replaced_and_said(data, message, count):
    chat = parse_chat(data + b"\n31/12/2020, 21:42 - Bia: ok\n")
    assert [r[2] for r in rows(data)] == [message]
    assert (chat.invalid_utf8, summary(chat)["invalid_utf8_replaced"]) == (count, count)
    if count:
        assert chat.invalid_utf8_at == "2020-12-31T21:41:00"
        assert chat.replacement_note.startswith(f"{count} invalid UTF-8 sequence(s) replaced with U+FFFD")
    else:
        assert chat.replacement_note is None


def test_invalid_utf8_in_a_name_is_counted():
    chat = parse_chat(b"31/12/2020, 21:41 - Ana: ok\n31/12/2020, 21:42 - B\xe9a: oi\n")
    assert (chat.messages["author"].to_pylist(), chat.invalid_utf8, chat.invalid_utf8_at) == (
        ["Ana", "B\ufffda"],
        1,
        "2020-12-31T21:42:00",
    )


NOT_TEXT = [  # (bytes, what the refusal says)
    (bytes(range(256)) * 64, "binary data"),
    (__import__("random").Random(7).randbytes(100_000), "binary data"),
    (b"PK\x03\x04" + bytes(100), "zip archive"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\x1f\x8b\x08\x00", "gzip"),
    (b"SQLite format 3\x00" + bytes(100), "SQLite"),
]


@pytest.mark.parametrize(("data", "why"), NOT_TEXT, ids=[n[1] + str(i) for i, n in enumerate(NOT_TEXT)])
def test_files_that_are_not_text_say_so(data, why):
    with pytest.raises(BadExport, match=f"not a text chat: .*{why}"):
        parse_chat(data)


def test_text_that_is_not_a_chat_is_not_called_binary():
    chat = parse_chat("Olá, isto é só um texto\ncom acentos e emoji 🎉\n".encode() * 100)
    assert (chat.messages.num_rows, chat.first_unparsed_line) == (0, "Olá, isto é só um texto")


def test_a_50_mb_line_is_read_whole():
    body = b"word: " * ((50 << 20) // 6) + b"end"
    got = rows(b"31/12/2020, 21:41 - Ana: " + body + b"\n31/12/2020, 21:42 - Bia: ok")
    assert [(r[1], len(r[2])) for r in got] == [("Ana", len(body)), ("Bia", 2)]


def test_long_lines_are_never_searched_whole(monkeypatch):
    # The parse stays linear: no per-line search may look at more than a bounded prefix.
    from egregora_assets.core.raw_exports import parse as module

    seen = []

    class Spy:
        def __init__(self, rx):
            self.rx = rx

        def search(self, text, *args):
            seen.append(len(text))
            return self.rx.search(text, *args)

    monkeypatch.setattr(module, "SYSTEM_PY", Spy(module.SYSTEM_PY))
    for name in ("read_notice", "is_notice"):  # the templates are read line by line too
        read = getattr(module, name)
        monkeypatch.setattr(module, name, lambda text, read=read: seen.append(len(text)) or read(text))
    line = "x: " * 1_000_000
    parse_chat(f"[31/12/2020, 21:41:00] Grupo: {line}\n[31/12/2020, 21:42:00] Ana: {line}\n", group_name="Grupo")
    parse_chat(f"31/12/2020, 21:41 - Ana: {line}\n31/12/2020, 21:42 - Bia: oi")
    assert seen and max(seen) <= 4000


# Messages
def test_multi_line_messages_and_date_like_continuations():
    text = (
        "31/12/2020, 21:41 - Ana: party at\n"
        "01/01/2021, 10:00 at my place\n"
        "31/12/2020 21:41 - not a header either\n"
        "\n"
        "bring: snacks\n"
        "31/12/2020, 21:42 - Bia: ok\n"
    )
    assert [(r[1], r[2]) for r in rows(text)] == [
        ("Ana", "party at\n01/01/2021, 10:00 at my place\n31/12/2020 21:41 - not a header either\n\nbring: snacks"),
        ("Bia", "ok"),
    ]


EMPTY = [  # the message right after the colon is empty or only punctuation
    ("Bia:", ""),
    ("Bia: ", ""),
    ("Bia:.", "."),
    ("Bia: .", "."),
    ("Bia:...", "..."),
    ("Bia:?!", "?!"),
    ("Bia: :)", ":)"),
    ("Bia::", ":"),
    ("Bia:-", "-"),
    ("Bia:\nsecond line", "\nsecond line"),
    ("Bia:\n\nafter a blank", "\n\nafter a blank"),
    ("Bia:no space", "no space"),  # Bia writes clear lines elsewhere
    ("Bia:.\nand more", ".\nand more"),
]


NO_SPACE = [  # (line after the header, author, message): a lone "NAME:text"
    ("Carla:hello", "Carla", "hello"),
    ("Carla:https://example.com", "Carla", "https://example.com"),
    ("+55 11 91234-5678:oi", "+55 11 91234-5678", "oi"),
    ('Ana changed the subject to "a:b"', None, 'Ana changed the subject to "a:b"'),
    (
        "Ana joined using this group's invite link https://chat.whatsapp.com/x",
        None,
        "Ana joined using this group's invite link https://chat.whatsapp.com/x",
    ),
    ("Ana changed the group description at 10:30", None, "Ana changed the group description at 10:30"),
]


@pytest.mark.parametrize(("line", "author", "message"), NO_SPACE, ids=[n[0][:25] for n in NO_SPACE])
def test_a_lone_name_without_a_space_after_the_colon(line, author, message):
    text = f"31/12/2020, 21:40 - Ana: oi\n31/12/2020, 21:41 - {line}\n31/12/2020, 21:42 - Ana: oi\n"
    assert rows(text)[1][1:3] == (author, message)


@pytest.mark.parametrize(("line", "message"), EMPTY, ids=[e[0] for e in EMPTY])
def test_empty_or_punctuation_messages_keep_their_author(line, message):
    for head, tail in (
        ("31/12/2020, 21:41 - ", "31/12/2020, 21:43 - "),
        ("[31/12/2020, 21:41:00] ", "[31/12/2020, 21:43:00] "),
    ):
        text = f"{head}Ana: oi\n{head}{line}\n{tail}Bia: x\n"
        assert [(r[1], r[2]) for r in rows(text)] == [("Ana", "oi"), ("Bia", message), ("Bia", "x")]


AUTHORS = ["+55 11 91234-5678", "Ana 🌸", "Jean-Luc Picard", "Zoë ✨ (work)", "‪+1 555 0100‬"]


@pytest.mark.parametrize("author", AUTHORS)
def test_tricky_authors(author):
    text = f"31/12/2020, 21:41 - {author}: oi: tudo bem?\n31/12/2020, 21:42 - {author}: x"
    assert [(r[1], r[2]) for r in rows(text)] == [(author, "oi: tudo bem?"), (author, "x")]


def test_author_with_colon_is_recognized_from_its_other_lines():
    text = (
        "31/12/2020, 21:41 - Dr: Who: hello\n"
        "31/12/2020, 21:42 - Dr: Who: note: bring tea\n"
        "31/12/2020, 21:43 - Ana: Who: me\n"
        "31/12/2020, 21:44 - Ana: ok\n"
    )
    assert [(r[1], r[2]) for r in rows(text)] == [
        ("Dr: Who", "hello"),
        ("Dr: Who", "note: bring tea"),
        ("Ana", "Who: me"),
        ("Ana", "ok"),
    ]


# System lines, by language (Android: no author)
SYSTEM_ANDROID = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
    'Ana created group "Viagem"',
    "Ana added Bia",
    "Ana removed Bia",
    "Bia left",
    "Bia joined using this group's invite link",
    'Ana changed the subject from "a" to "b: c"',
    "Ana changed this group's icon",
    "Ana turned on disappearing messages. All new messages will disappear from this chat 7 days after they're sent.",
    "Your security code with Bia changed. Tap to learn more.",
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam somente entre você e os participantes desta conversa.",
    'Ana criou o grupo "Viagem"',
    "Ana adicionou Bia",
    "Bia saiu",
    'Ana mudou o assunto de "a" para "b"',
    'Ana creó el grupo "Viaje"',
    "Ana añadió a Bia",
    "Bia salió",
    "Ana hat die Gruppe „Reise“ erstellt",
    "Ana hat Bia hinzugefügt",
    "Bia hat die Gruppe verlassen",
    "Ana a créé le groupe « Voyage »",
    "Ana a ajouté Bia",
    'Ana ha creato il gruppo "Viaggio"',
    "Ana ha aggiunto Bia",
    "Bia è uscito",
]


@pytest.mark.parametrize("line", SYSTEM_ANDROID)
def test_android_system_lines(line):
    text = f"31/12/2020, 21:40 - Ana: oi\n31/12/2020, 21:41 - {line}\n31/12/2020, 21:42 - Ana: oi"
    assert rows(text)[1][1:4] == (None, line, "system")


SYSTEM_IOS = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
    "Ana created group “Viagem”",
    "Ana added Bia",
    "Bia left",
    "Ana changed the group name to “Praia”",
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.",
    "Ana adicionou Bia",
    "Los mensajes y las llamadas están cifrados de extremo a extremo.",
    "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.",
    "Les messages et les appels sont chiffrés de bout en bout.",
    "I messaggi e le chiamate sono crittografati end-to-end.",
    "Ana changed their phone number to a new number. Tap to message or add the new number.",
]


@pytest.mark.parametrize("line", SYSTEM_IOS)
def test_ios_system_lines_filed_under_the_group_name(line):
    text = f"[31/12/2020, 21:40:00] Ana: oi\n[31/12/2020, 21:41:00] Viagem: {LRM}{line}\n[31/12/2020, 21:42:00] Ana: {line}"
    got = rows(text)
    assert got[1][1:4] == (None, line, "system")
    assert got[2][1:4] == ("Ana", line, "text")  # typed by a person: no mark, not a system line


# iOS files the group's own notices under the group's name, often with no mark
GROUP_LINES = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
    "Ana created group “Viagem”",
    "Ana added Bia",
    "Bia left",
    "Ana changed this group's icon",
    "Ana changed the group description",
    "Ana removed Bia",
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.",
    "Ana adicionou Bia",
    "Los mensajes y las llamadas están cifrados de extremo a extremo.",
    "Ana hat Bia hinzugefügt",
    "Ana a ajouté Bia",
    "Ana ha aggiunto Bia",
]


@pytest.mark.parametrize("line", GROUP_LINES)
@pytest.mark.parametrize("mark", ["", LRM])
def test_group_name_in_the_author_position_is_a_system_line(line, mark):
    # Typed by Carla, not Ana: an older export that marks nothing files a notice under the person
    # who acted ("Ana: Ana added Bia"), as test_parse_families shows.
    text = (
        f"[31/12/2020, 21:40:00] Carla: oi\n[31/12/2020, 21:41:00] Viagem: {mark}{line}\n"
        f"[31/12/2020, 21:42:00] Carla: {line}\n[31/12/2020, 21:43:00] Viagem: {mark}Ana added Bia\n"
    )
    got = rows(text, group_name="Viagem")
    assert got[1][1:4] == (None, line, "system")
    assert got[2][1:4] == ("Carla", line, "text")  # typed by a member: text


def test_group_names_come_from_the_first_notice_and_subject_changes():
    text = (
        "[31/12/2020, 21:40:00] Viagem: Messages and calls are end-to-end encrypted.\n"
        "[31/12/2020, 21:40:01] Viagem: Ana created group “Viagem”\n"
        "[31/12/2020, 21:40:02] Ana: oi\n"
        "[31/12/2020, 21:40:03] Viagem: Ana changed the subject to “Praia 2021”\n"
        "[31/12/2020, 21:40:04] Praia 2021: Ana added Bia\n"
        "[31/12/2020, 21:40:05] Praia 2021: Bia left\n"
        "[31/12/2020, 21:40:06] Bia: Praia 2021: Ana added Bia\n"
    )
    assert [r[1:4] for r in rows(text)] == [
        (None, "Messages and calls are end-to-end encrypted.", "system"),
        (None, "Ana created group “Viagem”", "system"),
        ("Ana", "oi", "text"),
        (None, "Ana changed the subject to “Praia 2021”", "system"),
        (None, "Ana added Bia", "system"),
        (None, "Bia left", "system"),
        ("Bia", "Praia 2021: Ana added Bia", "text"),
    ]


def test_a_member_named_like_the_group_keeps_their_words():
    text = "[31/12/2020, 21:40:00] Viagem: oi gente\n[31/12/2020, 21:41:00] Viagem: quem vem?\n"
    assert [r[1:4] for r in rows(text, group_name="Viagem")] == [
        ("Viagem", "oi gente", "text"),
        ("Viagem", "quem vem?", "text"),
    ]


# Media, deleted and other kinds
MEMBERS = [
    "IMG-20201231-WA0001.jpg",
    "media/PTT-20201231-WA0002.opus",
    "00000012-PHOTO-2020-12-31-21-41-05.jpg",
    "Bia.vcf",
]
KINDS = [
    ("IMG-20201231-WA0001.jpg (file attached)", "media", "IMG-20201231-WA0001.jpg"),
    (f"{LRM}IMG-20201231-WA0001.jpg (file attached)\nlook at this", "media", "IMG-20201231-WA0001.jpg"),
    ("PTT-20201231-WA0002.opus (arquivo anexado)", "media", "media/PTT-20201231-WA0002.opus"),
    ("DOC-20201231-WA0003.pdf (archivo adjunto)", "media", "DOC-20201231-WA0003.pdf"),
    ("IMG-20201231-WA0001.jpg (Datei angehängt)", "media", "IMG-20201231-WA0001.jpg"),
    ("IMG-20201231-WA0001.jpg (fichier joint)", "media", "IMG-20201231-WA0001.jpg"),
    ("IMG-20201231-WA0001.jpg (file allegato)", "media", "IMG-20201231-WA0001.jpg"),
    (f"{LRM}<attached: 00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    (f"<{LRM}attached: 00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    (f"<attached: {LRM}00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    ("<attached:  00000012-PHOTO-2020-12-31-21-41-05.jpg >", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    ("< attached : 00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    (f"<attached:{NBSP}00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    (f"{LRM} <attached: 00000012-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000012-PHOTO-2020-12-31-21-41-05.jpg"),
    ("<attached: 00000015-My Trip 2020.pdf>", "media", "00000015-My Trip 2020.pdf"),
    (f"{LRM}<anexado: 00000013-AUDIO-2020-12-31-21-41-05.opus>", "media", "00000013-AUDIO-2020-12-31-21-41-05.opus"),
    ("<adjunto: 00000016-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000016-PHOTO-2020-12-31-21-41-05.jpg"),
    ("<Anhang: 00000017-VIDEO-2020-12-31-21-41-05.mp4>", "media", "00000017-VIDEO-2020-12-31-21-41-05.mp4"),
    ("<attached：00000018-PHOTO-2020-12-31-21-41-05.jpg>", "media", "00000018-PHOTO-2020-12-31-21-41-05.jpg"),
    (
        "4f2680f1db95a8454775cc2eefc95bfc.jpg (Datei angehängt)\nFrohe Ostern",
        "media",
        "4f2680f1db95a8454775cc2eefc95bfc.jpg",
    ),
    ("<anexado: 00000013-AUDIO-2020-12-31-21-41-05.opus>", "media", "00000013-AUDIO-2020-12-31-21-41-05.opus"),
    ("<Media omitted>", "media", None),
    ("<Mídia oculta>", "media", None),
    ("<Multimedia omitido>", "media", None),
    ("<Medien ausgeschlossen>", "media", None),
    ("<Médias omis>", "media", None),
    ("<Media omessi>", "media", None),
    (f"{LRM}image omitted", "media", None),
    (f"{LRM}sticker omitted", "media", None),
    ("imagem ocultada", "media", None),
    ("This message was deleted", "deleted", None),
    ("You deleted this message", "deleted", None),
    (f"{LRM}This message was deleted.", "deleted", None),
    ("Esta mensagem foi apagada", "deleted", None),
    ("Se eliminó este mensaje.", "deleted", None),
    ("Diese Nachricht wurde gelöscht.", "deleted", None),
    ("Ce message a été supprimé", "deleted", None),
    ("Questo messaggio è stato eliminato", "deleted", None),
    ("POLL:\nPizza?\nOPTION: yes (2 votes)\nOPTION: no (0 votes)", "poll", None),
    ("ENQUETE:\nPizza?\nOPÇÃO: sim (1 voto)", "poll", None),
    ("location: https://maps.google.com/?q=-23.5,-46.6", "location", None),
    ("localização: https://maps.google.com/?q=-23.5,-46.6", "location", None),
    ("Live location shared", "location", None),
    ("Bia.vcf (file attached)", "contact", "Bia.vcf"),
    ("<attached: 00000014-Bia.vcf>", "contact", "00000014-Bia.vcf"),
    (f"{LRM}Contact card omitted", "contact", None),
    ("see https://example.com/a:b", "text", None),
    ("<b>not a marker</b>", "text", None),
]


@pytest.mark.parametrize(("body", "kind", "attachment"), KINDS, ids=[k[0][:30] for k in KINDS])
def test_kinds_and_attachments(body, kind, attachment):
    for head in ("31/12/2020, 21:41 - ", "[31/12/2020, 21:41:05] "):
        got = first(f"{head}Ana: {body}", media_members=MEMBERS)
        assert (got[1], got[3], got[4]) == ("Ana", kind, attachment), head


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("fixed it <This message was edited>", "fixed it"),
        ("line one\nline two <Mensagem editada>", "line one\nline two"),
        ("arreglado <Se editó este mensaje.>", "arreglado"),
    ],
)
def test_edited_marker_is_a_kind_not_text(body, text):
    got = rows(f"31/12/2020, 21:40 - Ana: plain\n31/12/2020, 21:41 - Ana: {body}")
    assert got[1][2:4] == (text, "edited")
    assert got[0][2:4] == ("plain", "text")


# Day/month order: decided once per file from ranked evidence
ORDER = [
    ("13/01/2021, 10:00 - A: x\n01/02/2021, 10:00 - A: y", None, None, True, "a part above 12 in first position"),
    ("01/13/2021, 10:00 - A: x\n02/01/2021, 10:00 - A: y", None, None, False, "a part above 12 in second position"),
    # 1. progression: dates go back under the wrong reading (Jan 2, Jan 3, Feb 1)
    (
        "1/2/21, 9:00 AM - A: x\n1/3/21, 9:00 AM - A: y\n2/1/21, 9:00 AM - A: z",
        None,
        None,
        False,
        "date progression: dates go back",
    ),
    (
        "2/1/21, 09:00 - A: x\n3/1/21, 09:00 - A: y\n1/2/21, 09:00 - A: z",
        None,
        None,
        True,
        "date progression: dates go back",
    ),
    # ... or they never go back, but jump by months (Feb 1, 2, 3 read as Jan 2, Feb 2, Mar 2)
    (
        "1/2/21, 09:00 - A: x\n2/2/21, 09:00 - A: y\n3/2/21, 09:00 - A: z",
        None,
        None,
        True,
        "date progression: consecutive dates move 2 days",
    ),
    (
        "2/1/21, 9:00 PM - A: x\n2/2/21, 9:00 PM - A: y\n2/3/21, 9:00 PM - A: z",
        None,
        None,
        False,
        "date progression: consecutive dates move 59 days",
    ),
    ("[2/1/21, 09:00:00] A: x\n[2/2/21, 09:00:00] A: y", None, None, False, "date progression"),
    ("[5/3/21, 09:00:00] A: x\n[6/3/21, 09:00:00] A: y\n[8/3/21, 09:00:00] A: y", None, None, True, "date progression"),
    # progression beats locale evidence: a US 12-hour phone in a Portuguese group
    ("1/2/21, 9:00 AM - A: <Mídia oculta>\n2/2/21, 9:00 AM - A: y", None, None, True, "date progression"),
    # 2. locale evidence (one date, or dates that move the same under both readings)
    ("05/05/2021, 10:00 - A: x", None, "pt_BR", True, "locale hint pt_BR"),
    ("03/04/2021, 10:00 - A: x", None, "en_US", False, "locale hint en_US"),
    ("03/04/2021, 10:00 a. m. - A: x", None, None, True, "locale: 'a. m.'/'p. m.'"),
    (f"03/04/2021, 10:00{NBSP}p.{NBSP}m. - A: x", None, None, True, "locale: 'a. m.'/'p. m.'"),
    ("03.04.21, 10:00 - A: x", None, None, True, "locale: dotted dates"),
    ("[03.04.21, 10:00:00] A: x", None, None, True, "locale: dotted dates"),
    ("03.04.2021 klo 10.00 - A: x", None, None, True, "locale: 'klo'"),
    ("03/04/2021, 10:00 - A: <Mídia oculta>", None, None, True, "locale: system lines in Portuguese"),
    ("3/4/21, 10:00 AM - A: <Multimedia omitido>", None, None, True, "locale: system lines in Spanish"),
    ("03/04/2021 10:00 - Ana hat Bia hinzugefügt", None, None, True, "locale: system lines in German"),
    ("[03/04/2021 10:00:00] A: ‎<Médias omis>", None, None, True, "locale: system lines in French"),
    ("03/04/2021, 10:00 - A: <Media omessi>", None, None, True, "locale: system lines in Italian"),
    (
        "3/4/21, 10:00 PM - A: <Media omitted>",
        None,
        None,
        False,
        "locale: system lines in English with a 12-hour clock",
    ),
    # the shapes US phones never write: a lowercase am/pm, zero-padded day and month
    ("3/4/21, 10:00 pm - A: <Media omitted>", None, None, True, "locale: a lowercase am/pm"),
    ("3/4/21, 10:00\u202fam - A: x", None, None, True, "locale: a lowercase am/pm"),
    ("03/04/2021, 10:00 - A: <Media omitted>", None, None, True, "locale: zero-padded day and month"),
    ("[3/04/21, 10:00:00 AM] A: x", None, None, True, "locale: zero-padded day and month"),
    # a chat in a script other than Latin
    ("3/4/21, 10:00 PM - Аня: Привет, как дела?", None, None, True, "locale: a chat in Cyrillic script"),
    ("3/4/21, 10:00 PM - سارة: مرحبا كيف حالك", None, None, True, "locale: a chat in Arabic script"),
    # 3. the documented default
    ("3/4/2021, 10:00 - A: <Media omitted>", None, None, True, "default: day-first"),
    ("3/4/2021, 10:00 - A: x", None, None, True, "default: day-first"),
    ("3/4/21, 10:00 AM - A: x", None, None, False, "default: month-first (12-hour clock"),
    # given, or not needed
    ("03/04/2021, 10:00 - A: x", False, None, False, "given: month-first"),
    ("3/4/21, 10:00 AM - A: x", True, None, True, "given: day-first"),
    ("2021-04-03, 10:00 - A: x", None, None, False, "year-first dates"),
    ("2021. 4. 3. 10:00 - A: x", None, None, False, "year-first dates"),
]


@pytest.mark.parametrize(
    ("text", "given", "hint", "day_first", "evidence"), ORDER, ids=[o[4][:40] + "/" + o[0][:18] for o in ORDER]
)
def test_day_month_decision(text, given, hint, day_first, evidence):
    chat = parse_chat(text, day_first=given, locale_hint=hint)
    assert chat.day_first == day_first
    assert chat.day_first_evidence.startswith(evidence), chat.day_first_evidence


def test_us_twelve_hour_file_is_not_swapped():
    text = "12/1/20, 9:00 PM - A: x\n12/2/20, 9:00 PM - A: y\n12/3/20, 9:00 PM - A: z"
    assert [r[0].date().isoformat() for r in rows(text)] == ["2020-12-01", "2020-12-02", "2020-12-03"]


def test_dates_that_disagree_are_refused_not_swapped():
    with pytest.raises(BadExport, match="disagree"):
        parse_chat("13/01/2021, 10:00 - A: x\n01/13/2021, 10:00 - A: y")


def test_override_that_contradicts_the_dates_is_refused():
    with pytest.raises(BadExport, match="not a valid month-first date"):
        parse_chat("13/01/2021, 10:00 - A: x", day_first=False)


def test_no_parseable_line_reports_the_first_line():
    chat = parse_chat("\n\nhello there\nsecond line\n")
    assert chat.messages.num_rows == 0
    assert chat.first_unparsed_line == "hello there"


def test_the_shape_is_the_files_not_a_date_like_first_line():
    text = (
        "12/31/2020 10:00 exported by a tool\n"
        "31/12/2020, 21:41 - Ana: the plan\n01/01/2021 10:00 breakfast\n01/01/2021 12:00 beach\n"
        "01/01/2021 18:00 dinner\n31/12/2020, 21:42 - Bia: ok\n"
    )
    chat = parse_chat(text)
    assert [(r[1], r[2]) for r in rows(text)] == [
        ("Ana", "the plan\n01/01/2021 10:00 breakfast\n01/01/2021 12:00 beach\n01/01/2021 18:00 dinner"),
        ("Bia", "ok"),
    ]
    assert (chat.header, chat.first_unparsed_line) == (
        "DD/MM/YYYY, HH:MM - NAME: TEXT",
        "12/31/2020 10:00 exported by a tool",
    )


def test_lines_before_the_first_header_are_reported():
    chat = parse_chat("exported by a tool\n31/12/2020, 21:41 - Ana: oi")
    assert (chat.messages.num_rows, chat.first_unparsed_line) == (1, "exported by a tool")


def test_summary():
    chat = parse_chat(
        '31/12/2020, 21:40 - Ana created group "x"\n31/12/2020, 21:41 - Ana: oi\n01/01/2021, 00:01 - Bia: feliz'
    )
    assert summary(chat) == {
        "messages": 3,
        "first": "2020-12-31T21:40:00",
        "last": "2021-01-01T00:01:00",
        "authors": 2,
        "format": "android",
        "header": "DD/MM/YYYY, HH:MM - NAME: TEXT",
        "clock": "24-hour",
        "day_first": True,
        "evidence": "a part above 12 in first position (31/12/2020)",
        "invalid_utf8_replaced": 0,
        "source": "whatsapp-txt",
        "replies": 0,
        "reactions": 0,
        "reacted_messages": 0,
        "media": 0,
        "author_ids": 0,
        "headers_read_as": [],
        "notices_unread": 0,
        "language": "pt",
        "egregora_writes_in": "pt",
    }


SHAPES = [
    ("13. 6. 2018. 21:41:05 Ana: oi", "DD. MM. YYYY. HH:MM:SS NAME: TEXT", "24-hour"),
    ("31.12.20 21.41.05: Ana: oi", "DD.MM.YY HH.MM.SS: NAME: TEXT", "24-hour"),
    ("2020/12/31, 21:41. - Ana: oi", "YYYY/MM/DD, HH:MM. - NAME: TEXT", "24-hour"),
    ("[12/31/20, 9:41:05 PM] Ana: oi", "[MM/DD/YY, HH:MM:SS AM/PM] NAME: TEXT", "12-hour (AM/PM)"),
    ("31/12/2020, 9:41 p. m. - Ana: oi", "DD/MM/YYYY, HH:MM a. m./p. m. - NAME: TEXT", "12-hour (a. m./p. m.)"),
    ("[31.12.2020 klo 21.41.05] Ana: oi", "[DD.MM.YYYY klo HH.MM.SS] NAME: TEXT", "24-hour"),
]


@pytest.mark.parametrize(("line", "shape", "clock"), SHAPES, ids=[s[1] for s in SHAPES])
def test_summary_names_the_header_shape_and_clock(line, shape, clock):
    got = summary(parse_chat(line))
    assert (got["header"], got["clock"]) == (shape, clock)


def test_summary_counts_the_system_lines_no_template_reads():
    chat = parse_chat(
        "31/12/2020, 21:40 - Ana added Bia\n31/12/2020, 21:41 - Ana: oi\n"
        "31/12/2020, 21:42 - Ana a fait une chose inconnue\n31/12/2020, 21:43 - Ana a fait une chose inconnue\n"
        "31/12/2020, 21:44 - Zxq vrtl plk\n"
    )
    assert summary(chat)["notices_unread"] == 2  # distinct lines; "Ana added Bia" is read

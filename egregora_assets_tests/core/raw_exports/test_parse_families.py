"""Issue 21's families of failure, each as a table in many UI languages, read through the real
parser: iOS notices with a name glued on (5), members taken for system lines (6), attachments
recognised by WhatsApp's file names in every language (4), and a notice that shares its words
with a message kind (Persian). The lines are ours, in the shapes WhatsApp writes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from egregora_assets.core.anonymized_messages.people import people_named
from egregora_assets.core.anonymized_messages.pseudonyms import name_key
from egregora_assets.core.notices import read_notice
from egregora_assets.core.raw_exports.kinds import LANGUAGES
from egregora_assets.core.raw_exports.parse import parse_chat, unread_notices

from .test_world_words import NAMES, NOTICES, WRITER

LRM = "\u200e"
GROUP = "Trilhas"


def ios(lines: list[str]) -> str:
    return "".join(f"[12/03/2024, 09:{i % 60:02d}:05] {line}\n" for i, line in enumerate(lines))


def android(lines: list[str]) -> str:
    return "".join(f"12/03/2024, 09:{i % 60:02d} - {line}\n" for i, line in enumerate(lines))


def table(text: str, **kwargs) -> list[dict]:
    return parse_chat(text, **kwargs).messages.to_pylist()


# The six languages read first, beside test_world_words' NOTICES for 31 others: {w} writes, {s} and
# {o} never do, {n} is a number.
SIX = {
    "en": [
        "{w} added {s} and {o}",
        "{w} removed {s}",
        "{s} left",
        "{s} joined using this group's invite link",
        "{s} changed the group description",
        "Your security code with {s} changed. Tap to learn more.",
    ],
    "pt": [
        "{w} adicionou {s} e {o}",
        "{w} removeu {s}",
        "{s} saiu",
        "{s} entrou usando o link de convite deste grupo",
        "{s} mudou a descrição do grupo",
        "{s} alterou a imagem deste grupo",
    ],
    "es": [
        "{w} añadió a {s} y {o}",
        "{w} eliminó a {s}",
        "{s} salió del grupo",
        "{s} se unió usando el enlace de invitación de este grupo",
        "{s} cambió la descripción del grupo",
        "{s} cambió el ícono de este grupo",
    ],
    "de": [
        "{w} hat {s} und {o} hinzugefügt",
        "{w} hat {s} entfernt",
        "{s} hat die Gruppe verlassen",
        "{s} ist dieser Gruppe über den Einladungslink beigetreten",
        "{s} hat die Gruppenbeschreibung geändert",
        "{s} hat das Gruppenbild geändert",
    ],
    "fr": [
        "{w} a ajouté {s} et {o}",
        "{w} a retiré {s}",
        "{s} est parti",
        "{s} a rejoint ce groupe via le lien d'invitation",
        "{s} a modifié la description du groupe",
        "{s} a changé l'icône de ce groupe",
    ],
    "it": [
        "{w} ha aggiunto {s} e {o}",
        "{w} ha rimosso {s}",
        "{s} è uscito",
        "{s} si è unito tramite il link d'invito a questo gruppo",
        "{s} ha modificato la descrizione del gruppo",
        "{s} ha cambiato l'immagine di questo gruppo",
    ],
}
EVERY = {**SIX, **NOTICES}


def named(line: str) -> set[str]:
    return {name_key(name) for key, name in NAMES.items() if "{" + key + "}" in line}


def test_the_tables_cover_the_languages_issue_21_names():
    wanted = {"ar", "cs", "de", "el", "en", "es", "fa", "fr", "he", "hi", "id", "it", "ja", "ko", "nl"}
    wanted |= {"pl", "pt", "pt-PT", "ru", "sv", "th", "tr", "uk", "vi", "zh-Hans", "zh-Hant"}
    assert wanted <= set(EVERY)


# --- family 5: an iOS notice that keeps a name glued before it ----------------------------------
# (what stands in the author slot, what is glued before the notice)
GLUED = {
    "group, a person glued, marked after": lambda notice: f"{GROUP}: {NAMES['s']}: {LRM}{notice}",
    "group, the group glued, marked after": lambda notice: f"{GROUP}: {GROUP}: {LRM}{notice}",
    "group, marked, a person glued": lambda notice: f"{GROUP}: {LRM}{NAMES['s']}: {notice}",
    "a person, marked, the same person glued": lambda notice: f"{NAMES['s']}: {LRM}{NAMES['s']}: {notice}",
    "a person, the group glued, marked after": lambda notice: f"{NAMES['o']}: {GROUP}: {LRM}{notice}",
}


@pytest.mark.parametrize("shape", GLUED)
@pytest.mark.parametrize("lang", sorted(EVERY))
def test_ios_notice_with_a_name_glued_on_is_a_notice_without_it(lang, shape):
    notices = [line.format(**NAMES) for line in EVERY[lang]]
    text = ios([f"{WRITER}: ok", *(GLUED[shape](n) for n in notices), f"{WRITER}: ok"])
    rows = table(text)
    assert [(r["author"], r["kind"]) for r in rows] == [(WRITER, "text")] + [(None, "system")] * len(notices) + [
        (WRITER, "text")
    ]
    assert [r["message"] for r in rows[1:-1]] == notices
    everyone = {name_key(n) for n in people_named([WRITER], parse_chat(text).messages)}
    assert set().union(*map(named, EVERY[lang])) <= everyone


@pytest.mark.parametrize("lang", sorted(EVERY))
def test_a_members_glued_looking_text_stays_theirs(lang):
    """The glued name must be followed by a whole notice: a member's "Ana: ..." quoting chatter stays."""
    notice = EVERY[lang][0].format(**NAMES)
    text = ios([f"{WRITER}: Bia: {LRM}obrigada!", f"{WRITER}: {NAMES['s']}: {notice} haha, que tal?", f"{WRITER}: ok"])
    assert [(r["author"], r["kind"]) for r in table(text)] == [(WRITER, "text")] * 3


# --- family 6a: a member's first iOS line that reads like a notice stays the member's -----------
MEMBER_FIRST = [
    ("en", "added some photos to the album"),
    ("en", "Lukas added me to the other group yesterday"),
    ("en", "left my keys at your place"),
    ("pt", "adicionou mais fotos no álbum?"),
    ("es", "salió bien la reunión"),
    ("de", "hat jemand die Fotos hinzugefügt?"),
    ("fr", "a ajouté les photos à l'album"),
    ("it", "ha aggiunto le foto all'album"),
]


def member_first_lines() -> list[tuple[str, str]]:
    """Our chatter above, and in every language a notice that names someone, typed by a member
    (one that names its writer first is how iOS files a notice under the person who acted)."""
    typed = [(lang, line.format(**NAMES)) for lang, lines in EVERY.items() for line in lines if named(line)]
    return MEMBER_FIRST + [(lang, line) for lang, line in typed if not line.startswith(WRITER)]


@pytest.mark.parametrize("lang,first", member_first_lines(), ids=lambda v: str(v)[:30])
def test_a_members_first_ios_line_never_makes_them_the_group(lang, first):
    text = ios([f"{WRITER}: {first}", f"{WRITER}: {first}", f"{NAMES['o']}: ok", f"{WRITER}: ok"])
    assert [(r["author"], r["kind"]) for r in table(text)] == [
        (WRITER, "text"),
        (WRITER, "text"),
        (NAMES["o"], "text"),
        (WRITER, "text"),
    ]


# A line a template reads whole ("Lukas added me to...", pt "Adicionou {people}") by a name seen
# once is read as a notice: on Android nothing else tells them apart, and a notice kept as text
# could carry a name to a post.
ONLY_STARTS_LIKE = [m for m in MEMBER_FIRST if read_notice(m[1]) is None]


@pytest.mark.parametrize("lang,first", ONLY_STARTS_LIKE, ids=[m[1][:30] for m in ONLY_STARTS_LIKE])
def test_a_member_writing_once_on_android_keeps_a_line_that_only_starts_like_a_notice(lang, first):
    """A name seen once is re-joined to its line only when the line then reads as a whole notice:
    "Ana Souza: added some photos" is no "{person} added {people}" with "Ana Souza:" for the person."""
    assert len(ONLY_STARTS_LIKE) >= 5
    rows = table(android([f"{NAMES['o']}: oi", f"{WRITER}: {first}", f"{NAMES['o']}: ok"]))
    assert (rows[1]["author"], rows[1]["message"], rows[1]["kind"]) == (WRITER, first, "text")


@pytest.mark.parametrize("lang", sorted(EVERY))
def test_a_marked_first_notice_names_the_group_in_every_language(lang):
    """iOS's first line, marked, under the group's name: later unmarked notices under it are notices."""
    first = EVERY[lang][0].format(**NAMES)
    later = next(line for line in EVERY[lang] if named(line) and not line.startswith("{w}")).format(**NAMES)
    text = ios([f"{GROUP}: {LRM}{first}", f"{WRITER}: ok", f"{GROUP}: {later}", f"{WRITER}: {later}"])
    assert [(r["author"], r["kind"]) for r in table(text)] == [
        (None, "system"),
        (WRITER, "text"),
        (None, "system"),
        (WRITER, "text"),  # typed by a member: text
    ]


# iOS files some notices under the person who acted, the notice naming them first, and the
# group's under its name; the lines below follow the shapes quoted in public bug reports (an English
# export of 2024 and a Turkish one of 2016-17), around our own names.
ACTOR_SLOT = {
    "en": [
        (
            GROUP,
            "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        ),
        ("Boris Lenz", f"Boris Lenz created group “{GROUP}”"),
        (GROUP, "Boris Lenz added you"),
        (GROUP, "You're now an admin"),
        ("Boris Lenz", "Boris Lenz changed this group's icon"),
    ],
    "tr": [
        ("Boris Lenz", "Boris Lenz bu grubu oluşturdu"),
        (GROUP, "Boris Lenz sizi ekledi"),
        (
            GROUP,
            "Mesajlar ve aramalar uçtan uca şifrelidir. Yalnızca bu sohbetteki kişiler bu içerikleri okuyabilir, dinleyebilir veya paylaşabilir.",
        ),
        ("Boris Lenz", "Boris Lenz bu grubun simgesini değiştirdi"),
        ("Boris Lenz", 'Boris Lenz grup adını "9/A" olarak değiştirdi'),
    ],
    "pt": [
        (GROUP, "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta."),
        ("Boris Lenz", f"Boris Lenz criou o grupo “{GROUP}”"),
        (GROUP, "Boris Lenz adicionou você"),
        ("Boris Lenz", "Boris Lenz mudou a imagem deste grupo"),
    ],
    "ru": [
        ("Boris Lenz", f"Boris Lenz создал(-а) группу “{GROUP}”"),
        (GROUP, "Boris Lenz добавил(-а) вас"),
        ("Boris Lenz", "Boris Lenz изменил(-а) картинку группы"),
    ],
}


@pytest.mark.parametrize("mark", ["", LRM], ids=["unmarked", "marked"])
@pytest.mark.parametrize("lang", sorted(ACTOR_SLOT))
def test_ios_notices_under_the_actor_or_the_group_are_notices(lang, mark):
    lines = [f"{slot}: {mark}{notice}" for slot, notice in ACTOR_SLOT[lang]]
    text = ios([*lines, "Boris Lenz: oi", f"{WRITER}: Boris Lenz left early", "Boris Lenz: ok", f"{WRITER}: ok"])
    rows = table(text)
    assert [(r["author"], r["message"]) for r in rows] == [(None, notice) for _, notice in ACTOR_SLOT[lang]] + [
        ("Boris Lenz", "oi"),
        (WRITER, "Boris Lenz left early"),
        ("Boris Lenz", "ok"),
        (WRITER, "ok"),
    ]


@pytest.mark.parametrize("lang", sorted(EVERY))
def test_a_member_naming_themselves_first_is_a_notice_only_where_nothing_is_marked(lang):
    """Exports that mark their notices mark those filed under the actor too: there, a member's
    unmarked "Ana Souza added Lukas" is the member's; an export that marks nothing is older."""
    own = next(line for line in EVERY[lang] if line.startswith("{w}")).format(**NAMES)
    marked = ios([f"{GROUP}: {LRM}{EVERY[lang][2].format(**NAMES)}", f"{WRITER}: {own}", f"{WRITER}: ok"])
    older = ios([f"{GROUP}: {EVERY[lang][2].format(**NAMES)}", f"{WRITER}: {own}", f"{WRITER}: ok"])
    assert [r["kind"] for r in table(marked)] == ["system", "text", "text"]
    assert [r["kind"] for r in table(older)][1:] == ["system", "text"]


def test_a_one_to_one_chat_files_its_notices_under_the_other_person():
    text = ios(
        [
            "Hana Kim: Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
            "Hana Kim: oi",
            f"{WRITER}: oi",
            "Hana: tudo bem?",
        ]
    )
    assert [(r["author"], r["kind"]) for r in table(text)] == [
        (None, "system"),
        ("Hana Kim", "text"),
        (WRITER, "text"),
        ("Hana", "text"),
    ]


ENCRYPTED = [  # the first notice of every chat names nobody: unmarked (older iOS), it still names the group
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
    "Сообщения и звонки защищены сквозным шифрованием.",
    "Berichten en gesprekken worden end-to-end versleuteld.",
    "Mesajlar ve aramalar uçtan uca şifrelidir.",
]


@pytest.mark.parametrize("first", ENCRYPTED)
def test_an_unmarked_first_notice_naming_nobody_names_the_group(first):
    assert read_notice(first) is not None and not read_notice(first).names
    text = ios([f"{GROUP}: {first}", f"{GROUP}: Ana added Bia", f"{WRITER}: Ana added Bia", f"{WRITER}: ok"])
    assert [(r["author"], r["kind"]) for r in table(text)] == [
        (None, "system"),
        (None, "system"),
        (WRITER, "text"),  # a member typing a notice is read as one only when they write once
        (WRITER, "text"),
    ]


def test_an_unmarked_created_notice_quoting_the_author_names_the_group():
    text = ios([f"{GROUP}: Ana created group “{GROUP}”", f"{GROUP}: Bia left", f"{WRITER}: oi"])
    assert [(r["author"], r["kind"]) for r in table(text)] == [(None, "system"), (None, "system"), (WRITER, "text")]


# --- family 6b: a colon inside a name's case ending is no author's colon ----------------------
# Swedish and Finnish put a case ending after a colon when a name cannot be inflected.
POSSESSIVE = [
    ("sv", "Cem:s säkerhetskod har ändrats. Tryck för att läsa mer.", True),
    ("sv", "Cem Yılmaz:s säkerhetskod har ändrats.", True),
    ("sv", "+46 70 123 45 67:s säkerhetskod har ändrats.", True),
    ("fi", "Cem:n turvanumero vaihtui", False),  # no template reads it: an unread notice, never Cem's words
    ("fi", "Cem:lle lähetetty kutsu vanheni", False),
    ("sv", "Cem:en gick med", False),
]


@pytest.mark.parametrize("lang,line,read", POSSESSIVE, ids=[p[1][:20] for p in POSSESSIVE])
@pytest.mark.parametrize("writes", [True, False], ids=["the person writes", "the person never writes"])
def test_a_possessive_colon_is_not_an_author(lang, line, read, writes):
    person = line.split(":", 1)[0]
    chatter = [f"{person}: hej"] if writes else []
    chat = parse_chat(android([f"{WRITER}: hej", *chatter, line]))
    last = chat.messages.to_pylist()[-1]
    assert (last["author"], last["message"], last["kind"]) == (None, line, "system")
    assert unread_notices(chat.messages) == (0 if read else 1)
    if read:
        assert name_key(person) in {name_key(n) for n in people_named([WRITER], chat.messages)}


def test_a_lone_name_without_a_space_is_still_read_when_it_is_no_ending():
    text = android([f"{WRITER}: hej", "Bia: ok", "Bia:no space", "Bia:s"])
    rows = table(text)
    assert [(r["author"], r["message"]) for r in rows[2:]] == [("Bia", "no space"), ("Bia", "s")]


# --- Persian: "an admin deleted this message" also reads as the "removed" notice ---------------
@pytest.mark.parametrize("shape", ["android", "ios"])
def test_persian_admin_deleted_is_a_deleted_message_and_removed_a_notice(shape):
    deleted = "یکی از مدیران این پیام را حذف کرد"
    removed = f"{WRITER} {NAMES['s']} را حذف کرد"
    assert read_notice(removed) is not None
    if shape == "android":
        text = android([f"{WRITER}: سلام", f"{NAMES['o']}: {deleted}", removed])
    else:
        text = ios([f"{WRITER}: سلام", f"{NAMES['o']}: {LRM}{deleted}", f"{GROUP}: {LRM}{removed}"])
    rows = table(text)
    assert [(r["author"], r["message"], r["kind"]) for r in rows] == [
        (WRITER, "سلام", "text"),
        (NAMES["o"], deleted, "deleted"),
        (None, removed, "system"),
    ]


# --- family 4: attachments, by WhatsApp's file names first, in every language ------------------
ANDROID_FILES = [
    "IMG-20240312-WA0001.jpg",
    "VID-20240312-WA0002.mp4",
    "AUD-20240312-WA0003.m4a",
    "PTT-20240312-WA0004.opus",
    "STK-20240312-WA0005.webp",
    "DOC-20240312-WA0006.pdf",
]
IOS_FILES = [
    "00000012-PHOTO-2024-03-12-19-04-11.jpg",
    "00000013-VIDEO-2024-03-12-19-04-11.mp4",
    "00000014-AUDIO-2024-03-12-19-04-11.opus",
    "00000015-STICKER-2024-03-12-19-04-11.webp",
    "00000016-GIF-2024-03-12-19-04-11.mp4",
    "00000017-DOCUMENT-2024-03-12-19-04-11.pdf",
    "00000018-Plano de viagem 2024.pdf",  # a document keeps the name its sender gave it
]


def attachment_lines() -> list[tuple[str, str, str]]:
    """(language, line, file name): every template of every language, with every file shape."""
    cases = []
    for lang, words in sorted(LANGUAGES.items()):
        for template in words.get("attached", []):
            cases += [(lang, template.format(name=name), name) for name in ANDROID_FILES]
        for template in words.get("attached_ios", []):
            cases += [(lang, template.format(name=name), name) for name in IOS_FILES]
    return cases


@pytest.mark.parametrize("shape", ["android", "ios"])
def test_every_languages_attachment_names_its_file(shape):
    cases = attachment_lines()
    assert len({lang for lang, _, _ in cases}) >= 50
    head = android if shape == "android" else ios
    members = [f"WhatsApp Chat/{name}" for name in {*ANDROID_FILES, *IOS_FILES}]
    rows = table(head([f"{WRITER}: {LRM}{line}" for _, line, _ in cases]), media_members=members)
    wrong = [
        (lang, line, r["kind"], r["attachment"])
        for (lang, line, name), r in zip(cases, rows)
        if (r["author"], r["kind"], r["attachment"]) != (WRITER, "media", f"WhatsApp Chat/{name}")
    ]
    assert not wrong


# Words no table holds (Swahili, Estonian, made-up), around WhatsApp's own names: the name decides.
UNKNOWN_WORDS = [
    ("<kiambatisho: 00000012-PHOTO-2024-03-12-19-04-11.jpg>", "00000012-PHOTO-2024-03-12-19-04-11.jpg"),
    ("<manus: 00000018-Plano de viagem 2024.pdf>", "00000018-Plano de viagem 2024.pdf"),
    ("Plano.pdf • 3 lehte <manus: 00000018-Plano.pdf>", "00000018-Plano.pdf"),
    ("<00000019-Reisplan.pdf liitetty>", "00000019-Reisplan.pdf"),
    ("IMG-20240312-WA0001.jpg (faili limeambatanishwa kweli)", "IMG-20240312-WA0001.jpg"),
    ("PTT-20240312-WA0004.opus (xyz)", "PTT-20240312-WA0004.opus"),
    ("STK-20240312-WA0005.webp", "STK-20240312-WA0005.webp"),
]
NOT_ATTACHMENTS = [
    "<12345678>",
    "<see you at 10:30>",
    "meet me at https://example.com/00000012-PHOTO-2024-03-12-19-04-11.jpg",
    "the file is called <report.pdf>",
]


@pytest.mark.parametrize("shape", ["android", "ios"])
def test_whatsapp_file_names_are_attachments_whatever_the_words(shape):
    head = android if shape == "android" else ios
    rows = table(head([f"{WRITER}: {line}" for line, _ in UNKNOWN_WORDS] + [f"{WRITER}: {t}" for t in NOT_ATTACHMENTS]))
    got = [(r["kind"], r["attachment"]) for r in rows]
    assert got == [("media", name) for _, name in UNKNOWN_WORDS] + [("text", None)] * len(NOT_ATTACHMENTS)


def test_the_issue_examples_of_localized_ios_markers():
    lines = {
        "pt": "<anexado: 00000012-PHOTO-2024-03-12-19-04-11.jpg>",
        "es": "<adjunto: 00000012-PHOTO-2024-03-12-19-04-11.jpg>",
        "de": "<angehängt: 00000012-PHOTO-2024-03-12-19-04-11.jpg>",
        "ru": "<прикреплено: 00000012-PHOTO-2024-03-12-19-04-11.jpg>",
        "en": "<attached: 00000012-PHOTO-2024-03-12-19-04-11.jpg>",
    }
    rows = pa.Table.from_pylist(table(ios([f"{WRITER}: {LRM}{line}" for line in lines.values()])))
    assert pc.all(pc.equal(rows["attachment"], "00000012-PHOTO-2024-03-12-19-04-11.jpg")).as_py()


# --- family 7: day and month when no part is above 12 -------------------------------------------
# One date only (no progression), a 12-hour clock (which alone says "US phone, month first"), and
# the one line that tells: a media file name WhatsApp dated, or the phone's language, or its words
# for morning and afternoon.
FILE_NAMED = [
    ("3/4/21, 10:00 PM - Ana: IMG-20210403-WA0001.jpg (file attached)", True),
    ("4/3/21, 10:00 PM - Ana: IMG-20210403-WA0001.jpg (file attached)", False),
    ("3/4/21, 10:00 - Ana: PTT-20210403-WA0002.opus (dosya ekli)", True),
    ("4/3/21, 10:00 AM - Ana: STK-20210403-WA0003.webp (tiedosto)", False),
    (f"[3/4/21, 10:00:00 PM] Ana: {LRM}<attached: 00000012-PHOTO-2021-04-03-22-00-00.jpg>", True),
    (f"[4/3/21, 10:00:00 PM] Ana: {LRM}<attached: 00000012-PHOTO-2021-04-03-22-00-00.jpg>", False),
    (f"[03.04.21, 22:00:00] Ana: {LRM}<angehängt: 00000013-VIDEO-2021-04-03-22-00-00.mp4>", True),
    (f"[4/3/21, 10:00:00 PM] Ana: {LRM}<kiambatisho: 00000014-AUDIO-2021-04-03-22-00-00.opus>", False),
]


@pytest.mark.parametrize("line,day_first", FILE_NAMED, ids=[f[0][:30] for f in FILE_NAMED])
def test_a_dated_file_name_decides_day_and_month(line, day_first):
    chat = parse_chat(line + "\n")
    assert (chat.day_first, chat.messages["timestamp"][0].as_py().date().isoformat()) == (day_first, "2021-04-03")
    assert chat.day_first_evidence.startswith("media file names") or day_first and "dotted" in chat.day_first_evidence


def placeholder_lines() -> list[tuple[str, str]]:
    """Every language's own media placeholder, beside a 12-hour header with no part above 12."""
    return [
        (lang, words["media_omitted"][0]) for lang, words in sorted(LANGUAGES.items()) if words.get("media_omitted")
    ]


@pytest.mark.parametrize("lang,placeholder", placeholder_lines(), ids=[p[0] for p in placeholder_lines()])
def test_the_phones_language_decides_day_and_month(lang, placeholder):
    chat = parse_chat(f"3/4/21, 10:00 PM - Ana: {placeholder}\n")
    month_first = lang in ("en", "tl")
    assert chat.day_first == (not month_first), chat.day_first_evidence
    assert chat.messages["timestamp"][0].as_py().date().isoformat() == ("2021-03-04" if month_first else "2021-04-03")


def test_the_languages_that_decide_day_and_month_are_many():
    assert len(placeholder_lines()) >= 40


@pytest.mark.parametrize("words", [("SA", "CH"), ("PG", "PTG"), ("e paradites", "e pasdites"), ("vm.", "nm.")])
def test_clock_words_decide_day_and_month(words):
    chat = parse_chat(f"3/4/21, 10:00 {words[1]} - Ana: oi\n")
    assert chat.day_first and chat.day_first_evidence.startswith("locale: headers written with")
    assert chat.messages["timestamp"][0].as_py().isoformat() == "2021-04-03T22:00:00"

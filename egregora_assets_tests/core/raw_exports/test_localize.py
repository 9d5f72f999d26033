"""Headers in other scripts and calendars are rewritten into the grammar's shapes, and nothing
else is: the lines below are written here after the shapes other parsers and bug reports
document (Arabic-Indic digits with the Arabic comma and RTL marks, Buddhist-era `2565 BE`,
Japanese-era `R4`, time-first iOS headers, `dd.mm.yyyy - hh:mm:ss;`, localized clock words)."""

from __future__ import annotations

import pytest

from egregora_assets.core.raw_exports.localize import header_notes, localize


class Localized:
    def __init__(self, data: bytes) -> None:
        self.notes = tuple(sorted(header_notes(data)))
        self.data = localize(data) if self.notes else data


localize_headers = Localized

RLM = "\u200f"

# (the header as a phone writes it, the header as the grammar reads it, a note it gives)
HEADERS = [
    # digits of other scripts, with their commas and direction marks
    (f"{RLM}١٨{RLM}/٣{RLM}/٢٠٢٢، ٣:١٤ م - ", f"{RLM}18/3/2022, 3:14 PM - ", "digits: Arabic-Indic"),
    ("[١٨/٠٨/٢٠٢٥، ١٥:١٤:٠٩] ", "[18/08/2025, 15:14:09] ", "digits: Arabic-Indic"),
    ("[۱۸/۰۸/۱۴۰۲، ۳:۱۴ ب.ظ.] ", "[2023/11/09, 3:14 PM] ", "digits: Extended Arabic-Indic"),
    ("۲۲/۰۸/۲۰۲۴، ۹:۰۵ ق.ظ. - ", "22/08/2024, 9:05 AM - ", "clock words: ق.ظ."),
    ("१८/०३/२०२२, १०:२० पूर्वाह्न - ", "18/03/2022, 10:20 AM - ", "digits: Devanagari"),
    ("১৮/০৩/২২, ৮:১৫ অপরাহ্ণ - ", "18/03/22, 8:15 PM - ", "digits: Bengali"),
    ("๑๘/๓/๒๕๖๕ ๑๐:๒๐ - ", "18/3/2022, 10:20 - ", "digits: Thai"),
    # calendars
    ("[3/18/2565 BE, 14:56:01] ", "[3/18/2022, 14:56:01] ", "calendar: Buddhist era (BE)"),
    ("18/3/2566 21:41 - ", "18/3/2023, 21:41 - ", "calendar: Buddhist era"),
    ("[3/18/R4, 14:56:01] ", "[3/18/2022, 14:56:01] ", "calendar: Japanese era"),
    ("[12/31/H30, 23:59:59] ", "[12/31/2018, 23:59:59] ", "calendar: Japanese era"),
    # Solar Hijri (Iran, Afghanistan): day first, or year first; Nowruz moves between 20 and 21 March
    ("[۱۸/۰۸/۱۴۰۲، ۱۵:۱۴:۰۹] ", "[2023/11/09, 15:14:09] ", "calendar: Solar Hijri"),
    ("[۱۴۰۳/۱/۱، ۰۰:۰۰:۰۰] ", "[2024/03/20, 00:00:00] ", "calendar: Solar Hijri"),
    ("۱۴۰۴/۱/۱، ۹:۰۵ ق.ظ. - ", "2025/03/21, 9:05 AM - ", "calendar: Solar Hijri"),
    ("30/12/1403, 23:59 - ", "2025/03/20, 23:59 - ", "calendar: Solar Hijri"),  # Esfand of a leap year
    ("1402/7/1 21:41 - ", "2023/09/23, 21:41 - ", "calendar: Solar Hijri"),
    # Islamic Hijri (Umm al-Qura): the year, or the "هـ" after it, says so
    (f"{RLM}١{RLM}/٩{RLM}/١٤٤٥ هـ، ٣:١٤ م - ", f"{RLM}2024/03/11, 3:14 PM - ", "calendar: Islamic Hijri"),
    ("[١/١/١٤٤٦، ٠٩:٠٠:٠٠] ", "[2024/07/07, 09:00:00] ", "calendar: Islamic Hijri"),
    ("1/10/1444, 08:00 - ", "2023/04/21, 08:00 - ", "calendar: Islamic Hijri"),
    ("[29/12/1445 هـ, 23:59:59] ", "[2024/07/05, 23:59:59] ", "calendar: Islamic Hijri"),
    ("[1/5/R1, 08:00:00] ", "[1/5/2019, 08:00:00] ", "calendar: Japanese era"),
    # order and punctuation
    ("[14:56:01, 18/3/2022] ", "[18/3/2022, 14:56:01] ", "time before the date"),
    ("[9:05:00 CH, 18/3/2022] ", "[18/3/2022, 9:05:00 PM] ", "time before the date"),
    ("18.03.2022 - 14:56:01; ", "18.03.2022, 14:56:01 - ", "semicolon after the time"),
    ("18.03.2022 - 14:56 - ", "18.03.2022, 14:56 - ", "dash between date and time"),
    ("5/1/22, 10:20 p.m.  - ", "5/1/22, 10:20 p.m. - ", "spaces before the dash"),
    # clock words the grammar does not spell
    ("5/1/22, 10:20 μ.μ. - ", "5/1/22, 10:20 PM - ", "clock words: μ.μ."),
    ("[5/1/22, 9:07:12 π.μ.] ", "[5/1/22, 9:07:12 AM] ", "clock words: π.μ."),
    ("[18/03/2022, 10:20:01 SA] ", "[18/03/2022, 10:20:01 AM] ", "clock words: SA"),
    ("18/03/2022, 1:20 PTG - ", "18/03/2022, 1:20 PM - ", "clock words: PTG"),
    ("2022-03-18, 8:05 fm - ", "2022-03-18, 8:05 AM - ", "clock words: fm"),
    ("18/03/2022, 4:40 e pasdites - ", "18/03/2022, 4:40 PM - ", "clock words: e pasdites"),
    ("18/03/2022, 4:40 หลังเที่ยง - ", "18/03/2022, 4:40 PM - ", "clock words: หลังเที่ยง"),
]


@pytest.mark.parametrize("written,read,note", HEADERS, ids=[h[2] + ":" + h[0][:12] for h in HEADERS])
def test_headers_are_rewritten_into_the_grammar_and_say_what(written, read, note):
    body = "Nadia: ٣ أيام ۴ ५ ๕ R4 2565 BE; 14:56:01 - π.μ."  # the text keeps every digit and word
    found = localize_headers(f"{written}{body}\n{written}{body}\n".encode())
    assert note in found.notes
    if read is not None:
        assert found.data.decode() == f"{read}{body}\n{read}{body}\n"


@pytest.mark.parametrize(
    "text",
    [
        "18/03/2022, 14:56 - Ana: oi\n19/03/2022, 09:00 - Bia: 2565 BE\n",
        "[3/18/22, 2:56:01 PM] Ana: R4\n[3/18/22, 2:57:01 PM] Bia: ok\n",
        "\u200e[18/03/2022, 14:56:01] Grupo: \u200eAna entrou\n",
        "18.03.22 14.56 - Budi: halo\n",
        "[2022/3/18 14:56:01] 太郎: こんにちは\n",
        "no header at all\n١٢٣\n",
    ],
)
def test_what_the_grammar_reads_already_is_left_byte_for_byte(text):
    found = localize_headers(text.encode())
    assert found.data == text.encode() and found.notes == ()


def test_marks_before_a_line_and_invalid_bytes_survive():
    # iOS marks its notices with U+200E before the line: the parser reads it, so it stays.
    data = "\u200e[١٨/٣/٢٠٢٢، ٣:١٤:٠٠ م] الأصدقاء: \u200eتم إنشاء المجموعة\n".encode() + b"\xff\n"
    found = localize_headers(data)
    assert found.data == "\u200e[18/3/2022, 3:14:00 PM] الأصدقاء: \u200eتم إنشاء المجموعة\n".encode() + b"\xff\n"


def test_a_continuation_line_that_starts_with_digits_is_not_a_header():
    text = "[١٨/٣/٢٠٢٢، ٣:١٤:٠٠ م] سارة: القائمة\n١- خبز\n٢- حليب ١٠:٣٠\n"
    found = localize_headers(text.encode()).data.decode()
    assert found.endswith("سارة: القائمة\n١- خبز\n٢- حليب ١٠:٣٠\n")


@pytest.mark.parametrize(
    "text,read_as,first",
    [
        ("[۱۴۰۳/۱/۱، ۰۹:۰۰:۰۰] سارا: نوروز مبارک\n", "calendar: Solar Hijri", "2024-03-20T09:00:00"),
        (
            "\u200f١\u200f/١٠\u200f/١٤٤٤ هـ، ٨:٠٠ ص - سارة: عيد مبارك\n",
            "calendar: Islamic Hijri",
            "2023-04-21T08:00:00",
        ),
    ],
)
def test_parse_summary_names_the_calendar_it_read(text, read_as, first):
    from egregora_assets.core.raw_exports.parse import parse_chat, summary

    said = summary(parse_chat(text))
    assert read_as in said["headers_read_as"] and said["first"] == first and said["messages"] == 1

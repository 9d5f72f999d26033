"""Privacy core: pseudonyms, redaction, opt-outs, media, anonymize ids and the PII audit."""

from __future__ import annotations

import io
import re
import stat
from datetime import datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from egregora_assets.core.anonymized_messages import pseudonyms as pseudonym_module
from egregora_assets.core.anonymized_messages.anonymize import anonymize, opt_outs
from egregora_assets.core.anonymized_messages.pseudonyms import (
    build_roster,
    load_aliases,
    load_or_create_secret,
    load_owner_map,
    message_id,
    publish_media_name,
    save_owner_map,
)
from egregora_assets.core.anonymized_messages.redact import (
    find_pii,
    redact_text,
    scrub_url,
)
from egregora_assets.core.images import strip_image_metadata
from egregora_assets.core.models import PARSED_SCHEMA, BadExport

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))
GROUP = "familia"
TITLE = "Família Oliveira 🏠"
NAMES = ["Maria Silva", "+55 11 98765-4321", "João Pereira", "Ana", "+1 (555) 201-3344"]
ALIASES = {"+55 11 98765-4321": "Maria Silva"}

# Every real value of the fixture; none may survive anonymize.
PII = [
    "Maria",
    "Silva",
    "João",
    "Joao",
    "Pereira",
    "Oliveira",
    "Família",
    "Joana",
    "Souza",
    "98765",
    "4321",
    "201-3344",
    "maria.silva",
    "gmail",
    "123.456.789-09",
    "52998224725",
    "078-05-1120",
    "4111 1111 1111 1111",
    "IMG-20240105",
    "passport",
    "utm_source",
    "s3cr3t",
]


@pytest.fixture
def roster():
    return build_roster(SECRET, GROUP, NAMES, aliases=ALIASES, title=TITLE)


def p(roster, name):
    return roster.pseudonym(name)


def parsed(rows) -> pa.Table:
    """A PARSED_SCHEMA table from (timestamp, author, message, kind, attachment) rows."""
    width = len(PARSED_SCHEMA)
    columns = list(zip(*(tuple(r) + (None,) * (width - len(r)) for r in rows))) if rows else [[]] * width
    return pa.table([pa.array(list(c), f.type) for c, f in zip(columns, PARSED_SCHEMA)], schema=PARSED_SCHEMA)


T0, T1, T2 = datetime(2024, 1, 5, 10, 30), datetime(2024, 1, 5, 10, 31), datetime(2024, 1, 5, 10, 32)
FIXTURE = [
    (
        T0,
        "Maria Silva",
        "Oi @\u2068João Pereira\u2069, meu email é maria.silva@gmail.com e cel +55 11 98765-4321",
        "text",
        None,
    ),
    (T0, "João Pereira", "@5511987654321 manda o CPF 123.456.789-09 ou 52998224725 pro cadastro", "text", None),
    (T0, "Ana", "olha https://shop.example.com/p/1?email=maria.silva%40gmail.com&utm_source=wa&size=m", "text", None),
    (T1, "+55 11 98765-4321", "IMG-20240105-WA0001.jpg (file attached)", "media", "IMG-20240105-WA0001.jpg"),
    (T1, "Maria Silva", "Maria Silva passport.pdf (file attached)", "media", "Maria Silva passport.pdf"),
    (T1, "João Pereira", "Joana Souza.vcf (file attached)", "contact", "Joana Souza.vcf"),
    (T1, None, f'Maria Silva changed the subject from "{TITLE}" to "Churrasco"', "system", None),
    (T1, "Ana", "joão, o ssn 078-05-1120 e cartão 4111 1111 1111 1111; pedido 4111 1111 1111 1112", "text", None),
    (T2, "+1 (555) 201-3344", "token em https://api.example.com/v1?access_token=s3cr3t&page=2 ok", "text", None),
    (T2, "Ana", "/egregora opt-out", "text", None),
    (T2, "Ana", "kkkk", "text", None),
    (T2, "Ana", "kkkk", "text", None),
    (T2, "João Pereira", "bem-vindos ao Família Oliveira, tudo certo? Mariana e banana ficam", "text", None),
]


# --- the secret and the owner's files ----------------------------------------------------


def test_secret_is_created_private_and_reused(tmp_path):
    path = tmp_path / "private" / "secret"
    first = load_or_create_secret(path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first
    assert load_or_create_secret(tmp_path / "other") != first


def test_owner_map_round_trips_privately_and_keeps_pseudonyms(tmp_path, roster):
    path = tmp_path / "private" / "pseudonyms" / "familia.json"
    save_owner_map(path, roster)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    known = load_owner_map(path)
    assert known["Maria Silva"] == p(roster, "Maria Silva")
    # With a different secret, remembered people keep their pseudonyms; newcomers get new ones.
    again = build_roster(OTHER_SECRET, GROUP, [*NAMES, "Zeca"], aliases=ALIASES, known=known)
    assert all(again.pseudonym(n) == p(roster, n) for n in NAMES)
    assert again.pseudonym("Zeca") not in set(roster.pseudonyms.values())
    assert load_owner_map(tmp_path / "missing.json") == {}


def test_aliases_file_links_a_saved_name_and_a_number(tmp_path):
    path = tmp_path / "aliases.toml"
    path.write_text('# alias = real name\n"5511987654321" = "Maria Silva"\n"Mari" = "Maria Silva"\n')
    aliases = load_aliases(path)
    roster = build_roster(SECRET, GROUP, ["Maria Silva", "+55 11 98765-4321", "Mari"], aliases=aliases)
    assert len({roster.pseudonym(n) for n in ["Maria Silva", "+55 11 98765-4321", "Mari"]}) == 1
    path.write_text('"Mari" = 3\n')
    with pytest.raises(BadExport):
        load_aliases(path)


# --- pseudonyms ---------------------------------------------------------------------------


def test_pseudonyms_are_stable_readable_and_keyed(roster):
    again = build_roster(SECRET, GROUP, list(reversed(NAMES)), aliases=ALIASES, title=TITLE)
    assert again.pseudonyms == roster.pseudonyms
    for pseudonym in roster.pseudonyms.values():
        assert re.fullmatch(r"[a-z]+-[a-z]+", pseudonym)
    other = build_roster(OTHER_SECRET, GROUP, NAMES, aliases=ALIASES)
    assert other.pseudonym("João Pereira") != roster.pseudonym("João Pereira")


@pytest.mark.parametrize("spelling", ["+55 11 98765-4321", "5511987654321", "+55 (11) 98765 4321", "+5511987654321"])
def test_phone_formats_are_one_person(roster, spelling):
    assert roster.pseudonym(spelling) == roster.pseudonym("Maria Silva")


def test_pseudonyms_unique_under_forced_collisions(monkeypatch):
    monkeypatch.setattr(pseudonym_module, "ADJECTIVES", ["plain"])
    monkeypatch.setattr(pseudonym_module, "NOUNS", ["owl", "fox"])
    names = [f"Person {i}" for i in range(6)]
    roster = build_roster(SECRET, GROUP, names)
    pseudonyms = [roster.pseudonym(n) for n in names]
    assert len(set(pseudonyms)) == 6
    assert set(pseudonyms) >= {"plain-owl", "plain-fox"}
    assert build_roster(SECRET, GROUP, list(reversed(names))).pseudonyms == roster.pseudonyms


# --- redaction ----------------------------------------------------------------------------

REDACTIONS = [
    # mentions
    ("oi @\u2068João Pereira\u2069!", "oi @{joao}!"),
    ("oi @João Pereira!", "oi @{joao}!"),
    ("@5511987654321 vem", "@{maria} vem"),
    ("@+55 11 98765-4321 vem", "@{maria} vem"),
    ("@\u2068+55 11 98765-4321\u2069 vem", "@{maria} vem"),
    ("@\u2068Joana Souza\u2069 vem", "@[contact] vem"),
    ("@Joana Souza vem?", "@[contact] vem?"),
    ("@\u2068+55 21 91234-5678\u2069", "@[phone]"),
    ("follow @dagster", "follow @dagster"),
    # names
    ("Maria Silva e JOAO PEREIRA", "{maria} e {joao}"),
    ("maria, joão e Ana", "{maria}, {joao} e {ana}"),
    ("Joa\u0303o chegou", "{joao} chegou"),
    ("Mariana e banana", "Mariana e banana"),
    ("o Família Oliveira 🏠 é nosso", "o [group] 🏠 é nosso"),
    # phones
    ("ligue +55 11 98765-4321.", "ligue [phone]."),
    ("ligue (21) 98765-4321 ou 21 3456-7890", "ligue [phone] ou [phone]"),
    ("ligue 91234-5678 ou 11912345678", "ligue [phone] ou [phone]"),
    ("call (555) 123-4567 or 555.123.4567 or +1 555 123 4567", "call [phone] or [phone] or [phone]"),
    ("appelle 06 12 34 56 78 ou 01.23.45.67.89", "appelle [phone] ou [phone]"),
    ("ring 020 7946 0958 or +44 20 7946 0958 or 0171 1234567", "ring [phone] or [phone] or [phone]"),
    ("llama 612 34 56 78 o 0049 30 123456", "llama [phone] o [phone]"),
    ("liga 11 98765-4321 10 vezes", "liga [phone] 10 vezes"),
    ("Maria98765-4321 e cpf52998224725", "{maria}[phone] e cpf[cpf]"),
    # e-mails and ids
    ("mail maria.silva@gmail.com or a.b+x@sub.example.co.uk.", "mail [email] or [email]."),
    ("cpf 123.456.789-09 e 52998224725", "cpf [cpf] e [cpf]"),
    ("ssn 078-05-1120", "ssn [ssn]"),
    ("card 4111 1111 1111 1111, 4111-1111-1111-1111, 4111111111111111", "card [card], [card], [card]"),
    ("amex 3782 822463 10005", "amex [card]"),
    # not PII: must stay as written
    ("order 4111 1111 1111 1112 and 1234567890123", "order 4111 1111 1111 1112 and 1234567890123"),
    ("tracking 1234 5678 9012, id 1234567890123456789", "tracking 1234 5678 9012, id 1234567890123456789"),
    ("12/05/2024 10:30, 2024-01-05, 05.01.2024 10:30", "12/05/2024 10:30, 2024-01-05, 05.01.2024 10:30"),
    ("season 2023-2024, R$ 1.234.567,89, 1.234.567.890", "season 2023-2024, R$ 1.234.567,89, 1.234.567.890"),
    ("cpf errado 12345678900, ssn 000-12-3456", "cpf errado 12345678900, ssn 000-12-3456"),
    # URLs: kept, identity parameters and PII in the path removed
    ("see https://x.com/a?email=m%40g.com&utm_source=wa&size=m#top.", "see https://x.com/a?size=m#top."),
    ("https://wa.me/5511987654321", "https://wa.me/[phone]"),
    ("www.example.com/u/maria.silva@gmail.com/x", "www.example.com/u/[email]/x"),
    ("https://user:pw@example.com/", "https://example.com/"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc&t=42", "https://youtu.be/dQw4w9WgXcQ?t=42"),
    ("https://example.com/docs?id=3&q=a+b", "https://example.com/docs?id=3&q=a+b"),
    ("https://x.com/status/1234567890123456789", "https://x.com/status/1234567890123456789"),
    ("https://ex.com/?q=%2B5511987654321&x=1", "https://ex.com/?x=1"),
]


@pytest.mark.parametrize(("text", "expected"), REDACTIONS)
def test_redact_text(roster, text, expected):
    names = {"maria": p(roster, "Maria Silva"), "joao": p(roster, "João Pereira"), "ana": p(roster, "Ana")}
    assert redact_text(text, roster) == expected.format(**names)


@pytest.mark.parametrize(("text", "_"), REDACTIONS)
def test_redaction_is_idempotent(roster, text, _):
    once = redact_text(text, roster)
    assert redact_text(once, roster) == once


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://e.com/p?Email=a&PHONE=1&token=t&api_key=k&session=s&uid=u&fbclid=f&gclid=g&utm_medium=m&ok=1",
            "https://e.com/p?ok=1",
        ),
        ("https://e.com/p?ok=1", "https://e.com/p?ok=1"),
        ("https://e.com/cb#access_token=abc&state=1", "https://e.com/cb#state=1"),
    ],
)
def test_scrub_url(url, expected):
    assert scrub_url(url) == expected


# --- media --------------------------------------------------------------------------------


def test_publish_media_name_hides_the_name_and_keeps_the_extension():
    name = publish_media_name(SECRET, "WhatsApp Chat/Maria Silva passport.PDF")
    assert re.fullmatch(r"media-[a-p]{10}\.pdf", name)
    assert name == publish_media_name(SECRET, "Maria Silva passport.PDF")
    assert name != publish_media_name(OTHER_SECRET, "Maria Silva passport.PDF")
    assert publish_media_name(SECRET, "noext").startswith("media-")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (400, 200), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(0x8825).update({1: "S", 2: (23.0, 33.0, 1.0), 3: "W", 4: (46.0, 38.0, 1.0)})  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Maria Silva")
    return out.getvalue()


def test_strip_image_metadata_removes_exif_and_gps():
    data = _jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the fixture really carries GPS
    clean, mime, width, height = strip_image_metadata(data, max_side=100)
    assert (mime, width, height) == ("image/jpeg", 100, 50)
    with Image.open(io.BytesIO(clean)) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info
    assert b"Exif" not in clean and b"PhoneMaker" not in clean and b"Maria" not in clean


def test_strip_image_metadata_drops_png_text_and_rejects_non_images():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Maria Silva")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG", pnginfo=info)
    clean, mime, _, _ = strip_image_metadata(out.getvalue())
    assert mime == "image/png" and b"Maria" not in clean
    with pytest.raises(BadExport):
        strip_image_metadata(b"%PDF-1.4 not an image")


# --- opting out ---------------------------------------------------------------------------


def test_opt_out_and_in_last_command_wins(roster):
    table = parsed(
        [
            (T0, "Ana", "/egregora opt-out", "text", None),
            (T1, "Ana", "  /Egregora OPT-IN ", "text", None),
            (T0, "João Pereira", "/egregora opt-in", "text", None),
            (T1, "João Pereira", "/EGREGORA opt-out", "text", None),
            (T1, "Maria Silva", "please /egregora opt-out later", "text", None),
        ]
    )
    assert opt_outs(table, []) == {"João Pereira"}
    assert opt_outs(table, ["Ana"]) == {"João Pereira", "Ana"}


def test_opt_out_configured_by_pseudonym_takes_every_alias(roster):
    table = parsed([(T0, "Ana", "/egregora opt-in", "text", None)])
    out = opt_outs(table, [roster.pseudonym("Maria Silva")], roster=roster)
    assert out == {"Maria Silva", "+55 11 98765-4321"}


# --- anonymize ----------------------------------------------------------------------------


def test_anonymize_leaves_no_pii(roster):
    out = anonymize(parsed(FIXTURE), group=GROUP, roster=roster, secret=SECRET)
    assert out.column_names == [
        *("id", "group", "date", "timestamp", "author", "text", "kind", "attachment"),
        *("ref", "reply_to", "reactions", "pos"),
    ]
    assert out["pos"].to_pylist() == list(range(len(FIXTURE)))  # the export's order
    assert out.num_rows == len(FIXTURE)
    blob = "\n".join(str(v) for c in ("group", "author", "text", "attachment") for v in out[c].to_pylist())
    leaks = [v for v in [*PII, "Ana"] if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", blob, re.IGNORECASE)]
    assert leaks == []
    assert "Mariana e banana" in blob  # whole words only: no over-redaction
    assert find_pii([(f"message:{i}", "text", t) for i, t in enumerate(out["text"].to_pylist())], roster) == []


def test_anonymize_rows(roster):
    out = anonymize(parsed(FIXTURE), group=GROUP, roster=roster, secret=SECRET).to_pylist()
    maria = p(roster, "Maria Silva")
    assert [r["author"] for r in out[:4]] == [maria, p(roster, "João Pereira"), p(roster, "Ana"), maria]
    assert out[6]["author"] is None and out[6]["text"] == f'{maria} changed the subject from "[group]" to "[group]"'
    media = publish_media_name(SECRET, "IMG-20240105-WA0001.jpg")
    assert (out[3]["attachment"], out[3]["text"]) == (media, f"{media} (file attached)")
    assert out[5]["text"] == "[contact] (file attached)" and out[5]["attachment"] is None
    assert out[9]["kind"] == "command" and out[10]["kind"] == "text"
    assert out[0]["date"] == T0.date() and out[0]["timestamp"] == T0


def test_anonymize_text_equals_redact_text(roster):
    rows = [row for row in FIXTURE if row[4] is None and row[1] is not None]
    out = anonymize(parsed(rows), group=GROUP, roster=roster, secret=SECRET)
    assert out["text"].to_pylist() == [redact_text(r[2], roster) for r in rows]


TOKENS = [
    "Maria",
    "maria",
    "Silva",
    "JOÃO",
    "Joa\u0303o",
    "Pereira",
    "Ana",
    "Mariana",
    "@",
    "\u2068",
    "\u2069",
    "+55",
    "11",
    "98765-4321",
    "3456-7890",
    "4111",
    "1111",
    " ",
    " ",
    ".",
    "-",
    "(",
    ")",
    "\n",
    "\u00a0",
    "0",
    "9",
    "https://x.com/p?email=a%40b.co&k=1",
    "www.",
    "a@b.com",
    "/egregora opt-out",
    "kkk",
    "Família",
    "Oliveira",
    "078-05-1120",
    "é",
    "Á",
    "ß",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join), min_size=1, max_size=25))
def test_anonymize_agrees_with_redact_text_on_any_text(texts):
    # The DuckDB pre-filter may only skip rows redact_text would leave unchanged.
    roster = build_roster(SECRET, GROUP, NAMES, aliases=ALIASES, title=TITLE)
    table = parsed([(T0, "Ana", t, "text", None) for t in texts])
    out = anonymize(table, group=GROUP, roster=roster, secret=SECRET)
    assert out["text"].to_pylist() == [redact_text(t, roster) for t in texts]


URL_TOKENS = [
    "https://",
    "HTTPS://",
    "www.",
    "httpſ://",
    "x.com",
    "/",
    "p",
    "?",
    "#",
    "=",
    "&",
    "%",
    "%C3%A3",
    "%20",
    "email=",
    "k=1",
    "a",
    "Ana",
    "ana",
    "João",
    "Joa%CC%83o",
    "Maria",
    "Silva",
    "1",
    "12345678",
    "9876-5432",
    " ",
    " ",
    "⁨",
    ".",
    ",",
    ")",
    '"',
    "é",
    "x",
    "_",
    "-",
    "@",
    "/egregora",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(URL_TOKENS), max_size=14).map("".join), min_size=1, max_size=25))
def test_anonymize_agrees_with_redact_text_around_urls(texts):
    # The pre-filter lets most URLs skip Python: only those redact_text could change may.
    roster = build_roster(SECRET, GROUP, NAMES, aliases=ALIASES, title=TITLE)
    table = parsed([(T0, "Ana", t, "text", None) for t in texts])
    out = anonymize(table, group=GROUP, roster=roster, secret=SECRET)
    assert out["text"].to_pylist() == [redact_text(t, roster) for t in texts]


@pytest.mark.parametrize(
    "text",
    [
        "Anahttps://x.com/p",
        "oi Mariawww.x.com",
        "https://x.com/p?k=1&email=a",
        "https://x.com/Jo%C3%A3o",
        "https://x.com/#email=a",
        "https://x.com/p/Ana",
        "https://x.com/9876 5432/4321",
        "https://x.com/a Ana",
        "https://x.com/2021/3fa912345678",
        "ver www.x.com/a.Ana",
        "https://x.com/1234-5678",
        "sem nada https://x.com/a/b",
        "João https://x.com",
        "https://x.com/01/03/2021 ok",
    ],
)
def test_anonymize_agrees_with_redact_text_on_urls(roster, text):
    out = anonymize(parsed([(T0, "Ana", text, "text", None)] * 2), group=GROUP, roster=roster, secret=SECRET)
    assert out["text"].to_pylist() == [redact_text(text, roster)] * 2


def test_ids_are_stable_across_overlapping_exports(roster):
    rows = parsed(FIXTURE)
    whole = anonymize(rows, group=GROUP, roster=roster, secret=SECRET)["id"].to_pylist()
    tail = anonymize(rows.slice(3), group=GROUP, roster=roster, secret=SECRET)["id"].to_pylist()
    head = anonymize(rows.slice(0, 11), group=GROUP, roster=roster, secret=SECRET)["id"].to_pylist()
    assert tail == whole[3:] and head == whole[:11]
    assert len(set(whole)) == len(whole)
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in whole)


def test_repeated_identical_messages_get_distinct_stable_ids(roster):
    rows = parsed([(T0, "Ana", "kkkk", "text", None)] * 3 + [(T0, "João Pereira", "kkkk", "text", None)])
    ids = anonymize(rows, group=GROUP, roster=roster, secret=SECRET)["id"].to_pylist()
    assert len(set(ids)) == 4
    assert ids[:3] == [message_id(SECRET, GROUP, T0, "Ana", "kkkk", n) for n in range(3)]
    assert ids[3] == message_id(SECRET, GROUP, T0, "João Pereira", "kkkk", 0)


def test_ids_change_with_the_secret_and_the_group(roster):
    rows = parsed(FIXTURE[:3])
    ids = anonymize(rows, group=GROUP, roster=roster, secret=SECRET)["id"].to_pylist()
    assert set(ids).isdisjoint(anonymize(rows, group=GROUP, roster=roster, secret=OTHER_SECRET)["id"].to_pylist())
    assert set(ids).isdisjoint(anonymize(rows, group="other", roster=roster, secret=SECRET)["id"].to_pylist())


def test_anonymize_refuses_authors_missing_from_the_roster(roster):
    with pytest.raises(ValueError):
        anonymize(parsed([(T0, "Stranger", "oi", "text", None)]), group=GROUP, roster=roster, secret=SECRET)


def test_anonymize_empty_table(roster):
    assert anonymize(parsed([]), group=GROUP, roster=roster, secret=SECRET).num_rows == 0


# --- the audit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Maria Silva disse oi", "a participant's real name"),
        ("a JOÃO mandou", "a participant's real name"),
        ("veja o grupo Família Oliveira", "the group's real name"),
        ("liga 11 98765 4321", "a participant's phone number"),
        ("liga 1198765.4321", "a participant's phone number"),
        ("liga +55 21 91234-5678", "a phone number"),
        ("escreve pra x.y@z.com", "an e-mail address"),
        ("o cpf 123.456.789-09", "an identity number"),
        ("https://e.com/?token=abc", "a URL with identifying parts"),
    ],
)
def test_find_pii_reports_the_place_never_the_value(roster, text, finding):
    findings = find_pii([("post:abc", "content", text)], roster)
    assert f"post:abc field=content: contains {finding}" in findings
    assert not any(v in f for f in findings for v in ["Maria", "JOÃO", "98765", "x.y@z.com", SECRET.hex()])


def test_find_pii_accepts_pseudonyms_and_placeholders(roster):
    text = " ".join(roster.pseudonyms.values()) + " [phone] [email] [group] Ana's? no: Mariana"
    assert find_pii([("post:1", "content", text.replace("Ana's? no: ", ""))], roster) == []
    assert find_pii([("post:1", "title", "")], roster) == []

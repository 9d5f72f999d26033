"""Members who never write are protected like authors, end to end (issue 26).

The export names people only in WhatsApp's notices (added, left, joined by link, number and
security-code changes), in a contact card and in a mention. After `write`, offline and with a
loopback LLM, none of their names is in any table, vector, output file, analysis export or
request; a home written before the fix is repaired by the next `write`.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path

import pytest

from egregora_assets.cli import main
from egregora_assets.core.anonymized_messages import people
from egregora_assets_tests.core.anonymized_messages.test_people import NOTICES, OTHER, SILENT, fill
from egregora_assets_tests.helpers import query, run_json
from egregora_assets_tests.leaks import home_texts, leaks

# Never written by their owners: only notices, a card and a mention name them.
SILENT_VALUES = [
    SILENT,
    OTHER,
    "Ana Souza",  # test_people's writer, who never writes here
    "Souza",
    "1512 3456789",  # the numbers of test_people's notices (bare digit runs occur in the site's own scripts)
    "1512 3456000",
    "4915123456789",
    "Lukas",
    "Brandstätter",
    "Brandstatter",
    "Zoë",
    "Okafor",
    "Beatriz",
    "Quintanilha",
    "Matheus",
    "Vasconcelos",
    "97777-1234",
    "977771234",
]
WRITERS = ["Helena Duarte", "Rodrigo Lima", "Paula Nogueira"]


def silent_export(folder: Path) -> Path:
    lines = [
        "01/10/2026 09:00 - Helena Duarte criou o grupo \u201cTrilhas\u201d",
        "01/10/2026 09:01 - Helena Duarte adicionou Rodrigo Lima, Lukas Brandstätter e +55 21 97777-1234",
        "01/10/2026 09:02 - Zoë Okafor entrou usando o link de convite deste grupo",
        "01/10/2026 09:03 - Helena Duarte: Bem-vindos! Lukas, Zoë Okafor, a trilha é sábado",
        "01/10/2026 09:04 - Rodrigo Lima: Beatriz Quintanilha.vcf (arquivo anexado)",
        "01/10/2026 09:05 - Rodrigo Lima: @\u2068Matheus Vasconcelos\u2069 você vem? fala com a Beatriz",
        "01/10/2026 09:06 - Seu código de segurança com Zoë Okafor mudou. Toque para saber mais.",
        "01/10/2026 09:07 - Lukas Brandstätter mudou seu número de telefone para um novo número. Toque para enviar uma mensagem ou adicionar o novo número.",
        "02/10/2026 18:30 - Lukas Brandstätter saiu",
        "02/10/2026 18:31 - Helena Duarte removeu +55 21 97777-1234",
    ]
    # Every notice of every language the parser reads, naming the silent members (test_people's table).
    for i, notice in enumerate(line for lines in NOTICES.values() for line in lines):
        lines.append(f"01/10/2026 {12 + i // 60:02d}:{i % 60:02d} - {fill(notice)}")
    topics = ["bolo", "trilha", "mochila", "chuva", "ônibus", "lanterna", "água", "mapa"]
    for i in range(30):
        lines.append(
            f"02/10/2026 10:{i:02d} - {WRITERS[i % 3]}: vamos falar de {topics[i % 8]} e {topics[(i + 3) % 8]}"
            f" para a trilha de sábado, o Lukas Brandstätter e a Zoë vão?"
        )
    path = folder / "WhatsApp Chat - Trilhas.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Conversa do WhatsApp com Trilhas.txt", "\n".join(sorted(lines, key=_when)) + "\n")
        archive.writestr("Beatriz Quintanilha.vcf", "BEGIN:VCARD\nFN:Beatriz Quintanilha\nEND:VCARD\n")
    return path


def _when(line: str) -> str:
    day, month, year_time = line[:10].split("/")[0], line[3:5], line[6:16]
    return year_time[:4] + month + day + year_time[5:]


def write(export: Path, home: Path) -> dict:
    return run_json("write", str(export), "--home", str(home))


def stored_messages(home: Path) -> str:
    return json.dumps(query(home, "SELECT author, text FROM messages"), ensure_ascii=False)


def test_silent_members_leave_no_trace_offline(tmp_path):
    home = tmp_path / "home"
    summary = write(silent_export(tmp_path), home)
    assert summary["posts"] >= 1
    texts = home_texts(home)
    assert any(k.startswith("lancedb") for k in texts) and any("sites" in k for k in texts)
    assert not leaks(texts, SILENT_VALUES + WRITERS)
    assert "adicionou" in stored_messages(home) and "saiu" in stored_messages(home)  # the notices are kept


def test_silent_members_never_reach_the_llm(tmp_path, fake_llm, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-test")
    home = tmp_path / "home"
    summary = write(silent_export(tmp_path), home)
    assert summary["llm_requests"] == len(fake_llm.requests) > 0
    sent = {f"request {i}": json.dumps(json.loads(r), ensure_ascii=False) for i, r in enumerate(fake_llm.requests)}
    assert not leaks(sent, SILENT_VALUES + WRITERS)
    assert not leaks(home_texts(home), SILENT_VALUES + WRITERS)


def test_a_home_written_before_the_fix_is_repaired(tmp_path, monkeypatch):
    home, export = tmp_path / "home", silent_export(tmp_path)
    # The code before the fix knew only the authors: the same home, written that way first.
    with monkeypatch.context() as before:
        before.setattr(people, "people_named", lambda authors, lines: list(authors))
        write(export, home)
    shutil.rmtree(home / "stamps")  # an older version kept no stamp of its writes
    assert "Lukas Brandstätter" in stored_messages(home)  # the hole, as it was
    summary = write(export, home)
    assert summary["partitions"] > 0
    assert not leaks(home_texts(home), SILENT_VALUES + WRITERS)


@pytest.mark.parametrize("redact", [True, False])
def test_the_blocking_check_fails_when_silent_members_are_left_in_clear(tmp_path, monkeypatch, capsys, redact):
    # With the redaction of non-authors switched off (the anonymizer given the authors alone),
    # the audit still knows everyone the staging database names: the run stops at the check.
    home, export = tmp_path / "home", silent_export(tmp_path)
    if not redact:
        from egregora_assets.core.anonymized_messages import anonymize as asset

        real = asset.anonymize

        def authors_only(messages, *, group, roster, secret):
            kept = {n: p for n, p in roster.pseudonyms.items() if n in set(messages["author"].to_pylist())}
            return real(messages, group=group, roster=replace(roster, pseudonyms=kept), secret=secret)

        monkeypatch.setattr(asset, "anonymize", authors_only)
    code = main(["write", str(export), "--home", str(home), "--json"])
    if redact:
        assert code == 0
    else:
        assert code != 0
        assert "check no_real_identities failed" in capsys.readouterr().err
        assert not any((home / "sites").rglob("*.html"))  # nothing was published


def test_parse_prints_no_real_name_in_any_position(tmp_path):
    export, home = silent_export(tmp_path), tmp_path / "home"
    printed = {}
    for flags in ([], ["--raw"]):
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            assert main(["parse", str(export), "--home", str(home), *flags]) == 0
        printed[bool(flags)] = buffer.getvalue()
    assert len(printed[False].splitlines()) == len(printed[True].splitlines()) > 40
    assert not leaks({"parse": printed[False]}, SILENT_VALUES + WRITERS)
    assert len(leaks({"parse --raw": printed[True]}, SILENT_VALUES + WRITERS)) >= len(SILENT_VALUES) - 1

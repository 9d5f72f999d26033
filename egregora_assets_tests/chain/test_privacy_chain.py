"""The privacy promise, end to end: an export full of PII, a full LLM run, and a search for leaks.

The export has PII in every position: author, mention, body, URL query, media file name,
contact card and the group name. Every request the LLM server receives, and every file the
run writes outside `private/`, must be free of it.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lancedb
import pyarrow.parquet as pq
import pytest
from PIL import Image

from egregora_assets_tests.helpers import query, run_json

PII = [
    "Helena Duarte",
    "Helena",
    "Duarte",
    "Rodrigo Lima",
    "Rodrigo",
    "99876-5432",
    "5521998765432",
    "helena.duarte@example.com",
    "123.456.789-09",
    "52998224725",
    "Aniversário",
]


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path.startswith("/guia"):
            body = (
                b"<html><head><title>Guia da Serra</title><meta name='description' content='Trilhas e mapas'>"
                b"</head><body><article><p>Como chegar ao topo da serra.</p></article></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:  # an SSRF attempt: a public-looking link that redirects to the metadata service
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def pages():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "Helena Duarte's phone"
    exif.get_ifd(0x8825).update({1: "S", 2: (22.0, 54.0, 0.0), 3: "W", 4: (43.0, 12.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def pii_export(folder: Path, pages: str) -> Path:
    lines = [
        '01/10/2026 09:00 - Helena Duarte criou o grupo "Aniversário da Helena Duarte"',
        "01/10/2026 09:01 - Helena Duarte: Oi gente! A festa é sábado na serra",
        "01/10/2026 09:02 - Rodrigo Lima: @\u2068Helena Duarte\u2069 que legal, eu levo o bolo",
        "01/10/2026 09:03 - +55 21 99876-5432: Eu vou! meu email é helena.duarte@example.com se precisar",
        f"01/10/2026 09:04 - Helena Duarte: O guia da trilha: {pages}/guia?email=helena.duarte@example.com&utm_source=zap",
        "01/10/2026 09:05 - Rodrigo Lima: @5521998765432 me liga no (21) 99876-5432",
        "01/10/2026 09:06 - Helena Duarte: Helena Duarte foto.jpg (arquivo anexado)",
        "Olha a vista!",
        "01/10/2026 09:07 - Rodrigo Lima: Rodrigo Lima.vcf (arquivo anexado)",
        "01/10/2026 09:08 - +55 21 99876-5432: para o cadastro o cpf é 123.456.789-09 ou 52998224725",
        f"01/10/2026 09:09 - Helena Duarte: e esse link aqui {pages}/promo",
    ]
    topics = ["bolo", "trilha", "mochila", "chuva", "ônibus", "lanterna", "água", "mapa"]
    people = ["Helena Duarte", "Rodrigo Lima", "+55 21 99876-5432"]
    for i in range(30):
        lines.append(
            f"02/10/2026 10:{i:02d} - {people[i % 3]}: vamos falar de {topics[i % 8]} e {topics[(i + 3) % 8]}"
            f" para a trilha de sábado, Rodrigo concorda?"
        )
    path = folder / "WhatsApp Chat - Aniversário da Helena Duarte.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Conversa do WhatsApp com Aniversário da Helena Duarte.txt", "\n".join(lines) + "\n")
        archive.writestr("Helena Duarte foto.jpg", jpeg_with_gps())
        archive.writestr("Rodrigo Lima.vcf", "BEGIN:VCARD\nFN:Rodrigo Lima\nTEL:+55 21 91234-0000\nEND:VCARD\n")
    return path


def test_no_pii_reaches_the_llm_or_any_output(tmp_path, fake_llm, pages, monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__BASE_URL", fake_llm.url)
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-test")
    monkeypatch.setenv("EGREGORA_LLM__ALLOW_LOOPBACK_FETCH", "true")
    monkeypatch.setenv("EGREGORA_LLM__VISION_MODEL", "gpt-4o")  # so the image request is sent, and checked
    home = tmp_path / "home"
    export = pii_export(tmp_path, pages)
    summary = run_json("write", str(export), "--home", str(home))
    assert summary["posts"] >= 1 and summary["llm_requests"] == len(fake_llm.requests) > 0
    assert summary["groups"][0].startswith("group-")  # the chat's name names someone: opaque slug
    assert fake_llm.count("describe_media") == 1 and fake_llm.count("enrich_url") == 1

    sent = json.dumps([json.loads(r) for r in fake_llm.requests], ensure_ascii=False)
    for value in PII:
        assert value not in sent, f"{value!r} sent to the LLM"

    enrichments = {
        r[0]: r[1:] for r in query(home, "SELECT ref, title, status, description FROM enrichments WHERE kind = 'url'")
    }
    stored = [
        json.dumps(query(home, f"SELECT * FROM {t}"), default=str, ensure_ascii=False)
        for t in ("messages", "windows", "enrichments", "documents", "journal")
    ]
    guide = next(v for k, v in enrichments.items() if "/guia" in k)
    assert guide[0] == "Guia da Serra" and guide[1] == "ok" and guide[2]
    promo = next(v for k, v in enrichments.items() if "/promo" in k)
    assert promo[1].startswith("refused") and not promo[2]  # the redirect to metadata was refused
    assert not any("email" in ref for ref in enrichments)  # identity query parameters removed
    stored.append(
        json.dumps(
            lancedb.connect(str(home / "lancedb"))
            .open_table("vectors")
            .to_arrow()
            .select(["title", "text", "url"])
            .to_pylist(),
            ensure_ascii=False,
        )
    )
    for value in PII:
        assert not any(value in text for text in stored), f"{value!r} stored"

    for path in home.rglob("*"):  # every output file, Dagster's own storage included
        if path.is_file() and "private" not in path.relative_to(home).parts:
            data = path.read_bytes()
            for value in PII:
                assert value.encode() not in data, f"{value!r} in {path.relative_to(home)}"
    # The analysis exports, decoded (Parquet compresses its pages, so its bytes would hide a name).
    exports = {suffix: sorted((home / "analysis").rglob(f"*{suffix}")) for suffix in (".parquet", ".csv", ".sqlite")}
    assert all(len(found) == 1 for found in exports.values()), exports
    decoded = [json.dumps(pq.read_table(exports[".parquet"][0]).to_pylist(), default=str, ensure_ascii=False)]
    decoded.append(exports[".csv"][0].read_text(encoding="utf-8"))
    with contextlib.closing(sqlite3.connect(exports[".sqlite"][0])) as db:
        decoded.append("\n".join(db.iterdump()))
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] > 30
    assert all(summary["groups"][0] in text for text in decoded)  # the rows were read
    for value in PII:
        assert not any(value in text for text in decoded), f"{value!r} in an analysis export"
    published = list((home / "media").rglob("*.jpg")) + list((home / "sites").rglob("media-*.jpg"))
    assert published and all(not Image.open(p).getexif() for p in published)  # no EXIF, no GPS

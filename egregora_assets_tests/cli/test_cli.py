"""The `egregora` command's contract: JSON lines from `parse`, one clear line and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from egregora_assets.cli import main
from egregora_assets.demo import DEMO_EXPORT, DEMO_REAL_NAMES
from egregora_assets_tests.helpers import egregora


def bad_inputs(tmp: Path) -> dict[str, Path]:
    corrupt = tmp / "corrupt.zip"
    corrupt.write_bytes(DEMO_EXPORT.read_bytes()[:-4000])
    not_zip = tmp / "notes.zip"
    not_zip.write_text("hello, I am not a zip")
    unknown = tmp / "chat.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    no_chat = tmp / "photos.zip"
    with zipfile.ZipFile(no_chat, "w") as archive:
        archive.writestr("IMG-1.jpg", b"\xff\xd8\xff")
    slip = tmp / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../etc/passwd.txt", "x")
        archive.writestr("_chat.txt", "[01/02/2024, 10:00:00] A: hi\n")
    empty = tmp / "empty.txt"
    empty.write_text("nothing that looks like a chat\n")
    future = tmp / "future.txt"
    future.write_text("01/01/2099 10:00 - Ana: oi\n02/01/2099 10:00 - Bia: oi\n")
    binary = tmp / "WhatsApp Chat with Ana.txt"
    binary.write_bytes(bytes(range(256)) * 400)
    nested = tmp / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        archive.writestr("WhatsApp Chat - Ana.zip", DEMO_EXPORT.read_bytes())
    blank = tmp / "blank.zip"
    with zipfile.ZipFile(blank, "w") as archive:
        archive.writestr("_chat.txt", "\ufeff\n\n")
    return {
        "future": future,
        "corrupt": corrupt,
        "not_zip": not_zip,
        "unknown": unknown,
        "no_chat": no_chat,
        "slip": slip,
        "empty": empty,
        "missing": tmp / "nope.zip",
        "binary": binary,
        "nested": nested,
        "blank": blank,
    }


@pytest.mark.parametrize(
    "kind",
    ["corrupt", "not_zip", "unknown", "no_chat", "slip", "empty", "missing", "future", "binary", "nested", "blank"],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, kind):
    path = bad_inputs(tmp_path)[kind]
    home = tmp_path / "home"
    done = egregora("write", str(path), "--home", str(home))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert path.name in lines[0]
    if kind != "future":  # dates out of range are a `write` rule; `parse` shows them
        parse = egregora("parse", str(path), "--raw")
        assert (parse.returncode, parse.stdout, parse.stderr) == (2, "", done.stderr)
    assert not (home / "egregora.duckdb").exists()
    assert not list((home / "private" / "exports").rglob("*")) if (home / "private" / "exports").exists() else True


def test_parse_prints_pseudonymous_json_lines(tmp_path, capsys):
    assert main(["parse", str(DEMO_EXPORT), "--home", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) >= 400
    assert set(records[0]) >= {"timestamp", "author", "message", "kind"}
    assert any(r["kind"] == "system" and r["author"] is None for r in records)
    assert any(r["kind"] == "media" and r.get("attachment") for r in records)
    dumped = "\n".join(lines)
    for name in DEMO_REAL_NAMES:
        assert name not in dumped


def test_parse_raw_keeps_real_names(capsys):
    assert main(["parse", str(DEMO_EXPORT), "--raw"]) == 0
    out = capsys.readouterr().out
    assert any(name in out for name in DEMO_REAL_NAMES)


def test_parse_summary(capsys):
    assert main(["parse", str(DEMO_EXPORT), "--summary"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["messages"] >= 400 and summary["authors"] >= 6
    assert summary["format"] and summary["first"] < summary["last"]
    assert summary["day_first"] is True


def test_parse_says_what_invalid_utf8_it_replaced(tmp_path, capsys):
    path = tmp_path / "WhatsApp Chat with Ana.txt"
    path.write_bytes(b"31/12/2020, 21:41 - Ana: caf\xe9\n31/12/2020, 21:42 - Bia: ok\n")
    assert main(["parse", str(path), "--raw"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["message"] for line in out.splitlines()] == ["caf\ufffd", "ok"]
    assert err == (
        f"egregora: warning: {path.name}: 1 invalid UTF-8 sequence(s) replaced with U+FFFD, "
        "the first in the message of 2020-12-31T21:41:00\n"
    )
    assert main(["parse", str(path), "--summary"]) == 0
    out, _ = capsys.readouterr()
    summary = json.loads(out)
    assert (summary["invalid_utf8_replaced"], summary["header"], summary["clock"]) == (
        1,
        "DD/MM/YYYY, HH:MM - NAME: TEXT",
        "24-hour",
    )


@pytest.mark.parametrize("raw", [True, False])
def test_parse_lines_all_carry_the_same_keys(tmp_path, capsys, raw):
    assert main(["parse", str(DEMO_EXPORT), *(["--raw"] if raw else ["--home", str(tmp_path)])]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    keys = {tuple(r) for r in records}
    assert keys == {("timestamp", "author", "message", "kind", "attachment")}
    assert any(r["attachment"] is None for r in records) and any(r["attachment"] for r in records)
    assert all(r["attachment"] is None or r["kind"] in ("media", "contact") for r in records)


# Run the CLI, then say on stdout whether Dagster was imported: bad input must answer before.
BEFORE_DAGSTER = (
    "import sys; from egregora_assets.cli import main; code = main(sys.argv[1:]); "
    "sys.stdout.write('dagster imported' if 'dagster' in sys.modules else ''); sys.exit(code)"
)


def _zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


NOT_EXPORTS = {  # what the user names -> what the one line must say
    "a directory": (lambda tmp: (tmp / "WhatsApp Chat").mkdir() or tmp / "WhatsApp Chat", "is a directory"),
    "an empty .txt": (lambda tmp: _write(tmp / "chat.txt", b""), "not an export: the file is empty"),
    "an empty .zip": (lambda tmp: _write(tmp / "chat.zip", b""), "not an export: the file is empty"),
    "random bytes .txt": (lambda tmp: _write(tmp / "chat.txt", _noise()), "not a text chat"),
    "random bytes .zip": (lambda tmp: _write(tmp / "chat.zip", _noise()), "not a WhatsApp export: not a zip file"),
    "random bytes, no extension": (lambda tmp: _write(tmp / "chat", _noise()), "not a WhatsApp export"),
    "a shopping list .txt": (
        lambda tmp: _write(tmp / "notes.txt", b"Shopping list\nmilk\neggs\n"),
        "not a WhatsApp export: no message could be read; first line 'Shopping list'",
    ),
    "a zip of notes": (
        lambda tmp: _zip_of(tmp / "notes.zip", {"_chat.txt": b"hello\nworld\n"}),
        "not a WhatsApp export: no message could be read",
    ),
    "a zip of a pdf": (lambda tmp: _zip_of(tmp / "docs.zip", {"a.pdf": b"%PDF-1.4"}), "no chat file"),
    "Telegram's HTML export": (
        lambda tmp: _write(
            tmp / "messages.html",
            b'<!DOCTYPE html>\n<html><head><title>Exported Data</title></head><body><div class="page_wrap">'
            b'<div class="history">Telegram</div></div></body></html>',
        ),
        "Telegram Desktop's HTML export: export the chat again with Format 'Machine-readable JSON'",
    ),
    "JSON of another app": (lambda tmp: _write(tmp / "data.json", b'{"users": []}'), "no format Egregora reads"),
    "truncated Telegram JSON": (
        lambda tmp: _write(tmp / "result.json", b'{"name": "x", "type": "private_group", "messages": [{"id": 1,'),
        "not valid JSON",
    ),
    "an SVG": (lambda tmp: _write(tmp / "logo.xml", b"<?xml version='1.0'?><svg/>"), "not an Atom or RSS feed"),
    "escapes in the name and first line": (
        lambda tmp: _write(
            tmp / "chat\x1b[2J\x1b]0;x\x07.txt", b"\x1b[31mred\x1b[0m\n" + b"only notes, no chat here\n" * 50
        ),
        "not a WhatsApp export: no message could be read; first line '\\x1b[31mred\\x1b[0m'",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _noise() -> bytes:
    import random

    return random.Random(7).randbytes(20_000)


@pytest.mark.parametrize("case", list(NOT_EXPORTS))
def test_write_on_what_is_no_export_answers_one_printable_line_before_dagster(tmp_path, case):
    make, says = NOT_EXPORTS[case]
    path = make(tmp_path)
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", BEFORE_DAGSTER, "write", str(path), "--home", str(home)],
        capture_output=True,
        timeout=120,
    )
    err = done.stderr.decode("utf-8")
    assert (done.returncode, done.stdout) == (2, b""), err  # and no Dagster imported
    assert err.endswith("\n") and err.count("\n") == 1 and says in err, err
    assert err.isascii() or all(c.isprintable() for c in err.rstrip("\n")), repr(err)
    assert "\x1b" not in err and "\x07" not in err
    assert not home.exists()

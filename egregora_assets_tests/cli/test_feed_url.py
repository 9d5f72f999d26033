"""`egregora write URL` and `egregora parse URL`: a feed fetched from a real HTTP server on
127.0.0.1 through the enrichments' SSRF-safe fetcher; refusals are one line and exit code 2."""

from __future__ import annotations

import json
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from egregora_assets.cli import feed_url, main
from egregora_assets.core.home import Home
from egregora_assets_tests.helpers import last_json
from egregora_assets_tests.sources import atom_feed, rss_feed


class _Site:
    """What the server answers: path -> (status, content type, body, extra headers)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {}
        self.hits: list[str] = []


@pytest.fixture
def site():
    state = _Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            state.hits.append(self.path)
            status, kind, body, headers = state.routes.get(self.path, (404, "text/plain", b"no", {}))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(monkeypatch):
    monkeypatch.setenv("EGREGORA_LLM__ALLOW_LOOPBACK_FETCH", "true")


def _serve(site, tmp_path, path, builder, **kwargs):
    folder = tmp_path / f"src{len(site.routes)}"
    folder.mkdir()
    site.routes[path] = (200, "application/atom+xml", builder(folder, **kwargs).read_bytes(), {})
    return site.base + path


def test_parse_of_a_feed_url_reads_its_entries(site, loopback, tmp_path, capsys):
    url = _serve(site, tmp_path, "/forum/feed.atom", atom_feed, entries=12)
    assert main(["parse", url, "--raw"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 12 and records[0]["author"] == "Helena Duarte"
    assert site.hits == ["/forum/feed.atom"]
    assert main(["parse", url, "--summary"]) == 0
    assert json.loads(capsys.readouterr().out)["source"] == "feed"


def test_write_of_a_feed_url_twice_adds_only_the_new_entries(site, loopback, tmp_path, capsys, monkeypatch):
    home, scratch = tmp_path / "home", tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    url = _serve(site, tmp_path, "/feed", atom_feed, entries=10)
    assert main(["write", url, "--home", str(home), "--json"]) == 0
    first = last_json(capsys.readouterr().out)
    assert first["messages"] == 10
    _serve(site, tmp_path, "/feed", atom_feed, entries=14)  # the feed has grown since
    assert main(["write", url, "--home", str(home), "--json"]) == 0
    assert last_json(capsys.readouterr().out)["messages"] == 14  # not 24: the 10 are the same entries
    staged = [p.name for p in Home(home).exports.rglob("*") if p.is_file()]
    assert len([n for n in staged if n.endswith(".xml.staged")]) == 2, staged  # each fetch staged once
    assert list(scratch.iterdir()) == []  # the fetched file is gone


def test_rss_behind_a_redirect_is_followed(site, loopback, tmp_path, capsys):
    target = _serve(site, tmp_path, "/news.rss", lambda folder: rss_feed(folder))
    site.routes["/old"] = (301, "text/plain", b"", {"Location": target})
    assert main(["parse", site.base + "/old", "--raw"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert site.hits == ["/old", "/news.rss"]


def _refused(args, capsys) -> str:
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_loopback_is_refused_without_the_test_setting(site, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("EGREGORA_LLM__ALLOW_LOOPBACK_FETCH", raising=False)
    url = _serve(site, tmp_path, "/feed.xml", atom_feed)
    line = _refused(["write", url, "--home", str(tmp_path / "home")], capsys)
    assert "refused: loopback address 127.0.0.1" in line and url in line
    assert site.hits == [] and not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    "where",
    ["http://10.0.0.1/feed.xml", "http://169.254.169.254/latest/meta-data/", "http://2130706433/feed", "ftp://x/f"],
)
def test_private_and_odd_addresses_are_refused_before_any_connection(where, loopback, tmp_path, capsys):
    line = _refused(["write", where, "--home", str(tmp_path / "home")], capsys)
    assert "cannot fetch the feed: refused" in line or "no such file" in line
    assert not (tmp_path / "home").exists()


def test_a_redirect_to_a_private_address_is_refused(site, loopback, tmp_path, capsys):
    site.routes["/feed"] = (302, "text/plain", b"", {"Location": "http://192.168.1.1/feed.xml"})
    line = _refused(["parse", site.base + "/feed", "--raw"], capsys)
    assert "refused: private address" in line or "refused" in line
    assert site.hits == ["/feed"]


def test_not_a_feed_too_large_or_missing(site, loopback, tmp_path, capsys, monkeypatch):
    site.routes["/page"] = (200, "text/html; charset=utf-8", b"<!doctype html><html><body>hi</body></html>", {})
    site.routes["/data.json"] = (200, "application/json", b'{"messages": []}', {})
    site.routes["/svg.xml"] = (200, "application/xml", b"<?xml version='1.0'?><svg></svg>", {})
    url = _serve(site, tmp_path, "/big.xml", atom_feed, entries=40)
    monkeypatch.setattr(feed_url, "MAX_FEED_BYTES", 4096)
    home = str(tmp_path / "home")
    assert "not an Atom or RSS feed (the server sent text/html)" in _refused(
        ["write", site.base + "/page", "--home", home], capsys
    )
    assert "not an Atom or RSS feed (the server sent application/json)" in _refused(
        ["parse", site.base + "/data.json", "--raw"], capsys
    )
    assert "not an Atom or RSS feed" in _refused(["parse", site.base + "/svg.xml", "--raw"], capsys)
    assert "cannot fetch the feed: larger than 4,096 bytes" in _refused(["write", url, "--home", home], capsys)
    assert "cannot fetch the feed: http 404" in _refused(["write", site.base + "/gone", "--home", home], capsys)
    assert not (tmp_path / "home").exists()

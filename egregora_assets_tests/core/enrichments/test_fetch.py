"""Safe fetching against a real loopback HTTP server, and page extraction."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from egregora_assets.core.enrichments import fetch
from egregora_assets.core.enrichments.fetch import extract_page, fetch_page, refusal

ARTICLE_PAGE = b"""<!doctype html>
<html><head>
<title>Fallback title</title>
<meta property="og:title" content="  Bikes   in Lisbon ">
<meta name="Description" content="Where the group rides on Sundays.">
<meta property="og:description" content="Not this one.">
<script>var tracking = "SCRIPT-TEXT";</script>
<style>body { color: red }</style>
</head><body>
<header>SITE-HEADER</header>
<nav><a href="/">NAV-LINK</a></nav>
<main><article><h1>Sunday rides</h1>
<p>We   ride along the
   river every Sunday.</p><p>Bring water.</p></article></main>
<aside>ASIDE-TEXT</aside>
<footer>FOOTER-TEXT</footer>
</body></html>"""

BIG = 50_000


class Handler(BaseHTTPRequestHandler):
    """Routes of the test server; every request's path is recorded on the server."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.requests.append(self.path)
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, *args):
        pass

    def reply(self, body: bytes, content_type: str = "text/html; charset=utf-8", length=True):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _slow(handler):
    time.sleep(1.0)
    handler.reply(ARTICLE_PAGE)


def _drip(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(20):  # each read is quick; only the total budget runs out
        handler.wfile.write(b"<p>drip</p>")
        handler.wfile.flush()
        time.sleep(0.1)


def _host(handler):
    handler.reply(f"<title>{handler.headers['Host']}</title>".encode())


ROUTES = {
    "/page": lambda h: h.reply(ARTICLE_PAGE),
    "/r1": lambda h: h.redirect("/r2"),
    "/r2": lambda h: h.redirect("/page"),
    "/to-private": lambda h: h.redirect("http://10.0.0.1/"),
    "/to-metadata": lambda h: h.redirect("http://169.254.169.254/latest/meta-data"),
    "/to-file": lambda h: h.redirect("file:///etc/passwd"),
    "/huge": lambda h: h.reply(b"x" * BIG),
    "/huge-undeclared": lambda h: h.reply(b"<p>" + b"x" * BIG, length=False),
    "/slow": _slow,
    "/drip": _drip,
    "/doc.pdf": lambda h: h.reply(b"%PDF-1.4", "application/pdf"),
    "/host": _host,
    "/odd-charset": lambda h: h.reply("<title>Café</title>".encode(), "text/html; charset=x-nope"),
}


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients hanging up on purpose (size cap, timeout) are expected here


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """An HTTPS server on 127.0.0.1 whose self-signed certificate names rebind.test."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=rebind.test", "-addext", "subjectAltName=DNS:rebind.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.requests, httpd.cert = [], str(cert)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def base(server):
    server.requests.clear()
    return f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def recording_client():
    """A client whose transport records every request instead of connecting anywhere."""
    sent = []

    def handler(request):
        sent.append(request)
        return httpx.Response(200, html="<title>should not be reached</title>")

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.sent = sent
        yield client


def test_loopback_refused_by_default(server, base):
    page = fetch_page(f"{base}/page")
    assert page.status == "refused: loopback address 127.0.0.1"
    assert not page.ok
    assert server.requests == []


def test_loopback_allowed_when_asked(base):
    page = fetch_page(f"{base}/page", allow_loopback=True)
    assert page.ok, page.status
    assert page.url == f"{base}/page"
    assert page.title == "Bikes in Lisbon"
    assert page.description == "Where the group rides on Sundays."
    assert page.content_type == "text/html"
    assert page.text == "Sunday rides\nWe ride along the river every Sunday.\nBring water."


def test_redirect_chain_is_followed(server, base):
    page = fetch_page(f"{base}/r1", allow_loopback=True)
    assert page.ok, page.status
    assert page.url == f"{base}/page"
    assert server.requests == ["/r1", "/r2", "/page"]


def test_too_many_redirects(base):
    page = fetch_page(f"{base}/r1", allow_loopback=True, max_redirects=1)
    assert page.status == "too many redirects"


@pytest.mark.parametrize(
    ("path", "status", "target"),
    [
        ("/to-private", "refused: private address 10.0.0.1", "http://10.0.0.1/"),
        (
            "/to-metadata",
            "refused: metadata address 169.254.169.254",
            "http://169.254.169.254/latest/meta-data",
        ),
        ("/to-file", "refused: scheme file", "file:/etc/passwd"),
    ],
)
def test_redirect_to_forbidden_target_is_refused(server, base, path, status, target):
    page = fetch_page(f"{base}{path}", allow_loopback=True)
    assert (page.status, page.url) == (status, target)
    assert server.requests == [path]


def test_redirects_are_checked_even_with_a_redirect_following_client(base):
    with httpx.Client(follow_redirects=True, trust_env=False) as client:
        page = fetch_page(f"{base}/to-metadata", allow_loopback=True, client=client)
    assert page.status == "refused: metadata address 169.254.169.254"


@pytest.mark.parametrize("allow_loopback", [False, True])
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("http://10.0.0.1/", "refused: private address 10.0.0.1"),
        ("http://192.168.1.1/", "refused: private address 192.168.1.1"),
        ("http://172.16.0.1/", "refused: private address 172.16.0.1"),
        ("http://169.254.169.254/latest/meta-data", "refused: metadata address 169.254.169.254"),
        ("http://169.254.1.1/", "refused: link-local address 169.254.1.1"),
        ("http://100.100.100.200/", "refused: metadata address 100.100.100.200"),
        ("http://100.64.0.1/", "refused: non-global address 100.64.0.1"),
        ("http://[fd00:ec2::254]/", "refused: metadata address fd00:ec2::254"),
        ("http://[fe80::1]/", "refused: link-local address fe80::1"),
        ("http://[fc00::1]/", "refused: private address fc00::1"),
        ("http://[::ffff:10.0.0.1]/", "refused: private address 10.0.0.1"),
        ("http://[::ffff:169.254.169.254]/", "refused: metadata address 169.254.169.254"),
        ("http://[64:ff9b::a9fe:a9fe]/", "refused: metadata address 169.254.169.254"),
        ("http://[2002:a00:1::]/", "refused: private address 10.0.0.1"),
        ("http://224.0.0.1/", "refused: multicast address 224.0.0.1"),
        ("http://0.0.0.0/", "refused: unspecified address 0.0.0.0"),
        ("http://[::]/", "refused: unspecified address ::"),
        ("http://240.0.0.1/", "refused: private address 240.0.0.1"),
        ("http://2130706433/", "refused: numeric host 2130706433"),
        ("http://0x7f000001/", "refused: numeric host 0x7f000001"),
        ("http://127.1/", "refused: numeric host 127.1"),
        ("http://0/", "refused: numeric host 0"),
        ("http://169.254.43518/", "refused: numeric host 169.254.43518"),
        ("ftp://example.com/", "refused: scheme ftp"),
        ("file:///etc/passwd", "refused: scheme file"),
    ],
)
def test_refused_without_connecting(recording_client, url, status, allow_loopback):
    page = fetch_page(url, allow_loopback=allow_loopback, client=recording_client)
    assert page.status == status
    assert recording_client.sent == []


LOOPBACKS = ["http://127.0.0.2/", "http://[::1]/", "http://[::ffff:127.0.0.1]/"]


@pytest.mark.parametrize("url", LOOPBACKS)
def test_loopback_forms_refused_unless_allowed(recording_client, url):
    assert fetch_page(url, client=recording_client).status.startswith("refused: loopback")
    assert recording_client.sent == []
    assert fetch_page(url, allow_loopback=True, client=recording_client).ok
    assert len(recording_client.sent) == 1


def test_a_name_with_any_private_address_is_refused(monkeypatch, recording_client):
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34", "10.1.2.3"])
    page = fetch_page("https://news.example/story", client=recording_client)
    assert page.status == "refused: private address 10.1.2.3"
    assert recording_client.sent == []


def test_unresolvable_name(monkeypatch, recording_client):
    def fail(host, port):
        raise socket.gaierror("no such host")

    monkeypatch.setattr(fetch, "_resolve", fail)
    page = fetch_page("https://nowhere.example/", client=recording_client)
    assert page.status == "dns error: nowhere.example"


def test_connection_goes_to_the_checked_address(monkeypatch, server, base):
    # "rebind.test" does not exist in real DNS: the fetch can only succeed if httpx
    # connects to the address we checked instead of resolving the name again.
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["127.0.0.1"])
    port = server.server_port
    page = fetch_page(f"http://rebind.test:{port}/host", allow_loopback=True)
    assert page.ok, page.status
    assert page.title == f"rebind.test:{port}"  # the Host header kept the name
    assert page.url == f"http://rebind.test:{port}/host"


@pytest.mark.parametrize(("name", "status"), [("rebind.test", "ok"), ("other.test", "network error: ConnectError")])
def test_https_to_the_checked_address_verifies_the_name(monkeypatch, tls_server, name, status):
    # Connecting to the IP must still check the certificate against the URL's host name.
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["127.0.0.1"])
    port = tls_server.server_port
    trusted = ssl.create_default_context(cafile=tls_server.cert)
    with httpx.Client(verify=trusted, trust_env=False) as client:
        page = fetch_page(f"https://{name}:{port}/host", allow_loopback=True, client=client)
    assert page.status == status
    assert page.title == (f"rebind.test:{port}" if status == "ok" else None)


def test_public_address_goes_through_with_name_kept(monkeypatch, recording_client):
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34"])
    page = fetch_page("https://bücher.example/a?b=1", client=recording_client)
    assert page.ok
    (request,) = recording_client.sent
    assert str(request.url) == "https://93.184.216.34/a?b=1"
    assert request.headers["host"] == "xn--bcher-kva.example"
    assert request.extensions["sni_hostname"] == "xn--bcher-kva.example"


@pytest.mark.parametrize("path", ["/huge", "/huge-undeclared"])
def test_size_cap(base, path):
    page = fetch_page(f"{base}{path}", allow_loopback=True, max_bytes=BIG // 2)
    assert page.status == "too large"
    assert page.text == ""


def test_size_cap_allows_small_pages(base):
    assert fetch_page(f"{base}/huge", allow_loopback=True, max_bytes=BIG * 2).ok


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_timeout(base, path):
    page = fetch_page(f"{base}{path}", allow_loopback=True, timeout=0.3)
    assert page.status == "timeout"


def test_not_html(base):
    page = fetch_page(f"{base}/doc.pdf", allow_loopback=True)
    assert page.status == "not html: application/pdf"
    assert page.content_type == "application/pdf"


def test_unknown_charset_falls_back(base):
    assert fetch_page(f"{base}/odd-charset", allow_loopback=True).title == "Café"


def test_http_error_status(base):
    assert fetch_page(f"{base}/missing", allow_loopback=True).status == "http 404"


def test_closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    page = fetch_page(f"http://127.0.0.1:{port}/", allow_loopback=True)
    assert page.status == "network error: ConnectError"


def test_bad_url():
    assert fetch_page("http://exa mple.com/").status == "bad url"
    assert fetch_page("http://[::1/").status == "bad url"


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert refusal(ipaddress.ip_address(address), allow_loopback=False) is None


def test_extract_falls_back_to_title_and_og_description():
    html = """<html><head><title> Plain
      title </title><meta property="og:description" content="From OG"></head>
      <body><div>One</div><div>Two <b>bold</b> words</div></body></html>"""
    expected = ("Plain title", "From OG", "One\nTwo bold words")
    assert extract_page(html, "https://x.example/") == expected


def test_extract_prefers_longest_article_and_caps_text():
    long = "word " * 2000
    html = f"<body><article>short</article><article><p>{long}</p></article></body>"
    title, description, text = extract_page(html, "https://x.example/")
    assert (title, description) == (None, None)
    assert text.startswith("word word")
    assert len(text) <= fetch.TEXT_CAP + 2


def test_extract_decodes_bytes():
    latin = '<meta charset="iso-8859-1"><title>Ação</title>'.encode("latin-1")
    assert extract_page(latin, "https://x.example/")[0] == "Ação"
    assert extract_page("<title>Ação</title>".encode(), "https://x.example/")[0] == "Ação"
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html><title>X</title></html>'
    assert extract_page(xhtml, "https://x.example/")[0] == "X"


@pytest.mark.parametrize("html", ["", "   ", b""])
def test_extract_empty(html):
    assert extract_page(html, "https://x.example/") == (None, None, "")


class QuietServer6(QuietServer):
    address_family = socket.AF_INET6


def test_ipv6_literal_keeps_its_brackets_in_the_host_header():
    httpd = QuietServer6(("::1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        page = fetch_page(f"http://[::1]:{port}/host", allow_loopback=True)
        assert page.ok, page.status
        assert page.title == f"[::1]:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()

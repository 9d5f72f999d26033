"""Fetching a shared link safely (no SSRF) and extracting its title, description and text."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import lxml.html
from lxml import etree

TEXT_CAP = 4000  # characters of main text kept per page
BLOCK_END = "\u2029"  # Unicode paragraph separator
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "egregora/1 (+link preview)"

# Cloud metadata endpoints, named in refusals so that a log reader sees what was attempted.
# (Each also falls in a non-global range, so the general rule would refuse it anyway.)
METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud
}
NAT64 = ipaddress.ip_network("64:ff9b::/96")

# A last label that is a number makes the WHATWG parser read the host as IPv4 in
# integer, octal or hex form (http://2130706433/ is 127.0.0.1); we accept only dotted quads.
NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
HOSTNAME = re.compile(r"^[a-z0-9_.-]+$", re.IGNORECASE)  # after IDNA encoding

# Not "form": some sites wrap the whole page in one.
DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "iframe",
                "nav", "footer", "aside", "header")  # fmt: skip
BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
              "section", "article", "blockquote", "pre", "dd", "dt", "figcaption")  # fmt: skip


@dataclass(frozen=True)
class Page:
    """What fetching one URL gave: the final URL, "ok" or why not, and the extracted fields."""

    url: str
    status: str
    title: str | None = None
    description: str | None = None
    text: str = ""
    content_type: str | None = None
    body: bytes | None = None  # the raw body, when fetched as a file (fetch_file)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour:
        return ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    return None


def refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> str | None:
    """Why connecting to `ip` is refused, or None when it is a public unicast address."""
    inner = _embedded_ipv4(ip) if ip.version == 6 else None
    if inner is not None:
        return refusal(inner, allow_loopback)
    if ip in METADATA:
        return f"refused: metadata address {ip}"
    if ip.is_loopback:
        return None if allow_loopback else f"refused: loopback address {ip}"
    for kind in ("link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return f"refused: {kind.replace('_', '-')} address {ip}"
    # is_global is False for what remains non-routable, e.g. 100.64.0.0/10 (carrier NAT)
    return None if ip.is_global else f"refused: non-global address {ip}"


def _resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, IPv4 first (IPv6 routes are often missing)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    return sorted(addresses, key=lambda a: ":" in a)


def check_url(url: httpx.URL, allow_loopback: bool) -> tuple[str | None, str]:
    """The address to connect to for `url` and "ok", or (None, why it is refused)."""
    if url.scheme not in ("http", "https"):
        return None, f"refused: scheme {url.scheme or 'missing'}"
    host = url.raw_host.decode("ascii").strip("[]")
    if not host:
        return None, "refused: no host"
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        if NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]):
            return None, f"refused: numeric host {host}"
        if not HOSTNAME.match(host):
            return None, "bad url"
        try:
            addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
        except (OSError, UnicodeError):
            return None, f"dns error: {host}"
    # Every address must pass: a resolver may hand out any of them on the next lookup.
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address.split("%")[0]), allow_loopback)
        if reason:
            return None, reason
    return addresses[0], "ok"


def _pinned_request(client: httpx.Client, url: httpx.URL, ip: str, deadline: float) -> httpx.Request:
    """A GET of `url` sent to the already-checked `ip`.

    Connecting to the checked address, rather than letting httpx resolve the name again,
    closes the DNS-rebinding gap between check and connect. The Host header and the TLS
    server name (SNI, also used for certificate verification) keep the original host, so
    virtual hosting and HTTPS work as if the name had been used.
    """
    host = url.raw_host.decode("ascii")
    if ":" in host:  # an IPv6 literal keeps its brackets in the Host header (RFC 7230)
        host = f"[{host}]"
    netloc = host if url.port is None else f"{host}:{url.port}"
    return client.build_request(
        "GET",
        url.copy_with(host=ip),
        headers={"Host": netloc, "User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.1"},
        extensions={"sni_hostname": host},
        timeout=max(deadline - time.monotonic(), 0.001),  # what is left of the total budget
    )


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes | str:
    """The response body, or a failure status when it is too large or arrives too slowly."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return "too large"
    chunks, size = [], 0
    # iter_bytes decompresses, so the cap also bounds gzip bombs.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            return "too large"
        if time.monotonic() > deadline:  # httpx timeouts are per read; this one is total
            return "timeout"
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, charset: str | None) -> bytes | str:
    """The body as text in the charset the server named, or bytes for lxml to sniff."""
    try:
        return body.decode(charset, "replace") if charset else body
    except LookupError:  # a charset name Python does not know
        return body


def _page_from(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> Page:
    """The Page for a final (non-redirect) response."""
    if not 200 <= response.status_code < 300:
        return Page(url, f"http {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        return Page(url, f"not html: {content_type}", content_type=content_type)
    body = _read_body(response, max_bytes, deadline)
    if isinstance(body, str):
        return Page(url, body, content_type=content_type or None)
    title, description, text = extract_page(_decode(body, response.charset_encoding), url)
    return Page(url, "ok", title, description, text, content_type or None)


def _file_from(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> Page:
    """The Page for a final response fetched as a file: its bytes, whatever their type."""
    if not 200 <= response.status_code < 300:
        return Page(url, f"http {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
    body = _read_body(response, max_bytes, deadline)
    if isinstance(body, str):
        return Page(url, body, content_type=content_type)
    return Page(url, "ok", content_type=content_type, body=body)


def _fetch(client: httpx.Client, url: httpx.URL, allow_loopback: bool, max_bytes: int,
           max_redirects: int, deadline: float, final: Callable = _page_from) -> Page:  # fmt: skip
    """Follow redirects by hand, checking every hop before connecting to it."""
    for _ in range(max_redirects + 1):
        ip, status = check_url(url, allow_loopback)
        if ip is None:
            return Page(str(url), status)
        request = _pinned_request(client, url, ip, deadline)
        response = client.send(request, stream=True, follow_redirects=False)
        try:
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location:
                return final(response, str(url), max_bytes, deadline)
        finally:
            response.close()
        url = url.join(location)
    return Page(str(url), "too many redirects")


def fetch_page(url: str, *, allow_loopback: bool = False, timeout: float = 10.0,
               max_bytes: int = 2_000_000, max_redirects: int = 5,
               client: httpx.Client | None = None, final: Callable = _page_from) -> Page:  # fmt: skip
    """Fetch an http(s) page and extract it; failures come back as a Page status, never raised."""
    # trust_env=False: an environment proxy would resolve names itself and undo the pinning.
    http = client or httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
    try:
        return _fetch(http, httpx.URL(url), allow_loopback, max_bytes, max_redirects,
                      time.monotonic() + timeout, final)  # fmt: skip
    except httpx.TimeoutException:
        return Page(url, "timeout")
    except httpx.InvalidURL:
        return Page(url, "bad url")
    except httpx.HTTPError as error:
        return Page(url, f"network error: {type(error).__name__}")
    finally:
        if client is None:
            http.close()


def fetch_file(url: str, *, allow_loopback: bool = False, timeout: float = 30.0,
               max_bytes: int = 20 << 20, max_redirects: int = 5) -> Page:  # fmt: skip
    """Fetch an http(s) URL's bytes (a feed) through the same checks as a page: `body` when
    `ok`, else the status says why (refused address, http status, too large, timeout)."""
    return fetch_page(url, allow_loopback=allow_loopback, timeout=timeout, max_bytes=max_bytes,
                      max_redirects=max_redirects, final=_file_from)  # fmt: skip


def _clean(text: str | None) -> str | None:
    """`text` with runs of whitespace collapsed, or None when nothing is left."""
    text = " ".join((text or "").split())
    return text or None


def _main_element(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element holding the main content: the longest <article>, else <main>, else <body>."""
    articles = doc.xpath("//article")
    if articles:
        return max(articles, key=lambda el: len(el.text_content()))
    for path in ("//main", "//*[@role='main']", "//body"):
        found = doc.xpath(path)
        if found:
            return found[0]
    return doc


def _main_text(doc: lxml.html.HtmlElement) -> str:
    """The readable text of the main content, one paragraph a line, capped at TEXT_CAP."""
    for element in list(doc.iter(*DROPPED_TAGS)):
        element.drop_tree()
    root = _main_element(doc)
    # Mark block ends with a character HTML text (almost) never holds, because source newlines
    # inside a paragraph are just spaces while a block end is a real line break.
    for element in root.iter(*BLOCK_TAGS):
        element.tail = BLOCK_END + (element.tail or "")
    lines = (_clean(line) for line in root.text_content().split(BLOCK_END))
    text = "\n".join(line for line in lines if line)
    if len(text) <= TEXT_CAP:
        return text
    return text[:TEXT_CAP].rsplit(" ", 1)[0] + " …"


def extract_page(html: bytes | str, url: str) -> tuple[str | None, str | None, str]:
    """The title, description and main text of an HTML page."""
    if isinstance(html, str):
        # lxml rejects str input that carries an XML encoding declaration (XHTML pages).
        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    elif not html.lstrip().startswith(b"<?xml"):
        try:
            html = html.decode("utf-8")  # pages without a charset are mostly UTF-8 today
        except UnicodeDecodeError:
            pass  # let lxml use the page's <meta charset>
    try:
        doc = lxml.html.document_fromstring(html, base_url=url)
    except (etree.ParserError, ValueError):
        return None, None, ""
    meta: dict[str, str] = {}
    for element in doc.iter("meta"):
        key = (element.get("property") or element.get("name") or "").lower()
        meta.setdefault(key, element.get("content") or "")
    titles = doc.xpath("//title")
    title = _clean(meta.get("og:title")) or _clean(titles[0].text_content() if titles else None)
    description = _clean(meta.get("description")) or _clean(meta.get("og:description"))
    return title, description, _main_text(doc)

"""A site and feed built from hostile posts (what a chat or a model could say) build, and in
a real headless Chromium no page runs a script of theirs or carries an active node."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree, html
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from egregora_assets.core.atom_feed import build_feed
from egregora_assets.core.mkdocs_site import build_site, write_site_project
from egregora_assets.core.models import AuthorProfile, Message, Post, PostDraft, Window
from egregora_assets.core.posts.records import to_posts, unique_slugs

TEMPLATE = Path(__file__).resolve().parents[1] / "site"
BRT = timezone(timedelta(hours=-3))
MARK = "PWNED"  # every payload calls or names this; finding it active anywhere is a failure
JS = f"alert('{MARK}')"
PAYLOADS = [
    f"<script>{JS}</script>",
    f'<img src=x onerror="{JS}">',
    f'<svg onload="{JS}"><circle r="1"/></svg>',
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<object data="data:text/html,<script>{JS}</script>"></object>',
    f'<form action="javascript:{JS}"><button>go</button></form>',
    f"[click me](javascript:{JS})",
    f"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgnUFdORUQnKTwvc2NyaXB0Pg==) {MARK}",
    f'<a href="jAvAsCrIpT:{JS}">x</a>',
    f"![img](javascript:{JS})",
    f'Paragraph {{: onclick="{JS}" }}',
    f'[attr](https://example.org){{: onmouseover="{JS}" }}',
    f'<div style="background:url(javascript:{JS})">styled</div>',
    f'<details open ontoggle="{JS}"><summary>s</summary>d</details>',
    f"</textarea></title></script><script>{JS}</script>",
    "{{ config.site_name }} {% include 'x' %} {# comment #}",
    "---\ntitle: injected\n---",
    "\u202egnp.exe\u202c right-to-left override",
    "a" * 5000,
    "".join("  " * i + "- deep\n" for i in range(600)),
    "[" * 3000 + "x" + "]" * 3000,
    f'<math><mtext><table><mglyph><style><img src=x onerror="{JS}">',
    f'<noscript><p title="</noscript><img src=x onerror={JS}>">',
]
HOSTILE_TITLES = [
    f"<script>{JS}</script>",
    f'"><img src=x onerror={JS}>',
    f"</title><script>{JS}</script>",
    "",
    "   ",
    "x" * 400,
    "\u202eevil title",
    "{{ 7*7 }}",
    "same title",
    "same title",
]
HOSTILE_TAGS = ["t" * 300, f"<b onclick={JS}>tag</b>", "../../etc", "{{x}}", "", "Trilha", "trilha", "a/b\\c"]


def hostile_docs() -> list[Post]:
    """The posts a writer could return, through the same path real drafts take."""
    docs: list[Post] = []
    for day, title in enumerate(HOSTILE_TITLES, start=1):
        moment = datetime(2026, 9, day, 20, 0)
        said = Message(id=f"g-m{day}", group="g", timestamp=moment, author="amber-falcon", text=PAYLOADS[day])
        window = Window(id=f"w{day}", group="g", date=date(2026, 9, day), index=0, messages=[said])
        body = "\n\n".join(PAYLOADS[(day + i) % len(PAYLOADS)] for i in range(len(PAYLOADS)))
        drafts = [
            PostDraft(title=title, slug=title, summary=f'summary "{PAYLOADS[day]}"', tags=HOSTILE_TAGS, body=body),
            PostDraft(title=title, slug=title, summary="second", tags=[], body=PAYLOADS[0]),
        ]
        docs += to_posts(unique_slugs(drafts), window, timezone="America/Sao_Paulo", writer="llm:hostile")
    # Each day's first post continues the day before's: its hostile title becomes a thread link.
    return [
        d.model_copy(update={"continues": docs[i - 2].id}) if i >= 2 and i % 2 == 0 else d for i, d in enumerate(docs)
    ]


def hostile_profiles() -> list[AuthorProfile]:
    """Author pages with a model's hostile portrait and hostile topics."""
    return [
        AuthorProfile(
            group="g",
            author=name,
            messages=len(PAYLOADS),
            activity={f"2026-09-{d:02d}": d for d in range(1, 10)},
            topics=[*HOSTILE_TAGS, *PAYLOADS[:6]],
            portrait=" ".join(PAYLOADS[:16]),
        )
        for name in ("amber-falcon", "quiet-otter")
    ]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    docs = hostile_docs()
    name = f"<script>{JS}</script> Grupo 🏖️ \u202e"
    feed = build_feed(group="g", title=name, feed_id="tag:x,2026:g", site_url=None, docs=docs)
    write_site_project(
        template_dir=TEMPLATE,
        project_dir=root / "project",
        group="g",
        title=name,
        docs=docs,
        feed_xml=feed,
        profiles=hostile_profiles(),
    )
    build_site(root / "project", root / "html")
    return root / "html", feed, docs


def test_hostile_posts_build_and_every_post_has_a_page(hostile_site):
    site, _, docs = hostile_site
    pages = list(site.glob("blog/2026/09/*/*/index.html"))
    assert len(pages) == len(docs)
    categories = [p.parent.name for p in site.glob("blog/category/*/index.html")]
    assert categories and all(len(c) <= 60 for c in categories)
    assert {p.parent.name for p in site.glob("blog/author/*/index.html")} == {"amber-falcon", "quiet-otter"}
    # Every day's first post continues the day before's, or is continued the day after.
    threaded = [p for p in pages if 'class="egregora-thread"' in p.read_text(encoding="utf-8")]
    assert len(threaded) == len(HOSTILE_TITLES)


def active_content(site: Path) -> list[tuple]:
    """(page, what) of every active node or attribute of ours in a built site's pages."""
    found = []
    for page in site.rglob("*.html"):
        tree = html.fromstring(page.read_bytes())
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            # The theme's own icons, styles, scripts and search form: never one of ours.
            active = element.tag in {"iframe", "object", "embed", "svg", "math", "style", "script", "form"}
            if active and MARK in etree.tostring(element, encoding="unicode"):
                found.append((page, element.tag))
            for attribute, value in element.attrib.items():
                if attribute.startswith("on"):
                    found.append((page, attribute))
                link = attribute in {"href", "src", "action", "data", "formaction"}
                if link and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                    found.append((page, value))
    return found


def scripts_that_ran(site: Path, profile: Path) -> tuple[int, list[str]]:
    """Every page of `site` opened in a real headless Chromium, with alert/confirm/prompt hooked
    before any script and the elements hovered: (pages opened, what the payloads did)."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    # Before any page script: record every dialog and every eval a payload could reach for.
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {"source": "window.__ran = []; for (const f of ['alert', 'confirm', 'prompt']) "
                   "{ window[f] = (m) => { window.__ran.push(String(m)); }; }"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        pages = sorted(site.rglob("*.html"))
        ran: list[str] = []
        for page in pages:
            driver.get(base + page.relative_to(site).as_posix())
            # Hover every element at once (one round trip, not one per element).
            driver.execute_script(
                "document.querySelectorAll('a, img, p, li, div, details, summary, span')"
                ".forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"
            )
            ran += driver.execute_script("return window.__ran")
            logs = [e["message"] for e in driver.get_log("browser")]
            ran += [m for m in logs if MARK in m]
        return len(pages), ran
    finally:
        driver.quit()
        server.shutdown()


def test_no_page_carries_active_content(hostile_site):
    site, _, _ = hostile_site
    assert active_content(site) == []


def test_no_script_runs_in_a_browser(hostile_site, tmp_path):
    site, _, _ = hostile_site
    opened, ran = scripts_that_ran(site, tmp_path / "profile")
    assert opened > 20 and ran == []


def active_entries(feed: bytes) -> list[str]:
    """What in a feed's entries could run: scripts, frames, forms, handlers, script URLs."""
    found = []
    root = etree.fromstring(feed)
    for content in root.iter("{http://www.w3.org/2005/Atom}content"):
        fragment = html.fragment_fromstring(content.text or "", create_parent="div")
        for element in fragment.iter():
            if element.tag in {"script", "iframe", "object", "embed", "form", "svg", "style"}:
                found.append(str(element.tag))
            found += [a for a in element.attrib if a.startswith("on")]
            for attribute in ("href", "src"):
                if element.get(attribute, "").strip().lower().startswith(("javascript:", "data:")):
                    found.append(element.get(attribute))
    return found


def test_the_detectors_catch_what_they_look_for(tmp_path):
    """A control: pages that do run the payloads are caught, so a clean result means something."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "inline.html").write_text(f"<p>x</p><script>{JS}</script>")
    (site / "hover.html").write_text(f'<p onmouseover="{JS}">hover me</p>')
    (site / "link.html").write_text(f'<a href="javascript:{JS}">x</a>')
    opened, ran = scripts_that_ran(site, tmp_path / "profile")
    assert opened == 3 and ran.count(MARK) == 2  # the inline script, and the handler on hover
    assert {what for _, what in active_content(site)} == {"script", "onmouseover", f"javascript:{JS}"}
    feed = f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">&lt;img src=x onerror="{JS}"&gt;</content></entry></feed>'
    assert active_entries(feed.encode()) == ["onerror"]


def test_the_feed_parses_and_carries_nothing_active(hostile_site):
    _, feed, docs = hostile_site
    parsed = feedparser.parse(feed)
    assert not parsed.bozo and len(parsed.entries) == len(docs)
    assert active_entries(feed) == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

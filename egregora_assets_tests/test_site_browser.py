"""The built blog in a real headless Chromium: posts render, the feed is linked, search works."""

import functools
import http.server
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from egregora_assets.core.atom_feed import build_feed
from egregora_assets.core.mkdocs_site import build_site, write_site_project
from egregora_assets.core.models import Message, Post
from egregora_assets_tests.helpers import document

TEMPLATE = Path(__file__).resolve().parents[1] / "site"
TITLES = {6: "Nascer do sol na Pedra Grande", 9: "Botas, meias e bolhas"}
CITED = Message(
    id="0123456789abcdef",
    group="trilhas",
    timestamp=datetime(2026, 9, 9, 7, 30),
    author="Guará Azul",
    text="Meia de lã e bota amaciada, senão é bolha na certa",
)


def make_doc(day: int) -> Post:
    return document(
        date(2026, 9, day),
        title=TITLES[day],
        authors=["Guará Azul"],
        summary="Um resumo curto do dia.",
        content="O grupo falou de **lanternas** e de caronas.\n\n## Combinados\n\n- sair às 5h\n"
        + ("\nMeia de lã, sempre [0123456789abcdef].\n" if day == 9 else ""),
        categories=["trilha"],
        message_ids=[CITED.id] if day == 9 else [],
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The built demo blog, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser")
    docs = [make_doc(6), make_doc(9)]
    feed = build_feed(group="trilhas", title="Trilhas da Serra", feed_id="tag:x,2026:t",
                      site_url=None, docs=docs)  # fmt: skip
    write_site_project(template_dir=TEMPLATE, project_dir=root / "project", group="trilhas",
                       title="Trilhas da Serra", docs=docs, feed_xml=feed, cited={CITED.id: CITED})  # fmt: skip
    build_site(root / "project", root / "html")
    handler = functools.partial(QuietHandler, directory=str(root / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's headless Chromium with a fresh profile and no background network."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,1000"):  # fmt: skip
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('profile')}")
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def test_blog_index_leads_to_a_rendered_post(site_url, browser, tmp_path):
    browser.get(site_url + "blog/")
    links = browser.find_elements(By.CSS_SELECTOR, "article h2 a")
    assert [a.text for a in links] == [TITLES[9], TITLES[6]]  # newest first
    links[1].click()
    WebDriverWait(browser, 10).until(EC.url_contains("/blog/2026/09/06/post-6/"))
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == TITLES[6]
    assert browser.find_element(By.CSS_SELECTOR, "article strong").text == "lanternas"
    feed = browser.find_element(By.CSS_SELECTOR, 'link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == site_url + "feed.xml"
    assert browser.find_element(By.CSS_SELECTOR, "input.md-search__input").get_attribute("name") == "query"
    footer = browser.find_element(By.PARTIAL_LINK_TEXT, "Atom feed")
    assert footer.is_displayed()
    browser.save_screenshot(str(tmp_path / "post.png"))
    assert (tmp_path / "post.png").stat().st_size > 10_000


def test_a_source_mark_opens_the_message_it_cites(site_url, browser):
    browser.get(site_url + "blog/2026/09/09/post-9/")
    sources = browser.find_element(By.CSS_SELECTOR, "details.sources")
    assert sources.get_attribute("open") is None  # collapsed until asked
    mark = browser.find_element(By.CSS_SELECTOR, "article a[href='#src:1']")
    assert mark.text == "[1]"
    mark.click()
    WebDriverWait(browser, 10).until(lambda _: sources.get_attribute("open") is not None)
    cited = browser.find_element(By.ID, "src:1").find_element(By.XPATH, "..")
    assert "bolha na certa" in cited.text and cited.is_displayed()


def test_search_finds_a_post_offline(site_url, browser):
    browser.get(site_url)
    browser.find_element(By.CSS_SELECTOR, "label.md-search__icon, .md-search__input").click()
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.send_keys("lanternas")
    results = WebDriverWait(browser, 15).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".md-search-result__item"))
    )
    assert "lanternas" in results.text.lower()

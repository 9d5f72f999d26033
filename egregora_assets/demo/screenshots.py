"""The README's screenshots, taken from the demo in headless Chromium.

    python -m egregora_assets.demo.screenshots            # runs the demo in a fresh home
    python -m egregora_assets.demo.screenshots --home H   # shoots an existing demo home

Writes PNGs and `manifest.json` (what each picture shows: the post titles of the demo run)
into `egregora_assets/demo/screenshots/`; a test compares the manifest with a fresh demo run,
so a change to the writer that makes the pictures stale fails until they are taken again.
Needs the `dev` extra (selenium) and Debian's `chromium` and `chromium-driver`.
"""

import argparse
import contextlib
import functools
import html
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from egregora_assets.core import site_text
from egregora_assets.core.home import Home
from egregora_assets.package_data import WORKSPACE_YAML

OUT = Path(__file__).with_name("screenshots")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--window-size=1280,900",
    "--hide-scrollbars",
)


def free_port() -> int:
    """A TCP port nothing listens on, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1 (the site's search needs http, not file://)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def dagster_ui(home: Path) -> Iterator[str]:
    """The Dagster webserver on the demo home, as `egregora ui` starts it, until it answers."""
    port = free_port()
    env = {**os.environ, "EGREGORA_HOME": str(home), "DAGSTER_HOME": str(Home(home).dagster)}
    command = [sys.executable, "-m", "dagster_webserver", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"]
    (Home(home).dagster / "workspace.yaml").write_text(WORKSPACE_YAML, encoding="utf-8")  # as `egregora ui` does
    server = subprocess.Popen(
        command,
        cwd=Home(home).dagster,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/server_info", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the Dagster webserver did not start") from None
                time.sleep(1)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium(profile: Path):
    """A headless Chromium driven by Debian's chromedriver, with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def shoot(
    driver, url: str, name: str, wait_for: str | None = None, settle: float = 0.5, script: str | None = None
) -> Path:
    """Open `url`, wait until `wait_for` (a text on the page) shows, run `script`, and save `<name>.png`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    if wait_for:
        WebDriverWait(driver, 60).until(lambda d: wait_for in d.page_source)
    if script:
        driver.execute_script(script)
    time.sleep(settle)  # let fonts and late layout land before the picture
    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        button.click()  # the Dagster UI's first-visit newsletter dialog
        time.sleep(1)
    path = OUT / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def demo_home(home: Path | None, scratch: Path) -> Path:
    """An existing demo home, or a fresh one the demo is written into now."""
    if home is not None:
        return home
    home = scratch / "home"
    subprocess.run([sys.executable, "-m", "egregora_assets.cli", "demo", "--home", str(home), "--json"], check=True)
    return home


def language(site: Path) -> str:
    """The built site's interface language (its <html lang>)."""
    found = re.search(r'<html lang="([a-z]+)"', (site / "index.html").read_text(encoding="utf-8"))
    return found.group(1) if found else "en"


def posts_of(site: Path) -> list[tuple[str, str]]:
    """(title, page path) of every post the built site has, newest first as the blog lists them."""
    found = []
    for page in sorted(site.glob("blog/[0-9]*/[0-9]*/[0-9]*/*/index.html"), reverse=True):
        match = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        if match:
            title = html.unescape(re.sub(r"<a [^>]*headerlink.*?</a>|<[^>]+>", "", match.group(1))).strip()
            found.append((title, page.relative_to(site).as_posix()))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an existing home the demo was written into")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        home = demo_home(args.home, Path(scratch))
        (site,) = Home(home).sites.glob("*/public")
        posts = posts_of(site)
        if not posts:
            raise SystemExit(f"{site}: no post pages to photograph")
        # The post with the most text shows the writer best.
        title, page = max(posts, key=lambda p: (site / p[1]).stat().st_size)
        # The author page of whoever the most posts cite.
        author = max(site.glob("blog/author/*/index.html"), key=lambda p: p.stat().st_size).parent.name
        with chromium(Path(scratch) / "profile") as driver:
            with serve(site) as url:
                shoot(driver, f"{url}/blog/", "blog", wait_for=posts[0][0][:20])
                shoot(driver, f"{url}/{page.removesuffix('index.html')}", "post", wait_for=title[:20])
                shoot(driver, f"{url}/tags/", "tags", wait_for="trilha")
                # The messages a post draws on, unfolded: its provenance.
                opened = (
                    "const d = document.querySelector('details.sources'); d.open = true;"
                    "d.scrollIntoView({block: 'start'}); window.scrollBy(0, -80);"
                )
                shoot(
                    driver, f"{url}/{page.removesuffix('index.html')}", "provenance", wait_for=title[:20], script=opened
                )
                shoot(driver, f"{url}/best/", "best", wait_for=site_text.text("best_of_title", language(site)))
                shoot(driver, f"{url}/blog/author/{author}/", "author", wait_for=author)
            with dagster_ui(home) as url:
                shoot(driver, f"{url}/assets/posts?view=partitions", "dagster-posts", wait_for="Materialized", settle=3)
                shoot(driver, f"{url}/assets", "dagster-assets", wait_for="partition", settle=3)
    manifest = {"titles": sorted(t for t, _ in posts), "post": title}
    (OUT / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(posts)} posts; pictures in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

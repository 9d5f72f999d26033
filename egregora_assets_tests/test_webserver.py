"""The Dagster UI serves the asset graph of this project (a real webserver on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERY = "{ assetNodes { assetKey { path } isPartitioned } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_webserver_shows_the_chain(tmp_path):
    (tmp_path / "dagster").mkdir()
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster" / "dagster.yaml")
    env = {**os.environ, "EGREGORA_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster")}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dagster_webserver", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline, nodes = time.monotonic() + 120, None
        while time.monotonic() < deadline and nodes is None:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                nodes = graphql(port, QUERY)["data"]["assetNodes"]
            except (OSError, KeyError, TypeError):
                time.sleep(1)
        assert nodes is not None, "the webserver never answered"
        names = {"/".join(n["assetKey"]["path"]) for n in nodes}
        assert names == {
            "raw_exports",
            "anonymized_messages",
            "windows",
            "enrichments",
            "embeddings",
            "posts",
            "atom_feed",
            "mkdocs_site",
        }
        assert all(n["isPartitioned"] for n in nodes)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

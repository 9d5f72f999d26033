"""A killed, concurrent or misconfigured `egregora write` never leaves a home stuck or half-published."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.instance.ref import InstanceRef

from egregora_assets.demo import DEMO_EXPORT
from egregora_assets_tests.exports import write_txt
from egregora_assets_tests.helpers import CLI, egregora, last_json, query


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EGREGORA_", "DAGSTER_"))}
    return {**env, "EGREGORA_HOME": str(home), **extra}


BAD_SETTINGS = [
    # (environment, egregora.toml, what the one line must name)
    ({"EGREGORA_TIMEZONE": "Mars/Olympus"}, None, "setting timezone"),
    ({"EGREGORA_LLM__BASE_URL": "notaurl"}, None, "setting llm.base_url"),
    ({"EGREGORA_WINDOW_TOKENS": "-5"}, None, "setting window_tokens"),
    ({"EGREGORA_WINDOW_TOKENS": "abc"}, None, "setting window_tokens"),
    ({"EGREGORA_LLM__MODE": "telepathy"}, None, "setting llm.mode"),
    ({}, "window_tokens = [1, 2", "egregora.toml: not valid TOML"),
    ({}, "[groups.trilhas-da-serra]\ntimezone = 'Nowhere/Land'\n", "setting groups.trilhas-da-serra.timezone"),
    ({}, "[llm]\nmax_retries = -1\n", "setting llm.max_retries"),
]


@pytest.mark.parametrize(("env", "toml", "named"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_and_exit_2_before_any_work(tmp_path, env, toml, named):
    home = tmp_path / "home"
    home.mkdir()
    if toml is not None:
        (home / "egregora.toml").write_text(toml)
    done = egregora("write", str(DEMO_EXPORT), "--home", str(home), env=clean_env(home, **env))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert named in lines[0] and "Traceback" not in done.stderr
    assert sorted(p.name for p in home.iterdir()) == (["egregora.toml"] if toml is not None else [])


def test_a_home_that_is_a_file_and_a_bad_timezone_option_are_refused(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    done = egregora("write", str(DEMO_EXPORT), "--home", str(home), env=clean_env(home))
    assert done.returncode == 2 and "is a file" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    other = tmp_path / "other"
    done = egregora("write", str(DEMO_EXPORT), "--home", str(other), "--timezone", "Mars/Olympus", env=clean_env(other))
    assert done.returncode == 2 and "--timezone" in done.stderr and not other.exists()


def test_only_the_named_homes_settings_are_read(tmp_path):
    default, named = tmp_path / "default", tmp_path / "named"
    default.mkdir()
    (default / "egregora.toml").write_text("window_tokens = 'broken'\n")
    env = {**clean_env(default), "HOME": str(tmp_path)}
    done = egregora("parse", str(DEMO_EXPORT), "--summary", "--home", str(named), env=env)
    assert done.returncode == 0, done.stderr


def test_a_chat_of_only_system_lines_is_refused(tmp_path):
    chat = tmp_path / "system.txt"
    chat.write_text(
        "01/09/2026 10:00 - Messages and calls are end-to-end encrypted.\n"
        '01/09/2026 10:01 - Ana created group "Trilhas"\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    done = egregora("write", str(chat), "--home", str(home), env=clean_env(home))
    assert done.returncode == 2 and "only system lines" in done.stderr, done.stderr


class Hanging(BaseHTTPRequestHandler):
    """An LLM server that accepts each request and never answers: the writer waits inside an LLM step."""

    def do_POST(self):
        self.server.hits.set()
        time.sleep(600)

    def log_message(self, *args):
        pass


def test_killed_runs_free_their_llm_slots_and_the_next_write_completes(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hanging)
    server.daemon_threads = True
    server.hits = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    home = tmp_path / "home"
    hanging = clean_env(
        home,
        EGREGORA_LLM__BASE_URL=f"http://127.0.0.1:{server.server_port}/v1",
        EGREGORA_LLM__FETCH_URLS="false",
        EGREGORA_LLM__MAX_RETRIES="0",
    )
    try:
        for _ in range(2):  # two kills: both slots of the `llm` pool (limit 2) were held
            server.hits.clear()
            writer = subprocess.Popen(
                [*CLI, "write", str(DEMO_EXPORT), "--home", str(home)],
                env=hanging,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            assert server.hits.wait(300), "the writer never reached an LLM step"
            writer.send_signal(signal.SIGKILL)
            writer.wait()
        done = egregora("write", str(DEMO_EXPORT), "--home", str(home), "--json", env=clean_env(home), timeout=900)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    # Each write ends the runs killed before it: the second ended the first, the third the second.
    assert "Marked 1 interrupted earlier run(s) as failed" in done.stderr
    summary = last_json(done.stdout)
    assert summary["posts"] > 0 and Path(summary["sites"][0]).is_file()
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home / "dagster"))) as instance:
        statuses = [r.status for r in instance.get_runs()]
        assert statuses.count(DagsterRunStatus.FAILURE) == 2
        assert not [s for s in statuses if s in (DagsterRunStatus.STARTED, DagsterRunStatus.STARTING)]


def test_two_writers_into_one_home_both_complete(tmp_path):
    home = tmp_path / "home"
    other = write_txt(tmp_path, 1, 10, "Conversa do WhatsApp com Caminhadas.txt")
    writers = [
        subprocess.Popen(
            [*CLI, "write", str(path), "--home", str(home), "--json"],
            env=clean_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (DEMO_EXPORT, other)
    ]
    outputs = [w.communicate(timeout=900) for w in writers]
    for writer, (_out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err[-2000:]
        assert "Traceback" not in err and "Could not set lock" not in err
    assert any("Waiting for egregora write (pid" in err for _, err in outputs)
    groups = {last_json(out)["groups"][0] for out, _ in outputs}
    assert len(groups) == 2
    posted = {g for (g,) in query(home, 'SELECT DISTINCT "group" FROM documents')}
    assert posted == groups
    for group in groups:
        assert (home / "feeds" / f"{group}.atom.xml").is_file()
        assert (home / "sites" / group / "public" / "index.html").is_file()


def test_a_20_mb_message_is_written_in_bounded_memory(tmp_path):
    chat = tmp_path / "Conversa do WhatsApp com Longa.txt"
    huge = " ".join(f"palavra{i % 5000}" for i in range(2_000_000))  # about 20 MB, one message
    chat.write_text(f"01/09/2026 10:00 - Ana: oi\n01/09/2026 10:01 - Bia: {huge}\n01/09/2026 10:02 - Ana: ok\n")
    home = tmp_path / "home"
    script = (
        "import resource, subprocess, sys;"
        f"done = subprocess.run({[*CLI, 'write', str(chat), '--home', str(home), '--json']!r});"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=clean_env(home), capture_output=True, text=True, timeout=900
    )
    code, peak_mb = map(int, out.stdout.split()[-2:])
    assert code == 0, out.stderr[-2000:]
    assert peak_mb < 2000, f"peak {peak_mb} MB"  # 4.1 GB before the caps; about 1.6 GB measured with them


def test_a_failed_step_reads_as_one_line(tmp_path):
    home = tmp_path / "home"
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nothing listens on: every LLM call fails to connect
    port = closed.getsockname()[1]
    env = clean_env(
        home,
        EGREGORA_LLM__BASE_URL=f"http://127.0.0.1:{port}/v1",
        EGREGORA_LLM__MAX_RETRIES="0",
        EGREGORA_LLM__FETCH_URLS="false",
    )
    done = egregora("write", str(DEMO_EXPORT), "--home", str(home), "--json", env=env, timeout=900)
    closed.close()
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("egregora: failed: step posts failed:") and "Connection error" in lines[0]

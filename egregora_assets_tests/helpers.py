"""What many test files share: the CLI in-process or in a process of its own, its JSON summary, a
home's warehouse read-only, a post record."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import duckdb

from egregora_assets.cli import main
from egregora_assets.core.home import Home
from egregora_assets.core.models import Post

BRT = timezone(timedelta(hours=-3))
CLI = [sys.executable, "-m", "egregora_assets.cli"]


def run_json(*args: str) -> dict:
    """`egregora ARGS --json` in-process, which must succeed: its summary (the last stdout line)."""
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        assert main([*args, "--json"]) == 0
    return last_json(buffer.getvalue())


def egregora(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`egregora ARGS` in a process of its own (with `env`, or this one's environment), output as text."""
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout)


def last_json(out: str) -> dict:
    """A command's output's last line, parsed: the summary `--json` prints."""
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of `sql` on the home's DuckDB warehouse, opened read-only."""
    with duckdb.connect(str(Home(home).warehouse), read_only=True) as conn:
        return conn.execute(sql, params).fetchall()


def document(day: date, n: int = 0, *, hour: int = 21, tz: tzinfo = BRT, **changes) -> Post:
    """The `n`th post of `day` in the group "trilhas", published at `hour`; `changes` set any other field."""
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=tz)
    fields = dict(
        id=f"tag:egregora.local,2026:trilhas/{day}/{n}",
        group="trilhas",
        date=day,
        window_id=f"w{day.day}",
        title="Subida da Pedra Grande",
        slug=f"post-{day.day}",
        published=moment,
        updated=moment,
        authors=["Guará Azul", "Tatu Veloz"],
        summary="O grupo combinou a trilha.",
        content="O grupo **combinou** a trilha.\n\n- carona\n- lanterna\n",
        writer="offline-digest",
    )
    return Post(**{**fields, **changes})

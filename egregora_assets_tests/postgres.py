"""A throwaway PostgreSQL server from Debian's binaries: initdb and pg_ctl in a temporary folder, on 127.0.0.1."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg2

from egregora_assets_tests.helpers import free_port

INSTALL = "apt-get install postgresql (Debian's package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin)"


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    db: str

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.db}"

    def database(self, name: str) -> Postgres:
        """A new, empty database `name` on this server."""
        conn = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.db)
        conn.autocommit = True  # CREATE DATABASE refuses to run in a transaction
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return replace(self, db=name)

    def env(self) -> dict[str, str]:
        """The variables deploy/dagster-postgres.yaml reads its connection from."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USERNAME": self.user,
            "DAGSTER_PG_PASSWORD": "",
            "DAGSTER_PG_DB": self.db,
        }


def bin_dir(debian: Path = Path("/usr/lib/postgresql")) -> Path:
    """The folder of initdb and pg_ctl: Debian's newest version, else the PATH; raises if none."""
    found = sorted(debian.glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    raise FileNotFoundError(f"PostgreSQL's initdb and pg_ctl were not found: {INSTALL}")


def _as_server_user(folder: Path) -> list[str]:
    """The command prefix that runs the server: as `postgres` when we are root (it refuses root)."""
    if os.geteuid() != 0:
        return []
    owner = pwd.getpwnam("postgres")
    for path in (folder, *folder.rglob("*")):
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """A fresh server trusting local connections as `egregora`; stopped and deleted after."""
    pg = bin_dir()
    # Not under pytest's tmp_path: that is private to its owner, and the server may run as `postgres`.
    folder = Path(tempfile.mkdtemp(prefix="egregora-pg-"))
    data, port = folder / "data", free_port()
    run_as = _as_server_user(folder)

    def run(*args: str) -> None:
        done = subprocess.run([*run_as, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")

    try:
        run(str(pg / "initdb"), "-D", str(data), "-U", "egregora", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
        run(str(pg / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
        try:
            yield Postgres("127.0.0.1", port, "egregora", "postgres")
        finally:
            run(str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)

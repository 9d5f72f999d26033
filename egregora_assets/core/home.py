"""The home directory: where everything a run produces lives."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import posix

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class Home:
    """Paths under one home. `private/` holds what must never be published."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "egregora.duckdb"

    @property
    def private(self) -> Path:
        return self.root / "private"

    @property
    def staging(self) -> Path:
        # Raw (not yet anonymized) messages live apart from everything publishable.
        return self.private / "staging.duckdb"

    @property
    def secret(self) -> Path:
        return self.private / "secret.key"

    @property
    def aliases(self) -> Path:
        return self.private / "aliases.toml"

    def stamp(self, group: str) -> Path:
        """What the last complete write of a group computed from (see plan.py): no names."""
        return self.root / "stamps" / f"{group}.json"

    def audit_stamps(self, check: str) -> Path:
        """What a privacy check last found clean (keyed hashes, see anonymized_messages/audit.py)."""
        return self.private / "audits" / f"{check}.json"

    def owner_map(self, group: str) -> Path:
        # Real name -> pseudonym, kept so that a pseudonym never changes.
        return self.private / "pseudonyms" / f"{group}.json"

    @property
    def exports(self) -> Path:
        return self.private / "exports"

    @property
    def lancedb(self) -> Path:
        return self.root / "lancedb"

    @property
    def llm_cache(self) -> Path:
        return self.root / "cache" / "llm"

    def rendered_cache(self, group: str) -> Path:
        # The HTML each of the group's posts renders to in its feed, by a hash of its Markdown.
        return self.root / "cache" / "rendered" / f"{group}.json"

    @property
    def page_cache(self) -> Path:
        # Pages fetched for link descriptions, once per URL.
        return self.root / "cache" / "pages"

    @property
    def feeds(self) -> Path:
        return self.root / "feeds"

    @property
    def sites(self) -> Path:
        return self.root / "sites"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def dagster(self) -> Path:
        # The Dagster instance ($DAGSTER_HOME): runs of the CLI and of the UI are kept together.
        return self.root / "dagster"

    @property
    def write_lock(self) -> Path:
        # Held by the one process writing into the home.
        return self.root / ".write.lock"

    @property
    def analysis(self) -> Path:
        # Files for other tools (Parquet, CSV, SQLite), pseudonymized like the feed: <group>/...
        return self.root / "analysis"

    def media(self, group: str) -> Path:
        # Published images: metadata stripped, under names that reveal nothing.
        return self.root / "media" / group

    def feed(self, group: str) -> Path:
        return self.feeds / f"{group}.atom.xml"

    def site_project(self, group: str) -> Path:
        return self.sites / group / "project"

    def site_html(self, group: str) -> Path:
        return self.sites / group / "public"


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> bool:
    """Write `data` through a temporary file and a rename, so no reader ever sees half a file.

    Identical content is not rewritten (False is returned). `private` files are mode 0600."""
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True, **({"mode": 0o700} if private else {}))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if not private:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


@contextmanager
def home_lock(home: Home, console: Console | None) -> Iterator[None]:
    """One writer per home at a time: a second one waits, saying for whom, so no group is half-published."""
    home.root.mkdir(parents=True, exist_ok=True)
    with open(home.write_lock, "a+") as handle:
        if not posix.lock(handle, wait=False):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if console is not None:
                console.print(f"[yellow]Waiting for {holder}, which is writing into {home.root}…[/]")
            posix.lock(handle)  # the lock dies with its holder, even on kill -9
        handle.seek(0)
        handle.truncate()
        handle.write(f"egregora write (pid {os.getpid()})")
        handle.flush()
        yield


def writing(home: Home) -> bool:
    """Whether a write holds the home's lock now (a reader then leaves the databases to it)."""
    if not home.write_lock.is_file():
        return False
    with open(home.write_lock, "rb") as handle:
        if not posix.lock(handle, shared=True, wait=False):
            return True
        posix.unlock(handle)
    return False

"""The home directory: where everything a run produces lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
    def owner_map(self) -> Path:
        return self.private / "pseudonyms.json"

    @property
    def aliases(self) -> Path:
        return self.private / "aliases.toml"

    @property
    def exports(self) -> Path:
        return self.private / "exports"

    @property
    def lancedb(self) -> Path:
        return self.root / "lancedb"

    @property
    def llm_cache(self) -> Path:
        return self.root / "cache" / "llm"

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
        return self.root / "dagster"

    def feed(self, group: str) -> Path:
        return self.feeds / f"{group}.atom.xml"

    def site_project(self, group: str) -> Path:
        return self.sites / group / "project"

    def site_html(self, group: str) -> Path:
        return self.sites / group / "public"

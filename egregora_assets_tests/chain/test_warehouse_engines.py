"""The whole demo on each warehouse engine: PostgreSQL (one setting) gives the posts, feed and site DuckDB gives."""

from __future__ import annotations

import shutil

from egregora_assets.core.home import Home
from egregora_assets.core.tables import group_posts, groups_in
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets_tests.helpers import run_json

GROUP = "trilhas-da-serra"


def demo(home) -> dict:
    return run_json("demo", "--home", str(home))


def posts(url: str) -> list[dict]:
    with connect(url, read_only=url.startswith("duckdb")) as db:
        assert groups_in(db, "documents") == [GROUP]
        return [d.model_dump(exclude={"published", "updated"}) for d in group_posts(db, GROUP)]


def test_the_demo_on_postgres_matches_the_demo_on_duckdb(postgres, tmp_path, monkeypatch):
    on_duckdb = demo(tmp_path / "duckdb")
    # The same secret, so the same pseudonyms and ids.
    (tmp_path / "postgres" / "private").mkdir(parents=True)
    shutil.copy(Home(tmp_path / "duckdb").secret, Home(tmp_path / "postgres").secret)
    monkeypatch.setenv("EGREGORA_WAREHOUSE__URL", postgres.url)
    on_postgres = demo(tmp_path / "postgres")
    assert not (tmp_path / "postgres" / "egregora.duckdb").exists()  # nothing went to a DuckDB file
    for name in ("messages", "authors", "posts", "partitions"):
        assert on_postgres[name] == on_duckdb[name], name
    assert on_postgres["posts"] > 0
    assert posts(postgres.url) == posts(duckdb_url(tmp_path / "duckdb" / "egregora.duckdb"))
    feeds = [(tmp_path / h / "feeds" / f"{GROUP}.atom.xml").read_bytes() for h in ("duckdb", "postgres")]
    assert feeds[0] == feeds[1]
    pages = [sorted((tmp_path / h / "sites" / GROUP / "project" / "docs" / "blog" / "posts").glob("*.md")) for h in ("duckdb", "postgres")]  # fmt: skip
    assert [p.read_bytes() for p in pages[0]] == [p.read_bytes() for p in pages[1]] and pages[0]
    # Unchanged, a second run on PostgreSQL computes nothing.
    again = demo(tmp_path / "postgres")
    assert (again["partitions"], again["posts"]) == (0, on_postgres["posts"])

"""Shared pytest fixtures."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from egregora_assets.core.tables import WAREHOUSE_TABLES
from egregora_assets.core.warehouse import Database, connect, duckdb_url
from egregora_assets_tests.fake_openai import FakeOpenAI
from egregora_assets_tests.postgres import Postgres, bin_dir, running_postgres


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    """A running loopback OpenAI-compatible server replaying golden responses."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """A real PostgreSQL server from Debian's package for the session; missing binaries fail, never skip."""
    try:
        bin_dir()
    except FileNotFoundError as error:
        pytest.fail(str(error))
    with running_postgres() as server:
        yield server


@pytest.fixture
def postgres(postgres_server: Postgres, request) -> Postgres:
    """A fresh database of its own on the session's server."""
    return postgres_server.database(re.sub(r"\W+", "_", request.node.name).lower()[:40] + f"_{uuid.uuid4().hex[:8]}")


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_url(request, tmp_path) -> str:
    """The URL of an empty warehouse on each engine: a DuckDB file, and a PostgreSQL database."""
    if request.param == "duckdb":
        return duckdb_url(tmp_path / "warehouse.duckdb")
    return request.getfixturevalue("postgres").url


@pytest.fixture
def warehouse(warehouse_url: str) -> Iterator[Database]:
    """An open warehouse with the chain's tables, on each engine."""
    with connect(warehouse_url) as db:
        db.create(WAREHOUSE_TABLES)
        yield db

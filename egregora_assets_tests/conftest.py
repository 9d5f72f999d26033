"""Shared pytest fixtures."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

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

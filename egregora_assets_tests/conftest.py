"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from egregora_assets_tests.fake_openai import FakeOpenAI


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    """A running loopback OpenAI-compatible server replaying golden responses."""
    with FakeOpenAI() as server:
        yield server

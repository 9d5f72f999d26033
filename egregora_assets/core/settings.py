"""User settings: environment (`EGREGORA_...`, `__` for nesting) over `<home>/egregora.toml`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_HOME = Path("~/.egregora")


class LLMSettings(BaseModel):
    """An OpenAI-compatible chat API; without `base_url` the offline writer is used."""

    base_url: str | None = None
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    vision_model: str | None = None
    mode: Literal["json_schema", "json", "tools", "md_json"] = "json_schema"
    timeout: float = 60.0
    max_retries: int = 4
    max_output_tokens: int | None = None  # a cap on every answer, for slow local models
    price_in: float | None = None  # per million input tokens
    price_out: float | None = None
    allow_loopback_fetch: bool = False  # tests fetch pages from 127.0.0.1
    fetch_urls: bool = True


class EmbeddingSettings(BaseModel):
    """Where vectors come from: the packaged local MiniLM model, or an OpenAI-compatible API."""

    provider: Literal["local", "openai"] = "local"
    model: str = "all-MiniLM-L6-v2"
    base_url: str | None = None
    api_key: SecretStr = SecretStr("")
    dimensions: int = 384


class PrivacySettings(BaseModel):
    """Who opted out by configuration (real names or pseudonyms)."""

    opt_out: list[str] = []


class GroupSettings(BaseModel):
    """Per-group overrides, keyed by group slug in `[groups.<slug>]`."""

    timezone: str | None = None
    day_first: bool | None = None
    title: str | None = None


class Settings(BaseSettings):
    """Everything a user can configure."""

    model_config = SettingsConfigDict(
        env_prefix="EGREGORA_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = DEFAULT_HOME
    timezone: str = "UTC"
    window_tokens: int = 3000
    site_url: str | None = None
    llm: LLMSettings = LLMSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    privacy: PrivacySettings = PrivacySettings()
    groups: dict[str, GroupSettings] = {}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_home_from_env() / "egregora.toml")
        return (init_settings, env_settings, toml)

    def group(self, slug: str) -> GroupSettings:
        return self.groups.get(slug, GroupSettings())


def _home_from_env() -> Path:
    return Path(os.environ.get("EGREGORA_HOME") or DEFAULT_HOME).expanduser()


def load_settings(home: Path | None = None) -> Settings:
    """Settings for `home` (or `$EGREGORA_HOME`, or ~/.egregora), with the home made absolute."""
    if home is not None:
        os.environ["EGREGORA_HOME"] = str(Path(home).expanduser().resolve())
    settings = Settings()
    return settings.model_copy(update={"home": _home_from_env().resolve()})

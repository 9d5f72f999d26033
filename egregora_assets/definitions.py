"""The one Definitions of Egregora: the asset chain in data order, its checks, sensors and resources."""

from dagster import Definitions, in_process_executor

from .assets.anonymized_messages import anonymized_messages, no_real_identities
from .assets.atom_feed import atom_feed, nothing_identifying_published
from .assets.author_profiles import author_profiles, profiles_name_no_one
from .assets.embeddings import embeddings
from .assets.enrichments import enrichments
from .assets.mkdocs_site import mkdocs_site
from .assets.posts import citations_hold, posts
from .assets.rankings import rankings
from .assets.raw_exports import raw_exports
from .assets.sinks import archive_sqlite, documents_csv, documents_parquet
from .assets.transcripts import nothing_identifying_heard, transcripts
from .assets.windows import windows
from .core.settings import Settings, load_settings
from .resources import build_resources
from .sensors import inbox_sensor, publish_automation

# The analysis exports sit beside the feed (they read the posts) and share one module, assets/sinks.py.
SINKS = [documents_parquet, documents_csv, archive_sqlite]
CHAIN = [
    raw_exports, anonymized_messages, transcripts, windows, enrichments, embeddings, posts, rankings, author_profiles, atom_feed,
    *SINKS, mkdocs_site,
]  # fmt: skip
CHECKS = [
    no_real_identities,
    nothing_identifying_heard,
    citations_hold,
    profiles_name_no_one,
    nothing_identifying_published,
]


def build_definitions(settings: Settings) -> Definitions:
    return Definitions(
        assets=CHAIN,
        asset_checks=CHECKS,
        sensors=[inbox_sensor, publish_automation],
        resources=build_resources(settings),
        # The chain is a line, and a process per step would import the code and load the embedder again
        # for each step (seconds each); a run launched by the daemon or the UI is one process.
        executor=in_process_executor,
    )


defs = build_definitions(load_settings())

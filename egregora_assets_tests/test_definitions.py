"""The Definitions load, list the chain in data order, and pass `dagster definitions validate`."""

import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey

from egregora_assets.definitions import CHAIN, defs

REPO = Path(__file__).resolve().parent.parent
ORDER = [
    "raw_exports",
    "anonymized_messages",
    "transcripts",
    "windows",
    "enrichments",
    "embeddings",
    "posts",
    "rankings",
    "author_profiles",
    "atom_feed",
    "documents_parquet",
    "documents_csv",
    "archive_sqlite",
    "mkdocs_site",
]


def test_chain_is_listed_in_data_order():
    assert [a.key.to_user_string() for a in CHAIN] == ORDER


# What each asset reads, and so depends on; the chain order is a topological order of it.
READS = {
    "raw_exports": set(),
    "anonymized_messages": {"raw_exports"},
    "transcripts": {"anonymized_messages"},
    "windows": {"anonymized_messages", "transcripts"},
    "enrichments": {"windows"},
    "embeddings": {"windows"},
    "posts": {"windows", "enrichments", "embeddings", "anonymized_messages"},  # the offline tags: the other days
    "rankings": {"posts", "windows"},  # offline, the judge reads the posts' windows
    "author_profiles": {"anonymized_messages"},
    "atom_feed": {"posts", "rankings"},  # the feed can hold only the best-rated posts
    "documents_parquet": {"posts"},
    "documents_csv": {"posts"},
    "archive_sqlite": {"anonymized_messages", "posts"},
    "mkdocs_site": {"atom_feed", "posts", "anonymized_messages", "rankings", "author_profiles", "transcripts"},
}


def test_each_asset_depends_on_what_it_reads_and_the_chain_is_in_data_order():
    graph = defs.resolve_asset_graph()
    for name, reads in READS.items():
        assert {k.to_user_string() for k in graph.get(AssetKey(name)).parent_keys} == reads, name
        assert all(ORDER.index(r) < ORDER.index(name) for r in reads)


def test_checks_sensor_and_resources_are_wired():
    repo = defs.get_repository_def()
    assert {"no_real_identities", "profiles_name_no_one", "nothing_identifying_published"} <= {
        key.name for key in defs.resolve_asset_graph().asset_check_keys
    }
    assert "inbox_sensor" in {s.name for s in repo.sensor_defs}
    assert {
        "home",
        "settings",
        "staging",
        "warehouse",
        "vectors",
        "embedder",
        "llm",
        "prompts",
        "site_template",
    } <= set(repo.get_top_level_resources())


def test_dagster_definitions_validate(tmp_path):
    env = {**os.environ, "EGREGORA_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

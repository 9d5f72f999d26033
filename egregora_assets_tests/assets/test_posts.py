import re
from datetime import date

import duckdb
import lancedb

from egregora_assets.core.posts.records import PREVIEW_POSTS, opening, preview
from egregora_assets.core.tables import group_posts
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets.demo import DEMO_REAL_NAMES

from .conftest import DAY


def test_posts_are_documents_and_vectors(world):
    posts = world.run("posts")
    written = posts.metadata["posts"].value
    assert written >= 1 and posts.metadata["writer"].value == "offline-digest"
    assert world.count(world.home.warehouse, "SELECT count(*) FROM documents WHERE date = ?", DAY) == written
    table = lancedb.connect(str(world.home.lancedb)).open_table("vectors")
    assert table.count_rows(f"date = '{DAY}' AND kind = 'post'") == written

    # The run page's preview: each post's title, day and opening words, in Markdown, pseudonymized.
    shown = posts.metadata["preview"]
    assert type(shown).__name__ == "MarkdownMetadataValue"
    assert all(f"**{d.title}** · {DAY}" in shown.value for d in documents(world)[:PREVIEW_POSTS])
    assert shown.value.count("\n> ") == min(written, PREVIEW_POSTS)
    for name in DEMO_REAL_NAMES:
        assert not re.search(re.escape(name), shown.value, re.IGNORECASE), name
    # Nothing in the metadata lists partitions: a single run repeats it on each of its partitions.
    assert {"computed", "data_versions"}.isdisjoint(posts.metadata)


def test_preview_is_capped(world):
    world.run("posts")  # on its own (xdist may run it alone), not after the test above
    docs = documents(world)
    assert docs
    many = (docs * (PREVIEW_POSTS + 5))[: PREVIEW_POSTS + 5]
    text = preview(many, total=40)
    assert text.count("\n> ") == PREVIEW_POSTS and text.endswith(f"_… and {40 - PREVIEW_POSTS} more_")
    assert preview([], total=0) == "_no new posts_"
    assert len(opening("# Title\n\n![photo](media-1.jpg)\n" + "word " * 100)) <= 201
    assert (
        opening("# Title\n\n![photo](media-1.jpg)\n- **a-fox** (10:01): hi\n2. second")
        == "Title a-fox (10:01): hi second"
    )


def documents(world):
    with connect(duckdb_url(world.home.warehouse), read_only=True) as db:
        return [d for d in group_posts(db, world.group) if d.date == date.fromisoformat(DAY)]


def test_citations_hold_passes_then_blocks_a_misquote(world):
    from dagster import AssetSelection, materialize

    from egregora_assets.definitions import CHAIN, CHECKS

    world.run("posts")

    def check():
        result = materialize(
            [*CHAIN, *CHECKS],
            selection=AssetSelection.assets("posts"),  # with its checks; unchanged, it is skipped
            instance=world.instance,
            resources=world.resources,
            partition_key=world.key("posts"),
            raise_on_error=False,
        )
        (evaluation,) = result.get_asset_check_evaluations()
        return evaluation

    assert check().passed
    with duckdb.connect(str(world.home.warehouse)) as conn:
        conn.execute("UPDATE documents SET content = content || '\n\n> Ninguém disse isto.' WHERE date = ?", [DAY])
    failed = check()
    assert not failed.passed and failed.metadata["problems"].value >= 1
    assert "Ninguém" not in failed.metadata["first_problems"].value

import lancedb

from .conftest import DAY


def test_posts_are_documents_and_vectors(world):
    posts = world.run("posts")
    written = posts.metadata["posts"].value
    assert written >= 1 and posts.metadata["writer"].value == "offline-digest"
    assert world.count(world.home.warehouse, "SELECT count(*) FROM documents WHERE date = ?", DAY) == written
    table = lancedb.connect(str(world.home.lancedb)).open_table("vectors")
    assert table.count_rows(f"date = '{DAY}' AND kind = 'post'") == written


def test_citations_hold_passes_then_blocks_a_misquote(world):
    import duckdb
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

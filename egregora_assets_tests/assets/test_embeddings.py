import lancedb

from .conftest import DAY


def test_embeddings_store_a_vector_per_window(world):
    embedded = world.run("embeddings")
    table = lancedb.connect(str(world.home.lancedb)).open_table("vectors")
    windows = world.count(world.home.warehouse, "SELECT count(*) FROM windows WHERE date = ?", DAY)
    assert table.count_rows(f"date = '{DAY}' AND kind = 'window'") == embedded.metadata["vectors"].value == windows

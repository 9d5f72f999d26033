import lancedb

from .conftest import DAY


def test_posts_are_documents_and_vectors(world):
    posts = world.run("posts")
    written = posts.metadata["posts"].value
    assert written >= 1 and posts.metadata["writer"].value == "offline-digest"
    assert world.count(world.home.warehouse, "SELECT count(*) FROM documents WHERE date = ?", DAY) == written
    table = lancedb.connect(str(world.home.lancedb)).open_table("vectors")
    assert table.count_rows(f"date = '{DAY}' AND kind = 'post'") == written

"""The archive's reader: shown controls, cursors, checked citations, and retrieval that merges a post
with the window it was written from and drops what is unrelated (real DuckDB and LanceDB)."""

from __future__ import annotations

from datetime import date

import lancedb
import pyarrow as pa
import pytest

from egregora_assets.core import archive_reader as reader
from egregora_assets.core.ask import citations
from egregora_assets.core.tables import WAREHOUSE_TABLES, posts_table
from egregora_assets.core.text import visible
from egregora_assets.core.vectors import index_text, vector_schema
from egregora_assets.core.warehouse import connect, duckdb_url
from egregora_assets_tests.fake_openai import embed
from egregora_assets_tests.helpers import document


def test_visible_shows_bidi_zero_width_and_control_characters():
    assert (
        visible("abc\u202edef\u200b\u2066x\u2069\x1b[31m\x00")
        == "abc\\u202edef\\u200b\\u2066x\\u2069\\u001b[31m\\u0000"
    )
    assert visible("linha\n\tsegunda 👩\u200d👩") == "linha\n\tsegunda 👩\u200d👩"  # newlines, tabs, emoji joiners stay


def test_a_cursor_turns_the_page_of_its_own_search_only():
    cursor = reader.encode_cursor(20, "abc")
    assert reader.decode_cursor(cursor, "abc") == 20
    assert reader.decode_cursor(None, "abc") == 0
    for bad in (cursor, "not-base64!", reader.encode_cursor(-1, "other"), "W10"):
        with pytest.raises(reader.BadRequest, match="bad cursor"):
            reader.decode_cursor(bad, "other")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-09-01", date(2026, 9, 1)), (None, None), ("", None)],
)
def test_day_of(value, expected):
    assert reader.day_of(value, "since") == expected


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "01/09/2026"])
def test_day_of_refuses_what_is_no_day(value):
    with pytest.raises(reader.BadRequest, match=f"since: '{value}' is not a date; use YYYY-MM-DD"):
        reader.day_of(value, "since")


def test_citations_keep_only_the_passages_given():
    passages = [{"text": "Vamos sair às 7h da entrada do parque."}, {"text": "Levo a lanterna e o fogareiro."}]
    answer = "Saem às 7h [1], e alguém leva a lanterna [2][5].\n\n> Levo a lanterna e o fogareiro\n\n> Eu pago tudo"
    assert citations(answer, passages) == {"cited": [1, 2], "invalid": [5], "unsupported_quotes": 1}
    assert citations("Nada a citar.", []) == {"cited": [], "invalid": [], "unsupported_quotes": 0}


def test_retrieval_merges_a_post_with_its_window_and_drops_the_unrelated(tmp_path):
    day = date(2026, 9, 5)
    post = document(day, window_id="w5", title="Lanterna e fogareiro", content="Quem leva a lanterna e o fogareiro.")
    rows = [
        ("w5", "window", "", "tatu-veloz: quem leva a lanterna e o fogareiro no sábado?"),
        (post.id, "post", post.title, post.content),
        ("w6", "window", "", "guara-azul: o jogo de futebol de domingo empatou"),
        ("w7", "window", "", "guara-azul: a lanterna de cabeça ficou no carro"),
    ]
    data = [
        {
            "id": i,
            "group": "trilhas",
            "date": day.isoformat(),
            "kind": k,
            "title": t,
            "text": x,
            "url": "",
            "vector": embed(x, 384),
        }
        for i, k, t, x in rows
    ]
    table = lancedb.connect(tmp_path / "lancedb").create_table("vectors", schema=vector_schema(384), data=data)
    index_text(table)
    url = duckdb_url(tmp_path / "egregora.duckdb")
    with connect(url) as db:
        db.create(WAREHOUSE_TABLES)
        keys = pa.table({"group": ["trilhas"], "date": [day], "input_sig": ["s"], "output_hash": ["h"]})
        db.replace("posts", keys, {"documents": posts_table([post])})
    with connect(url, read_only=True) as db:
        question = "Quem leva a lanterna?"
        found = reader.retrieve(db, table, embed(question, 384), question, k=8)
    assert [h["id"] for h in found][:1] == [post.id]  # the post, not the window it was written from
    assert "w5" not in {h["id"] for h in found} and "w7" in {h["id"] for h in found}
    assert "w6" not in {h["id"] for h in found}  # neither similar nor saying a word of the question

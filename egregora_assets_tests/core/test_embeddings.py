"""Hybrid retrieval over a real LanceDB directory with the real default local embeddings."""

from __future__ import annotations

import lancedb
import pytest

from egregora_assets.core.embeddings import hybrid_search, search_terms
from egregora_assets.core.local_model import DIMENSIONS, local_model
from egregora_assets.core.vectors import index_text, vector_schema

SCHEMA = vector_schema(DIMENSIONS)

# (id, group, date, kind, title, text)
PASSAGES = [
    ("w1", "g1", "2024-01-05", "window", "",
     "Member-3fa: alguém sabe consertar a corrente da bicicleta? A minha saiu na subida."),
    ("w2", "g1", "2024-01-06", "window", "",
     "Member-9bc: fiz um bolo de cenoura com cobertura de chocolate, a receita é da minha avó."),
    ("p1", "g1", "2024-01-10", "post", "Caminhada em Sintra",
     "O grupo combinou uma trilha pela serra de Sintra no sábado, com piquenique."),
    ("w3", "g1", "2024-01-12", "window", "",
     "Member-3fa: o Zorblax novo saiu, alguém já instalou no computador?"),
    ("w4", "g1", "2024-02-01", "window", "",
     "Member-71d: comprei uma corrente nova para a bicicleta e lubrifiquei tudo."),
    ("w5", "g2", "2024-01-05", "window", "",
     "Member-c02: my bike chain fell off again on the hill, how do I fix it?"),
    ("w6", "g2", "2024-01-07", "window", "",
     "Member-c02: the football match on Sunday was a draw."),
]  # fmt: skip


@pytest.fixture(scope="module")
def model():
    return local_model()


def embed(model, text: str) -> list[float]:
    return model.encode([text])[0].tolist()


@pytest.fixture(scope="module")
def rows(model):
    vectors = model.encode([p[5] for p in PASSAGES])
    keys = ("id", "group", "date", "kind", "title", "text")
    return [dict(zip(keys, p), url="", vector=v.tolist()) for p, v in zip(PASSAGES, vectors)]


@pytest.fixture(scope="module")
def table(rows, tmp_path_factory):
    db = lancedb.connect(tmp_path_factory.mktemp("home") / "lancedb")
    table = db.create_table("vectors", schema=SCHEMA, data=rows)
    index_text(table)
    return table


@pytest.fixture
def unindexed(rows, tmp_path):
    return lancedb.connect(tmp_path / "lancedb").create_table("vectors", schema=SCHEMA, data=rows)


def ask(model, table, question, **kwargs):
    kwargs.setdefault("group", None)
    return hybrid_search(table, embed(model, question), search_terms(question), **kwargs)


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("O que o grupo falou sobre a corrente da bicicleta?", "corrente bicicleta"),
        ("Voce sabe quando é a caminhada? Não lembro da caminhada", "caminhada lembro"),
        ("What did they say about the bike chain?", "bike chain"),
        ("¿Qué dijeron sobre la receta del pastel de 2023?", "receta pastel 2023"),
        ("o que é isso?", ""),
    ],
)
def test_search_terms(question, terms):
    assert search_terms(question) == terms


def test_relevant_passage_comes_first(model, table):
    results = ask(model, table, "Qual era a receita do bolo de cenoura?", group="g1")
    assert results[0]["id"] == "w2"
    assert set(results[0]) == {"id", "group", "date", "kind", "title", "text", "url", "score", "similarity"}
    assert 0 < results[0]["similarity"] <= 1
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_group_filter(model, table):
    results = ask(model, table, "How do I fix my bike chain?", group="g2")
    assert results[0]["id"] == "w5"
    assert {r["group"] for r in results} == {"g2"}
    assert len(results) == 2


def test_before_filter_keeps_only_the_past(model, table):
    question = "corrente da bicicleta"
    everything = [r["id"] for r in ask(model, table, question, group="g1")]
    past = ask(model, table, question, group="g1", before="2024-01-10")
    assert "w4" in everything
    assert past[0]["id"] == "w1"
    assert all(r["date"] < "2024-01-10" for r in past)
    assert {r["id"] for r in past} == {"w1", "w2"}


def test_k_and_no_group(model, table):
    results = ask(model, table, "bicicleta bike", k=3)
    assert len(results) == 3
    assert {r["id"] for r in results} <= {p[0] for p in PASSAGES}


def test_terms_rescue_a_passage_the_vector_misses(model, table, unindexed):
    # The vector points elsewhere (football); only the words know about "Zorblax".
    vector = embed(model, "football match on Sunday")
    assert hybrid_search(table, vector, "", group=None)[0]["id"] == "w6"
    hybrid = hybrid_search(table, vector, "zorblax", group=None)
    without_index = hybrid_search(unindexed, vector, "zorblax", group=None)
    assert hybrid[0]["id"] == without_index[0]["id"] == "w3"
    # The full-text ranking adds exactly one first-place vote to the fused score.
    assert hybrid[0]["score"] - without_index[0]["score"] == pytest.approx(1 / 61, abs=1e-5)


def test_without_index_it_is_vector_only(model, unindexed):
    results = ask(model, unindexed, "receita de bolo de cenoura", group="g1")
    assert results[0]["id"] == "w2"


def test_quotes_in_filters_are_escaped(model, table):
    assert ask(model, table, "bicicleta", group="g1' OR '1'='1") == []


def test_empty_table(model, tmp_path):
    empty = lancedb.connect(tmp_path / "lancedb").create_table("vectors", schema=SCHEMA)
    assert ask(model, empty, "corrente da bicicleta", group="g1") == []
    index_text(empty)
    assert ask(model, empty, "corrente da bicicleta", group="g1") == []


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"kind": "post"}, {"p1"}),
        ({"since": "2024-01-10"}, {"p1", "w3", "w4"}),
        ({"until": "2024-01-06", "group": "g1"}, {"w1", "w2"}),
        ({"since": "2024-01-06", "until": "2024-01-07", "kind": "window"}, {"w2", "w6"}),
    ],
)
def test_filters_by_kind_and_day_span(model, table, filters, ids):
    assert {h["id"] for h in ask(model, table, "bicicleta", k=10, **filters)} == ids

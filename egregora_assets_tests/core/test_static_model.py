"""The static model derived from the packaged MiniLM: derived once, then a lookup that ranks like MiniLM."""

from __future__ import annotations

import numpy as np

from egregora_assets.core import static_model as sm


def test_vectors_are_derived_once_and_kept(tmp_path, monkeypatch):
    calls = []

    def derive(source):
        calls.append(source)
        return np.ones((4, 3), np.float32)

    monkeypatch.setattr(sm, "derive", derive)
    path = sm.cache_file(sm.source_dir(), tmp_path)
    first = sm.load_vectors(sm.source_dir(), path)
    second = sm.load_vectors(sm.source_dir(), path)
    assert len(calls) == 1 and path.exists() and (first == second).all()
    assert not list(tmp_path.glob("*.tmp.npy"))


def test_texts_of_any_length_become_unit_vectors_that_rank_by_meaning():
    model = sm.static_model()
    texts = [
        "alguém sabe consertar a corrente da bicicleta? saiu na subida",
        "comprei uma corrente nova para a bicicleta",
        "fiz um bolo de cenoura com cobertura de chocolate",
        "",
        "trilha " * 5000,  # far past MiniLM's 256 pieces
    ]
    vectors = model.encode(texts)
    assert vectors.shape == (5, 384)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[[0, 1, 2, 4]], 1, atol=1e-5) and norms[3] == 0
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert (model.encode(texts[:1]) == vectors[:1]).all()  # the same text, the same vector

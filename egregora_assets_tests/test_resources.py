"""The vector store on real LanceDB: an ANN index appears past its threshold, search stays right, in a folder or S3."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import boto3
import numpy as np
import pytest
from pydantic import BaseModel, SecretStr

from egregora_assets.core.embeddings import hybrid_search
from egregora_assets.core.settings import (
    BadSettings,
    EmbeddingSettings,
    GroupSettings,
    LLMSettings,
    PrivacySettings,
    Settings,
    load_settings,
)
from egregora_assets.core.vectors import VECTOR_INDEX
from egregora_assets.resources import ChainSettings, Embedder, GroupConfig, LLMResource, VectorStore, build_resources
from egregora_assets_tests.helpers import free_port

DIM = 32
THRESHOLD = 1_000  # the store's ann_min_rows, lowered so a test table crosses it


def unit_vectors(rows: int, seed: int) -> np.ndarray:
    """Clustered unit vectors, like sentence embeddings in topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(2, rows // 50), DIM))
    points = centres[rng.integers(len(centres), size=rows)] + 0.5 * rng.standard_normal((rows, DIM))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def fill(store: VectorStore, group: str, days: int, per_day: int, seed: int) -> dict[str, np.ndarray]:
    """`days` partitions of `per_day` window vectors of one group, written as the embeddings asset does."""
    vectors = unit_vectors(days * per_day, seed)
    keys, rows = [], []
    for d in range(days):
        day = date(2024, 1 + d // 28, 1 + d % 28)
        keys.append((group, day))
        rows += [
            {"id": f"{group}-{day}-{i}", "group": group, "date": day.isoformat(), "kind": "window", "title": "",
             "text": f"passage {i}", "url": ""}
            for i in range(per_day)
        ]  # fmt: skip
    store.replace_days("window", keys, rows, vectors)  # one write for the run's days
    return {r["id"]: v for r, v in zip(rows, vectors)}


def exact_top(vectors: dict[str, np.ndarray], query: np.ndarray, k: int) -> list[str]:
    ids = list(vectors)
    scores = np.stack([vectors[i] for i in ids]) @ query
    return [ids[i] for i in np.argsort(-scores)[:k]]


def vector_indexes(store: VectorStore) -> list[str]:
    return [i.index_type for i in store.table().list_indices() if i.name == VECTOR_INDEX]


@pytest.fixture
def store(tmp_path) -> VectorStore:
    return VectorStore(uri=str(tmp_path / "lancedb"), dimensions=DIM, ann_min_rows=THRESHOLD)


def test_small_tables_get_no_vector_index(store):
    assert store.index_text() is None  # empty
    fill(store, "g1", days=3, per_day=20, seed=1)
    assert store.index_text() is None
    assert vector_indexes(store) == []


def test_index_is_created_past_the_threshold_and_search_stays_exact_within_a_group(store):
    small = fill(store, "g1", days=4, per_day=15, seed=1)  # 60 rows: one small group in a big table
    big = fill(store, "g2", days=40, per_day=30, seed=2)  # 1,200 rows: past the threshold
    assert store.index_text() == "created"
    assert vector_indexes(store) == ["IvfHnswSq"]
    stats = store.table().index_stats(VECTOR_INDEX)
    assert (stats.num_indexed_rows, stats.num_unindexed_rows) == (len(small) + len(big), 0)

    table = store.table()
    queries = unit_vectors(20, seed=3)
    for q in queries:  # a narrow filter (5% of the rows) through the index: the exact answer
        hits = hybrid_search(table, q.tolist(), "", group="g1", k=8)
        assert [h["id"] for h in hits] == exact_top(small, q, 8)
    found = [
        len({h["id"] for h in hybrid_search(table, q.tolist(), "", group="g2", k=8)} & set(exact_top(big, q, 8)))
        for q in queries
    ]
    assert sum(found) / (8 * len(queries)) >= 0.95  # approximate over the big group, recall@8


def test_rows_added_after_the_index_are_found_then_folded_into_it(store):
    fill(store, "g2", days=40, per_day=30, seed=2)
    assert store.index_text() == "created"
    late = fill(store, "g3", days=2, per_day=20, seed=4)  # 40 new rows, under a tenth of the table
    assert store.index_text() is None
    table = store.table()
    q = next(iter(late.values()))
    assert hybrid_search(table, q.tolist(), "", group="g3", k=5)[0]["id"] == exact_top(late, q, 1)[0]
    more = fill(store, "g4", days=10, per_day=20, seed=5)  # now past a tenth: optimized
    assert store.index_text() == "optimized"
    stats = store.table().index_stats(VECTOR_INDEX)
    assert stats.num_unindexed_rows == 0 and stats.num_indexed_rows == 1_200 + len(late) + len(more)


@pytest.fixture
def object_store(monkeypatch) -> Iterator[str]:
    """An S3-compatible server on 127.0.0.1 (moto) with an empty bucket; LanceDB reaches it through AWS_*."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
           "AWS_ENDPOINT": f"http://127.0.0.1:{port}", "AWS_ALLOW_HTTP": "true"}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=env["AWS_ENDPOINT"]).create_bucket(Bucket="egregora")
    try:
        yield "s3://egregora/home/lancedb"
    finally:
        server.stop()


def test_vectors_in_an_object_store_are_indexed_and_searched(object_store, tmp_path, monkeypatch):
    monkeypatch.setenv("EGREGORA_VECTORS__URI", object_store)
    store = build_resources(load_settings(tmp_path))["vectors"]
    assert store.uri == object_store
    store = store.model_copy(update={"dimensions": DIM, "ann_min_rows": 200})
    small = fill(store, "g1", days=2, per_day=10, seed=1)
    fill(store, "g2", days=10, per_day=20, seed=2)
    assert store.index_text() == "created"
    q = unit_vectors(1, seed=3)[0]
    assert [h["id"] for h in hybrid_search(store.table(), q.tolist(), "", group="g1", k=5)] == exact_top(small, q, 5)
    assert not (tmp_path / "lancedb").exists()  # nothing went to the home


@pytest.mark.parametrize("uri", [None, "s3://bucket/egregora/lancedb", "/srv/vectors"])
def test_vectors_uri_setting(uri, tmp_path, monkeypatch):
    if uri:
        monkeypatch.setenv("EGREGORA_VECTORS__URI", uri)
    settings = load_settings(tmp_path)
    assert build_resources(settings)["vectors"].uri == (uri or str(settings.home / "lancedb"))


def test_vectors_uri_with_an_unknown_scheme_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("EGREGORA_VECTORS__URI", "ftp://host/lancedb")
    with pytest.raises(BadSettings, match=r"^setting vectors\.uri \(EGREGORA_VECTORS__URI"):
        load_settings(tmp_path)


def test_warehouse_url_setting(tmp_path, monkeypatch):
    settings = load_settings(tmp_path)
    assert build_resources(settings)["warehouse"].url == f"duckdb://{(settings.home / 'egregora.duckdb').resolve()}"
    monkeypatch.setenv("EGREGORA_WAREHOUSE__URL", "postgres://egregora:secret@db:5432/egregora")
    warehouse = build_resources(load_settings(tmp_path))["warehouse"]
    assert "secret" not in repr(warehouse)  # Dagster shows the variable's name, never the password
    assert warehouse.url.get_value() == "postgres://egregora:secret@db:5432/egregora"
    assert build_resources(load_settings(tmp_path))["staging"].url.startswith("duckdb://")  # real names stay here


def test_warehouse_url_with_an_unknown_engine_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("EGREGORA_WAREHOUSE__URL", "mysql://u@h/db")
    with pytest.raises(
        BadSettings, match=r"^setting warehouse\.url \(EGREGORA_WAREHOUSE__URL.*duckdb:// or postgres://"
    ):
        load_settings(tmp_path)


def test_a_group_language_reaches_the_chain_and_an_unknown_one_is_refused(tmp_path):
    (tmp_path / "egregora.toml").write_text('[groups.trilhas]\nlanguage = "de"\n')
    chain = build_resources(load_settings(tmp_path))["settings"]
    assert chain.group("trilhas").language == "de" and chain.group("other").language is None
    (tmp_path / "egregora.toml").write_text('[groups.trilhas]\nlanguage = "nl"\n')  # recognized, not spoken
    assert load_settings(tmp_path).groups["trilhas"].language == "nl"
    (tmp_path / "egregora.toml").write_text('[groups.trilhas]\nlanguage = "xx"\n')
    with pytest.raises(BadSettings, match=r"^setting groups\.trilhas\.language .*unknown language 'xx'"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("toml", "env", "named"),
    [
        ('timezon = "UTC"\n', {}, r"egregora\.toml: unknown setting 'timezon'"),
        ("[llm]\nprice_input = 1.0\n", {}, r"^setting llm\.price_input .*unknown setting"),
        ('[groups.trilhas]\nlanguge = "de"\n', {}, r"^setting groups\.trilhas\.languge .*unknown setting"),
        (
            "",
            {"EGREGORA_LLM__MAX_REQUEST": "5"},
            r"^setting llm\.max_request \(EGREGORA_LLM__MAX_REQUEST.*unknown setting",
        ),
    ],
)
def test_a_misspelled_setting_is_named_not_ignored(toml, env, named, tmp_path, monkeypatch):
    (tmp_path / "egregora.toml").write_text(toml)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(BadSettings, match=named):
        load_settings(tmp_path)


def plain(annotation: Any) -> Any:
    """A type as a resource declares it: without validators (Annotated), unions as sets, secrets as
    `str` and each settings model as the Config that mirrors it."""
    mirrored = {SecretStr: str, GroupSettings: GroupConfig}
    if get_origin(annotation) is Annotated:
        return plain(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return frozenset(plain(a) for a in get_args(annotation))
    if get_args(annotation):
        return get_origin(annotation), tuple(plain(a) for a in get_args(annotation))
    return mirrored.get(annotation, annotation)


def fields(model: type[BaseModel], names: set[str] | None = None) -> dict[str, tuple[Any, Any]]:
    """Name -> (type, default) of a model's fields (or of `names`), a secret's default as its value."""
    return {
        name: (plain(f.annotation), f.default.get_secret_value() if isinstance(f.default, SecretStr) else f.default)
        for name, f in model.model_fields.items()
        if names is None or name in names
    }


# Each resource, the settings it mirrors (all of a model's fields, or the named ones), and its own fields.
MIRRORS = [
    (GroupConfig, [fields(GroupSettings)], {}),
    (Embedder, [fields(EmbeddingSettings)], {}),
    (LLMResource, [fields(LLMSettings)], {"cache_dir": (str, "")}),
    (
        ChainSettings,
        [fields(Settings, {"timezone", "window_tokens", "site_url", "feed_top", "groups"}), fields(PrivacySettings)],
        {},
    ),
]


@pytest.mark.parametrize(("resource", "mirrored", "own"), MIRRORS, ids=lambda m: getattr(m, "__name__", ""))
def test_resources_declare_the_fields_of_the_settings_they_mirror(resource, mirrored, own):
    expected = {name: field for found in mirrored for name, field in found.items()} | own
    assert fields(resource) == expected


def test_every_setting_reaches_its_resource_and_keys_stay_in_the_environment(tmp_path, monkeypatch):
    (tmp_path / "egregora.toml").write_text(
        'timezone = "Europe/Lisbon"\nwindow_tokens = 500\nfeed_top = 7\n[privacy]\nopt_out = ["Ana"]\n'
        '[groups.trilhas]\nday_first = true\nfeed_top = 2\n[llm]\nmodel = "m"\nmode = "tools"\ntimeout = 5\n'
        '[embeddings]\nprovider = "openai"\ndimensions = 8\n'
    )
    monkeypatch.setenv("EGREGORA_LLM__API_KEY", "sk-llm")
    monkeypatch.setenv("EGREGORA_EMBEDDINGS__API_KEY", "sk-embed")
    settings = load_settings(tmp_path)
    resources = build_resources(settings)
    chain = resources["settings"]
    assert (chain.timezone, chain.window_tokens, chain.feed_top, chain.opt_out) == ("Europe/Lisbon", 500, 7, ["Ana"])
    assert chain.group("trilhas") == GroupSettings(day_first=True, feed_top=2) and chain.feed_top_of("trilhas") == 2
    llm, embedder = resources["llm"], resources["embedder"]
    assert (llm.model, llm.mode, llm.timeout, llm.cache_dir) == (
        "m",
        "tools",
        5.0,
        str(settings.home / "cache" / "llm"),
    )
    assert (embedder.provider, embedder.dimensions, resources["vectors"].dimensions) == ("openai", 8, 8)
    for resource, key in ((llm, "sk-llm"), (embedder, "sk-embed")):  # Dagster shows the variable's name
        assert key not in repr(resource) and resource.api_key.get_value() == key
    outside = build_resources(settings, outside_dagster=True)  # `egregora ask` gets the values themselves
    assert (outside["llm"].api_key, outside["embedder"].api_key) == ("sk-llm", "sk-embed")

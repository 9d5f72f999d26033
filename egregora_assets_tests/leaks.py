"""Where a home may hold a value: every table, vector, output file and analysis export, decoded."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import lancedb
import pyarrow.parquet as pq

from egregora_assets_tests.helpers import query


def home_texts(home: Path) -> dict[str, str]:
    """Everything a home holds outside `private/`, as text per place: each warehouse table and
    LanceDB table dumped whole, each output file's bytes (decoded loosely), and the analysis
    exports decoded (Parquet compresses its pages, so its bytes would hide a name)."""
    found: dict[str, str] = {}
    for (table,) in query(home, "SELECT table_name FROM information_schema.tables"):
        rows = query(home, f'SELECT * FROM "{table}"')
        found[f"table {table}"] = json.dumps(rows, default=str, ensure_ascii=False)
    vectors = lancedb.connect(str(home / "lancedb"))
    for name in vectors.list_tables().tables:
        rows = vectors.open_table(name).to_arrow().drop_columns(["vector"]).to_pylist()
        found[f"lancedb {name}"] = json.dumps(rows, default=str, ensure_ascii=False)
    for path in sorted(home.rglob("*")):
        if path.is_file() and "private" not in path.relative_to(home).parts:
            found[f"file {path.relative_to(home)}"] = path.read_bytes().decode("utf-8", "replace")
    for path in sorted((home / "analysis").rglob("*.parquet")):
        found[f"decoded {path.name}"] = json.dumps(pq.read_table(path).to_pylist(), default=str, ensure_ascii=False)
    for path in sorted((home / "analysis").rglob("*.sqlite")):
        with contextlib.closing(sqlite3.connect(path)) as db:
            found[f"decoded {path.name}"] = "\n".join(db.iterdump())
    return found


def leaks(texts: dict[str, str], values: list[str]) -> list[str]:
    """`value in place` for every value found somewhere, as written or JSON-escaped (as Dagster
    stores its event records: "Zo\\u00eb")."""
    forms = {v: {v, json.dumps(v)[1:-1]} for v in values}
    return [f"{v!r} in {place}" for place, text in texts.items() for v in values if any(f in text for f in forms[v])]

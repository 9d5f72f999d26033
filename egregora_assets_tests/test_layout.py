"""The layout the README promises: a pure core that never imports Dagster, one asset module per link."""

import ast
from pathlib import Path

from egregora_assets.definitions import CHAIN, SINKS

PACKAGE = Path(__file__).resolve().parents[1] / "egregora_assets"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if not node.level else "." * node.level + node.module)
    return names


def test_core_never_imports_dagster():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p) if m.split(".")[0].startswith("dagster"))
        for p in (PACKAGE / "core").rglob("*.py")
    }
    assert {p: m for p, m in offenders.items() if m} == {}


def test_core_imports_nothing_outside_core():
    # Relative imports climbing above core/ would reach the assets, resources or the CLI.
    for path in (PACKAGE / "core").rglob("*.py"):
        depth = len(path.relative_to(PACKAGE / "core").parts)  # 1 for core/x.py, 2 for core/stage/x.py
        climbs = {m for m in imported_modules(path) if m.startswith(".") and len(m) - len(m.lstrip(".")) > depth}
        assert not climbs, (path, climbs)
        assert not {m for m in imported_modules(path) if m.startswith("egregora_assets.") and ".core" not in m}, path


def test_one_asset_module_per_link_named_after_it():
    for asset in CHAIN:
        name = "sinks" if asset in SINKS else asset.key.to_user_string()  # the exports share one module
        assert (PACKAGE / "assets" / f"{name}.py").is_file(), name
        assert asset.op.compute_fn.decorated_fn.__module__ == f"egregora_assets.assets.{name}"
        assert (PACKAGE / "core" / f"{name}.py").is_file() or (PACKAGE / "core" / name).is_dir(), name

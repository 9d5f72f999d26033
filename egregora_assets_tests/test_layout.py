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


def stage_of(module: str) -> str | None:
    """The stage a core module belongs to (`posts.records` -> posts), or None for a shared one."""
    stages = {"sinks" if a in SINKS else a.key.to_user_string() for a in CHAIN}
    head = module.split(".")[0]
    return head if head in stages else None


def core_imports(path: Path) -> set[str]:
    """The core modules `path` imports, dotted below core (`posts.records`, `text`)."""
    here = list(path.relative_to(PACKAGE / "core").with_suffix("").parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:  # `from ..text import x`, `from . import site_text`
            base = here[: len(here) - node.level]
            tails = [node.module.split(".")] if node.module else [[a.name] for a in node.names]
            names = [["egregora_assets", "core", *base, *tail] for tail in tails]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        found |= {".".join(n[2:]) for n in names if n[:2] == ["egregora_assets", "core"]}
    return found


# What may still reach across, and why.
ALLOWED = {
    # Publishing a day's images reads them from the staged exports, through the export reader's
    # zip checks: the data flow itself.
    ("anonymized_messages.media", "raw_exports.archive"),
    # The archive's reader (the MCP server, `egregora serve`) searches as the writer's retrieval and
    # `egregora ask` do: the one hybrid search, which the embeddings stage's module holds.
    ("archive_reader", "embeddings"),
    # What was said aloud is redacted as typed text is: the one redaction, with the roster of real
    # names that only ingestion holds.
    ("transcripts", "anonymized_messages.redact"),
    ("transcripts", "anonymized_messages.pseudonyms"),
}


def reaching_imports() -> set[tuple[str, str]]:
    """(importer, imported) pairs inside core where a stage imports another stage's module, or a
    shared module imports a stage: shared words live below the stages that use them."""
    pairs = set()
    for path in (PACKAGE / "core").rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE / "core").with_suffix("").parts)
        for imported in core_imports(path):
            if stage_of(imported) is not None and stage_of(imported) != stage_of(module):
                pairs.add((module, imported))
    return pairs


def test_stages_import_only_shared_modules():
    assert reaching_imports() - ALLOWED == set()

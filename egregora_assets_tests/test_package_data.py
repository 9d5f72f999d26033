"""The package carries what it reads at run time, and never looks for the checkout around it."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from egregora_assets import package_data

PACKAGE = Path(package_data.__file__).parent
CHECKOUT = PACKAGE.parent


def shipped(path: Path) -> bool:
    """Whether pyproject's package-data (or being Python) puts `path` into the wheel."""
    patterns = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    relative = path.relative_to(PACKAGE).as_posix()
    return path.suffix == ".py" or any(
        fnmatch(relative, p) or (p.endswith("/**/*") and relative.startswith(p[:-4]))
        for p in patterns["egregora_assets"]
    )


def test_run_time_files_are_inside_the_package_and_in_the_wheel():
    files = [package_data.INSTANCE_YAML, *package_data.PROMPTS.rglob("*"), *package_data.SITE_TEMPLATE.rglob("*")]
    files = [f for f in files if f.is_file() and "__pycache__" not in f.parts]
    assert len(files) > 10 and package_data.INSTANCE_YAML.is_file()
    assert (package_data.PROMPTS / "writer.md.j2").is_file() and (package_data.SITE_TEMPLATE / "hooks.py").is_file()
    for path in files:
        assert path.resolve().is_relative_to(PACKAGE.resolve()), path
        assert shipped(path), f"{path} is read at run time but pyproject's package-data leaves it out"
    # The whole package's data files, too (a new data file must be named in pyproject).
    data = [
        p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in {".toml", ".j2", ".yaml", ".zip", ".css", ".html"}
    ]
    assert all(shipped(p) for p in data), [p for p in data if not shipped(p)]


def test_no_code_looks_for_the_checkout():
    # A wheel has no checkout around it: no module may climb above the package to find a file.
    climbing = re.compile(r"parents\[\d\]|\.parent\.parent|__file__\)\.resolve\(\)\.parents")
    offenders = [
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if climbing.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_tests_are_not_a_package_of_the_wheel():
    find = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert not any(fnmatch("egregora_assets_tests", pattern) for pattern in find["include"])


def test_the_checkout_links_to_the_package_files():
    # The documented layout: prompts/, site/ and dagster.yaml at the top are the package's own.
    for name, target in (("prompts", package_data.PROMPTS), ("site", package_data.SITE_TEMPLATE)):
        assert (CHECKOUT / name).resolve() == target.resolve()
    assert (CHECKOUT / "dagster.yaml").resolve() == package_data.INSTANCE_YAML.resolve()


def test_the_command_line_starts_without_the_checkout(tmp_path):
    # From another folder, with the checkout off sys.path but for the package itself.
    code = "from egregora_assets.cli import main; raise SystemExit(main(['parse', '--help']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

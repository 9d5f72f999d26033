"""The files the program reads at run time, shipped inside the package and found through it.

A checkout keeps `prompts/`, `site/` and `dagster.yaml` at its top level as links to these, so
an installed wheel and a checkout read the same files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Installed as files (a wheel or an editable checkout, never a zip): mkdocs and Dagster need paths.
ROOT = Path(str(files("egregora_assets")))
PROMPTS = ROOT / "prompts"
SITE_TEMPLATE = ROOT / "site"
INSTANCE_YAML = ROOT / "dagster.yaml"  # the Dagster instance template, copied into each home
WORKSPACE_YAML = """\
# Written by egregora: the code location `egregora ui` serves (the installed package).
load_from:
  - python_module:
      module_name: egregora_assets.definitions
      location_name: egregora
"""

"""The prompt templates: one Jinja file per LLM call, each declaring the variables it takes."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from .text import voice_label

SUFFIX = ".md.j2"
USER_SEPARATOR = "--- user ---"  # the line between a template's system and user parts
_VARS = re.compile(r"\{#\s*vars:(?P<names>[^#]*)#\}")


@lru_cache(maxsize=8)
def _environment(prompts_dir: str) -> jinja2.Environment:
    # auto_reload (the default) re-reads a template whose file changed, so edits take effect.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompts_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters["voice_label"] = voice_label  # "voice note, 0:42", as the site marks it
    return environment


def declared_variables(prompts_dir: Path, name: str) -> set[str]:
    """The variables a template declares in its first line, `{# vars: a, b #}`."""
    first_line = (Path(prompts_dir) / f"{name}{SUFFIX}").read_text(encoding="utf-8").split("\n", 1)[0]
    match = _VARS.fullmatch(first_line.strip())
    if match is None:
        raise ValueError(f"prompt {name!r} must start with a line like '{{# vars: a, b #}}'")
    return {part.strip() for part in match["names"].split(",") if part.strip()}


def render(prompts_dir: Path, name: str, **variables: Any) -> str:
    """The text of template `name` rendered with exactly its declared variables."""
    declared = declared_variables(prompts_dir, name)
    missing, extra = declared - variables.keys(), variables.keys() - declared
    if missing or extra:
        raise TypeError(f"prompt {name!r}: missing variables {sorted(missing)}, unexpected {sorted(extra)}")
    template = _environment(str(prompts_dir)).get_template(f"{name}{SUFFIX}")
    return template.render(**variables).strip() + "\n"


def chat_messages(prompts_dir: Path, name: str, **variables: Any) -> list[dict]:
    """The rendered template as chat messages: a system part and a user part."""
    text = render(prompts_dir, name, **variables)
    # Split at the first separator only: the system part is fixed text, so a separator-like
    # line inside a chat message (in the user part) cannot move the split.
    system, sep, user = text.partition(f"\n{USER_SEPARATOR}\n")
    if not sep:
        raise ValueError(f"prompt {name!r} has no '{USER_SEPARATOR}' line")
    return [{"role": "system", "content": system.strip()}, {"role": "user", "content": user.strip()}]


def prompt_hash(prompts_dir: Path, name: str) -> str:
    """A short hash of a template's source, for asset code versions."""
    source = (Path(prompts_dir) / f"{name}{SUFFIX}").read_bytes()
    return hashlib.sha256(source).hexdigest()[:16]


def template_names(prompts_dir: Path) -> list[str]:
    """The names of all templates in `prompts_dir`, sorted."""
    return sorted(path.name.removesuffix(SUFFIX) for path in Path(prompts_dir).glob(f"*{SUFFIX}"))

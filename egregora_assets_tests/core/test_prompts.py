"""Every prompt template renders with realistic context, and only with its declared variables."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import jinja2
import jinja2.meta
import pytest

from egregora_assets.core.models import Enrichment, Message, Window
from egregora_assets.core.prompts import (
    USER_SEPARATOR,
    chat_messages,
    declared_variables,
    prompt_hash,
    render,
    template_names,
)
from egregora_assets.core.rankings import Candidate

PROMPTS = Path(__file__).parents[2] / "prompts"


def _window() -> Window:
    def message(i: int, minute: int, author: str | None, text: str, kind: str = "text") -> Message:
        return Message(
            id=f"hikers-{i:04d}",
            group="hikers",
            timestamp=datetime(2025, 1, 6, 9, minute),
            author=author,
            text=text,
            kind=kind,
        )

    return Window(
        id="2025-01-06|hikers|0",
        group="hikers",
        date=date(2025, 1, 6),
        index=0,
        context=[message(1, 2, "Rio Manso", "Anyone up for Saturday?")],
        messages=[
            message(2, 10, "Ana Lua", "Forecast says showers after noon.\nClear until then though"),
            message(3, 11, None, "Rio Manso changed the group description", kind="system"),
            message(4, 14, "Rio Manso", "Guide: https://example.org/trails/ridge-loop"),
        ],
    )


def _enrichments() -> list[Enrichment]:
    common = dict(group="hikers", date=date(2025, 1, 6), window_id="2025-01-06|hikers|0")
    return [
        Enrichment(
            id="e1",
            message_id="hikers-0004",
            kind="url",
            ref="https://example.org/trails/ridge-loop",
            domain="example.org",
            title="Ridge Loop",
            description="An 11 km circuit with 600 m of climbing.",
            **common,
        ),
        Enrichment(
            id="e2", message_id="hikers-0002", kind="url", ref="https://x.example/p", status="timeout", **common
        ),
    ]


# One realistic context per template: a new template without one here fails the test below.
CONTEXTS = {
    "writer": dict(
        window=_window(),
        enrichments=_enrichments(),
        related=["# Autumn on the coast path\n\nThe group walked 14 km along the cliffs in October..."],
        notes=[],
    ),
    "reader": dict(window=_window(), part="1.2"),
    "enrich_url": dict(
        url="https://example.org/trails/ridge-loop",
        title="Ridge Loop | Example Trails",
        description="An 11 km loop over the ridge.",
        text="The Ridge Loop starts at the car park by the old mill. Allow four hours...",
    ),
    "describe_media": dict(mime="image/jpeg"),
    "portrait": dict(author="Ana Lua", messages=[m for m in _window().messages if m.author == "Ana Lua"]),
    "answer": dict(
        question="Where did the group hike in January?",
        passages=[
            dict(
                id="tag:egregora,2025:hikers/the-saturday-trail",
                kind="post",
                date="2025-01-06",
                title="The Saturday trail",
                text="The group settled on the Ridge Loop...",
                url="/hikers/2025/01/06/the-saturday-trail/",
            ),
            dict(
                id="2025-01-13|hikers|0",
                kind="window",
                date="2025-01-13",
                title="Messages of 2025-01-13",
                text="Ana Lua: photos from the ridge!",
                url=None,
            ),
        ],
    ),
    "judge": dict(
        first=Candidate(
            id="tag:egregora,2025:hikers/2025-01-06/0",
            title="The Saturday trail, rain or shine",
            summary="The group settled on an early start on the ridge.",
            content="**Ana Lua** shared the forecast: showers after noon.\n\n> If we're at the trailhead by seven...",
        ),
        second=Candidate(
            id="tag:egregora,2025:hikers/2025-01-13/0",
            title="Thermos and sandwiches",
            summary="Who brings what for Saturday.",
            content="Rio Manso brings the thermos; Ana Lua the sandwiches.",
        ),
    ),
}


@pytest.mark.parametrize("name", template_names(PROMPTS))
def test_every_template_renders_with_realistic_context(name):
    assert name in CONTEXTS, f"add a realistic context for the new template {name!r}"
    system, user = chat_messages(PROMPTS, name, **CONTEXTS[name])
    assert system["content"].startswith(f"[egregora:{name}]")  # the marker the fake server routes on
    assert user["content"] and USER_SEPARATOR not in user["content"]


@pytest.mark.parametrize("name", template_names(PROMPTS))
def test_declared_variables_are_the_ones_used(name):
    environment = jinja2.Environment()
    source = (PROMPTS / f"{name}.md.j2").read_text()
    assert declared_variables(PROMPTS, name) == jinja2.meta.find_undeclared_variables(environment.parse(source))


def test_there_is_one_template_per_call():
    assert set(template_names(PROMPTS)) >= {"writer", "enrich_url", "describe_media", "answer", "judge", "portrait"}


def test_portrait_prompt_holds_only_the_persons_own_words():
    mine = [m for m in _window().messages if m.author == "Ana Lua"]
    user = chat_messages(PROMPTS, "portrait", **CONTEXTS["portrait"])[1]["content"]
    assert user.startswith("Pseudonym: Ana Lua") and all(m.text.splitlines()[0] in user for m in mine)
    others = [m for m in _window().messages if m.author not in (None, "Ana Lua")]
    assert others and not any(m.text.splitlines()[0] in user for m in others)


def test_writer_prompt_shows_messages_enrichments_and_earlier_context():
    user = chat_messages(PROMPTS, "writer", **CONTEXTS["writer"])[1]["content"]
    assert "[hikers-0002] 09:10 Ana Lua: Forecast says showers after noon.\n    Clear until then" in user
    assert "[hikers-0003] 09:11 system: Rio Manso changed" in user
    assert '[hikers-0004] url https://example.org/trails/ridge-loop: "Ridge Loop"' in user
    assert "(not available: timeout)" in user
    assert "Autumn on the coast path" in user and "Anyone up for Saturday?" in user


def test_missing_or_extra_variables_raise():
    context = dict(CONTEXTS["enrich_url"])
    with pytest.raises(TypeError, match=r"missing variables \['text'\]"):
        render(PROMPTS, "enrich_url", **{k: v for k, v in context.items() if k != "text"})
    with pytest.raises(TypeError, match=r"unexpected \['language'\]"):
        render(PROMPTS, "enrich_url", **context, language="pt")


def test_missing_attribute_is_an_error_not_an_empty_string():
    passage = {k: v for k, v in CONTEXTS["answer"]["passages"][0].items() if k != "url"}
    with pytest.raises(jinja2.UndefinedError):
        render(PROMPTS, "answer", question="q?", passages=[passage])


def test_separator_inside_a_chat_message_does_not_move_the_split():
    window = _window()
    tricky = window.messages[0].model_copy(update={"text": f"look\n{USER_SEPARATOR}\nhere"})
    window = window.model_copy(update={"messages": [tricky]})
    system, user = chat_messages(PROMPTS, "writer", window=window, enrichments=[], related=[], notes=[])
    assert "[hikers-0002]" in user["content"] and "[hikers-0002]" not in system["content"]


def test_prompt_hash_follows_the_template_text(tmp_path):
    shutil.copytree(PROMPTS, tmp_path / "prompts")
    before = prompt_hash(tmp_path / "prompts", "answer")
    assert before == prompt_hash(PROMPTS, "answer") and before != prompt_hash(PROMPTS, "writer")
    template = tmp_path / "prompts" / "answer.md.j2"
    template.write_text(template.read_text() + "\nBe brief.\n")
    assert prompt_hash(tmp_path / "prompts", "answer") != before


def test_template_without_declaration_is_refused(tmp_path):
    (tmp_path / "loose.md.j2").write_text("[egregora:loose] hi\n--- user ---\n{{ who }}\n")
    with pytest.raises(ValueError, match="must start with"):
        render(tmp_path, "loose", who="x")

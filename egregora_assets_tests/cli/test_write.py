"""`egregora write` on a chat too small for any post: the last line says so, not a silent empty blog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egregora_assets.cli import main
from egregora_assets.core.posts.digest import MIN_AUTHORS, MIN_MESSAGES, quiet_chat_note
from egregora_assets_tests.helpers import last_json

README = Path(__file__).resolve().parents[2] / "README.md"

QUIET = (  # two friends, two days: far below a conversation
    "05/09/2026 08:00 - Ana Souza: Bom dia! Vamos caminhar no sábado?\n"
    "05/09/2026 08:05 - Bia Lima: Bora, que horas?\n"
    "05/09/2026 08:06 - Ana Souza: 7h na portaria do parque\n"
    "06/09/2026 07:10 - Bia Lima: Tô saindo de casa\n"
    "06/09/2026 07:12 - Ana Souza: Chego em 10 min\n"
)


def test_a_quiet_chat_ends_with_one_line_saying_why_there_is_no_post(tmp_path, capsys):
    chat = tmp_path / "Conversa do WhatsApp com Ana.txt"
    chat.write_text(QUIET, encoding="utf-8")
    home = tmp_path / "home"
    assert main(["write", str(chat), "--home", str(home), "--json"]) == 0
    out, err = capsys.readouterr()
    summary = last_json(out)
    assert (summary["posts"], summary["messages"], summary["authors"]) == (0, 5, 2)
    expected = "egregora: no day had enough conversation for a post: 5 messages, 2 authors"
    assert err.strip().splitlines()[-1].startswith(expected)
    # Without --json, after the feed and site lines; again on a re-run that computes nothing.
    assert main(["write", str(chat), "--home", str(home)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1].startswith("analysis: ") and err.strip().splitlines()[-1].startswith(expected)


@pytest.mark.parametrize("llm", [False, True])
def test_the_note_points_to_a_readme_section_that_states_the_thresholds(llm):
    note = quiet_chat_note(1, 1, llm=llm)
    assert "1 message, 1 author" in note and note.count("\n") == 0
    section = re.search(r"^## (Quiet chats)\n(.*?)^## ", README.read_text(encoding="utf-8"), re.S | re.M)
    assert section and f"'{section.group(1)}'" in note
    assert f"at least {MIN_MESSAGES} text messages" in section.group(2)
    assert f"least {MIN_AUTHORS} people" in section.group(2).replace("\n", " ")

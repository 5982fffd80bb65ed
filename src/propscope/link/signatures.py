"""MinHash band keys of sliding passage windows — the LSH index of text reuse.

Reuse is a *passage* inside otherwise different documents, so a whole-document
MinHash would be diluted by everything around the passage. Instead every window
of ``window`` consecutive word shingles gets a MinHash with one row per band
(``bands`` independent hash functions); the band key of a window under a
function is its minimum hash. Two windows whose shingle sets have Jaccard
similarity J share that key with probability J, which is the LSH guarantee.

Neighbouring windows mostly share their minimum, so a document's keys are the
*distinct* window minima (this is the same set as winnowing fingerprints):
about ``2 / (window + 1)`` keys per shingle and band. Any passage of
``window + k - 1`` identical words is guaranteed to share keys; edited
passages share keys in proportion to the shingles that survived the edits.

Everything here is a pure function of a batch of texts, so it can run in a
process pool or as a Dask partition and hand back one Arrow table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.lib.stride_tricks import sliding_window_view

from .text import fmix64, shingles, words


@dataclass(frozen=True)
class LshParams:
    """Parameters of the passage index (they enter the stage version: change one, recompute)."""

    shingle: int = 3   # words per shingle: short enough to survive scattered edits
    window: int = 8    # shingles per MinHash window
    bands: int = 2     # hash functions, one row each

    def tag(self) -> str:
        return f"k{self.shingle}w{self.window}b{self.bands}"


_SEEDS = np.array([0x9E3779B97F4A7C15, 0xD1B54A32D192ED03, 0x8CB92BA72F3D8DD7,
                   0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3],
                  dtype=np.uint64)

KEYS_SCHEMA = pa.schema([("key", pa.int64()), ("doc_no", pa.int32())])


def band_keys(hashes: np.ndarray, params: LshParams) -> np.ndarray:
    """Distinct band keys (int64) of one document's word hashes."""
    sh = shingles(hashes, params.shingle)
    if len(sh) == 0:
        return np.zeros(0, np.int64)
    out = []
    for band in range(params.bands):
        g = fmix64(sh ^ _SEEDS[band % len(_SEEDS)])
        if len(g) <= params.window:
            out.append(g.min(keepdims=True))
        else:
            out.append(sliding_window_view(g, params.window).min(axis=1))
    keys = np.unique(np.concatenate(out))
    return keys.view(np.int64)


def batch_keys(doc_nos: Sequence[int], texts: Sequence[str], params: LshParams) -> pa.Table:
    """Band keys of a batch of documents as an Arrow table ``(key, doc_no)``."""
    key_parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    for doc_no, text in zip(doc_nos, texts, strict=True):
        keys = band_keys(words(text or "").hashes, params)
        key_parts.append(keys)
        doc_parts.append(np.full(len(keys), doc_no, np.int32))
    if not key_parts:
        return KEYS_SCHEMA.empty_table()
    return pa.table({"key": np.concatenate(key_parts), "doc_no": np.concatenate(doc_parts)},
                    schema=KEYS_SCHEMA)

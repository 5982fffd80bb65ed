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

from .text import fmix64, shingles, words_many


@dataclass(frozen=True)
class LshParams:
    """Parameters of the passage index (they enter the stage version: change one, recompute)."""

    shingle: int = 4   # words per shingle: see docs/linking.md, "Why 4-word shingles"
    window: int = 8    # shingles per MinHash window
    bands: int = 2     # hash functions, one row each

    def tag(self) -> str:
        return f"k{self.shingle}w{self.window}b{self.bands}"


_SEEDS = np.array([0x9E3779B97F4A7C15, 0xD1B54A32D192ED03, 0x8CB92BA72F3D8DD7,
                   0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3],
                  dtype=np.uint64)

KEYS_SCHEMA = pa.schema([("key", pa.int64()), ("doc_no", pa.int32())])


def window_min(values: np.ndarray, w: int) -> np.ndarray:
    """Minimum of every run of ``w`` consecutive values (``len(values) - w + 1`` of them).

    Doubling: minima over runs of 1, 2, 4, ... values, then two overlapping runs of
    the largest power of two cover each window. A few whole-array passes instead
    of a strided reduction over ``w`` values per position.
    """
    n = len(values) - w + 1
    span, cur = 1, values
    while span * 2 <= w:
        cur = np.minimum(cur[:-span], cur[span:])
        span *= 2
    return np.minimum(cur[:n], cur[w - span:w - span + n])


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
    """Band keys of a batch of documents as an Arrow table ``(key, doc_no)``.

    The same rows, in the same order, as :func:`band_keys` applied document by
    document, but computed over the whole batch at once: shingles and window minima
    of all documents in single numpy calls, windows that would cross from one
    document into the next dropped. Per-call overhead, not arithmetic, was what a
    loop over documents spent its time on.
    """
    if len(doc_nos) == 0:
        return KEYS_SCHEMA.empty_table()
    ws = words_many(list(texts))
    k, w = params.shingle, params.window
    n_words = np.fromiter((len(x) for x in ws), np.int64, len(ws))
    all_hashes = np.concatenate([x.hashes for x in ws]) if n_words.sum() else np.zeros(0, np.uint64)
    word_start = np.concatenate(([0], np.cumsum(n_words)))[:-1]
    n_sh = np.maximum(n_words - k + 1, 0)
    # Shingles of the concatenation, then only those lying inside one document.
    glob = shingles(all_hashes, k)
    keep = np.zeros(len(glob), bool)
    sh_start = np.concatenate(([0], np.cumsum(n_sh)))
    doc_of_sh = np.repeat(np.arange(len(ws)), n_sh)
    if len(doc_of_sh):
        keep[word_start[doc_of_sh] + (np.arange(len(doc_of_sh)) - sh_start[doc_of_sh])] = True
    sh = glob[keep]
    key_parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    short = np.flatnonzero((n_sh > 0) & (n_sh <= w))  # one key per band: the minimum
    long_docs = n_sh > w
    for band in range(params.bands):
        g = fmix64(sh ^ _SEEDS[band % len(_SEEDS)])
        if len(g) >= w:
            mins = window_min(g, w)
            pos = np.arange(len(mins))
            owner = doc_of_sh[:len(mins)]
            inside = long_docs[owner] & (pos - sh_start[owner] <= n_sh[owner] - w)
            mins, owner = mins[inside], owner[inside]
            # Neighbouring windows mostly share their minimum: drop repeats before sorting.
            step = np.ones(len(mins), bool)
            step[1:] = (mins[1:] != mins[:-1]) | (owner[1:] != owner[:-1])
            key_parts.append(mins[step])
            doc_parts.append(owner[step])
        for d in short.tolist():
            key_parts.append(g[sh_start[d]:sh_start[d + 1]].min(keepdims=True))
            doc_parts.append(np.array([d]))
    if not key_parts:
        return KEYS_SCHEMA.empty_table()
    keys = np.concatenate(key_parts)
    docs = np.concatenate(doc_parts).astype(np.int64)
    order = np.lexsort((keys, docs))  # by document, then key (unsigned, as np.unique sorts)
    keys, docs = keys[order], docs[order]
    fresh = np.ones(len(keys), bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    nos = np.asarray(doc_nos, np.int64)
    return pa.table({"key": keys[fresh].view(np.int64), "doc_no": nos[docs[fresh]].astype(np.int32)},
                    schema=KEYS_SCHEMA)

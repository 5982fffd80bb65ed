"""Near-identical texts: one item for copy-paste with small edits.

Why: groups paste the same message with a changed word, an emoji, other digits or
trailing punctuation; compared exactly, every copy is its own item and the group
is invisible. Texts are normalised (:func:`.canonical.normalize_text`: words only,
case-folded), identical normalised texts are one item, and near-identical ones are
joined by MinHash (``datasketch``, over word pairs) with LSH banding: ``BANDS``
bands of ``ROWS`` rows, so texts whose word-pair sets overlap with Jaccard
similarity J share a band with probability ``1 - (1 - J**ROWS)**BANDS`` (0.99 at
J = 0.8, 0.03 at J = 0.3). Banding is done with numpy on the signatures (one sort
per band, each text joined to the first holder of its band key), so the cost is
linear in texts and a slogan posted a million times is one star, not a clique.

Only short texts (posts, at most ``MAX_CHARS``) with at least ``MIN_WORDS`` words
take part: long articles are covered by the reuse stage's clusters, and a
two-word text ("thank you") says nothing about who copied whom.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import MinHash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .canonical import normalize_text

BANDS, ROWS = 12, 5
NUM_PERM = BANDS * ROWS
MIN_WORDS = 5
MAX_CHARS = 5000
BATCH = 20000


def _shingles(norm: str) -> list[bytes]:
    words = norm.split()
    return [f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)]


def _band_keys(hashvalues: np.ndarray) -> np.ndarray:
    """One 64-bit key per band: a multiply-xor mix of the band's rows (n x BANDS)."""
    h = hashvalues.reshape(len(hashvalues), BANDS, ROWS).astype(np.uint64)
    key = np.zeros((len(h), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            key = (key ^ h[:, :, r]) * np.uint64(0x100000001B3)
    return key


def near_text_items(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{doc_id: item}`` for near-identical short texts; docs without a partner are left out.

    ``texts`` yields ``(doc_id, content)``. The item is ``near:<first doc_id>`` of its
    group (in input order), stable for a given corpus.
    """
    ids: list[str] = []
    keys: list[np.ndarray] = []
    exact: dict[int, int] = {}  # hash of the normalised text -> first row (not the text: memory)
    exact_of: list[int] = []
    batch_ids: list[str] = []
    batch_sets: list[list[bytes]] = []

    def flush() -> None:
        if not batch_sets:
            return
        sigs = MinHash.bulk(batch_sets, num_perm=NUM_PERM, seed=1)
        keys.append(_band_keys(np.stack([m.hashvalues for m in sigs])))
        batch_ids.clear()
        batch_sets.clear()

    for doc_id, content in texts:
        if not content or len(content) > MAX_CHARS:
            continue
        norm = normalize_text(content)
        if norm.count(" ") + 1 < MIN_WORDS:
            continue
        i = len(ids)
        ids.append(doc_id)
        first = exact.setdefault(hash(norm), i)
        exact_of.append(first)
        if first == i:  # only distinct normalised texts are signed
            batch_ids.append(doc_id)
            batch_sets.append(_shingles(norm))
            if len(batch_sets) >= BATCH:
                flush()
    flush()
    n = len(ids)
    if n < 2:
        return {}
    distinct = np.array(sorted(set(exact_of)), dtype=np.int64)  # signed rows, in order
    rows_a = [np.arange(n, dtype=np.int64)]
    rows_b = [np.asarray(exact_of, dtype=np.int64)]
    if keys:
        allkeys = np.concatenate(keys)
        for band in range(BANDS):
            col = allkeys[:, band]
            order = np.argsort(col, kind="stable")
            sk = col[order]
            starts = np.r_[True, sk[1:] != sk[:-1]]
            head = order[np.maximum.accumulate(np.where(starts, np.arange(len(sk)), 0))]
            rows_a.append(distinct[order])
            rows_b.append(distinct[head])
    a, b = np.concatenate(rows_a), np.concatenate(rows_b)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    first_of = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first_of, label, np.arange(n))
    return {ids[i]: f"near:{ids[first_of[label[i]]]}" for i in range(n) if sizes[label[i]] >= 2}

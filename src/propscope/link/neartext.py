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

from array import array
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


def near_text_groups(texts: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, firsts)``: for every text (by position in ``texts``) that has a
    near-identical partner, the position of its group's first text.

    Compact on purpose (the coordination stage feeds it every short text of the
    corpus): no per-text Python object is kept, only 8-byte integers per text, one
    dictionary entry and 12 band keys per *distinct* normalised text, and one graph
    entry per join (a text that matches nothing costs no graph entry).
    """
    pos = array("q")  # input position of each kept text
    exact: dict[int, int] = {}  # hash of the normalised text -> first kept row
    exact_of = array("q")
    keys: list[np.ndarray] = []
    batch_rows = array("q")
    batch_sets: list[list[bytes]] = []

    def flush() -> None:
        if not batch_sets:
            return
        sigs = MinHash.bulk(batch_sets, num_perm=NUM_PERM, seed=1)
        keys.append(_band_keys(np.stack([m.hashvalues for m in sigs])))
        del batch_rows[:]
        batch_sets.clear()

    for at, content in enumerate(texts):
        if not content or len(content) > MAX_CHARS:
            continue
        norm = normalize_text(content)
        if norm.count(" ") + 1 < MIN_WORDS:
            continue
        i = len(pos)
        pos.append(at)
        first = exact.setdefault(hash(norm), i)
        exact_of.append(first)
        if first == i:  # only distinct normalised texts are signed
            batch_rows.append(i)
            batch_sets.append(_shingles(norm))
            if len(batch_sets) >= BATCH:
                flush()
    flush()
    del exact
    n = len(pos)
    empty = np.empty(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    same = np.frombuffer(exact_of, dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    dup = same != rows
    rows_a, rows_b = [rows[dup]], [same[dup]]
    if keys:
        distinct = np.flatnonzero(~dup)  # signed rows, in order
        allkeys = np.concatenate(keys)
        del keys[:]
        for band in range(BANDS):
            col = allkeys[:, band]
            order = np.argsort(col, kind="stable")
            sk = col[order]
            starts = np.r_[True, sk[1:] != sk[:-1]]
            head = order[np.maximum.accumulate(np.where(starts, np.arange(len(sk)), 0))]
            joined = head != order
            rows_a.append(distinct[order[joined]])
            rows_b.append(distinct[head[joined]])
    a, b = np.concatenate(rows_a), np.concatenate(rows_b)
    if not len(a):
        return empty, empty
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
    _, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    first_of = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first_of, label, rows)
    keep = sizes[label] >= 2
    at_pos = np.frombuffer(pos, dtype=np.int64)
    return at_pos[keep], at_pos[first_of[label[keep]]]


def near_text_items(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{doc_id: item}`` for near-identical short texts; docs without a partner are left out.

    ``texts`` yields ``(doc_id, content)``. The item is ``near:<first doc_id>`` of its
    group (in input order), stable for a given corpus.
    """
    ids: list[str] = []

    def contents() -> Iterable[str]:
        for doc_id, content in texts:
            ids.append(doc_id)
            yield content

    at, first = near_text_groups(contents())
    return {ids[i]: f"near:{ids[f]}" for i, f in zip(at.tolist(), first.tolist(), strict=True)}

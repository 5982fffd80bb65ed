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
Signatures are computed a batch at a time (:class:`BatchMinHash`, the same numbers as
``datasketch.MinHash``) and band keys wait on disk, one file per band.

Only short texts (posts, at most ``MAX_CHARS``) with at least ``MIN_WORDS`` words
take part: long articles are covered by the reuse stage's clusters, and a
two-word text ("thank you") says nothing about who copied whom.
"""

from __future__ import annotations

import hashlib
import tempfile
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from datasketch import MinHash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .canonical import normalize_text

BANDS, ROWS = 12, 5
NUM_PERM = BANDS * ROWS
MIN_WORDS = 5
MAX_CHARS = 5000
#: Texts signed together: one (shingles x permutations) matrix of 4-byte values each.
BATCH = 4000
#: MurmurHash3's 32-bit finaliser, which datasketch's ``affine32`` scheme applies to
#: each shingle hash before its permutations (checked against ``MinHash`` in the tests).
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


def _sha1_32(data: bytes) -> int:
    """datasketch's default shingle hash (``sha1_hash32``): SHA-1's first 4 bytes, little-endian."""
    return int.from_bytes(hashlib.sha1(data).digest()[:4], "little")


#: The 32-bit hash of a shingle (bytes -> int): datasketch's default, so the signatures
#: (and which texts join) are exactly those of ``MinHash.bulk``; CRC-32 was 20 % faster
#: but a different random draw of the bands (dev seed 2 of campaign_realistic: 0.9107
#: pairwise F1 with SHA-1, 0.9032 with CRC-32).
SHINGLE_HASH = _sha1_32


def _shingles(norm: str) -> list[bytes]:
    words = norm.split()
    return [f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)]


class BatchMinHash:
    """datasketch's MinHash (``affine32`` scheme, its permutations, its SHA-1 shingle
    hash), computed for a whole batch of texts with one numpy expression.

    Why not ``MinHash.bulk``: it builds one Python object and one small matrix per
    text, about 200 microseconds a text on a loaded machine (over half an hour at 10M
    posts). The signatures here are the numbers ``MinHash.bulk`` gives
    (``tests/test_coordination_scale.py``), several times faster.
    """

    def __init__(self, num_perm: int = NUM_PERM, seed: int = 1) -> None:
        ref = MinHash(num_perm=num_perm, seed=seed)
        if getattr(ref, "scheme", "affine32") != "affine32":  # pragma: no cover
            raise RuntimeError("datasketch's default MinHash scheme changed")
        a, b = ref.permutations
        self.a = np.asarray(a, dtype=np.uint32)[None, :]
        self.b = np.asarray(b, dtype=np.uint32)[None, :]

    def signatures(self, shingle_sets: list[list[bytes]]) -> np.ndarray:
        """``(len(sets), num_perm)`` uint32 signatures; every set must be non-empty."""
        lengths = np.fromiter((len(x) for x in shingle_sets), np.int64, len(shingle_sets))
        hv = np.fromiter((SHINGLE_HASH(sh) for sets in shingle_sets for sh in sets), np.uint32,
                         int(lengths.sum()))[:, None]
        s1, m1, s2, m2, s3 = _FMIX32
        with np.errstate(over="ignore"):
            hv = hv ^ (hv >> np.uint32(s1))
            hv = hv * np.uint32(m1)
            hv = hv ^ (hv >> np.uint32(s2))
            hv = hv * np.uint32(m2)
            hv = hv ^ (hv >> np.uint32(s3))
            phv = hv * self.a + self.b
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        return np.minimum.reduceat(phv, starts, axis=0)


def _band_keys(hashvalues: np.ndarray) -> np.ndarray:
    """One 64-bit key per band: a multiply-xor mix of the band's rows (n x BANDS)."""
    h = hashvalues.reshape(len(hashvalues), BANDS, ROWS).astype(np.uint64)
    key = np.zeros((len(h), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            key = (key ^ h[:, :, r]) * np.uint64(0x100000001B3)
    return key


def _band_joins(col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, heads)``: each row whose band key an earlier row holds, and that first row."""
    order = np.argsort(col, kind="stable")
    sk = col[order]
    starts = np.r_[True, sk[1:] != sk[:-1]]
    del sk
    head = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    joined = head != order
    return order[joined], head[joined]


def near_text_groups(texts: Iterable[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, firsts)``: for every text (by position in ``texts``) that has a
    near-identical partner, the position of its group's first text.

    Bounded memory (the coordination stage feeds it every short text of the corpus):
    no per-text Python object is kept; per text, 8 bytes of position in memory and
    its band keys (8 bytes a band) in one file per band on disk, read back one band
    at a time; one graph entry per join. Identical normalised texts have identical
    signatures, so they share every band and are joined like near-identical ones.
    """
    pos = array("q")  # input position of each kept text
    hasher = BatchMinHash()
    batch: list[list[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="propscope-bands-") as tmp:
        files = [open(Path(tmp) / f"band{b}", "wb") for b in range(BANDS)]  # noqa: SIM115

        def flush() -> None:
            if batch:
                keys = _band_keys(hasher.signatures(batch))
                for b, fh in enumerate(files):
                    fh.write(np.ascontiguousarray(keys[:, b]).tobytes())
                batch.clear()

        try:
            for at, content in enumerate(texts):
                if not content or len(content) > MAX_CHARS:
                    continue
                norm = normalize_text(content)
                if norm.count(" ") + 1 < MIN_WORDS:
                    continue
                pos.append(at)
                batch.append(_shingles(norm))
                if len(batch) >= BATCH:
                    flush()
            flush()
        finally:
            for fh in files:
                fh.close()
        n = len(pos)
        empty = np.empty(0, dtype=np.int64)
        if n < 2:
            return empty, empty
        rows_a, rows_b = [], []
        for band in range(BANDS):
            ra, rb = _band_joins(np.fromfile(Path(tmp) / f"band{band}", dtype=np.uint64))
            rows_a.append(ra)
            rows_b.append(rb)
    a, b = np.concatenate(rows_a), np.concatenate(rows_b)
    if not len(a):
        return empty, empty
    # the graph over joined rows only (a text that matches nothing costs nothing here)
    nodes, inv = np.unique(np.r_[a, b], return_inverse=True)
    k = len(nodes)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (inv[:len(a)], inv[len(a):])),
                       shape=(k, k)).tocsr()
    _, label = connected_components(graph, directed=False)
    first_of = np.full(int(label.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first_of, label, nodes)  # nodes are sorted rows: the group's first
    at_pos = np.frombuffer(pos, dtype=np.int64)
    return at_pos[nodes], at_pos[first_of[label]]


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

"""Find the reused passages shared by two documents, with character offsets.

Seed and extend on word hashes, the way BLAST-style aligners work, instead of a
general diff (difflib is quadratic in the worst case and compares Python
strings):

1. **Seeds**: every word ``k``-gram present in both documents, as a pair of word
   positions ``(i, j)``.
2. **Chaining**: seeds are taken in order of ``i``; a seed joins a chain when it
   follows the chain's last seed by at most ``max_gap`` words in *both*
   documents. Gaps absorb changed, dropped and inserted words (an inserted
   phrase of up to ``max_gap - k`` words is bridged).
3. **Extension**: each chain's ends are extended by a small banded alignment
   (+1 equal, -1 different or skipped) over the next ``extend`` words, so a
   changed, dropped or added word at the very edge of a passage does not cut it
   short.
4. **Acceptance**: a chain is a reused passage when it spans at least
   ``min_words`` words in one of the two documents and the words covered by
   seeds make up at least ``min_similarity`` of both spans. A short quote
   repeated everywhere never reaches ``min_words`` and is not reported.

Gaps where the later text has extra words are returned as *extras*: an inserted
phrase (``extra_b`` are the words only document B has, ``extra_a`` only A).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .text import Words, shingles


@dataclass(frozen=True)
class AlignParams:
    seed: int = 3
    max_gap: int = 20
    merge_gap: int = 45
    extend: int = 12  # words tried beyond each end of a chain
    band: int = 3     # largest word shift inside that extension
    min_similarity: float = 0.5
    max_repeats: int = 4  # seeds whose k-gram repeats more often are skipped (boilerplate)

    def tag(self) -> str:
        return f"s{self.seed}g{self.max_gap}j{self.merge_gap}e{self.extend}b{self.band}m{self.min_similarity}"


DEFAULT_ALIGN = AlignParams()


@dataclass
class Match:
    """One reused passage: word ranges ``[a0, a1)`` and ``[b0, b1)`` plus char offsets."""

    a0: int
    a1: int
    b0: int
    b1: int
    a_start: int = 0
    a_end: int = 0
    b_start: int = 0
    b_end: int = 0
    similarity: float = 0.0
    extra_a: list[tuple[int, int]] = field(default_factory=list)  # char spans only in A
    extra_b: list[tuple[int, int]] = field(default_factory=list)  # char spans only in B


class Prepared:
    """A document's words with its seed ``k``-grams, hashed and sorted once.

    A document takes part in many candidate pairs of a batch; preparing it once
    instead of once per pair halves the cost of finding seeds.
    """

    __slots__ = ("words", "grams", "distinct")

    def __init__(self, w: Words, p: AlignParams = DEFAULT_ALIGN) -> None:
        self.words = w
        self.grams = shingles(w.hashes, p.seed)
        self.distinct = np.unique(self.grams)


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted, non-empty set, by binary search."""
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _seeds(xa: Prepared, xb: Prepared, p: AlignParams, min_words: int) -> list[tuple[int, int]]:
    sa, sb = xa.grams, xb.grams
    if len(sa) == 0 or len(sb) == 0:
        return []
    common = np.intersect1d(xa.distinct, xb.distinct, assume_unique=True)
    # A passage that passes the coverage test holds at least this many distinct k-grams.
    if len(common) < max(2, int(min_words * p.min_similarity) // p.seed):
        return []
    ia = np.nonzero(_member(sa, common))[0]
    ib = np.nonzero(_member(sb, common))[0]
    where_b: dict[int, list[int]] = {}
    for j, v in zip(ib.tolist(), sb[ib].tolist(), strict=True):
        where_b.setdefault(v, []).append(j)
    count_a: dict[int, int] = {}
    va = sa[ia].tolist()
    for v in va:
        count_a[v] = count_a.get(v, 0) + 1
    seeds: list[tuple[int, int]] = []
    for i, v in zip(ia.tolist(), va, strict=True):
        js = where_b[v]
        if len(js) > p.max_repeats or count_a[v] > p.max_repeats:
            continue
        seeds.extend((i, j) for j in js)
    return seeds


class _Chain:
    __slots__ = ("i0", "j0", "li", "lj", "cov_a", "cov_b", "gaps")

    def __init__(self, i: int, j: int, k: int) -> None:
        self.i0, self.j0, self.li, self.lj = i, j, i, j
        self.cov_a = self.cov_b = k
        self.gaps: list[tuple[int, int, int, int]] = []  # word gaps (a0, a1, b0, b1)


def _chain(seeds: list[tuple[int, int]], p: AlignParams) -> list[_Chain]:
    k, gap = p.seed, p.max_gap
    done: list[_Chain] = []
    active: list[_Chain] = []
    for i, j in seeds:
        best, best_cost = None, None
        keep = []
        for c in active:
            di = i - c.li
            if di > gap:
                done.append(c)
                continue
            keep.append(c)
            dj = j - c.lj
            if di > 0 and 0 < dj <= gap:
                cost = di + dj + abs(di - dj)
                if best_cost is None or cost < best_cost:
                    best, best_cost = c, cost
        active = keep
        if best is None:
            active.append(_Chain(i, j, k))
            continue
        di, dj = i - best.li, j - best.lj
        best.cov_a += min(k, di)
        best.cov_b += min(k, dj)
        if di > k or dj > k:
            best.gaps.append((best.li + k, i, best.lj + k, j))
        best.li, best.lj = i, j
    return done + active


def _merge(chains: list[_Chain], p: AlignParams) -> list[_Chain]:
    """Join chains that continue each other across a longer gap (a heavily edited stretch).

    Chaining bridges at most ``max_gap`` words; a passage edited in two copies
    independently can have a longer stretch without a common ``k``-gram. Chains that
    follow each other within ``merge_gap`` words in both texts, on nearly the same
    diagonal, are one passage; the coverage test in :func:`align` still applies.
    """
    out: list[_Chain] = []
    solid = 3 * p.seed  # a lone shared k-gram ("of the diocese") must not glue text on
    for c in sorted(chains, key=lambda c: (c.i0, c.j0)):
        if c.li - c.i0 < solid:
            out.append(c)
            continue
        for prev in reversed(out[-8:]):
            if prev.li - prev.i0 < solid:
                continue
            di, dj = c.i0 - prev.li, c.j0 - prev.lj
            if 0 < di <= p.merge_gap and 0 < dj <= p.merge_gap and abs(di - dj) <= p.band * 3:
                k = p.seed
                prev.gaps.append((prev.li + k, c.i0, prev.lj + k, c.j0))
                prev.gaps.extend(c.gaps)
                prev.cov_a += c.cov_a - max(0, k - di)
                prev.cov_b += c.cov_b - max(0, k - dj)
                prev.li, prev.lj = c.li, c.lj
                break
        else:
            out.append(c)
    return out


def _gapped(ha: np.ndarray, hb: np.ndarray, i: int, j: int, step: int, span: int,
            band: int) -> tuple[int, int]:
    """Best gapped extension from ``(i, j)`` in direction ``step``: words taken in (A, B).

    A small banded dynamic programme (+1 equal, -1 different, -1 gap) over the next
    ``span`` words: it crosses a dropped or added word at a passage's edge, which an
    ungapped extension cannot. Only matched end points count, so it never ends on
    a mismatch.
    """
    n_a = min(span, i + 1 if step < 0 else len(ha) - i)
    n_b = min(span, j + 1 if step < 0 else len(hb) - j)
    if n_a <= 0 or n_b <= 0:
        return 0, 0
    xs = ha[i::step][:n_a] if step > 0 else ha[i::-1][:n_a]
    ys = hb[j::step][:n_b] if step > 0 else hb[j::-1][:n_b]
    neg = -10**6
    score = [[neg] * (n_b + 1) for _ in range(n_a + 1)]
    score[0][0] = 0
    best, best_xy = 0, (0, 0)
    for x in range(n_a + 1):
        for y in range(max(0, x - band), min(n_b, x + band) + 1):
            if x == 0 and y == 0:
                continue
            v = neg
            if x and y:
                hit = xs[x - 1] == ys[y - 1]
                v = score[x - 1][y - 1] + (1 if hit else -1)
                if hit and v > best:
                    best, best_xy = v, (x, y)
            if x:
                v = max(v, score[x - 1][y] - 1)
            if y:
                v = max(v, score[x][y - 1] - 1)
            score[x][y] = v
    return best_xy


def align(wa: Words, wb: Words, min_words: int, p: AlignParams = DEFAULT_ALIGN) -> list[Match]:
    """All reused passages between two documents (non-overlapping, longest first)."""
    return align_prepared(Prepared(wa, p), Prepared(wb, p), min_words, p)


def align_prepared(xa: Prepared, xb: Prepared, min_words: int,
                   p: AlignParams = DEFAULT_ALIGN) -> list[Match]:
    """:func:`align` for documents prepared once (see :class:`Prepared`)."""
    seeds = _seeds(xa, xb, p, min_words)
    if len(seeds) < 2:
        return []
    k = p.seed
    wa, wb = xa.words, xb.words
    ha, hb = wa.hashes, wb.hashes
    found: list[Match] = []
    for c in _merge(_chain(seeds, p), p):
        a1, b1 = c.li + k, c.lj + k
        if max(a1 - c.i0, b1 - c.j0) + 2 * p.extend < min_words:  # cannot reach it
            continue
        back_a, back_b = _gapped(ha, hb, c.i0 - 1, c.j0 - 1, -1, p.extend, p.band)
        fwd_a, fwd_b = _gapped(ha, hb, a1, b1, 1, p.extend, p.band)
        a0, b0 = c.i0 - back_a, c.j0 - back_b
        a1, b1 = a1 + fwd_a, b1 + fwd_b
        len_a, len_b = a1 - a0, b1 - b0
        if max(len_a, len_b) < min_words:
            continue
        sim = (c.cov_a + c.cov_b + back_a + back_b + fwd_a + fwd_b) / (len_a + len_b)
        if min(c.cov_a / len_a, c.cov_b / len_b) < p.min_similarity:
            continue
        m = Match(a0, a1, b0, b1, int(wa.starts[a0]), int(wa.ends[a1 - 1]),
                  int(wb.starts[b0]), int(wb.ends[b1 - 1]), round(min(sim, 1.0), 4))
        for ga0, ga1, gb0, gb1 in c.gaps:
            len_ga, len_gb = max(0, ga1 - ga0), max(0, gb1 - gb0)
            if len_gb - len_ga >= 2:
                m.extra_b.append((int(wb.starts[gb0]), int(wb.ends[gb1 - 1])))
            elif len_ga - len_gb >= 2:
                m.extra_a.append((int(wa.starts[ga0]), int(wa.ends[ga1 - 1])))
        found.append(m)
    found.sort(key=lambda m: (-(m.a1 - m.a0), m.a0, m.b0))
    kept: list[Match] = []
    for m in found:
        if all(m.a1 <= o.a0 or m.a0 >= o.a1 for o in kept) and \
                all(m.b1 <= o.b0 or m.b0 >= o.b1 for o in kept):
            kept.append(m)
    return kept

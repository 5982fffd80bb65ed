"""Words of a text as stable 64-bit hashes with their character offsets.

Why hashes: every later step (shingles, MinHash band keys, alignment) compares
words, and comparing fixed-width integers in numpy is far cheaper than comparing
Python strings. The hash is computed from the code points with a polynomial
rolling sum in numpy, so it is *stable across processes and machines* (Python's
``hash`` is salted per process) — stored band keys stay valid between runs and
Dask workers agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_P = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


def fmix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads every input bit over the output bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> _S33)
        x = x * _M1
        x = x ^ (x >> _S33)
        x = x * _M2
        return x ^ (x >> _S33)


@dataclass(frozen=True, slots=True)
class Words:
    """The words of one text: ``starts``/``ends`` are str indices, ``hashes`` uint64."""

    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


_EMPTY = Words(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64))


_ASCII_WORD = np.zeros(128, dtype=bool)
for _c in "0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _ASCII_WORD[ord(_c)] = True
# Non-ASCII code points that separate words: Latin-1 punctuation and symbols, general
# and CJK punctuation, full-width ASCII punctuation. Everything else beyond ASCII
# (letters of every script, marks, digits) is part of a word.
_NON_WORD_RANGES = ((0x80, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2000, 0x206F),
                    (0x2190, 0x2BFF), (0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF00, 0xFF0F),
                    (0xFF1A, 0xFF20))


def _word_table() -> np.ndarray:
    """One flag per code point of the Basic Multilingual Plane (beyond it: word)."""
    table = np.ones(0x10000, dtype=bool)
    table[:128] = _ASCII_WORD
    for lo, hi in _NON_WORD_RANGES:
        table[lo:hi + 1] = False
    return table


_WORD_TABLE = _word_table()

# Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao,
# Khmer, Myanmar, Tibetan): each of their characters is a word of its own, so
# shingles of k "words" are character k-grams there and a reused Chinese or Thai
# passage is found like an English one (a whole clause as one word would only
# ever match whole clauses).
_SOLO_RANGES = ((0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF),
                (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                (0xFF66, 0xFF9F))
SOLO_BEYOND_BMP = (0x20000, 0x3134F)  # CJK extensions B-G


def _solo_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=bool)
    for lo, hi in _SOLO_RANGES:
        table[lo:hi + 1] = True
    return table


_SOLO_TABLE = _solo_table()


def _solo_mask(codes: np.ndarray) -> np.ndarray:
    """Which code points are words on their own (scripts without word spaces)."""
    solo = _SOLO_TABLE[np.minimum(codes, 0xFFFF)]
    solo |= (codes >= SOLO_BEYOND_BMP[0]) & (codes <= SOLO_BEYOND_BMP[1])
    return solo


def _word_mask(codes: np.ndarray) -> np.ndarray:
    """Which code points belong to words: one table look-up per character (no regex)."""
    mask = _WORD_TABLE[np.minimum(codes, 0xFFFF)]
    # an apostrophe between two word characters joins them ("don't", "l’Etat")
    if len(codes) > 2:
        inner = codes[1:-1]
        mask[1:-1] |= ((inner == 39) | (inner == 0x2019)) & mask[:-2] & mask[2:]
    return mask


def words(text: str) -> Words:
    """Tokenise ``text`` into case-folded word hashes with their character offsets.

    Vectorised over code points: at corpus scale tokenising is the hottest loop,
    and a regex costs a Python object per word.
    """
    codes32 = np.frombuffer(_folded(text).encode("utf-32-le"), dtype=np.uint32)
    if len(codes32) == 0:
        return _EMPTY
    starts, ends, hashes = _hash_words(codes32)
    if len(starts) == 0:
        return _EMPTY
    return Words(starts.astype(np.int64), ends.astype(np.int64), hashes)


_POWERS: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` (mod 2**64) for ``i < n``: computed once, grown by doubling."""
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]), 1 << 16)
        with np.errstate(over="ignore"):
            for slot, base in ((0, _P), (1, _P_INV)):
                arr = np.empty(size, np.uint64)
                arr[0] = 1
                arr[1:] = base
                _POWERS[slot] = np.cumprod(arr, dtype=np.uint64)
    return _POWERS[0][:n], _POWERS[1][:n]


def _hash_words(codes32: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word ``starts``, ``ends`` and hashes of a code-point array (the core of :func:`words`).

    A word's hash is normalised by its start position, so it is the same wherever the
    word sits: in its own text or in a concatenation of many texts.
    """
    mask = _word_mask(codes32)
    solo = _solo_mask(codes32) & mask
    # a boundary before i: word/non-word changes, or either side is a solo character
    prev_mask = np.concatenate(([False], mask[:-1]))
    prev_solo = np.concatenate(([False], solo[:-1]))
    starts = np.flatnonzero(mask & (~prev_mask | solo | prev_solo))
    next_mask = np.concatenate((mask[1:], [False]))
    next_solo = np.concatenate((solo[1:], [False]))
    ends = np.flatnonzero(mask & (~next_mask | solo | next_solo)) + 1
    if len(starts) == 0:
        return starts, ends, np.zeros(0, np.uint64)
    codes = codes32.astype(np.uint64)
    n = len(codes)
    powers, inv = _powers(n + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, np.uint64)
        np.cumsum(codes * powers[:n], dtype=np.uint64, out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * inv[starts]
        hashes = fmix64(raw ^ (ends - starts).astype(np.uint64))
    return starts, ends, hashes


def _folded(text: str) -> str:
    low = text.lower()
    return text if len(low) != len(text) else low  # "İ" and a few others grow when lowered


CHUNK_CHARS = 1 << 20  # code points per numpy pass: bounds the arrays (and powers) kept


def words_many(texts: list[str]) -> list[Words]:
    """:func:`words` of many texts at once, with the same results.

    Numpy passes over the texts joined by a newline (never part of a word), about a
    million characters at a time, so a batch of short documents does not pay numpy's
    per-call overhead once per document: the per-document version spent most of its
    time there.
    """
    out: list[Words] = []
    group: list[str] = []
    size = 0
    for text in texts:
        text = _folded(text or "")
        if group and size + len(text) > CHUNK_CHARS:
            out.extend(_words_joined(group))
            group, size = [], 0
        group.append(text)
        size += len(text) + 1
    if group:
        out.extend(_words_joined(group))
    return out


def _words_joined(folded: list[str]) -> list[Words]:
    """Words of already case-folded texts, in one numpy pass over their concatenation."""
    codes32 = np.frombuffer("\n".join(folded).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in folded), np.int64, len(folded))
    offsets = np.concatenate(([0], np.cumsum(lengths + 1)))[:len(folded)]
    starts, ends, hashes = _hash_words(codes32) if len(codes32) else (
        np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.uint64))
    owner = np.searchsorted(offsets, starts, side="right") - 1
    bounds = np.searchsorted(owner, np.arange(len(folded) + 1))
    starts = starts.astype(np.int64) - offsets[owner]
    ends = ends.astype(np.int64) - offsets[owner]
    out = []
    for i in range(len(folded)):
        lo, hi = bounds[i], bounds[i + 1]
        out.append(Words(starts[lo:hi], ends[lo:hi], hashes[lo:hi]) if hi > lo else _EMPTY)
    return out


def shingles(hashes: np.ndarray, k: int) -> np.ndarray:
    """Hashes of every run of ``k`` consecutive words (order-sensitive), as uint64."""
    n = len(hashes) - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    with np.errstate(over="ignore"):
        acc = np.zeros(n, np.uint64)
        for i in range(k):
            acc = acc * _P + hashes[i:i + n]
        return fmix64(acc)

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
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
        low = text
    codes32 = np.frombuffer(low.encode("utf-32-le"), dtype=np.uint32)
    if len(codes32) == 0:
        return _EMPTY
    mask = _word_mask(codes32)
    edges = np.diff(np.concatenate(([0], mask.view(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if len(starts) == 0:
        return _EMPTY
    codes = codes32.astype(np.uint64)
    n = len(codes)
    with np.errstate(over="ignore"):
        powers = np.empty(n + 1, np.uint64)
        powers[0] = 1
        powers[1:] = _P
        powers = np.cumprod(powers, dtype=np.uint64)
        inv = np.empty(n + 1, np.uint64)
        inv[0] = 1
        inv[1:] = _P_INV
        inv = np.cumprod(inv, dtype=np.uint64)
        prefix = np.zeros(n + 1, np.uint64)
        np.cumsum(codes * powers[:n], dtype=np.uint64, out=prefix[1:])
        raw = (prefix[ends] - prefix[starts]) * inv[starts]
        hashes = fmix64(raw ^ (ends - starts).astype(np.uint64))
    return Words(starts.astype(np.int64), ends.astype(np.int64), hashes)


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

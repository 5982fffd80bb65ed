"""Words of a text as stable 64-bit hashes with their character offsets.

Why hashes: every later step (shingles, MinHash band keys, alignment) compares
words, and comparing fixed-width integers in numpy is far cheaper than comparing
Python strings. The hash is computed from the code points with a polynomial
rolling sum in numpy, so it is *stable across processes and machines* (Python's
``hash`` is salted per process) — stored band keys stay valid between runs and
Dask workers agree with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# A word: letters/digits/underscore, with inner apostrophes kept (``don't``, ``l’Etat``).
WORD_RE = re.compile(r"\w+(?:['’]\w+)*")

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


def words(text: str) -> Words:
    """Tokenise ``text`` into case-folded word hashes with their character offsets."""
    spans = [m.span() for m in WORD_RE.finditer(text)]
    if not spans:
        return _EMPTY
    arr = np.array(spans, dtype=np.int64)
    starts, ends = arr[:, 0], arr[:, 1]
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. "İ") grow when lower-cased
        low = text
    codes = np.frombuffer(low.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
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
    return Words(starts, ends, hashes)


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

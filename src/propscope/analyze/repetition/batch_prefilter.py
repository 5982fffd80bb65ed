"""A vectorised test that rules out, for a whole batch of texts at once, the texts
in which :func:`.maximal_repeats.find_repeats` cannot find anything.

Every repeat that :func:`.maximal_repeats.maximal_groups` reports is at least two tokens
long and occurs ``min_count`` times, and its first token can start a phrase (a
word that is not a function word, or an opening bracket). And a phrase worth
reporting holds two words, so the tokens from its first one up to the next word
token recur ``min_count`` times too. A text in which no such token sequence
recurs that often has no repeats at all. Most texts are like that, and counting token pairs with numpy over a batch
costs a small fraction of tokenising each text in Python; the texts that pass go
through the exact algorithm, unchanged. The test is conservative by design:
tokens and token sequences are compared by 64-bit hashes (a collision can only
let a text through), and a token is taken for a function word only when it is
plain ASCII and compared exactly.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from ..stopwords import STOPWORDS

_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_BASE_INV = pow(_BASE, -1, 1 << 64)
_SEQ = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX = np.array([0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB,
                 0xBF58476D1CE4E5B9], dtype=np.uint64)
_DOC = np.uint64(0x165667B19E3779F9)
# Batches are hashed in pieces of about this many characters (memory stays flat).
CHUNK_CHARS = 1 << 19
# Longer texts are not tested (the exact algorithm judges them in windows anyway).
MAX_TEXT = 1 << 20
# The tokens besides words that can start a repeat (``maximal_repeats._OPENERS``).
_OPENER_CODES = np.array([ord(c) for c in "([{«“„"], dtype=np.uint32)
SPACE, WORD, OTHER = 0, 1, 2


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """Class of every code point as Python's ``re`` sees it: ``\\s``, ``\\w`` or other."""
    every = "".join(map(chr, range(0x110000)))
    table = np.full(0x110000, OTHER, dtype=np.uint8)
    for cls, pattern in ((WORD, r"\w+"), (SPACE, r"\s+")):
        for m in re.finditer(pattern, every):
            table[m.start():m.end()] = cls
    return table


_ASCII_CLASSES = np.array([WORD if re.match(r"\w", chr(c)) else SPACE if chr(c).isspace()
                           else OTHER for c in range(128)], dtype=np.uint8)
assert all((_ASCII_CLASSES[c] == SPACE) == bool(re.match(r"\s", chr(c))) for c in range(128))


class _Powers:
    """``base**i`` and ``base**-i`` modulo 2**64 for i < n, grown on demand and kept."""

    def __init__(self) -> None:
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up))
            self.up = np.cumprod(np.full(size, _BASE, dtype=np.uint64), dtype=np.uint64)
            self.up = np.concatenate((np.ones(1, dtype=np.uint64), self.up[:-1]))
            self.down = np.cumprod(np.full(size, _BASE_INV, dtype=np.uint64), dtype=np.uint64)
            self.down = np.concatenate((np.ones(1, dtype=np.uint64), self.down[:-1]))
        return self.up[:n], self.down[:n]


_POWERS = _Powers()


def _packed(word: str) -> int:
    """An ASCII word of up to :data:`_PACK` characters as an exact integer (7 bits each)."""
    return sum(ord(ch) << (7 * i) for i, ch in enumerate(word))


_FUNCTION_WORDS = sorted({w for w in STOPWORDS if w.isascii() and w.isalnum()}, key=len)
_PACK = len(_FUNCTION_WORDS[-1])  # the longest ASCII function word
assert 7 * _PACK <= 63


@lru_cache(maxsize=1)
def _function_word_keys() -> np.ndarray:
    return np.array(sorted({_packed(w) for w in _FUNCTION_WORDS}), dtype=np.uint64)


def may_repeat(texts: list[str], min_count: int) -> list[bool]:
    """For each text: can ``find_repeats(text, min_count)`` return anything?

    ``False`` is certain; ``True`` only means the exact algorithm must look.
    Texts longer than ``MAX_TEXT`` always get ``True``.
    """
    out: list[bool] = []
    chunk: list[str] = []
    size = 0
    with np.errstate(over="ignore"):
        for text in texts:
            if size + len(text) > CHUNK_CHARS and chunk:
                out += _may_repeat(chunk, min_count)
                chunk, size = [], 0
            chunk.append(text if len(text) <= MAX_TEXT else "")
            size += len(chunk[-1]) + 1
        if chunk:
            out += _may_repeat(chunk, min_count)
    return [maybe or len(text) > MAX_TEXT for maybe, text in zip(out, texts, strict=True)]


def _may_repeat(texts: list[str], min_count: int) -> list[bool]:
    """The test on one chunk. A repeat that can be reported holds two words, so it
    starts with a token that can start one, followed by the same tokens up to and
    including the next word token: that token sequence must occur ``min_count``
    times in the text."""
    none = [False] * len(texts)
    # One array for the chunk; a newline between texts keeps tokens apart. Plain
    # ASCII (the common case) is handled as bytes, which is several times faster.
    joined = "\n".join(texts)
    if joined.isascii():
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        cls = _ASCII_CLASSES[codes]
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        cls = _char_classes()[codes]
    n = len(codes)
    if n < 2:
        return none
    word = cls == WORD
    is_start = cls == OTHER
    is_start[1:] |= word[1:] & ~word[:-1]
    is_start[0] |= word[0]
    word_end = np.empty_like(word)
    word_end[:-1] = word[:-1] & ~word[1:]
    word_end[-1] = word[-1]
    starts = np.flatnonzero(is_start)
    if len(starts) < 2:
        return none
    is_word = word[starts]
    ends = starts + 1
    ends[is_word] = np.flatnonzero(word_end) + 1
    # Exact polynomial hash of every token, the same wherever the token stands.
    up, down = _POWERS.get(n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(codes * up, dtype=np.uint64, out=prefix[1:])
    exact = (prefix[ends] - prefix[starts]) * down[starts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    text_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    doc = np.searchsorted(text_starts, starts, side="right") - 1
    # A token's key is its text plus "was there whitespace before it" (maximal_repeats.tokenize).
    spaced = np.zeros(len(starts), dtype=bool)
    inner = starts > text_starts[doc]
    spaced[inner] = cls[starts[inner] - 1] == SPACE
    keys = exact * np.uint64(2) + spaced
    if codes.dtype == np.uint8:
        function_word = _function_words_ascii(codes, starts, ends, is_word)
    else:
        function_word = _function_words(codes, starts, ends, is_word)
    can_start = is_word & ~function_word
    first_char = codes[starts]
    opener = np.zeros(len(starts), dtype=bool)
    for code in _OPENER_CODES if codes.dtype != np.uint8 else _OPENER_CODES[_OPENER_CODES < 128]:
        opener |= first_char == code
    can_start |= ~is_word & opener
    # For each token that can start: the next word token after it, in the same text.
    words_at = np.flatnonzero(is_word)
    first = np.flatnonzero(can_start)
    k = np.cumsum(is_word)[first]  # word tokens up to and including each first token
    ok = k < len(words_at)
    first, nxt = first[ok], words_at[k[ok]]
    same = doc[first] == doc[nxt]
    first, nxt = first[same], nxt[same]
    if len(first) == 0:
        return none
    # The sequence keys[first..nxt], hashed from its first four keys, its last
    # key, its length and its text: equal sequences hash equally (what the test
    # needs); different ones rarely do, and then the text only goes to the exact test.
    seqs = (nxt - first + doc[first] * len(keys)).astype(np.uint64) * _DOC
    for i, mix in enumerate(_MIX):
        seqs += keys[np.minimum(first + i, nxt)] * mix
    seqs += keys[nxt] * _SEQ
    ordered = np.sort(seqs)
    run_start = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    run_len = np.diff(np.append(run_start, len(ordered)))
    frequent = ordered[run_start[run_len >= min_count]]
    if len(frequent) == 0:
        return none
    # Which texts hold a frequent sequence (the hash includes the text's number).
    out = np.zeros(len(texts), dtype=bool)
    out[doc[first[np.isin(seqs, frequent)]]] = True
    return out.tolist()


def _function_words(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    is_word: np.ndarray) -> np.ndarray:
    """Which tokens surely are function words: ASCII words of at most ``_PACK``
    characters whose lower-case form (== casefold for ASCII) is listed, compared
    exactly (packed 7 bits a character)."""
    lengths = ends - starts
    cand = np.flatnonzero(is_word & (lengths <= _PACK))
    packed = np.zeros(len(cand), dtype=np.uint64)
    non_ascii = np.zeros(len(cand), dtype=bool)
    last = len(codes) - 1
    for i in range(_PACK):
        inside = i < lengths[cand]
        ch = codes[np.minimum(starts[cand] + i, last)].astype(np.uint64)
        non_ascii |= inside & (ch > 127)
        ch = np.where((ch >= 65) & (ch <= 90), ch + 32, ch) * inside
        packed |= (ch & np.uint64(127)) << np.uint64(7 * i)
    table = _function_word_keys()
    at = np.minimum(np.searchsorted(table, packed), len(table) - 1)
    out = np.zeros(len(starts), dtype=bool)
    out[cand] = ~non_ascii & (table[at] == packed)
    return out


_SLOT_BITS = 16


@lru_cache(maxsize=1)
def _function_word_slots() -> tuple[np.uint64, np.ndarray]:
    """A collision-free hash table of the ASCII function words of up to 8 letters,
    as little-endian 8-byte integers: ``slots[(value * multiplier) >> 48] == value``
    exactly for the listed words (empty slots hold 0, which no word token gives).
    Looking 8-byte values up this way is several times faster than a binary search."""
    words = sorted({int.from_bytes(w.encode("ascii"), "little")
                    for w in _FUNCTION_WORDS if len(w) <= 8})
    rng = np.random.default_rng(7)
    keys = np.array(words, dtype=np.uint64)
    shift = np.uint64(64 - _SLOT_BITS)
    while True:
        multiplier = rng.integers(1, 2**63, dtype=np.uint64) | np.uint64(1)
        slot = (keys * multiplier) >> shift
        if len(np.unique(slot)) == len(keys):
            table = np.zeros(1 << _SLOT_BITS, dtype=np.uint64)
            table[slot] = keys
            return multiplier, table


_LOW_BITS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_CASE_BIT = np.uint64(0x2020202020202020)


def _function_words_ascii(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                          is_word: np.ndarray) -> np.ndarray:
    """:func:`_function_words` for ASCII bytes, eight characters at a time.

    A word token holds only letters, digits and ``_``; setting bit 5 of each byte
    lower-cases the letters and leaves digits alone (``_`` becomes a byte no
    function word holds), so a token of up to 8 characters is a function word
    exactly when its bytes, so changed, equal one of the listed words'. Longer
    words (only "according") are treated as content words: conservative.
    """
    lengths = ends - starts
    n = len(codes)
    padded = np.zeros(n + 8, dtype=np.uint8)
    padded[:n] = codes
    # A view whose i-th element is the 8 bytes starting at byte i (no copy).
    windows = np.ndarray((n,), dtype="<u8", buffer=padded, strides=(1,))
    value = windows[starts]
    short = is_word & (lengths <= 8)
    width = np.minimum(lengths, 8)
    value = (value | _CASE_BIT) & _LOW_BITS[width]
    multiplier, table = _function_word_slots()
    return short & (table[(value * multiplier) >> np.uint64(64 - _SLOT_BITS)] == value)

"""Maximal repeated phrases of one text, with every occurrence's exact offset.

The text is cut into tokens (runs of letters/digits, and single punctuation
marks). A *repeat* is a token sequence that occurs at least ``min_count`` times;
it is *maximal* when it cannot be extended by one token, left or right, without
losing an occurrence. Reporting only maximal repeats is what keeps
``(PMOI / MEK Iran)`` from also coming back as ``PMOI / MEK``, ``MEK Iran)`` and
every other piece of itself.

Each repeat is then trimmed to a readable phrase (edge punctuation and
function words removed, brackets kept only in balanced pairs) and counted again
exactly in the text, non-overlapping, at token boundaries. A bracketed aside
inside a longer repeat (``Resistance (PMOI / MEK Iran)``) is offered as a
candidate of its own, since it is usually the inserted unit.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ..stopwords import STOPWORDS

# A token: a run of letters/digits or one other non-space character. Whether
# whitespace precedes it is part of its key ("Iran (" vs "Iran(") and is read
# from the character before it. (A pattern that also consumed the leading
# whitespace, ``\s*(?:...)``, backtracks over every whitespace run it cannot end
# in a token: quadratic on a long run of spaces, hours on a few megabytes.)
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_OPENERS = {"(": ")", "[": "]", "{": "}", "«": "»", "“": "”", "„": "“"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
MAX_TOKENS = 40
# Occurrences followed when growing one repeat. A phrase seen more often than
# this is stuffing whatever its exact extent, and its offsets are recounted
# exactly afterwards; the cap bounds the work on degenerate text ("ha ha ha ...").
MAX_GROUP = 2000


@dataclass(frozen=True, slots=True)
class Repeat:
    """A phrase and the start offset of each (non-overlapping) occurrence."""

    phrase: str
    starts: tuple[int, ...]
    words: int          # word tokens in the phrase
    content_words: int  # word tokens that are not function words


@dataclass(slots=True)
class Tokens:
    """Token keys plus their character spans in the text."""

    keys: list[str]      # token with a leading " " when whitespace preceded it
    starts: list[int]
    ends: list[int]


def tokenize(text: str) -> Tokens:
    """The tokens of ``text``, each keyed with a leading " " when whitespace precedes it.

    One linear scan: every character is either whitespace (skipped) or part of
    exactly one token, so no input makes the pattern backtrack.
    """
    keys: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN_RE.finditer(text):
        start, tok = m.start(), m.group()
        keys.append(" " + tok if start and text[start - 1].isspace() else tok)
        starts.append(start)
        ends.append(m.end())
    return Tokens(keys, starts, ends)


_WORD_UNIT_RE = re.compile(r"\w+(?:[-‐'’./]\w+)*")


def count_words(text: str) -> int:
    """Words as a reader counts them: ``Dupond-Moretti``, ``COVID-19``, ``don't`` are one each."""
    return len(_WORD_UNIT_RE.findall(text))


def _is_word(key: str) -> bool:
    return key.strip()[:1].isalnum() or key.strip()[:1] == "_"


def _is_function_word(key: str) -> bool:
    return key.strip().casefold() in STOPWORDS


def _can_start(key: str) -> bool:
    tok = key.strip()
    if tok in _OPENERS:
        return True
    return _is_word(tok) and tok.casefold() not in STOPWORDS


def maximal_groups(keys: list[str], min_count: int) -> list[tuple[int, list[int]]]:
    """``(length, positions)`` of every left- and right-maximal repeat of >= 2 tokens.

    Grows repeats token by token from every frequent starting token, splitting
    the occurrence list by the next token; work is proportional to the number of
    positions that keep repeating, so ordinary text costs about one pass.
    """
    counts = Counter(keys)
    frequent = {k for k, c in counts.items() if c >= min_count and _can_start(k)}
    if not frequent:
        return []
    by_start: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k in frequent:
            by_start[k].append(i)
    n = len(keys)
    out: list[tuple[int, list[int]]] = []
    stack: list[tuple[int, list[int]]] = [(1, pos[:MAX_GROUP]) for pos in by_start.values()]
    while stack:
        length, pos = stack.pop()
        nxt: dict[str, list[int]] = defaultdict(list)
        for p in pos:
            q = p + length
            if q < n:
                nxt[keys[q]].append(p)
        right_maximal = True
        for sub in nxt.values():
            if len(sub) >= min_count:
                if len(sub) == len(pos):
                    right_maximal = False
                if length < MAX_TOKENS:
                    stack.append((length + 1, sub))
        if length >= 2 and (right_maximal or length == MAX_TOKENS):
            before = {keys[p - 1] if p else None for p in pos}
            left_maximal = (len(before) > 1 or not _can_start(next(iter(before)) or "")
                            or length == MAX_TOKENS)  # periodic text: report the capped piece
            if left_maximal:
                out.append((length, pos))
    return out


def _period(keys: list[str], first: int, length: int) -> int:
    """The shortest unit that ``keys[first:first + length]`` repeats, or ``length``:
    in "buy pills now buy pills now ..." the repeat worth reporting is one unit."""
    for p in range(2, length // 2 + 1):
        if all(keys[first + i] == keys[first + i + p] for i in range(length - p)):
            return p
    return length


def _trim(keys: list[str]) -> tuple[int, int]:
    """Token range ``[a, b)`` left after dropping edge punctuation and function words."""
    a, b = 0, len(keys)
    changed = True
    while changed and a < b:
        changed = False
        first = keys[a].strip()
        if first in _OPENERS:
            closer = _OPENERS[first]
            if not any(k.strip() == closer for k in keys[a + 1:b]):
                a += 1
                changed = True
        elif not _is_word(first) or _is_function_word(first):
            a += 1
            changed = True
        if a >= b:
            break
        last = keys[b - 1].strip()
        if last in _CLOSERS:
            opener = _CLOSERS[last]
            if not any(k.strip() == opener for k in keys[a:b - 1]):
                b -= 1
                changed = True
        elif not _is_word(last) or _is_function_word(last):
            b -= 1
            changed = True
    return a, b


def _is_dash(keys: list[str], i: int) -> bool:
    """A dash standing as a word: "—" or "–", or a hyphen with spaces on both sides."""
    t = keys[i].strip()
    return t in ("—", "–") or (t == "-" and keys[i][:1] == " "
                               and i + 1 < len(keys) and keys[i + 1][:1] == " ")


def _repeats_name(keys: list[str], mark: int, i: int, j: int) -> bool:
    """Does the aside ``keys[i:j]`` repeat the word right before its opening ``mark``
    ("the Union — Union / UN News —")?"""
    name = keys[mark - 1].strip() if mark > 0 else ""
    return _is_word(name) and any(k.strip() == name for k in keys[i:j])


def _asides(keys: list[str], a: int, b: int) -> list[tuple[int, int]]:
    """``[i, j)`` token ranges of the asides within ``keys[a:b]``: round/square-bracketed
    groups (brackets included) and stretches between two commas (commas excluded);
    and, when they repeat the name they follow, stretches between two dashes and
    what follows a spaced slash to the end of the repeat. (A dash or slash aside that
    does not repeat the name stays part of the longer repeat, the rule it always had.)"""
    out, stack = [], []
    marks: dict[str, int | None] = {",": None, "—": None}
    for i in range(a, b):
        t = keys[i].strip()
        mark = "," if t == "," else "—" if _is_dash(keys, i) else None
        if t in ("(", "["):
            stack.append((t, i))
        elif t in (")", "]") and stack and _OPENERS[stack[-1][0]] == t:
            j = stack.pop()[1]
            if i + 1 - j >= 4:
                out.append((j, i + 1))
        elif mark and not stack:
            prev = marks[mark]
            if prev is not None and i - prev > 2 and (
                    mark == "," or _repeats_name(keys, prev, prev + 1, i)):
                out.append((prev + 1, i))
            marks[mark] = i
        elif t == "/" and not stack and keys[i][:1] == " " and i + 1 < b \
                and keys[i + 1][:1] == " " and b - i > 2 and _repeats_name(keys, i, i + 1, b):
            out.append((i + 1, b))
    after = keys[b] if b < len(keys) else ""
    for mark, prev in marks.items():
        closes = after.strip() == "," if mark == "," else bool(after) and _is_dash(keys, b)
        if prev is not None and b - prev > 3 and closes and (
                mark == "," or _repeats_name(keys, prev, prev + 1, b)):
            out.append((prev + 1, b))
    return out


def _balanced(keys: list[str]) -> bool:
    depth: list[str] = []
    for k in keys:
        t = k.strip()
        if t in _OPENERS and not (t == "“" and depth and depth[-1] == "„"):
            depth.append(t)
        elif t in _CLOSERS:
            if not depth or _OPENERS[depth[-1]] != t:
                return False
            depth.pop()
    return not depth


_GLUE = "-‐'’"


def _cuts_word(text: str, start: int, end: int) -> bool:
    """Would ``text[start:end]`` cut a hyphenated or apostrophe word (``re-|entry``)?"""
    if start >= 2 and text[start - 1] in _GLUE and text[start - 2].isalnum():
        return True
    return end + 1 < len(text) and text[end] in _GLUE and text[end + 1].isalnum()


def occurrences(text: str, phrase: str, token_starts: set[int], token_ends: set[int]) -> list[int]:
    """Non-overlapping starts of ``phrase`` in ``text`` that begin and end on token
    edges without cutting a hyphenated word."""
    out = []
    i = text.find(phrase)
    size = len(phrase)
    while i >= 0:
        if i in token_starts and i + size in token_ends and not _cuts_word(text, i, i + size):
            out.append(i)
            i = text.find(phrase, i + size)
        else:
            i = text.find(phrase, i + 1)
    return out


_HASH_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_HASH_BASE_INV = pow(_HASH_BASE, -1, 1 << 64)


class _Occurrences:
    """Every phrase's occurrences, found through token-sequence hashes.

    Searching the whole text once per candidate phrase costs phrases x text, and a
    text with thousands of distinct repeated phrases (each link or number pasted
    three times) made that quadratic. Here each phrase length, in tokens, takes
    one vectorised pass over the token list: every window of that many tokens gets
    a hash of its tokens (the first one without its leading-space flag, since a
    phrase may follow white space or not), and only the windows whose hash is a
    phrase's are compared with it in the text. Equal token sequences hash
    equally, so nothing is missed; a collision is only a comparison that fails.
    The result is exactly what :func:`occurrences` gives.
    """

    def __init__(self, text: str, toks: Tokens) -> None:
        self.text, self.toks = text, toks
        codes: dict[str, int] = {}
        n = len(toks.keys)
        ids = np.fromiter((codes.setdefault(k, len(codes) + 1) for k in toks.keys),
                          dtype=np.uint64, count=n)
        self.first = np.fromiter(
            (codes.setdefault(k[1:] if k[:1] == " " else k, len(codes) + 1) for k in toks.keys),
            dtype=np.uint64, count=n)
        with np.errstate(over="ignore"):
            up = np.full(n + 1, _HASH_BASE, dtype=np.uint64)
            up[0] = 1
            self.up = np.cumprod(up, dtype=np.uint64)
            down = np.full(n + 1, _HASH_BASE_INV, dtype=np.uint64)
            down[0] = 1
            self.down = np.cumprod(down, dtype=np.uint64)
            self.prefix = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(ids * self.up[:n], dtype=np.uint64, out=self.prefix[1:])

    def _window_hashes(self, length: int) -> np.ndarray:
        """The hash of every window of ``length`` tokens, by its first token's index."""
        n = len(self.first)
        i = np.arange(n - length + 1)
        with np.errstate(over="ignore"):
            rest = (self.prefix[i + length] - self.prefix[i + 1]) * self.down[i + 1]
            return rest + self.first[i] * self.up[length]

    def _phrase_hash(self, first: int, stop: int) -> int:
        with np.errstate(over="ignore"):
            rest = (self.prefix[stop] - self.prefix[first + 1]) * self.down[first + 1]
            return int(rest + self.first[first] * self.up[stop - first])

    def find(self, ranges: list[tuple[int, int]]) -> list[list[int]]:
        """For each token range ``[first, stop)``: the non-overlapping starts of its
        text, at token edges, without cutting a hyphenated word."""
        by_length: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for k, (first, stop) in enumerate(ranges):
            by_length[stop - first][self._phrase_hash(first, stop)].append(k)
        found: list[list[int]] = [[] for _ in ranges]
        starts, ends = self.toks.starts, self.toks.ends
        for length, wanted in by_length.items():
            hashes = self._window_hashes(length)
            keys = np.fromiter(wanted, dtype=np.uint64, count=len(wanted))
            hits = np.flatnonzero(np.isin(hashes, keys))
            windows: dict[int, list[int]] = defaultdict(list)
            for i, h in zip(hits.tolist(), hashes[hits].tolist(), strict=True):
                windows[h].append(i)
            for h, ks in wanted.items():
                for k in ks:
                    first, stop = ranges[k]
                    phrase = self.text[starts[first]:ends[stop - 1]]
                    size, out, free = len(phrase), found[k], -1
                    for i in windows.get(h, ()):
                        s = starts[i]
                        if (s >= free and ends[i + length - 1] == s + size
                                and self.text.startswith(phrase, s)
                                and not _cuts_word(self.text, s, s + size)):
                            out.append(s)
                            free = s + size
        return found


def find_repeats(text: str, min_count: int = 3) -> list[Repeat]:
    """Every maximal repeat of ``text`` (after trimming) seen ``min_count`` times or more.

    Only phrases of two words or more with at least one content word are kept;
    each is counted exactly in the text, so ``len(starts)`` may exceed the count
    of the untrimmed repeat it came from.
    """
    toks = tokenize(text)
    groups = maximal_groups(toks.keys, min_count)
    if not groups:
        return []
    seen: set[str] = set()
    out = []
    ranges: list[tuple[int, int]] = []
    for length, pos in groups:
        p0 = pos[0]
        span = toks.keys[p0:p0 + _period(toks.keys, p0, length)]
        a, b = _trim(span)
        if b - a >= 2:
            ranges.append((p0 + a, p0 + b))
            # An aside inside a longer repeat (in brackets, or between commas) is a
            # candidate of its own: it is the inserted unit, the words around it
            # the template's context.
            ranges += [(p0 + i, p0 + j) for i, j in _asides(span, a, b) if (i, j) != (a, b)]
    wanted: list[tuple[int, int]] = []
    shapes: list[tuple[str, int, int]] = []
    for first, stop in ranges:
        phrase_keys = toks.keys[first:stop]
        phrase = text[toks.starts[first]:toks.ends[stop - 1]]
        if phrase in seen:
            continue
        words = count_words(phrase)
        content = sum(1 for k in phrase_keys if _is_word(k) and not _is_function_word(k))
        if words < 2 or content < 1 or not _balanced(phrase_keys):
            continue
        seen.add(phrase)
        wanted.append((first, stop))
        shapes.append((phrase, words, content))
    if not wanted:
        return []
    for (phrase, words, content), starts in zip(shapes, _Occurrences(text, toks).find(wanted),
                                                 strict=True):
        if len(starts) >= min_count:
            out.append(Repeat(phrase, tuple(starts), words, content))
    return out

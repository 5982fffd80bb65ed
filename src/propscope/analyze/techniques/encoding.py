"""Tokenisation, overlapping windows, and turning token scores back into spans.

Shared by training (PyTorch) and inference (ONNX) so both see exactly the same
windows and the same token -> character mapping. Needs only numpy + tokenizers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from ..stopwords import STOPWORDS

MAX_LENGTH = 256   # tokens per window, including [CLS] and [SEP]
STRIDE = 128       # step between window starts: consecutive windows overlap by 126 tokens


@dataclass
class Encoded:
    """One document, tokenised without special tokens."""

    ids: np.ndarray        # (n,) int64 token ids
    offsets: np.ndarray    # (n, 2) character offsets into the text, end exclusive
    windows: list[tuple[int, int]]  # [start, end) token ranges, each <= MAX_LENGTH - 2


def load_tokenizer(path: str | Path) -> Tokenizer:
    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def make_windows(n: int, size: int = MAX_LENGTH - 2, stride: int = STRIDE,
                 anchor_end: bool = True) -> list[tuple[int, int]]:
    """Windows from the first token every ``stride`` tokens, and one ending at the last token.

    Every window that starts before ``n - size`` lies on the fixed grid, so a token
    more than ``size`` tokens before the end is scored only by windows that text
    appended later cannot reach: its spans stay the same. The last window is
    anchored at the end so that the final tokens also get a full window of context.
    ``anchor_end=False`` (a fast option, config ``inference_anchor_end``): the grid
    only, the last window shorter; with ``stride == size`` every token is read once.
    """
    if n <= size:
        return [(0, n)]
    if not anchor_end:
        return [(s, min(s + size, n)) for s in range(0, n, stride)]
    starts = list(range(0, n - size, stride)) + [n - size]
    return [(s, s + size) for s in starts]


PIECE_CHARS = 8192  # a long text is tokenised in pieces cut at whitespace (see encode)


def text_pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of ``text`` of about ``size`` characters, cut just after whitespace.

    The tokenizer splits words at whitespace before anything else, so cutting there
    gives the same tokens. A piece with no space, tab or line break at all (one huge
    "word", or a script written without spaces) is cut at ``size``: only the tokens of
    the word cut in two can differ.
    """
    out, start, n = [], 0, len(text)
    while n - start > size:
        cut = start + size
        back = max(text.rfind(c, start + 1, cut) for c in " \n\t\r")
        cut = back + 1 if back > start else cut
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def encode(tok: Tokenizer, text: str, stride: int = STRIDE, anchor_end: bool = True) -> Encoded:
    """Token ids and character offsets of ``text``, cut into windows every ``stride`` tokens.

    Training always uses :data:`STRIDE`; a model may score with a longer stride
    (config ``inference_stride``: fewer windows, see docs/techniques.md).

    Tokenising one multi-megabyte text in a single call grows faster than its length
    (growth exponent 1.21 and ~180 MB per MB in ``bench/hostile.py``), so long texts
    are tokenised piece by piece and the offsets shifted back: same tokens, linear cost.
    """
    ids_parts, offset_parts = [], []
    for start, end in text_pieces(text):
        enc = tok.encode(text[start:end], add_special_tokens=False)
        ids_parts.append(np.asarray(enc.ids, dtype=np.int64))
        offset_parts.append(np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2) + start)
    ids = np.concatenate(ids_parts)
    offsets = np.concatenate(offset_parts)
    return Encoded(ids, offsets, make_windows(len(ids), stride=stride, anchor_end=anchor_end))


def window_batch(tok: Tokenizer, docs: list[Encoded]) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """All windows of ``docs`` as padded ``input_ids`` / ``attention_mask`` arrays.

    Returns also ``(doc_index, start, end)`` per row, to scatter outputs back.
    """
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    rows, index = [], []
    for i, d in enumerate(docs):
        for s, e in d.windows:
            rows.append(np.concatenate([[cls_id], d.ids[s:e], [sep_id]]))
            index.append((i, s, e))
    width = max((len(r) for r in rows), default=2)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for r, row in enumerate(rows):
        ids[r, : len(row)] = row
        mask[r, : len(row)] = 1
    return ids, mask, index


def token_labels(enc: Encoded, spans: list[tuple[int, int, int]], n_labels: int) -> np.ndarray:
    """Multi-hot (n_tokens, n_labels + 1) targets; the last column is 'any technique'.

    A token is inside a span if their character ranges overlap, so overlapping
    spans of different techniques simply set several columns.
    """
    y = np.zeros((len(enc.ids), n_labels + 1), dtype=np.float32)
    if len(enc.ids) == 0:
        return y
    starts, ends = enc.offsets[:, 0], enc.offsets[:, 1]
    for a, b, k in spans:
        inside = (starts < b) & (ends > a)
        y[inside, k] = 1.0
        y[inside, n_labels] = 1.0
    return y


def span_tokens(enc: Encoded, start: int, end: int) -> tuple[int, int] | None:
    """First and last token index covering characters ``[start, end)``, or None."""
    inside = np.nonzero((enc.offsets[:, 0] < end) & (enc.offsets[:, 1] > start))[0]
    if len(inside) == 0:
        return None
    return int(inside[0]), int(inside[-1])


_WORD = re.compile(r"\w")


_APOSTROPHES = "'\u2019"


def _wordish(text: str, i: int) -> bool:
    """A word character, or an apostrophe inside a word (``wasn't``, ``people’s``)."""
    if not 0 <= i < len(text):
        return False
    if _WORD.match(text[i]):
        return True
    return (text[i] in _APOSTROPHES and 0 < i < len(text) - 1
            and bool(_WORD.match(text[i - 1])) and bool(_WORD.match(text[i + 1])))


def _snap(text: str, a: int, b: int) -> tuple[int, int]:
    """Widen ``[a, b)`` to whole words so a span never cuts a word in two."""
    while a > 0 and _wordish(text, a - 1) and _wordish(text, a):
        a -= 1
    while b < len(text) and _wordish(text, b - 1) and _wordish(text, b):
        b += 1
    return a, b


def decode_runs(text: str, enc: Encoded, probs: np.ndarray, threshold: float,
                max_gap: int = 4, seed: float | None = None) -> list[tuple[int, int, float]]:
    """Character spans where ``probs`` (per token) stay above ``threshold``.

    Runs separated by at most ``max_gap`` low tokens are joined: a comma or a
    function word dipping below the threshold should not split one phrase (4 was
    best on the validation split for both SI and technique-aware span F1).
    With ``seed`` (hysteresis), a run is kept only if one of its tokens reaches
    ``seed``: a low ``threshold`` then sets how far a confident span extends
    without letting weak runs with no confident token through.
    Returns ``(start, end, mean probability)``.
    """
    hot = np.nonzero(probs >= threshold)[0]
    if len(hot) == 0:
        return []
    out, first, last = [], hot[0], hot[0]
    for i in hot[1:]:
        if i - last <= max_gap + 1:
            last = i
            continue
        out.append((first, last))
        first = last = i
    out.append((first, last))
    spans = []
    for f, last in out:
        if seed is not None and probs[f : last + 1].max() < seed:
            continue
        a, b = _trim(text, *_snap(text, int(enc.offsets[f, 0]), int(enc.offsets[last, 1])))
        if b > a and has_content_word(text, a, b):
            spans.append((a, b, float(probs[f : last + 1].mean())))
    return spans


_WORD_RUN = re.compile(r"\w+")


def has_content_word(text: str, a: int, b: int) -> bool:
    """True when ``text[a:b]`` holds a word of 3+ characters that is not a function word.

    A technique is carried by words that mean something: a span such as "a", "A"
    or "of the" is never worth showing an analyst, whatever the model's score.
    """
    return any(len(w) >= 3 and w.casefold() not in STOPWORDS
               for w in _WORD_RUN.findall(text, a, b))


_EDGE = " \t\n,;:.-\u2013\u2014"


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Drop separators at the edges; a span with no word character becomes empty."""
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE + _APOSTROPHES:
        b -= 1
    if b <= a or not _WORD.search(text, a, b):
        return a, a
    return a, b

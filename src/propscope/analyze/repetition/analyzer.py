"""The ``repetitions`` analyzer: keyword stuffing and templated insertion, per document.

Ordinary writing repeats names ("White House" can come back twenty times in a
short article) but it does not paste the same aside again and again, nor the
same long phrase at a steady rhythm. So a repeat is judged by its *shape*, not
only by how often it occurs; the rules (measured against ordinary news, see
``docs/benchmarks.md``; in plain words in ``docs/signals.md``):

* **set-off insertion** (``stuffing``): a phrase of two words or more that
  stands apart from the sentence comes back again and again: in brackets, at
  least 4 times and at least once every 300 words on average; between commas or
  dashes (in 80% of its occurrences), at least 5 times and once every 150 words.
  Writers explain a name once; inserting the same aside each time is what
  search-engine stuffing and templates do.
* **long phrase** (``stuffing``): a phrase with four content words or more
  (function words not counted) comes back at least 6 times and covers at least
  3% of the document's words.
* **short phrase** (``stuffing``): any other phrase of two words or more comes
  back at least 8 times and at least once every 25 words (ordinary news, even
  repeating a name, stays below that rate).
* **attached to one entity** (``templated_insertion``): a set-off phrase that
  comes back at least 3 times, each time right after the same capitalised name,
  even when too rare for the rules above.

Only maximal repeats are considered (see :mod:`.maximal_repeats`); among findings that
overlap, the one with more occurrences wins, so a stuffed phrase is reported
once and not again as every longer or shorter variant of itself. Repeats inside
embedded-post attributions (``— Name (@handle) date``) are not counted: two posts
by the same account are not stuffing. A finding that stands like page furniture (a
placeholder or credit line, a dateline, a caption, furniture marked in the page's
HTML; see :mod:`.furniture`) goes to the ``page_furniture`` table instead.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from ...document import Document
from ..embedded_posts import find_embedded_posts
from ..registry import Analyzer, register
from . import furniture
from .batch_prefilter import may_repeat
from .maximal_repeats import count_words, find_repeats
from .rules import ATTACHED_MIN_COUNT, OPEN_MARKS, Finding, judge, reason

REPETITIONS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("kind", pa.string()),
    ("phrase", pa.string()),
    ("count", pa.int64()),
    ("starts", pa.list_(pa.int64())),
    ("density", pa.float64()),
    ("score", pa.float64()),
    ("reason", pa.string()),
    ("rule", pa.string()),
    ("words", pa.int64()),
    ("entity", pa.string()),
    ("entity_count", pa.int64()),
])
# What a site's template repeats (ads, credits, bylines): shown apart, never counted
# as manipulation (see :mod:`.furniture`). ``starts`` is empty for ``location`` "html"
# (furniture the extractor removed from the text).
PAGE_FURNITURE_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("phrase", pa.string()),
    ("count", pa.int64()),
    ("starts", pa.list_(pa.int64())),
    ("rule", pa.string()),
    ("location", pa.string()),
])

WINDOW_CHARS = 1_000_000     # longer texts are judged in pieces of this size


def _attribution_spans(text: str) -> list[tuple[int, int]]:
    if "(@" not in text and "post shared by" not in text.lower():
        return []
    return [(p.body_end, p.end) for p in find_embedded_posts(text)]


def _windows(text: str) -> list[tuple[int, int]]:
    """Pieces of at most ``WINDOW_CHARS``, cut at whitespace; very long documents
    (a 50 MB record) are judged piece by piece, with memory and time bounded."""
    out, start = [], 0
    while len(text) - start > WINDOW_CHARS:
        cut = text.rfind(" ", start + WINDOW_CHARS // 2, start + WINDOW_CHARS)
        cut = cut if cut > start else start + WINDOW_CHARS
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def _findings(text: str) -> list[Finding]:
    """Every finding of one window (stuffing and furniture alike), overlaps resolved."""
    repeats = find_repeats(text, min_count=ATTACHED_MIN_COUNT)
    if not repeats:
        return []
    doc_words = count_words(text)
    masked = bytearray(len(text))
    for a, b in _attribution_spans(text):
        masked[a:b] = b"\x01" * (b - a)
    findings = []
    for rep in repeats:
        size = len(rep.phrase)
        starts = tuple(s for s in rep.starts if masked.find(1, s, s + size) < 0)
        if len(starts) < ATTACHED_MIN_COUNT:
            continue
        f = judge(text, rep, starts, doc_words)
        if f is not None:
            findings.append(f)
    findings = _without_names_of_insertions(text, findings, doc_words)
    # Most occurrences first (an inserted aside before the longer repeat around it
    # when they tie); a finding overlapping one already kept is dropped unless
    # enough of its occurrences lie elsewhere to pass on their own.
    findings.sort(key=lambda f: (-len(f.starts), f.rule != "set_off_insertion",
                                 -len(f.repeat.phrase)))
    kept: list[Finding] = []
    covered = bytearray(len(text))
    for f in findings:
        size = len(f.repeat.phrase)
        free = [s for s in f.starts if covered.find(1, s, s + size) < 0]
        overlapped = len(free) < len(f.starts)
        if overlapped and (len(free) < ATTACHED_MIN_COUNT
                           or judge(text, f.repeat, tuple(free), doc_words) is None):
            continue
        kept.append(f)
        for s in f.starts:
            covered[s:s + size] = b"\x01" * size
    return kept


def _explained_by(text: str, f: Finding, insertion: Finding) -> set[int]:
    """The starts of ``f`` that lie inside an occurrence of ``insertion``, or right
    before one (only white space and opening marks between): the name an aside
    follows, when the aside repeats that name."""
    size, starts = len(insertion.repeat.phrase), insertion.starts
    out = set()
    for s in f.starts:
        end = s + len(f.repeat.phrase)
        k = bisect_right(starts, s) - 1
        if k >= 0 and s < starts[k] + size and end <= starts[k] + size:
            out.add(s)
            continue
        k = bisect_left(starts, end)
        if k < len(starts) and starts[k] - end <= 4 and not text[end:starts[k]].strip(
                OPEN_MARKS + " \t\n"):
            out.add(s)
    return out


def _without_names_of_insertions(text: str, findings: list[Finding],
                                 doc_words: int) -> list[Finding]:
    """Findings with the share of a name that a set-off insertion explains taken out.

    In "the Union (Union / UN News)" the name comes back twice per insertion, once
    before it and once inside it, so counted alone it occurs twice as often as the
    insertion and would win every overlap, hiding the insertion (the inserted unit,
    with its exact count) behind a name that ordinary writing repeats. A phrase
    that is (part of) the name an insertion follows and also lies within the
    insertion keeps only its occurrences outside the insertion and not right
    before it, and is reported only if those pass on their own.
    """
    insertions = [f for f in findings if f.rule in ("set_off_insertion", "attached")]
    if not insertions:
        return findings
    out = []
    for f in findings:
        explained: set[int] = set()
        for ins in insertions:
            if (ins.entity and len(f.starts) > len(ins.starts)
                    and f.repeat.phrase in ins.entity and f.repeat.phrase in ins.repeat.phrase):
                explained |= _explained_by(text, f, ins)
        if not explained:
            out.append(f)
            continue
        own = tuple(s for s in f.starts if s not in explained)
        judged = judge(text, f.repeat, own, doc_words) if len(own) >= ATTACHED_MIN_COUNT else None
        if judged is not None:
            out.append(judged)
    return out


def find_repetitions_and_furniture(doc_id: str, text: str, furniture_items: Sequence[str] = ()
                                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Stuffing / templated-insertion rows and page-furniture rows of one text.

    ``furniture_items``: texts the page's markup marks as furniture (HTML only). A
    finding that stands like furniture (:mod:`.furniture`) is reported there, never
    as stuffing.
    """
    rows: list[dict[str, Any]] = []
    furniture_rows: list[dict[str, Any]] = []
    for w_start, w_end in _windows(text):
        piece = text[w_start:w_end]
        findings = _findings(piece)
        if not findings:
            continue
        doc_words = count_words(piece)
        spans = furniture.markup_spans(piece, furniture_items) if furniture_items else []
        captions = furniture.caption_lines(piece)
        for f in sorted(findings, key=lambda f: f.starts[0]):
            size = len(f.repeat.phrase)
            starts = [w_start + s for s in f.starts]
            rule = furniture.classify(piece, f.repeat.phrase, f.starts, spans)
            if rule is not None:
                furniture_rows.append({"doc_id": doc_id, "phrase": f.repeat.phrase,
                                       "count": len(starts), "starts": starts, "rule": rule,
                                       "location": "text"})
                continue
            own = furniture.outside_captions(f.starts, size, captions) if captions else f.starts
            if len(own) < len(f.starts):
                judged = judge(piece, f.repeat, own, doc_words) if len(own) >= \
                    ATTACHED_MIN_COUNT else None
                if judged is None:
                    furniture_rows.append({"doc_id": doc_id, "phrase": f.repeat.phrase,
                                           "count": len(starts), "starts": starts,
                                           "rule": "caption", "location": "text"})
                    continue
                f = judged
                starts = [w_start + s for s in f.starts]
            rows.append({
                "doc_id": doc_id, "kind": f.kind, "phrase": f.repeat.phrase,
                "count": len(f.starts), "starts": starts,
                "density": round(len(f.starts) * size / max(len(piece), 1), 6),
                "score": round(f.score, 3), "reason": reason(f, doc_words), "rule": f.rule,
                "words": f.repeat.words, "entity": f.entity,
                "entity_count": f.entity_count or None,
            })
    if furniture_items:
        furniture_rows += furniture.removed_rows(doc_id, text, furniture_items)
    return rows, furniture_rows


def find_repetitions(doc_id: str, text: str) -> list[dict[str, Any]]:
    """Stuffing and templated-insertion rows of one text (see the module docstring);
    page furniture is left out (:func:`find_repetitions_and_furniture` has it)."""
    return find_repetitions_and_furniture(doc_id, text)[0]


class _PreTestPolicy:
    """Whether the batch pre-test pays for itself in this process.

    It saves work only when most texts fail it (short posts, generated or
    templated text). Where most pass (long articles that name the same people
    again and again), it is skipped for the next few batches, then tried again,
    so the choice follows the corpus. Either way the rows are the same.
    """

    SKIP_BATCHES = 4
    MAX_PASS_SHARE = 0.5

    def __init__(self) -> None:
        self.skip = 0

    def should_test(self) -> bool:
        if self.skip:
            self.skip -= 1
            return False
        return True

    def record(self, tested: int, passed: int) -> None:
        if tested and passed > self.MAX_PASS_SHARE * tested:
            self.skip = self.SKIP_BATCHES


_PRE_TEST = _PreTestPolicy()


def _possible(texts: list[str]) -> list[bool]:
    """Which texts can hold a repeat (one vectorised test over the whole batch, see
    :mod:`.batch_prefilter`); texts long enough to be judged in windows always can."""
    if _PRE_TEST.should_test():
        possible = may_repeat(texts, ATTACHED_MIN_COUNT)
        _PRE_TEST.record(len(possible), sum(possible))
    else:
        possible = [True] * len(texts)
    return [maybe or len(t) > WINDOW_CHARS for t, maybe in zip(texts, possible, strict=True)]


def find_repetitions_batch(items: list[tuple[str, str]]) -> list[list[dict[str, Any]]]:
    """``[find_repetitions(doc_id, text) for doc_id, text in items]``, faster: texts
    that cannot hold a repeat are not analysed one by one."""
    possible = _possible([text for _, text in items])
    return [find_repetitions(doc_id, text) if maybe else []
            for (doc_id, text), maybe in zip(items, possible, strict=True)]


def _tables(doc: Document, maybe: bool) -> dict[str, list[dict[str, Any]]]:
    items = furniture.markup_items(doc.meta)
    if not maybe:
        return {"repetitions": [], "page_furniture": furniture.removed_rows(doc.doc_id, doc.text,
                                                                            items)}
    rows, furniture_rows = find_repetitions_and_furniture(doc.doc_id, doc.text, items)
    return {"repetitions": rows, "page_furniture": furniture_rows}


def analyze_repetitions(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """The registered analyzer: ``{"repetitions": rows, "page_furniture": rows}`` for one
    document."""
    return _tables(doc, True)


def analyze_repetitions_batch(docs: list[Document]) -> list[dict[str, list[dict[str, Any]]]]:
    """The batch form the runner uses: same rows as :func:`analyze_repetitions`."""
    possible = _possible([d.text for d in docs])
    return [_tables(d, maybe) for d, maybe in zip(docs, possible, strict=True)]


register(Analyzer(
    name="repetitions", version="2",
    tables={"repetitions": REPETITIONS_SCHEMA, "page_furniture": PAGE_FURNITURE_SCHEMA},
    fn=analyze_repetitions, batch_fn=analyze_repetitions_batch,
    finish=furniture.move_source_templates,
    description="keyword stuffing and templated insertion (maximal repeats, scored), "
                "with page furniture kept apart",
))

"""The ``repetitions`` analyzer: keyword stuffing and templated insertion.

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

Only maximal repeats are considered (see :mod:`.repeats`); among findings that
overlap, the one with more occurrences wins, so a stuffed phrase is reported
once and not again as every longer or shorter variant of itself. Repeats inside
embedded-post attributions (``— Name (@handle) date``) are not counted: two posts
by the same account are not stuffing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..document import Document
from .embedded_posts import find_embedded_posts
from .registry import Analyzer, register
from .repeat_filter import may_repeat
from .repeats import Repeat, count_words, find_repeats
from .stopwords import STOPWORDS

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

# Thresholds, measured on ordinary news (bench/repetition_fpr.py).
BRACKET_MIN_COUNT = 4        # "(...)" / "[...]" asides
BRACKET_MAX_GAP = 300        # words per occurrence, on average
SET_OFF_MIN_COUNT = 5        # asides between commas or dashes
SET_OFF_MAX_GAP = 150
LONG_MIN_WORDS = 4           # content words (function words not counted)
LONG_MIN_COUNT = 6
LONG_MIN_DENSITY = 0.03      # share of the document's words
SHORT_MIN_COUNT = 8
SHORT_MAX_GAP = 25
ATTACHED_MIN_COUNT = 3
SET_OFF_SHARE = 0.8          # share of occurrences that must be set off
WINDOW_CHARS = 1_000_000     # longer texts are judged in pieces of this size

_OPEN_MARKS = ",(–—[-/"
# Marks that set a phrase off only with white space between them and it (a
# hyphen or slash glued to a word joins words: "re-entry", "and/or").
_SPACED_MARKS = "-/"
_CLOSE_MARKS = ",)–—].;:!?-"
_NAME_WORD_RE = re.compile(r"\w[\w'’\-]*")
_EDGE_PUNCT = "\"'“”‘’«»()[]"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    rule: str
    repeat: Repeat
    starts: tuple[int, ...]
    score: float
    entity: str | None
    entity_count: int


def _bracketed(phrase: str) -> bool:
    return (phrase[:1], phrase[-1:]) in {("(", ")"), ("[", "]")}


def _is_set_off(text: str, start: int, end: int) -> bool:
    """Does the occurrence stand apart, with punctuation on both sides?

    A hyphen counts only as a dash standing between spaces, never glued to a word;
    a slash opens an aside only with a space after it, and only one that repeats
    the word before the slash ("Union / Union Daily"), whatever comes after it.
    """
    before = text[max(0, start - 3):start]
    after = text[end:end + 3]
    b, a = before.rstrip(), after.lstrip()
    if not b or b[-1] not in _OPEN_MARKS or (b[-1] in _SPACED_MARKS and len(b) == len(before)):
        return False
    if b[-1] == "/":
        # "Name / Name Daily": a slash sets off what follows it (whatever ends it)
        # only when that repeats the name before the slash; "PMOI / MEK" is one name.
        name = _NAME_WORD_RE.findall(text[max(0, start - 80):start].rstrip()[:-1])
        return bool(name) and name[-1] in _NAME_WORD_RE.findall(text[start:end])
    return not a or (a[0] in _CLOSE_MARKS and not (a[0] == "-" and len(a) == len(after)))


def _words_before(text: str, start: int) -> list[str]:
    """Up to three words right before a set-off phrase (its opening mark skipped)."""
    head = text[max(0, start - 80):start].rstrip().rstrip(_OPEN_MARKS).rstrip()
    words: list[str] = []
    for part in reversed(head.split()[-3:]):
        part = part.strip(_EDGE_PUNCT)
        if not _NAME_WORD_RE.fullmatch(part):
            break
        words.insert(0, part)
    return words


def _attachment(text: str, starts: tuple[int, ...]) -> tuple[str | None, int]:
    """The name the phrase follows most often, and how often.

    The name is the longest run of words (up to three, not starting with a
    function word, and not all lower-case) that the most occurrences share right
    before them: ``the Resistance (…)`` and ``for the Resistance (…)`` both give
    ``Resistance``; ``Minister Alvarez, …`` after varying words gives ``Minister Alvarez``.
    """
    counts: dict[str, int] = {}
    for s in starts:
        words = _words_before(text, s)
        for k in range(1, len(words) + 1):
            tail = words[-k:]
            if tail[0].casefold() in STOPWORDS or all(w == w.lower() for w in tail):
                continue
            name = " ".join(tail)
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None, 0
    entity = max(counts, key=lambda k: (counts[k], len(k)))
    return entity, counts[entity]


def _judge(text: str, rep: Repeat, starts: tuple[int, ...], doc_words: int) -> Finding | None:
    count = len(starts)
    gap = doc_words / count if count else float("inf")
    density_words = count * rep.words / max(doc_words, 1)
    size = len(rep.phrase)
    bracketed = _bracketed(rep.phrase)
    set_off = bracketed or (
        sum(_is_set_off(text, s, s + size) for s in starts) >= SET_OFF_SHARE * count)
    entity, entity_count = _attachment(text, starts) if set_off else (None, 0)
    candidates: list[tuple[float, str, str]] = []
    if bracketed:
        candidates.append((min(count / BRACKET_MIN_COUNT, BRACKET_MAX_GAP / gap),
                           "stuffing", "set_off_insertion"))
    elif set_off:
        candidates.append((min(count / SET_OFF_MIN_COUNT, SET_OFF_MAX_GAP / gap),
                           "stuffing", "set_off_insertion"))
    if rep.content_words >= LONG_MIN_WORDS:
        candidates.append((min(count / LONG_MIN_COUNT, density_words / LONG_MIN_DENSITY),
                           "stuffing", "long_phrase"))
    else:
        candidates.append((min(count / SHORT_MIN_COUNT, SHORT_MAX_GAP / gap),
                           "stuffing", "short_phrase"))
    score, kind, rule = max(candidates)
    if (score < 1.0 and set_off and entity_count >= ATTACHED_MIN_COUNT and entity_count == count
            and entity is not None):
        score, kind, rule = entity_count / ATTACHED_MIN_COUNT, "templated_insertion", "attached"
    if score < 1.0:
        return None
    return Finding(kind, rule, rep, starts, score, entity, entity_count)


def _reason(f: Finding, doc_words: int) -> str:
    count = len(f.starts)
    gap = doc_words / count
    text = (f"the phrase '{f.repeat.phrase}' occurs {count} times in {doc_words} words "
            f"(once every {gap:.0f} words)")
    if f.rule == "set_off_insertion":
        text += ("; it stands apart from the sentence each time (an inserted aside), and "
                 "ordinary writing gives such an aside once")
    elif f.rule == "long_phrase":
        text += (f"; a {f.repeat.words}-word phrase repeated this often covers "
                 f"{100 * count * f.repeat.words / doc_words:.1f}% of the text, where ordinary "
                 "writing repeats a phrase this long at most 2-3 times")
    elif f.rule == "short_phrase":
        text += "; even names are rarely repeated more than once every 30 words"
    if f.entity and f.entity_count >= 2:
        text += f"; attached to '{f.entity}' {f.entity_count} of {count} times"
        if f.rule == "attached":
            text += " (the same fixed phrase after the same name)"
    return text


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
        f = _judge(text, rep, starts, doc_words)
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
                           or _judge(text, f.repeat, tuple(free), doc_words) is None):
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
                _OPEN_MARKS + " \t\n"):
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
        judged = _judge(text, f.repeat, own, doc_words) if len(own) >= ATTACHED_MIN_COUNT else None
        if judged is not None:
            out.append(judged)
    return out


def find_repetitions(doc_id: str, text: str) -> list[dict[str, Any]]:
    """Stuffing and templated-insertion rows of one text (see the module docstring)."""
    rows = []
    for w_start, w_end in _windows(text):
        piece = text[w_start:w_end]
        doc_words = count_words(piece)
        for f in sorted(_findings(piece), key=lambda f: f.starts[0]):
            size = len(f.repeat.phrase)
            rows.append({
                "doc_id": doc_id, "kind": f.kind, "phrase": f.repeat.phrase,
                "count": len(f.starts), "starts": [w_start + s for s in f.starts],
                "density": round(len(f.starts) * size / max(len(piece), 1), 6),
                "score": round(f.score, 3), "reason": _reason(f, doc_words), "rule": f.rule,
                "words": f.repeat.words, "entity": f.entity,
                "entity_count": f.entity_count or None,
            })
    return rows


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


def find_repetitions_batch(items: list[tuple[str, str]]) -> list[list[dict[str, Any]]]:
    """``[find_repetitions(doc_id, text) for doc_id, text in items]``, faster.

    Texts that cannot hold a repeat (one vectorised test over the whole batch, see
    :mod:`.repeat_filter`) are not analysed one by one; texts long enough to be
    judged in windows always are.
    """
    texts = [text for _, text in items]
    if _PRE_TEST.should_test():
        possible = may_repeat(texts, ATTACHED_MIN_COUNT)
        _PRE_TEST.record(len(possible), sum(possible))
    else:
        possible = [True] * len(texts)
    return [find_repetitions(doc_id, text) if maybe or len(text) > WINDOW_CHARS else []
            for (doc_id, text), maybe in zip(items, possible, strict=True)]


def analyze_repetitions(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """The registered analyzer: ``{"repetitions": rows}`` for one document."""
    return {"repetitions": find_repetitions(doc.doc_id, doc.text)}


def analyze_repetitions_batch(docs: list[Document]) -> list[dict[str, list[dict[str, Any]]]]:
    """The batch form the runner uses: same rows as :func:`analyze_repetitions`."""
    rows = find_repetitions_batch([(d.doc_id, d.text) for d in docs])
    return [{"repetitions": r} for r in rows]


register(Analyzer(
    name="repetitions", version="1", tables={"repetitions": REPETITIONS_SCHEMA},
    fn=analyze_repetitions, batch_fn=analyze_repetitions_batch,
    description="keyword stuffing and templated insertion (maximal repeats, scored)",
))

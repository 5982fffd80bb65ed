"""Page furniture: what a site's template repeats on a page, told apart from stuffing.

A scraped news page keeps some of its template in the text: ad placeholders
("Story continues below advertisement"), photo credits under every picture of a
gallery, "Read more" and share lines, a byline or a dateline at the head of each
section. Repeated within one page, such text passes the stuffing rules' counts, yet
nobody inserted it to game a search engine. It is recognised by where and how it
stands, never by what it says about anyone:

* **line head** (``line_start``): at least 80% of the occurrences begin a line (a
  placeholder, a "Read more" line, a byline, a credit line of their own);
* **dateline** (``dateline``): at least 80% follow only a capitalised place name at
  the head of a line (``PORT HALDEN (Karsland Post) -``);
* **caption** (``caption``): the phrase is furniture vocabulary (advertisement,
  photo, credit, getty, reuters, share, newsletter, read more, ... in the corpora's
  languages), at most 15 words long, and at least 80% of its occurrences end a
  line or begin one; that is how captions and credits stand;
* **caption lines**: a line that carries a photo credit (``Photograph: Name/Agency``,
  ``(Photo: ...)``, ``/ Getty Images``, ``©``; at most 300 characters), and the line
  right above a credit line of its own, are captions. A finding's occurrences in
  captions are set aside and the rest judged again by the stuffing rules: a caption
  that restates a sentence of the article adds no evidence of stuffing;
* **markup** (``markup``): for HTML pages, at least 80% of the occurrences lie inside
  text that the page's markup marks as furniture (``figcaption``, ad, share,
  newsletter, credit and byline containers: ingest keeps those texts in
  ``meta["html_furniture"]``). What the extractor removed altogether is reported too,
  without offsets (rule ``removed_by_extractor``).

* **source template** (``source_template``, a corpus-level pass after the stage): a
  phrase that is furniture by the rules above on at least :data:`SOURCE_TEMPLATE_DOCS`
  documents of one source is that site's template; where another document of the same
  source reports it as stuffing, the row moves to ``page_furniture`` (the same line on
  many pages of one site is template, not an insertion).

Stuffing inserts an aside *into running sentences*: an occurrence in the middle of
a line is never furniture by position, so the rules above leave inserted asides
alone (``bench/furniture_fpr.py``; the sample article stays exact).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

FURNITURE_SHARE = 0.8
SOURCE_TEMPLATE_DOCS = 3
MAX_CAPTION_WORDS = 15
MAX_DATELINE_WORDS = 4
# Texts read from the markup, per page (ingest caps them too).
MAX_MARKUP_ITEMS = 200

# Furniture vocabulary, matched as whole words, case-folded (several languages).
_LEXICON = re.compile(
    r"(?<!\w)(?:advertisement|advertising|advert|sponsored|anzeige|werbung|publicité|"
    r"pubblicità|publicidad|реклама|story continues|continue reading|continues below|"
    r"read more|read also|see also|related|more from|share this|share on|share|follow us|"
    r"subscribe|newsletter|sign up|photo|photos|photograph|photography|image|images|picture|"
    r"credit|credits|getty|reuters|afp|ap photo|epa|shutterstock|reporting by|editing by|"
    r"writing by|click here|gallery|copyright|all rights reserved|foto|bild|фото|"
    r"leggi anche|lire aussi|lesen sie auch|читайте также|©)(?!\w)")
_LINE_MARKS = " \t•·*-–—|>:"
_NEWLINE = re.compile("\n")
_UPPER_WORD = re.compile(r"[^\W\d_][^\W_]*[.,]?")


def is_furniture_vocabulary(phrase: str) -> bool:
    """Does the phrase hold a word that only page furniture uses (credit, advertisement, ...)?"""
    return _LEXICON.search(phrase.casefold()) is not None


_CREDIT = re.compile(
    r"(?:\b(?:photo|photos|photograph|image|picture|credit|foto|bild|фото)\s*(?:by\s*)?[:/]"
    r"|\b(?:getty images|reuters|afp|ap photo|epa|shutterstock)\b|©)", re.IGNORECASE)
MAX_CAPTION_LINE = 300


def caption_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the lines that are captions: a short line carrying a credit, and the
    line right above a credit line that holds nothing else. Linear: line ends are found
    once, and each credit is placed by bisection."""
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    out: set[tuple[int, int]] = set()
    for m in _CREDIT.finditer(text):
        k = bisect_left(newlines, m.start())
        a = newlines[k - 1] + 1 if k else 0
        b = newlines[k] if k < len(newlines) else len(text)
        if b - a > MAX_CAPTION_LINE or (a, b) in out:
            continue
        out.add((a, b))
        if a > 0 and not text[a:m.start()].strip(_LINE_MARKS + "("):
            above = newlines[k - 2] + 1 if k >= 2 else 0  # a credit line of its own
            if a - 1 - above <= MAX_CAPTION_LINE:
                out.add((above, a - 1))
    return sorted(out)


def outside_captions(starts: Sequence[int], size: int, captions: Sequence[tuple[int, int]]
                     ) -> tuple[int, ...]:
    """The occurrences that do not lie in a caption line."""
    return tuple(s for s in starts if not _inside(captions, s, s + size))


# Only this much of a line around an occurrence is read: a dateline head is a few words,
# and a head or tail longer than this is not empty after stripping marks anyway.
_NEAR = 80


def _line_bounds(text: str, newlines: Sequence[int], start: int, end: int) -> tuple[str, str]:
    """The text before the occurrence on its line, and after it, both stripped (at most
    :data:`_NEAR` characters of each: linear in the occurrences, whatever the lines)."""
    k = bisect_left(newlines, start)
    head_from = max(newlines[k - 1] + 1 if k else 0, start - _NEAR)
    k = bisect_left(newlines, end)
    tail_to = min(newlines[k] if k < len(newlines) else len(text), end + _NEAR)
    return (text[head_from:start].strip(_LINE_MARKS),
            text[end:tail_to].strip(_LINE_MARKS + ".,;!?)\"'”’"))


def _is_dateline_head(head: str) -> bool:
    words = head.split()
    return (0 < len(words) <= MAX_DATELINE_WORDS
            and all(_UPPER_WORD.fullmatch(w) and w.rstrip(".,").isupper() for w in words))


def classify(text: str, phrase: str, starts: Sequence[int],
             markup_spans: Sequence[tuple[int, int]] = ()) -> str | None:
    """The furniture rule a repeated phrase meets, or None when it stands like an insertion."""
    if not starts:
        return None
    need = FURNITURE_SHARE * len(starts)
    size = len(phrase)
    if markup_spans and sum(_inside(markup_spans, s, s + size) for s in starts) >= need:
        return "markup"
    heads = tails = datelines = 0
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    for s in starts:
        head, tail = _line_bounds(text, newlines, s, s + size)
        heads += not head
        tails += not tail
        datelines += bool(head) and _is_dateline_head(head)
    if heads >= need:
        return "line_start"
    if datelines >= need:
        return "dateline"
    if (heads + tails >= need and len(phrase.split()) <= MAX_CAPTION_WORDS
            and is_furniture_vocabulary(phrase)):
        return "caption"
    return None


def _inside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Does one of the sorted ``spans`` hold ``[start, end)``? (Spans may nest: markup
    furniture inside furniture; the widest one starting before ``start`` is checked
    among the few nearest.)"""
    k = bisect_right(spans, (start, float("inf")))
    return any(a <= start and end <= b for a, b in spans[max(0, k - 8):k])


def markup_spans(text: str, items: Iterable[str]) -> list[tuple[int, int]]:
    """Where the furniture texts read from the page's markup occur in the extracted text."""
    spans: list[tuple[int, int]] = []
    for item in items:
        if len(item) < 3:
            continue
        i = text.find(item)
        while i >= 0:
            spans.append((i, i + len(item)))
            i = text.find(item, i + len(item))
    return sorted(spans)


def markup_items(meta: Any) -> list[str]:
    """The furniture texts ingest read from the page's markup (``meta["html_furniture"]``)."""
    items = meta.get("html_furniture") if isinstance(meta, dict) else None
    if not isinstance(items, list):
        return []
    return [" ".join(i.split()) if "\n" in i else i
            for i in items[:MAX_MARKUP_ITEMS] if isinstance(i, str) and i.strip()]


def removed_rows(doc_id: str, text: str, items: Sequence[str]) -> list[dict[str, Any]]:
    """Rows for markup furniture that the extractor removed from the text (no offsets)."""
    counts: dict[str, int] = {}
    for item in items:
        if item not in text:
            counts[item] = counts.get(item, 0) + 1
    return [{"doc_id": doc_id, "phrase": item, "count": n, "starts": [],
             "rule": "removed_by_extractor", "location": "html"} for item, n in counts.items()]


def move_source_templates(corpus: Any) -> int:
    """The corpus-level rule ``source_template`` (see the module docstring): stuffing rows
    whose phrase is furniture on at least :data:`SOURCE_TEMPLATE_DOCS` other documents of
    the same source move to ``page_furniture``. Set-based, idempotent; returns the rows
    moved."""
    if not (corpus.has_table("repetitions") and corpus.has_table("page_furniture")):
        return 0
    con = corpus.con
    template = f"""
        SELECT r.doc_id, r.phrase FROM repetitions r JOIN documents d USING (doc_id)
        JOIN (SELECT d2.source, pf.phrase, list(DISTINCT pf.doc_id) AS docs
              FROM page_furniture pf JOIN documents d2 USING (doc_id)
              WHERE pf.location = 'text' AND pf.rule <> 'source_template'
              GROUP BY d2.source, pf.phrase
              HAVING count(DISTINCT pf.doc_id) >= {SOURCE_TEMPLATE_DOCS}) t
          ON t.source = d.source AND t.phrase = r.phrase"""
    moved = con.execute(f"SELECT count(*) FROM ({template})").fetchone()[0]
    if not moved:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"""
            INSERT INTO page_furniture BY NAME
            SELECT r.doc_id, r.phrase, r.count, r.starts, 'source_template' AS rule,
                   'text' AS location, r.run_id
            FROM repetitions r JOIN ({template}) m USING (doc_id, phrase)""")
        con.execute(f"DELETE FROM repetitions USING ({template}) m "
                    "WHERE repetitions.doc_id = m.doc_id AND repetitions.phrase = m.phrase")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(moved)

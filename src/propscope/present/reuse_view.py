"""One reuse cluster, copy by copy: the earliest text beside each copy, changes marked.

Why word-level diffs computed here: the reuse stage stores where each copy's passage
is and which sentences were inserted, but a reader needs to *see* what a republisher
changed. Each copy's passage is compared with the earliest dated copy's passage word
by word (:class:`difflib.SequenceMatcher`); words only in the copy are insertions,
words only in the original are removals. An insertion that recurs across copies
(``reuse_insertions``: the same added sentence in several copies) is marked as such,
since a line added by many republishers is a talking point, not an edit.
Passages are cut at ``MAX_PASSAGE`` characters so a page stays small and quick.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from markupsafe import Markup

from .escaping import esc
from .queries import CorpusQueries, rows

MAX_PASSAGE = 12_000
MAX_COPIES = 30
_WORDS = re.compile(r"\s+|[^\s]+")


def _passage(text: str, start: Any, end: Any) -> str:
    a = max(0, int(start or 0))
    b = min(len(text), int(end)) if end is not None else len(text)
    return text[a:b][:MAX_PASSAGE] if b > a else text[:MAX_PASSAGE]


def _wrap(piece: str, tag: str, cls: str, extra: str) -> str:
    """``piece`` marked with ``tag``, its surrounding whitespace left outside the mark."""
    core = piece.strip()
    lead = piece[:len(piece) - len(piece.lstrip())]
    trail = piece[len(piece.rstrip()):]
    return f'{esc(lead)}<{tag} class="{cls}"{extra}>{esc(core)}</{tag}>{esc(trail)}'


def diff_words(original: str, copy: str, recurring: list[str]) -> tuple[Markup, Markup, list[str]]:
    """``(original with removals marked, copy with insertions marked, inserted pieces)``."""
    a, b = _WORDS.findall(original), _WORDS.findall(copy)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    inserted: list[str] = []
    rec = [r.strip().lower() for r in recurring if r and r.strip()]
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(str(esc(old)))
            right.append(str(esc(new)))
            continue
        if old.strip():
            left.append(_wrap(old, "del", "diff-del", ""))
        else:
            left.append(str(esc(old)))
        if new.strip():
            low = new.strip().lower()
            again = any(low in r or r in low for r in rec)
            cls = "diff-ins recurring" if again else "diff-ins"
            tip = ' title="also inserted in other copies"' if again else ""
            right.append(_wrap(new, "ins", cls, tip))
            inserted.append(new.strip())
        else:
            right.append(str(esc(new)))
    return Markup("".join(left)), Markup("".join(right)), inserted


def cluster_page(qs: CorpusQueries, cluster_id: str) -> dict[str, Any] | None:
    """Everything the cluster page shows, or ``None`` when there is no such cluster."""
    if not qs.has("reuse_clusters"):
        return None
    s = qs.schema
    members = rows(qs.cur, f"""
        SELECT c.doc_id, c.{s.col('reuse_clusters', 'start')} AS p_start,
               c.{s.col('reuse_clusters', 'end')} AS p_end,
               coalesce(c.{s.col('reuse_clusters', 'published')}, d.published) AS published,
               d.source, d.title, d.text
        FROM reuse_clusters c JOIN documents d USING (doc_id) WHERE c.cluster_id = ?
        ORDER BY published NULLS LAST, d.doc_id LIMIT ?""", [cluster_id, MAX_COPIES + 1])
    if not members:
        return None
    recurring: list[dict[str, Any]] = []
    if "reuse_insertions" in s.columns:
        recurring = rows(qs.cur, "SELECT text, copies, occurrences FROM reuse_insertions "
                         "WHERE cluster_id = ? ORDER BY copies DESC, text LIMIT 20", [cluster_id])
        for r in recurring:
            try:
                occ = json.loads(r["occurrences"] or "[]")
            except ValueError:
                occ = []
            r["docs"] = [o.get("doc_id") for o in occ if isinstance(o, dict)]
    truncated = len(members) > MAX_COPIES
    members = members[:MAX_COPIES]
    base = members[0]
    first = base["published"]
    base_text = _passage(base["text"] or "", base["p_start"], base["p_end"])
    rec_texts = [r["text"] for r in recurring if (r.get("copies") or 0) >= 2]
    copies = []
    for m in members[1:]:
        text = _passage(m["text"] or "", m["p_start"], m["p_end"])
        left, right, inserted = diff_words(base_text, text, rec_texts)
        delay = None
        if first is not None and m["published"] is not None:
            delay = (m["published"] - first).total_seconds()
        copies.append({"doc_id": m["doc_id"], "source": m["source"], "title": m["title"] or m["text"],
                       "published": m["published"], "delay_s": delay, "original": left,
                       "copy_html": right, "inserted": inserted,
                       "same": not inserted and left.count("<del") == 0})
    return {"cluster_id": cluster_id, "base": base, "base_text": base_text,
            "base_dated": first is not None, "copies": copies, "recurring": recurring,
            "truncated": truncated, "size": len(members),
            "undated": sum(1 for m in members if m["published"] is None),
            "max_passage": MAX_PASSAGE}

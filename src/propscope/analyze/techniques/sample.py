"""Which documents the technique model reads: ``--techniques all|sample|off``.

The model costs about a quarter of a second of CPU per news article, so a corpus
of a million documents would take days. ``sample`` (the default) reads at most
``techniques_sample_docs`` documents, chosen so that the choice is

* **stratified**: documents are grouped by source and ISO week of publication
  ("undated" when there is no date); every group gets the same cap ``c``, the
  largest for which all groups together stay within the budget, so a small
  source or a quiet week is read in full and a large one gets ``c`` documents
  (and what is left of the budget goes one document each to the larger groups
  whose next document hashes lowest; max-min fair allocation; counts across
  groups are therefore *not*
  proportional to volume: compare groups, or weight by ``group size / c``);
* **reproducible**: inside a group, documents are taken in the order of the
  SHA-1 of their ``doc_id`` (no random state), so the same corpus always gives
  the same sample, on any machine and engine;
* **recorded**: every document left out gets a ``technique_skips`` row with the
  reason, and the ``coverage`` summary (run summary, ``status``, report, app)
  counts it as "not analysed" with that reason.

A corpus with no more documents than the budget is read in full, so small
corpora behave exactly as with ``all``. When the corpus grows, a document left
out earlier that the new plan selects is read on the next run; one already read
is never dropped.

This module reads the corpus through the object it is handed (``corpus.con``,
``corpus.write_stage``) and imports nothing from the corpus package.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pyarrow as pa

MODES = ("all", "sample", "off")
SKIPS_SCHEMA = pa.schema([("doc_id", pa.string()), ("reason", pa.string())])
REASON = {"sample": "not in the techniques sample (--techniques sample; at most a fixed number "
                    "of documents per source and week)",
          "off": "techniques switched off (--techniques off)"}


def doc_hash(doc_id: str) -> int:
    """A document's place in its group: the first 8 bytes of SHA-1(doc_id)."""
    return int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big")


def bucket(source: str | None, week: str | None) -> str:
    """The stratum of a document: ``source`` and ISO week (``2024-W07``, UTC) of publication."""
    return f"{source or '(no source)'}\x1f{week or 'undated'}"


def iso_week(published: datetime | date | None) -> str | None:
    """``2024-W07`` for a date (the same string :data:`WEEK_SQL` gives in DuckDB)."""
    if published is None:
        return None
    y, w, _ = published.isocalendar()
    return f"{y}-W{w:02d}"


# ISO week of ``published`` in UTC, computed by DuckDB (TIMESTAMPTZ -> UTC wall time).
WEEK_SQL = ("CASE WHEN published IS NULL THEN NULL ELSE "
            "printf('%d-W%02d', isoyear(published AT TIME ZONE 'UTC'), "
            "weekofyear(published AT TIME ZONE 'UTC')) END")


def per_group_cap(sizes: list[int], budget: int) -> int:
    """The largest ``c`` with ``sum(min(n, c)) <= budget`` (0 when the budget is 0)."""
    if budget <= 0 or not sizes:
        return 0
    lo, hi = 0, max(sizes)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(min(n, mid) for n in sizes) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


@dataclass(frozen=True)
class SamplePlan:
    """The documents chosen for the technique model, and how."""

    mode: str
    budget: int
    documents: int
    selected: frozenset[str]
    groups: int
    cap: int | None  # documents per source and week (some groups get one more); None: all read

    def describe(self) -> dict[str, Any]:
        left_out = self.documents - len(self.selected)
        return {"mode": self.mode, "budget": self.budget, "documents": self.documents,
                "selected": len(self.selected), "not_selected": left_out,
                "groups": self.groups, "per_group_cap": self.cap,
                "reason": REASON.get(self.mode) if left_out else None}


def make_plan(rows: list[tuple[str, str | None, str | None]], mode: str, budget: int) -> SamplePlan:
    """Choose documents from ``(doc_id, source, iso_week)`` rows (see the module doc)."""
    if mode not in MODES:
        from ...errors import InputError

        raise InputError(f"unknown --techniques mode {mode!r}", hint=f"one of {', '.join(MODES)}")
    groups: dict[str, list[str]] = defaultdict(list)
    for doc_id, source, week in rows:
        groups[bucket(source, week)].append(doc_id)
    ids = [r[0] for r in rows]
    if mode == "off":
        return SamplePlan(mode, budget, len(ids), frozenset(), len(groups), 0)
    if mode == "all" or len(ids) <= budget:
        return SamplePlan(mode, budget, len(ids), frozenset(ids), len(groups), None)
    cap = per_group_cap([len(g) for g in groups.values()], budget)
    ordered = {k: sorted(members, key=lambda d: (doc_hash(d), d)) for k, members in groups.items()}
    chosen: set[str] = set()
    for members in ordered.values():
        chosen.update(members[:cap])
    # The budget left over (fewer than one document per larger group) goes one
    # document each to the larger groups whose next document hashes lowest: more
    # groups than the budget still gives a sample of the budget's size.
    spare = budget - len(chosen)
    nxt = sorted((doc_hash(m[cap]), m[cap]) for m in ordered.values() if len(m) > cap)
    chosen.update(d for _, d in nxt[:spare])
    return SamplePlan(mode, budget, len(ids), frozenset(chosen), len(groups), cap)


def prepare(corpus: Any, stage: str, version: str, run_id: str, mode: str,
            budget: int) -> dict[str, Any]:
    """Mark the documents the plan leaves out as done (with a ``technique_skips`` row),
    and make pending again any document skipped earlier that the plan now selects.

    Runs before the stage counts its pending documents, so skipped documents are
    never read, tokenised or sent to a worker.
    """
    con = corpus.con
    rows = con.execute(f"SELECT doc_id, source, {WEEK_SQL} FROM documents").fetchall()
    plan = make_plan(rows, mode, budget)
    selected = pa.table({"doc_id": pa.array(sorted(plan.selected), pa.string())})
    # Created on the first skip only. fetchall, not corpus.has_table: its fetchone leaves
    # the result open, and DuckDB then refuses to register the Arrow table below.
    had = bool(con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'technique_skips'").fetchall()[0][0])
    with corpus.registered(_chosen=selected):
        # Only the sample's own skips come back; a language skip (analyzer.py) stays.
        back = [r[0] for r in con.execute(
            "SELECT doc_id FROM technique_skips WHERE doc_id IN (SELECT doc_id FROM _chosen) "
            "AND reason IN (?, ?)", [REASON["sample"], REASON["off"]]
        ).fetchall()] if had else []
        if back:
            restored = pa.table({"doc_id": pa.array(back, pa.string())})
            with corpus.transaction(), corpus.registered(_back=restored):
                con.execute("DELETE FROM stage_done WHERE stage = ? AND doc_id IN "
                            "(SELECT doc_id FROM _back)", [stage])
                con.execute("DELETE FROM technique_skips WHERE doc_id IN (SELECT doc_id FROM _back)")
        skip = [r[0] for r in con.execute(
            "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM _chosen) "
            "AND doc_id NOT IN (SELECT doc_id FROM stage_done WHERE stage = ? AND version = ?) "
            "ORDER BY doc_id", [stage, version]).fetchall()]
    if skip:
        reason = REASON[mode]
        corpus.ensure_table("technique_skips", SKIPS_SCHEMA)
        gone = pa.table({"doc_id": pa.array(skip, pa.string())})
        with corpus.transaction(), corpus.registered(_skip=gone):  # after a --force-stage
            con.execute("DELETE FROM technique_skips WHERE doc_id IN (SELECT doc_id FROM _skip)")
        corpus.write_stage(stage, version, run_id, skip, {"technique_skips": pa.table(
            {"doc_id": pa.array(skip, pa.string()), "reason": pa.array([reason] * len(skip))})})
    out = plan.describe()
    out["skipped_now"] = len(skip)
    out["restored"] = len(back)
    out["line"] = describe(out)
    return out


def describe(info: dict[str, Any] | None) -> str:
    """One line for the terminal: what the sample chose."""
    if not info:
        return ""
    if info["mode"] == "off":
        return f"techniques off: {info['documents']} document(s) not analysed by the technique model"
    if not info["not_selected"]:
        return f"techniques {info['mode']}: every document ({info['documents']}) chosen"
    return (f"techniques sample: {info['selected']} of {info['documents']} document(s) chosen "
            f"({info['per_group_cap']} or {info['per_group_cap'] + 1} per source and week, or all of a "
            f"smaller one, over {info['groups']} group(s); "
            f"budget {info['budget']}); {info['not_selected']} not analysed by the technique model")

"""Rows of the ``coordination_edges`` and ``communities`` tables, from the evidence.

Why its own module: the stage (:mod:`.coordination`) decides which pairs are edges; this
turns the kept evidence into what an analyst reads (one row per pair and kind, one per
community member, each with its listed co-actions), and that shape changes for reasons of
its own (the report, the app, the exports).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from .groups import overlapping_groups
from .kindlayers import split_by_kind
from .wholegroups import pair_items

MAX_ITEMS = 100  # co-actions listed per edge / per community member


def _text(value: Any) -> str | None:
    """A raw form for the evidence JSON: a missing one (pandas' NaN) is null, never ``NaN``,
    which is not JSON and broke the app's network view."""
    return value if isinstance(value, str) else None


def _runs(keys: list[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal keys in a sorted list."""
    bounds = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def edge_rows_of(ev: pd.DataFrame, pairs: pd.DataFrame, window: float) -> list[dict[str, Any]]:
    """One row per (pair, kind) from the evidence (sorted by pair, time): plain lists,
    not a pandas group per edge (that was most of the stage's time)."""
    ev = ev.sort_values(["source_a", "source_b", "kind", "time_a", "item"], kind="mergesort")
    col = {c: ev[c].tolist() for c in ev.columns}
    info = {(a, b): (e, p, q, m, w) for a, b, e, p, q, m, w in pairs.reset_index()[
        ["source_a", "source_b", "expected", "p", "q", "moments", "window"]].itertuples(
            index=False)}
    keys = list(zip(col["source_a"], col["source_b"], col["kind"], strict=True))
    rows = []
    for lo, hi in _runs(keys):
        a, b, kind = keys[lo]
        expected, p, q, moments, pair_window = info[(a, b)]
        n = hi - lo
        leader, led = Counter(col["leader"][lo:hi]).most_common(1)[0]
        listed = [{"item": col["item"][i], "raw_a": _text(col["raw_a"][i]),
                   "raw_b": _text(col["raw_b"][i]),
                   "time_a": col["time_a"][i].isoformat(), "time_b": col["time_b"][i].isoformat(),
                   "delay_s": round(float(col["delay_s"][i]), 3),
                   "sharers": int(col["item_sharers"][i])} for i in range(lo, min(hi, lo + MAX_ITEMS))]
        times = col["time_a"][lo:hi] + col["time_b"][lo:hi]
        rows.append({
            "source_a": a, "source_b": b, "kind": kind, "weight": n,
            "first_seen": min(times), "last_seen": max(times),
            "items": json.dumps(listed, ensure_ascii=False), "expected": float(expected),
            "p_value": float(p), "p_adjusted": float(q), "window_s": float(pair_window),
            "score": float(-math.log10(max(float(p), 1e-300))), "moments": int(moments),
            "leader": leader if led * 2 > n else None, "lead_share": round(led / n, 3),
            "rarity": float(sum(1.0 / math.log2(1.0 + s) for s in col["item_sharers"][lo:hi])),
        })
    return rows


def community_rows(ev: pd.DataFrame, edge_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    weight: dict[tuple[str, str], float] = defaultdict(float)
    for r in edge_rows:
        weight[(r["source_a"], r["source_b"])] += r["rarity"]
    groups = overlapping_groups([(a, b, w) for (a, b), w in sorted(weight.items())],
                                pair_items(ev))  # pieces joined by their items (wholegroups)
    groups = split_by_kind(groups, edge_rows)  # two groups in one piece (kindlayers.py)
    cols = {c: ev[c].tolist() for c in ("source_a", "source_b", "kind", "item", "time_a",
                                        "time_b")}
    in_group: dict[str, list[int]] = defaultdict(list)
    for n, group in enumerate(groups):
        for m in group["members"]:
            in_group[m].append(n)
    kinds: list[Counter[str]] = [Counter() for _ in groups]
    per: list[dict[str, list[dict[str, Any]]]] = [defaultdict(list) for _ in groups]
    for i, (a, b) in enumerate(zip(cols["source_a"], cols["source_b"], strict=True)):
        for n in set(in_group.get(a, ())) & set(in_group.get(b, ())):
            kind, item = cols["kind"][i], cols["item"][i]
            ta, tb = cols["time_a"][i].isoformat(), cols["time_b"][i].isoformat()
            kinds[n][kind] += 1
            per[n][a].append(listed_co_action(kind, item, ta, b, tb))
            per[n][b].append(listed_co_action(kind, item, tb, a, ta))
    rows = []
    for n, group in enumerate(groups):
        cid = f"C{n + 1:04d}"
        members = group["members"]
        dominant = kinds[n].most_common(1)[0][0] if kinds[n] else None
        for m in sorted(members):
            strength, role = members[m]
            rows.append({"community_id": cid, "source": m, "size": len(members),
                         "evidence": evidence_list(per[n][m]),
                         "strength": strength, "role": role, "dominant_kind": dominant})
    return rows


def listed_co_action(kind: str, item: str, time: str, with_: str, with_time: str
                     ) -> dict[str, Any]:
    """One co-action in a member's evidence list (the report and the app read these keys;
    link/attached.py adds the group test's ``p_group``)."""
    return {"kind": kind, "item": item, "time": time, "with": with_, "with_time": with_time}


def evidence_list(entries: list[dict[str, Any]]) -> str:
    """A member's evidence: its co-actions in time order, at most ``MAX_ITEMS``, as JSON."""
    listed = sorted(entries, key=lambda e: (e["time"], e["item"], e["with"]))[:MAX_ITEMS]
    return json.dumps(listed, ensure_ascii=False)

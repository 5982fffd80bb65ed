"""Can behaviour alone tell planted communities from benign look-alikes? A measured frontier.

Why: issue 15 asks for no background account in any community on the held-out judges. The
background accounts the stage still places (judges 4, 7, 8, 9) are feed and alert bots,
mirrors, cross-posters, outlets and their staff, podcast networks, a celebrity's fans and
friend circles: accounts that do act together, by automation or by a tie the data does not
show. This script asks whether any rule over the behaviour the stage can see could remove
them without removing operations, and measures the best linear one across judges it was not
fitted on (a judge's generator is an independent implementation, so leave-one-judge-out is
the honest test of a rule meant for data none of us wrote).

For each community of each finished judge corpus (``corpus.duckdb`` beside its truth file),
eleven features from the stage's own tables (``communities``, ``coordination_evidence``
without shared fingerprints, ``documents`` and ``posts``):

* ``size``, ``items`` (distinct items the members acted on together), ``kinds``;
* ``completeness``: mean share of members acting on each item (relays post everything);
* ``lead``: the largest share of items one member posted first (a source and its mirrors);
* ``exclusivity``: median share of a member's posts that are these co-actions;
* ``burst``: burstiness of the gaps between items, (sd - mean) / (sd + mean) (feeds are
  steady, pushes cluster);
* ``days``: share of the corpus's days with an item; ``delay``: median delay between two
  members; ``sharers``: median sharers of an item; ``hosts``: distinct sites of link items.

A community is *innocent* when fewer than half of its members are planted. A logistic
regression (numpy, class-balanced, L2) is fitted on every judge but one and scored on that
one; its threshold is chosen on the training judges (at most ``--budget`` of their planted
communities removed). The frontier pools the out-of-judge scores: how many planted
communities go when a given share of the innocent ones is removed.

    PYTHONPATH=src python bench/lookalike_frontier.py [--budget 0.0] CORPUS::TRUTH::JUDGE ...

TRUTH may be ``none`` (a control world: every community is innocent). Nothing is written to
the corpora (they are opened read-only).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

FEATURES = ("size", "items", "kinds", "completeness", "lead", "exclusivity", "burst", "days",
            "delay", "sharers", "hosts")
#: Features read on a log scale (counts and seconds).
LOGGED = {"size", "items", "exclusivity", "delay", "sharers", "hosts"}
_RELATION_ITEM = ("retweet:", "reply:", "quote:", "forward:")


def planted_members(truth: str) -> set[str]:
    """Members of every planted group in a truth file (empty for ``none``)."""
    if truth == "none" or not Path(truth).exists():
        return set()
    groups = json.loads(Path(truth).read_text())["groups"]
    items = groups.values() if isinstance(groups, dict) else groups
    return {m for g in items for m in g["members"]}


def _posts_per_account(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Distinct documents each account made: its own and its posts of a shared text (a post
    whose text another account posted first has that account's document)."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    union = "SELECT source AS who, doc_id FROM documents"
    if "posts" in tables:
        union += " UNION SELECT author, doc_id FROM posts WHERE author IS NOT NULL"
    return dict(con.execute(f"SELECT who, count(DISTINCT doc_id) FROM ({union}) GROUP BY who")
                .fetchall())


def _burst(times: list[float]) -> float:
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    if len(gaps) < 2 or statistics.mean(gaps) <= 0:
        return 0.0
    mu, sd = statistics.mean(gaps), statistics.pstdev(gaps)
    return (sd - mu) / (sd + mu)


def community_features(corpus: str, truth: str, judge: str) -> list[dict[str, Any]]:
    """One row per community: the judge, its role (planted | innocent) and the features."""
    con = duckdb.connect(corpus, read_only=True)
    planted = planted_members(truth)
    members: dict[str, set[str]] = defaultdict(set)
    for cid, source in con.execute("SELECT community_id, source FROM communities").fetchall():
        members[cid].add(source)
    made = _posts_per_account(con)
    days_total = con.execute("SELECT date_diff('day', min(published), max(published)) + 1 "
                             "FROM documents").fetchone()[0] or 1
    of: dict[str, set[str]] = defaultdict(set)
    for cid, ms in members.items():
        for m in ms:
            of[m].add(cid)
    evidence: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in con.execute(
            "SELECT source_a, source_b, kind, item, doc_a, doc_b, epoch(time_a), epoch(time_b),"
            " delay_s, item_sharers FROM coordination_evidence "
            "WHERE kind <> 'shared_infrastructure'").fetchall():
        for cid in of.get(row[0], set()) & of.get(row[1], set()):
            evidence[cid].append(row)
    con.close()
    rows = []
    for cid, ms in sorted(members.items()):
        acts: dict[str, dict[str, float]] = defaultdict(dict)
        docs: dict[str, set[str]] = defaultdict(set)
        kinds, delays, sharers = set(), [], []
        for a, b, kind, item, doc_a, doc_b, t_a, t_b, delay, n in evidence.get(cid, []):
            for who, t in ((a, t_a), (b, t_b)):
                acts[item][who] = min(t, acts[item].get(who, t))
            docs[a].add(doc_a)
            docs[b].add(doc_b)
            kinds.add(kind)
            delays.append(abs(delay))
            sharers.append(n)
        if not acts:
            continue
        firsts: dict[str, int] = defaultdict(int)
        for actors in acts.values():
            firsts[min(actors, key=lambda w, act=actors: act[w])] += 1  # type: ignore[misc]
        starts = sorted(min(actors.values()) for actors in acts.values())
        hosts = {item.split("/")[0] for item in acts
                 if "/" in item and not item.startswith(_RELATION_ITEM)}
        n = len(ms)
        rows.append({
            "judge": judge, "community": cid,
            "role": "planted" if 2 * sum(m in planted for m in ms) >= n else "innocent",
            "size": n, "items": len(acts), "kinds": len(kinds),
            "completeness": statistics.mean(len(v) / n for v in acts.values()),
            "lead": max(firsts.values()) / len(acts),
            "exclusivity": statistics.median(min(1.0, len(docs[m]) / max(1, made.get(m, 1)))
                                             for m in ms),
            "burst": _burst(starts),
            "days": len({int(t // 86400) for t in starts}) / days_total,
            "delay": statistics.median(delays), "sharers": statistics.median(sharers),
            "hosts": len(hosts),
        })
    return rows


def matrix(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (logged where counts), innocent labels, judges."""
    x = np.array([[math.log1p(r[f]) if f in LOGGED else float(r[f]) for f in FEATURES]
                  for r in rows])
    y = np.array([r["role"] == "innocent" for r in rows], dtype=float)
    return x, y, np.array([r["judge"] for r in rows])


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000) -> Any:
    """A class-balanced logistic regression by gradient descent; returns a scorer."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    pos = min(max(y.mean(), 1e-9), 1 - 1e-9)
    weight = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * weight
        w -= 0.1 * (z.T @ g / len(y) + l2 * w)
        b -= 0.1 * float(g.mean())
    return lambda xn: 1 / (1 + np.exp(-(((xn - mu) / sd) @ w + b)))


def leave_one_judge_out(rows: list[dict[str, Any]], budget: float) -> dict[str, Any]:
    """Per held-out judge: communities and accounts removed at the training threshold; and
    the pooled out-of-judge frontier."""
    x, y, judges = matrix(rows)
    sizes = np.array([r["size"] for r in rows])
    per: dict[str, Any] = {}
    pooled = np.zeros(len(y))
    for judge in sorted(set(judges)):
        train, test = judges != judge, judges == judge
        score = fit(x[train], y[train])
        ranked = np.sort(score(x[train])[y[train] == 0])[::-1]
        k = math.floor(budget * len(ranked))
        threshold = ranked[k] if k < len(ranked) else 0.0
        pooled[test] = score(x[test])
        gone = pooled[test] > threshold
        innocent = y[test] == 1
        per[judge] = {
            "innocent_communities": [int((gone & innocent).sum()), int(innocent.sum())],
            "planted_communities": [int((gone & ~innocent).sum()), int((~innocent).sum())],
            "innocent_accounts": [int(sizes[test][gone & innocent].sum()),
                                  int(sizes[test][innocent].sum())],
            "planted_accounts": [int(sizes[test][gone & ~innocent].sum()),
                                 int(sizes[test][~innocent].sum())]}
    innocent_scores = np.sort(pooled[y == 1])
    frontier = {}
    for share in (0.25, 0.5, 0.75, 0.9, 1.0):
        cut = innocent_scores[max(0, math.ceil((1 - share) * len(innocent_scores)) - 1)]
        frontier[f"{share:.0%}"] = int((pooled[y == 0] >= cut).sum())
    in_sample = fit(x, y)(x)
    return {"per_judge": per, "frontier_planted_removed": frontier,
            "planted_communities": int((y == 0).sum()),
            "innocent_communities": int((y == 1).sum()),
            "in_sample_all_innocent_removed": int(
                (in_sample[y == 0] >= np.min(in_sample[y == 1])).sum())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", nargs="+", help="CORPUS::TRUTH::JUDGE")
    ap.add_argument("--budget", type=float, default=0.0,
                    help="share of the training judges' planted communities a threshold may remove")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for arg in args.corpora:
        corpus, truth, judge = arg.split("::")
        rows += community_features(corpus, truth, judge)
    print(json.dumps(leave_one_judge_out(rows, args.budget), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

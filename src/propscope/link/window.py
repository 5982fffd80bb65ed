"""Estimate the coordination window from the data, the way CooRnet does.

CooRnet (Giglietto et al.) asks: how fast do the *fastest* items get shared?
For every item shared by at least two actors it measures the time from the first
share until a proportion ``p`` of all its sharers have shared it; the window is
taken among the quickest ``q`` of items (here: the ``q`` quantile of those times,
an observed value). CooRnet uses ``p = 0.5``; we use ``p = 0.9`` because the
window must hold a whole burst, not its first half — with ``p = 0.5`` a group
posting one after another every few seconds gets a window shorter than the
distance between its first and last member. ``q = 0.1`` is CooRnet's. Ordinary
items spread over hours or days; the window lands where the quickest tenth of
items spread, which is where coordinated bursts live. The estimate is clamped to ``[min_s, max_s]`` so one
odd corpus cannot produce a zero or a week-long window.
"""

from __future__ import annotations

import duckdb
import numpy as np

from ..corpus import one

DEFAULT_WINDOW_S = 60.0


def estimate_window(con: duckdb.DuckDBPyConnection, events: str = "_coord_events",
                    p: float = 0.9, q: float = 0.1, min_s: float = 1.0,
                    max_s: float = 86400.0) -> float:
    """The coordination window in seconds, from the table ``events(actor, kind, item, t)``.

    Each actor counts once per item (its first share). Only URL items are used when
    there are any, as in CooRnet; otherwise every kind except reuse clusters (whose
    copies are republished hours or days apart by nature, and would stretch the
    window to that).
    """
    has_urls = one(con.execute(f"SELECT count(*) FROM {events} WHERE kind = 'url'"))[0]
    where = "WHERE kind = 'url'" if has_urls else "WHERE item NOT LIKE 'reuse:%'"
    rows = con.execute(f"""
        WITH firsts AS (
            SELECT kind, item, actor, min(epoch(t)) AS t FROM {events} {where}
            GROUP BY kind, item, actor
        ), ranked AS (
            SELECT kind, item, t,
                   row_number() OVER (PARTITION BY kind, item ORDER BY t) AS r,
                   count(*) OVER (PARTITION BY kind, item) AS n,
                   min(t) OVER (PARTITION BY kind, item) AS t0
            FROM firsts
        )
        SELECT t - t0 FROM ranked WHERE n >= 2 AND r = greatest(2, ceil({float(p)} * n))
    """).fetchnumpy()
    # one delay per item, chosen in SQL: at 10M posts a row per share as Python tuples
    # was gigabytes
    delays = next(iter(rows.values())) if rows else np.empty(0)
    if not len(delays):
        return DEFAULT_WINDOW_S
    estimate = float(np.quantile(np.array(delays), q, method="lower"))
    return float(min(max(estimate, min_s), max_s))

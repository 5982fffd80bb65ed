"""Arrow schemas of the coordination stage's three output tables.

Why a module of its own: the stage (:mod:`.coordination`) writes them and exports and tests
read their columns; keeping the column lists apart keeps the stage's module about the method.
"""

from __future__ import annotations

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

EDGES_SCHEMA = pa.schema([
    ("source_a", pa.string()), ("source_b", pa.string()), ("kind", pa.string()),
    ("weight", pa.int64()), ("first_seen", _TS), ("last_seen", _TS), ("items", pa.string()),
    ("expected", pa.float64()), ("p_value", pa.float64()), ("p_adjusted", pa.float64()),
    ("window_s", pa.float64()), ("score", pa.float64()), ("moments", pa.int64()),
    ("leader", pa.string()), ("lead_share", pa.float64()), ("rarity", pa.float64()),
    ("run_id", pa.string()),
])
EVIDENCE_SCHEMA = pa.schema([
    ("source_a", pa.string()), ("source_b", pa.string()), ("kind", pa.string()),
    ("item", pa.string()), ("raw_a", pa.string()), ("raw_b", pa.string()),
    ("doc_a", pa.string()), ("doc_b", pa.string()), ("time_a", _TS), ("time_b", _TS),
    ("delay_s", pa.float64()), ("item_sharers", pa.int64()), ("item_close_share", pa.float64()),
    ("item_close_sharers", pa.int64()), ("run_id", pa.string()),
])
COMMUNITIES_SCHEMA = pa.schema([
    ("community_id", pa.string()), ("source", pa.string()), ("size", pa.int64()),
    ("evidence", pa.string()), ("strength", pa.float64()), ("role", pa.string()),
    ("dominant_kind", pa.string()), ("run_id", pa.string()),
])

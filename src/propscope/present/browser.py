"""The web app's per-corpus state: cached aggregates, pages, counts and exports.

Why apart from :mod:`.webapp`: the routes only parse requests and render; what a
page holds (keyset pages over the side index, capped counts, search snippets, the
export stream) is this class's job, and it is the part worth reading when a page
is slow or a count looks wrong.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..corpus import corpus_error, one, open_corpus
from .browse_index import ensure_index
from .findings import findings
from .html import Palette
from .queries import CorpusQueries, Schema
from .selection import (
    PAGE_SIZE,
    Selection,
    query_tokens,
    ref_value,
)
from .views import signals_view, techniques_view

DOC_ID = re.compile(r"^[\w\-]{1,128}$")
EXPORT_LIMIT = 1_000_000
COUNT_CAP = 10_000  # beyond this a filtered count shows "10,000+": exact counts cost a full pass
PAGE_WINDOWS = (2_000, 50_000)
COUNT_WINDOW_GROWTH = 8  # a capped search count looks in ord windows growing by this factor
QUERY_THREADS = 1
EXPORT_COLUMNS = ("doc_id", "source", "published", "url", "title", "techniques", "signals")


class CorpusBrowser:
    """Owns the read-only connection, the per-thread cursors and the cached aggregates."""

    def __init__(self, corpus_path: Path) -> None:
        self.path = Path(corpus_path)
        # The checks every command makes: a DuckDB file, a propscope corpus, a schema
        # this version knows, no writer holding it (coded errors, not tracebacks).
        with open_corpus(self.path, read_only=True):
            pass
        try:
            index = ensure_index(self.path)
            self.con = duckdb.connect(str(self.path), read_only=True)
            self.con.execute(f"ATTACH '{sql_path_literal(index)}' AS ps_index (READ_ONLY)")
        except duckdb.Error as exc:
            raise corpus_error(exc, self.path) from exc
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        self.schema = Schema.read(self.con)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cache: dict[str, Any] = {}
        self.palette = Palette(self.queries().technique_families())
        self.warm()
        self.con.execute(f"SET threads = {QUERY_THREADS}")

    # -- connections ----------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self.con.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            self._local.cur = cur
        return cur

    def queries(self) -> CorpusQueries:
        return CorpusQueries(self.cursor(), self.schema)

    def cached(self, key: str, compute: Any) -> Any:
        if key not in self._cache:
            value = compute()
            with self._lock:
                self._cache.setdefault(key, value)
        return self._cache[key]

    def warm(self) -> None:
        """Compute the corpus-wide aggregates once, before the first request."""
        qs = self.queries()
        self.cached("overview", qs.overview)
        self.cached("computed", qs.computed)
        self.cached("versions", qs.stage_versions)
        self.cached("tech", lambda: techniques_view(qs, self.palette))
        self.cached("signals", lambda: signals_view(qs))
        self.cached("network", qs.network)
        self.cached("communities", qs.communities)
        self.cached("post_relations", qs.post_relations)
        self.cached("reuse_total", qs.reuse_count)
        self.cached("facets", self._facets)
        self.cached("findings", lambda: findings(qs))

    def _facets(self) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {"source": [], "technique": [], "signal": []}
        for facet, value, n in self.cursor().execute(
                "SELECT facet, value, n FROM ps_index.facets ORDER BY facet, n DESC, value").fetchall():
            out[facet].append((value, n))
        return out

    # -- selections -----------------------------------------------------------------------
    def ranked_tokens(self, sel: Selection) -> list[str] | None:
        """The search words, rarest first; ``None`` when one of them is in no document."""
        words = query_tokens(sel.q)
        if sel.q and not words:
            return None
        if not words:
            return []
        df = dict(self.cursor().execute(
            f"SELECT token, df FROM ps_index.tokens WHERE token IN ({', '.join('?' * len(words))})",
            words).fetchall())
        if len(df) < len(words):
            return None
        self._local.dfs = list(df.values())
        return sorted(words, key=lambda w: df[w])

    def source_id(self, sel: Selection) -> int | None:
        """The side index's integer ID of the selection's source (-1: no such source)."""
        if not sel.source:
            return None
        row = self.cursor().execute("SELECT sid FROM ps_index.source_stats WHERE source = ?",
                                    [sel.source]).fetchone()
        return int(row[0]) if row else -1

    def expected_share(self, sel: Selection) -> float:
        """Upper bound of the share of documents the selection can match (from counts)."""
        facets = self.cached("facets", self._facets)
        shares = [1.0]
        for name, value in (("source", sel.source), ("technique", sel.technique),
                            ("signal", sel.signal)):
            if value:
                counts = dict(facets[name])
                shares.append(counts.get(value, 0) / max(self.max_ord, 1))
        if sel.q:
            shares.append(min(getattr(self._local, "dfs", [0])) / max(self.max_ord, 1))
        return min(shares)

    def search_share(self, sel: Selection) -> float:
        """Estimated share of documents the selection matches, words taken as independent."""
        share = self.expected_share(sel)
        if sel.q:
            for df in sorted(getattr(self._local, "dfs", []))[1:]:
                share *= df / max(self.max_ord, 1)
        return share

    def page(self, sel: Selection) -> tuple[list[dict[str, Any]], int | None]:
        """One page of the selection (newest first) and the cursor of the next page.

        The browse table is stored in ``ord`` order, so the page is looked for in
        growing ``ord`` windows after the cursor: a selection that matches often is
        answered from the first few thousand rows instead of a top-N over all of them.
        """
        tokens = self.ranked_tokens(sel)
        sid = self.source_id(sel)
        if tokens is None or sid == -1:
            return [], None
        if sel.sort:
            return self.sorted_page(sel, tokens, sid)
        found: list[dict[str, Any]] = []
        share = self.expected_share(sel)
        # Windows only pay off when they are likely to hold a page: skip them for rare matches.
        widths = [w for w in PAGE_WINDOWS if share * w >= 2 * PAGE_SIZE]
        for width in (*widths, None):
            hi = sel.after + width if width is not None else None
            where, params = sel.where(tokens, sel.after, hi, sid)
            cur = self.cursor().execute(
                "SELECT b.ord, b.doc_id, b.source, b.published, b.title, b.n_spans, "
                f"b.techniques, b.signals FROM ps_index.browse b WHERE {where} "
                f"ORDER BY b.ord LIMIT {PAGE_SIZE + 1}", params)
            names = [d[0] for d in cur.description]
            found = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
            if len(found) > PAGE_SIZE or (hi is not None and hi >= self.max_ord):
                break
        more = len(found) > PAGE_SIZE
        found = found[:PAGE_SIZE]
        return found, (found[-1]["ord"] if more and found else None)

    def sorted_page(self, sel: Selection, tokens: list[str],
                    sid: int | None) -> tuple[list[dict[str, Any]], int | None]:
        """A page in another order than newest first; ``after`` is then a row offset.

        Oldest first and most spans first cannot use the ``ord`` keyset; an offset costs
        a scan of the rows before the page, which only deep pages of a huge selection feel.
        """
        order = "b.ord DESC" if sel.sort == "oldest" else "b.n_spans DESC, b.ord"
        where, params = sel.where(tokens, 0, None, sid)
        cur = self.cursor().execute(
            "SELECT b.ord, b.doc_id, b.source, b.published, b.title, b.n_spans, "
            f"b.techniques, b.signals FROM ps_index.browse b WHERE {where} "
            f"ORDER BY {order} LIMIT {PAGE_SIZE + 1} OFFSET ?", [*params, sel.after])
        names = [d[0] for d in cur.description]
        found = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        more = len(found) > PAGE_SIZE
        return found[:PAGE_SIZE], (sel.after + PAGE_SIZE if more else None)

    @property
    def max_ord(self) -> int:
        return int(self.cached("overview", self.queries().overview)["documents"])

    def count(self, sel: Selection) -> tuple[int, bool]:
        """Documents in the selection, counted up to ``COUNT_CAP`` (and whether capped).

        A search that matches often is counted in growing ``ord`` windows from the
        start: each word's postings are then read (and hashed) only for that window,
        and the count stops at the first window holding more than ``COUNT_CAP``.
        """
        if not sel.filtered:
            return self.max_ord, False
        tokens = self.ranked_tokens(sel)
        sid = self.source_id(sel)
        if tokens is None or sid == -1:
            return 0, False
        hi: int | None = None
        if tokens:
            share = self.search_share(sel)
            start = int(2 * COUNT_CAP / share) if share > 0 else self.max_ord
            hi = start if start < self.max_ord else None
        while True:
            where, params = sel.where(tokens, 0, hi, sid)
            n = int(one(self.cursor().execute(
                f"SELECT count(*) FROM (SELECT 1 FROM ps_index.browse b WHERE {where} "
                f"LIMIT {COUNT_CAP + 1})", params))[0])
            if n > COUNT_CAP or hi is None:
                return min(n, COUNT_CAP), n > COUNT_CAP
            hi = hi * COUNT_WINDOW_GROWTH
            if hi >= self.max_ord:
                hi = None

    def is_reference(self, value: str) -> bool:
        """True when ``value`` is a reference's normalized form, handle or domain."""
        if not self.schema.has("doc_references"):
            return False
        v = ref_value(value)
        return self.cursor().execute(
            'SELECT 1 FROM main.doc_references WHERE lower(normalized) = ? OR lower(handle) = ? '
            "OR lower(domain) = ? LIMIT 1", [v, v, v]).fetchone() is not None

    def snippets(self, sel: Selection, doc_ids: list[str], width: int = 90) -> dict[str, Any]:
        """A short excerpt around the first search word in each listed document."""
        words = query_tokens(sel.q)
        if not words or not doc_ids:
            return {}
        out: dict[str, Any] = {}
        found = self.cursor().execute(
            f"SELECT doc_id, text FROM documents WHERE doc_id IN ({', '.join('?' * len(doc_ids))})",
            doc_ids).fetchall()
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        for doc_id, text in found:
            text = text or ""
            m = pattern.search(text)
            if not m:
                continue
            a = max(0, m.start() - width)
            b = min(len(text), m.end() + width)
            out[doc_id] = ("…" if a else "", " ".join(text[a:m.start()].split()), m.group(0),
                           " ".join(text[m.end():b].split()), "…" if b < len(text) else "")
        return out

    def export_reader(self, sel: Selection) -> pa.RecordBatchReader:
        tokens = self.ranked_tokens(sel)
        where, params = sel.where(tokens or [])
        if tokens is None:
            where += " AND FALSE"
        sel_cols = ", ".join(f"b.{c}" if c != "url" else "d.url" for c in EXPORT_COLUMNS)
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        rel = cur.sql(
            f"SELECT {sel_cols} FROM ps_index.browse b JOIN documents d USING (doc_id) "
            f"WHERE {where} ORDER BY b.ord LIMIT {EXPORT_LIMIT}", params=params or None)
        return rel.to_arrow_reader(10_000)

def sql_path_literal(path: Path) -> str:
    return str(path).replace("'", "''")


"""A selection of documents: search words and filters, read from and written to a URL.

Why one object: the documents table, its counts, its next-page link and the
CSV/Parquet downloads must all describe exactly the same selection, and a
permalink must reproduce it. Everything here is parameterised SQL over the side
index (see :mod:`propscope.present.browse_index`); user input is never pasted
into SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from .browse_index import MAX_TOKEN_CHARS

PAGE_SIZE = 50
MAX_QUERY_TOKENS = 8
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Larger than any corpus' document rank or page number, far below DuckDB's BIGINT limit.
MAX_INT_PARAM = 10**12
_DIGITS = re.compile(r"[0-9]{1,13}")


class BadParameter(ValueError):
    """A query parameter the app cannot use: answered with 400 and this message."""


def int_param(params: Any, name: str, maximum: int = MAX_INT_PARAM) -> int:
    """A non-negative integer query parameter (absent or empty: 0).

    Checked as text before ``int()``: Python would take ``1_000``, `` 7`` or a
    100,000-digit number, and a value past DuckDB's BIGINT made the query fail (500).
    """
    raw = str(params.get(name) or "").strip()
    if not raw:
        return 0
    if not _DIGITS.fullmatch(raw) or int(raw) > maximum:
        raise BadParameter(f"{name} must be a whole number from 0 to {maximum:,}")
    return int(raw)


def _date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadParameter(f"{name} must be a date written YYYY-MM-DD")


SORTS = {"": "newest first", "oldest": "oldest first", "spans": "most technique spans first"}


def _sort(value: str) -> str:
    if value not in SORTS:
        raise BadParameter("sort must be one of: " + ", ".join(k or "(empty)" for k in SORTS))
    return value


def query_tokens(text: str) -> list[str]:
    """Split a search the way the index was built (letters/digits, lower-case, no accents)."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                     if not unicodedata.combining(c))
    out: list[str] = []
    for t in _TOKEN.findall(folded):
        if len(t) <= MAX_TOKEN_CHARS and t not in out:
            out.append(t)
    return out[:MAX_QUERY_TOKENS]


#: Documents holding a reference: its normalized form (hashtags and handles lower-case,
#: without # or @), its handle or its domain, or a URL that contains the value (the
#: coordination evidence names URLs by a canonical form without the scheme).
REF_MATCH = ('SELECT doc_id FROM main.doc_references WHERE lower(normalized) = ? '
             "OR lower(handle) = ? OR lower(domain) = ? "
             "OR (kind = 'url' AND contains(lower(value), ?))")


def ref_value(ref: str) -> str:
    """The form :data:`REF_MATCH` compares: lower-case, without ``#``/``@``/``short:``."""
    value = ref.strip().lower()
    value = value.removeprefix("short:")
    return value[1:] if value[:1] in ("#", "@") else value


@dataclass(frozen=True)
class Selection:
    q: str = ""
    source: str = ""
    technique: str = ""
    signal: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""  # "" newest first, "oldest" first, "spans" most technique spans first
    ref: str = ""   # a hashtag, handle, domain, URL or identifier found by the references analyzer
    after: int = 0  # keyset cursor: the ``ord`` of the last row of the previous page

    @classmethod
    def from_params(cls, params: Any) -> Selection:
        def get(name: str) -> str:
            return str(params.get(name) or "").strip()[:300]

        return cls(q=get("q"), source=get("source"), technique=get("technique"),
                   signal=get("signal"), date_from=_date("from", get("from")),
                   date_to=_date("to", get("to")), ref=get("ref"), sort=_sort(get("sort")),
                   after=int_param(params, "after"))

    def params(self, **override: Any) -> dict[str, str]:
        s = replace(self, **override)
        raw = {"q": s.q, "source": s.source, "technique": s.technique, "signal": s.signal,
               "from": s.date_from.isoformat() if s.date_from else "",
               "to": s.date_to.isoformat() if s.date_to else "",
               "ref": s.ref, "sort": s.sort, "after": str(s.after) if s.after else ""}
        return {k: v for k, v in raw.items() if v}

    def url(self, path: str = "/documents", **override: Any) -> str:
        p = self.params(**override)
        return path + ("?" + urlencode(p) if p else "")

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.source or self.technique or self.signal or self.date_from
                    or self.date_to or self.ref)

    def where(self, tokens: list[str], lo: int = 0, hi: int | None = None,
              sid: int | None = None) -> tuple[str, list[Any]]:
        """``(where_clause, params)`` over ``ps_index.browse b`` for rows ``lo < ord <= hi``.

        ``tokens`` are this selection's search words, rarest first (see
        :meth:`CorpusBrowser.ranked_tokens`). Each word is a semi-join on its postings,
        restricted to the same ``ord`` window, so DuckDB's zone maps read only the
        blocks of that word and that window. ``sid`` is the source filter's integer ID
        (``ps_index.source_stats``): each word's postings are then cut to that source
        before the semi-join, so a search within one source never hashes all of a
        common word's postings.
        """
        window = "b.ord > ?" + (" AND b.ord <= ?" if hi is not None else "")
        bounds: list[Any] = [lo] + ([hi] if hi is not None else [])
        where, params = [window], list(bounds)
        in_source = " AND sid = ?" if sid is not None else ""
        for token in tokens:
            where.append("b.ord IN (SELECT ord FROM ps_index.postings WHERE token = ? AND "
                         + window.replace("b.ord", "ord") + in_source + ")")
            params += [token, *bounds, *([sid] if sid is not None else [])]
        if self.source:
            where.append("b.source = ?")
            params.append(self.source)
        if self.technique:
            where.append("list_contains(b.techniques, ?)")
            params.append(self.technique)
        if self.signal:
            where.append("list_contains(b.signals, ?)")
            params.append(self.signal)
        if self.ref:
            where.append(f"b.doc_id IN ({REF_MATCH})")
            value = ref_value(self.ref)
            params += [value, value, value, value]
        if self.date_from:
            where.append("b.published >= ?::DATE")
            params.append(self.date_from)
        if self.date_to:
            where.append("b.published < ?::DATE + INTERVAL 1 DAY")
            params.append(self.date_to)
        return " AND ".join(where), params

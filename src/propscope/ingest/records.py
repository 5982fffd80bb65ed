"""Turn one structured record (a JSON object, a CSV row, a Parquet row) into a Document.

Column names are recognised case-insensitively from the aliases below, first
alias present wins; ``--field NAME=COLUMN`` (``Settings.field_map``) overrides
any of them and may name a nested JSON value with dots (``user.screen_name``).
The resolution is computed once per distinct set of column names and cached, so
a million rows with the same keys pay for it once.

A record without a source column keeps ``source=None`` (unlike plain text,
which takes its folder's name): structured exports name their sources, and a
folder name such as ``data`` posing as one account would mislead coordination
analysis.

What a record can go wrong with, and what happens (never an exception):

* no text, or text that is not a string/number -> the record is rejected;
* an unparsable date -> the document is kept with ``published=None`` and a
  quarantine note names the value (the text is good data; the date is not);
* lone surrogates from ``\\ud800``-style JSON escapes -> replaced, with a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..document import Document, Rejected
from ..errors import InputError
from .dates import parse_date
from .streams import (
    DEFAULT_MAX_EXPANDED_BYTES,
    DEFAULT_MAX_EXPANSION_RATIO,
    DEFAULT_MAX_SPOOL_BYTES,
)

# canonical field -> input column aliases, in order of preference (lower case)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "doc_id", "post_id", "tweet_id", "guid", "uuid", "_id"),
    "text": ("text", "content", "body", "message", "full_text", "maintext"),
    "source": ("source", "site", "domain", "account", "channel", "author", "user",
               "screen_name", "username"),
    "published": ("published", "date", "timestamp", "created_at", "time", "datetime",
                  "published_at", "pubdate"),
    "url": ("url", "link", "permalink", "canonical_url"),
    "title": ("title", "headline"),
    "lang": ("lang", "language"),
    "author": ("author", "byline", "user", "screen_name", "username"),
}
FIELDS = tuple(ALIASES)
# Other names accepted on the left of ``--field NAME=COLUMN``.
FIELD_SYNONYMS = {"date": "published", "external_id": "id", "language": "lang",
                  "content": "text", "body": "text"}
_NESTED_NAME_KEYS = ("screen_name", "username", "name", "handle", "id")
# A character that shows: not whitespace, not a C0/C1 control (NUL included), not an
# invisible format character. Found at the first position of any real text.
_VISIBLE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060-\u2064\ufeff]")


def has_text(text: str) -> bool:
    """Whether ``text`` holds anything but whitespace, NUL/control or invisible characters.

    Text of only NUL or control bytes would become an empty-looking document that
    every analyzer skips and every export shows blank; it is quarantined instead.
    Linear, and O(1) for ordinary text (the first character usually shows).
    """
    return _VISIBLE.search(text) is not None


@dataclass(frozen=True)
class ReadOptions:
    """What readers need from :class:`~propscope.settings.Settings`."""

    field_map: Mapping[str, str] = field(default_factory=dict)
    max_record_bytes: int = 64 * 1024 * 1024
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_expansion_ratio: float = DEFAULT_MAX_EXPANSION_RATIO
    max_spool_bytes: int = DEFAULT_MAX_SPOOL_BYTES

    @classmethod
    def from_settings(cls, settings: Any) -> ReadOptions:
        field_map = {FIELD_SYNONYMS.get(k.lower(), k.lower()): v
                     for k, v in settings.field_map.items()}
        unknown = sorted(set(field_map) - set(FIELDS))
        if unknown:
            raise InputError(f"unknown field name(s) in --field: {', '.join(unknown)}",
                             hint=f"use one of: {', '.join(FIELDS)} (e.g. --field text=body)")
        return cls(field_map=field_map,
                   max_record_bytes=int(settings.max_record_bytes),
                   max_expanded_bytes=int(getattr(settings, "max_expanded_bytes",
                                                  DEFAULT_MAX_EXPANDED_BYTES)),
                   max_expansion_ratio=float(getattr(settings, "max_expansion_ratio",
                                                     DEFAULT_MAX_EXPANSION_RATIO)),
                   max_spool_bytes=int(getattr(settings, "max_spool_bytes",
                                               DEFAULT_MAX_SPOOL_BYTES)))


class FieldResolver:
    """Maps canonical field names to the columns of records with a given set of keys."""

    def __init__(self, options: ReadOptions) -> None:
        self.overrides = dict(options.field_map)
        self._cache: dict[tuple[str, ...], dict[str, str | tuple[str, ...]]] = {}

    def resolve(self, keys: tuple[str, ...]) -> dict[str, str | tuple[str, ...]]:
        """``{canonical: column}`` (a tuple of keys for a dotted nested path)."""
        found = self._cache.get(keys)
        if found is not None:
            return found
        lower: dict[str, str] = {}
        for key in keys:
            lower.setdefault(str(key).lower(), key)
        found = {}
        for name, aliases in ALIASES.items():
            wanted = self.overrides.get(name)
            if wanted is not None:
                column = wanted if wanted in keys else lower.get(wanted.lower())
                if column is not None:
                    found[name] = column
                elif "." in wanted:
                    found[name] = tuple(wanted.split("."))
                continue
            for alias in aliases:
                if alias in lower:
                    found[name] = lower[alias]
                    break
        if len(self._cache) < 1000:
            self._cache[keys] = found
        return found

    def text_columns_hint(self) -> str:
        if "text" in self.overrides:
            return f"column {self.overrides['text']!r} (from --field text=...)"
        return "any of " + "/".join(ALIASES["text"]) + " (or use --field text=COLUMN)"


def _get(record: Mapping[str, Any], column: str | tuple[str, ...]) -> Any:
    if isinstance(column, str):
        return record.get(column)
    value: Any = record
    for part in column:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _as_name(value: Any) -> str | None:
    """A display string for source/author values, which may be nested user objects."""
    if isinstance(value, Mapping):
        for key in _NESTED_NAME_KEYS:
            if value.get(key):
                return _as_name(value[key])
        return None
    return _as_str(value)


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, Mapping | list):
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def _clean_surrogates(value: str | None) -> str | None:
    if value is None:
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


_DOC_FIELD = {"id": "external_id", "source": "source", "url": "url", "title": "title",
              "lang": "lang", "author": "author"}


def record_to_document(record: Mapping[str, Any], resolver: FieldResolver, file: str,
                       recno: str, *, source_default: str | None = None,
                       note: str | None = None,
                       check_surrogates: bool = False) -> Iterator[Document | Rejected]:
    """Yield the record's Document (or its Rejected), plus quarantine notes.

    ``note`` is a problem the caller already found (e.g. invalid UTF-8) that did
    not stop the record; it is reported only when the record is kept. This runs
    once per input record, so the common case (plain string values under
    already-resolved column names) takes the shortest path.
    """
    cols = resolver.resolve(tuple(record))
    text_col = cols.get("text")
    raw_text = (record.get(text_col) if type(text_col) is str else _get(record, text_col)
                ) if text_col is not None else None
    if type(raw_text) is not str:
        if isinstance(raw_text, int | float) and not isinstance(raw_text, bool):
            raw_text = str(raw_text)
        else:
            raw_text = ""
    if not raw_text or not has_text(raw_text):
        what = "empty text" if text_col is not None else "no text field"
        if raw_text and not raw_text.isspace():
            what = "only NUL, control or invisible characters"
        yield Rejected(file, recno, f"record without text ({what}; looked for "
                                    f"{resolver.text_columns_hint()})")
        return
    fields: dict[str, Any] = {"source": None, "url": None, "title": None, "lang": None,
                              "author": None, "external_id": None}
    published = None
    for name, col in cols.items():
        value = record.get(col) if type(col) is str else _get(record, col)
        if value is None or name == "text":
            continue
        if name == "published":
            if value == "":
                continue
            try:
                published = parse_date(value)
            except ValueError as exc:
                shown = repr(value)
                if len(shown) > 80:
                    shown = shown[:77] + "..."
                yield Rejected(file, recno, f"unparsable date {shown} in column {col!r} "
                                            f"({exc}); record kept without a date")
            continue
        if type(value) is str:
            value = value.strip() or None
        elif name in ("source", "author"):
            value = _as_name(value)
        else:
            value = _as_str(value)
        fields[_DOC_FIELD[name]] = value
    if fields["source"] is None:
        fields["source"] = source_default
    if check_surrogates:  # only JSON "\\ud800"-style escapes can produce lone surrogates
        cleaned = {k: _clean_surrogates(v) for k, v in fields.items()}
        cleaned_text = _clean_surrogates(raw_text) or ""
        if cleaned != fields or cleaned_text != raw_text:
            fields, raw_text = cleaned, cleaned_text
            note = note or "lone UTF-16 surrogate escape(s) replaced with '?', rest kept"
    yield Document.create(raw_text, published=published, file=file, record=recno, **fields)
    if note:
        yield Rejected(file, recno, note)


def default_source(name: str) -> str:
    """Source for formats that carry none (plain text, dated records, HTML without URL).

    The name of the folder holding the file (``site-a/2020/x.txt`` -> ``2020``; the
    usual layout is one folder per site or account). A file with no folder in its
    name uses its archive's stem (``feeds.zip!x.txt`` -> ``feeds``) or its own stem.
    """
    parts = name.replace("\\", "/").split("!")
    member = parts[-1].rstrip("/")
    if "/" in member:
        return member.rsplit("/", 1)[0].rsplit("/", 1)[-1]
    owner = parts[-2] if len(parts) > 1 else member
    base = owner.rsplit("/", 1)[-1]
    return base.split(".", 1)[0] or base

"""The common post model every platform reader fills, and how a post becomes a Document.

Why a separate model: a Document is a *text* (its ``doc_id`` is the hash of the
text, so the same text posted twice is stored once). A post is an *act* by an
account at a time: a repost carries the original's text (so it collapses onto the
original's document) but keeps its own author, time and ID, and says whom it
points at. The post rides along with its Document in ``Document.meta["post"]``
(:data:`POST_KEY`); the ingest writer turns it into a ``posts`` row
(:func:`propscope.rows.posts_rows`) and leaves it out of ``documents.meta``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...analyze.web_data import LINK_SHORTENERS
from ...document import Document, Rejected
from ..dates import parse_date

POST_KEY = "post"
RELATIONS = ("original", "repost", "quote", "reply", "forward")


@dataclass
class Post:
    """One post as the platform gave it (every field optional except the two IDs)."""

    platform: str
    post_id: str
    author: str | None = None  # handle / username / channel name
    author_name: str | None = None  # display name
    author_id: str | None = None
    channel: str | None = None  # chat, subreddit, community, video a comment is on
    relation: str = "original"
    parent_id: str | None = None  # post reposted, quoted, replied to or forwarded
    parent_author: str | None = None
    root_id: str | None = None  # thread / conversation root
    links: list[str] = field(default_factory=list)  # expanded where the platform says
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    metrics: dict[str, int | float] = field(default_factory=dict)
    edited: bool = False  # the platform says the post was edited
    edited_at: str | None = None  # ISO time of the last edit, where given
    status: str | None = None  # deleted / withheld / removed, where given
    url: str | None = None
    # The author's account says it is automated (Mastodon's ``bot`` flag; other exports
    # carry no such field): the account's own declaration, never a guess from behaviour.
    declared_bot: bool = False

    def as_meta(self) -> dict[str, Any]:
        """The set fields (a shallow copy: ``dataclasses.asdict`` deep-copies and
        was half of the reading time)."""
        return {k: v for k, v in self.__dict__.items() if v or v == 0 and v is not False}


def post_document(text: Any, post: Post, file: str, recno: str, *, published: Any = None,
                  source: str | None = None, title: str | None = None,
                  lang: str | None = None, meta: Mapping[str, Any] | None = None
                  ) -> Iterator[Document | Rejected]:
    """The Document of ``post`` (or its Rejected), plus a note for a bad date.

    ``meta``: extra ``documents.meta`` keys the reader found (``url_expansions``).

    A post without text (media only, deleted) cannot be a document: it is
    quarantined with what it was, so its absence is visible, and reading goes on.
    """
    if post.relation not in RELATIONS:  # a reader bug, not bad input
        raise ValueError(f"unknown relation {post.relation!r}")
    if not isinstance(text, str) or not text.strip():
        what = f"{post.status} " if post.status else ""
        yield Rejected(file, recno, f"{post.platform} {what}post {post.post_id} has no text "
                                    "(media only or removed); skipped")
        return
    when, note = None, None
    if published not in (None, ""):
        try:
            when = parse_date(published)
        except (ValueError, OverflowError) as exc:
            note = f"unparsable date {str(published)[:60]!r} ({exc}); post kept without a date"
    text = text.encode("utf-8", "replace").decode("utf-8")
    yield Document.create(
        text, source=source or post.author, published=when, url=post.url, title=title,
        lang=lang, author=post.author, external_id=post.post_id, file=file, record=recno,
        meta={**(meta or {}), POST_KEY: post.as_meta()})
    if note:
        yield Rejected(file, recno, note)


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is an object, else an empty one: a damaged part of a record is read as
    absent (typed, so the fields read from it need no further checks)."""
    return value if isinstance(value, Mapping) else {}


def as_str(value: Any) -> str | None:
    """A non-empty string of a scalar (IDs arrive as numbers on some platforms)."""
    kind = type(value)
    if kind is str:  # the common case first: this runs for every field of every post
        text = value.strip()
        return text or None
    if value is None or kind in (dict, list, bool) or isinstance(value, Mapping):
        return None
    text = str(value).strip()
    return text or None


def dig(record: Any, *path: str) -> Any:
    """``record[path[0]][path[1]]...``, or None where any step is missing."""
    for part in path:
        if type(record) is not dict and not isinstance(record, Mapping):
            return None
        record = record.get(part)
    return record


def metrics_of(record: Any, names: Iterable[str], rename: Mapping[str, str] | None = None
               ) -> dict[str, int | float]:
    """The numeric ``names`` of ``record`` (numbers in strings too: CSV exports)."""
    out: dict[str, int | float] = {}
    if type(record) is not dict and not isinstance(record, Mapping):
        return out
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if type(value) is str:
            value = value.replace(",", "").strip()
            try:
                value = int(value) if value.lstrip("-").isdigit() else float(value)
            except ValueError:
                continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[(rename or {}).get(name, name)] = value
    return out


def url_expansions(pairs: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """``{short: expanded}`` of a post's links as the platform expanded them, for
    ``documents.meta["url_expansions"]``: only links on a known shortener whose
    expansion is another address (coordination and the references analyzer join the
    short link to it; propscope never follows a link itself)."""
    out: dict[str, str] = {}
    for short, expanded in pairs:
        s, e = as_str(short), as_str(expanded)
        if not s or not e or s == e or s in out:
            continue
        host = s.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].lower()
        if host.removeprefix("www.") in LINK_SHORTENERS:
            out[s] = e
    return out


def unique(values: Iterable[Any]) -> list[str]:
    """Strings of ``values``, first occurrence kept, empty ones dropped."""
    seen: dict[str, None] = {}
    for value in values:
        text = as_str(value)
        if text:
            seen.setdefault(text, None)
    return list(seen)


_TAG = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)
_MARKUP = re.compile(r"<[^>]+>")


def html_text(html: str) -> str:
    """Plain text of the small HTML fragments platforms send (Mastodon ``content``).

    Line and paragraph breaks become newlines; other tags are dropped; entities
    are unescaped. Not an HTML parser: the fragments are generated, not authored.
    """
    import html as _html

    return _html.unescape(_MARKUP.sub("", _TAG.sub("\n", html))).strip()


def iso(value: Any) -> str | None:
    """An ISO-8601 string of a date-like value, or None when it is not one."""
    if value in (None, "", 0):
        return None
    try:
        when = parse_date(value)
    except (ValueError, OverflowError):
        return None
    return when.isoformat() if isinstance(when, datetime) else None

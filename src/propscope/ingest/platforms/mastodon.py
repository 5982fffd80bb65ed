"""Mastodon (and other Fediverse servers speaking its API) statuses.

A status from ``/api/v1/statuses``, timelines or search: JSON Lines of statuses,
or a JSON array of them (a timeline page). ``content`` is HTML and becomes plain
text; links are the ``<a href>`` of the content that are not mentions or hashtags,
plus the preview card's URL. A boost (``reblog`` set) becomes a ``repost`` carrying
the boosted status's text; a quote (``quote.quoted_status``, Mastodon 4.5+) a
``quote``; ``in_reply_to_id`` a ``reply``. IDs are those of the server the data
came from (as ``in_reply_to_id`` is), so parents resolve within one collection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_str, dig, html_text, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "mastodon"
METRICS = ("replies_count", "reblogs_count", "favourites_count", "quotes_count")
_ANCHOR = re.compile(r"<a\s+([^>]*)>", re.I)
_HREF = re.compile(r'href="([^"]+)"', re.I)
_CLASS = re.compile(r'class="([^"]*)"', re.I)


def expand(value: Any, name: str, recno: str) -> Items:
    """One status, or a list of them."""
    items = value if isinstance(value, list) else [value]
    for index, status in enumerate(items, 1):
        yield from guarded(status_items, status, name, sub(recno, index, len(items)))


def _links(content: str, card: Any) -> list[str]:
    found = []
    for attrs in _ANCHOR.findall(content):
        classes = _CLASS.search(attrs)
        if classes and ("mention" in classes.group(1) or "hashtag" in classes.group(1)):
            continue
        href = _HREF.search(attrs)
        if href:
            found.append(href.group(1).replace("&amp;", "&"))
    if isinstance(card, Mapping):
        found.append(card.get("url"))
    return unique(found)


def _text(status: Mapping[str, Any]) -> str:
    content = html_text(str(status.get("content") or ""))
    warning = as_str(status.get("spoiler_text"))
    return f"{warning}\n\n{content}" if warning and content else content


def status_items(status: Any, name: str, recno: str) -> Items:
    """The post of one status."""
    if not isinstance(status, Mapping):
        yield Rejected(name, recno, f"status is a {type(status).__name__}, not an object")
        return
    post_id = as_str(status.get("id")) or as_str(status.get("uri"))
    if post_id is None:
        yield Rejected(name, recno, "mastodon status without an id; skipped")
        return
    account = status.get("account") or {}
    post = Post(PLATFORM, post_id, author=as_str(account.get("acct")),
                author_name=as_str(account.get("display_name")),
                author_id=as_str(account.get("id")), url=as_str(status.get("url")) or
                as_str(status.get("uri")), declared_bot=account.get("bot") is True)
    shown: Mapping[str, Any] = status
    reblog = status.get("reblog")
    quoted = dig(status, "quote", "quoted_status")
    if isinstance(reblog, Mapping):
        post.relation, post.parent_id = "repost", as_str(reblog.get("id"))
        post.parent_author = as_str(dig(reblog, "account", "acct"))
        shown = reblog
    elif as_str(status.get("in_reply_to_id")):
        post.relation, post.parent_id = "reply", as_str(status.get("in_reply_to_id"))
        to = as_str(status.get("in_reply_to_account_id"))  # named among the mentions
        post.parent_author = next((as_str(m.get("acct")) for m in status.get("mentions") or []
                                   if isinstance(m, Mapping) and as_str(m.get("id")) == to),
                                  None)
    elif isinstance(quoted, Mapping):
        post.relation, post.parent_id = "quote", as_str(quoted.get("id"))
        post.parent_author = as_str(dig(quoted, "account", "acct"))
    post.links = _links(str(shown.get("content") or ""), shown.get("card"))
    post.hashtags = unique(t.get("name") for t in shown.get("tags") or []
                           if isinstance(t, Mapping))
    post.mentions = unique(m.get("acct") for m in shown.get("mentions") or []
                           if isinstance(m, Mapping))
    post.metrics = metrics_of(status, METRICS)
    if status.get("edited_at"):
        post.edited, post.edited_at = True, as_str(status.get("edited_at"))
    yield from post_document(_text(shown), post, name, recno,
                             published=status.get("created_at"),
                             lang=as_str(shown.get("language")))


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """Statuses carry ``in_reply_to_id``, ``reblog`` and an ``account`` with ``acct``."""
    return {"in_reply_to_id", "reblog", "acct"} <= keys

"""Reddit submissions and comments: Pushshift / Arctic Shift NDJSON dumps and the
Reddit API's JSON (``Listing`` pages, ``t1``/``t3`` things, a thread's
``[submission listing, comment listing]`` with nested ``replies``).

A submission is an ``original`` (or a ``repost`` of ``crosspost_parent``) whose
text is its title plus its self text; a comment is a ``reply`` to ``parent_id``
in the thread ``link_id``. IDs keep Reddit's type prefixes (``t3_``, ``t1_``), as
``parent_id`` does. ``[removed]``/``[deleted]`` bodies have no text to keep and
are quarantined as removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_str, iso, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "reddit"
METRICS = ("score", "ups", "downs", "num_comments", "upvote_ratio", "num_crossposts")
_GONE = {"[removed]", "[deleted]"}
URL = re.compile(r"https?://[^\s)\]>\"'<]+")


def _things(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every submission/comment in a value, API wrappers unwrapped, replies included."""
    if isinstance(value, list):
        for item in value:
            yield from _things(item)
        return
    if not isinstance(value, Mapping):
        yield value  # reported by thing_items
        return
    kind, data = value.get("kind"), value.get("data")
    if kind == "Listing" and isinstance(data, Mapping):
        yield from _things(data.get("children") or [])
    elif kind in ("t1", "t3") and isinstance(data, Mapping):
        yield from _things(data)
    elif kind == "more":
        return
    else:
        replies = value.get("replies")
        yield value
        if isinstance(replies, Mapping):
            yield from _things(replies)


def expand(value: Any, name: str, recno: str) -> Items:
    """One thing, a listing, or a thread."""
    things = list(_things(value))
    for index, thing in enumerate(things, 1):
        yield from guarded(thing_items, thing, name, sub(recno, index, len(things)))


def _prefixed(value: Any, prefix: str) -> str | None:
    text = as_str(value)
    if text and not text.startswith(("t1_", "t3_")):
        text = prefix + text
    return text


def thing_items(thing: Any, name: str, recno: str) -> Items:
    """The post of one submission or comment."""
    if not isinstance(thing, Mapping):
        yield Rejected(name, recno, f"reddit item is a {type(thing).__name__}, not an object")
        return
    is_comment = "body" in thing or "parent_id" in thing
    prefix = "t1_" if is_comment else "t3_"
    post_id = as_str(thing.get("name")) or _prefixed(thing.get("id"), prefix)
    if post_id is None:
        yield Rejected(name, recno, "reddit item without an id; skipped")
        return
    author = as_str(thing.get("author"))
    post = Post(PLATFORM, post_id, author=None if author in _GONE else author,
                author_id=as_str(thing.get("author_fullname")),
                channel=as_str(thing.get("subreddit")))
    permalink = as_str(thing.get("permalink"))
    if permalink:
        post.url = permalink if permalink.startswith("http") else "https://www.reddit.com" + permalink
    title = None
    if is_comment:
        body = str(thing.get("body") or "")
        post.relation = "reply"
        post.parent_id = _prefixed(thing.get("parent_id"), "t3_")
        post.root_id = _prefixed(thing.get("link_id"), "t3_")
        text = "" if body.strip() in _GONE else body
        links = URL.findall(text)
    else:
        title = as_str(thing.get("title"))
        self_text = str(thing.get("selftext") or "")
        self_text = "" if self_text.strip() in _GONE else self_text
        text = "\n\n".join(t for t in (title or "", self_text) if t.strip())
        links = URL.findall(self_text)
        if not thing.get("is_self") and as_str(thing.get("url")):
            links.insert(0, as_str(thing.get("url")))
        parent = _prefixed(thing.get("crosspost_parent"), "t3_")
        if parent:
            post.relation, post.parent_id = "repost", parent
    if (as_str(thing.get("removed_by_category")) or str(thing.get("body") or "").strip()
            in _GONE or str(thing.get("selftext") or "").strip() in _GONE):
        post.status = as_str(thing.get("removed_by_category")) or "removed"
    if author in _GONE:
        post.status = post.status or "deleted"
    post.links = unique(links)
    post.metrics = metrics_of(thing, METRICS)
    edited = thing.get("edited")
    if edited and edited is not False:
        post.edited = True
        post.edited_at = None if edited is True else iso(edited)
    yield from post_document(text, post, name, recno, published=thing.get("created_utc"),
                             title=title, source=post.author)


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """Things carry ``subreddit`` and either comment or submission fields."""
    return "subreddit" in keys and bool(keys & {"link_id", "parent_id", "selftext",
                                                "num_comments"})

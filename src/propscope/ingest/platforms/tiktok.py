"""TikTok Research API: video query results and video comments.

A response (``{"data": {"videos": [...]}}`` or ``{"data": {"comments": [...]}}``),
one per line as collectors page through, or bare video/comment objects. A video
is an ``original`` (text: ``video_description``); a comment a ``reply`` to
``parent_comment_id`` (the video's ID for a top-level comment) on ``video_id``.
The API gives no comment authors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_str, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "tiktok"
METRICS = ("view_count", "like_count", "comment_count", "share_count", "reply_count",
           "favorites_count")


def expand(value: Any, name: str, recno: str) -> Items:
    """A response page or one item."""
    items: Any = [value]
    data = value.get("data") if isinstance(value, Mapping) else None
    if isinstance(data, Mapping):
        items = data.get("videos") or data.get("comments") or []
    elif isinstance(value, list):
        items = value
    for index, item in enumerate(items, 1):
        yield from guarded(item_items, item, name, sub(recno, index, len(items)))


def item_items(item: Any, name: str, recno: str) -> Items:
    """The post of one video or comment."""
    if not isinstance(item, Mapping) or as_str(item.get("id")) is None:
        yield Rejected(name, recno, "tiktok item without an id; skipped")
        return
    post_id = as_str(item.get("id")) or ""
    metrics = metrics_of(item, METRICS)
    if "video_id" in item:  # a comment
        video = as_str(item.get("video_id"))
        post = Post(PLATFORM, post_id, channel=video, relation="reply",
                    parent_id=as_str(item.get("parent_comment_id")) or video, root_id=video,
                    metrics=metrics)
        yield from post_document(item.get("text"), post, name, recno,
                                 published=item.get("create_time"), source=None)
        return
    user = as_str(item.get("username"))
    post = Post(PLATFORM, post_id, author=user, metrics=metrics,
                hashtags=unique(item.get("hashtag_names") or []),
                url=f"https://www.tiktok.com/@{user}/video/{post_id}" if user else None)
    text = item.get("video_description") or item.get("voice_to_text")
    yield from post_document(text, post, name, recno, published=item.get("create_time"))


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """Research API field names (videos, or comments)."""
    return bool(keys & {"video_description", "region_code"}) and "create_time" in keys or (
        {"video_id", "parent_comment_id", "create_time"} <= keys)

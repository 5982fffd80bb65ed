"""yt-dlp ``.info.json`` (``--write-info-json``, ``--write-comments``), any site.

One document per file, read whole (bounded by ``max_record_bytes``; format lists
make these files a few MB). The video is an ``original`` with its title and
description; each comment in ``comments`` a ``reply`` to ``parent`` (``root``
meaning the video). The platform is yt-dlp's ``extractor`` (``youtube``,
``tiktok``, ...), so a TikTok fetched with yt-dlp joins TikTok posts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_str, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for
from .youtube import URL

METRICS = ("view_count", "like_count", "comment_count", "repost_count")


def expand(value: Any, name: str, recno: str) -> Items:
    """The video of one info.json, then its comments."""
    if not isinstance(value, Mapping):
        yield Rejected(name, recno, f"info.json is a {type(value).__name__}, not an object")
        return
    platform = str(value.get("extractor_key") or value.get("extractor") or "video").lower()
    platform = platform.split(":", 1)[0]
    video_id = as_str(value.get("id"))
    if video_id is None:
        yield Rejected(name, recno, "yt-dlp info without an id; skipped")
        return
    title = as_str(value.get("title"))
    description = str(value.get("description") or "")
    handle = as_str(value.get("uploader_id")) or as_str(value.get("channel_id"))
    post = Post(platform, video_id, author=handle,
                author_name=as_str(value.get("uploader")) or as_str(value.get("channel")),
                author_id=as_str(value.get("channel_id")),
                url=as_str(value.get("webpage_url")))
    post.links = unique(URL.findall(description))
    post.hashtags = unique(value.get("tags") or [])
    post.metrics = metrics_of(value, METRICS)
    text = "\n\n".join(t for t in (title or "", description) if t.strip())
    yield from post_document(text, post, name, recno,
                             published=value.get("timestamp") or value.get("upload_date"),
                             title=title, lang=as_str(value.get("language")))
    for index, comment in enumerate(value.get("comments") or [], 1):
        yield from guarded(lambda c, n, r: _comment(c, n, r, platform, video_id),
                           comment, name, f"{recno}.c{index}")


def _comment(comment: Any, name: str, recno: str, platform: str, video_id: str) -> Items:
    if not isinstance(comment, Mapping) or as_str(comment.get("id")) is None:
        yield Rejected(name, recno, "yt-dlp comment without an id; skipped")
        return
    parent = as_str(comment.get("parent"))
    post = Post(platform, as_str(comment.get("id")) or "", author=as_str(comment.get("author")),
                author_id=as_str(comment.get("author_id")), channel=video_id,
                relation="reply", parent_id=video_id if parent in (None, "root") else parent,
                root_id=video_id)
    post.metrics = metrics_of(comment, ("like_count",))
    post.links = unique(URL.findall(str(comment.get("text") or "")))
    yield from post_document(comment.get("text"), post, name, recno,
                             published=comment.get("timestamp"))


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """yt-dlp writes ``extractor``/``extractor_key`` and ``webpage_url``."""
    return bool(keys & {"extractor", "extractor_key"}) and bool(
        keys & {"webpage_url", "original_url", "formats", "uploader"})

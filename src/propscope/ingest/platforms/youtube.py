"""YouTube Data API v3 resources: videos, search results, comment threads, comments.

A video (``youtube#video`` or a ``youtube#searchResult`` for one) is an
``original`` whose text is its title and description; a top-level comment is a
``reply`` to its video, a reply comment a ``reply`` to ``snippet.parentId`` (the
video is the ``root``). List responses (``items``) and JSON Lines of resources
are both read. Counts arrive as strings and are stored as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_mapping, as_str, dig, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "youtube"
URL = re.compile(r"https?://[^\s)\]>\"'<]+")
_KIND = re.compile(rb'"kind"\s*:\s*"youtube#')


def _resources(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _resources(item)
    elif isinstance(value, Mapping) and isinstance(value.get("items"), list):
        yield from _resources(value["items"])
    elif isinstance(value, Mapping) and value.get("kind") == "youtube#commentThread":
        top = dig(value, "snippet", "topLevelComment")
        yield top if isinstance(top, Mapping) else value
        yield from dig(value, "replies", "comments") or []
    else:
        yield value


def expand(value: Any, name: str, recno: str) -> Items:
    """A resource, a list response, or a comment thread with its replies."""
    resources = list(_resources(value))
    for index, resource in enumerate(resources, 1):
        yield from guarded(resource_items, resource, name, sub(recno, index, len(resources)))


def resource_items(resource: Any, name: str, recno: str) -> Items:
    """The post of one video or comment resource."""
    if not isinstance(resource, Mapping):
        yield Rejected(name, recno, f"resource is a {type(resource).__name__}, not an object")
        return
    kind = str(resource.get("kind", ""))
    snippet = as_mapping(resource.get("snippet"))
    if kind == "youtube#comment":
        yield from _comment(resource, snippet, name, recno)
        return
    video_id = as_str(resource.get("id")) if not isinstance(resource.get("id"), Mapping) \
        else as_str(dig(resource, "id", "videoId"))
    if kind not in ("youtube#video", "youtube#searchResult") or video_id is None:
        yield Rejected(name, recno, f"youtube resource of kind {kind or '?'!r} is not a video "
                                    "or comment; skipped")
        return
    title = as_str(snippet.get("title"))
    description = str(snippet.get("description") or "")
    post = Post(PLATFORM, video_id, author=as_str(snippet.get("channelTitle")),
                author_name=as_str(snippet.get("channelTitle")),
                author_id=as_str(snippet.get("channelId")),
                url=f"https://www.youtube.com/watch?v={video_id}")
    post.links = unique(URL.findall(description))
    post.hashtags = unique(snippet.get("tags") or [])
    post.metrics = metrics_of(resource.get("statistics"),
                              ("viewCount", "likeCount", "commentCount", "favoriteCount"))
    text = "\n\n".join(t for t in (title or "", description) if t.strip())
    lang = as_str(snippet.get("defaultLanguage")) or as_str(snippet.get("defaultAudioLanguage"))
    yield from post_document(text, post, name, recno, published=snippet.get("publishedAt"),
                             title=title, lang=lang)


def _comment(resource: Mapping[str, Any], snippet: Mapping[str, Any], name: str,
             recno: str) -> Items:
    comment_id = as_str(resource.get("id"))
    if comment_id is None:
        yield Rejected(name, recno, "youtube comment without an id; skipped")
        return
    video = as_str(snippet.get("videoId"))
    parent = as_str(snippet.get("parentId"))
    post = Post(PLATFORM, comment_id, author=as_str(snippet.get("authorDisplayName")),
                author_name=as_str(snippet.get("authorDisplayName")),
                author_id=as_str(dig(snippet, "authorChannelId", "value")),
                channel=video, relation="reply", parent_id=parent or video, root_id=video)
    if video:
        post.url = f"https://www.youtube.com/watch?v={video}&lc={comment_id}"
    text = snippet.get("textOriginal") or snippet.get("textDisplay")
    post.links = unique(URL.findall(str(text or "")))
    post.metrics = metrics_of(snippet, ("likeCount",))
    if snippet.get("updatedAt") and snippet.get("updatedAt") != snippet.get("publishedAt"):
        post.edited, post.edited_at = True, as_str(snippet.get("updatedAt"))
    yield from post_document(text, post, name, recno, published=snippet.get("publishedAt"))


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """Every Data API resource names its ``kind`` as ``youtube#...``."""
    return _KIND.search(head) is not None

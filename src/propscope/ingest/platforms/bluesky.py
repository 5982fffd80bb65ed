"""Bluesky (AT Protocol): ``app.bsky.feed.post`` records and the app views of them.

Accepted shapes, one per line or as one document:

* a post view (``uri``, ``author``, ``record``, counts), as ``searchPosts`` and
  ``getPosts`` return them (in ``posts``);
* a feed item (``post`` plus ``reply`` and ``reason``), as ``getAuthorFeed`` and
  timelines return them (in ``feed``): a ``reasonRepost`` makes a ``repost`` by
  ``reason.by`` at ``reason.indexedAt`` carrying the reposted post's text;
* a repository record (``uri`` plus ``value``), as ``com.atproto.repo.listRecords``
  returns them (in ``records``);
* a Jetstream event (``did`` plus ``commit`` with ``collection``, ``rkey``, ``record``),
  one per line as the firehose relay sends them (author: the DID).

``record.reply.parent``/``root`` make a ``reply``; an embedded record
(``app.bsky.embed.record`` or ``recordWithMedia``) a ``quote``. Links, mentions and
tags come from the rich-text ``facets`` (full URLs, not the shortened text).
A bare ``app.bsky.feed.repost`` record has no text and is quarantined as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from .base import Post, as_mapping, as_str, dig, metrics_of, post_document, unique
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "bluesky"
METRICS = ("replyCount", "repostCount", "likeCount", "quoteCount")
_LISTS = ("feed", "posts", "records")


def expand(value: Any, name: str, recno: str) -> Items:
    """One item, or a page holding ``feed``, ``posts`` or ``records``."""
    items: Any = [value]
    if isinstance(value, list):
        items = value
    elif isinstance(value, Mapping):
        for key in _LISTS:
            if isinstance(value.get(key), list):
                items = value[key]
                break
    for index, item in enumerate(items, 1):
        yield from guarded(item_items, item, name, sub(recno, index, len(items)))


def _author_of(uri: str | None) -> str | None:
    """The DID in ``at://DID/collection/rkey``."""
    if uri and uri.startswith("at://"):
        return uri[5:].split("/", 1)[0] or None
    return None


def _web_url(uri: str, handle: str | None) -> str | None:
    parts = uri[5:].split("/") if uri.startswith("at://") else []
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"
    return None


def _facets(record: Mapping[str, Any], post: Post) -> None:
    links, mentions, tags = [], [], []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, Mapping) else []:
            kind = str(feature.get("$type", "")) if isinstance(feature, Mapping) else ""
            if kind.endswith("#link"):
                links.append(feature.get("uri"))
            elif kind.endswith("#mention"):
                mentions.append(feature.get("did"))
            elif kind.endswith("#tag"):
                tags.append(feature.get("tag"))
    external = dig(record, "embed", "external", "uri")
    post.links = unique([*links, external])
    post.mentions, post.hashtags = unique(mentions), unique([*tags, *(record.get("tags") or [])])


def item_items(item: Any, name: str, recno: str) -> Items:
    """The post of one feed item, post view or repository record."""
    if not isinstance(item, Mapping):
        yield Rejected(name, recno, f"item is a {type(item).__name__}, not an object")
        return
    commit = item.get("commit")
    if isinstance(commit, Mapping) and item.get("did"):  # a Jetstream event
        if commit.get("operation") == "delete":
            yield Rejected(name, recno, "bluesky delete event (the post is gone); skipped")
            return
        item = {"uri": f"at://{item['did']}/{commit.get('collection')}/{commit.get('rkey')}",
                "record": commit.get("record")}
    view = item.get("post") if isinstance(item.get("post"), Mapping) else item
    record = view.get("record") or view.get("value")
    if not isinstance(record, Mapping) and view.get("$type"):
        record = view  # a bare record
    if not isinstance(record, Mapping):
        yield Rejected(name, recno, "bluesky item without a post record; skipped")
        return
    kind = str(record.get("$type", "app.bsky.feed.post"))
    uri = as_str(view.get("uri"))
    if kind != "app.bsky.feed.post":
        what = "repost record without the reposted post's text" if kind.endswith(
            ".repost") else f"record of type {kind!r} is not a post"
        yield Rejected(name, recno, f"bluesky {what}; skipped")
        return
    if uri is None:
        yield Rejected(name, recno, "bluesky post without a uri (a bare record carries "
                                    "no identity); skipped")
        return
    author = as_mapping(view.get("author"))
    handle = as_str(author.get("handle"))
    post = Post(PLATFORM, uri, author=handle or _author_of(uri),
                author_name=as_str(author.get("displayName")),
                author_id=as_str(author.get("did")) or _author_of(uri),
                url=_web_url(uri, handle))
    published: Any = record.get("createdAt")
    reason = item.get("reason")
    parent_uri = as_str(dig(record, "reply", "parent", "uri"))
    embed = as_mapping(record.get("embed"))
    quoted = as_str(dig(embed, "record", "uri")) or as_str(dig(embed, "record", "record", "uri"))
    if isinstance(reason, Mapping) and str(reason.get("$type", "")).endswith("reasonRepost"):
        by = as_mapping(reason.get("by"))
        repost_uri = as_str(reason.get("uri"))
        by_handle = as_str(by.get("handle")) or as_str(by.get("did"))
        post = Post(PLATFORM, repost_uri or f"repost:{by.get('did')}:{uri}",
                    author=by_handle, author_name=as_str(by.get("displayName")),
                    author_id=as_str(by.get("did")), relation="repost", parent_id=uri,
                    parent_author=handle or _author_of(uri))
        published = reason.get("indexedAt")
    elif parent_uri:
        post.relation, post.parent_id = "reply", parent_uri
        post.root_id = as_str(dig(record, "reply", "root", "uri"))
        parent_view = dig(item, "reply", "parent", "author", "handle")
        post.parent_author = as_str(parent_view) or _author_of(parent_uri)
    elif quoted:
        post.relation, post.parent_id, post.parent_author = "quote", quoted, _author_of(quoted)
    _facets(record, post)
    if post.relation != "repost":
        post.metrics = metrics_of(view, METRICS)
    langs = record.get("langs")
    lang = as_str(langs[0]) if isinstance(langs, list) and langs else None
    yield from post_document(record.get("text"), post, name, recno, published=published,
                             lang=lang)


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """The post record's type name appears in every shape."""
    return b"app.bsky.feed." in head and bool(keys & {"uri", "record", "value", "post"})

"""X/Twitter API v2: response pages (``data`` + ``includes``) and single tweets,
including twarc2's flattened JSON Lines (each tweet with ``author`` and the
referenced tweets expanded inline).

A retweet is stored with the *original's* text (from ``includes.tweets`` or the
flattened reference), so it collapses onto the original's document, and keeps
its own ID, author and time with ``relation='repost'``. Only where the original
is not in the file does the retweet keep its own ("RT @...") text.

The ``t.co`` links of the text are kept expanded as the API gives them
(``entities.urls[].url`` -> ``unwound_url`` or ``expanded_url``) in
``documents.meta["url_expansions"]`` (``{short: expanded}``), where coordination
and the references analyzer join each short link to its expansion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from .base import (
    Post,
    as_mapping,
    as_str,
    dig,
    metrics_of,
    post_document,
    unique,
    url_expansions,
)
from .jsonin import Items, guarded, reader_for, sub

PLATFORM = "x"
# referenced_tweets type -> relation, strongest first (a reply that quotes is a reply)
_RELATIONS = (("retweeted", "repost"), ("replied_to", "reply"), ("quoted", "quote"))
METRICS = ("retweet_count", "reply_count", "like_count", "quote_count", "impression_count",
           "bookmark_count")


def expand(value: Any, name: str, recno: str) -> Items:
    """A response page (``data`` list or object), or one tweet."""
    if not isinstance(value, Mapping):
        yield Rejected(name, recno, f"JSON value is a {type(value).__name__}, not an object")
        return
    if "data" in value or "errors" in value and "id" not in value:
        # A page holds many tweets: a damaged part of it costs only the tweets that
        # need that part, so every piece is type-checked before use.
        data = value.get("data") or []
        tweets = [data] if isinstance(data, Mapping) else _list(data)
        includes = as_mapping(value.get("includes"))
        users = {as_str(u.get("id")): u for u in _list(includes.get("users"))
                 if isinstance(u, Mapping)}
        refs = {as_str(t.get("id")): t for t in _list(includes.get("tweets"))
                if isinstance(t, Mapping)}
        errors = [e for e in _list(value.get("errors")) if isinstance(e, Mapping)]
        count = len(tweets) + len(errors)
        for index, tweet in enumerate(tweets, 1):
            yield from guarded(lambda t, n, r: tweet_items(t, n, r, users, refs),
                               tweet, name, sub(recno, index, count))
        for index, error in enumerate(errors, len(tweets) + 1):
            yield Rejected(name, sub(recno, index, count), _error_reason(error))
        return
    yield from tweet_items(value, name, recno, {}, {})


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _error_reason(error: Mapping[str, Any]) -> str:
    what = as_str(error.get("resource_id")) or as_str(error.get("value")) or "?"
    detail = as_str(error.get("detail")) or as_str(error.get("title")) or "error"
    return f"x tweet {what} not available (deleted, withheld or protected): {detail[:160]}"


def _user(tweet: Mapping[str, Any], users: Mapping[Any, Any]) -> Mapping[str, Any]:
    inline = tweet.get("author")
    if isinstance(inline, Mapping):
        return inline
    found = users.get(as_str(tweet.get("author_id")))
    return found if isinstance(found, Mapping) else {}


def _text(tweet: Mapping[str, Any]) -> Any:
    long = dig(tweet, "note_tweet", "text")  # tweets over 280 characters
    return long if isinstance(long, str) and long.strip() else tweet.get("text")


def tweet_items(tweet: Any, name: str, recno: str, users: Mapping[Any, Any],
                refs: Mapping[Any, Any]) -> Items:
    """The post of one tweet object."""
    if not isinstance(tweet, Mapping):
        yield Rejected(name, recno, f"tweet is a {type(tweet).__name__}, not an object")
        return
    post_id = as_str(tweet.get("id"))
    if post_id is None:
        yield Rejected(name, recno, "x tweet without an id; skipped")
        return
    user = _user(tweet, users)
    handle = as_str(user.get("username"))
    post = Post(PLATFORM, post_id, author=handle, author_name=as_str(user.get("name")),
                author_id=as_str(tweet.get("author_id")) or as_str(user.get("id")))
    conversation = as_str(tweet.get("conversation_id"))
    if conversation and conversation != post_id:
        post.root_id = conversation
    source_tweet: Mapping[str, Any] = tweet  # whose text and entities the document holds
    listed = {as_str(r.get("type")): r for r in _list(tweet.get("referenced_tweets"))
              if isinstance(r, Mapping)}
    for kind, relation in _RELATIONS:
        ref = listed.get(kind)
        if ref is None:
            continue
        post.relation, post.parent_id = relation, as_str(ref.get("id"))
        parent = refs.get(as_str(ref.get("id"))) or (ref if "text" in ref else None)
        if isinstance(parent, Mapping):
            post.parent_author = as_str(_user(parent, users).get("username"))
            if relation == "repost" and isinstance(_text(parent), str):
                source_tweet = parent
        if relation == "reply" and post.parent_author is None:
            reply_user = users.get(as_str(tweet.get("in_reply_to_user_id"))) or tweet.get(
                "in_reply_to_user")
            if isinstance(reply_user, Mapping):
                post.parent_author = as_str(reply_user.get("username"))
        break
    entities = source_tweet.get("entities") or {}
    urls = [u for u in entities.get("urls") or [] if isinstance(u, Mapping)]
    post.links = unique(u.get("unwound_url") or u.get("expanded_url") or u.get("url")
                        for u in urls)
    # t.co -> the link as posted; a shortener posted (bit.ly) -> where it lands (unwound)
    expansions = url_expansions(
        [(u.get("url"), u.get("unwound_url") or u.get("expanded_url")) for u in urls]
        + [(u.get("expanded_url"), u.get("unwound_url")) for u in urls])
    post.hashtags = unique(h.get("tag") for h in entities.get("hashtags") or []
                           if isinstance(h, Mapping))
    post.mentions = unique(m.get("username") for m in entities.get("mentions") or []
                           if isinstance(m, Mapping))
    post.metrics = metrics_of(tweet.get("public_metrics"), METRICS)
    history = tweet.get("edit_history_tweet_ids")
    if isinstance(history, list) and len(history) > 1:
        post.edited = True
    if tweet.get("withheld"):
        post.status = "withheld"
    if handle:
        post.url = f"https://x.com/{handle}/status/{post_id}"
    yield from post_document(_text(source_tweet), post, name, recno,
                             published=tweet.get("created_at"), lang=as_str(tweet.get("lang")),
                             meta={"url_expansions": expansions} if expansions else None)


iter_documents = reader_for(expand)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """A tweet has ``author_id`` and one of the v2-only fields; a page adds ``data``."""
    return "author_id" in keys and bool(keys & {"edit_history_tweet_ids", "conversation_id",
                                                "referenced_tweets", "__twarc",
                                                "public_metrics"}) and "text" in keys



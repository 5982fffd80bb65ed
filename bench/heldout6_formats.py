"""X (twarc2) and Mastodon records of the sixth world's posts, as those tools write them.

X: API v2 response pages (``data`` + ``includes.users`` + ``includes.tweets``), retweets
as ``RT @user: text`` with ``referenced_tweets``, each link a fresh ``t.co`` short link
whose ``expanded_url`` is the URL as that share wrote it. Mastodon: status objects with
HTML ``content``, hashtags as ``tags`` and links as ``<a href>``, boosts as ``reblog``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from heldout6_world import Post

SERVER = "social.example"


def iso(t: float, ms: bool = True) -> str:
    """``2026-03-02T10:00:00.000Z``."""
    d = datetime.fromtimestamp(t, UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{d.microsecond // 1000:03d}Z" if ms else "Z")


def user_id(name: str) -> str:
    """A stable numeric account ID from the handle."""
    return str(int(hashlib.sha1(name.encode()).hexdigest()[:12], 16))


def tco(post: Post, i: int) -> str:
    return "https://t.co/" + hashlib.sha1(f"{post.post_id}:{i}".encode()).hexdigest()[:10]


def _body(post: Post) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Text with hashtags and t.co links appended, and their entities."""
    text = post.text
    if post.relation == "reply" and post.parent is not None:
        text = f"@{post.parent.account} {text}"
    tags, urls = [], []
    for tag in post.hashtags:
        text += " "
        tags.append({"start": len(text) + 1, "end": len(text) + 1 + len(tag), "tag": tag})
        text += "#" + tag
    for i, link in enumerate(post.links):
        short = tco(post, i)
        text += " "
        urls.append({"start": len(text), "end": len(text) + len(short), "url": short,
                     "expanded_url": link, "display_url": link.split("://", 1)[1][:26]})
        text += short
    return text, tags, urls


def tweet(post: Post) -> dict[str, Any]:
    """One API v2 tweet object."""
    if post.relation == "repost" and post.parent is not None:
        orig = tweet(post.parent)
        text = f"RT @{post.parent.account}: {orig['text']}"
        entities: dict[str, Any] = {}
    else:
        text, tags, urls = _body(post)
        entities = {k: v for k, v in (("hashtags", tags), ("urls", urls)) if v}
    obj: dict[str, Any] = {
        "id": post.post_id, "text": text, "created_at": iso(post.written_t),
        "author_id": user_id(post.account), "lang": post.lang,
        "conversation_id": post.post_id, "edit_history_tweet_ids": [post.post_id],
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                           "quote_count": 0}}
    if entities:
        obj["entities"] = entities
    if post.parent is not None:
        kind = {"repost": "retweeted", "reply": "replied_to", "quote": "quoted"}[post.relation]
        obj["referenced_tweets"] = [{"type": kind, "id": post.parent.post_id}]
        if post.relation == "reply":
            obj["in_reply_to_user_id"] = user_id(post.parent.account)
            obj["conversation_id"] = post.parent.post_id
    return obj


def user(name: str) -> dict[str, Any]:
    return {"id": user_id(name), "username": name, "name": name.replace("_", " ").title()}


def x_page(posts: list[Post]) -> dict[str, Any]:
    """One twarc2 response page holding ``posts``."""
    users, included = {}, {}
    for p in posts:
        users[p.account] = user(p.account)
        if p.parent is not None:
            users[p.parent.account] = user(p.parent.account)
            included[p.parent.post_id] = tweet(p.parent)
    return {"data": [tweet(p) for p in posts],
            "includes": {"users": list(users.values()), "tweets": list(included.values())},
            "meta": {"result_count": len(posts), "newest_id": posts[-1].post_id,
                     "oldest_id": posts[0].post_id},
            "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0",
                        "retrieved_at": "2026-03-17T09:00:00+00:00"}}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def status(post: Post) -> dict[str, Any]:
    """One Mastodon status object (a boost carries the boosted status as ``reblog``)."""
    acct = post.account
    content = _html(post.text)
    for tag in post.hashtags:
        content += (f' <a href="https://{SERVER}/tags/{tag}" class="mention hashtag" '
                    f'rel="tag">#<span>{_html(tag)}</span></a>')
    for link in post.links:
        content += (f' <a href="{_html(link)}" target="_blank" rel="nofollow noopener '
                    f'noreferrer">{_html(link.split("://", 1)[1][:30])}</a>')
    obj: dict[str, Any] = {
        "id": post.post_id, "created_at": iso(post.written_t), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
        "visibility": "public", "language": post.lang,
        "uri": f"https://{SERVER}/users/{acct}/statuses/{post.post_id}",
        "url": f"https://{SERVER}/@{acct}/{post.post_id}",
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0,
        "content": f"<p>{content}</p>", "reblog": None,
        "account": {"id": user_id(acct), "username": acct, "acct": acct,
                    "display_name": acct.title()},
        "media_attachments": [], "mentions": [],
        "tags": [{"name": t, "url": f"https://{SERVER}/tags/{t}"} for t in post.hashtags],
        "emojis": [], "card": None, "poll": None}
    if post.relation == "repost" and post.parent is not None:
        obj["reblog"] = status(post.parent)
        obj["content"], obj["tags"] = "", []
    elif post.relation == "reply" and post.parent is not None:
        obj["in_reply_to_id"] = post.parent.post_id
        obj["in_reply_to_account_id"] = user_id(post.parent.account)
        obj["mentions"] = [{"id": user_id(post.parent.account), "username": post.parent.account,
                            "acct": post.parent.account, "url": ""}]
    return obj

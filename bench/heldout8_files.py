"""Held-out judge 8: the world written as the files platforms and collectors export.

Formats (``docs/formats.md``): X API v2 response pages (twarc2 JSON Lines), Mastodon
status arrays, Reddit Pushshift NDJSON, Telegram Desktop channel exports
(``result.json``), YouTube Data API comment-thread pages, CrowdTangle CSV and web
articles as JSON Lines (url/published/source/title/text).

Why the hazards: real collections are never clean. Two collection runs overlap (the
same post in two files), a dump is cut off mid-line, Excel saved the CSV with a BOM,
CrowdTangle wrote local times with zone abbreviations, old Telegram exports give only
local time, sites give dates in four formats (and one site's clock is its local time
labelled UTC), Reddit's ``created_utc`` is an int in one dump and a string or float in
another, and links come with tracking parameters or behind short links that are
expanded in some exports and not in others.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from heldout8_world import Act, World


def _iso(t: float, ms: bool = True) -> str:
    d = datetime.fromtimestamp(t, UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{int(d.microsecond / 1000):03d}Z" if ms
                                               else "Z")


def _jsonl(path: Path, records: list[Any], bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def _overlap_split(items: list[Any], rng: random.Random) -> tuple[list[Any], list[Any]]:
    """Two collection runs: the first ends after the second began (about 8% overlap)."""
    n = len(items)
    cut_a, cut_b = int(n * 0.56), int(n * 0.48)
    return items[:cut_a], items[cut_b:]


def write_all(w: World, folder: Path) -> dict[str, int]:
    """Every platform's files under ``folder``; returns records written per format."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{w.seed}:files")
    by: dict[str, list[Act]] = defaultdict(list)
    for a in sorted(w.acts, key=lambda a: a.t):
        by[a.platform].append(a)
    counts = {}
    counts["x"] = _write_x(w, by["x"], folder, rng)
    counts["mastodon"] = _write_mastodon(w, by["mastodon"], folder, rng)
    counts["reddit"] = _write_reddit(by["reddit"], folder, rng)
    counts["telegram"] = _write_telegram(w, by["telegram"], folder, rng)
    counts["youtube"] = _write_youtube(by["youtube"], folder, rng)
    counts["facebook"] = _write_crowdtangle(by["facebook"], folder, rng)
    counts["web"] = _write_web(w, by["web"], folder, rng)
    return counts


# --- X -------------------------------------------------------------------------------
def _uid(handle: str) -> str:
    """A stable numeric account ID (``hash()`` differs between processes)."""
    return str(10**15 + int(hashlib.md5(handle.lower().encode()).hexdigest()[:12], 16))


def _tweet(w: World, a: Act, rng: random.Random) -> dict[str, Any]:
    text, urls = a.text, []
    for posted, expanded in a.links:
        short = "https://t.co/" + "".join(rng.choice("abcdefghijkLMNOP0123456789")
                                          for _ in range(10))
        text += " " + short
        u: dict[str, Any] = {"start": len(text) - len(short), "end": len(text), "url": short,
                             "expanded_url": posted, "display_url": posted[8:40]}
        if expanded is not None:
            u["unwound_url"] = expanded
        urls.append(u)
    tweet: dict[str, Any] = {
        "id": a.pid, "text": text, "author_id": _uid(a.author), "created_at": _iso(a.t),
        "conversation_id": a.pid, "lang": a.lang, "edit_history_tweet_ids": [a.pid],
        "public_metrics": {"retweet_count": rng.randrange(5), "reply_count": 0,
                           "like_count": rng.randrange(20), "quote_count": 0}}
    ents: dict[str, Any] = {}
    if urls:
        ents["urls"] = urls
    if a.hashtags:
        ents["hashtags"] = [{"start": 0, "end": 0, "tag": h} for h in a.hashtags]
    if ents:
        tweet["entities"] = ents
    if a.relation in ("repost", "reply", "quote") and a.parent:
        kind = {"repost": "retweeted", "reply": "replied_to", "quote": "quoted"}[a.relation]
        tweet["referenced_tweets"] = [{"type": kind, "id": a.parent}]
        parent = w.by_id.get(a.parent)
        if a.relation == "repost" and parent is not None:
            tweet["text"] = f"RT @{parent.author}: {parent.text}"[:140]
            tweet.pop("entities", None)
        if a.relation == "reply" and parent is not None:
            tweet["in_reply_to_user_id"] = _uid(parent.author)
            tweet["conversation_id"] = parent.pid
    return tweet


def _write_x(w: World, acts: list[Act], folder: Path, rng: random.Random) -> int:
    pages = []
    for i in range(0, len(acts), 100):
        chunk = acts[i:i + 100]
        tweets = [_tweet(w, a, rng) for a in chunk]
        refs, users = {}, {}
        for a in chunk:
            users[a.author] = a.author
            parent = w.by_id.get(a.parent or "")
            if parent is not None and parent.platform == "x":
                refs[parent.pid] = _tweet(w, parent, rng)
                users[parent.author] = parent.author
        pages.append({"data": tweets, "includes": {
            "users": [{"id": _uid(h), "username": h, "name": h.replace("_", " ").title()}
                      for h in users], "tweets": list(refs.values())},
            "meta": {"result_count": len(tweets)}})
    first, second = _overlap_split(pages, rng)
    _jsonl(folder / "x_search_run1.jsonl", first)
    _jsonl(folder / "x_search_run2.jsonl", second)
    if first:  # a third run killed mid-write: a page already in run 1, cut in half
        line = json.dumps(first[len(first) // 2], ensure_ascii=False)
        with (folder / "x_search_run3_partial.jsonl").open("w", encoding="utf-8") as fh:
            fh.write(json.dumps(first[0], ensure_ascii=False) + "\n" + line[:len(line) // 2])
    return len(acts)


# --- Mastodon ------------------------------------------------------------------------
def _status(w: World, a: Act, rng: random.Random) -> dict[str, Any]:
    server = "mastodon.social"
    acc = {"id": _uid(a.author), "acct": a.author, "username": a.author.split("@")[0],
           "display_name": a.author.split("@")[0].title(),
           "url": f"https://{server}/@{a.author}"}
    parts = [f"<p>{a.text}"]
    for posted, _ in a.links:
        parts.append(f' <a href="{posted}" rel="nofollow noopener" target="_blank">'
                     f'{posted[8:38]}</a>')
    for h in a.hashtags:
        parts.append(f' <a href="https://{server}/tags/{h}" class="mention hashtag" '
                     f'rel="tag">#<span>{h}</span></a>')
    st: dict[str, Any] = {
        "id": a.pid, "uri": f"https://{server}/users/x/statuses/{a.pid}",
        "url": f"https://{server}/@{a.author}/{a.pid}",
        "created_at": _iso(a.t) if rng.random() < 0.8 else
        datetime.fromtimestamp(a.t, UTC).isoformat(),
        "in_reply_to_id": None, "in_reply_to_account_id": None, "reblog": None,
        "content": "".join(parts) + "</p>", "spoiler_text": "", "language": a.lang,
        "visibility": "public", "account": acc, "mentions": [],
        "tags": [{"name": h, "url": f"https://{server}/tags/{h}"} for h in a.hashtags],
        "replies_count": 0, "reblogs_count": rng.randrange(4), "favourites_count": 0,
        "edited_at": None, "media_attachments": [], "emojis": [], "card": None}
    parent = w.by_id.get(a.parent or "")
    if a.relation == "repost" and parent is not None:
        st["reblog"], st["content"] = _status(w, parent, rng), ""
    elif a.relation == "reply" and parent is not None:
        st["in_reply_to_id"], st["in_reply_to_account_id"] = parent.pid, _uid(parent.author)
        st["mentions"] = [{"id": _uid(parent.author), "acct": parent.author,
                           "username": parent.author.split("@")[0], "url": ""}]
    return st


def _write_mastodon(w: World, acts: list[Act], folder: Path, rng: random.Random) -> int:
    statuses = [_status(w, a, rng) for a in acts]
    for i in range(0, len(statuses), 3000):
        path = folder / f"mastodon_timeline_{i // 3000:02d}.json"
        path.write_text(json.dumps(statuses[i:i + 3000], ensure_ascii=False, indent=1),
                        encoding="utf-8")
    return len(acts)


# --- Reddit --------------------------------------------------------------------------
def _created(t: float, style: int) -> Any:
    return int(t) if style == 0 else (str(int(t)) if style == 1 else round(t, 1))


def _write_reddit(acts: list[Act], folder: Path, rng: random.Random) -> int:
    subs, coms = [], []
    for a in acts:
        if a.relation == "reply":
            coms.append(a)
        else:
            subs.append(a)

    def sub(a: Act, style: int) -> dict[str, Any]:
        url = a.links[0][0] if a.links else f"https://www.reddit.com/r/{a.channel}/comments/{a.pid}/"
        return {"id": a.pid, "author": a.author, "author_fullname": "t2_" + _uid(a.author)[:8],
                "subreddit": a.channel or "news", "title": a.title or a.text[:80],
                "selftext": "" if a.links else a.text, "url": url, "is_self": not a.links,
                "created_utc": _created(a.t, style), "num_comments": 0, "score": 1,
                "permalink": f"/r/{a.channel}/comments/{a.pid}/x/"}

    def com(a: Act, style: int) -> dict[str, Any]:
        return {"id": a.pid, "author": a.author, "body": a.text, "parent_id": f"t3_{a.parent}",
                "link_id": f"t3_{a.parent}", "subreddit": a.channel or "news",
                "created_utc": _created(a.t, style), "score": 1, "edited": False}

    for kind, items, make in (("submissions", subs, sub), ("comments", coms, com)):
        first, second = _overlap_split(items, rng)
        _jsonl(folder / f"RS_{kind}_part1.ndjson", [make(a, 0) for a in first])
        _jsonl(folder / f"RS_{kind}_part2.ndjson", [make(a, 1 + i % 2) for i, a in
                                                    enumerate(second)])
    return len(acts)


# --- Telegram ------------------------------------------------------------------------
def _write_telegram(w: World, acts: list[Act], folder: Path, rng: random.Random) -> int:
    by: dict[str, list[Act]] = defaultdict(list)
    for a in acts:
        by[a.author].append(a)
    tz = timezone(timedelta(hours=3))
    tdir = folder / "telegram"
    tdir.mkdir(exist_ok=True)
    for n, (chan, items) in enumerate(sorted(by.items())):
        old_style = w.accounts[chan].role == "background" and rng.random() < 0.15
        msgs = []
        for i, a in enumerate(items, 1):
            ents: list[dict[str, Any]] = [{"type": "plain", "text": a.text}]
            for posted, expanded in a.links:
                if expanded and expanded != posted and rng.random() < 0.5:
                    ents.append({"type": "text_link", "text": " читать", "href": expanded})
                else:
                    ents += [{"type": "plain", "text": " "}, {"type": "link", "text": posted}]
            for h in a.hashtags:
                ents += [{"type": "plain", "text": " "}, {"type": "hashtag", "text": "#" + h}]
            m: dict[str, Any] = {
                "id": i, "type": "message",
                "date": datetime.fromtimestamp(a.t, tz).strftime("%Y-%m-%dT%H:%M:%S"),
                "from": chan, "from_id": f"channel{1000 + n}",
                "text": "".join(e["text"] for e in ents), "text_entities": ents,
                "views": rng.randrange(100, 50000)}
            if not old_style:
                m["date_unixtime"] = str(int(a.t))
            if a.relation == "forward" and a.parent_author:
                m["forwarded_from"] = a.parent_author
            msgs.append(m)
        chat = {"name": chan, "type": "public_channel", "id": 1000 + n, "messages": msgs}
        path = tdir / f"ChatExport_{n:03d}" / "result.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(chat, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(acts)


# --- YouTube -------------------------------------------------------------------------
def _write_youtube(acts: list[Act], folder: Path, rng: random.Random) -> int:
    by: dict[str, list[Act]] = defaultdict(list)
    for a in acts:
        by[a.parent or "unknown"].append(a)
    lines = []
    for video, items in sorted(by.items()):
        for i in range(0, len(items), 20):
            threads = []
            for a in items[i:i + 20]:
                snip = {"videoId": video, "textOriginal": a.text, "textDisplay": a.text,
                        "authorDisplayName": a.author,
                        "authorChannelId": {"value": "UC" + _uid(a.author)},
                        "publishedAt": _iso(a.t, ms=False), "updatedAt": _iso(a.t, ms=False),
                        "likeCount": rng.randrange(10)}
                threads.append({"kind": "youtube#commentThread", "id": "Ug" + a.pid,
                                "snippet": {"videoId": video, "totalReplyCount": 0,
                                            "topLevelComment": {"kind": "youtube#comment",
                                                                "id": "Ug" + a.pid,
                                                                "snippet": snip}}})
            lines.append({"kind": "youtube#commentThreadListResponse", "items": threads})
    _jsonl(folder / "youtube_commentThreads.jsonl", lines)
    return len(acts)


# --- CrowdTangle ---------------------------------------------------------------------
ZONES = (("EST", -5), ("CET", 1), ("UTC", 0))
CT_HEADER = ["Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country",
             "Post Created", "Post Created Date", "Post Created Time", "Type",
             "Total Interactions", "Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad",
             "Angry", "Care", "Video Share Status", "Post Views", "URL", "Message", "Link",
             "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id",
             "Overperforming Score"]


def _write_crowdtangle(acts: list[Act], folder: Path, rng: random.Random) -> int:
    first, second = _overlap_split(acts, rng)
    for n, (items, (zone, off)) in enumerate(((first, ZONES[0]), (second, ZONES[1]))):
        with (folder / f"crowdtangle_export_{n + 1}.csv").open(
                "w", encoding="utf-8-sig", newline="") as fh:
            wr = csv.writer(fh)
            wr.writerow(CT_HEADER)
            for a in items:
                local = datetime.fromtimestamp(a.t, UTC) + timedelta(hours=off)
                posted, expanded = a.links[0] if a.links else ("", None)
                row = {"Page Name": a.author.replace("Page", " Page"), "User Name": a.author,
                       "Facebook Id": _uid(a.author), "Page Category": "NEWS_SITE",
                       "Post Created": local.strftime("%Y-%m-%d %H:%M:%S") + f" {zone}",
                       "Post Created Date": local.strftime("%Y-%m-%d"),
                       "Post Created Time": local.strftime("%H:%M:%S"),
                       "Type": "Link" if a.links else "Status", "Likes": rng.randrange(50),
                       "URL": f"https://www.facebook.com/{a.author}/posts/{a.pid}",
                       "Message": a.text, "Link": posted, "Final Link": expanded or "",
                       "Total Interactions": rng.randrange(100)}
                wr.writerow([row.get(c, "") for c in CT_HEADER])
    return len(acts)


# --- web articles --------------------------------------------------------------------
def _published(t: float, style: int, skew_h: int) -> Any:
    d = datetime.fromtimestamp(t, UTC)
    if skew_h:  # local wall-clock time labelled as UTC
        return (d + timedelta(hours=skew_h)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 0:
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:
        return d.astimezone(timezone(timedelta(hours=2))).isoformat()
    if style == 2:
        return d.strftime("%a, %d %b %Y %H:%M:%S +0000")
    return int(t * 1000)


def _write_web(w: World, acts: list[Act], folder: Path, rng: random.Random) -> int:
    sites = sorted({a.author for a in acts})
    style = {s: rng.randrange(4) for s in sites}
    skewed = [s for s in sites if w.accounts[s].role == "wire_republisher"][:1]
    records = []
    for a in acts:
        url = a.links[0][0] if a.links else f"https://{a.author}/article/{a.pid}"
        records.append({"url": url, "published": _published(a.t, style[a.author],
                                                            2 if a.author in skewed else 0),
                        "source": a.author, "title": a.title or "", "text": a.text,
                        "lang": a.lang})
    half = len(records) // 2
    _jsonl(folder / "web_articles_a.jsonl", records[:half], bom=True)
    _jsonl(folder / "web_articles_b.jsonl", records[half - 20:])
    return len(acts)


def skewed_sources(w: World) -> list[str]:
    """The web source whose clock is its local time written as UTC (for the truth)."""
    sites = sorted({a.author for a in w.acts if a.platform == "web"})
    return [s for s in sites if w.accounts[s].role == "wire_republisher"][:1]

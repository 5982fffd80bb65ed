"""Held-out judge 7: write a world as export files, with the hazards of real dumps.

Why overlapping dumps and broken records: collectors re-run and resume, so the same
post arrives in two files (Bluesky feeds pulled twice over overlapping days, a Content
Library export in two overlapping windows, videos fetched by both the Data API and
yt-dlp); and a few records are always damaged. The reader must drop the duplicates
and quarantine the damaged ones without losing the rest; ``truth.json`` counts the
damaged ones so the test can tell a reader bug from a deliberate break.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from heldout7_formats import (
    FORUM_COLUMNS,
    META_COLUMNS,
    article_record,
    bluesky_item,
    forum_row,
    iso_ms,
    meta_row,
    tiktok_comment,
    tiktok_video,
    yt_comment,
    yt_video,
)
from heldout7_people import DAY, START, Account, Act
from heldout7_world import World

PAGE = 50


def _jsonl(path: Path, rows: list[Any]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False))
            fh.write("\n")


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _pages(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


class Writer:
    """Writes one world's files into ``folder`` and counts the deliberate breaks."""

    def __init__(self, world: World, folder: Path, rng: random.Random) -> None:
        self.world, self.folder, self.rng = world, folder, rng
        self.broken: list[str] = []
        self.acc: dict[tuple[str, str], Account] = {
            (a.platform, a.handle): a for a in world.pop.all()}
        self.by_pid = {a.pid: a for a in world.acts}
        self.mid = START + world.scale.days * DAY / 2

    def account(self, act: Act) -> Account:
        return self.acc[(act.platform, act.author)]

    def bluesky(self, acts: list[Act]) -> None:
        """Author feeds, newest first, pulled twice over overlapping days."""
        feeds: dict[str, list[Act]] = defaultdict(list)
        for act in acts:
            feeds[act.author].append(act)
        early: list[Any] = []
        late: list[Any] = []
        overlap = DAY * max(1, self.world.scale.days // 7)
        for author in sorted(feeds):
            items: list[tuple[float, dict[str, Any]]] = []
            for act in sorted(feeds[author], key=lambda a: -a.t):
                parent = self.by_pid.get(act.parent or "")
                item = bluesky_item(act, self.account(act), parent,
                                    self.account(parent) if parent else None, self.rng,
                                    self.world.links.short)
                if item is not None:
                    items.append((act.t, item))
            for dump, lo, hi in ((early, 0.0, self.mid + overlap),
                                 (late, self.mid - overlap, 1e12)):
                part = [it for t, it in items if lo <= t < hi]
                for n, page in enumerate(_pages(part, PAGE)):
                    dump.append({"feed": page, "cursor": f"{author}:{n}"})
        post: dict[str, Any] = {"uri": "at://did:plc:broken/app.bsky.feed.post/3mxx", "author": {
            "handle": "broken.bsky.social"}, "record": {"$type": "app.bsky.feed.post",
                                                        "createdAt": iso_ms(self.mid)}}
        late.append(json.dumps({"feed": [{"post": {**post, "record": {
            **post["record"], "text": ""}}}]}))  # an image-only post: no text
        late.append(json.dumps({"feed": [{"post": {**post, "uri": post["uri"] + "2",
                                                   "record": {**post["record"],
                                                              "text": {"t": 1}}}}]}))
        late.append('{"feed": [{"post": {"uri": "at://did:plc:cut/app.bsky.feed.post/3m", "re')
        late.append(json.dumps({"records": [{"uri": "at://did:plc:x/app.bsky.feed.repost/3m",
                                             "value": {"$type": "app.bsky.feed.repost",
                                                       "createdAt": iso_ms(self.mid)}}]}))
        self.broken += ["bluesky no text", "bluesky text type", "bluesky cut line",
                        "bluesky bare repost"]
        _jsonl(self.folder / "bluesky_feeds_week1.jsonl", early)
        _jsonl(self.folder / "bluesky_feeds_week2.jsonl", late)

    def youtube(self, acts: list[Act]) -> None:
        """Data API video and comment-thread pages, and a few yt-dlp info.json files."""
        videos = [a for a in acts if a.kind == "video"]
        by_channel: dict[str, list[Act]] = defaultdict(list)
        for v in videos:
            by_channel[v.author].append(v)
        pages = [{"kind": "youtube#videoListResponse", "items": [
            yt_video(v, self.account(v), self.rng) for v in page]}
            for ch in sorted(by_channel) for page in _pages(by_channel[ch], PAGE)]
        _jsonl(self.folder / "youtube_videos.jsonl", pages)
        threads: dict[str, list[Act]] = defaultdict(list)
        replies: dict[str, list[Act]] = defaultdict(list)
        for c in acts:
            if c.kind == "comment":
                (threads[c.parent or ""] if c.parent == c.root else replies[c.parent or ""]
                 ).append(c)
        out: list[Any] = []
        for v in videos:
            items = []
            for top in sorted(threads.get(v.pid, []), key=lambda a: a.t):
                thread: dict[str, Any] = {
                    "kind": "youtube#commentThread", "id": top.pid,
                    "snippet": {"videoId": v.pid, "topLevelComment": yt_comment(
                        top, self.account(top), v.pid, None)}}
                subs = replies.get(top.pid, [])
                if subs:
                    thread["replies"] = {"comments": [yt_comment(
                        r, self.account(r), v.pid, top.pid) for r in subs]}
                items.append(thread)
            for page in _pages(items, 100):
                out.append({"kind": "youtube#commentThreadListResponse", "items": page})
        out.append({"kind": "youtube#commentThreadListResponse", "items": [
            {"kind": "youtube#comment", "snippet": {"videoId": "x", "textOriginal": "hi"}}]})
        self.broken.append("youtube comment without id")
        _jsonl(self.folder / "youtube_comment_threads.jsonl", out)
        for v in self.rng.sample(videos, min(4, len(videos))):  # fetched again with yt-dlp
            ch = self.account(v)
            comments = [{"id": c.pid, "text": c.text, "author": c.author,
                         "author_id": self.account(c).uid, "timestamp": int(c.t // 3600 * 3600),
                         "parent": "root" if c.parent == v.pid else c.parent}
                        for c in threads.get(v.pid, []) + [
                            r for t in threads.get(v.pid, []) for r in replies.get(t.pid, [])]]
            info = {"id": v.pid, "title": v.title, "description": v.text,
                    "uploader": ch.handle.lstrip("@"), "uploader_id": ch.handle,
                    "channel_id": ch.uid, "timestamp": int(v.t), "tags": v.tags,
                    "webpage_url": f"https://www.youtube.com/watch?v={v.pid}",
                    "extractor": "youtube", "extractor_key": "Youtube", "comments": comments}
            (self.folder / f"{v.pid}.info.json").write_text(json.dumps(info, ensure_ascii=False),
                                                           encoding="utf-8")

    def tiktok(self, acts: list[Act]) -> None:
        """Research API pages; one page saved twice (a resumed collection)."""
        videos = [tiktok_video(a, self.rng) for a in acts if a.kind == "video"]
        pages = [{"data": {"videos": p, "cursor": n * 100, "has_more": True,
                           "search_id": f"s{n}"}, "error": {"code": "ok", "message": ""}}
                 for n, p in enumerate(_pages(videos, 100))]
        if pages:
            pages.append(pages[len(pages) // 2])
        bad = {"id": 1, "username": "nodesc_1", "create_time": int(self.mid),
               "video_description": "", "region_code": "US"}
        pages.append({"data": {"videos": [bad, {"username": "noid_1", "create_time": 1,
                                                "video_description": "x"}]}, "error": {}})
        self.broken += ["tiktok no description", "tiktok no id"]
        _jsonl(self.folder / "tiktok_videos.jsonl", pages)
        comments = [tiktok_comment(a) for a in acts if a.kind == "comment"]
        _jsonl(self.folder / "tiktok_comments.jsonl", [
            {"data": {"comments": p, "cursor": 0, "has_more": False}, "error": {"code": "ok"}}
            for p in _pages(comments, 100)])

    def facebook(self, acts: list[Act]) -> None:
        """Content Library CSV in two overlapping windows; one huge text; two bad rows."""
        rows = [(a.t, meta_row(a, self.account(a), self.rng,
                                      self.world.links.short)) for a in acts]
        rows.sort(key=lambda r: r[0])
        if rows:
            rows[len(rows) // 3][1][3] = rows[len(rows) // 3][1][3] + " " + "lorem " * 10000
        overlap = DAY
        first = [r for t, r in rows if t < self.mid + overlap]
        second = [r for t, r in rows if t >= self.mid - overlap]
        second.append(["", "2026-03-05T10:00:00+0000", "", "no id", "en"] + [""] * 9)
        second.append(["999000111", "not a date", "", "a post with a broken date", "en", "1",
                       "X", "x.page.1", "profile", "", "", "0", "0", "0"])
        self.broken += ["metacl no id", "metacl bad date"]
        _csv(self.folder / "meta_content_library_part1.csv", META_COLUMNS, first)
        _csv(self.folder / "meta_content_library_part2.csv", META_COLUMNS, second)

    def forum(self, acts: list[Act]) -> None:
        """A 4CAT CSV export of the forum."""
        _csv(self.folder / "4cat_forum_export.csv", FORUM_COLUMNS,
             [forum_row(a) for a in sorted(acts, key=lambda a: a.t)])

    def web(self, acts: list[Act]) -> None:
        """Articles as JSON Lines, with a huge article, a run of one character and a bad line."""
        rows: list[Any] = [article_record(a, self.rng) for a in sorted(acts, key=lambda a: a.t)]
        if rows:
            huge = dict(rows[0], id="huge-1", url=rows[0]["url"] + "-full",
                        text=(rows[0]["text"] + "\n") * 400)
            run = dict(rows[-1], id="run-1", url=rows[-1]["url"] + "-run", text="a" * 300000)
            rows += [huge, run]
        rows.append('{"id": "cut", "text": "this line was cut')
        self.broken.append("docs cut line")
        _jsonl(self.folder / "docs.jsonl", rows)


def write_world(world: World, folder: Path, rng: random.Random) -> dict[str, Any]:
    """Every file of ``world`` in ``folder``; returns the input's summary for truth.json."""
    folder.mkdir(parents=True, exist_ok=True)
    w = Writer(world, folder, rng)
    by_platform: dict[str, list[Act]] = defaultdict(list)
    for act in world.acts:
        by_platform[act.platform].append(act)
    w.bluesky(by_platform["bluesky"])
    w.youtube(by_platform["youtube"])
    w.tiktok(by_platform["tiktok"])
    w.facebook(by_platform["facebook"])
    w.forum(by_platform["forum"])
    w.web(by_platform["web"])
    return {"posts": {p: len(v) for p, v in sorted(by_platform.items())},
            "deliberately_broken": w.broken, "files": sorted(p.name for p in folder.iterdir())}

"""Writers for the fifth held-out coordination generator: each platform's own export format.

Telegram Desktop chat exports (one ``result.json`` per channel or group, local ``date`` and
``date_unixtime``; one old export without ``date_unixtime``), CrowdTangle historical CSV in
two lists downloaded with different time-zone settings (one rounded to the minute, short
``Link`` with its ``Final Link``), Pushshift NDJSON (submissions; comments in two files that
overlap), Mastodon statuses (a JSON Lines crawl and a JSON-array page dump that overlap,
boosts nested, HTML content). Each writer also returns what a reader of that file can know
about each post (``Row``), the input of the two baselines, so they see what propscope sees.
"""

from __future__ import annotations

import csv
import html
import json
import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from heldout5_world import Post, World

DST_US = datetime(2026, 3, 8, 7, tzinfo=UTC).timestamp()  # EST -> EDT
TG_EXPORT_TZ = 3  # hours: the analyst's machine that exported the Telegram chats


@dataclass
class Row:
    """One post as its export lets a reader see it (the baselines' input)."""

    message_id: str
    user: str
    ts: int
    text: str
    urls: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    repost_of: str = ""
    reply_to: str = ""


def _uid(name: str) -> str:
    return str(zlib.crc32(name.encode()) + 10**9)


def _tokens(text: str) -> list[tuple[str, str]]:
    """The text cut into plain runs, links and hashtags (as a platform's entities)."""
    out: list[tuple[str, str]] = []
    for i, word in enumerate(text.split(" ")):
        kind = "link" if word.startswith(("http://", "https://")) else \
            "hashtag" if word.startswith("#") and len(word) > 1 else "plain"
        sep = " " if i else ""
        if kind == "plain":
            if out and out[-1][0] == "plain":
                out[-1] = ("plain", out[-1][1] + sep + word)
            else:
                out.append(("plain", sep + word))
        else:
            if sep:
                if out and out[-1][0] == "plain":
                    out[-1] = ("plain", out[-1][1] + sep)
                else:
                    out.append(("plain", sep))
            out.append((kind, word))
    return out


# ---- Mastodon ------------------------------------------------------------------------------
SERVER = "mastodon.social"


def _iso_ms(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{int(ts * 1000) % 1000:03d}Z"


def _account(acct: str) -> dict[str, object]:
    user = acct.split("@")[0]
    host = acct.split("@")[1] if "@" in acct else SERVER
    return {"id": _uid(acct), "username": user, "acct": acct, "display_name": user.title(),
            "url": f"https://{host}/@{user}", "bot": False}


def _content(p: Post) -> str:
    parts = []
    if p.relation == "reply" and p.parent is not None:
        user = p.parent.author.split("@")[0]
        parts.append(f'<span class="h-card"><a href="https://{SERVER}/@{user}" '
                     f'class="u-url mention">@<span>{html.escape(user)}</span></a></span> ')
    for kind, value in _tokens(p.text):
        if kind == "link":
            shown = value.split("://", 1)[1]
            parts.append(f'<a href="{html.escape(value)}" rel="nofollow noopener" target="_blank">'
                         f'<span class="invisible">https://</span><span class="ellipsis">'
                         f'{html.escape(shown[:30])}</span><span class="invisible">'
                         f'{html.escape(shown[30:])}</span></a>')
        elif kind == "hashtag":
            tag = value[1:]
            parts.append(f'<a href="https://{SERVER}/tags/{html.escape(tag.lower())}" '
                         f'class="mention hashtag" rel="tag">#<span>{html.escape(tag)}</span></a>')
        else:
            parts.append(html.escape(value))
    return "<p>" + "".join(parts) + "</p>"


def _status(p: Post) -> dict[str, object]:
    reblog = p.relation == "repost" and p.parent is not None
    shown = p.parent if reblog and p.parent is not None else p
    mentions = []
    if p.relation == "reply" and p.parent is not None:
        mentions = [{"id": _uid(p.parent.author), "acct": p.parent.author,
                     "username": p.parent.author.split("@")[0]}]
    user = p.author.split("@")[0]
    return {
        "id": p.post_id, "created_at": _iso_ms(p.ts),
        "in_reply_to_id": p.parent.post_id if p.relation == "reply" and p.parent else None,
        "in_reply_to_account_id": _uid(p.parent.author) if p.relation == "reply" and p.parent
        else None,
        "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": None if reblog else shown.lang,
        "uri": f"https://{SERVER}/users/{user}/statuses/{p.post_id}",
        "url": f"https://{SERVER}/@{user}/{p.post_id}",
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
        "content": "" if reblog else _content(p),
        "reblog": _status(shown) if reblog else None,
        "account": _account(p.author), "media_attachments": [], "mentions": mentions,
        "tags": [] if reblog else [{"name": t, "url": f"https://{SERVER}/tags/{t.lower()}"}
                                   for t in p.hashtags],
        "emojis": [], "card": None, "poll": None}


def write_mastodon(posts: list[Post], folder: Path, rng: random.Random) -> list[Row]:
    """A JSON Lines crawl of the first part and a JSON array dump of the rest, the two
    overlapping by about 2% of statuses (the same status twice); one truncated line."""
    folder.mkdir(parents=True, exist_ok=True)
    cut = len(posts) * 6 // 10
    first, second = posts[:cut], posts[cut - max(1, len(posts) // 50):]
    with open(folder / "federated_timeline.jsonl", "w", encoding="utf-8") as f:
        for i, p in enumerate(first):
            f.write(json.dumps(_status(p), ensure_ascii=False) + "\n")
            if i == len(first) // 2:
                f.write(json.dumps(_status(p), ensure_ascii=False)[:150] + "\n")  # cut short
    with open(folder / "timeline_pages.json", "w", encoding="utf-8") as f:
        json.dump([_status(p) for p in reversed(second)], f, ensure_ascii=False)
    rows = []
    for p in posts:
        shown = p.parent if p.relation == "repost" and p.parent else p
        rows.append(Row(f"mastodon:{p.post_id}", p.author, int(p.ts), shown.text,
                        list(shown.links), [t.lower() for t in shown.hashtags],
                        repost_of=f"mastodon:{p.parent.post_id}" if p.relation == "repost"
                        and p.parent else "",
                        reply_to=f"mastodon:{p.parent.post_id}" if p.relation == "reply"
                        and p.parent else ""))
    return rows


# ---- Reddit (Pushshift) --------------------------------------------------------------------
def _created(ts: float, rng: random.Random) -> int | float:
    return float(int(ts)) if rng.random() < 0.2 else int(ts)


def write_reddit(posts: list[Post], folder: Path, rng: random.Random) -> list[Row]:
    """``RS_2026-03.ndjson`` (submissions) and comments in two dumps that overlap; one line
    of the first comment dump is cut short."""
    folder.mkdir(parents=True, exist_ok=True)
    subs, comments, rows = [], [], []
    for p in posts:
        perma = f"/r/{p.chat or 'news'}/comments/{p.post_id}/"
        if p.relation == "reply" and p.parent is not None:
            root = p.parent
            while root.relation == "reply" and root.parent is not None:
                root = root.parent
            prefix = "t1_" if p.parent.relation == "reply" else "t3_"
            comments.append({"id": p.post_id, "author": p.author, "body": p.text,
                             "created_utc": _created(p.ts, rng), "link_id": "t3_" + root.post_id,
                             "parent_id": prefix + p.parent.post_id, "subreddit": p.chat or "news",
                             "score": rng.randint(-3, 40), "edited": False,
                             "permalink": perma + p.post_id + "/", "author_fullname":
                             "t2_" + _uid(p.author)})
            rows.append(Row(f"reddit:t1_{p.post_id}", p.author, int(p.ts), p.text,
                            [w for w in p.text.split() if w.startswith("http")], [],
                            reply_to=f"reddit:{prefix}{p.parent.post_id}"))
            continue
        link = p.links[0] if p.links and p.title else None
        title = p.title or p.text[:120]
        self_text = "" if link else p.text.removeprefix(title).strip()
        subs.append({"id": p.post_id, "name": "t3_" + p.post_id, "author": p.author,
                     "author_fullname": "t2_" + _uid(p.author), "created_utc": _created(p.ts, rng),
                     "subreddit": p.chat or "news", "title": title, "selftext": self_text,
                     "url": link or "https://www.reddit.com" + perma, "is_self": link is None,
                     "domain": link.split("/")[2] if link else "self." + (p.chat or "news"),
                     "permalink": perma, "score": rng.randint(0, 300),
                     "num_comments": rng.randint(0, 50), "upvote_ratio": 0.9, "over_18": False,
                     "removed_by_category": None})
        urls = [link] if link else [w for w in self_text.split() if w.startswith("http")]
        rows.append(Row(f"reddit:t3_{p.post_id}", p.author, int(p.ts), title + " " + self_text,
                        urls, [w[1:].lower() for w in p.text.split() if w.startswith("#")]))
    with open(folder / "RS_2026-03.ndjson", "w", encoding="utf-8") as f:
        for s in subs:
            f.write(json.dumps(s, ensure_ascii=False) + "\n")
    cut = len(comments) // 2
    overlap = max(1, len(comments) // 40)
    for name, part in (("RC_2026-03_a.ndjson", comments[:cut]),
                       ("RC_2026-03_b.ndjson", comments[cut - overlap:])):
        with open(folder / name, "w", encoding="utf-8") as f:
            for i, c in enumerate(part):
                line = json.dumps(c, ensure_ascii=False)
                f.write(line + "\n")
                if name.endswith("a.ndjson") and i == len(part) // 3:
                    f.write(line[: len(line) // 2] + "\n")
    return rows


# ---- Telegram ------------------------------------------------------------------------------
def write_telegram(posts: list[Post], folder: Path, rng: random.Random,
                   old_export: str | None) -> list[Row]:
    """One Desktop export per chat; ``old_export`` (a channel) has only local ``date``."""
    chats: dict[str, list[Post]] = {}
    for p in posts:
        chats.setdefault(p.chat or p.author, []).append(p)
    ids: dict[int, tuple[str, int]] = {}
    rows: list[Row] = []
    for n, (chat, items) in enumerate(sorted(chats.items())):
        chat_id = 1_000_000_000 + zlib.crc32(chat.encode()) % 10**9
        is_group = any(p.chat for p in items)
        msg_id = rng.randint(100, 20_000)
        messages = []
        for p in items:
            msg_id += rng.randint(1, 3)
            ids[id(p)] = (chat, msg_id)
            local = datetime.fromtimestamp(int(p.ts), UTC) + timedelta(hours=TG_EXPORT_TZ)
            entities = [{"type": k, "text": v} for k, v in _tokens(p.text)]
            m: dict[str, object] = {"id": msg_id, "type": "message",
                                    "date": local.strftime("%Y-%m-%dT%H:%M:%S")}
            if chat != old_export:
                m["date_unixtime"] = str(int(p.ts))
            m["from"] = p.author
            m["from_id"] = ("user" if is_group else "channel") + _uid(p.author)
            if p.relation == "forward" and p.parent is not None:
                m["forwarded_from"] = p.parent.author
            if p.relation == "reply" and p.parent is not None and id(p.parent) in ids:
                m["reply_to_message_id"] = ids[id(p.parent)][1]
            m["text"] = [e if e["type"] != "plain" else e["text"] for e in entities]
            m["text_entities"] = entities
            m["views"] = rng.randint(50, 90_000)
            messages.append(m)
            shift = TG_EXPORT_TZ * 3600 if chat == old_export else 0
            fwd = ""
            if p.relation == "forward" and p.parent is not None:
                fwd = f"telegram-fwd:{p.parent.author}:{zlib.crc32(p.text.encode())}"
            rows.append(Row(f"telegram:{chat_id}/{msg_id}", p.author if is_group else chat,
                            int(p.ts) + shift, p.text,
                            [v for k, v in _tokens(p.text) if k == "link"],
                            [v[1:].lower() for k, v in _tokens(p.text) if k == "hashtag"],
                            repost_of=fwd,
                            reply_to=f"telegram:{chat_id}/{ids[id(p.parent)][1]}"
                            if p.relation == "reply" and p.parent is not None
                            and id(p.parent) in ids else ""))
        sub = folder / f"chat_{n:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        doc = {"name": chat, "type": "public_supergroup" if is_group else "public_channel",
               "id": chat_id, "messages": messages}
        with open(sub / "result.json", "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
    return rows


# ---- CrowdTangle ---------------------------------------------------------------------------
CT_COLUMNS = ["Page Name", "User Name", "Facebook Id", "Page Category", "Page Admin Top Country",
              "Likes at Posting", "Followers at Posting", "Post Created", "Post Created Date",
              "Post Created Time", "Type", "Total Interactions", "Likes", "Comments", "Shares",
              "Love", "Wow", "Haha", "Sad", "Angry", "Care", "Post Views", "URL", "Message",
              "Link", "Final Link", "Image Text", "Link Text", "Description", "Sponsor Id",
              "Overperforming Score"]


def _ct_time(ts: float, zone: str, round_minute: bool) -> str:
    if zone == "US":
        zone, hours = ("EDT", -4) if ts >= DST_US else ("EST", -5)
    else:
        hours = 1
    local = datetime.fromtimestamp(int(ts) - (int(ts) % 60 if round_minute else 0), UTC)
    return (local + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S ") + zone


def write_crowdtangle(posts: list[Post], folder: Path, rng: random.Random) -> list[Row]:
    """Two saved-list downloads: one in US Eastern time (EST, then EDT after 8 March) with
    seconds, one in CET rounded to the minute; a page in both lists is in both files; one
    row has a date the export tool mangled."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = sorted({p.author for p in posts})
    lists = {page: {rng.choice(("us", "eu"))} for page in pages}
    for page in pages:
        if rng.random() < 0.1:
            lists[page] = {"us", "eu"}
    files = {"us": (folder / "ct_list_news_pages_EST.csv", "US", False),
             "eu": (folder / "ct_list_community_pages_CET.csv", "CET", True)}
    writers = {}
    handles = {}
    for key, (path, _, _) in files.items():
        handles[key] = path.open("w", encoding="utf-8", newline="")  # noqa: SIM115 (closed below)
        writers[key] = csv.DictWriter(handles[key], CT_COLUMNS)
        writers[key].writeheader()
    rows: list[Row] = []
    bad_done = False
    for p in posts:
        url = f"https://www.facebook.com/{p.author}/posts/{p.post_id}"
        link = p.links[0] if p.links else ""
        final = p.short.get(link, link if rng.random() < 0.8 else "") if link else ""
        text = p.text
        for key in sorted(lists[p.author]):
            _, zone, rounded = files[key]
            created = _ct_time(p.ts, zone, rounded)
            if not bad_done and rng.random() < 0.002:
                created, bad_done = "#VALUE!", True
            writers[key].writerow({
                "Page Name": p.author.replace("Page", " Page "), "User Name": p.author,
                "Facebook Id": _uid(p.author), "Page Category": "COMMUNITY",
                "Page Admin Top Country": "", "Likes at Posting": rng.randint(100, 90_000),
                "Followers at Posting": rng.randint(100, 120_000), "Post Created": created,
                "Post Created Date": created[:10], "Post Created Time": created[11:19],
                "Type": "Link" if link else "Status", "Total Interactions": rng.randint(0, 900),
                "Likes": rng.randint(0, 500), "Comments": rng.randint(0, 90),
                "Shares": rng.randint(0, 80), "Love": 0, "Wow": 0, "Haha": 0, "Sad": 0,
                "Angry": 0, "Care": 0, "Post Views": 0, "URL": url, "Message": text,
                "Link": link, "Final Link": final, "Image Text": "",
                "Link Text": text[:60] if link else "", "Description": "", "Sponsor Id": "",
                "Overperforming Score": round(rng.uniform(-5, 5), 2)})
        rows.append(Row(f"facebook:{url}", p.author, int(p.ts), text, [final or link] if link
                        else [], [w[1:].lower() for w in text.split() if w.startswith("#")]))
    for h in handles.values():
        h.close()
    return rows


def write_world(world: World, folder: Path, seed: int) -> tuple[list[Path], list[Row]]:
    """Every export file of ``world`` under ``folder``; the files and the baselines' rows."""
    rng = random.Random(seed + 99)
    by_platform: dict[str, list[Post]] = {}
    for p in world.posts:
        by_platform.setdefault(p.platform, []).append(p)
    channels = sorted({p.author for p in by_platform.get("telegram", []) if not p.chat and
                       world.accounts.get(p.author) is not None and
                       world.accounts[p.author].kind == "big_channel"})
    old = channels[0] if channels else None
    rows = write_mastodon(by_platform.get("mastodon", []), folder / "mastodon", rng)
    rows += write_reddit(by_platform.get("reddit", []), folder / "reddit", rng)
    rows += write_telegram(by_platform.get("telegram", []), folder / "telegram", rng, old)
    rows += write_crowdtangle(by_platform.get("facebook", []), folder / "crowdtangle", rng)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return files, rows

"""Write a sixth-world corpus as the files an analyst collects, hazards included.

* ``x/search_part1.jsonl`` and ``x/search_part2.jsonl``: twarc2 pages of two searches
  whose time ranges overlap by a day (the same tweets twice); part 2 starts with a UTF-8
  BOM and its last page was cut off mid-line by an interrupted download.
* ``mastodon/statuses.jsonl``: statuses one per line, BOM, a run of repeated lines
  (a paging client that fetched one page twice).
* ``telegram/<n>/result.json``: one Telegram Desktop export per channel, ``date`` in
  local time (UTC+2) with ``date_unixtime``, except two old exports without it; one
  export cut short inside its last message.
* ``web/docs.jsonl``: a plain JSON Lines file a user writes from a scrape (``id``,
  ``source``, ``text``, ``published``, ``url``, ``lang``), dates as ISO with ``Z``, with
  ``+02:00`` offsets, as epoch seconds, or zone-less local time for the clock-skewed
  sources; its last line is truncated.

:func:`write` returns which posts a careful reader gets from the files (``kept``): the
same posts, at their written times, are what every method is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from heldout6_formats import iso, status, x_page
from heldout6_world import DAY, T0, Post, World

BOM = "\ufeff"


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    kept: list[Post] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # platform -> posts a reader gets


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _x(w: World, out: Path, posts: list[Post], written: Written) -> None:
    mid = T0 + w.days * DAY / 2
    part1 = [p for p in posts if p.written_t < mid + DAY / 2]
    part2 = [p for p in posts if p.written_t >= mid - DAY / 2]
    cut = part2[-25:]  # the interrupted last page
    body2 = part2[:-25]
    (out / "x").mkdir()
    for name, part, hostile in (("search_part1", part1, False), ("search_part2", body2, True)):
        path = out / "x" / f"{name}.jsonl"
        lines = [_dump(x_page(part[i:i + 100])) for i in range(0, len(part), 100)]
        if hostile:
            last = _dump(x_page(cut))
            lines.append(last[:len(last) // 2])
            lines[0] = BOM + lines[0]
        path.write_text("\n".join(lines), encoding="utf-8")
        written.files.append(path)
    lost = {id(p) for p in cut} - {id(p) for p in part1}
    kept = [p for p in posts if id(p) not in lost]
    written.kept += kept
    written.counts["x"] = len(kept)


def _mastodon(out: Path, posts: list[Post], written: Written) -> None:
    (out / "mastodon").mkdir()
    lines = [_dump(status(p)) for p in posts]
    at = len(lines) // 3
    lines = lines[:at] + lines[at - 40:at] + lines[at:]  # a page fetched twice
    if lines:
        lines[0] = BOM + lines[0]
    path = out / "mastodon" / "statuses.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.files.append(path)
    written.kept += posts
    written.counts["mastodon"] = len(posts)


def _entities(p: Post) -> list[dict[str, str]]:
    parts = [{"type": "plain", "text": p.text}]
    for tag in p.hashtags:
        parts += [{"type": "plain", "text": " "}, {"type": "hashtag", "text": "#" + tag}]
    for link in p.links:
        parts += [{"type": "plain", "text": " "}, {"type": "link", "text": link}]
    return parts


def _telegram(w: World, out: Path, posts: list[Post], written: Written) -> None:
    by_channel: dict[str, list[Post]] = {}
    for p in posts:
        by_channel.setdefault(p.account, []).append(p)
    count = 0
    for n, (name, own) in enumerate(sorted(by_channel.items())):
        folder = out / "telegram" / f"ChatExport_{n:03d}"
        folder.mkdir(parents=True)
        old = w.types.get(name) == "tg_clock_skewed"
        messages = []
        for p in own:
            local = datetime.fromtimestamp(p.t, UTC) + timedelta(hours=2)
            msg: dict[str, object] = {
                "id": int(p.post_id), "type": "message",
                "date": (datetime.fromtimestamp(p.written_t, UTC) if old else local)
                .strftime("%Y-%m-%dT%H:%M:%S"),
                "from": name, "from_id": f"channel{1000 + n}",
                "text": "".join(e["text"] for e in _entities(p)),
                "text_entities": _entities(p)}
            if not old:
                msg["date_unixtime"] = str(int(p.written_t))
            if p.relation == "forward" and p.parent is not None:
                msg["forwarded_from"] = p.parent.account
            messages.append(msg)
        body = _dump({"name": name, "type": "public_channel", "id": 1000 + n,
                      "messages": messages})
        kept = own
        if n == 1 and len(own) > 2:  # an export cut short inside its last message
            body = body[:body.rfind('{"id"') + 30]
            kept = own[:-1]
        path = folder / "result.json"
        path.write_text(body, encoding="utf-8")
        written.files.append(path)
        written.kept += kept
        count += len(kept)
    written.counts["telegram"] = count


def _web(w: World, out: Path, posts: list[Post], written: Written) -> None:
    (out / "web").mkdir()
    lines = []
    for i, p in enumerate(posts):
        text = " ".join([p.text] + ["#" + t for t in p.hashtags] + p.links)
        if p.skew:
            when: object = datetime.fromtimestamp(p.written_t, UTC).strftime("%Y-%m-%d %H:%M:%S")
        elif i % 3 == 0:
            when = int(p.t)
        elif i % 3 == 1:
            when = (datetime.fromtimestamp(p.t, UTC) + timedelta(hours=2)) \
                .strftime("%Y-%m-%dT%H:%M:%S+02:00")
        else:
            when = iso(p.t, ms=False)
        lines.append(_dump({"id": f"w{p.post_id}", "source": p.account, "text": text,
                            "published": when, "url": f"https://{p.account}/p/{p.post_id}"
                            if p.account.endswith((".info", ".blog")) else None,
                            "lang": p.lang}))
    if lines:
        lines[-1] = lines[-1][:len(lines[-1]) // 2]
    path = out / "web" / "docs.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    written.files.append(path)
    kept = posts[:-1]
    written.kept += kept
    written.counts["web"] = len(kept)


def write(w: World, out: Path) -> Written:
    """All four platforms' files under ``out`` (created; must not exist)."""
    out.mkdir(parents=True)
    written = Written()
    by: dict[str, list[Post]] = {"x": [], "mastodon": [], "telegram": [], "web": []}
    for p in w.posts:
        by[p.platform].append(p)
    _x(w, out, by["x"], written)
    _mastodon(out, by["mastodon"], written)
    _telegram(w, out, by["telegram"], written)
    _web(w, out, by["web"], written)
    written.kept.sort(key=lambda p: (p.written_t, p.platform, p.post_id))
    return written

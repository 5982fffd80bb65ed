"""Links that point to one post on a social platform: platform, account and post ID.

Shared by the HTML markup reader (embeds name their post by URL) and the references
analyzer (``post_link`` rows), and kept free of heavy imports so that the analyzers'
processes do not load the HTML stack for it.
"""

from __future__ import annotations

import re
from typing import Any

_POST_URLS: list[tuple[str, re.Pattern[str]]] = [
    ("twitter", re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<handle>\w{1,50})"
                           r"/status(?:es)?/(?P<id>\d{5,25})", re.I)),
    ("telegram", re.compile(r"https?://(?:t|telegram)\.me/(?:s/)?(?P<handle>[A-Za-z]\w{3,64})"
                            r"/(?P<id>\d{1,12})", re.I)),
    ("facebook", re.compile(r"https?://(?:www\.|m\.)?facebook\.com/(?P<handle>[\w.\-]{1,80})"
                            r"/(?:posts|videos|photos)/(?:[\w.\-]+/)?(?P<id>[\w\-]{5,80})", re.I)),
    ("facebook", re.compile(r"https?://(?:www\.)?facebook\.com/(?:permalink\.php|watch/?)"
                            r"\?(?:story_fbid|v)=(?P<id>\d{5,25})", re.I)),
    ("instagram", re.compile(r"https?://(?:www\.)?instagram\.com/(?:(?P<handle>[\w.]{1,30})/)?"
                             r"(?:p|reel|tv)/(?P<id>[\w\-]{5,40})", re.I)),
    ("youtube", re.compile(r"https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/"
                           r"(?:embed/|watch\?v=|shorts/|live/)|youtu\.be/)(?P<id>[\w\-]{11})", re.I)),
    ("tiktok", re.compile(r"https?://(?:www\.)?tiktok\.com/@(?P<handle>[\w.]{1,40})/video/"
                          r"(?P<id>\d{5,25})", re.I)),
    ("bluesky", re.compile(r"https?://bsky\.app/profile/(?P<handle>[\w.:\-]{1,253})/post/"
                           r"(?P<id>[a-z0-9]{5,20})", re.I)),
    ("truth_social", re.compile(r"https?://truthsocial\.com/@(?P<handle>\w{1,40})/(?:posts/)?"
                                r"(?P<id>\d{5,25})", re.I)),
    ("vk", re.compile(r"https?://(?:m\.)?vk\.com/(?:wall|video)(?P<handle>-?\d{1,15})_(?P<id>\d{1,15})",
                      re.I)),
    # Mastodon last: any server, so only the path shape (``/@user/123``) says it.
    ("mastodon", re.compile(r"https?://(?P<server>[a-z0-9.\-]+\.[a-z]{2,})/@(?P<handle>\w{1,40})"
                            r"/(?P<id>\d{6,25})", re.I)),
]


def post_of_url(url: str) -> dict[str, Any] | None:
    """``{"platform", "handle", "post_id", "url"}`` of a link to one post, or None."""
    for platform, pattern in _POST_URLS:
        m = pattern.match(url)
        if m is None:
            continue
        groups = m.groupdict()
        handle = groups.get("handle")
        if platform == "mastodon":
            handle = f"{handle}@{groups['server'].lower()}"
        if platform == "truth_social" and handle and handle.lower() in ("embed",):
            continue
        return {"platform": platform, "handle": handle, "post_id": m.group("id"),
                "url": m.group(0)}
    return None

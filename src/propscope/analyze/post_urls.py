"""Links that point to one post on a social platform: platform, account and post ID.

Shared by the HTML markup reader (embeds name their post by URL) and the references
analyzer (``post_link`` rows), and kept free of heavy imports so that the analyzers'
processes do not load the HTML stack for it.
"""

from __future__ import annotations

import re
from typing import Any

# One row a pattern: platform, then the regex (matched case-insensitively from the link's
# start; the first row that matches wins). Mastodon is last: any server, so only the path
# shape (``/@user/123``) says it. A table rather than code: adding a platform is a data edit.
_POST_URL_TABLE = r"""
twitter      https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<handle>\w{1,50})/status(?:es)?/(?P<id>\d{5,25})
telegram     https?://(?:t|telegram)\.me/(?:s/)?(?P<handle>[A-Za-z]\w{3,64})/(?P<id>\d{1,12})
facebook     https?://(?:www\.|m\.)?facebook\.com/(?P<handle>[\w.\-]{1,80})/(?:posts|videos|photos)/(?:[\w.\-]+/)?(?P<id>[\w\-]{5,80})
facebook     https?://(?:www\.)?facebook\.com/(?:permalink\.php|watch/?)\?(?:story_fbid|v)=(?P<id>\d{5,25})
instagram    https?://(?:www\.)?instagram\.com/(?:(?P<handle>[\w.]{1,30})/)?(?:p|reel|tv)/(?P<id>[\w\-]{5,40})
youtube      https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:embed/|watch\?v=|shorts/|live/)|youtu\.be/)(?P<id>[\w\-]{11})
tiktok       https?://(?:www\.)?tiktok\.com/@(?P<handle>[\w.]{1,40})/video/(?P<id>\d{5,25})
bluesky      https?://bsky\.app/profile/(?P<handle>[\w.:\-]{1,253})/post/(?P<id>[a-z0-9]{5,20})
truth_social https?://truthsocial\.com/@(?P<handle>\w{1,40})/(?:posts/)?(?P<id>\d{5,25})
vk           https?://(?:m\.)?vk\.com/(?:wall|video)(?P<handle>-?\d{1,15})_(?P<id>\d{1,15})
mastodon     https?://(?P<server>[a-z0-9.\-]+\.[a-z]{2,})/@(?P<handle>\w{1,40})/(?P<id>\d{6,25})
"""
_POST_URLS: list[tuple[str, re.Pattern[str]]] = [
    (platform, re.compile(pattern, re.I))
    for platform, pattern in (row.split(None, 1) for row in _POST_URL_TABLE.strip().splitlines())
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

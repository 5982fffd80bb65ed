"""CrowdTangle historical-data CSV (Facebook pages/groups and Instagram accounts).

Text is ``Message`` (else ``Description``/``Image Text``); the account is
``User Name`` (handle) and ``Page Name``/``Account`` (display name); links are
``Final Link`` (the link after redirects) else ``Link`` (a shortened ``Link`` with a
``Final Link`` is kept as ``meta["url_expansions"]``); the post's ID is its
``URL`` (the export has no separate post ID). ``Post Created`` carries a time
zone abbreviation (``EST``), read as its UTC offset. Interaction counts
(``Likes``, ``Shares``, ``Love``, ...) are kept as metrics. CrowdTangle does not
mark shares of other pages' posts, so every row is an ``original``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...document import Rejected
from .base import Post, metrics_of, post_document, unique, url_expansions
from .csvin import cell, header_of, reader_for
from .jsonin import Items

PLATFORM = "facebook"
METRICS = ("Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care",
           "Total Interactions", "Post Views", "Total Views", "Views")
_ZONES = {"UTC": "+00:00", "GMT": "+00:00", "EST": "-05:00", "EDT": "-04:00",
          "CST": "-06:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
          "PST": "-08:00", "PDT": "-07:00", "CET": "+01:00", "CEST": "+02:00"}
_ZONE = re.compile(r"\s+([A-Z]{3,4})$")


def created(value: str | None) -> str | None:
    """``2021-03-01 12:00:00 EST`` -> ``2021-03-01 12:00:00-05:00``."""
    if value is None:
        return None
    found = _ZONE.search(value)
    if found and found.group(1) in _ZONES:
        return value[:found.start()] + _ZONES[found.group(1)]
    return value


def row_items(row: Mapping[str, str], name: str, recno: str) -> Items:
    """The post of one export row."""
    url = cell(row, "URL")
    if url is None:
        yield Rejected(name, recno, "crowdtangle row without a URL (its only post ID); skipped")
        return
    platform = "instagram" if "instagram.com" in url else PLATFORM
    post = Post(platform, url, author=cell(row, "User Name"),
                author_name=cell(row, "Page Name", "Account"),
                author_id=cell(row, "Facebook Id"), url=url)
    post.links = unique([cell(row, "Final Link", "Link")])
    post.metrics = metrics_of(row, METRICS)
    expansions = url_expansions([(cell(row, "Link"), cell(row, "Final Link"))])
    text = cell(row, "Message", "Description", "Image Text", "Title")
    yield from post_document(text, post, name, recno, source=post.author or post.author_name,
                             published=created(cell(row, "Post Created")),
                             title=cell(row, "Link Text", "Title"),
                             meta={"url_expansions": expansions} if expansions else None)


iter_documents = reader_for(row_items)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """The header names ``Post Created`` with an account column."""
    header = set(header_of(head))
    return "Post Created" in header and bool(header & {"Page Name", "User Name", "Account"})

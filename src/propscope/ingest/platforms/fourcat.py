"""4CAT datasets: the CSV export and NDJSON of 4CAT's mapped items.

4CAT maps every data source to common columns: ``id``, ``thread_id``, ``author``,
``body``, ``subject``, ``timestamp`` (and ``unix_timestamp``); data-source
columns beyond those are ignored. An item whose ``thread_id`` differs from its
``id`` is a ``reply`` in that thread (4CAT gives no direct parent, so parent and
root are both the thread). The platform is the dataset's data source where a
column names it (``platform``/``source``), else ``4cat``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...document import Rejected
from ..dates import first_given
from .base import Post, as_str, post_document, unique
from .csvin import cell, header_of
from .csvin import reader_for as csv_reader
from .jsonin import Items
from .jsonin import reader_for as json_reader
from .youtube import URL


def row_items(row: Mapping[str, Any], name: str, recno: str) -> Items:
    """The post of one mapped item."""
    if not isinstance(row, Mapping):
        yield Rejected(name, recno, f"4CAT item is a {type(row).__name__}, not an object")
        return
    item = {k: as_str(v) for k, v in row.items()}
    post_id = item.get("id")
    if post_id is None:
        yield Rejected(name, recno, "4CAT item without an id; skipped")
        return
    platform = cell(item, "platform", "source_platform") or "4cat"
    post = Post(platform, post_id, author=item.get("author"),
                author_name=cell(item, "author_fullname", "author_name"),
                url=cell(item, "url", "link"))
    thread = item.get("thread_id")
    if thread and thread != post_id:
        post.relation, post.parent_id, post.root_id = "reply", thread, thread
    body = item.get("body") or ""
    post.links = unique(URL.findall(body))
    hashtags = cell(item, "hashtags")
    post.hashtags = unique(hashtags.replace(" ", ",").split(",")) if hashtags else []
    text = "\n\n".join(t for t in (item.get("subject") or "", body) if t.strip())
    yield from post_document(text, post, name, recno,
                             published=first_given(cell(item, "unix_timestamp"),
                                                   cell(item, "timestamp")),
                             title=item.get("subject"))


iter_csv = csv_reader(row_items)
iter_ndjson = json_reader(row_items)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """Mapped items have ``thread_id`` and ``body`` (CSV header or JSON keys)."""
    return {"thread_id", "body"} <= (keys | set(header_of(head)))

"""Meta Content Library CSV exports (Facebook and Instagram posts).

Column names are the Content Library API's field paths flattened with dots:
``id``, ``creation_time``, ``modified_time``, ``text``, ``lang``,
``post_owner.name``/``.username``/``.id``, ``statistics.*`` counts and, where the
export has them, ``link_attachment.link`` and the shared post's ID
(``shared_post_id`` or ``original_post_id``: the post becomes a ``repost``).
Every ``statistics.*`` column is kept as a metric under its last name part.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...document import Rejected
from .base import Post, metrics_of, post_document, unique
from .csvin import cell, header_of, reader_for
from .jsonin import Items


def row_items(row: Mapping[str, str], name: str, recno: str) -> Items:
    """The post of one export row."""
    post_id = cell(row, "id")
    if post_id is None:
        yield Rejected(name, recno, "content library row without an id; skipped")
        return
    url = cell(row, "url", "post_url")
    platform = "instagram" if (url and "instagram.com" in url) or cell(
        row, "post_owner.type") == "instagram_account" else "facebook"
    post = Post(platform, post_id, author=cell(row, "post_owner.username", "post_owner.name"),
                author_name=cell(row, "post_owner.name"), author_id=cell(row, "post_owner.id"),
                url=url)
    shared = cell(row, "shared_post_id", "original_post_id")
    if shared:
        post.relation, post.parent_id = "repost", shared
    post.links = unique([cell(row, "link_attachment.link", "link")])
    stats = [k for k in row if k.startswith("statistics.")]
    post.metrics = metrics_of(row, stats, {k: k.rsplit(".", 1)[-1] for k in stats})
    modified, made = cell(row, "modified_time"), cell(row, "creation_time")
    if modified and modified != made:
        post.edited, post.edited_at = True, modified
    yield from post_document(cell(row, "text"), post, name, recno, published=made,
                             lang=cell(row, "lang"))


iter_documents = reader_for(row_items)


def sniff(keys: frozenset[str], head: bytes) -> bool:
    """The header has ``creation_time`` and ``post_owner.*`` columns."""
    header = header_of(head)
    return "creation_time" in header and any(h.startswith("post_owner.") for h in header)

"""The ``references`` analyzer: hashtags, mentions, links, e-mail addresses,
tracking identifiers and embedded social-media posts of one document.

These are the items that tie a text to accounts, sites and campaigns, so each is
reported with its exact span (``text[start:end] == value``) and a normalised form
that compares equal across documents. Items inside an embedded post point to it
through ``parent_start`` (the post's ``start``), so "the links of this post" and
"the tags the article adds itself" can be told apart.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from ..document import Document
from . import markup_references as markup
from .contact_fingerprints import (
    contact_emails,
    find_about_block,
    find_phone_numbers,
    region_of_url,
)
from .embedded_posts import EmbeddedPost, find_embedded_posts
from .fingerprints import find_crypto_addresses, link_fingerprints
from .link_shapes import find_defanged_urls
from .registry import Analyzer, register
from .short_links import join_in_document
from .text_patterns import (
    Found,
    classify_tracking_id,
    find_emails,
    find_hashtags,
    find_mentions,
    find_tracking_ids,
    find_urls,
    normalize_tracking_id,
)

KINDS = ("hashtag", "mention", "url", "email", "tracking_id", "crypto_address", "payment_handle",
         "messaging_channel", "phone_number", "contact_email", "template_fingerprint",
         "embedded_post", "post_link", "capped")
#: The kinds that tie sources to one operator (shared infrastructure), shown together.
FINGERPRINT_KINDS = ("tracking_id", "crypto_address", "payment_handle", "messaging_channel",
                     "phone_number", "contact_email", "template_fingerprint")
# At most this many embedded-post rows per document. Posts never overlap, so their
# text together is never longer than the document, but a crafted page can hold tens
# of thousands of attributions; beyond the cap the post rows stop and one row of
# kind ``capped`` (value ``embedded_post``, ``normalized`` saying how many were
# found and kept and where the first dropped post begins; no span, like the
# IDs read from HTML) records it, after the rows with spans.
MAX_EMBEDDED_POSTS = 1000

REFERENCES_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("kind", pa.string()),
    ("value", pa.string()),
    ("normalized", pa.string()),
    ("start", pa.int64()),
    ("end", pa.int64()),
    ("author", pa.string()),
    ("handle", pa.string()),
    ("posted", pa.date32()),
    ("domain", pa.string()),
    ("is_shortener", pa.bool_()),
    ("subtype", pa.string()),
    ("location", pa.string()),
    ("parent_start", pa.int64()),
    # (added in analyzer version 4; an older table gets them on the next write)
    ("expanded", pa.string()),  # a short link's expansion, where the data holds one
    ("expanded_in", pa.string()),  # the document whose data held it (the evidence)
    ("views", pa.int64()),  # an embedded post's view count, where the post shows it
    ("forwards", pa.int64()),  # ... and its forward count
])


def _row(doc_id: str, kind: str, f: Found, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "doc_id": doc_id, "kind": kind, "value": f.value, "normalized": f.normalized,
        "start": f.start, "end": f.end, "author": None, "handle": None, "posted": None,
        "domain": f.domain, "is_shortener": f.is_shortener, "subtype": f.subtype,
        "location": "text", "parent_start": None,
    }
    row.update(extra)
    return row


class _Spans:
    """Sorted, non-overlapping spans with a logarithmic "does this overlap?" test,
    so a text with thousands of links and tags stays linear-ish."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def containing(self, start: int, end: int) -> tuple[int, int] | None:
        i = bisect_left(self.starts, end) - 1
        if i >= 0 and self.spans[i][1] > start:
            return self.spans[i]
        return None

    def overlaps(self, f: Found) -> bool:
        return self.containing(f.start, f.end) is not None


def _post_row(doc_id: str, text: str, p: EmbeddedPost) -> dict[str, Any]:
    body = " ".join(text[p.start:p.body_end].split())
    return {
        "doc_id": doc_id, "kind": "embedded_post", "value": text[p.start:p.end],
        "normalized": body, "start": p.start, "end": p.end, "author": p.author,
        "handle": p.handle, "posted": p.posted, "domain": None, "is_shortener": None,
        "subtype": p.platform, "location": "text", "parent_start": None,
    }


def _capped_row(doc_id: str, kind: str, found: int, kept: int, at: int) -> dict[str, Any]:
    """The row that says a per-document cap stopped the rows of ``kind`` at ``at``."""
    return {
        "doc_id": doc_id, "kind": "capped", "value": kind,
        "normalized": f"{found} {kind} found, first {kept} kept (cap {kept}); "
                      f"the first one dropped starts at offset {at}",
        "start": None, "end": None, "author": None, "handle": None, "posted": None,
        "domain": None, "is_shortener": None, "subtype": None, "location": "text",
        "parent_start": None,
    }


def _html_tracking_rows(doc_id: str, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for the IDs that ingest read from the raw HTML (not in the text, so no span)."""
    items = meta.get("html_tracking_ids") if isinstance(meta, dict) else None
    if not isinstance(items, list):
        return []
    rows, seen = [], set()
    for item in items:
        if isinstance(item, str):
            item = {"value": item}
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            continue
        value = item["value"].strip()
        if not value:
            continue
        hint = item.get("kind") if isinstance(item.get("kind"), str) else None
        subtype = classify_tracking_id(value) or hint
        normalized = normalize_tracking_id(value, subtype)
        if (normalized, subtype) in seen:
            continue
        seen.add((normalized, subtype))
        rows.append({
            "doc_id": doc_id, "kind": "tracking_id", "value": value, "normalized": normalized,
            "start": None, "end": None, "author": None, "handle": None, "posted": None,
            "domain": None, "is_shortener": None, "subtype": subtype, "location": "html",
            "parent_start": None,
        })
    return rows


def find_references(doc_id: str, text: str, meta: dict[str, Any] | None = None,
                    url: str | None = None) -> list[dict[str, Any]]:
    """All reference rows of one text, ordered by position (a ``capped`` row and
    HTML-only IDs last). ``url``: the document's address, whose country-code TLD lets
    labelled national phone numbers be read."""
    posts = find_embedded_posts(text)
    urls = find_urls(text)
    defanged = find_defanged_urls(text)
    if defanged:  # a defanged link wins over the plain piece of it the URL finder saw
        spans = _Spans((d.start, d.end) for d in defanged)
        urls = sorted([u for u in urls if not spans.overlaps(u)] + defanged,
                      key=lambda f: f.start)
    emails = find_emails(text)
    if urls and emails:
        url_spans = _Spans((u.start, u.end) for u in urls)
        emails = [e for e in emails if not url_spans.overlaps(e)]
    hashtags = find_hashtags(text)
    mentions = find_mentions(text)
    if (urls or emails) and (hashtags or mentions):  # (most texts skip the span checks)
        taken = _Spans([(u.start, u.end) for u in urls] + [(e.start, e.end) for e in emails])
        hashtags = [h for h in hashtags if not taken.overlaps(h)]
        mentions = [m for m in mentions if not taken.overlaps(m)]
    if posts and mentions:
        attributions = _Spans((p.handle_start, p.handle_end) for p in posts)
        mentions = [m for m in mentions if not attributions.overlaps(m)]

    dropped = posts[MAX_EMBEDDED_POSTS:]
    posts = posts[:MAX_EMBEDDED_POSTS]
    rows = [_post_row(doc_id, text, p) for p in posts]
    rows += [_row(doc_id, "url", u) for u in urls]
    rows += [_row(doc_id, "email", e) for e in emails]
    rows += [_row(doc_id, "hashtag", h) for h in hashtags]
    rows += [_row(doc_id, "mention", m, handle=m.value[1:]) for m in mentions]
    rows += [_row(doc_id, "tracking_id", t) for t in find_tracking_ids(text)]
    rows += [_row(doc_id, "crypto_address", c) for c in find_crypto_addresses(text)]
    rows += [_row(doc_id, kind, f) for kind, f in link_fingerprints(urls)]
    rows += [_row(doc_id, "phone_number", f) for f in find_phone_numbers(text, region_of_url(url))]
    rows += [_row(doc_id, "contact_email", f) for f in contact_emails(text, emails)]
    rows += [_row(doc_id, kind, f, subtype=post["platform"], handle=post["handle"],
                  normalized=f"{post['platform']}:{post['post_id']}")
             for kind, f, post in markup.post_links(urls)]
    rows += markup.telegram_pastes(doc_id, text)
    about = find_about_block(text)
    if about is not None:
        rows.append(_row(doc_id, "template_fingerprint", about))
    if posts:
        post_spans = _Spans((p.start, p.end) for p in posts)
        for row in rows:
            if row["kind"] != "embedded_post":
                hit = post_spans.containing(row["start"], row["start"] + 1)
                row["parent_start"] = hit[0] if hit else None
    rows.sort(key=lambda r: (r["start"], r["kind"] != "embedded_post"))
    if dropped:
        rows.append(_capped_row(doc_id, "embedded_post", len(posts) + len(dropped), len(posts),
                                dropped[0].start))
    rows += _html_tracking_rows(doc_id, meta or {})
    if meta:
        rows += _markup_rows(doc_id, text, meta, {u.normalized for u in urls})
        join_in_document(rows, doc_id, meta)
    return rows


def _markup_rows(doc_id: str, text: str, meta: dict[str, Any], seen: set[str]
                 ) -> list[dict[str, Any]]:
    """Rows for what ingest read in the page's markup (embeds, hrefs, footer)."""
    rows: list[dict[str, Any]] = []
    for key, build in (("html_embeds", lambda v: markup.embed_rows(doc_id, text, v)),
                       ("html_links", lambda v: markup.href_rows(doc_id, text, v, seen)),
                       ("html_template", lambda v: markup.template_rows(doc_id, v))):
        value = meta.get(key)
        if isinstance(value, list):
            rows += build(value)
    return rows


def analyze_references(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """The registered analyzer: ``{"doc_references": rows}`` for one document."""
    return {"doc_references": find_references(doc.doc_id, doc.text, doc.meta, doc.url)}


register(Analyzer(
    name="references", version="4", tables={"doc_references": REFERENCES_SCHEMA},
    fn=analyze_references,
    description="hashtags, mentions, links (also defanged and from hrefs), e-mails, tracking "
                "IDs, wallets, donation handles, messaging channels, phone numbers, contact "
                "e-mails, template hashes, embedded posts (with views) and post links, with exact "
                "spans; short links with their expansion where the data holds it",
))

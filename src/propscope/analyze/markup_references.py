"""Reference rows from what ingest read in a page's markup, and post links in any text.

Ingest keeps, per HTML page, the embedded posts, ``href`` addresses and footer hash it
read from the raw markup (:mod:`propscope.ingest.html_markup`); this module turns
them into ``references`` rows:

* ``embedded_post`` rows for markup embeds (``location`` ``html``): platform in
  ``subtype``, post URL in ``value``, ``platform:post_id`` in ``normalized``, author,
  handle and date when the embed shows them. When the post's text is found in the
  extracted text, ``start``/``end`` give its span there (else they are empty). The
  post's own links are ``url`` rows pointing to it through ``parent_start``.
* ``url`` rows for ``href`` addresses (``location`` ``href``) whose anchor text is in
  the extracted text (the span is the anchor text's) and that the text does not show
  itself; donation and messaging links (payment_handle, messaging_channel), ``mailto:``
  (contact_email) and ``tel:`` (phone_number) links count wherever they are on the
  page, footer included, without a span.
* ``template_fingerprint`` rows: the footer / "about" block's hash.

And, for any text: ``post_link`` rows for links that point to one post on a platform
(``https://t.me/channel/123``, ``x.com/user/status/1``, ``youtu.be/ID``, ...), with
platform, handle and post ID, and ``embedded_post`` rows for Telegram posts pasted
with their header (``Channel Name, [03.12.2026 10:42]``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .contact_fingerprints import e164
from .fingerprints import LINK_FINGERPRINTS, link_fingerprints
from .post_urls import post_of_url
from .text_patterns import Found, normalize_url
from .web_data import LINK_SHORTENERS

_SPACES = re.compile(r"\s+")


def _base(doc_id: str, kind: str, value: str, normalized: str, location: str,
          **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"doc_id": doc_id, "kind": kind, "value": value,
                           "normalized": normalized, "start": None, "end": None, "author": None,
                           "handle": None, "posted": None, "domain": None, "is_shortener": None,
                           "subtype": None, "location": location, "parent_start": None}
    row.update(extra)
    return row


def _date(raw: Any) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _locate(text: str, snippet: str) -> tuple[int, int] | None:
    """Where a post's text (whitespace-normalised) begins and ends in the document text."""
    words = snippet.split()
    if len(words) < 3:
        return None
    head = " ".join(words[:8])
    start = text.find(head)
    if start < 0:
        return None
    tail = " ".join(words[-4:])
    end = text.find(tail, start)
    return start, (end + len(tail) if end >= 0 else start + len(head))


def embed_rows(doc_id: str, text: str, embeds: list[Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for e in embeds:
        if not isinstance(e, dict) or not isinstance(e.get("platform"), str):
            continue
        url = e.get("url") if isinstance(e.get("url"), str) else None
        post_id = e.get("post_id") if isinstance(e.get("post_id"), str) else None
        if not (url or post_id):
            continue
        span = _locate(text, e["text"]) if isinstance(e.get("text"), str) else None
        row = _base(doc_id, "embedded_post", url or post_id or "",
                    f"{e['platform']}:{post_id or url}", "html", subtype=e["platform"],
                    author=e.get("author") if isinstance(e.get("author"), str) else None,
                    handle=e.get("handle") if isinstance(e.get("handle"), str) else None,
                    posted=_date(e.get("posted")), domain=_domain(url))
        if span:
            row["start"], row["end"] = span
        rows.append(row)
        for link in e.get("links") or []:
            if isinstance(link, str):
                normalized, domain = normalize_url(link)
                rows.append(_base(doc_id, "url", link, normalized, "html", domain=domain,
                                  is_shortener=domain in LINK_SHORTENERS,
                                  parent_start=row["start"]))
    return rows


def _domain(url: str | None) -> str | None:
    return normalize_url(url)[1] or None if url else None


def href_rows(doc_id: str, text: str, links: list[Any], seen: set[str]) -> list[dict[str, Any]]:
    """Rows for ``href`` addresses (see the module docstring); ``seen``: normalised links
    the text already shows."""
    rows: list[dict[str, Any]] = []
    cursor = 0
    for item in links:
        if not isinstance(item, dict) or not isinstance(item.get("href"), str):
            continue
        href, anchor = item["href"], item.get("text") if isinstance(item.get("text"), str) else ""
        low = href.lower()
        if low.startswith("mailto:"):
            address = href[7:].split("?")[0].strip()
            if "@" in address:
                rows.append(_base(doc_id, "contact_email", address, address.lower(), "html",
                                  domain=address.rsplit("@", 1)[1].lower(), subtype="mailto"))
            continue
        if low.startswith("tel:"):
            number = e164(href[4:].strip())
            if number:
                rows.append(_base(doc_id, "phone_number", href[4:].strip(), number, "html",
                                  subtype="tel"))
            continue
        normalized, domain = normalize_url(href)
        if not domain:
            continue
        found = Found(0, 0, href, normalized, domain, domain in LINK_SHORTENERS)
        host = domain.lower()
        fingerprints = link_fingerprints([found]) if host in LINK_FINGERPRINTS else []
        for kind, f in fingerprints:
            rows.append(_base(doc_id, kind, f.value, f.normalized, "html", domain=f.domain,
                              subtype=f.subtype))
        if normalized in seen or not anchor or len(anchor) < 2:
            continue
        at = text.find(anchor, cursor)
        if at < 0:
            at = text.find(anchor)
        if at < 0:
            continue  # the anchor is not in the main text: a menu or footer link
        cursor = at + len(anchor)
        seen.add(normalized)
        rows.append(_base(doc_id, "url", href, normalized, "href", start=at,
                          end=at + len(anchor), domain=domain,
                          is_shortener=domain in LINK_SHORTENERS))
    return rows


def template_rows(doc_id: str, blocks: list[Any]) -> list[dict[str, Any]]:
    return [_base(doc_id, "template_fingerprint", b["sample"], "tpl:" + b["hash"], "html",
                  subtype="footer")
            for b in blocks if isinstance(b, dict) and isinstance(b.get("hash"), str)
            and isinstance(b.get("sample"), str)]


# The platforms' post hosts (``domain``: without ``www.``); Mastodon servers have any
# name and are told by ``/@user/ID`` paths.
_POST_HOSTS = frozenset({
    "twitter.com", "mobile.twitter.com", "x.com", "t.me", "telegram.me", "facebook.com",
    "m.facebook.com", "instagram.com", "youtube.com", "m.youtube.com", "youtu.be",
    "youtube-nocookie.com", "tiktok.com", "bsky.app", "vk.com", "m.vk.com", "truthsocial.com"})


def post_links(urls: list[Found]) -> list[tuple[str, Found, dict[str, Any]]]:
    """Links that point to one post on a platform: ``(kind, found, post)``."""
    out = []
    for u in urls:
        if u.domain not in _POST_HOSTS and "/@" not in u.normalized:
            continue
        post = post_of_url(u.normalized)
        if post is not None:
            out.append(("post_link", u, post))
    return out


# Telegram Desktop's copy of a post: "Channel Name, [03.12.2026 10:42]" on a line of its own.
_TELEGRAM_PASTE = re.compile(
    r"^(?P<name>[^\n\[\],]{1,100}), \[(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2,4})"
    r" \d{1,2}:\d{2}(?::\d{2})?\]$", re.MULTILINE)


def telegram_pastes(doc_id: str, text: str) -> list[dict[str, Any]]:
    """Embedded-post rows for Telegram posts pasted with their header line."""
    if ", [" not in text:
        return []
    rows = []
    for m in _TELEGRAM_PASTE.finditer(text):
        year = int(m.group("y"))
        year += 2000 if year < 100 else 0
        try:
            posted = date(year, int(m.group("m")), int(m.group("d")))
        except ValueError:
            posted = None
        end = text.find("\n\n", m.end())
        end = len(text) if end < 0 else end
        body = _SPACES.sub(" ", text[m.end():end]).strip()
        normalized = f"telegram:{m.group('name').strip()}|{body[:200]}"
        views, forwards = post_counters(text[m.end():end])
        rows.append(_base(doc_id, "embedded_post", text[m.start():end], normalized, "text",
                          start=m.start(), end=end, author=m.group("name").strip(),
                          posted=posted, subtype="telegram", domain="t.me", views=views,
                          forwards=forwards))
    return rows


# A count as Telegram shows it: ``1234``, ``1,234``, ``1 234``, ``12.3K``, ``1,2M``,
# ``12,3 тыс.`` (thousand), ``1,2 млн`` (million).
_COUNT = r"(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+(?:[.,]\d+)?)\s?([KkMm]|тыс\.?|млн\.?)?"
_VIEWS = re.compile(rf"(?:👁\ufe0f?\s*{_COUNT}|{_COUNT}\s*(?:views?|просмотр[а-я]*)\b)",
                    re.IGNORECASE)
_FORWARDS = re.compile(rf"(?:(?:↪\ufe0f?|🔁)\s*{_COUNT}|{_COUNT}\s*(?:forwards?|shares?|"
                       r"пересыл[а-я]*|репост[а-я]*)\b)", re.IGNORECASE)
# The post's closing line of counters: counts, a time, "edited", separators, and nothing
# else (a sentence that mentions "views" is not a counter).
_COUNTER_LINE = re.compile(
    rf"^(?:\s|[·•|,]|edited|изменено|\d{{1,2}}:\d{{2}}|{_VIEWS.pattern}|{_FORWARDS.pattern})+$",
    re.IGNORECASE)
_SCALE = {"k": 1000, "m": 1_000_000, "тыс": 1000, "млн": 1_000_000}
#: The last this many lines of a pasted post are looked at for its counters.
COUNTER_LINES = 2


def _count(digits: str, scale: str | None) -> int | None:
    factor = _SCALE.get((scale or "").lower().rstrip("."), 1)
    digits = re.sub(r"[\u00a0\u202f ]", "", digits)
    if factor == 1:
        digits = digits.replace(",", "")
        return int(digits) if digits.isdigit() else None
    try:
        return round(float(digits.replace(",", ".")) * factor)
    except ValueError:
        return None


def _first_count(pattern: re.Pattern[str], line: str) -> int | None:
    found = pattern.search(line)
    if found is None:
        return None
    groups = [g for g in found.groups()]
    digits, scale = (groups[0], groups[1]) if groups[0] is not None else (groups[2], groups[3])
    return _count(digits, scale)


def post_counters(body: str) -> tuple[int | None, int | None]:
    """``(views, forwards)`` from a pasted post's closing counter line, where it has one."""
    lines = [ln for ln in body.strip().splitlines() if ln.strip()][-COUNTER_LINES:]
    views = forwards = None
    for line in lines:
        if len(line) > 80 or not _COUNTER_LINE.match(line.strip()):
            continue
        views = _first_count(_VIEWS, line) if views is None else views
        forwards = _first_count(_FORWARDS, line) if forwards is None else forwards
    return views, forwards

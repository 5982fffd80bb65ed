"""What an HTML page's markup says that its extracted text loses.

Text extraction keeps words and drops markup, yet the markup is exact where the
text is guesswork: an embedded post's platform, account and post ID sit in its
``blockquote``/``iframe`` attributes; a link's address sits in its ``href``; the
template marks its ad slots, captions, share bars and bylines with classes; and the
footer or "about us" block that an operator reuses across sites is dropped as
boilerplate. This module reads those from the raw page, once, before extraction,
into plain JSON-able values that ingest keeps in ``Document.meta``:

* ``html_embeds``: embedded posts (X/Twitter, Telegram, Facebook, Instagram, YouTube,
  TikTok, Bluesky, Mastodon, VK, Truth Social): platform, post URL, post ID, author,
  handle, date when shown, the post's text and its own links;
* ``html_links``: ``href`` addresses with their anchor text (absolute http(s),
  ``mailto:`` and ``tel:``), at most :data:`MAX_LINKS`;
* ``html_furniture``: texts of elements the template marks as furniture (``figcaption``;
  classes or IDs naming ads, captions, credits, share bars, newsletters, bylines,
  related links), at most :data:`MAX_FURNITURE`;
* ``html_template``: a hash of the page's footer / "about" block (at least
  :data:`MIN_TEMPLATE_WORDS` words), the same on every site that reuses it.

Only the parsed tree is walked (no regex over the page), so the cost is linear in the
page. Nothing here judges the page; the analyzers do.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from ..analyze.post_urls import post_of_url

MAX_LINKS = 300
MAX_FURNITURE = 200
MAX_EMBEDS = 200
MAX_ITEM_CHARS = 300
#: Nodes walked and raw characters joined at most per page for furniture texts (about a
#: second of work each): blocks nest, and each join reads its whole subtree.
MARKUP_NODE_BUDGET = 2_000_000
MARKUP_CHAR_BUDGET = 32_000_000
MIN_TEMPLATE_WORDS = 12
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:ad|ads|advert|advertisement|adslot|ad-slot|sponsor|sponsored|share|sharing|"
    r"sharebar|social|newsletter|subscribe|caption|credit|credits|byline|related|promo|"
    r"read-more|readmore)(?:$|[\s_-])", re.IGNORECASE)
_TEMPLATE_CLASS = re.compile(r"(?:^|[\s_-])(?:footer|about|about-us|colophon|imprint)(?:$|[\s_-])",
                             re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
#: Classes of the blockquote embeds whose text and links are read (their whole subtree).
_WALKED_QUOTES = ("twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed",
                  "mastodon-embed")
_SPACES = re.compile(r"\s+")


def _text(el: Any) -> str:
    return _SPACES.sub(" ", "".join(el.itertext())).strip()


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _abs(href: str | None, base: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    elif base and not re.match(r"[a-z][a-z0-9+.\-]*:", href, re.IGNORECASE):
        href = urljoin(base, href)
    return href


# -- embedded posts ------------------------------------------------------------------
_ATTRIBUTION = re.compile(r"[—–-]\s*(?P<name>[^()\n]{1,100}?)\s*\(@(?P<handle>[\w.@\-]{1,60})\)"
                          r"\s*(?P<date>[A-Z][a-z]{2,9}\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})?")
_SHARED_BY = re.compile(r"A post shared by (?P<name>[^()\n]{1,100}?)\s*\(@(?P<handle>[\w.]{1,30})\)"
                        r"(?P<date>)", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def _iso_date(raw: str | None) -> str | None:
    if not raw:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        return raw
    m = re.fullmatch(r"([A-Z][a-z]{2,9})\.? (\d{1,2}),? (\d{4})", raw)
    if m and m.group(1)[:3].lower() in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(1)[:3].lower()]:02d}-{int(m.group(2)):02d}"
    return None


def _embed(platform: str, el: Any, url: str | None, base: str | None, **extra: Any
           ) -> dict[str, Any] | None:
    post = post_of_url(url) if url else None
    if post is None and not extra.get("post_id"):
        return None
    text = _text(el) if el is not None and el.tag != "iframe" else ""
    out: dict[str, Any] = {"platform": platform, "url": url, "post_id": None, "handle": None,
                           "author": None, "posted": None, "text": text[:2000], "links": []}
    if post is not None:
        out.update(post_id=post["post_id"], handle=post["handle"], url=post["url"])
    out.update({k: v for k, v in extra.items() if v})
    attribution = (_ATTRIBUTION.search(text) or _SHARED_BY.search(text)) if text else None
    if attribution:
        out["author"] = out["author"] or attribution.group("name").strip()
        out["handle"] = out["handle"] or attribution.group("handle")
        out["posted"] = out["posted"] or _iso_date(attribution.group("date") or None)
        out["text"] = text[:attribution.start()].strip()[:2000]
    if el is not None and el.tag != "iframe":
        for a in el.iter("a"):
            href = _abs(a.get("href"), base)
            if href and href.startswith(("http://", "https://")) and href != out["url"] \
                    and post_of_url(href) is None:
                out["links"].append(href)
    return out


def _iframe_embed(src: str) -> dict[str, Any] | None:
    parts = urlsplit(src)
    host = (parts.hostname or "").lower()
    if host.endswith("facebook.com") and parts.path.startswith("/plugins/"):
        href = parse_qs(parts.query).get("href", [None])[0]
        return {"platform": "facebook", "url": unquote(href) if href else None}
    if "youtube" in host and "/embed/" in parts.path:
        vid = parts.path.split("/embed/", 1)[1].split("/")[0]
        return {"platform": "youtube", "url": f"https://www.youtube.com/embed/{vid}"}
    if host.endswith("vk.com") and parts.path.startswith("/video_ext.php"):
        q = parse_qs(parts.query)
        if q.get("oid") and q.get("id"):
            return {"platform": "vk", "url": f"https://vk.com/video{q['oid'][0]}_{q['id'][0]}"}
    if host == "truthsocial.com" and parts.path.endswith("/embed"):
        return {"platform": "truth_social", "url": src.rsplit("/embed", 1)[0]}
    if parts.path.endswith("/embed") and "/@" in parts.path:
        return {"platform": "mastodon", "url": src.rsplit("/embed", 1)[0]}
    if host in ("t.me", "telegram.me"):
        return {"platform": "telegram", "url": src.split("?")[0]}
    if host.endswith("instagram.com"):
        return {"platform": "instagram", "url": src.split("/embed")[0]}
    if host.endswith("tiktok.com") and "/embed/" in parts.path:
        vid = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return {"platform": "tiktok", "url": None, "post_id": vid}
    return None


def _embeds(root: Any, base: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    read: set[Any] = set()  # embeds read: each walk covers its subtree, so one inside is
    candidates = 0  # not read again (embeds do not nest; a hostile page nested 200)
    for el in root.iter("blockquote", "div", "iframe", "script"):
        if len(out) >= MAX_EMBEDS or candidates >= 2 * MAX_EMBEDS:
            break
        cls = (el.get("class") or "").lower()
        walks = (el.tag == "blockquote" and any(k in cls for k in _WALKED_QUOTES)) or (
            el.tag == "div" and ("fb-post" in cls.split() or "fb-video" in cls.split()))
        if walks:  # a branch below reads its text and links (its whole subtree)
            candidates += 1  # at most 2 * MAX_EMBEDS ancestor walks (depth <= 2,048)
            if any(parent in read for parent in el.iterancestors()):
                continue
            read.add(el)
        found: dict[str, Any] | None = None
        if el.tag == "blockquote" and "twitter-tweet" in cls:
            urls = [_abs(a.get("href"), base) or "" for a in el.iter("a")]
            status = next((u for u in reversed(urls) if post_of_url(u)), None)
            found = _embed("twitter", el, status, base)
        elif el.tag == "blockquote" and "instagram-media" in cls:
            found = _embed("instagram", el, el.get("data-instgrm-permalink"), base)
        elif el.tag == "blockquote" and "tiktok-embed" in cls:
            handle = next((a.get("title", "").lstrip("@") for a in el.iter("a")
                           if (a.get("title") or "").startswith("@")), None)
            found = _embed("tiktok", el, el.get("cite"), base, post_id=el.get("data-video-id"),
                           handle=handle)
            if found and el.get("data-video-id"):
                found["post_id"] = el.get("data-video-id")
        elif el.tag == "blockquote" and "bluesky-embed" in cls:
            urls = [_abs(a.get("href"), base) or "" for a in el.iter("a")]
            post_url = next((u for u in urls if post_of_url(u)), None)
            uri = el.get("data-bluesky-uri") or ""
            found = _embed("bluesky", el, post_url, base,
                           post_id=uri.rsplit("/", 1)[-1] if uri else None)
        elif el.tag == "blockquote" and "mastodon-embed" in cls:
            found = _embed("mastodon", el, (el.get("data-embed-url") or "").rsplit("/embed", 1)[0],
                           base)
        elif el.tag == "script" and el.get("data-telegram-post"):
            found = _embed("telegram", None, f"https://t.me/{el.get('data-telegram-post')}", base)
        elif el.tag == "div" and ("fb-post" in cls.split() or "fb-video" in cls.split()):
            found = _embed("facebook", el, el.get("data-href"), base)
        elif el.tag == "div" and (el.get("id") or "").startswith("vk_post_"):
            owner, _, post = (el.get("id") or "")[8:].rpartition("_")
            found = _embed("vk", None, f"https://vk.com/wall{owner}_{post}", base)
        elif el.tag == "iframe" and el.get("src"):
            spec = _iframe_embed(_abs(el.get("src"), base) or "")
            if spec is not None:
                found = _embed(spec["platform"], el, spec.get("url"), base,
                               post_id=spec.get("post_id"))
        if found is not None:
            out.append(found)
    return out


# -- links, furniture, template --------------------------------------------------------
def _links(root: Any, base: str | None) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for a in root.iter("a"):
        href = _abs(a.get("href"), base)
        if not href or not href.lower().startswith(("http://", "https://", "mailto:", "tel:")):
            continue
        text = _text(a)[:MAX_ITEM_CHARS]
        if (href, text) in seen:
            continue
        seen.add((href, text))
        out.append({"href": href[:1000], "text": text})
        if len(out) >= MAX_LINKS:
            break
    return out


class _Budget:
    """Nodes the furniture reader may walk on one page. Why: a block's text is joined from
    its whole subtree, and blocks nest; on a page 2,000 deep with empty elements at every
    level each join walked most of the page (28 s for 0.7 MB). Past the budget no more
    furniture is read (it is metadata beside the text, at most :data:`MAX_FURNITURE` items)."""

    def __init__(self, nodes: int = MARKUP_NODE_BUDGET,
                 chars: int = MARKUP_CHAR_BUDGET) -> None:
        self.left, self.chars = nodes, chars

    def spend(self, nodes: int, chars: int) -> bool:
        """Pay for one join (its subtree's nodes and raw characters, spaces included)."""
        self.left -= nodes
        self.chars -= chars
        return self.left >= 0 and self.chars >= 0


def _furniture(root: Any, budget: _Budget | None = None) -> list[str]:
    """Texts of furniture elements (captions, share bars, bylines, ...), each of their own
    blocks one item. A furniture element is read whole and not searched again; the joins of
    its blocks' texts are paid from ``budget``."""
    budget = budget or _Budget()
    out: list[str] = []
    stack = [root]
    while stack and len(out) < MAX_FURNITURE and budget.left > 0:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if el.tag == "figcaption" or (el.tag not in ("html", "body", "main", "article")
                                      and _FURNITURE_CLASS.search(_classes(el))):
            out += _blocks_of(el, MAX_FURNITURE - len(out), budget)
            continue  # read whole: nothing inside is furniture again
        stack.extend(reversed(el))  # children, in document order
    return out[:MAX_FURNITURE]


def _blocks_of(el: Any, room: int, budget: _Budget) -> list[str]:
    """The element's own blocks (``p``, ``figcaption``, ``span``, ``li``) with text, one
    item each (the extracted text has them apart), else the element itself. One pass,
    children first, counts each node's subtree and the characters of its text that are not
    spaces (what ``itertext`` joins: element texts and every child's tail), so a block with
    no text or too much for an item is passed over without joining anything."""
    nodes = list(el.iter())
    count: dict[Any, int] = {}
    raw: dict[Any, int] = {}  # characters, spaces included: what a join reads
    solid: dict[Any, int] = {}  # characters that are not whitespace
    for node in reversed(nodes):  # children before their parents
        own = node.text if isinstance(node.tag, str) and node.text else ""
        n, r, k = 1, len(own), len(_SPACES.sub("", own)) if own else 0
        for child in node:
            tail = child.tail or ""
            n += count[child]
            r += raw[child] + len(tail)
            k += solid[child] + (len(_SPACES.sub("", tail)) if tail else 0)
        count[node], raw[node], solid[node] = n, r, k
    blocks = [b for b in nodes if b.tag in ("p", "figcaption", "span", "li") and solid[b]]
    out: list[str] = []
    for b in blocks or [el]:
        if solid[b] > MAX_ITEM_CHARS:  # its text, spaces collapsed, is longer still
            continue
        if not budget.spend(count[b], raw[b]):
            break
        text = _text(b)
        if text and len(text) <= MAX_ITEM_CHARS:
            out.append(text)
            if len(out) >= room:
                break
    return out


def _template(root: Any) -> list[dict[str, Any]]:
    blocks = [el for el in root.iter("footer")]
    blocks += [el for el in root.iter("div", "section", "aside")
               if _TEMPLATE_CLASS.search(_classes(el))]
    # the innermost blocks (an outer footer adds menus and links): every ancestor of a
    # block is marked once, climbing until one already marked (linear, however nested)
    above: set[Any] = set()
    for el in blocks:
        for parent in el.iterancestors():
            if parent in above:
                break
            above.add(parent)
    out, seen = [], set()
    for el in blocks:
        if el in above:
            continue
        text = _text(el)
        words = text.split()
        if len(words) < MIN_TEMPLATE_WORDS:
            continue
        key = _YEAR.sub("", " ".join(words).casefold())
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        if digest not in seen:
            seen.add(digest)
            out.append({"hash": digest, "words": len(words), "sample": text[:160]})
    return out[:5]


def read_markup(data: bytes, url: str | None = None, deep: bool = False,
                root: Any = None) -> dict[str, Any]:
    """The meta entries of one page's markup (empty keys left out; never raises).

    ``deep``: the page nests deeper than the parser's default limit (:mod:`.html_depth`), so
    it is parsed without it; links and embeds below the limit were dropped before.
    ``root``: the page already parsed with the default parser (the depth probe's tree, which
    this reads and may change), so it is not parsed again."""
    if root is None:
        try:
            parser = lxml.html.HTMLParser(huge_tree=True) if deep else None
            root = lxml.html.document_fromstring(data, parser=parser)
        except (etree.ParserError, etree.LxmlError, ValueError):
            return {}  # the page keeps its text and tracking IDs; only markup's part is lost
    for bad in root.iter("script", "style", "noscript"):
        if bad.tag != "script" or not bad.get("data-telegram-post"):
            bad.text = None
    base = url
    out: dict[str, Any] = {"html_embeds": _embeds(root, base), "html_links": _links(root, base),
                           "html_furniture": _furniture(root), "html_template": _template(root)}
    return {k: v for k, v in out.items() if v}

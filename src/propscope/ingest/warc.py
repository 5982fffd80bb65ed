"""WARC web archives: every ``response`` record holding HTML becomes a document.

The HTML goes through :func:`.html.html_to_documents`; the record's
``WARC-Target-URI`` is the fallback URL and its ``WARC-Date`` the fallback
publication date (the fetch time, when the page states none). Other records
(requests, metadata, images, ...) are skipped silently: they are not bad input.
Record numbers count every WARC record, 1-based. Compression (``.warc.gz``) is
removed before this reader sees the stream.

A redirect (a 3xx ``response`` with a ``Location``) from a link shortener's address is
an expansion of that short link found in the data: it is kept in the
``meta["url_expansions"]`` (``{short: landing page}``, chains such as ``t.co`` ->
``bit.ly`` -> page followed) of the page it leads to, when that page is an HTML
response later in the same archive, as crawlers write them. A redirect whose page
comes earlier or is not in the archive is not kept (there is no document to hold it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import urljoin

from ..analyze.web_data import LINK_SHORTENERS
from ..document import Document, Rejected
from .dates import parse_date
from .html import html_to_documents
from .records import ReadOptions

_HTML_TYPES = ("text/html", "application/xhtml")
_SILENT = logging.NullHandler()  # added once: a logger's handlers are a list, not a set


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    limit = options.max_record_bytes
    number = 0
    redirects: dict[str, str] = {}  # landing address -> the short link that led there
    from warcio.archiveiterator import ArchiveIterator  # only WARC input pays its import

    # warcio logs a repaired target URI (spaces) as a warning; with no logging set up,
    # Python's last-resort handler printed it on stderr through --quiet. An application
    # that configures logging still receives it (the record is read as repaired).
    logging.getLogger("warcio").addHandler(_SILENT)

    class _QuietIterator(ArchiveIterator):
        # warcio writes this warning to stderr itself (naming no file, through --quiet);
        # it still counts it in ``err_count``, which becomes a quarantine note here.
        INC_RECORD = ""

    archive = _QuietIterator(stream, arc2warc=True)
    records = iter(archive)
    record: Any = None
    misframed = 0  # records warcio found not followed by their blank lines
    first_misframed = 0
    while True:
        seen = archive.err_count
        failed: Exception | None = None
        try:
            record = next(records)
        except StopIteration:
            failed = StopIteration()
        except Exception as exc:  # noqa: BLE001 - warcio raises several kinds on damage
            failed = exc
        if archive.err_count > seen:
            first_misframed = first_misframed or number
            misframed += archive.err_count - seen
        if failed is not None:
            yield from _misframed(misframed, first_misframed, name)
            if isinstance(failed, StopIteration):
                yield from _cut_short(record, name, number)
            else:
                yield Rejected(name, str(number + 1), "unreadable WARC record, rest of the "
                               f"archive skipped: {type(failed).__name__}: {failed}")
            return
        number += 1
        if record.rec_type != "response" or record.http_headers is None:
            continue
        _note_redirect(record, redirects)
        ctype = (record.http_headers.get_header("Content-Type") or "").lower()
        if not ctype.startswith(_HTML_TYPES):
            continue
        recno = str(number)
        body = record.content_stream().read(limit + 1)
        if len(body) > limit:
            yield Rejected(name, recno, f"WARC response larger than max_record_bytes ({limit}); "
                                        "skipped")
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        try:
            fetched = parse_date(record.rec_headers.get_header("WARC-Date"))
        except ValueError:
            fetched = None
        expansions = _expansions_to(url, redirects) if redirects and url else None
        for item in html_to_documents(body, name, recno, url=url, fetched=fetched):
            if expansions and isinstance(item, Document):
                item.meta["url_expansions"] = expansions
                expansions = None  # one page, one document holds them
            yield item


def _misframed(count: int, after: int, name: str) -> Iterator[Rejected]:
    """One note for the records that warcio found not followed by the blank lines that end a
    WARC record. Why: warcio wrote its own warning to stderr (through ``--quiet`` and
    ``--json``, naming no file); a wrong Content-Length there may have cut or merged a
    record, which the analyst should see in the quarantine list with the rest."""
    if count:
        yield Rejected(name, str(after), f"{count:,} WARC record(s), the first after record "
                                         f"{after}, not followed by the blank lines that end a "
                                         "record (a wrong Content-Length?); read on from the "
                                         "next record header")


def _cut_short(last: Any, name: str, number: int) -> Iterator[Rejected]:
    """A note when the archive ended inside its last record. Why: a record whose
    Content-Length runs past the end swallowed every record after it, silently (the
    iterator reads the declared length; what it could not read is left in its limit)."""
    left = getattr(getattr(last, "raw_stream", None), "limit", 0)
    if isinstance(left, int) and left > 0:
        yield Rejected(name, str(number), f"WARC record {number} declares {left:,} more bytes "
                                          "than the archive holds (cut short, or a wrong "
                                          "Content-Length); any records inside it were not read")


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].lower().removeprefix("www.")


def _note_redirect(record: Any, redirects: dict[str, str]) -> None:
    """Remember a shortener's redirect: ``redirects[location] = short link``."""
    status = record.http_headers.get_statuscode() or ""
    if not (status.startswith("3") and len(status) == 3):
        return
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    location = record.http_headers.get_header("Location")
    if not location or _host(target) not in LINK_SHORTENERS:
        return
    try:
        landing = urljoin(target, location.strip())
    except ValueError:
        return
    if landing != target and len(redirects) < MAX_REDIRECTS:
        redirects[landing] = target


#: Redirects remembered per archive at most (a crawl of shorteners holds few; a crafted
#: archive could hold millions).
MAX_REDIRECTS = 100_000


def _expansions_to(url: str, redirects: dict[str, str]) -> dict[str, str]:
    """``{short: url}`` for every short link whose redirects (chained) lead to ``url``."""
    out: dict[str, str] = {}
    at = url
    while at in redirects and len(out) < 16:
        short = redirects.pop(at)
        if short in out:
            break
        out[short] = url
        at = short
    return out

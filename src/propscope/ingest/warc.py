"""WARC web archives: every ``response`` record holding HTML becomes a document.

The HTML goes through :func:`.html.html_to_documents`; the record's
``WARC-Target-URI`` is the fallback URL and its ``WARC-Date`` the fallback
publication date (the fetch time, when the page states none). Other records
(requests, metadata, images, ...) are skipped silently: they are not bad input.
Record numbers count every WARC record, 1-based. Compression (``.warc.gz``) is
removed before this reader sees the stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from ..document import Document, Rejected
from .dates import parse_date
from .html import html_to_documents
from .records import ReadOptions

_HTML_TYPES = ("text/html", "application/xhtml")


def iter_documents(stream: BinaryIO, name: str, options: ReadOptions
                   ) -> Iterator[Document | Rejected]:
    limit = options.max_record_bytes
    number = 0
    records = iter(ArchiveIterator(stream, arc2warc=True))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - warcio raises several kinds on damage
            yield Rejected(name, str(number + 1), f"unreadable WARC record, rest of the archive "
                                                  f"skipped: {type(exc).__name__}: {exc}")
            return
        number += 1
        if record.rec_type != "response" or record.http_headers is None:
            continue
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
        yield from html_to_documents(body, name, recno, url=url, fetched=fetched)

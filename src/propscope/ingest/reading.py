"""Read one input unit into Documents and Rejected rows, whatever is wrong with it.

This is the single place that catches a reader's failure: readers stay simple
generators, and an unexpected error (a damaged zip member, a library bug on a
strange file) becomes one quarantine row while every record yielded before it
is kept. Decompression damage is reported here too, after the good records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from ..document import Document, Rejected
from . import delimited, jsonl
from .jsonl import LineChunk
from .records import ReadOptions
from .registry import choose_reader
from .sources import InputFile
from .streams import (
    DecompressingReader,
    ExpansionBudget,
    buffered,
    cr_line_ends,
    split_suffixes,
    utf16_as_utf8,
    utf16_bom,
)

SNIFF_BYTES = 8192
#: Readers that split the bytes into lines (whole-page readers decode UTF-16 themselves).
LINE_READERS = (jsonl.iter_documents, delimited.iter_csv, delimited.iter_tsv)


def _cr_line_ends(head: bytes, quoted: bool = False) -> bool:
    """Whether lines end with CR alone: lone CRs, and at least twice as many as LFs. With
    ``quoted`` (CSV, TSV) only the breaks outside quoted cells count: an Excel "CSV
    (Macintosh)" file writes a line break inside a cell as LF, and a file whose cells hold
    more of those than it has rows was read as one malformed record."""
    if utf16_bom(head):
        return False
    if quoted:
        head = _outside_quotes(head)
    lone = head.count(b"\r") - head.count(b"\r\n")
    return lone > 0 and lone >= 2 * head.count(b"\n")


def _outside_quotes(head: bytes) -> bytes:
    """The bytes of ``head`` outside double-quoted cells (a doubled quote inside a cell
    toggles twice, so it stays inside)."""
    parts = head.split(b'"')
    return b"".join(parts[0::2])


def read_unit(unit: InputFile, options: ReadOptions,
              on_open: Callable[[BinaryIO], None] | None = None,
              chunks: tuple[int, int] | None = None
              ) -> Iterator[Document | Rejected | LineChunk]:
    """All records of ``unit``; ``on_open`` receives the raw stream (for progress).

    With ``chunks=(max_lines, max_bytes)``, JSON Lines input comes as unparsed
    :class:`LineChunk` items instead of Documents (for parsing on an engine's workers);
    every other format is read as usual.
    """
    suffix, compression = split_suffixes(unit.name)
    try:
        raw = unit.open()
    except Exception as exc:  # noqa: BLE001 - unreadable member, permissions, ...
        yield Rejected(unit.name, "", f"cannot open: {type(exc).__name__}: {exc}")
        return
    if on_open is not None:
        on_open(raw)
    budget = unit.budget or ExpansionBudget.for_input(unit.size, options)
    try:
        yield from _read(raw, unit.name, suffix, compression, options, chunks, budget)
    finally:
        raw.close()


def _read(raw: BinaryIO, name: str, suffix: str, compression: str | None,
          options: ReadOptions, chunks: tuple[int, int] | None,
          budget: ExpansionBudget | None = None) -> Iterator[Document | Rejected | LineChunk]:
    decoder = None
    last = "0"
    try:
        stream = buffered(raw)
        if compression:
            decoder = DecompressingReader(stream, compression, budget)
            stream = buffered(decoder)  # type: ignore[arg-type]
        head = stream.peek(SNIFF_BYTES)
        if not head:
            if decoder is None or not decoder.error:
                yield Rejected(name, "", "empty file")
        else:
            reader, why = choose_reader(suffix, head)
            if reader in LINE_READERS:  # whole-page readers decode and split text themselves
                if utf16_bom(head):
                    stream = utf16_as_utf8(stream)  # a Windows "Unicode" export
                    head = stream.peek(SNIFF_BYTES)
                if _cr_line_ends(head, quoted=reader is not jsonl.iter_documents):
                    stream = cr_line_ends(stream)  # classic Mac line ends, on UTF-8 bytes
            if reader is None:
                yield Rejected(name, "", why or "unreadable")
            else:
                if (chunks is not None and reader is jsonl.iter_documents
                        and not jsonl.is_array(stream, name)):
                    items = jsonl.iter_line_chunks(stream, name, options, *chunks)
                else:
                    items = reader(stream, name, options)  # type: ignore[assignment]  # a subset
                for item in items:
                    if isinstance(item, LineChunk):  # its last line that yields a record
                        last = next((str(n) for n, line in reversed(item.lines)
                                     if not line.isspace()), last)
                    else:
                        last = item.record or last
                    yield item
    except Exception as exc:  # noqa: BLE001 - see module docstring
        yield Rejected(name, "", f"reading stopped after record {last}, rest of the file "
                                 f"skipped: {type(exc).__name__}: {exc}")
    # Why the bytes ended early: damage or a cap in this file's decompression, else the
    # cap met while reading the archive member itself (``CappedReader``) or in the
    # archive's own decompression (a ``.tar.gz`` whose member was being read).
    stopped = (decoder.error if decoder is not None and decoder.error else None) or getattr(
        raw, "error", None) or (budget.exceeded if budget is not None else None)
    if stopped:
        kept = f"records up to {last} were kept" if last != "0" else "nothing could be read"
        yield Rejected(name, "", f"{stopped}; {kept}")

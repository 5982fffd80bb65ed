"""Reading and writing the SemEval submission formats.

Span lines: ``ID<TAB>TECHNIQUE<TAB>START<TAB>END`` (END exclusive, character offsets
into the article as read in Python with ``\\n`` kept). Paragraph lines:
``ID<TAB>LINE<TAB>T1,T2,...`` (LINE 1-based over every line of the file). A file
path may also be a directory, whose ``*.labels`` / ``*.txt`` files are read in
name order, so the official per-article label folders can be scored directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True, order=True)
class Span:
    doc_id: str
    start: int
    end: int
    technique: str = ""


ParagraphLabels = dict[tuple[str, int], frozenset[str]]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def read_spans(path: str | Path) -> list[Span]:
    """Read span lines from a file or a folder of per-article label files."""
    spans: list[Span] = []
    for file in _files(Path(path)):
        for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            try:
                doc_id, technique, start, end = parts[0], parts[1], int(parts[2]), int(parts[3])
            except (IndexError, ValueError) as exc:
                raise InputError(f"{file}:{lineno}: expected 'ID<TAB>TECHNIQUE<TAB>START<TAB>END', got {line!r}",
                                 hint="offsets are integers, END exclusive") from exc
            if end < start:
                raise InputError(f"{file}:{lineno}: END {end} is before START {start}")
            spans.append(Span(doc_id, start, end, technique))
    return spans


def write_spans(spans: Iterable[Span], path: str | Path) -> int:
    """Write spans in the SemEval format; returns the number of lines."""
    rows = sorted(spans)
    Path(path).write_text("".join(f"{s.doc_id}\t{s.technique}\t{s.start}\t{s.end}\n" for s in rows),
                          encoding="utf-8")
    return len(rows)


def read_paragraphs(path: str | Path) -> ParagraphLabels:
    """Read ``ID LINE T1,T2`` lines (an empty label column means no technique)."""
    out: ParagraphLabels = {}
    for file in _files(Path(path)):
        for lineno, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            try:
                key = (parts[0], int(parts[1]))
            except (IndexError, ValueError) as exc:
                raise InputError(f"{file}:{lineno}: expected 'ID<TAB>LINE<TAB>T1,T2,...', got {line!r}") from exc
            labels = parts[2].strip() if len(parts) > 2 else ""
            out[key] = frozenset(x for x in labels.split(",") if x)
    return out


def write_paragraphs(labels: ParagraphLabels, path: str | Path) -> int:
    keys = sorted(labels, key=lambda k: (k[0], k[1]))
    Path(path).write_text("".join(f"{d}\t{n}\t{','.join(sorted(labels[(d, n)]))}\n" for d, n in keys),
                          encoding="utf-8")
    return len(keys)


def paragraph_lines(text: str) -> list[tuple[int, int, int]]:
    """``(line_no, start, end)`` of every non-empty line (1-based, all lines counted)."""
    out, pos = [], 0
    for no, line in enumerate(text.split("\n"), 1):
        if line.strip():
            out.append((no, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def spans_to_paragraphs(texts: dict[str, str], spans: Iterable[Span]) -> ParagraphLabels:
    """Paragraph labels implied by spans: a line carries a technique if a span overlaps it."""
    by_doc: dict[str, list[Span]] = {}
    for s in spans:
        by_doc.setdefault(s.doc_id, []).append(s)
    out: ParagraphLabels = {}
    for doc_id, text in texts.items():
        for no, a, b in paragraph_lines(text):
            out[(doc_id, no)] = frozenset(s.technique for s in by_doc.get(doc_id, ())
                                          if s.start < b and s.end > a)
    return out

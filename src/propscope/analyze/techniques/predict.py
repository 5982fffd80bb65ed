"""``predict-spans``: the SemEval submission formats from article files.

Library function behind the CLI command of the same name: reads ``article<ID>.txt``
files (or folders of them), runs the shipped model and writes spans, labels for
given spans (TC), or paragraph labels (SemEval-2023 subtask 3).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ...errors import InputError
from ...evaluate.formats import Span, read_spans, write_paragraphs, write_spans
from .. import paragraph_ensemble
from .model import load_model

FORMATS = ("spans", "semeval2023-paragraphs")
BATCH = 1  # articles scored per call: progress moves after each (windows run one by one anyway)


def read_article(path: Path) -> str:
    """An article as the SemEval offsets expect it: ``open(path).read()``, UTF-8."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def article_files(paths: Iterable[str | Path]) -> dict[str, Path]:
    """``ID -> file`` for every ``article<ID>.txt`` given directly or inside a folder."""
    found: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(path.glob("*.txt"))
            if not files:
                raise InputError(f"{path}: folder has no .txt article files")
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"{path}: no such file or directory")
        for f in files:
            doc_id = f.stem.removeprefix("article")
            if doc_id in found and found[doc_id] != f:
                raise InputError(f"{f}: article ID {doc_id} also given as {found[doc_id]}")
            found[doc_id] = f
    return found


def predict_spans(paths: Iterable[str | Path], *, taxonomy: str = "semeval2023", out: str | Path,
                  given_spans: str | Path | None = None, fmt: str = "spans",
                  progress: Callable[[int], None] | None = None) -> dict:
    """Write predictions for the articles under ``paths`` to ``out``; return a summary."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"one of {', '.join(FORMATS)}")
    if given_spans is not None and fmt != "spans":
        raise InputError("--given-spans labels spans; it only works with --format spans")
    files = article_files(paths)
    given: dict[str, list[Span]] = {}
    if given_spans is not None:
        for s in read_spans(given_spans):
            if s.doc_id not in files:
                raise InputError(f"{given_spans}: span for article {s.doc_id}, which is not among the inputs")
            given.setdefault(s.doc_id, []).append(s)
    model = load_model(taxonomy)
    # Technique spans, TC and paragraphs never read the SI-only members' votes.
    t0 = time.perf_counter()
    ids = sorted(files)
    spans: list[Span] = []
    paragraphs: dict = {}
    tokens = 0
    for i in range(0, len(ids), BATCH):
        batch = ids[i : i + BATCH]
        texts = []
        for doc_id in batch:
            try:
                texts.append(read_article(files[doc_id]))
            except UnicodeDecodeError as exc:
                raise InputError(f"{files[doc_id]}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        for doc_id, doc in zip(batch, model.score(texts, si=False), strict=True):
            tokens += len(doc.enc.ids)
            if fmt == "semeval2023-paragraphs" and taxonomy == "semeval2023":
                # the English model with the e5 English heads: +1.4 to +3.0 F1 (analyze/paragraph_ensemble.py)
                paragraphs.update(paragraph_ensemble.paragraph_labels(doc_id, doc.text, doc.enc.offsets,
                                                                      doc.probs, model.labels))
            elif fmt == "semeval2023-paragraphs":
                paragraphs.update(model.paragraphs(doc_id, doc))
            elif given_spans is not None:
                for s in given.get(doc_id, []):
                    if s.end > len(doc.text):
                        raise InputError(f"{given_spans}: span {s.start}-{s.end} is past the end of {files[doc_id]}")
                    spans.append(Span(doc_id, s.start, s.end, model.classify(doc, s.start, s.end)[0]))
            else:
                spans += [s for s, _ in model.spans(doc_id, doc)]
            if progress:
                progress(1)  # per article (scoring is per batch; decoding per article)
    paragraph_model = ({"paragraph_model": paragraph_ensemble.ensemble().name}
                       if fmt == "semeval2023-paragraphs" and taxonomy == "semeval2023" else {})
    lines = write_paragraphs(paragraphs, out) if fmt == "semeval2023-paragraphs" else write_spans(spans, out)
    seconds = time.perf_counter() - t0
    return {"articles": len(ids), "lines": lines, "out": str(out), "taxonomy": taxonomy, "format": fmt,
            "model": model.name, **paragraph_model, "mode": "tc" if given_spans is not None else "find",
            "tokens": tokens, "seconds": round(seconds, 2)}

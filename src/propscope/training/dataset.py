"""The labelled corpora in ``../shared/data`` and the one train/validation split.

Both taxonomies annotate the same English articles under the same IDs, so the
split is a fixed function of the article ID alone (a SHA-1 bucket): the same
article is in validation for both, and no validation article can leak into the
training of either model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..analyze.techniques.predict import read_article as _read_article
from ..evaluate.formats import ParagraphLabels, Span, read_paragraphs, read_spans

VALIDATION_PERCENT = 18


def is_validation(article_id: str) -> bool:
    """True for the ~18% of article IDs held out for validation (stable, seed-free)."""
    bucket = int(hashlib.sha1(f"propscope-split:{article_id}".encode()).hexdigest()[:8], 16) % 100
    return bucket < VALIDATION_PERCENT


@dataclass
class Article:
    doc_id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    genre: str | None = None
    framing: frozenset[str] | None = None


@dataclass
class LabelledSet:
    taxonomy: str
    articles: list[Article]
    paragraphs: ParagraphLabels = field(default_factory=dict)

    def split(self) -> tuple[list[Article], list[Article]]:
        train = [a for a in self.articles if not is_validation(a.doc_id)]
        val = [a for a in self.articles if is_validation(a.doc_id)]
        return train, val


def _article_id(path: Path) -> str:
    return path.stem.removeprefix("article")


def read_article(path: Path) -> str:
    """An article as the SemEval offsets expect it: ``open(path).read()``, UTF-8."""
    return _read_article(path)


def read_articles(folder: Path) -> dict[str, str]:
    return {_article_id(p): read_article(p) for p in sorted(folder.glob("article*.txt"))}


def load(data_dir: str | Path, taxonomy: str) -> LabelledSet:
    """Load PTC (``semeval2020``) or SemEval-2023 English (``semeval2023``) from ``data_dir``."""
    root = Path(data_dir)
    if taxonomy == "semeval2020":
        base = root / "ptc2020"
        texts = read_articles(base / "articles")
        spans = read_spans(base / "labels")
        paragraphs: ParagraphLabels = {}
    elif taxonomy == "semeval2023":
        base = root / "semeval2023" / "en"
        texts = read_articles(base / "articles")
        spans = read_spans(base / "spans")
        paragraphs = read_paragraphs(base / "train-labels-subtask-3.txt")
    else:
        raise ValueError(f"unknown taxonomy {taxonomy!r}")
    by_doc: dict[str, list[Span]] = {}
    for s in spans:
        by_doc.setdefault(s.doc_id, []).append(s)
    articles = [Article(doc_id, text, sorted(by_doc.get(doc_id, []))) for doc_id, text in texts.items()]
    if taxonomy == "semeval2023":
        genres = _read_doc_labels(base / "train-labels-subtask-1.txt")
        frames = _read_doc_labels(base / "train-labels-subtask-2.txt")
        for a in articles:
            a.genre = next(iter(genres[a.doc_id])) if a.doc_id in genres else None
            a.framing = frames.get(a.doc_id)
    return LabelledSet(taxonomy, articles, paragraphs)


def _read_doc_labels(path: Path) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            out[parts[0]] = frozenset(x for x in parts[1].split(",") if x)
    return out

"""The ``techniques`` analyzer: technique spans and document labels per document.

Registered on import. The functions below are module-level, so the analyzer
pickles as a reference and each worker process loads the ONNX model lazily, once
(:func:`propscope.analyze.techniques.model.load_model`).
"""

from __future__ import annotations

import pyarrow as pa

from ...document import Document
from .. import language, multilingual
from ..registry import Analyzer, AnalyzerResult, register
from . import taxonomy
from .model import load_model

TAXONOMY = "semeval2023"
VERSION = "1.2"  # 1.1: gated by language; 1.2: fr/de/it/pl/ru (+ zero-shot) paragraph labels

SPANS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("technique", pa.string()),
    ("family", pa.string()),
    ("start", pa.int32()),
    ("end", pa.int32()),
    ("confidence", pa.float32()),
    ("model", pa.string()),
    ("snippet", pa.string()),
    ("explanation", pa.string()),
])

LABELS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("task", pa.string()),
    ("label", pa.string()),
    ("score", pa.float32()),
    ("model", pa.string()),
])


def _plan(doc: Document) -> language.LanguageResult | None:
    """The document's language when the model may read it, else None.

    The model is trained on English news only: a document in another language,
    or whose language cannot be identified, is not run through it (its
    ``coverage`` rows, written by the ``language`` stage from the same
    :func:`~propscope.analyze.language.decide`, say why).
    """
    if not doc.text.strip():
        return None
    res = language.identify_document(doc)
    status, _ = language.decide(res, "techniques")
    return None if status == language.NOT_ANALYSED else res


def analyze_batch(docs: list[Document]) -> list[AnalyzerResult]:
    """Technique spans and genre/framing labels for each document the model can read."""
    plans = {d.doc_id: _plan(d) for d in docs}
    todo = [d for d in docs if plans[d.doc_id] is not None]
    # another language: paragraph labels from the multilingual heads (analyze/multilingual.py)
    paragraph = {d.doc_id for d in todo if language.paragraph_level(plans[d.doc_id])}
    para_results = multilingual.analyze_batch([d for d in todo if d.doc_id in paragraph],
                                              [plans[d.doc_id] for d in todo if d.doc_id in paragraph])
    todo = [d for d in todo if d.doc_id not in paragraph]
    model = load_model(TAXONOMY)
    scored = dict(zip((d.doc_id for d in todo), model.score([d.text for d in todo]), strict=True))
    families = {t.label: t.family for t in taxonomy.techniques_2023()}
    supported = language.SUPPORTED["techniques"]
    results = []
    for doc in docs:
        scores = scored.get(doc.doc_id)
        plan = plans[doc.doc_id]
        if doc.doc_id in para_results:
            results.append(para_results[doc.doc_id])
            continue
        if scores is None or plan is None:
            results.append({"spans": [], "doc_labels": []})
            continue
        spans = []
        for span, conf in model.spans(doc.doc_id, scores):
            if language.outside(plan, supported, span.start, span.end):
                continue  # a paragraph of a mixed document in a language the model cannot read
            snippet = doc.text[span.start : span.end]
            spans.append({"doc_id": doc.doc_id, "technique": span.technique,
                          "family": families.get(span.technique, ""), "start": span.start,
                          "end": span.end, "confidence": round(conf, 4), "model": model.name,
                          "snippet": snippet, "explanation": taxonomy.explain(span.technique, snippet)})
        spans.sort(key=lambda r: (r["start"], r["end"], r["technique"]))
        labels = [{"doc_id": doc.doc_id, "task": task, "label": label, "score": round(score, 4),
                   "model": model.name} for task, label, score in model.doc_labels(scores)]
        results.append({"spans": spans, "doc_labels": labels})
    return results


def analyze(doc: Document) -> AnalyzerResult:
    return analyze_batch([doc])[0]


ANALYZER = register(Analyzer(
    name="techniques",
    version=VERSION,
    tables={"spans": SPANS_SCHEMA, "doc_labels": LABELS_SCHEMA},
    fn=analyze,
    batch_fn=analyze_batch,
    description="Persuasion-technique spans (SemEval-2023, 23 techniques) and genre/framing labels, int8 ONNX on CPU.",
))

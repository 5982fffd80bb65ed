"""The ``techniques`` analyzer: technique spans and document labels per document.

Registered on import. The functions below are module-level, so the analyzer
pickles as a reference and each worker process loads the ONNX model lazily, once
(:func:`propscope.analyze.techniques.model.load_model`).

The ``taxonomy`` setting picks the label inventory (``semeval2023``, the default,
or ``semeval2020``): :func:`configure` returns the analyzer bound to it (a
``functools.partial`` of the module-level functions, so it still pickles), whose
version names the taxonomy so that switching recomputes the spans. The
``techniques`` setting (``all | sample | off``) chooses which documents are read
(:mod:`.sample`) before the stage counts its pending documents.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import pyarrow as pa

from ...document import Document
from .. import language, language_stored, multilingual
from ..registry import Analyzer, AnalyzerResult, register
from . import reuse, sample, taxonomy
from .model import load_model

TAXONOMY = "semeval2023"  # the default; the ``taxonomy`` setting overrides it (configure)
# 1.1: gated by language; 1.2: genre abstains below its calibrated confidence;
# 1.3: fr/de/it/pl/ru (+ zero-shot, experimental) paragraph labels from the multilingual heads
# 1.4: spans.confidence_calibrated (calibration.json); under semeval2020 a document the
#      English-only model cannot read gets a technique_skips row (coverage: not analysed)
# 1.5: their genre/framing from the multilingual article heads (analyze/multilingual_doc.py)
VERSION = "1.5"
# The fast mode's own version (``techniques_mode`` fast; the accurate mode keeps VERSION):
# 1.5: stride 254, semeval2020 through shared heads over the semeval2023 pass. A candidate
# 1.6 (the encoder cut after 5 layers, config variant ``fast_L5``) was not adopted: about
# as fast on a quieter machine and semeval2020 SI -3.3 (docs/benchmarks.md, "Fast mode 1.6").
FAST_VERSION = "1.5"
# Documents written together (one DuckDB transaction), not after a whole ``batch_size``
# read of 512 documents (about 2 minutes of model time on 2 cores).
BATCH_DOCS = 8
# Documents per worker call: the bar advances after each document (issue 17). Scores
# do not depend on which documents share a call (one encoder window per ONNX run).
CALL_DOCS = 1

SPANS_SCHEMA = pa.schema([
    ("doc_id", pa.string()),
    ("technique", pa.string()),
    ("family", pa.string()),
    ("start", pa.int32()),
    ("end", pa.int32()),
    ("confidence", pa.float32()),  # the model's score: mean token probability of the span
    # share of spans at this confidence (same family) that were right on held-out
    # articles (calibration.json beside the model); NULL when the model ships no map
    ("confidence_calibrated", pa.float32()),
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
    """:func:`_read_plan`, once per process for a document both taxonomies read
    (``reuse.PLANS``: the key holds everything it reads)."""
    key = (doc.doc_id, doc.text, doc.lang, doc.lang_confidence, doc.lang_declared)
    return reuse.PLANS.get(key, lambda: _read_plan(doc), keep=reuse.keep(doc.text))


def _read_plan(doc: Document) -> language.LanguageResult | None:
    """The document's language when the model may read it, else None.

    The model is trained on English news only: a document in another language,
    or whose language cannot be identified, is not run through it (its
    ``coverage`` rows, written by the ``language`` stage from the same
    :func:`~propscope.analyze.language.decide`, say why).
    """
    if not doc.text.strip():
        return None
    # the language stage's stored result (identified once); identify only if it has not run
    res = language_stored.stored_result(doc) or language.identify_document(doc)
    status, _ = language.decide(res, "techniques")
    return None if status == language.NOT_ANALYSED else res


MODES = ("accurate", "fast")  # the ``techniques_mode`` setting
# What the fast mode gives up, said when a run uses it (figures: MODEL_CARD.md, "Fast mode").
FAST_NOTE = {
    "semeval2023": "the encoder's first 5 of 6 layers with new heads, stride 254: "
                   "1-2 F1 points lower (paragraphs within one)",
    "semeval2020": "heads over the semeval2023 encoder's first 5 layers, stride 254: one shared pass, "
                   "SI about 7.5 and technique spans about 6 F1 points lower",
}


def variant(mode: str) -> str | None:
    """The model variant (``variants`` in its config.json) of a ``techniques_mode``."""
    return None if mode == "accurate" else mode


def version(tax: str, mode: str = "accurate") -> str:
    """The stage version for ``tax`` and ``mode``: the default taxonomy in the accurate
    mode keeps the plain version, so corpora analysed before these settings existed are
    not recomputed, and switching either setting recomputes the spans."""
    v = VERSION if mode == "accurate" else FAST_VERSION
    base = v if tax == TAXONOMY else f"{v}/{tax}"
    return base if mode == "accurate" else f"{base}/{mode}"


def analyze_batch(docs: list[Document], tax: str = TAXONOMY, mode: str = "accurate") -> list[AnalyzerResult]:
    """Technique spans and genre/framing labels for each document the model can read."""
    plans = {d.doc_id: _plan(d) for d in docs}
    todo = [d for d in docs if plans[d.doc_id] is not None]
    # another language: paragraph labels from the multilingual heads (analyze/multilingual.py),
    # which know the SemEval-2023 labels only; under semeval2020 such documents get no labels
    paragraph = {d.doc_id for d in todo
                 if (plan := plans[d.doc_id]) is not None and language.paragraph_level(plan)}
    para_docs = [d for d in todo if d.doc_id in paragraph] if tax == TAXONOMY else []
    para_results = multilingual.analyze_batch(para_docs, [plans[d.doc_id] for d in para_docs])
    todo = [d for d in todo if d.doc_id not in paragraph]
    model = load_model(tax, variant(mode))
    # si=False: the SI-only members vote only on technique-agnostic SI spans, which
    # the analyzer does not write (a third encoder pass saved for semeval2020).
    scored = dict(zip((d.doc_id for d in todo), model.score([d.text for d in todo], si=False),
                      strict=True))
    families = model.families
    supported = language.SUPPORTED["techniques"]
    results: list[AnalyzerResult] = []
    for doc in docs:
        scores = scored.get(doc.doc_id)
        plan = plans[doc.doc_id]
        if doc.doc_id in para_results:
            results.append(para_results[doc.doc_id])
            continue
        if doc.doc_id in paragraph and plan is not None and tax != TAXONOMY:
            # Read by nothing: the multilingual heads know only the SemEval-2023 labels.
            # The language stage's coverage row says "analysed"; this row makes it
            # "not analysed" with the reason (analyze/language_coverage.summary).
            results.append({"spans": [], "doc_labels": [], "technique_skips": [
                {"doc_id": doc.doc_id, "reason": unsupported_reason(plan.lang, tax)}]})
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
                          "end": span.end, "confidence": round(conf, 4),
                          "confidence_calibrated": _round(model.calibrated(span.technique, conf)),
                          "model": model.name,
                          "snippet": snippet, "explanation": taxonomy.explain(span.technique, snippet)})
        spans.sort(key=lambda r: (r["start"], r["end"], r["technique"]))
        labels = [{"doc_id": doc.doc_id, "task": task, "label": label, "score": round(score, 4),
                   "model": model.name} for task, label, score in model.doc_labels(scores)]
        results.append({"spans": spans, "doc_labels": labels})
    return results


def unsupported_reason(lang: str, tax: str) -> str:
    """Why a document in ``lang`` is not read under taxonomy ``tax`` (a coverage reason)."""
    return f"language {lang} not supported by the {tax} model (English only)"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def analyze(doc: Document, tax: str = TAXONOMY, mode: str = "accurate") -> AnalyzerResult:
    return analyze_batch([doc], tax, mode)[0]


def configure(settings: Any) -> Analyzer:
    """The analyzer bound to ``settings.taxonomy`` and ``settings.techniques_mode``
    (validated here, a coded error if unknown)."""
    from ...errors import InputError

    tax = getattr(settings, "taxonomy", TAXONOMY)
    if tax not in taxonomy.TAXONOMIES:
        raise InputError(f"unknown taxonomy {tax!r}", hint=f"one of {', '.join(taxonomy.TAXONOMIES)}")
    mode = getattr(settings, "techniques_mode", "accurate")
    if mode not in MODES:
        raise InputError(f"unknown techniques_mode {mode!r}", hint=f"one of {', '.join(MODES)}")
    return dataclasses.replace(
        ANALYZER, version=version(tax, mode), fn=functools.partial(analyze, tax=tax, mode=mode),
        batch_fn=functools.partial(analyze_batch, tax=tax, mode=mode),
        prepare=functools.partial(prepare, tax=tax, mode=mode),
        description=ANALYZER.description.replace("SemEval-2023, 23 techniques", _NAMES[tax]))


_NAMES = {"semeval2023": "SemEval-2023, 23 techniques", "semeval2020": "SemEval-2020, 14 techniques"}


# Columns added after a table was first created: a corpus analysed by an older version
# has the table without them (stage tables are created once, CREATE TABLE IF NOT EXISTS),
# and the recomputation its version bump triggers would fail to insert.
ADDED_COLUMNS = {"spans": [("confidence_calibrated", "FLOAT")]}  # analyzer 1.4


def add_columns(con: Any) -> None:
    """Add :data:`ADDED_COLUMNS` to the tables of an older corpus (NULL until re-analysed)."""
    for table, columns in ADDED_COLUMNS.items():
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = 'main'", [table]).fetchall()}
        for name, sql_type in columns:
            if have and name not in have:
                con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {sql_type}')


def prepare(corpus: Any, settings: Any, run_id: str, tax: str = TAXONOMY,
            mode: str = "accurate") -> dict[str, Any]:
    """Choose the documents to read (``techniques`` setting); see :mod:`.sample`.
    Also brings an older corpus's tables up to this version's columns."""
    add_columns(corpus.con)
    info = sample.prepare(corpus, "techniques", version(tax, mode), run_id,
                          getattr(settings, "techniques", "all"),
                          int(getattr(settings, "techniques_sample_docs", 0) or 0))
    info["taxonomy"] = tax
    info["techniques_mode"] = mode
    if mode != "accurate":
        said = f"techniques: {mode} mode ({FAST_NOTE[tax]})"
        info["line"] = f"{info['line']}; {said}" if info.get("line") else said
    return info


ANALYZER = register(Analyzer(
    name="techniques",
    version=VERSION,
    tables={"spans": SPANS_SCHEMA, "doc_labels": LABELS_SCHEMA,
            "technique_skips": sample.SKIPS_SCHEMA},  # always made: "0 left out" is a fact
    fn=analyze,
    batch_fn=analyze_batch,
    description="Persuasion-technique spans (SemEval-2023, 23 techniques) and genre/framing labels, int8 ONNX on CPU.",
    configure=configure,
    prepare=prepare,
    batch_docs=BATCH_DOCS,
    call_docs=CALL_DOCS,
))

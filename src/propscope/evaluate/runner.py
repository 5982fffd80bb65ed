"""Evaluation runs: predictions vs gold files, or the shipped model vs the validation split.

``evaluate_files`` scores any submission files (so other systems can be compared
with the same code); ``evaluate_model`` runs a shipped model over held-out
articles of ``../shared/data`` and reports every metric of issue 4 at once.
"""

from __future__ import annotations

import time
from pathlib import Path

from .formats import Span, read_paragraphs, read_spans
from .scorers import multilabel_score, paragraph_score, si_score, span_score, tc_score


def evaluate_files(gold: str | Path, pred: str | Path, fmt: str = "spans") -> dict:
    """Score a prediction file against a gold file (or folder of per-article files)."""
    if fmt == "semeval2023-paragraphs":
        # A paragraph file lists every non-empty line of each article it covers, so
        # only articles present in the predictions are scored (a subset can be checked).
        p_par = read_paragraphs(pred)
        ids = {doc_id for doc_id, _ in p_par}
        g_par = {k: v for k, v in read_paragraphs(gold).items() if k[0] in ids}
        sc = paragraph_score(p_par, g_par)
        return {"paragraph": {"micro": sc.micro.as_dict(), "macro_f1": round(sc.macro_f1, 4)},
                "articles": len(ids), "paragraphs": len(g_par)}
    g, p = read_spans(gold), read_spans(pred)
    ids = {s.doc_id for s in g}
    p = [s for s in p if s.doc_id in ids]
    return {"si": si_score(p, g).as_dict(), "tc": tc_score(p, g).as_dict(),
            "span": span_score(p, g).as_dict(), "n_gold": len(g), "n_pred": len(p)}


def evaluate_model(taxonomy: str, data_dir: str | Path, *, limit: int | None = None,
                   model=None) -> dict:
    """All validation metrics of the shipped model (or ``model``) for ``taxonomy``.

    Articles are the validation part of the fixed split (see
    ``propscope.training.dataset``), in ID order, the first ``limit``.
    """
    from ..analyze.techniques.model import load_model
    from ..training import dataset

    model = model or load_model(taxonomy)
    _, val = dataset.load(data_dir, taxonomy).split()
    data = dataset.load(data_dir, taxonomy) if taxonomy == "semeval2023" else None
    val = sorted(val, key=lambda a: a.doc_id)[:limit] if limit else sorted(val, key=lambda a: a.doc_id)
    t0, c0 = time.perf_counter(), time.process_time()
    scores = []
    for i in range(0, len(val), 4):
        scores += model.score([a.text for a in val[i : i + 4]])
    seconds = time.perf_counter() - t0
    # CPU time of this process (all its threads): on a shared machine it moves far
    # less with other people's load than wall time does.
    cpu_seconds = time.process_time() - c0
    gold = [s for a in val for s in a.spans]
    spans, si, tc, paragraphs = [], [], [], {}
    genre_pred, genre_gold, frame_pred, frame_gold = {}, {}, {}, {}
    for art, doc in zip(val, scores, strict=True):
        spans += [s for s, _ in model.spans(art.doc_id, doc)]
        si += model.si_spans(art.doc_id, doc)
        tc += [Span(s.doc_id, s.start, s.end, model.classify(doc, s.start, s.end)[0]) for s in art.spans]
        if data is not None:
            paragraphs.update(model.paragraphs(art.doc_id, doc))
            rows = model.doc_labels(doc)
            genre_pred[art.doc_id] = frozenset(lab for task, lab, _ in rows if task == "genre")
            frame_pred[art.doc_id] = frozenset(lab for task, lab, _ in rows if task == "framing")
            if art.genre:
                genre_gold[art.doc_id] = frozenset([art.genre])
            if art.framing is not None:
                frame_gold[art.doc_id] = art.framing
    out = {"taxonomy": taxonomy, "model": model.name, "articles": len(val),
           "tokens": int(sum(len(d.enc.ids) for d in scores)), "seconds": round(seconds, 2),
           "cpu_seconds": round(cpu_seconds, 2),
           "si": si_score(si, gold).as_dict(), "tc": tc_score(tc, gold).as_dict(),
           "span": span_score(spans, gold).as_dict()}
    if data is not None:
        ids = {a.doc_id for a in val}
        gold_par = {k: v for k, v in data.paragraphs.items() if k[0] in ids}
        par = paragraph_score(paragraphs, gold_par)
        out["paragraph"] = {"micro": par.micro.as_dict(), "macro_f1": round(par.macro_f1, 4)}
        g = multilabel_score(genre_pred, genre_gold, model.heads.genre_labels)
        f = multilabel_score(frame_pred, frame_gold, model.heads.framing_labels)
        out["genre"] = {"micro_f1": round(g.micro.f1, 4), "macro_f1": round(g.macro_f1, 4)}
        out["framing"] = {"micro_f1": round(f.micro.f1, 4), "macro_f1": round(f.macro_f1, 4)}
    return out

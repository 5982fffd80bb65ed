"""Scoring a trained tagger on held-out articles (span, technique, genre and framing
metrics with thresholds picked on validation) and fitting the document heads.

Moved unchanged out of :mod:`.train` (issue 19), which re-exports these names.
"""


from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..analyze.techniques import encoding, heads
from ..evaluate.formats import Span
from ..evaluate.scorers import multilabel_score, paragraph_score, si_score, span_score, tc_score
from .tagger import DocOutput

GRID = [round(0.15 + 0.05 * i, 2) for i in range(13)]  # thresholds tried on validation


def evaluate_outputs(outputs: list[DocOutput], head: heads.Heads, paragraphs: dict,
                     grid: list[float], fixed: dict[str, float] | None = None) -> dict:
    """Validation metrics, with the best threshold from ``grid`` for each decoding.

    ``fixed`` maps a decoding (``si``, ``span``, ``paragraph``) to a threshold chosen
    elsewhere: nested cross-validation scores an outer fold at the inner folds'
    thresholds, so the scored articles choose nothing.
    """
    fixed = fixed or {}
    def grid_of(key: str) -> list[float]:
        return [fixed[key]] if key in fixed else grid
    gold = [s for o in outputs for s in o.article.spans]
    res: dict = {}
    best_si = max(((si_score([s for o in outputs for s in heads.si_spans(o.article.doc_id, o.article.text, o.enc, o.probs, t)], gold), t)
                   for t in grid_of("si")), key=lambda x: x[0].f1)
    res["si"] = {**best_si[0].as_dict(), "threshold": best_si[1]}
    best_span = max(((span_score([s for o in outputs for s, _ in heads.technique_spans(o.article.doc_id, o.article.text, o.enc, o.probs, head.labels, t)], gold), t)
                     for t in grid_of("span")), key=lambda x: x[0].f1)
    res["span"] = {**best_span[0].as_dict(), "threshold": best_span[1]}
    tc_pred = []
    for o in outputs:
        for s in o.article.spans:
            ft = encoding.span_tokens(o.enc, s.start, s.end)
            label = head.classify_span(o.hidden, *ft)[0] if ft else head.labels[0]
            tc_pred.append(Span(s.doc_id, s.start, s.end, label))
    res["tc"] = tc_score(tc_pred, gold).as_dict()
    if paragraphs:
        ids = {o.article.doc_id for o in outputs}
        gold_par = {k: v for k, v in paragraphs.items() if k[0] in ids}
        best_par = None
        for t in grid_of("paragraph"):
            pred = {}
            for o in outputs:
                pred.update(heads.paragraph_labels(o.article.doc_id, o.article.text, o.enc, o.probs, head.labels, t))
            sc = paragraph_score(pred, gold_par)
            if best_par is None or sc.micro.f1 > best_par[0].micro.f1:
                best_par = (sc, t)
        assert best_par is not None  # the threshold grid is never empty
        res["paragraph"] = {"micro": best_par[0].micro.as_dict(), "macro_f1": round(best_par[0].macro_f1, 4),
                            "threshold": best_par[1]}
    return res


def selection_score(m: dict, si_weight: float = 1.0) -> float:
    """Sum of validation F1s used to pick the epoch (``si_weight`` > 1 favours SI)."""
    return (si_weight * m["si"]["f1"] + m["span"]["f1"] + m["tc"]["f1"]
            + m.get("paragraph", {}).get("micro", {}).get("f1", 0.0))


def fit_doc_heads(train_out: list[DocOutput], val_out: list[DocOutput], device: str, seed: int) -> tuple[dict, dict]:
    """Genre (softmax) and framing (sigmoid) heads on standardised mean-pooled states."""
    torch.manual_seed(seed)
    genres = sorted({o.article.genre for o in train_out if o.article.genre})
    frames = sorted({f for o in train_out for f in (o.article.framing or ())})
    def feats(outs):
        return np.stack([o.hidden.mean(axis=0) for o in outs]).astype(np.float32)
    xtr = feats(train_out)
    mean, std = xtr.mean(axis=0), xtr.std(axis=0) + 1e-4
    def prep(outs):
        return torch.from_numpy((feats(outs) - mean) / std).to(device)
    h = xtr.shape[1]
    genre = nn.Linear(h, len(genres)).to(device)
    framing = nn.Linear(h, len(frames)).to(device)
    opt = torch.optim.AdamW(list(genre.parameters()) + list(framing.parameters()), lr=3e-3, weight_decay=0.05)
    x = prep(train_out)
    g_mask = torch.tensor([o.article.genre is not None for o in train_out], device=device)
    g_y = torch.tensor([genres.index(o.article.genre) if o.article.genre else 0 for o in train_out], device=device)
    f_mask = torch.tensor([o.article.framing is not None for o in train_out], device=device)
    f_y = torch.tensor([[float(f in (o.article.framing or ())) for f in frames] for o in train_out], device=device)
    counts = torch.bincount(g_y[g_mask], minlength=len(genres)).float()
    g_weight = (counts.sum() / (len(genres) * counts.clamp(min=1))).sqrt()
    for _ in range(300):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(genre(x)[g_mask], g_y[g_mask], weight=g_weight)
        loss = loss + nn.functional.binary_cross_entropy_with_logits(framing(x)[f_mask], f_y[f_mask])
        loss.backward()
        opt.step()
    params = {"genre_w": genre.weight.detach().cpu().numpy().T.copy(), "genre_b": genre.bias.detach().cpu().numpy().copy(),
              "framing_w": framing.weight.detach().cpu().numpy().T.copy(), "framing_b": framing.bias.detach().cpu().numpy().copy(),
              "doc_mean": mean, "doc_std": std}
    head = heads.Heads(labels=[], span_w=np.zeros((3 * h, 1), np.float32), span_b=np.zeros(1, np.float32),
                       genre_labels=genres, framing_labels=frames, **params)
    metrics = evaluate_doc_heads(head, val_out, GRID)
    head_meta = {"genre_labels": genres, "framing_labels": frames, "framing_threshold": metrics["framing"]["threshold"]}
    return {**params, **head_meta}, metrics


def evaluate_doc_heads(head: heads.Heads, outs: list[DocOutput], grid: list[float]) -> dict:
    gold_g = {o.article.doc_id: frozenset([o.article.genre]) for o in outs if o.article.genre}
    gold_f = {o.article.doc_id: o.article.framing for o in outs if o.article.framing is not None}
    pred_g, scores_f = {}, {}
    for o in outs:
        f = head.doc_features(o.hidden)
        g = heads.softmax(f @ head.genre_w + head.genre_b)
        pred_g[o.article.doc_id] = frozenset([head.genre_labels[int(g.argmax())]])
        scores_f[o.article.doc_id] = heads.sigmoid(f @ head.framing_w + head.framing_b)
    genre = multilabel_score(pred_g, gold_g, head.genre_labels)
    best = None
    for t in grid:
        pred_f = {d: frozenset(head.framing_labels[k] for k in np.nonzero(s >= t)[0]) for d, s in scores_f.items()}
        sc = multilabel_score(pred_f, gold_f, head.framing_labels)
        if best is None or sc.micro.f1 > best[0].micro.f1:
            best = (sc, t)
    assert best is not None  # the threshold grid is never empty
    return {"genre": {"micro_f1": round(genre.micro.f1, 4), "macro_f1": round(genre.macro_f1, 4), "n": len(gold_g)},
            "framing": {"micro_f1": round(best[0].micro.f1, 4), "macro_f1": round(best[0].macro_f1, 4),
                        "threshold": best[1], "n": len(gold_f)}}

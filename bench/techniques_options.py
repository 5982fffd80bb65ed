"""Quality of the faster technique-model options, cross-validated (issue 17, throughput).

Each option is the shipped model with one change to its ``config.json`` (a copy in
a temporary folder; the ONNX and heads files are linked, never changed): a longer
window stride at inference (fewer encoder windows per document) and, for
semeval2020, fewer ensemble members. Each is scored with exactly
``propscope eval --cv K`` (:func:`propscope.evaluate.cv.nested_cv`: thresholds
chosen on the other folds, each outer fold only scored), and the encoder windows
and CPU seconds of its scoring are counted, so speed and quality of an option come
from the same run.

    nice -n 5 python bench/techniques_options.py --taxonomy semeval2023 --stride 128 192 254
    nice -n 5 python bench/techniques_options.py --taxonomy semeval2020 --stride 128 254 --members 0,1 0 1

``--candidate DIR`` (repeatable) adds a model folder (e.g. a newly trained one,
``propscope train --models-dir``) beside the shipped model in the same run, scored the
same way: the comparison issue 17 asks for before a new model is committed.

Prints one JSON object per option (outer-fold mean and sd per metric) and a table.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def variant(src: Path, where: Path, stride: int, members: list[int] | None,
            named: str | None = None, tail: str = "anchored") -> Path:
    """A copy of model folder ``src`` under ``where`` with the option applied to its config
    (``named``: first one of the config's ``variants``, e.g. ``shared``)."""
    out = where / src.name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for f in src.iterdir():
        if f.name != "config.json":
            (out / f.name).symlink_to(f.resolve())
    cfg = json.loads((src / "config.json").read_text(encoding="utf-8"))
    if named is not None:
        cfg.update(cfg["variants"][named])
    cfg.pop("variants", None)
    cfg["inference_stride"] = stride
    if tail == "grid":
        cfg["inference_anchor_end"] = False
    if members is not None and cfg.get("members"):
        cfg["members"] = [cfg["members"][i] for i in members]
        old_tc = cfg.get("tc_members") or list(range(len(members)))
        tc = [members.index(i) for i in old_tc if i in members]
        cfg["tc_members"] = tc or [0]
    (out / "config.json").write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    return out


def main() -> None:
    from propscope.analyze.techniques import encoding
    from propscope.analyze.techniques import model as model_mod
    from propscope.evaluate.cv import nested_cv

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--taxonomy", default="semeval2023")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--stride", type=int, nargs="+", default=[128])
    ap.add_argument("--members", nargs="*", default=None,
                    help="comma-separated member indices to keep (semeval2020), one option each")
    ap.add_argument("--variant", nargs="*", default=[None],
                    help="config variants to score (e.g. '' for the default and 'shared'), one option each")
    ap.add_argument("--tail", nargs="+", default=["anchored"], choices=["anchored", "grid"],
                    help="last window: anchored at the document's end (as trained) or on the stride grid "
                         "(shorter; fewer tokens read), one option each")
    ap.add_argument("--candidate", type=Path, action="append", default=[],
                    help="another model folder to score beside the shipped one")
    args = ap.parse_args()
    member_sets: list[list[int] | None] = ([None] if not args.members else
                                           [[int(x) for x in m.split(",")] for m in args.members])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        named = [v or None for v in args.variant]
        options = [(model_mod.model_dir(args.taxonomy), stride, members, v, tail)
                   for v in named for members in member_sets for stride in args.stride for tail in args.tail]
        options += [(c.resolve(), None, None, None, "anchored") for c in args.candidate]
        for n, (folder, stride, members, name, tail) in enumerate(options):
            path = (folder if stride is None else
                    variant(folder, Path(tmp) / str(n), stride, members, name, tail))
            m = model_mod.TechniqueModel(path)
            windows = 0
            real_score = m.score

            def counting(texts, si=True, _score=real_score, _m=m):
                nonlocal windows
                windows += sum(len(encoding.encode(_m.tokenizer, t, _m.stride, _m.anchor_end).windows)
                               for t in texts)
                return _score(texts, si=si)

            m.score = counting  # type: ignore[method-assign]
            c0, t0 = time.process_time(), time.perf_counter()
            res = nested_cv(args.taxonomy, args.data, args.folds, model=m)
            res.update(option={"stride": m.stride, "members": members, "variant": name, "tail": tail,
                               "folder": str(folder) if stride is None else "shipped"},
                       windows=windows,
                       cpu_s=round(time.process_time() - c0, 1),
                       wall_s=round(time.perf_counter() - t0, 1))
            print(json.dumps(res), flush=True)
            rows.append(res)
    metrics = [k for k in ("si", "span", "tc", "paragraph") if k in rows[0]]
    print("| model | variant | stride | tail | members | windows | CPU s (score + CV) | " + " | ".join(metrics) + " |")
    for r in rows:
        o = r["option"]
        print(f"| {r['model']} ({o['folder']}) | {o.get('variant') or '-'} | {o['stride']} | {o['tail']} "
              f"| {o['members'] or 'all'} "
              f"| {r['windows']} | {r['cpu_s']} | "
              + " | ".join(f"{r[k]['mean']:.3f} ± {r[k]['sd']:.3f}" for k in metrics) + " |")


if __name__ == "__main__":
    main()

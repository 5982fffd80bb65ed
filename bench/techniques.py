"""Technique model benchmark: shipped int8 ONNX vs the same model in PyTorch fp32 eager.

Both engines score the same validation articles (the fixed split of
``propscope.training.dataset``) with the same tokenizer, windows,
heads and thresholds; each runs in its own child process so its peak memory is
its own. Also evaluates the shipped SemEval-2020 model, and writes everything to
the ``## Techniques`` section of docs/benchmarks.md.

Needs the training environment (torch + propscope installed)::

    .venv-train/bin/python bench/techniques.py --trained .devcarry/work

``--compare-limit 0`` compares the engines on every validation article (PyTorch fp32
takes several minutes). ``--trained`` is the work folder of a training run (``propscope train
--work-dir``): the fp32 weights are rebuilt from the base model plus that delta.
The SemEval-2020 model is a two-member ensemble: ``--member-work DIR`` (once per
extra member, in order) gives the work folders of its other members, so PyTorch
runs the same ensemble; without it only the SemEval-2023 model is compared.
A model with SI-only members (``si_members`` in its config.json: another model's
encoder voting on SI) runs their fp32 originals too: ``--si-member-work DIR`` (once
per SI member, in order; default the ``--trained`` folder, which holds both
taxonomies' weights).

Cross-validated figures (outer-fold mean and spread, ``propscope eval --cv``) of the
shipped model beside a candidate (a newly trained model folder) come from
``bench/techniques_options.py --candidate DIR``, which needs no PyTorch; documents
per second before and after, in one run, from ``bench/techniques_speed.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Techniques"
THREADS = 2


def child(engine: str, taxonomy: str, data: Path, trained: Path | None, base: Path | None, limit: int | None,
          members: list[Path] | None = None, si_members: list[Path] | None = None) -> dict:
    """Run one engine over the validation split; return throughput, memory and F1."""
    from propscope.analyze.techniques.model import load_model
    from propscope.evaluate.runner import evaluate_model

    model = load_model(taxonomy)
    if engine == "torch":
        model = _torch_model(model, taxonomy, trained, base, members or [], si_members or [])
    evaluate_model(taxonomy, data, limit=2, model=model)  # warm-up (lazy init, allocator)
    t0 = time.perf_counter()
    res = evaluate_model(taxonomy, data, limit=limit, model=model)
    res["wall_s"] = round(time.perf_counter() - t0, 2)
    res["engine"] = engine
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return res


def _torch_model(model, taxonomy: str, trained: Path | None, base: Path | None, members: list[Path],
                 si_members: list[Path]):
    """The shipped model object with its encoders swapped for the fp32 PyTorch originals."""
    import numpy as np
    import torch

    from propscope.analyze.techniques import encoding, heads
    from propscope.training import train as training

    torch.set_num_threads(THREADS)
    if trained is None:
        raise SystemExit("--trained DIR is needed for the torch engine")
    nets = [training.load_trained(base or training.default_base_dir(), work, taxonomy)[0]
            for work in [trained, *members]]
    if len(nets) != len(model.sessions):
        raise SystemExit(f"{taxonomy}: shipped model has {len(model.sessions)} member(s), "
                         f"{len(nets)} work folder(s) given (--trained, --member-work)")
    si_specs = model.config.get("si_members", [])
    si_work = si_members or [trained] * len(si_specs)
    if len(si_work) != len(si_specs):
        raise SystemExit(f"{taxonomy}: shipped model has {len(si_specs)} SI member(s), "
                         f"{len(si_work)} --si-member-work folder(s) given")
    si_nets = [training.load_trained(base or training.default_base_dir(), work, _taxonomy_of(spec["model"]))[0]
               for work, spec in zip(si_work, si_specs, strict=True)]

    def run_net(net, ids, mask, index, lengths):
        logits, hidden = [], []
        for i in range(len(ids)):  # one window per call, as the ONNX engine does
            width = int(mask[i].sum())
            lg, hd = net(torch.from_numpy(ids[i : i + 1, :width]), torch.from_numpy(mask[i : i + 1, :width]))
            pad = ids.shape[1] - width
            logits.append(np.pad(lg.numpy(), ((0, 0), (0, pad), (0, 0))))
            hidden.append(np.pad(hd.numpy(), ((0, 0), (0, pad), (0, 0))))
        probs = heads.scatter_mean(heads.sigmoid(np.concatenate(logits)), index, lengths)
        return probs, heads.scatter_mean(np.concatenate(hidden), index, lengths)

    @torch.no_grad()
    def score(texts: list[str]) -> list:
        encs = [encoding.encode(model.tokenizer, t) for t in texts]
        ids, mask, index = encoding.window_batch(model.tokenizer, encs)
        lengths = [len(e.ids) for e in encs]
        outs = [run_net(net, ids, mask, index, lengths) for net in nets]
        si_outs = [run_net(net, ids, mask, index, lengths) for net in si_nets]
        # the shipped model's own member combination (mean, and si_combine for SI)
        return combine(texts, encs, [o[0] for o in outs], [o[1] for o in outs], si_outs)

    combine = model.combine
    model.score = score
    model.name = model.name + " (PyTorch fp32 eager)"
    return model


def _taxonomy_of(folder: str) -> str:
    """Taxonomy of a shipped model folder named in ``si_members`` (read from its config.json)."""
    from propscope.analyze.techniques.model import MODELS_DIR

    return json.loads((MODELS_DIR / folder / "config.json").read_text(encoding="utf-8"))["taxonomy"]


def run_child(engine: str, args: argparse.Namespace, taxonomy: str, limit: int | None) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS=str(THREADS), MKL_NUM_THREADS=str(THREADS))
    cmd = [sys.executable, __file__, "--child", engine, "--taxonomy", taxonomy, "--data", str(args.data)]
    if args.trained:
        cmd += ["--trained", str(args.trained)]
    if args.base:
        cmd += ["--base", str(args.base)]
    if limit:
        cmd += ["--limit", str(limit)]
    for work in args.member_work if taxonomy == "semeval2020" else []:
        cmd += ["--member-work", str(work)]
    for work in args.si_member_work if taxonomy == "semeval2020" else []:
        cmd += ["--si-member-work", str(work)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


HEADER = ("| engine | articles/s | tokens/s | CPU s (scoring) | peak RSS MB | SI F1 | TC micro-F1 | span F1 "
          "| paragraph micro-F1 |")
RULE = "|---|---|---|---|---|---|---|---|---|"


def _row(r: dict) -> str:
    arts = r["articles"] / r["seconds"]
    toks = r["tokens"] / r["seconds"]
    par = r.get("paragraph", {}).get("micro", {}).get("f1")
    cpu = r.get("cpu_seconds")
    return (f"| {r['engine']} | {arts:.2f} | {toks:,.0f} | {cpu if cpu is None else f'{cpu:.0f}'} | "
            f"{r['peak_rss_mb']:.0f} | {r['si']['f1']:.3f} | "
            f"{r['tc']['f1']:.3f} | {r['span']['f1']:.3f} | {par if par is None else f'{par:.3f}'} |")


def _compare(onnx: dict, torch_res: dict, paragraph: bool = True) -> list[str]:
    speed = torch_res["seconds"] / onnx["seconds"]
    cpu = (f" by wall time, **{torch_res['cpu_seconds'] / onnx['cpu_seconds']:.2f}x** by CPU time"
           if onnx.get("cpu_seconds") and torch_res.get("cpu_seconds") else "")
    par = (f", paragraph {onnx['paragraph']['micro']['f1'] - torch_res['paragraph']['micro']['f1']:+.3f}"
           if paragraph else "")
    return [_row(torch_res), "", f"int8 ONNX is **{speed:.2f}x** the speed of PyTorch fp32 eager{cpu}; F1 change "
            f"(ONNX - PyTorch): SI {onnx['si']['f1'] - torch_res['si']['f1']:+.3f}, "
            f"TC {onnx['tc']['f1'] - torch_res['tc']['f1']:+.3f}, "
            f"span {onnx['span']['f1'] - torch_res['span']['f1']:+.3f}{par}."]


def _which(r: dict, full: dict) -> str:
    """'All N' when the comparison covered the whole validation split, else 'First N'."""
    return f"All {r['articles']}" if r["articles"] == full["articles"] else f"First {r['articles']}"


def _targets(v2020: dict, v2023: dict) -> str:
    checks = [("SI F1 >= 0.45", v2020["si"]["f1"] >= 0.45), ("TC micro-F1 >= 0.58", v2020["tc"]["f1"] >= 0.58),
              ("paragraph micro-F1 >= 0.35", v2023["paragraph"]["micro"]["f1"] >= 0.35)]
    return "Targets of issue 4 on this validation split: " + ", ".join(
        f"{name} ({'reached' if ok else 'not reached'})" for name, ok in checks) + "."


def _speed_line(taxonomy: str, pairs: list[tuple[dict, dict]]) -> str:
    """Median throughput of each engine and median wall/CPU speed ratio over alternating runs."""
    from statistics import median

    wall = [t["seconds"] / o["seconds"] for o, t in pairs]
    cpu = [t["cpu_seconds"] / o["cpu_seconds"] for o, t in pairs]
    o_rate = median(o["articles"] / o["seconds"] for o, _ in pairs)
    t_rate = median(t["articles"] / t["seconds"] for _, t in pairs)
    return (f"- {taxonomy}: onnx {o_rate:.2f} articles/s, torch {t_rate:.2f} articles/s (medians); int8 ONNX is "
            f"**{median(wall):.2f}x** faster by wall time (runs: {', '.join(f'{x:.2f}' for x in wall)}), "
            f"**{median(cpu):.2f}x** by CPU time (runs: {', '.join(f'{x:.2f}' for x in cpu)}).")


def render(onnx: dict, torch_res: dict | None, full: dict, v2020: dict, command: str, train_note: str,
           load_note: str, cmp2020: tuple[dict, dict] | None = None, note: str = "",
           speed: list[str] | None = None) -> str:
    """Markdown for our section: engine comparison (``onnx`` vs ``torch_res``), then full-split F1."""
    lines = [SECTION, "",
             f"Command: `{command}` · machine: {os.cpu_count()}-core Debian VM, {cpu_model()} · "
             f"{THREADS} threads per engine · date {date.today().isoformat()} · {load_note}.", "",
             "### int8 ONNX (shipped) vs PyTorch fp32 eager, same model, same articles", "",
             f"{_which(onnx, full)} SemEval-2023 validation articles by ID ({onnx['tokens']:,} tokens), one 256-token "
             "window per call in both engines, each engine in its own process (peak RSS is the whole process).", "",
             HEADER, RULE, _row(onnx)]
    if torch_res:
        lines += _compare(onnx, torch_res)
    if cmp2020:
        o, t = cmp2020
        lines += ["", "The SemEval-2020 model (two members: token scores averaged; the SI score is the mean of "
                      "four log-odds: both members' 'any technique' columns plus the SemEval-2023 encoder's, and "
                      f"a 2020 SI head on that encoder's states), same setting, {_which(o, v2020).lower()} PTC validation articles "
                      f"({o['tokens']:,} tokens); both engines run all three encoders:",
                  "", HEADER, RULE, _row(o), *_compare(o, t, paragraph=False)]
    lines += speed or []
    onnx = full
    p23, g, f = onnx["paragraph"], onnx["genre"], onnx["framing"]
    lines += ["", "### Validation figures of the shipped models (int8 ONNX)", "",
              f"The whole validation split of ../shared/data (fixed by article-ID hash, ~18%): {onnx['articles']} "
              f"SemEval-2023 English articles, {v2020['articles']} PTC (SemEval-2020) articles, the same IDs. "
              "Published figures are on the official test sets, a different split: they are shown for scale, "
              "not as a like-for-like comparison.", "",
              "| task | metric | propscope (validation) | best published (official test) |", "|---|---|---|---|",
              f"| SemEval-2020 SI | F1, partial overlap | {v2020['si']['f1']:.3f} (P {v2020['si']['precision']:.3f}, "
              f"R {v2020['si']['recall']:.3f}) | 0.516 (Hitachi; Morio et al., 2020) |",
              f"| SemEval-2020 TC | micro-F1 | {v2020['tc']['f1']:.3f} | 0.621 (ApplicaAI; Jurkiewicz et al., 2020) |",
              f"| SemEval-2020 spans + technique | technique-aware span F1 | {v2020['span']['f1']:.3f} | - |",
              f"| SemEval-2023 spans, 2020 SI formula | F1 | {onnx['si']['f1']:.3f} | - |",
              f"| SemEval-2023 TC on gold spans | micro-F1 | {onnx['tc']['f1']:.3f} | - |",
              f"| SemEval-2023 spans + technique | technique-aware span F1 | {onnx['span']['f1']:.3f} | - |",
              f"| SemEval-2023 subtask 3, English | paragraph micro-F1 / macro-F1 | {p23['micro']['f1']:.3f} / "
              f"{p23['macro_f1']:.3f} | ~0.38 micro (KInITVeraAI; Hromadka et al., 2023), see Piskorski et al., 2023 |",
              f"| SemEval-2023 subtask 1, English genre | micro-F1 / macro-F1 | {g['micro_f1']:.3f} / {g['macro_f1']:.3f} | "
              "see Piskorski et al., 2023 (official metric: macro-F1) |",
              f"| SemEval-2023 subtask 2, English framing | micro-F1 / macro-F1 | {f['micro_f1']:.3f} / {f['macro_f1']:.3f} | "
              "see Piskorski et al., 2023 (official metric: micro-F1) |",
              "", _targets(v2020, full), *(["", note] if note else []), "", "### Training time", "", train_note, ""]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    p.add_argument("--trained", type=Path, default=None, help="training work folder (for the torch engine)")
    p.add_argument("--base", type=Path, default=None, help="base model folder used for training")
    p.add_argument("--taxonomy", default="semeval2023")
    p.add_argument("--limit", type=int, default=None, help="validation articles for the F1 table (default all)")
    p.add_argument("--compare-limit", type=int, default=12,
                   help="validation articles for the ONNX-vs-PyTorch comparison (PyTorch fp32 is slow; 0: all)")
    p.add_argument("--member-work", type=Path, action="append", default=[],
                   help="work folder of a further member of the semeval2020 ensemble (repeat, in order)")
    p.add_argument("--si-member-work", type=Path, action="append", default=[],
                   help="work folder of an SI-only member of the semeval2020 model (repeat, in order; "
                        "default: --trained)")
    p.add_argument("--child", choices=["onnx", "torch"], default=None)
    p.add_argument("--train-note", default="", help="text for the training-time paragraph")
    p.add_argument("--note", default="", help="paragraph after the validation table (how figures were tuned)")
    p.add_argument("--speed-repeats", type=int, default=0,
                   help="also time each engine this many times on --speed-limit articles, alternating engines")
    p.add_argument("--speed-limit", type=int, default=12)
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args()
    if a.child:
        print(json.dumps(child(a.child, a.taxonomy, a.data, a.trained, a.base, a.limit, a.member_work,
                               a.si_member_work)))
        return
    load_before = os.getloadavg()[0]
    onnx_cmp = run_child("onnx", a, "semeval2023", a.compare_limit)
    torch_res = run_child("torch", a, "semeval2023", a.compare_limit) if a.trained else None
    cmp2020 = None
    if a.trained and a.member_work:
        cmp2020 = (run_child("onnx", a, "semeval2020", a.compare_limit),
                   run_child("torch", a, "semeval2020", a.compare_limit))
    onnx = run_child("onnx", a, "semeval2023", a.limit)
    v2020 = run_child("onnx", a, "semeval2020", a.limit)
    speed = []
    if a.trained and a.speed_repeats:
        speed = ["", "### Speed, alternating runs", "",
                 f"A single pass is at the mercy of other work on the shared VM, so each engine is also timed "
                 f"{a.speed_repeats} times on the first {a.speed_limit} validation articles, engines alternating "
                 "(onnx, torch, onnx, ...), each run in a fresh process; ratio = PyTorch time / ONNX time of "
                 "neighbouring runs.", ""]
        for tax in ["semeval2023", *(["semeval2020"] if a.member_work else [])]:
            speed.append(_speed_line(tax, [(run_child("onnx", a, tax, a.speed_limit),
                                            run_child("torch", a, tax, a.speed_limit))
                                           for _ in range(a.speed_repeats)]))
    command = "python bench/techniques.py" + "".join(
        f" {flag} {value}" for flag, value in [("--trained", a.trained),
                                               *[("--member-work", w) for w in a.member_work],
                                               *[("--si-member-work", w) for w in a.si_member_work],
                                               ("--base", a.base), ("--limit", a.limit),
                                               ("--compare-limit", a.compare_limit),
                                               ("--speed-repeats", a.speed_repeats or None),
                                               ("--speed-limit", a.speed_limit if a.speed_repeats else None)]
        if value is not None)
    note = f"1-minute load average at start {load_before:.1f}, at end {os.getloadavg()[0]:.1f} (the VM is shared)"
    text = render(onnx_cmp, torch_res, onnx, v2020, command.strip(), a.train_note, note, cmp2020, a.note, speed)
    print(text)
    print(json.dumps({"onnx": onnx, "torch": torch_res, "semeval2020": v2020, "cmp2020": cmp2020}), file=sys.stderr)
    if not a.no_write:
        replace_section(SECTION, text, DOCS)


if __name__ == "__main__":
    main()

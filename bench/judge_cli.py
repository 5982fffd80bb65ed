"""The command line judges 7, 8 and 9 share: one place for their options, so a run of any of
them is typed the same way (``--seed``, ``--size``, ``--world``, ``--out``, ``--json``,
``--no-baselines``, ``--generate-only``, ``--doc``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def judge_parser(description: str, seed: int, doc_help: str,
                 out_default: Path | None = None) -> argparse.ArgumentParser:
    """The judges' options; ``--out`` is required unless ``out_default`` is given."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--seed", type=int, default=seed)
    ap.add_argument("--size", choices=("tiny", "full"), default="full")
    ap.add_argument("--world", choices=("planted", "control", "both"), default="both")
    if out_default is None:
        ap.add_argument("--out", type=Path, required=True)
    else:
        ap.add_argument("--out", type=Path, default=out_default)
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--generate-only", action="store_true", help="write the files, run nothing")
    ap.add_argument("--doc", action="store_true", help=doc_help)
    return ap

"""Held-out judge 8: the two published recipes, run exactly as judge 7 runs them.

Why reuse judge 7's harness: the CooRnet recipe (links co-shared within 60 s on at
least two links, connected components) and QUT's coordination-network-toolkit 1.5.2
(co-link, co-retweet, co-reply, co-similar-text in 60 s, edge weight >= 2, components)
must be driven identically across judges for their figures to be comparable. Both read
the posts propscope exported (``posts`` plus ``documents`` texts), i.e. the records the
files hold after parsing; the toolkit is taken from /work/qutenv when it is not on PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

QUT_VENV = Path("/work/qutenv/bin")


def qut_available() -> bool:
    return shutil.which("compute_networks") is not None or (QUT_VENV / "compute_networks").exists()


def run_baselines(exports: Path) -> dict[str, Any]:
    """CooRnet's and QUT's communities and CPU seconds (see ``heldout7_baselines``)."""
    if shutil.which("compute_networks") is None and QUT_VENV.exists():
        os.environ["PATH"] = f"{QUT_VENV}{os.pathsep}{os.environ.get('PATH', '')}"
    from heldout7_baselines import run_baselines as run7

    return run7(exports)

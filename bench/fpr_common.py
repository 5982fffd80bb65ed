"""What the two false-positive benches share (``furniture_fpr.py``, ``repetition_fpr.py``):
their common options, the stuffed sample article they both check, and printing or
writing the report section.

Why a module: both measure the repetitions analyzer against ``../shared`` and must read
the sample the same way (its ``date`` header cut off) so that their "sample" lines agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
from pathlib import Path
from typing import Any

from benchdoc import cpu_model, replace_section  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "advocacy-article-2020-10-28.txt"
_SAMPLE_HEADER = " date 2020-10-28 "


def add_common_args(ap: argparse.ArgumentParser) -> None:
    """``--data``, ``--samples`` (both in ``../shared``) and ``--no-write``."""
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--samples", type=Path, default=ROOT.parent / "shared" / "samples")


def add_no_write(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--no-write", action="store_true", help="print, do not edit docs")


def sample_repetitions(samples: Path) -> list[dict[str, Any]] | None:
    """The repetitions analyzer's rows for the stuffed sample article (None when absent)."""
    from propscope.analyze.repetition import find_repetitions

    path = samples / SAMPLE
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    return find_repetitions("sample", text[len(_SAMPLE_HEADER):])


def report_header(section: str, command: str) -> list[str]:
    """The section title, command, machine (with the load at the end) and date lines."""
    return [
        section, "",
        f"Command: `{command}`  ",
        f"Machine: {cpu_model()}, {platform.system()} (2-core VM shared with other jobs), "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end  ",
        f"Date: {dt.date.today().isoformat()}", "",
    ]


def publish(section: str, report: str, no_write: bool) -> None:
    """Print the report and, unless ``no_write``, replace its section in docs/benchmarks.md."""
    print(report)
    if not no_write:
        print(f"written to {replace_section(section, report)}")

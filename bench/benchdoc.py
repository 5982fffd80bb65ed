"""What every benchmark script shares: the machine line and its own section of
docs/benchmarks.md.

Each script owns one ``## `` section and rewrites only that (from its heading to
the next ``## `` heading), so scripts run at different times never touch each
other's figures. Imported by the scripts in this folder (``python bench/X.py``
puts the folder on ``sys.path``).
"""

from __future__ import annotations

import platform
import resource
import subprocess
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def cpu_model() -> str:
    """The CPU's model name (``lscpu``), or what the platform module knows."""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_seconds_with_children() -> float:
    """CPU seconds of this process plus its reaped children (pool workers, once closed)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def replace_section(heading: str, text: str, path: Path = DOC) -> Path:
    """Replace the section under ``heading`` (a ``## `` line) with ``text``, or append it;
    every other section stays byte for byte."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    body = text.rstrip("\n") + "\n"
    start = 0 if current.startswith(heading + "\n") else current.find("\n" + heading + "\n") + 1
    if start == 0 and not current.startswith(heading + "\n"):
        new = current.rstrip("\n") + "\n\n" + body
    else:
        nxt = current.find("\n## ", start + len(heading))
        new = current[:start] + body + ("\n" + current[nxt + 1:] if nxt >= 0 else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
    return path

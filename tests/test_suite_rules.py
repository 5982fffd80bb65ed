"""The suite's own rule: in CI a skip is a failure (see ``tests/conftest.py``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _run_skipping_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n\ndef test_needs_data():\n    pytest.skip('../shared is not beside the checkout')\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "PROPSCOPE_REQUIRE_SHARED")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, env={**clean, **env}, cwd=tmp_path, timeout=120,
    )


def test_a_skip_is_reported_as_a_skip_on_a_developer_machine(tmp_path: Path) -> None:
    result = _run_skipping_test(tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_a_skip_fails_in_ci_and_says_why(tmp_path: Path) -> None:
    for env in ({"CI": "true"}, {"PROPSCOPE_REQUIRE_SHARED": "1"}):
        result = _run_skipping_test(tmp_path, **env)
        assert result.returncode == 1, result.stdout
        assert "1 failed" in result.stdout
        assert "../shared is not beside the checkout" in result.stdout

"""The suite's own rule: in CI a skip is a failure (see ``tests/conftest.py``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


PROBES = {
    "in a test": "import pytest\n\ndef test_needs_data():\n"
                 "    pytest.skip('../shared is not beside the checkout')\n",
    "a skipif marker": "import pytest\n\n"
                       "@pytest.mark.skipif(True, reason='../shared is not beside the checkout')\n"
                       "def test_needs_data():\n    pass\n",
    "in a fixture": "import pytest\n\n@pytest.fixture\ndef data():\n"
                    "    pytest.skip('../shared is not beside the checkout')\n\n"
                    "def test_needs_data(data):\n    pass\n",
    "a whole module": "import pytest\n\n"
                      "pytest.skip('../shared is not beside the checkout', allow_module_level=True)\n\n"
                      "def test_needs_data():\n    pass\n",
    "importorskip": "import pytest\n\n"
                    "pytest.importorskip('a_module_that_is_not_installed_x9', "
                    "reason='../shared is not beside the checkout')\n\n"
                    "def test_needs_data():\n    pass\n",
}


def _run_skipping_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_probe.py").write_text(PROBES["in a test"])
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


def test_every_kind_of_skip_fails_in_ci(tmp_path: Path) -> None:
    """Skips in fixtures, markers and at collection (a whole module) too, not only in tests.

    Two runs: a module skipped at collection fails the collection, which stops a session."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "PROPSCOPE_REQUIRE_SHARED")}
    for group in (("in a test", "a skipif marker", "in a fixture"),
                  ("a whole module", "importorskip")):
        here = tmp_path / str(len(group))
        here.mkdir()
        shutil.copy(TESTS / "conftest.py", here / "conftest.py")
        for i, probe in enumerate(group):
            (here / f"test_probe{i}.py").write_text(PROBES[probe])
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "--continue-on-collection-errors", str(here)],
            capture_output=True, text=True, env={**clean, "CI": "true"}, cwd=here, timeout=120)
        assert result.returncode == 1, result.stdout
        assert "skipped" not in result.stdout.splitlines()[-1], result.stdout
        for i, probe in enumerate(group):
            assert f"test_probe{i}.py" in result.stdout, (probe, result.stdout)
        assert result.stdout.count("skipped where skips are failures") >= len(group), result.stdout

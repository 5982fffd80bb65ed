"""Suite-wide rules.

A skipped test is a test that did not run. On a developer's machine a skip (no
``../shared`` beside the checkout, no Chromium) is reported and the rest goes on;
in CI, or with ``PROPSCOPE_REQUIRE_SHARED=1``, every skip is turned into a failure
so that a missing data folder or browser can never make a run look green.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest


def skips_are_failures() -> bool:
    """True in CI (``CI`` set to a true value) or when ``PROPSCOPE_REQUIRE_SHARED=1``."""
    truthy = {"1", "true", "yes"}
    return (
        os.environ.get("PROPSCOPE_REQUIRE_SHARED", "").lower() in truthy
        or os.environ.get("CI", "").lower() in truthy
    )


def _as_failure(report: pytest.CollectReport | pytest.TestReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (
        f"skipped where skips are failures (CI / PROPSCOPE_REQUIRE_SHARED=1): {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, None, None]:
    """A whole module skipped while it is collected (``pytest.importorskip``,
    ``pytest.skip(allow_module_level=True)``) never reaches the per-test hook below."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and skips_are_failures():
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, None, None]:
    """Every skip of a test (``pytest.skip`` in the test or a fixture, a ``skipif``
    marker) in setup, call or teardown; an expected failure (xfail) is not a skip."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and skips_are_failures() and not hasattr(report, "wasxfail"):
        _as_failure(report)

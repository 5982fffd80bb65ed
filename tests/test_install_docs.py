"""The install documentation, the docs site and the files a research tool carries stay true.

Why: an install line that names a missing option, extra or file, a docs page with a broken
link, or a citation that no longer matches the README is only found by a new user. Each
documented command is checked here or run (`pip install` of the wheel: tests/test_wheel.py;
the Dask cluster command: below, against a real scheduler and worker).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from propscope import __version__
from propscope.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
WHEEL = f"propscope-{PYPROJECT['project']['version']}-py3-none-any.whl"
SAMPLES = ROOT.parent / "shared" / "samples"
BIN = Path(sys.executable).parent


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else len(text)]


def shell_lines(text: str) -> list[str]:
    """The command lines of the ```sh blocks, comments dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def documented() -> list[str]:
    first_screen = README[:README.index("In detail,")]
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    return shell_lines(first_screen) + shell_lines(section(README, "Install")) + shell_lines(index)


def test_readme_first_screen_has_the_two_commands_then_pip_and_pipx():
    lines = README.splitlines()
    assert lines[0] == "# propscope"
    assert lines[3].startswith("make demo") and lines[4].startswith("make test")
    first_screen = "\n".join(lines[:25])
    assert "propscope finds propaganda" in first_screen
    assert f"pip install {WHEEL}" in first_screen and f"pipx install {WHEEL}" in first_screen


def test_documented_propscope_commands_and_options_exist():
    checked = 0
    for line in documented():
        for part in line.split("&&"):
            words = shlex.split(part)
            if not words or not words[0].endswith("propscope"):
                continue
            if words[1:] == ["--version"]:
                checked += 1
                continue
            command = main.commands.get(words[1])
            assert command is not None, f"documented command does not exist: {part}"
            known = {o for p in command.params if isinstance(p, click.Option)
                     for o in (*p.opts, *p.secondary_opts)}
            for word in words[2:]:
                if word.startswith("--"):
                    assert word.split("=")[0] in known, f"{part}: no option {word}"
            checked += 1
    assert checked >= 6


def test_documented_install_lines_name_the_built_wheel_extras_and_make_targets():
    lines = documented()
    installs = [ln for ln in lines if re.search(r"\bpipx? install\b", ln)]
    assert any(ln.startswith("pipx install") for ln in installs)
    assert len(installs) >= 4
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    for line in installs:
        target = shlex.split(line)[-1]
        name = Path(target.split("[")[0]).name
        assert name == WHEEL, f"{line}: the build makes {WHEEL}"  # what test_wheel installs
        for extra in re.findall(r"\[(\w+)\]", target):
            assert extra in extras, f"{line}: no extra [{extra}] in pyproject.toml"
    assert "[train]" in section(README, "Install")
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    for target in re.findall(r"`make ([\w-]+)`|^make ([\w-]+)", README, re.MULTILINE):
        name = target[0] or target[1]
        assert name in targets, f"README names `make {name}`, the Makefile has no such target"


def test_documented_dask_commands_exist():
    dask_lines = [ln for ln in documented() if ln.startswith("dask ")]
    assert len(dask_lines) == 2
    for line in dask_lines:
        words = shlex.split(line)
        help_text = subprocess.run([BIN / "dask", words[1], "--help"], capture_output=True,
                                   text=True, timeout=120, check=True).stdout
        for word in words[2:]:
            if word.startswith("--"):
                assert word in help_text, f"`{line}`: dask {words[1]} has no {word}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_readme_dask_command_runs_on_an_existing_scheduler(tmp_path):
    """The README's cluster commands, with HOST = this machine: a real scheduler and worker."""
    assert SAMPLES.is_dir(), f"{SAMPLES} is missing (../shared beside the repository)"
    scheduler_line, worker_line, run_line = [
        ln for ln in shell_lines(section(README, "Install"))
        if ln.startswith(("dask ", "propscope run")) and ("HOST" in ln or ln == "dask scheduler")]
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    procs = []
    try:
        procs.append(subprocess.Popen(
            [BIN / "dask", *shlex.split(scheduler_line)[1:], "--host", "127.0.0.1",
             "--port", str(port), "--no-dashboard"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        worker = shlex.split(worker_line.replace("tcp://HOST:8786", address))
        procs.append(subprocess.Popen(
            [BIN / "dask", *worker[1:], "--no-dashboard"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        run = shlex.split(run_line.replace("tcp://HOST:8786", address).replace(
            "data/", str(SAMPLES)))
        deadline = time.monotonic() + 120
        while True:  # the scheduler takes a few seconds to listen
            proc = subprocess.run([BIN / "propscope", *run[1:], "--workers", "1", "--json"],
                                  cwd=tmp_path, env=env, capture_output=True, text=True,
                                  timeout=300)
            if proc.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert proc.returncode == 0, proc.stderr[-3000:]
        summary = json.loads(proc.stdout)
        assert summary["engine"]["engine"] == "dask"
        assert summary["ingest"]["documents"] == 1
        assert summary["export"]["tables"]["doc_references"] == 16
        assert (tmp_path / "corpus.duckdb").exists() and (tmp_path / "out" / "report.html").exists()
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_version_prints_the_package_and_each_shipped_model():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"propscope {__version__}" and __version__ == PYPROJECT["project"]["version"]
    configs = sorted((ROOT / "src" / "propscope" / "models").glob("*/config.json"))
    assert len(configs) == 2
    for config in configs:
        meta = json.loads(config.read_text(encoding="utf-8"))
        assert f"model {meta['name']} {meta['version']}" in lines
    assert len(lines) == 1 + len(configs)


def test_license_citation_changelog_and_security_files():
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text and len(license_text) > 10_000
    assert PYPROJECT["project"]["license"] == "Apache-2.0"

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["version"] == __version__
    assert cff["license"] == "Apache-2.0" and cff["type"] == "software"
    titles = {ref["title"] for ref in cff["references"]}
    cited = section(README, "Data and citations")
    for title in re.findall(r"\*([^*]+)\.\*", cited):  # each paper the README asks to cite
        assert " ".join(title.split()) in titles, f"CITATION.cff lacks {title!r}"
    assert sum(1 for ref in cff["references"] if ref.get("doi")) >= 3

    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in changelog and "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog,
                     re.MULTILINE)
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert "(docs/security.md)" in security and "Reporting a vulnerability" in security


def test_hook_rewrites_links_that_leave_docs():
    from propscope_docs import rewrite_links  # docs/hooks is on the path (pyproject.toml)
    card = rewrite_links("[card](../src/propscope/models/MODEL_CARD.md#training)",
                         "docs/techniques.md", "techniques.md")
    assert card == "[card](model-card.md#training)"
    back = rewrite_links("[t](../../../docs/techniques.md) [w](https://x.invalid/a.md)",
                         "src/propscope/models/MODEL_CARD.md", "model-card.md")
    assert back == "[t](techniques.md) [w](https://x.invalid/a.md)"
    nested = rewrite_links("[e](../exports.md) [m](../Makefile)", "docs/commands/run.md",
                           "commands/run.md")
    assert nested == "[e](../exports.md) [m](../Makefile)"  # left for --strict to reject


@pytest.mark.slow
def test_docs_site_builds_strict_with_a_page_per_command(tmp_path):
    """`make docs` as CI runs it: any warning (a broken link or anchor) fails the build."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    site = tmp_path / "site"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           site], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    for name in main.commands:
        assert f"commands/{name}" in pages, f"no docs page for `propscope {name}`"
    for page in ("api", "exports", "cli", "model-card", "changelog"):
        assert page in pages
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("open_corpus", "Corpus", "Document", "Settings", "load_settings"):
        assert f'id="propscope.{name}"' in api, f"API reference lacks {name}"
    run_page = (site / "commands" / "run" / "index.html").read_text(encoding="utf-8")
    assert "--scheduler" in run_page and "Sentinel" not in run_page
    print(f"docs site: {len(pages)} pages, built in {seconds:.1f} s")

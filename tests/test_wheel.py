"""The package as users get it: dependencies declared directly, the built wheel complete and working.

Why: `make demo` installs from the source tree with an editable install, so it cannot notice a
data file left out of the wheel, or a dependency that only arrives through another project's
extra (trafilatura's ``lxml[html_clean]``, which the pip of Python 3.11, 23.2, does not honour
for current lxml, so every command crashed importing the HTML reader). These tests check the
declarations statically, then build the sdist and wheel, install the wheel into a fresh
virtualenv with that default pip and the pinned constraints, and run it from outside the
repository on the sample article and the example corpus.
"""

from __future__ import annotations

import ast
import ensurepip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
SAMPLES = ROOT.parent / "shared" / "samples"
EXAMPLES = ROOT / "examples" / "corpus"

# Modules whose import name is not their distribution's name, for distributions not installed
# here (packages_distributions() covers the installed ones).
IMPORT_TO_DIST = {"dateutil": "python-dateutil", "yaml": "pyyaml", "sklearn": "scikit-learn"}
# Imported only by the training code (`propscope train`): they belong to the [train] extra.
TRAIN_ONLY = {"torch", "transformers", "onnx", "safetensors"}

MODEL_FILES = ["config.json", "model.int8.onnx", "tokenizer.json", "heads.npz", "calibration.json"]
REQUIRED_IN_WHEEL = [
    "propscope/__init__.py",
    "propscope/py.typed",
    "propscope/models/MODEL_CARD.md",
    *(f"propscope/models/propscope-techniques-{t}/{f}" for t in ("semeval2020", "semeval2023")
      for f in MODEL_FILES),
    "propscope/models/propscope-techniques-semeval2020/member2.int8.onnx",
    "propscope/present/templates/report.html",
    "propscope/present/templates/app_base.html",
    "propscope/present/assets/style.css",
    "propscope/present/assets/page.js",
    "propscope/present/assets/network.js",
    f"propscope-{VERSION}.dist-info/entry_points.txt",
    f"propscope-{VERSION}.dist-info/licenses/LICENSE",
]
REQUIRED_IN_SDIST = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md",
                     "src/propscope/models/propscope-techniques-semeval2023/model.int8.onnx"]


def declared(group: str | None = None) -> dict[str, Requirement]:
    """The requirements of ``[project] dependencies`` (or of one extra), by canonical name."""
    project = PYPROJECT["project"]
    reqs = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {canonicalize_name(r.name): r for r in map(Requirement, reqs)}


def third_party_imports() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in src/ (not stdlib, not propscope) -> importing files."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "propscope":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@cache
def _packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def dist_of(module: str) -> str:
    dists = _packages_distributions().get(module)
    return canonicalize_name(dists[0] if dists else IMPORT_TO_DIST.get(module, module))


def test_every_import_is_a_direct_dependency():
    runtime, train = declared(), declared("train")
    imports = third_party_imports()
    assert {"duckdb", "trafilatura", "onnxruntime"} <= set(imports)  # the scan sees imports
    for module, files in sorted(imports.items()):
        dist = dist_of(module)
        if module in TRAIN_ONLY:
            assert dist in train, f"{module} (imported by {sorted(files)}) is not in [train]"
        else:
            assert dist in runtime, (f"{module} (distribution {dist}, imported by {sorted(files)}) "
                                     "is not a direct dependency in pyproject.toml")


def _extra_deps(dist: str, extras: set[str]) -> set[str]:
    """Distributions that ``dist[extras]`` adds beyond plain ``dist`` (as installed here)."""
    try:
        reqs = [Requirement(r) for r in metadata.requires(dist) or []]
    except metadata.PackageNotFoundError:
        return set()
    added = set()
    for req in reqs:
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            continue
        if any(req.marker.evaluate({"extra": e}) for e in extras):
            added.add(canonicalize_name(req.name))
    return added


def test_nothing_is_reached_only_through_another_projects_extra():
    """Each extra requested inside the runtime closure (``lxml[html_clean]``) is declared directly.

    Older pips resolve some extras differently (23.2 does not normalise ``html_clean``), so
    whatever an extra brings in must be named in our own dependencies.
    """
    runtime = declared()
    seen, todo, missing = set(), list(runtime.values()), []
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if req.extras:
            for dep in _extra_deps(name, set(req.extras)) - set(runtime) - {name}:
                missing.append(f"{name}[{','.join(sorted(req.extras))}] -> {dep}")
        if name in seen:
            continue
        seen.add(name)
        try:
            for raw in metadata.requires(name) or []:
                sub = Requirement(raw)
                if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                    todo.append(sub)
        except metadata.PackageNotFoundError:
            continue
    assert "trafilatura" in seen and len(seen) > 30  # the walk reached the closure
    # dask[dataframe] is declared by us on purpose; what its extra adds we declare too
    assert not missing, "reached only through an extra, declare directly: " + "; ".join(missing)


def test_constraints_pin_every_declared_dependency():
    """constraints.txt is the tested set: it pins each declared dependency within its bounds."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not a pin (name==version)"
            pins[canonicalize_name(name)] = version
    for group in (None, "test", "docs"):
        for name, req in declared(group).items():
            assert name in pins, f"{name} is not pinned in constraints.txt: run `make constraints`"
            assert req.specifier.contains(pins[name], prereleases=True), (
                f"constraints.txt pins {name}=={pins[name]}, outside {req}: run `make constraints`")


def test_upper_bounds_on_majors():
    for req in declared().values():
        assert any(s.operator in {"<", "<=", "=="} for s in req.specifier), f"{req}: no upper bound"
    assert declared()["duckdb"].specifier.contains("2.0.1")
    assert not declared()["duckdb"].specifier.contains("3.0.0")


def _run(args: list, cwd: Path, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, (f"{' '.join(map(str, args))} exited {proc.returncode}\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel, built as a release would be (wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], ROOT, env)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


def _package_data() -> list[str]:
    """Every non-Python file of the package in the source tree (git's view when available)."""
    pkg = ROOT / "src" / "propscope"
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "src/propscope"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout.split("\0")
        files = [ROOT / f for f in listed if f]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in pkg.rglob("*") if p.is_file()]
    return sorted(str(p.relative_to(pkg.parent)) for p in files
                  if p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts and p.exists())


@pytest.mark.slow
def test_wheel_and_sdist_carry_models_templates_and_assets(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    missing = [f for f in REQUIRED_IN_WHEEL if f not in names]
    assert not missing, f"not in the wheel: {missing}"
    data = _package_data()
    assert len(data) >= 15
    assert not [f for f in data if f not in names], "package data missing from the wheel"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    with tarfile.open(built["sdist"]) as sdist:
        members = {m.split("/", 1)[1] for m in sdist.getnames() if "/" in m}
    assert not [f for f in REQUIRED_IN_SDIST if f not in members], "missing from the sdist"
    meta = zipfile.ZipFile(built["wheel"]).read(f"propscope-{VERSION}.dist-info/METADATA").decode()
    assert "Requires-Dist: lxml_html_clean" in meta or "Requires-Dist: lxml-html-clean" in meta
    assert re.search(r"^Provides-Extra: train$", meta, re.MULTILINE)


@pytest.fixture(scope="module")
def fresh_venv(built, tmp_path_factory) -> dict:
    """A new virtualenv with the interpreter's bundled pip (not upgraded), the wheel installed.

    This is the README's `pip install` command, run as a new user would run it.
    """
    venv = tmp_path_factory.mktemp("fresh") / "v"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    _run([sys.executable, "-m", "venv", venv], venv.parent, env)
    bin_dir = venv / "bin"
    pip_version = _run([bin_dir / "python", "-m", "pip", "--version"], venv.parent, env).stdout
    assert pip_version.split()[1] == ensurepip.version(), pip_version  # the default, not upgraded
    # --no-compile: byte-compiling every installed module (pandas, scipy, networkx, ...) was most
    # of this fixture's CPU; Python compiles what the commands import when they import it, and
    # what is checked here (the resolved dependencies, the wheel's files) is the same.
    _run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-compile", "-c",
          ROOT / "constraints.txt", built["wheel"]], venv.parent, env, timeout=900)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return {"bin": bin_dir, "env": env, "pip": pip_version.split()[1]}


@pytest.mark.slow
def test_installed_wheel_runs_the_sample_from_outside_the_repo(fresh_venv, tmp_path):
    assert SAMPLES.is_dir(), f"{SAMPLES} is missing (../shared beside the repository)"
    bin_dir, env = fresh_venv["bin"], fresh_venv["env"]
    where = _run([bin_dir / "python", "-c", "import propscope; print(propscope.__file__)"],
                 tmp_path, env).stdout.strip()
    assert where.startswith(str(bin_dir.parent)), where  # the wheel, not the source tree
    version = _run([bin_dir / "propscope", "--version"], tmp_path, env).stdout
    assert version.splitlines()[0] == f"propscope {VERSION}"
    assert "model propscope-techniques-semeval2020 " in version
    proc = _run([bin_dir / "propscope", "run", SAMPLES, "--corpus", "s/c.duckdb", "--out", "s",
                 "--json"], tmp_path, env)
    summary = json.loads(proc.stdout)
    assert summary["ingest"]["documents"] == 1
    # 8 hashtags + 5 links + 3 embedded posts; the stuffed phrase; technique spans
    assert summary["export"]["tables"]["doc_references"] == 16
    assert summary["export"]["tables"]["repetitions"] == 1
    assert summary["export"]["tables"]["spans"] >= 1
    for name in ("report.html", "doc_references.parquet", "spans.parquet", "network.gexf"):
        assert (tmp_path / "s" / name).stat().st_size > 0, name


@pytest.mark.slow
def test_installed_wheel_runs_the_example_corpus(fresh_venv, tmp_path):
    bin_dir, env = fresh_venv["bin"], fresh_venv["env"]
    # Techniques off: the sample run above already runs both models from the wheel; here they
    # were most of the time, and what this run checks is ingest, linking and the HTML reader.
    proc = _run([bin_dir / "propscope", "run", EXAMPLES, "--corpus", "e/c.duckdb", "--out", "e",
                 "--techniques", "off", "--json"], tmp_path, env)
    summary = json.loads(proc.stdout)
    assert summary["ingest"]["documents"] >= 250
    assert summary["ingest"]["quarantined"] >= 1  # examples/corpus/broken, kept out, run goes on
    assert summary["export"]["tables"]["reuse_clusters"] >= 1
    assert summary["export"]["tables"]["coordination_edges"] >= 1
    query = ("import propscope; c = propscope.open_corpus('e/c.duckdb', read_only=True); "
             "print(int(c.sql(\"SELECT count(*) AS n FROM documents WHERE file LIKE '%.html%'\")"
             ".n[0]))")
    html_docs = int(_run([bin_dir / "python", "-c", query], tmp_path, env).stdout.strip())
    assert html_docs >= 1  # the HTML reader (trafilatura + lxml_html_clean) ran
    assert (tmp_path / "e" / "report.html").stat().st_size > 0
    shutil.rmtree(tmp_path / "e")

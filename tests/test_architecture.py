"""The house rules, read from the code (issue 19): which package may import which, how long a
module may grow, and that a broken module of ours fails loudly.

Every module's imports are parsed with :mod:`ast` (module-level, in functions and under
``TYPE_CHECKING`` alike: a lazy import is still a dependency). The layers, top to bottom:

    cli → pipeline → stages → {ingest, analyze, link, present, evaluate, training}
        → engine → core (corpus, document, errors, settings, safetext, progress, gctuning)

A module imports only its own layer or lower ones, plus the specific rules below. Where
today's code breaks a rule that the restructuring under way fixes, the exception is listed in
an allow-list with the reason; each list is checked both ways (an entry that no longer
breaks the rule fails the test until it is removed), so the lists can only shrink.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = SRC / "propscope"

CORE = {"propscope", "corpus", "document", "errors", "settings", "safetext", "progress",
        "gctuning", "outputs"}
LAYER = {"__main__": 6, "cli": 5, "pipeline": 4, "stages": 3, "ingest": 2, "analyze": 2, "link": 2,
         "present": 2, "evaluate": 2, "training": 2, "engine": 1, **dict.fromkeys(CORE, 0)}
RUNTIME_STAGE_PACKAGES = ("ingest", "analyze", "link")

# Training, calibration and data-preparation code: not part of the runtime; it lives in
# propscope/training/. A training module found elsewhere would be listed here (none is)
# so the rules treat it as training code.
TRAINING_TODAY: set[str] = set()
# The one place the runtime may reach training code: `propscope train`, inside the command.
TRAINING_ENTRY = "propscope.cli.techniques"

# (importer, imported module) pairs that break a rule today, with why and who fixes it.
ALLOWED: dict[tuple[str, str], str] = {}

# Modules allowed over MAX_LINES, each capped at its length when listed. Empty since issue 19
# split the last six (corpus, ingest/streams, present/queries, analyze/text_patterns,
# link/reuse, training/train): every module is held to MAX_LINES. The list may only shrink.
MAX_LINES = 400
LONG_MODULES: dict[str, int] = {}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # dotted module name (the module, not an attribute of it)
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _resolve(base: str, name: str) -> str:
    """``from base import name``: the submodule ``base.name`` if there is one, else ``base``."""
    full = f"{base}.{name}"
    return full if full in all_modules() else base


def _function_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(node) if n is not node)
    return inside


def imports_of(name: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    lazy = _function_nodes(tree)
    out: list[Import] = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names if a.name.split(".")[0] == "propscope"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1]
                                + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] == "propscope":
                targets = [_resolve(base, a.name) for a in node.names]
        out += [Import(name, t, node.lineno, id(node) in lazy) for t in dict.fromkeys(targets)]
    return out


@cache
def all_imports() -> list[Import]:
    return [imp for name, path in all_modules().items() for imp in imports_of(name, path)]


# The store's own modules, split out of corpus.py (issue 19): the rules about ``corpus``
# (ingest and analyze never import it) hold for them too.
CORPUS_PARTS = {"corpus_schema", "corpus_files"}


def package_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "propscope"
    return "corpus" if parts[1] in CORPUS_PARTS else parts[1]


def is_training(module: str) -> bool:
    return package_of(module) == "training" or module in TRAINING_TODAY


def violations(imp: Import) -> list[str]:
    """Every rule this import breaks (empty when it is fine)."""
    src, dst = package_of(imp.importer), package_of(imp.target)
    if src == dst and is_training(imp.importer) == is_training(imp.target):
        return []
    broken = []
    if LAYER.get(dst, 0) > LAYER.get(src, 0):
        broken.append(f"{src} (layer {LAYER.get(src, 0)}) imports the higher layer {dst}")
    if src in RUNTIME_STAGE_PACKAGES and dst in ("present", "cli"):
        broken.append(f"{src} never imports {dst}")
    if src == "analyze" and not is_training(imp.importer):
        if dst in ("corpus", "link"):
            broken.append(f"analyze never imports {dst}")
        if imp.target == "propscope.evaluate.scorers":
            broken.append("analyze never imports the evaluation scorers")
    lazy_train_entry = imp.importer == TRAINING_ENTRY and imp.in_function
    # evaluate/ (the `eval` command's offline tooling, never run by `run`) may build on the
    # training package's data preparation; the runtime packages may not reach either.
    offline = is_training(imp.importer) or src == "evaluate"
    if src in ("ingest", "link", "stages", "pipeline", "present") and dst == "evaluate":
        broken.append(f"{src} never imports the evaluation tooling")
    if is_training(imp.target) and not offline and not lazy_train_entry:
        broken.append("the runtime never imports training code "
                      f"(only {TRAINING_ENTRY}, inside the train command)")
    if src == "ingest" and dst == "corpus":
        broken.append("ingest/ holds format readers only: it never imports the corpus")
    if src == "pipeline" and dst in ("ingest", "analyze", "link", "present"):
        broken.append("pipeline composes stages/: it reaches ingest/analyze/link/present "
                      "only through them")
    if src == "present" and dst == "link":
        broken.append("present/ shows and exports what link/ stored: it never imports link")
    if src == "engine" and LAYER.get(dst, 0) > 0:
        broken.append("engine/ only computes: it imports core modules only")
    return broken


def test_import_directions() -> None:
    found: dict[tuple[str, str], list[str]] = {}
    for imp in all_imports():
        if broken := violations(imp):
            found.setdefault((imp.importer, imp.target), []).extend(
                f"line {imp.line}: {b}" for b in broken)
    unexpected = {k: v for k, v in found.items() if k not in ALLOWED}
    assert not unexpected, "\n".join(f"{a} -> {b}: {'; '.join(v)}"
                                     for (a, b), v in sorted(unexpected.items()))
    fixed = sorted(set(ALLOWED) - set(found))
    assert not fixed, f"no longer breaking a rule, remove from ALLOWED: {fixed}"


def test_the_rules_catch_what_they_should() -> None:
    """The checker itself: each rule fires on a made-up import that breaks it."""
    def imp(a: str, b: str, lazy: bool = False) -> list[str]:
        return violations(Import(a, b, 1, lazy))

    assert imp("propscope.analyze.references", "propscope.corpus")
    assert imp("propscope.analyze.references", "propscope.corpus_schema")
    assert imp("propscope.ingest.jsonl", "propscope.corpus_files")
    assert imp("propscope.analyze.references", "propscope.link.reuse")
    assert imp("propscope.analyze.references", "propscope.present.html")
    assert imp("propscope.link.reuse", "propscope.cli.common")
    assert imp("propscope.ingest.jsonl", "propscope.present.export")
    assert imp("propscope.ingest.jsonl", "propscope.pipeline")
    assert imp("propscope.stages.ingest", "propscope.pipeline")
    assert imp("propscope.corpus", "propscope.ingest.jsonl")
    assert imp("propscope.analyze.techniques.model", "propscope.training.fit")
    assert imp("propscope.analyze.techniques.model", "propscope.evaluate.scorers")
    assert imp("propscope.present.report", "propscope.training.train")
    assert imp("propscope.cli.techniques", "propscope.training.fit")  # at module level
    assert not imp("propscope.cli.techniques", "propscope.training.fit", lazy=True)
    assert not imp("propscope.training.fit", "propscope.analyze.techniques.model")
    assert not imp("propscope.stages.analyze", "propscope.analyze.registry")
    assert not imp("propscope.cli.pipeline", "propscope.pipeline")
    assert not imp("propscope.link.reuse", "propscope.corpus")


def test_relative_imports_resolve_to_modules() -> None:
    """The parser's view of one known module (so the rules above see real edges)."""
    imports = {i.target for i in imports_of("propscope.cli.pipeline",
                                            PKG / "cli" / "pipeline.py")}
    assert {"propscope.pipeline", "propscope.corpus", "propscope.cli.common"} <= imports


def test_no_module_over_the_line_limit() -> None:
    too_long = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        cap = LONG_MODULES.get(rel, MAX_LINES)
        if lines > cap:
            too_long[rel] = (lines, cap)
    assert not too_long, f"modules over their line cap (lines, cap): {too_long}"
    gone = [m for m in LONG_MODULES if not (SRC / m).exists()
            or len((SRC / m).read_text(encoding="utf-8").splitlines()) <= MAX_LINES]
    assert not gone, f"now under {MAX_LINES} lines or moved: remove from LONG_MODULES: {gone}"


def test_training_modules_listed_today_exist() -> None:
    missing = [m for m in TRAINING_TODAY if m not in all_modules()]
    assert not missing, f"moved (to propscope/training/?): remove from TRAINING_TODAY: {missing}"


# -- no silent fallbacks -----------------------------------------------------------------------

def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("ImportError", "ModuleNotFoundError",
                                                    "Exception", "BaseException")
               for n in names)


def _imports_own_module(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.ImportFrom) and (sub.level or (sub.module or "").startswith(
                "propscope")):
            return True
        if isinstance(sub, ast.Import) and any(a.name.startswith("propscope")
                                               for a in sub.names):
            return True
        if (isinstance(sub, ast.Call) and ast.unparse(sub.func).endswith("import_module")
                and sub.args and "propscope" in ast.unparse(sub.args[0])):
            return True
    return False


def silent_fallbacks(paths: list[Path]) -> list[str]:
    """``try: <import of a propscope module> except ImportError`` (or broader), anywhere."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers)
                    and any(_imports_own_module(stmt) for stmt in node.body)):
                found.append(f"{path.as_posix()}:{node.lineno}")
    return found


def test_no_import_fallbacks_around_our_own_modules() -> None:
    """A broken module of ours must fail loudly, never become a quietly missing feature."""
    paths = sorted(PKG.rglob("*.py")) + sorted((ROOT / "tests").glob("*.py"))
    assert silent_fallbacks(paths) == []


def test_the_fallback_check_catches_one(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("try:\n    from .link.network import write_gexf\nexcept ImportError:\n"
                     "    write_gexf = None\n"
                     "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n")
    found = silent_fallbacks([probe])
    assert len(found) == 1 and found[0].endswith("probe.py:1")


def test_train_names_the_missing_extra_and_nothing_else(tmp_path: Path, monkeypatch) -> None:
    """`propscope train` asks for the [train] packages by name (a missing one is PS301 with
    the install hint), so an ImportError inside our own training code is never mistaken for
    a missing extra."""
    from click.testing import CliRunner

    from propscope.cli import main
    from propscope.cli import techniques as techniques_cli

    monkeypatch.setattr(techniques_cli, "TRAIN_MODULES", ("no_such_package_x9",))
    result = CliRunner().invoke(main, ["train", "--taxonomy", "semeval2023",
                                       "--data", str(tmp_path)])
    assert result.exit_code != 0
    assert "PS301" in result.output and "no_such_package_x9 missing" in result.output
    assert "propscope[train]" in result.output

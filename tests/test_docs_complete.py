"""The docs and the code agree in both directions (issue 19, item 8): every CLI option, every
setting, every exported column and every error code is documented under docs/, and every
option, setting, column and code the docs name exists.

Where each is documented: options anywhere in ``docs/*.md`` (the command pages of the site are
generated from the CLI, so these are the hand-written guides); settings in the table under
``## Settings`` in ``docs/cli.md``; exported columns under ``### TABLE`` in
``docs/exports.md``; error codes in the table under ``## Error codes`` in ``docs/cli.md``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import click

from propscope import errors
from propscope.cli import main
from propscope.corpus import open_corpus
from propscope.present.export import EXPORT_TABLES, export_columns
from propscope.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GLOBAL_OPTIONS = {"--help", "-h", "--version"}


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def section(path: Path, heading: str) -> str:
    """The text under ``heading`` (a ``## `` line) up to the next heading of that level."""
    text = path.read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end >= 0 else len(text)]


def table_keys(text: str) -> set[str]:
    """First-column entries of the Markdown tables in ``text`` (backticks removed)."""
    keys = set()
    for line in text.splitlines():
        cell = re.match(r"\|\s*`?([\w.-]+)`?\s*\|", line)
        if cell and not set(cell.group(1)) <= set("-"):
            keys.add(cell.group(1))
    return keys


def walk(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from walk(command, f"{prefix}{name} ")


def options_of(command: click.Command) -> set[str]:
    return {o for p in command.params if isinstance(p, click.Option)
            for o in (*p.opts, *p.secondary_opts)}


# -- CLI options --------------------------------------------------------------------------------

def test_every_cli_option_is_documented() -> None:
    text = docs_text()
    missing = sorted({f"{name} {opt}" for name, command in walk(main)
                      for opt in options_of(command) if opt.startswith("--")
                      and opt not in GLOBAL_OPTIONS
                      and not re.search(re.escape(opt) + r"(?![\w-])", text)})
    assert not missing, f"options documented nowhere under docs/: {missing}"


def test_every_documented_option_exists() -> None:
    """Each ``propscope CMD ... --option`` written in the docs is an option of CMD, and each
    ``--option`` in docs/cli.md is an option of some command."""
    commands = dict(walk(main))
    everything = set().union(*(options_of(c) for c in commands.values())) | GLOBAL_OPTIONS
    wrong = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for span in re.findall(r"`([^`\n]+)`", text) + re.findall(r"```[a-z]*\n(.*?)```", text,
                                                                    re.S):
            for line in span.splitlines():
                for m in re.finditer(r"\bpropscope ([a-z][\w-]*)((?: [^|;&#)]*)?)", line):
                    command = commands.get(m.group(1))
                    if command is None:
                        continue  # `propscope` as a word, or the package
                    for opt in re.findall(r"(?<![\w-])--[a-z][\w-]*", m.group(2)):
                        if opt not in options_of(command) | GLOBAL_OPTIONS:
                            wrong.append(f"{path.name}: propscope {m.group(1)} {opt}")
    for opt in re.findall(r"(?<![\w-])--[a-z][\w-]*", (DOCS / "cli.md").read_text("utf-8")):
        if opt not in everything:
            wrong.append(f"cli.md: {opt}")
    assert not wrong, f"documented options that do not exist: {sorted(set(wrong))}"


def test_the_option_check_sees_a_wrong_option() -> None:
    assert "--resume" not in options_of(dict(walk(main))["run"])
    assert "--limit" in options_of(dict(walk(main))["link"])


# -- settings -------------------------------------------------------------------------------------

def test_settings_are_documented_both_ways() -> None:
    documented = table_keys(section(DOCS / "cli.md", "## Settings")) - {"setting"}
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields - documented == set(), "settings missing from docs/cli.md ## Settings"
    assert documented - fields == set(), "docs/cli.md ## Settings names settings that do not exist"


# -- exported columns -----------------------------------------------------------------------------

def documented_exports() -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in (DOCS / "exports.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = re.match(r"### (\w+)\s*$", line)
            current = tables.setdefault(heading.group(1), set()) if heading else None
            continue
        cell = re.match(r"\| `?(\w+)`? \|", line)
        if current is not None and cell and cell.group(1) != "column":
            current.add(cell.group(1))
    return tables


def test_export_columns_are_documented_both_ways(complete_corpus: Path) -> None:
    """From the exporter's own column lists, on a corpus where every table was written."""
    with open_corpus(complete_corpus, read_only=True) as corpus:
        absent = [t for t in EXPORT_TABLES if not corpus.has_table(t)]
        assert not absent, f"the complete corpus fixture lacks tables: {absent}"
        exported = {t: set(export_columns(corpus, t)) for t in EXPORT_TABLES}
    docs = documented_exports()
    assert set(docs) == set(exported), (
        f"undocumented tables: {sorted(set(exported) - set(docs))}; "
        f"documented tables not exported: {sorted(set(docs) - set(exported))}")
    problems = {t: {"undocumented": sorted(exported[t] - docs[t]),
                    "not exported": sorted(docs[t] - exported[t])}
                for t in exported if exported[t] != docs[t]}
    assert not problems, problems


# -- error codes ----------------------------------------------------------------------------------

def error_codes() -> set[str]:
    return {cls.code for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.PropscopeError)}


def test_error_codes_are_documented_both_ways() -> None:
    table = table_keys(section(DOCS / "cli.md", "## Error codes")) - {"code"}
    codes = error_codes()
    assert codes - table == set(), "error codes missing from docs/cli.md ## Error codes"
    mentioned = set(re.findall(r"\bPS\d{3}\b", docs_text())) | table
    assert mentioned - codes == set(), "docs name error codes that do not exist"

"""Settings that do something (issue 19, item 7): every field of :class:`Settings` is read by
the code, ``--resume`` is gone (resuming is the default), and ``link`` honours ``--limit``."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from propscope.cli import main
from propscope.corpus import open_corpus
from propscope.errors import InputError
from propscope.settings import Settings, load_settings

SRC = Path(__file__).resolve().parents[1] / "src" / "propscope"

# Settings known to be read nowhere yet, each with who makes it work. The test below fails
# when one of them starts being read, so this list can only shrink.
NOT_READ_YET: dict[str, str] = {}


def _settings_reads() -> set[str]:
    """Names read as ``<something>settings.NAME`` or ``getattr(<...>settings, "NAME")``
    anywhere in the package except the module that defines them."""
    read: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "settings.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute)
                    and ast.unparse(node.value).lower().endswith("settings")):
                read.add(node.attr)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id == "getattr" and len(node.args) >= 2
                  and ast.unparse(node.args[0]).lower().endswith("settings")
                  and isinstance(node.args[1], ast.Constant)):
                read.add(str(node.args[1].value))
    return read


def test_every_setting_is_read_somewhere() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)}
    read = _settings_reads()
    unread = fields - read
    assert unread == set(NOT_READ_YET), (
        f"settings read nowhere: {sorted(unread - set(NOT_READ_YET))}; "
        f"settings now read (remove from NOT_READ_YET): {sorted(set(NOT_READ_YET) - unread)}")


def test_output_flags_are_not_settings() -> None:
    """``--quiet``/``--json`` shape what a command prints; they never were settings and the
    old ``quiet``/``json`` fields were read by nothing, so a config file naming them is wrong."""
    for key in ("quiet", "json"):
        with pytest.raises(InputError, match=f"unknown setting.*{key}"):
            load_settings(**{key: True})


@pytest.mark.parametrize("command", ["run", "analyze", "link"])
def test_there_is_no_resume_flag(tmp_path: Path, command: str) -> None:
    """Every run resumes (finished work is recorded and never redone): the flag did nothing."""
    result = CliRunner().invoke(main, [command, "--corpus", str(tmp_path / "c.duckdb"),
                                       "--resume"])
    assert result.exit_code == 2 and "No such option '--resume'" in result.output
    assert "--resume" not in CliRunner().invoke(main, [command, "--help"]).output


PASSAGE = ("The harbour authority confirmed on Tuesday that the northern pier will close for "
           "repairs over the winter months, and that fishing boats will be moved to the "
           "southern basin while divers inspect the foundations and the old stone walls that "
           "have stood since the town was founded by the first settlers of the bay")


def _reused_corpus(tmp_path: Path) -> Path:
    """Eight documents by eight sources that all quote one long passage, a minute apart."""
    src = tmp_path / "posts.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(8):
            fh.write(json.dumps({
                "text": f"Report {i} from our correspondent number {i}. {PASSAGE}. #Harbour{i % 2}",
                "source": f"site{i}.example", "published": f"2024-05-01T10:0{i}:00Z"}) + "\n")
    corpus = tmp_path / "c.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(src), "--corpus", str(corpus), "-q"])
    assert result.exit_code == 0, result.output
    return corpus


def _link(corpus: Path, *extra: str) -> dict:
    result = CliRunner().invoke(main, ["link", "--corpus", str(corpus), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_link_honours_limit_and_a_later_run_extends_it(tmp_path: Path) -> None:
    corpus = _reused_corpus(tmp_path)
    with open_corpus(corpus, read_only=True) as c:
        ids = [r[0] for r in c.con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
    assert len(ids) == 8

    sample = _link(corpus, "--limit", "3", "--min-words", "20")
    assert sample["reuse"]["documents"] == 3 and sample["reuse"]["hashed"] == 3
    with open_corpus(corpus, read_only=True) as c:
        hashed = {r[0] for r in c.con.execute("SELECT doc_id FROM reuse_docs").fetchall()}
        clustered = {r[0] for r in c.con.execute("SELECT doc_id FROM reuse_clusters").fetchall()}
    assert hashed == set(ids[:3])  # the same sample `analyze --limit 3` takes
    assert clustered == set(ids[:3])  # the passage is found, among the sample only

    whole = _link(corpus, "--min-words", "20")
    assert whole["reuse"]["documents"] == 8 and whole["reuse"]["hashed"] == 5  # only the rest
    with open_corpus(corpus, read_only=True) as c:
        clustered = {r[0] for r in c.con.execute("SELECT doc_id FROM reuse_clusters").fetchall()}
    assert clustered == set(ids)
    # Coordination saw the sample's actions only, then everyone's (recomputed, not skipped).
    assert 0 < sample["coordination"]["actions"] < whole["coordination"]["actions"]

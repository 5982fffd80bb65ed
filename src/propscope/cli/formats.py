"""``propscope formats`` and ``propscope inspect FILE``: which formats propscope reads
and how it will read a given file, before anything is written."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import click

from ..ingest.platforms.inspect import all_formats, inspect_path
from ..ingest.records import ReadOptions
from .common import handle_errors, output_options

# Bidirectional overrides and isolates: they can make shown text read differently.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe(value: Any, width: int = 0) -> str:
    """Terminal-safe text: control characters (ANSI escapes, ``\\r``) shown as escapes,
    so an export's content cannot rewrite the analyst's terminal."""
    text = str(value)
    text = "".join(ch.encode("unicode_escape").decode("ascii")
                   if (unicodedata.category(ch) == "Cc" and ch != "\n") or ch in _BIDI
                   else ch for ch in text)
    text = text.replace("\n", "\\n")
    return text[:width - 1] + "…" if width and len(text) > width else text


@click.command("formats")
@output_options
def formats_cmd(quiet: bool, json_out: bool) -> None:
    """List every input format: how it is detected and which fields are mapped."""
    found = all_formats()
    if json_out:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    if quiet:
        return
    for fmt in found:
        click.echo(f"{fmt['name']}  [{fmt['platform']}]")
        click.echo(f"  detected by: {fmt['detected_by']}")
        click.echo(f"  fields:      {fmt['fields']}")


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--records", "-n", default=5, show_default=True, type=click.IntRange(0, 1000),
              help="How many records to show per file.")
@output_options
@handle_errors
def inspect_cmd(file: Path, records: int, quiet: bool, json_out: bool) -> None:
    """Show FILE's detected format, its field mapping and its first records as
    propscope reads them. Nothing is written."""
    units = list(inspect_path(file, ReadOptions(), records))
    if json_out:
        click.echo(json.dumps(units, indent=2, ensure_ascii=False, default=str))
        return
    if quiet:
        return
    for unit in units:
        fmt = unit["format"]
        click.echo(f"file:        {safe(unit['file'])}")
        click.echo(f"format:      {safe(fmt['name'])}")
        click.echo(f"detected by: {safe(fmt['detected_by'])}")
        click.echo(f"fields:      {safe(fmt['fields'])}")
        for row in unit["records"]:
            click.echo(f"- record {safe(row['record'])}")
            for key, value in row.items():
                if key == "record":
                    continue
                if key == "post":
                    for name, field in value.items():
                        click.echo(f"    post.{name}: {safe(field, 160)}")
                    continue
                click.echo(f"    {key}: {safe(value, 160)}")


commands = [formats_cmd, inspect_cmd]

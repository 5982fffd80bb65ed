"""The ``propscope`` command: a thin layer over the library API.

Each command lives in a small module of this package that exposes ``commands``
(a list of click commands); this group collects them. Outside packages could add
commands the same way.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click

from .. import __version__
from .common import json_error

# One module per command family; each exposes ``commands: list[click.Command]``.
COMMAND_MODULES = [
    "propscope.cli.pipeline",      # run, ingest, analyze, link, export, status
    "propscope.cli.techniques",    # train, predict-spans, eval
    "propscope.cli.present",       # report, serve
    "propscope.cli.formats",       # formats, inspect
]


def version_text() -> str:
    """The package version plus each shipped model's name and version (its ``config.json``).

    The models are retrained between releases, and spans are only reproducible with the model
    that made them, so a bug report or a methods section needs both versions.
    """
    lines = [f"propscope {__version__}"]
    for config in sorted((Path(__file__).resolve().parents[1] / "models").glob("*/config.json")):
        try:
            meta = json.loads(config.read_text(encoding="utf-8"))
            lines.append(f"model {meta.get('name', config.parent.name)} {meta.get('version', '?')}")
        except (OSError, ValueError):
            lines.append(f"model {config.parent.name} (config.json unreadable)")
    return "\n".join(lines)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


class _JsonAwareGroup(click.Group):
    """Usage errors (a missing input path, a bad option) are click's, raised before a
    command's own error handling; with ``--json`` they are JSON on stdout as well, so a
    script reads every failure the same way (:func:`.common.json_error`)."""

    def invoke(self, ctx: click.Context) -> object:
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]  # invoke empties them
        words = words[:words.index("--")] if "--" in words else words  # then file names
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if "--json" in words:
                json_error("PS100", exc.format_message(), "see the command's --help",
                           exc.exit_code)
            raise


@click.group(cls=_JsonAwareGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version of propscope and of its shipped models, then exit.")
def main() -> None:
    """propscope: propaganda techniques, text manipulation and coordinated messaging.

    Start with `propscope run SOURCES... --corpus corpus.duckdb --out out/`.
    """


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)  # a broken command module fails loudly
        for command in module.commands:
            main.add_command(command)


_load_commands()

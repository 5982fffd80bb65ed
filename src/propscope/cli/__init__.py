"""The ``propscope`` command: a thin layer over the library API.

Each command lives in a small module of this package that exposes ``commands``
(a list of click commands); this group collects them. Outside packages could add
commands the same way.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

# One module per command family; each exposes ``commands: list[click.Command]``.
COMMAND_MODULES = [
    "propscope.cli.pipeline",      # run, ingest, analyze, link, export, status
    "propscope.cli.techniques",    # train, predict-spans, eval
    "propscope.cli.present",       # report, serve
    "propscope.cli.formats",       # formats, inspect
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="propscope")
def main() -> None:
    """propscope: propaganda techniques, text manipulation and coordinated messaging.

    Start with `propscope run SOURCES... --corpus corpus.duckdb --out out/`.
    """


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command family is not part of this build
                continue
            raise
        for command in module.commands:
            main.add_command(command)


_load_commands()

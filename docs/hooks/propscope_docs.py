"""MkDocs hook: the generated parts of the documentation site.

Why a hook and not checked-in pages: the command pages are generated from the click CLI at
build time, so they cannot drift from `propscope --help`; a few Markdown files that live
beside the code (the model card, the example corpus's README, the changelog and the security
policy) are pulled into the site so their links are checked like every other page's.

- ``on_config``: the navigation (guides are every ``docs/*.md`` not listed elsewhere, so a new
  guide appears without editing ``mkdocs.yml``).
- ``on_files``: one page per command under ``commands/``, plus the pages imported from
  outside ``docs/``.
- ``on_page_markdown``: relative links that leave ``docs/`` are rewritten to the imported
  page they point at; any other link out of the site stays as written, and ``mkdocs build
  --strict`` then fails on it.
"""

from __future__ import annotations

import enum
import html
import inspect
import posixpath
import re
from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]

# Files outside docs/ that become pages: repository path -> page path in the site.
IMPORTED = {
    "src/propscope/models/MODEL_CARD.md": "model-card.md",
    "examples/README.md": "examples.md",
    "CHANGELOG.md": "changelog.md",
    "SECURITY.md": "security-policy.md",
}
# SECURITY.md points at the threat model, docs/security.md: it joins the site with it.
NEEDS = {"SECURITY.md": "security.md"}
# docs/ pages placed in the navigation by hand; every other docs/*.md is a guide.
REFERENCE = {"index.md": None, "exports.md": "Exports schema", "api.md": "Python API",
             "architecture.md": "Architecture"}

LINK = re.compile(r"(\]\()([^)\s]+)(\))")


def _cli() -> click.Group:
    from propscope.cli import main

    return main


def imported(docs_dir: Path) -> dict[str, str]:
    """The pages imported from outside docs/ whose link targets exist."""
    return {repo: page for repo, page in IMPORTED.items()
            if repo not in NEEDS or (docs_dir / NEEDS[repo]).exists()}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    docs_dir = Path(config.docs_dir)
    project = [{"Example corpus": "examples.md"}, {"Changelog": "changelog.md"}]
    if "SECURITY.md" in imported(docs_dir):
        project.append({"Security policy": "security-policy.md"})
    guides = sorted(p.name for p in docs_dir.glob("*.md") if p.name not in REFERENCE)
    commands = [f"commands/{name}.md" for name in sorted(_cli().commands)]
    config.nav = [
        {"Home": "index.md"},
        {"Guides": guides},
        {"Reference": [
            {"Architecture": "architecture.md"},
            {"Commands": ["commands/index.md", *commands]},
            {"Exports schema": "exports.md"},
            {"Python API": "api.md"},
            {"Model card": "model-card.md"},
        ]},
        {"Project": project},
    ]
    return config


def _text(value: str | None) -> str:
    """Help text as Markdown-safe prose: click's ``\\b`` markers dropped, HTML escaped."""
    lines = [ln for ln in inspect.cleandoc(value or "").splitlines() if ln.strip() != "\b"]
    return html.escape("\n".join(lines), quote=False)


def _cell(value: str) -> str:
    return _text(value).replace("\n", " ").replace("|", "\\|")


def _default(param: click.Parameter, ctx: click.Context) -> str:
    default = param.get_default(ctx, call=False)
    unset = isinstance(default, enum.Enum) and default.name == "UNSET"  # click >= 8.2
    if unset or default is None or default is False or callable(default) or default == ():
        return ""
    if isinstance(default, list | tuple):
        default = ", ".join(map(str, default))
    return f"`{default}`"


def command_page(name: str, command: click.Command) -> str:
    """The Markdown page of one command: usage, description, arguments and options."""
    ctx = click.Context(command, info_name=f"propscope {name}")
    usage = " ".join(command.collect_usage_pieces(ctx))
    out = [f"# propscope {name}", "", _text(command.help), "", "## Usage", "", "```text",
           f"propscope {name} {usage}", "```", ""]
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if arguments:
        out += ["## Arguments", "", "| argument | required | repeatable |", "|---|---|---|"]
        for arg in arguments:
            out.append(f"| `{arg.human_readable_name}` | {'yes' if arg.required else 'no'} | "
                       f"{'yes' if arg.nargs == -1 else 'no'} |")
        out.append("")
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    out += ["## Options", "", "| option | type | default | meaning |", "|---|---|---|---|"]
    for opt in options:
        flags = ", ".join(f"`{o}`" for o in [*opt.opts, *opt.secondary_opts])
        kind = "flag" if opt.is_flag else _cell(opt.type.get_metavar(opt, ctx) or opt.type.name)
        out.append(f"| {flags} | {kind} | {_default(opt, ctx)} | {_cell(opt.help or '')} |")
    out += ["| `-h`, `--help` | flag |  | Show the help and exit. |", "",
            "Generated from the command's own `--help` by `docs/hooks/propscope_docs.py`.", ""]
    return "\n".join(out)


def commands_index() -> str:
    group = _cli()
    out = ["# Commands", "", _text(group.help), "", "| command | what it does |", "|---|---|"]
    for name in sorted(group.commands):
        short = group.commands[name].get_short_help_str(limit=200)
        out.append(f"| [propscope {name}]({name}.md) | {_cell(short)} |")
    out += ["", "Every command takes `-h` / `--help`. `propscope --version` prints the version of",
            "propscope and of each shipped technique model.", "",
            "The hand-written guide to the same commands, with examples, is [the command "
            "reference](../cli.md).", ""]
    return "\n".join(out)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    group = _cli()
    files.append(File.generated(config, "commands/index.md", content=commands_index()))
    for name, command in sorted(group.commands.items()):
        files.append(File.generated(config, f"commands/{name}.md",
                                    content=command_page(name, command)))
    for repo_path, page in imported(Path(config.docs_dir)).items():
        files.append(File.generated(config, page, abs_src_path=str(ROOT / repo_path)))
    return files


def _origin(page: Page) -> str:
    """The repository path a page was written at (docs/... or an imported file)."""
    for repo_path, uri in IMPORTED.items():
        if page.file.src_uri == uri:
            return repo_path
    return f"docs/{page.file.src_uri}"


def rewrite_links(markdown: str, origin: str, src_uri: str) -> str:
    """Point relative links that leave docs/ at the page the target became in the site."""
    here = posixpath.dirname(src_uri)

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        repo_target = posixpath.normpath(posixpath.join(posixpath.dirname(origin), path))
        if repo_target in IMPORTED:
            new = IMPORTED[repo_target]
        elif repo_target.startswith("docs/"):
            new = repo_target[len("docs/"):]
        else:
            return match.group(0)
        new = posixpath.relpath(new, here or ".")
        return f"{match.group(1)}{new}{'#' + anchor if anchor else ''}{match.group(3)}"

    return LINK.sub(fix, markdown)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files,
                     **_: Any) -> str:
    return rewrite_links(markdown, _origin(page), page.file.src_uri)

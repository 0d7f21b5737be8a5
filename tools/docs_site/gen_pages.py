"""Writes pages at build time (mkdocs-gen-files), so none is a committed copy that can drift: the
API reference (a page per public module of cvat_sdk, per API class and per initial of the models of
the generated cvat_api, and the cvat-cli command reference from the CLI's own parser), and a page
per file of examples/, showing the file itself."""

from __future__ import annotations

import argparse
import ast
import io
import pkgutil
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import mkdocs_gen_files

ROOT = Path(__file__).resolve().parents[2]
SDK_SRC = ROOT / "packages/cvat-sdk/src"
EXAMPLES = ROOT / "examples"
API_SRC = ROOT / "packages/cvat-api/src"

# cvat_sdk.api_client re-exports cvat_api's modules under the official names: documented once, there.
SDK_SKIPPED = ("cvat_sdk.api_client",)

# Generated classes share their base's members (from_dict, to_dict, ...): documented once, on the base.
_NOT_INHERITED = "    options:\n      inherited_members: false\n"


class _Section:
    """Pages of one generated section of the site (its folder) and their navigation."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.nav = mkdocs_gen_files.Nav()

    def write(self, path: str, text: str, nav_parts: tuple[str, ...] | None = None) -> None:
        """Write the page `path` of this section, listed in its navigation under `nav_parts`."""
        with mkdocs_gen_files.open(f"{self.folder}/{path}", "w") as f:
            f.write(text)
        if nav_parts:
            self.nav[nav_parts] = path

    def write_nav(self) -> None:
        """SUMMARY.md for literate-nav: the section's index.md first, then its pages in order."""
        with mkdocs_gen_files.open(f"{self.folder}/SUMMARY.md", "w") as f:
            f.write("* [Overview](index.md)\n")
            f.writelines(self.nav.build_literate_nav())


reference = _Section("reference")


def _public_modules(src: Path, package: str) -> Iterator[str]:
    """Module names under `package` in `src`, without private (underscore) modules, sorted."""
    yield package
    for info in pkgutil.walk_packages([str(src / package.replace(".", "/"))], prefix=package + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield info.name


def sdk_pages() -> None:
    for name in sorted(_public_modules(SDK_SRC, "cvat_sdk")):
        if name.startswith(SDK_SKIPPED):
            continue
        reference.write(
            f"cvat_sdk/{name}.md",
            f"# `{name}`\n\n::: {name}\n    options:\n      show_root_heading: false\n",
            ("cvat_sdk", name),
        )
    reference.write(
        "cvat_sdk/cvat_sdk.api_client.md",
        "# `cvat_sdk.api_client`\n\nThe official SDK's low-level package. Its modules are the same module "
        "objects as those of the generated `cvat_api` package: `cvat_sdk.api_client.models` is "
        "[`cvat_api.models`](../cvat_api/index.md), `cvat_sdk.api_client.api.tasks_api` is "
        "[`cvat_api.apis.tasks_api`](../cvat_api/apis/tasks_api.md), and `ApiClient`, `Configuration` "
        "and the exceptions are those of [`cvat_api`](../cvat_api/index.md). See the guide "
        "[The low-level API](../../guides/low-level-api.md).\n",
        ("cvat_sdk", "cvat_sdk.api_client"),
    )


def api_pages() -> None:
    reference.write(
        "cvat_api/index.md",
        "# `cvat_api`\n\nThe low-level client, generated from the server's OpenAPI schema: one API class per "
        "tag (under *APIs*), one attrs model or enum per schema (under *Models*), over a small hand-written "
        "runtime.\n\n::: cvat_api\n    options:\n      show_root_heading: false\n\n"
        "::: cvat_api.exceptions\n",
        ("cvat_api", "cvat_api"),
    )
    for path in sorted((API_SRC / "cvat_api/apis").glob("*_api.py")):
        cls = "".join(part.capitalize() for part in path.stem.split("_"))
        reference.write(
            f"cvat_api/apis/{path.stem}.md",
            f"# `{cls}`\n\n::: cvat_api.apis.{path.stem}.{cls}\n{_NOT_INHERITED}",
            ("cvat_api", "APIs", cls),
        )
    # Models by initial, one page each: 229 pages of one small class would swell every page's navigation.
    by_initial: dict[str, list[str]] = {}
    for path in sorted((API_SRC / "cvat_api/models").glob("*.py")):
        if not path.stem.startswith("_"):
            by_initial.setdefault(path.stem[0].upper(), []).append(
                f"::: cvat_api.models.{path.stem}.{_defined_class(path)}\n{_NOT_INHERITED}"
            )
    for initial, blocks in by_initial.items():
        reference.write(
            f"cvat_api/models/{initial.lower()}.md",
            f"# Models: {initial}\n\n" + "\n".join(blocks),
            ("cvat_api", "Models", initial),
        )


def _defined_class(path: Path) -> str:
    """The one class a generated model module defines (named in its `__all__`)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("__all__ = ["):
            return line.split('"')[1]
    raise ValueError(f"{path}: no __all__ naming its class")


def cli_page() -> None:
    from cvat_cli._internal.parser import build_parser

    out = ["# `cvat-cli` commands\n", "Every command's `--help`, taken from the CLI's own parser at build time.\n"]
    for title, parser in _parsers(build_parser(), "cvat-cli"):
        help_text = io.StringIO()
        with redirect_stdout(help_text):
            parser.print_help()
        out.append(f"## `{title}`\n\n```text\n{help_text.getvalue().rstrip()}\n```\n")
    reference.write("cvat_cli/commands.md", "\n".join(out), ("cvat_cli", "Commands"))
    reference.write(
        "cvat_cli/index.md",
        "# `cvat_cli`\n\n::: cvat_cli\n    options:\n      show_root_heading: false\n\n::: cvat_cli.__main__\n",
        ("cvat_cli", "cvat_cli"),
    )


def _parsers(parser: argparse.ArgumentParser, title: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield title, parser
    for action in parser._actions:  # argparse keeps subcommands only there
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                if sub.get_default("deprecated_alias_of") is None:  # the deprecated aliases repeat `task` commands
                    yield from _parsers(sub, f"{title} {name}")


def example_pages() -> None:
    """examples/README.md as the section's first page, then each example file as it is."""
    examples = _Section("examples")
    examples.write("index.md", (EXAMPLES / "README.md").read_text(encoding="utf-8"))
    for path in sorted(EXAMPLES.iterdir()):
        if path.name == "README.md" or path.name.startswith(".") or not path.is_file():  # dotfiles: tool settings
            continue
        text = path.read_text(encoding="utf-8")
        language = {".py": "python", ".sh": "bash"}[path.suffix]
        page = f'# `{path.name}`\n\n{_summary(path, text)}\n\n```{language} title="examples/{path.name}"\n{text}```\n'
        examples.write(f"{path.stem}.md", page, (path.name,))
    examples.write_nav()


def _summary(path: Path, text: str) -> str:
    """The first paragraph of a Python file's docstring, or of a shell script's leading comment."""
    if path.suffix == ".py":
        head = (ast.get_docstring(ast.parse(text)) or "").split("\n\n")[0]
    else:
        comment = [line[1:].strip() for line in text.splitlines()[1:] if line.startswith("#")]
        head = "\n".join(comment).split("\n\n")[0]
    return " ".join(head.split())


sdk_pages()
api_pages()
cli_page()
example_pages()
reference.write(
    "index.md",
    "# API reference\n\nGenerated from the code and its docstrings when the site is built.\n\n"
    "- [`cvat_sdk`](cvat_sdk/cvat_sdk.md): the high-level API.\n"
    "- [`cvat_api`](cvat_api/index.md): the generated low-level client (also `cvat_sdk.api_client`).\n"
    "- [`cvat_cli`](cvat_cli/index.md) and the [`cvat-cli` commands](cvat_cli/commands.md).\n",
)
reference.write_nav()

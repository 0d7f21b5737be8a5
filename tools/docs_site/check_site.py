"""MkDocs hook: after the build, check the built site itself. Every internal link and image of every
page must reach a built file, and its #fragment an element of that page; the search index must
cover every page; code blocks must be highlighted. Any failure aborts the build."""

from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel


class _Page(HTMLParser):
    """The ids a page defines, the links it makes, and how many highlighted code tokens it has."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.code_blocks = 0
        self.tokens = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if a.get("name") and tag == "a":
            self.ids.add(a["name"] or "")
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "script", "link"):
                self.links.append(a[key] or "")
        classes = (a.get("class") or "").split()
        if tag == "div" and "highlight" in classes:
            self.code_blocks += 1
        if tag == "span" and classes and any(c in _TOKEN_CLASSES for c in classes):
            self.tokens += 1


# Pygments' short classes for keywords, names, strings, comments, numbers and operators.
_TOKEN_CLASSES = {"k", "kn", "kd", "n", "nf", "nc", "s", "s1", "s2", "c", "c1", "mi", "o", "p", "nb", "sd"}


def _target(page_dir: str, href: str) -> tuple[str, str] | None:
    """The built file (relative to the site) and #fragment that `href` on a page in `page_dir` reaches."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
        return None  # external: not checked (the build runs without network)
    path = unquote(parts.path)
    if path.startswith("/"):  # root-relative (the 404 page's links): the site is served at its root
        target = posixpath.normpath(path.lstrip("/") or ".")
    elif path:
        target = posixpath.normpath(posixpath.join(page_dir, path))
    else:
        return "", unquote(parts.fragment)  # this page
    if path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html")
    return posixpath.normpath(target), unquote(parts.fragment)


def check_site(site: Path) -> list[str]:
    """Problems of the built site at `site`, each naming the page and the link."""
    problems: list[str] = []
    built = {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}
    files = set(built)
    pages: dict[str, _Page] = {}
    for name in sorted(n for n in built if n.endswith(".html")):
        pages[name] = parsed = _Page()
        parsed.feed(built[name].read_text(encoding="utf-8"))
    directories = {posixpath.dirname(f) for f in files}
    for name, parsed in pages.items():
        page_dir = posixpath.dirname(name)
        for href in set(parsed.links):
            found = _target(page_dir, href)
            if found is None:
                continue
            target, fragment = found
            target = target or name
            if target not in files and target in directories:
                target = posixpath.join(target, "index.html")
            if target not in files:
                problems.append(f"{name}: link {href!r} reaches no file")
            elif fragment and target in pages and fragment not in pages[target].ids:
                problems.append(f"{name}: link {href!r}: no #{fragment} on that page")
    if not any(p.code_blocks and p.tokens for p in pages.values()):
        problems.append("no page has a highlighted code block")
    index = site / "search/search_index.json"
    if not index.exists():
        problems.append("no search index (search/search_index.json)")
    else:
        indexed = {d["location"].split("#")[0] for d in json.loads(index.read_text(encoding="utf-8"))["docs"]}
        for name in pages:
            if name.endswith("index.html") and name[: -len("index.html")] not in indexed:
                problems.append(f"{name}: not in the search index")
    return problems


def on_files(files: Files, config: Any) -> Files:
    """The generated SUMMARY.md files are navigation for literate-nav, not pages to build."""
    for file in files:
        if file.src_uri.endswith("SUMMARY.md"):
            file.inclusion = InclusionLevel.EXCLUDED
    return files


def on_post_build(config: Any, **kwargs: Any) -> None:
    problems = check_site(Path(config["site_dir"]))
    if problems:
        raise PluginError("the built site has problems:\n  " + "\n  ".join(problems))

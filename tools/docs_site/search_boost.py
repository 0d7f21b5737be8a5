"""MkDocs hook: how search ranks pages. The guides and Getting started come first, then the
high-level API (cvat_sdk) and the CLI, then the generated low-level client, whose ~230 models
would otherwise fill the first results of almost any query ("download frames")."""

from __future__ import annotations

from typing import Any

# (path prefix, boost); the first prefix that matches a page's source path wins
BOOSTS = (
    ("guides/", 8.0),
    ("getting-started.md", 8.0),
    ("index.md", 2.0),
    ("examples/", 2.0),
    ("reference/cvat_sdk/", 2.0),
    ("reference/cvat_cli/", 2.0),
    ("reference/cvat_api/apis/", 0.5),
    ("reference/cvat_api/models/", 0.2),
)


def boost_for(src_uri: str) -> float | None:
    return next((boost for prefix, boost in BOOSTS if src_uri.startswith(prefix)), None)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    boost = boost_for(page.file.src_uri)
    if boost is not None:
        page.meta.setdefault("search", {}).setdefault("boost", boost)
    return markdown

"""The documentation site: `mkdocs build --strict` succeeds, the generated reference covers every
module, API class, model and CLI command, the built-site check catches what it should, and the
README stays a short landing page whose links reach real pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.examples.conftest import example_files
from tools.docs_site.check_site import check_site

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "WARNING" not in run.stderr, run.stderr[-4000:]
    return out


def _anchors(page: Path) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))


def test_reference_covers_every_api_class_and_model(site: Path) -> None:
    api_src = ROOT / "packages/cvat-api/src/cvat_api"
    for module in sorted((api_src / "apis").glob("*_api.py")):
        cls = "".join(part.capitalize() for part in module.stem.split("_"))
        page = site / f"reference/cvat_api/apis/{module.stem}/index.html"
        assert f"cvat_api.apis.{module.stem}.{cls}" in _anchors(page), cls
    anchors = set().union(*(_anchors(p) for p in (site / "reference/cvat_api/models").rglob("index.html")))
    models = [m for m in (api_src / "models").glob("*.py") if not m.stem.startswith("_")]
    assert len(models) > 200
    for module in models:
        cls = re.search(r'__all__ = \["(\w+)"', module.read_text(encoding="utf-8"))  # then its I<Name>
        assert cls and f"cvat_api.models.{module.stem}.{cls.group(1)}" in anchors, module.stem
    # fields are shown with their types
    task_read = (site / "reference/cvat_api/models/t/index.html").read_text(encoding="utf-8")
    assert 'id="cvat_api.models.task_read.TaskRead.size"' in task_read


def test_reference_covers_the_sdk_modules_and_cli_commands(site: Path) -> None:
    sdk_src = ROOT / "packages/cvat-sdk/src"
    for path in sdk_src.rglob("*.py"):
        name = ".".join(path.relative_to(sdk_src).with_suffix("").parts).removesuffix(".__init__")
        if any(part.startswith("_") for part in name.split(".")) or name.startswith("cvat_sdk.api_client."):
            continue
        assert (site / f"reference/cvat_sdk/{name}/index.html").exists(), name
    client = _anchors(site / "reference/cvat_sdk/cvat_sdk.core.client/index.html")
    assert {"cvat_sdk.core.client.Client.login", "cvat_sdk.core.client.make_client"} <= client
    commands = (site / "reference/cvat_cli/commands/index.html").read_text(encoding="utf-8")
    for command in (
        "task create",
        "task export-dataset",
        "project ls",
        "job ls",
        "function create-native",
        "access-token create",
    ):
        assert f"cvat-cli {command}" in commands, command


def test_every_example_is_shown_as_it_is(site: Path) -> None:
    """Each file of examples/ has its page, built from the file itself (no copy that can drift)."""
    examples = example_files()
    assert len(examples) >= 8
    for path in examples:
        page = site / f"examples/{path.stem}/index.html"
        assert page.exists(), path.name
        shown = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        shown = (
            shown.replace("&quot;", '"')
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
        )
        for line in path.read_text(encoding="utf-8").splitlines():
            assert line.strip() in shown, f"{path.name}: {line!r} is not on its page"


def test_search_index_and_highlighting(site: Path) -> None:
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "create_from_data" in index and "TaskVisionDataset" in index
    page = (site / "getting-started/index.html").read_text(encoding="utf-8")
    assert '<span class="kn">from</span>' in page


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for name, html in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    (tmp_path / "search").mkdir(exist_ok=True)
    locations = [{"location": n[: -len("index.html")]} for n in pages if n.endswith("index.html")]
    (tmp_path / "search/search_index.json").write_text(__import__("json").dumps({"docs": locations}))
    return tmp_path


CODE = '<div class="highlight"><pre><span class="kn">import</span></pre></div>'


def test_site_check_accepts_a_sound_site(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "index.html": f'<a href="guide/">g</a><a href="guide/#usage">u</a><a href="https://x.org/">x</a>{CODE}',
            "guide/index.html": '<h2 id="usage">Usage</h2><a href="../">home</a><a href="/guide/#usage">self</a>',
        },
    )
    assert check_site(site) == []


def test_site_check_finds_broken_links_anchors_and_missing_search(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "index.html": f'<a href="missing/">m</a><a href="guide/#nowhere">n</a><img src="img.png">{CODE}',
            "guide/index.html": '<h2 id="usage">Usage</h2>',
        },
    )
    (site / "orphan").mkdir()
    (site / "orphan/index.html").write_text("<p>not indexed</p>")
    problems = check_site(site)
    assert any("'missing/' reaches no file" in p for p in problems)
    assert any("no #nowhere" in p for p in problems)
    assert any("'img.png' reaches no file" in p for p in problems)
    assert any("orphan/index.html: not in the search index" in p for p in problems)


def test_site_check_requires_highlighted_code(tmp_path: Path) -> None:
    site = _site(tmp_path, {"index.html": "<pre><code>import x</code></pre>"})
    assert check_site(site) == ["no page has a highlighted code block"]


def test_readme_is_a_short_landing_page_with_working_links() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) < 8000, f"README.md has {len(readme)} characters"
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", readme):
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"
    assert "docs/" in readme

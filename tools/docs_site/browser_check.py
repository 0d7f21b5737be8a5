"""Opens the built documentation site in headless Chromium and checks what a reader sees: pages
render (screenshots that are not blank), search finds an API name and ranks the guides and the
high-level API above the generated models, code blocks are highlighted and show whole at 1440 and
390 px wide (clear of the copy button), the sidebar's title hides no item, guides have headings,
and the API reference opens with the public API, with typed, cross-linked signatures.
`make docs-browser-check`; needs Debian's `chromium` and the `playwright` Python package (no
browser download)."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import sync_playwright

PAGES = [
    "",
    "getting-started/",
    "guides/annotations/",
    "examples/create_tasks_in_bulk/",
    "reference/cvat_sdk/cvat_sdk.core.client/",
]
WIDTHS = (1440, 390)  # a common desktop width and a phone's
CLIENT_PAGE = "reference/cvat_sdk/cvat_sdk.core.client/"
SEARCH = "download frames"  # a task: the answer is a guide or the high-level API, not a generated model


def _guides_and_examples(site: Path) -> list[str]:
    """The hand-written pages with code: home, Getting started, every guide and example."""
    pages = ["", "getting-started/"]
    for folder in ("guides", "examples"):
        pages += sorted(f"{folder}/{d.name}/" for d in (site / folder).iterdir() if (d / "index.html").is_file())
    return pages


_CLIPPED_CODE = """() => [...document.querySelectorAll('.md-typeset pre > code')]
    .filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.split('\\n').reduce((a, l) => l.length > a.length ? l : a, '').slice(0, 50))"""
_COPY_BUTTON_OVER_TEXT = """() => [...document.querySelectorAll('.md-typeset pre > code')].filter(c => {
    const button = c.parentElement.querySelector('.md-code__button, .md-clipboard');
    if (!button) return false;
    const text = c.getBoundingClientRect().right - parseFloat(getComputedStyle(c).paddingRight);
    return text > button.getBoundingClientRect().left + 1;
}).length"""
_SIDEBAR_TITLE = """() => {
    const title = document.querySelector('.md-nav--primary > .md-nav__title');
    if (!title) return 'none';
    const style = getComputedStyle(title);
    return style.display === 'none' ? 'hidden' : style.position;
}"""


def _check_layout(page: Any, base: str, pages: list[str], width: int) -> list[str]:
    problems = []
    for path in pages:
        page.goto(base + path)
        clipped = page.evaluate(_CLIPPED_CODE)
        if clipped:
            problems.append(f"/{path} at {width} px: code cut off, e.g. {clipped[0]!r}")
        if page.evaluate("() => document.documentElement.scrollWidth") > width + 1:
            problems.append(f"/{path} at {width} px: the page scrolls sideways")
        if page.evaluate(_COPY_BUTTON_OVER_TEXT):
            problems.append(f"/{path} at {width} px: the copy button covers code")
    return problems


def _check_reference(page: Any, base: str) -> list[str]:
    """The client module's page: its public names (__all__), Client first, nothing private;
    signatures link their types (other classes, the progress reporter, the models)."""
    from cvat_sdk.core import client

    problems = []
    page.goto(base + CLIENT_PAGE)
    ids = page.evaluate("() => [...document.querySelectorAll('.doc-heading[id]')].map(h => h.id)")
    top = [i.rsplit(".", 1)[1] for i in ids if i.count(".") == 3]  # cvat_sdk.core.client.<name>
    if sorted(top) != sorted(client.__all__) or top[:1] != ["Client"]:
        problems.append(f"reference: {CLIENT_PAGE} shows {top}: not its public API {client.__all__}, Client first")
    text = page.locator("article").inner_text()
    for private in ("_BUILD", "ORG_HEADER", "SCHEME_PROBE_TIMEOUT"):
        if private in text:
            problems.append(f"reference: {CLIENT_PAGE} shows the internal {private}")
    links = page.evaluate(
        "() => [...document.querySelectorAll('.doc-signature a')].map(a => [a.textContent, a.getAttribute('href')])"
    )
    names = {name for name, _ in links}
    for wanted in ("Config", "ProgressReporter", "Credentials"):
        if wanted not in names:
            problems.append(f"reference: no signature on {CLIENT_PAGE} links {wanted}")
    if not any("cvat_api/models/" in (href or "") for _, href in links):
        problems.append(f"reference: no signature on {CLIENT_PAGE} links a model")
    heading = page.locator('[id="cvat_sdk.core.client.make_client"]').locator("xpath=..").inner_text()
    if "host: str | None" not in heading or "-> Client" not in heading:
        problems.append(f"reference: make_client shows no typed signature: {heading[:200]!r}")
    return problems


def _check_search(page: Any, base: str) -> list[str]:
    page.goto(base + "getting-started/")
    page.locator("input.md-search__input").fill(SEARCH)
    try:
        page.wait_for_selector(".md-search-result__item", timeout=20000)
    except Exception:
        return [f"search: no result for {SEARCH!r}"]
    page.wait_for_timeout(500)
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('.md-search-result__item > a')].map(a => a.getAttribute('href'))"
    )
    first = hrefs[:5]
    problems = []
    if any("reference/cvat_api/" in h for h in first):
        problems.append(f"search: generated low-level pages among the first results for {SEARCH!r}: {first}")
    if not any("guides/" in h or "cvat_sdk.core.proxies.tasks" in h for h in first):
        problems.append(f"search: neither a guide nor Task.download_frames first for {SEARCH!r}: {first}")
    return problems


def _check_headings(page: Any, base: str, site: Path) -> list[str]:
    """Every guide has headings, so that its table of contents leads somewhere."""
    problems = []
    for d in sorted((site / "guides").iterdir()):
        if (d / "index.html").is_file():
            page.goto(base + f"guides/{d.name}/")
            if page.locator("article h2").count() < 2:
                problems.append(f"/guides/{d.name}/: fewer than two headings")
    return problems


def _serve(site: Path) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _not_blank(png: Path) -> bool:
    """A rendered page has text and colour: many distinct colours, not one flat background."""
    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    return len(colours) > 50


def check(site: Path, chromium: str, shots: Path) -> list[str]:
    problems: list[str] = []
    shots.mkdir(parents=True, exist_ok=True)
    server = _serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path in PAGES:
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    problems.append(f"/{path}: HTTP {response.status if response else 'no answer'}")
                    continue
                if not page.locator("h1").first.inner_text().strip():
                    problems.append(f"/{path}: no title rendered")
                shot = shots / ((path.strip("/").replace("/", "_") or "home") + ".png")
                page.screenshot(path=str(shot))
                if not _not_blank(shot):
                    problems.append(f"/{path}: the screenshot {shot} is blank")
            page.goto(base + "getting-started/")
            if page.locator(".highlight span.kn, .highlight span.k").count() == 0:
                problems.append("getting-started: code blocks are not highlighted")
            problems += _check_reference(page, base)
            problems += _check_search(page, base)
            page.screenshot(path=str(shots / "search.png"))
            problems += _check_headings(page, base, site)
            page.goto(base + "reference/cvat_api/models/t/")
            page.mouse.move(100, 400)
            page.mouse.wheel(0, 600)
            if page.evaluate(_SIDEBAR_TITLE) == "sticky":
                problems.append("sidebar: its title sticks over the items scrolled under it")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                problems += _check_layout(page, base, _guides_and_examples(site), width)
                page.goto(base + "getting-started/")
                page.screenshot(path=str(shots / f"getting-started-{width}.png"), full_page=True)
            problems += [f"JavaScript error: {e}" for e in errors]
            browser.close()
    finally:
        server.shutdown()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--screenshots", type=Path, default=Path("site-screenshots"))
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    if not args.chromium:
        print("docs browser check: no chromium found (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    if not (args.site / "index.html").exists():
        print(f"docs browser check: no built site in {args.site} (make docs)", file=sys.stderr)
        return 2
    problems = check(args.site, args.chromium, args.screenshots)
    for problem in problems:
        print(f"docs browser check: {problem}", file=sys.stderr)
    if not problems:
        print(
            f"docs browser check: {len(PAGES)} pages rendered; search ranking, highlighting, code widths at "
            f"{' and '.join(map(str, WIDTHS))} px, headings and the reference checked; screenshots in {args.screenshots}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

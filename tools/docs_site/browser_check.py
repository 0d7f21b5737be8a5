"""Opens the built documentation site in headless Chromium and checks what a reader sees: pages
render (screenshots that are not blank), search finds an API name, code blocks are highlighted,
and the API reference shows typed signatures. `make docs-browser-check`; needs Debian's
`chromium` and the `playwright` Python package (no browser download)."""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

PAGES = [
    "",
    "getting-started/",
    "guides/annotations/",
    "examples/create_tasks_in_bulk/",
    "reference/cvat_sdk/cvat_sdk.core.client/",
]


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
            page.goto(base + "reference/cvat_sdk/cvat_sdk.core.client/")
            heading = page.locator('[id="cvat_sdk.core.client.make_client"]').inner_text()
            if "host: str" not in heading or "-> Client" not in heading:
                problems.append(f"reference: make_client's heading shows no typed signature: {heading!r}")
            page.locator("input.md-search__input").fill("export_dataset")
            try:
                page.wait_for_selector(".md-search-result__item", timeout=20000)
            except Exception:
                problems.append("search: no result for 'export_dataset'")
            page.screenshot(path=str(shots / "search.png"))
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
            f"docs browser check: {len(PAGES)} pages rendered, search and highlighting work; screenshots in {args.screenshots}"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

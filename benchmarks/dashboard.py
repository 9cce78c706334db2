"""The dashboard open in a browser during figure 3 (``python -m benchmarks --dashboard``): what a
QA engineer watching a served emulator costs its served figures.

The page is the served emulator's own (``/_emulator/dashboard``), in headless Chromium (Debian's,
driven by Playwright), polling as it does for a person; the browser is not pinned to a core, as a
person's is not. The context manager reports the newest exchange the page showed at the end, so that
a figure measured "with the dashboard open" is known to have had it open and updating.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

#: How long the page runs before the load starts.
SETTLE_MS = 3_000
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def dashboard_open(port: int, updates: list[int]) -> Iterator[None]:
    """The served emulator's dashboard open and live while the block runs; appends to ``updates``
    the journal's exchanges the page showed (its newest number) when the block ends."""
    from playwright.sync_api import sync_playwright

    executable = chromium()
    if executable is None:
        raise RuntimeError("--dashboard needs Chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/_emulator/dashboard")
            # A selector, not a script: the page's policy lets no evaluated script run.
            page.locator("#live", has_text="live, updated").wait_for(timeout=20_000)
            # A page just opened is still starting (its renderer's first seconds cost a third of a
            # core): measured from its third update on, as a page someone keeps open.
            page.wait_for_timeout(SETTLE_MS)
            yield
            newest = page.locator("#journal-rows tr").first.get_attribute("data-number")
            updates.append(int(newest or 0))
        finally:
            browser.close()

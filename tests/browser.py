"""Debian's Chromium for the browser tests (driven by Playwright, which never downloads a browser):
where it is, how it starts, and the rule that CI fails rather than skips without it."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def needs_chromium(test: str) -> pytest.MarkDecorator:
    """The mark for a module of browser tests: skipped on a machine without Chromium, failed in CI."""
    if CHROMIUM is None and os.environ.get("CI"):
        pytest.fail(f"CI must install Chromium for {test} (.ci/run does)", pytrace=False)
    return pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

"""The HTML report as a person sees it, rendered by headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.certify.report import ScenarioResult, build_report, write_report
from tests.browser import ARGS, CHROMIUM, needs_chromium

pytestmark = needs_chromium("the report's browser test")

EXCHANGE = {
    "method": "POST",
    "url": "https://api.zoom.us/scim2/Users",
    "status": 201,
    "request_headers": {"authorization": "Bearer [REDACTED]"},
    "request_body": '{"userName": "alice@example.com"}',
    "response_headers": {"content-type": "application/json"},
    "response_body": '{"id": "abc"}',
}


@pytest.fixture
def report(tmp_path: Path) -> Path:
    results = [
        ScenarioResult("s1", "Creating users", "User management", ["UM-03", "UM-01"], "passed", "", 0.1,
                       {"exchanges": [EXCHANGE], "log": ["WARN [user workflow] something"], "audit": [],
                        "summaries": ["cycle 1: created 1"]}),
        ScenarioResult("s2", "Admins stay", "Known limitations", ["LIM-05"], "failed",
                       "E assert 'active' == 'inactive'"),
        ScenarioResult("s3", "Clock tricks", "Provisioning engine behaviours", ["ENG-07"], "skipped",
                       "needs the emulator's control surface"),
    ]  # fmt: skip
    document = build_report(results, "emulator", 42)
    write_report(document, tmp_path)
    return tmp_path / "report.html"


def test_a_person_sees_requirements_statuses_and_evidence(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(report.as_uri())
        assert page.title() == "Zoom Provisioner certification report"
        header = page.locator("header").inner_text()
        assert "emulator" in header and "42" in header and "82 uncovered" in header
        um03 = page.locator("#UM-03")
        assert um03.locator(".badge").first.inner_text().lower() == "passed"
        assert "user who enters the targeted group or filter is created" in um03.inner_text()
        assert page.locator("#LIM-05 .badge").first.inner_text().lower() == "failed"
        assert "assert 'active' == 'inactive'" in page.locator("#LIM-05 .reason").inner_text()
        assert page.locator("#ENG-07 .badge").first.inner_text().lower() == "skipped"
        assert page.locator("#APP-01 .badge").first.inner_text().lower() == "uncovered"
        assert "No scenario certifies this requirement." in page.locator("#APP-01").inner_text()

        evidence = um03.locator("details.evidence")
        body = evidence.locator("pre").first
        assert not body.is_visible()
        evidence.locator("summary").click()
        assert body.is_visible()
        assert "POST https://api.zoom.us/scim2/Users → 201" in evidence.inner_text()
        assert "Bearer [REDACTED]" in body.inner_text()
        assert page.locator("svg[aria-label='Requirement results by page'] rect").count() > 4
        page.screenshot(path=str(report.with_suffix(".png")), full_page=False)
        browser.close()
    assert report.with_suffix(".png").stat().st_size > 10_000

"""The report's status logic, without a browser: a requirement passes only when a scenario passed
and none failed; skipped and uncovered stay apart from passed; counts follow the statuses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from harness.certify.report import (
    STATUSES,
    ScenarioResult,
    build_report,
    gaps,
    render_html,
    requirement_status,
    write_report,
)


def _scenario(status: str, requirement: str = "ATTR-10") -> ScenarioResult:
    return ScenarioResult(f"s-{status}", status, "Supported attributes", [requirement], status)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "uncovered"),
        (["passed"], "passed"),
        (["skipped"], "skipped"),
        (["passed", "skipped"], "partial"),
        (["passed", "passed"], "passed"),
        (["passed", "failed"], "failed"),
        (["skipped", "failed"], "failed"),
        (["skipped", "skipped"], "skipped"),
    ],
)
def test_a_requirement_status_follows_its_scenarios(statuses: list[str], expected: str) -> None:
    assert requirement_status([_scenario(s) for s in statuses]) == expected


def test_the_report_counts_requirements_and_scenarios_by_status() -> None:
    results = [_scenario("passed", "ATTR-10"), _scenario("failed", "ATTR-11"), _scenario("skipped", "ENG-07")]
    document = build_report(results, "zoom", 3)
    statuses = {r["id"]: r["status"] for r in document["requirements"]}
    assert (statuses["ATTR-10"], statuses["ATTR-11"], statuses["ENG-07"], statuses["APP-01"]) == (
        "passed", "failed", "skipped", "uncovered")  # fmt: skip
    assert document["summary"]["scenarios"] == {"passed": 1, "failed": 1, "skipped": 1}
    assert document["summary"]["requirements"] == {"passed": 1, "partial": 0, "failed": 1, "skipped": 1,
                                                   "uncovered": 83}  # fmt: skip
    assert gaps(document)[:3] == ["APP-01", "APP-02", "APP-03"] and "ATTR-10" not in gaps(document)
    page = next(p for p in document["summary"]["pages"] if p["page"] == "Supported attributes")
    assert (page["passed"], page["failed"], page["uncovered"]) == (1, 1, 9)
    assert document["header"]["target"] == "zoom" and document["header"]["faker_seed"] == 3


def _svg(document: dict[str, Any]) -> ElementTree.Element:
    page = render_html(document)
    return ElementTree.fromstring(page[page.index("<svg") : page.index("</svg>") + 6])


def test_the_chart_draws_one_bar_per_page_split_by_share_and_a_legend_below() -> None:
    document = build_report([_scenario("passed", "ATTR-10"), _scenario("failed", "ATTR-11")], "emulator", 1)
    svg = _svg(document)
    pages = document["summary"]["pages"]
    assert (svg.get("width"), svg.get("height")) == ("760", str(len(pages) * 26 + 30))
    labels = [t for t in svg.iter("text") if t.text not in STATUSES]
    assert [(t.text, t.get("y")) for t in labels] == [(p["page"], str(i * 26 + 13)) for i, p in enumerate(pages)]
    bars = [r for r in svg.iter("rect") if r.find("title") is not None]
    attributes = next(i for i, p in enumerate(pages) if p["page"] == "Supported attributes")
    row = [r for r in bars if r.get("y") == str(attributes * 26)]
    # 11 requirements on the page: 1 passed, 1 failed, 9 uncovered, over 450 px from x=300.
    assert [(r.get("x"), r.get("width"), r.find("title").text) for r in row] == [
        ("300.0", "40.9", "passed: 1"), ("340.9", "40.9", "failed: 1"), ("381.8", "368.2", "uncovered: 9")]  # fmt: skip
    assert all(r.get("height") == "18" for r in bars)
    legend = [(r.get("x"), r.get("y"), r.get("fill")) for r in svg.iter("rect") if r.find("title") is None]
    bottom = len(pages) * 26 + 16
    assert legend == [(str(300 + i * 110), str(bottom - 10), colour) for i, colour in enumerate(
        ["#1f883d", "#bc4c00", "#cf222e", "#9a6700", "#6e7781"])]  # fmt: skip
    names = [(t.text, t.get("x"), t.get("y")) for t in svg.iter("text") if t.text in STATUSES]
    assert names == [(s, str(316 + i * 110), str(bottom)) for i, s in enumerate(STATUSES)]


def test_the_page_header_states_what_ran_where() -> None:
    document = build_report([_scenario("passed", "ATTR-10")], "emulator-http", 9, "ldap", "PingFederate 12.2")
    document["header"]["shards"] = 3
    page = render_html(document)
    facts = dict(re.findall(r'<div class="pair"><dt>([^<]+)</dt><dd>([^<]*)</dd></div>', page))
    assert facts == {
        "System under test": "PingFederate 12.2", "Target": "emulator-http", "Directory": "LDAP (OpenLDAP slapd)",
        "Harness": "0.1.0", "Date": document["header"]["date"], "Faker seed": "9", "Shards": "merged from 3",
        "Requirements": "86 (1 passed, 0 partial, 0 failed, 0 skipped, 85 uncovered)",
        "Scenarios": "1 (1 passed, 0 failed, 0 skipped)",
    }  # fmt: skip
    row = re.search(r"<tr><td>Supported attributes</td>((?:<td>\d+</td>){5})</tr>", page)
    assert row is not None and row.group(1) == "<td>1</td><td>0</td><td>0</td><td>0</td><td>10</td>"
    assert "<th>Page</th><th>passed</th><th>partial</th><th>failed</th><th>skipped</th><th>uncovered</th>" in page


def test_a_requirement_with_a_scenario_that_did_not_run_is_partial_and_not_certified() -> None:
    skipped = ScenarioResult("s-2", "Renewed on Zoom's clock", "Engine", ["ENG-07"], "skipped",
                             "needs the client to share the emulator's clock")  # fmt: skip
    document = build_report([_scenario("passed", "ENG-07"), skipped], "emulator-http", 4, "ldap", "PingFederate 12.2")
    (requirement,) = [r for r in document["requirements"] if r["id"] == "ENG-07"]
    assert (requirement["status"], requirement["certified_on"]) == ("partial", None)
    assert requirement["not_run"] == [{"name": "Renewed on Zoom's clock",
                                       "reason": "needs the client to share the emulator's clock"}]  # fmt: skip
    assert document["summary"]["requirements"]["passed"] == 0 and document["summary"]["requirements"]["partial"] == 1
    assert "ENG-07" in gaps(document)
    page = render_html(document)
    block = page[page.index('id="ENG-07"') :]
    assert "status-partial" in block[:200]
    assert '<div class="partial">Not certified: 1 of 2 scenarios did not run.</div>' in block
    assert "needs the client to share the emulator&#x27;s clock" in block


def test_each_requirement_shows_its_scenarios_reason_and_evidence() -> None:
    failed = ScenarioResult("s1", "Cleared <title>", "Limits", ["ATTR-11"], "failed", "E assert 'a' == 'b'", 0.1,
                            {"exchanges": [{"method": "PUT", "url": "https://api.zoom.us/scim2/Users/z1", "status": 200,
                                            "request_headers": {"authorization": "Bearer [redacted]"},
                                            "request_body": '{"title": "<b>"}', "response_headers": {"x": "1"},
                                            "response_body": "{}"}],
                             "log": ["line one", "line two"], "audit": [{"event_type": "UPDATE"}],
                             "summaries": ["cycle 1"]})  # fmt: skip
    untagged = ScenarioResult("s2", "Free", "Misc", [], "passed")
    page = render_html(build_report([failed, _scenario("passed", "ATTR-10"), untagged], "emulator", 1))
    requirement = page[page.index('<div class="req gap" id="ATTR-11">') :]
    requirement = requirement[: requirement.index('<div class="req', 10)]
    assert requirement.startswith(
        '<div class="req gap" id="ATTR-11"><span class="badge status-failed" style="background:#cf222e">failed</span>'
        '<span class="id">ATTR-11</span>'
    )
    assert ('<div class="scenario"><span class="badge status-failed" style="background:#cf222e">failed</span>'
            "Limits: Cleared &lt;title&gt;<div class=\"reason\">E assert &#x27;a&#x27; == &#x27;b&#x27;</div>"
            "<details class=evidence><summary>Evidence: 1 HTTP exchanges with Zoom</summary>"
            '<div class="ex"><b>PUT https://api.zoom.us/scim2/Users/z1 → 200</b><pre>authorization: Bearer [redacted]'
            "\n\n{&quot;title&quot;: &quot;&lt;b&gt;&quot;}\n\n--- answer ---\nx: 1\n\n{}</pre></div>"
            "<b>Provisioner log</b><pre>line one\nline two</pre><b>Channel summaries</b><pre>cycle 1</pre>"
            "<b>Audit records</b><pre>{&quot;event_type&quot;: &quot;UPDATE&quot;}</pre></details></div>"
            ) in requirement  # fmt: skip
    assert '<div class="req" id="ATTR-10">' in page and '<div class="req gap" id="APP-01">' in page
    uncovered = page[page.index('id="APP-01"') :]
    assert uncovered[: uncovered.index("</div></div>")].endswith(
        '<div class="scenarios"><i>No scenario certifies this requirement.</i>'
    )
    assert page.count("<details") == 1  # a scenario without evidence gets no panel
    assert ('<section class="page"><h2>Scenarios that certify no requirement</h2><div class="scenario">'
            '<span class="badge status-passed" style="background:#1f883d">passed</span>Misc: Free</div></section>'
            ) in page  # fmt: skip


def test_the_report_files_are_indented_utf8_json_and_html(tmp_path: Path) -> None:
    result = ScenarioResult("s1", "Zoë → Zoom", "Accents", ["ATTR-10"], "passed")
    document = build_report([result], "emulator", 1)
    write_report(document, tmp_path / "new")
    text = (tmp_path / "new" / "report.json").read_bytes().decode("utf-8")
    assert text.startswith('{\n "header": {\n  "target": "emulator",') and "Zoë → Zoom" in text
    assert json.loads(text) == document
    assert "Zoë → Zoom" in (tmp_path / "new" / "report.html").read_bytes().decode("utf-8")


def test_the_report_document_has_its_documented_shape_and_values() -> None:
    result = ScenarioResult("steps/test_features.py::test_x", "X", "Users", ["ATTR-10", "NOPE-1"], "skipped",
                            "no slapd", 0.5, {"log": ["l"]}, {"feature": {}})  # fmt: skip
    steps = [{"keyword": "Given", "name": "a user", "outcome": "passed"},
             {"keyword": "Then", "name": "it holds", "outcome": "failed"},
             {"keyword": "And", "name": "the next one", "outcome": "failed"}]  # fmt: skip
    free = ScenarioResult("steps/test_features.py::test_y", "Y", "Misc", [], "failed", "E boom",
                          gherkin={"steps": steps})  # fmt: skip
    document = build_report([result, free], "emulator", None)
    header = document["header"]
    assert header["date"].endswith("+00:00") and len(header["date"]) == 25
    assert {k: v for k, v in header.items() if k != "date"} == {
        "target": "emulator", "directory": "memory",
        "system_under_test": "reference provisioner (the harness's executable model of the Zoom Provisioner)",
        "harness_version": "0.1.0", "faker_seed": None, "totals": {"requirements": 86, "scenarios": 2},
    }  # fmt: skip
    assert document["summary"]["scenarios"] == {"passed": 0, "failed": 1, "skipped": 1}
    assert document["summary"]["requirements"] == {"passed": 0, "partial": 0, "failed": 0, "skipped": 1,
                                                   "uncovered": 85}  # fmt: skip
    pages = {p["page"]: p for p in document["summary"]["pages"]}
    assert pages["Supported attributes"] == {"page": "Supported attributes", "passed": 0, "partial": 0, "failed": 0,
                                             "skipped": 1, "uncovered": 10}  # fmt: skip
    attr = next(r for r in document["requirements"] if r["id"] == "ATTR-10")
    assert attr["scenarios"] == [{"id": "steps/test_features.py::test_x", "name": "X", "feature": "Users",
                                  "status": "skipped", "reason": "no slapd", "duration": 0.5,
                                  "evidence": {"log": ["l"]}, "faults_injected": False, "failed_step": ""}]  # fmt: skip
    assert attr["certified_on"] is None
    assert document["summary"]["certified_on"] == {"real account": 0, "real account, injected faults": 0,
                                                   "emulator": 0}  # fmt: skip
    assert document["untagged"] == [{"id": "steps/test_features.py::test_y", "name": "Y", "feature": "Misc",
                                     "status": "failed", "reason": "E boom",
                                     "failed_step": "Then it holds"}]  # fmt: skip
    assert set(document) == {"header", "summary", "requirements", "untagged"}


def test_a_requirement_says_where_it_was_certified() -> None:
    def scenario(name: str, requirement: str, status: str = "passed", faults: bool = False) -> ScenarioResult:
        return ScenarioResult(f"steps/test_features.py::{name}", name, "F", [requirement], status,
                              faults_injected=faults)  # fmt: skip

    results = [
        scenario("plain", "ATTR-10"), scenario("faulted", "ATTR-10", faults=True),  # one without faults suffices
        scenario("only-faulted", "ENG-08", faults=True), scenario("faulted-again", "ENG-08", faults=True),
        scenario("failed", "ENG-02", "failed"), scenario("faulted-too", "ENG-02", faults=True),
        scenario("skipped-only", "APP-01", "skipped"),
    ]  # fmt: skip
    on_zoom = build_report(results, "zoom", 1)
    places = {r["id"]: r["certified_on"] for r in on_zoom["requirements"]}
    assert (places["ATTR-10"], places["ENG-08"], places["ENG-02"], places["APP-01"]) == (
        "real account", "real account, injected faults", None, None)  # fmt: skip
    assert on_zoom["summary"]["certified_on"] == {"real account": 1, "real account, injected faults": 1,
                                                  "emulator": 0}  # fmt: skip
    page = render_html(on_zoom)
    assert "<dt>Certified on</dt><dd>the real account 1, the real account with injected faults 1</dd>" in page
    engine = page[page.index('id="ENG-08"') :]
    assert engine[: engine.index('<div class="scenarios">')].endswith(
        '<div class="place">certified on the real account, injected faults</div>'
    )
    assert page.count('class="place"') == 2
    on_emulator = build_report(results, "emulator-http", 1)
    assert {r["id"]: r["certified_on"] for r in on_emulator["requirements"]}["ENG-08"] == "emulator"
    assert on_emulator["summary"]["certified_on"]["emulator"] == 2
    assert 'class="place"' not in render_html(on_emulator) and "Certified on" not in render_html(on_emulator)


def test_a_requirement_shows_whether_the_selftest_proved_it_only_after_a_selftest() -> None:
    document = build_report([_scenario("passed", "ATTR-10")], "emulator", 1)
    assert 'class="proof' not in render_html(document)
    for requirement in document["requirements"]:
        requirement["discriminating"] = requirement["id"] == "ATTR-10"
        requirement["faults_caught"] = ["title-not-sent", "title-&-more"] if requirement["id"] == "ATTR-10" else []
    page = render_html(document)
    assert '<div class="proof">proven discriminating: catches title-not-sent, title-&amp;-more</div>' in page
    assert page.count('<div class="proof unproven">not proven discriminating: a fault against it went unnoticed'
                      "</div>") == 85  # fmt: skip

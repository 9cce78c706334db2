"""The report's status logic, without a browser: a requirement passes only when a scenario passed
and none failed; skipped and uncovered stay apart from passed; counts follow the statuses."""

from __future__ import annotations

import pytest

from harness.report import ScenarioResult, build_report, gaps, requirement_status


def _scenario(status: str, requirement: str = "ATTR-10") -> ScenarioResult:
    return ScenarioResult(f"s-{status}", status, "Supported attributes", [requirement], status)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "uncovered"),
        (["passed"], "passed"),
        (["skipped"], "skipped"),
        (["passed", "skipped"], "passed"),
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
    assert document["summary"]["requirements"] == {"passed": 1, "failed": 1, "skipped": 1, "uncovered": 77}
    assert gaps(document)[:3] == ["APP-01", "APP-02", "APP-03"] and "ATTR-10" not in gaps(document)
    page = next(p for p in document["summary"]["pages"] if p["page"] == "Supported attributes")
    assert (page["passed"], page["failed"], page["uncovered"]) == (1, 1, 9)
    assert document["header"]["target"] == "zoom" and document["header"]["faker_seed"] == 3

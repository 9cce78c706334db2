"""The selftest: every requirement has faults against it, a fault is caught only by a failed check,
and the report marks what the selftest proved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.certify.report import ScenarioResult, build_report, mark_discriminating, write_report
from harness.certify.requirements import catalogue
from harness.selftest import FAULTS, run_selftest
from harness.selftest.plugin import fault_of, scenario_of


def test_every_requirement_has_a_fault_and_the_catalogue_is_large() -> None:
    against = {r for fault in FAULTS.values() for r in fault.requirements}
    assert {r.id for r in catalogue()} <= against
    assert against <= {r.id for r in catalogue()}, "a fault names an unknown requirement"
    assert len(FAULTS) >= 80
    assert {f.family for f in FAULTS.values()} == {"provisioner", "client", "mapping", "preflight", "emulator"}


def test_a_copied_scenario_names_its_fault() -> None:
    nodeid = "steps/test_features.py::test_field_reaches_zoom@drops-title[Title-title-Vice President]"
    assert fault_of(nodeid) == "drops-title"
    assert scenario_of(nodeid) == "test_field_reaches_zoom[Title-title-Vice President]"
    assert fault_of("steps/test_features.py::test_field_reaches_zoom[Title-title-Vice President]") is None


def test_faults_are_caught_by_the_scenarios_of_their_requirements() -> None:
    result = run_selftest(["drops-title", "token-type-mac"], workers=2)
    assert result.baseline_failures == []
    caught = {f.name: f for f in result.faults}
    assert caught["drops-title"].caught_by == ["test_field_reaches_zoom[Title-title-Vice President]"]
    assert caught["token-type-mac"].caught and caught["token-type-mac"].scenarios_run == 5
    assert all(reason.startswith("AssertionError") for f in result.faults for reason in f.reasons)
    assert result.uncaught == []


def test_the_report_marks_what_the_selftest_proved(tmp_path: Path) -> None:
    results = [ScenarioResult("s1", "Title reaches Zoom", "Supported attributes", ["ATTR-10"], "passed")]
    write_report(build_report(results, "emulator", 1), tmp_path)
    proof = {"passed": False, "faults": [{}, {}], "requirements": {
        "ATTR-10": {"faults": ["drops-title"], "discriminating": True},
        "ATTR-11": {"faults": [], "discriminating": False}}}  # fmt: skip
    (tmp_path / "selftest.json").write_text(json.dumps(proof))
    mark_discriminating(tmp_path)
    document = json.loads((tmp_path / "report.json").read_text())
    marks = {r["id"]: (r["discriminating"], r["faults_caught"]) for r in document["requirements"]}
    assert marks["ATTR-10"] == (True, ["drops-title"]) and marks["ATTR-11"] == (False, [])
    assert marks["APP-01"] == (False, [])  # a requirement the selftest did not reach is not proven
    assert document["header"]["selftest"] == {"passed": False, "faults": 2}
    html = (tmp_path / "report.html").read_text()
    assert "proven discriminating: catches drops-title" in html
    assert "not proven discriminating" in html and "1 of 86 requirements proven discriminating" in html


def test_the_command_lists_faults_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    listed = subprocess.run([sys.executable, "-m", "harness.cli", "selftest", "--list"], capture_output=True, text=True)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(FAULTS)
    unknown = subprocess.run([sys.executable, "-m", "harness.cli", "selftest", "--fault", "nothing-broken",
                              "--report-dir", str(tmp_path)], capture_output=True, text=True)  # fmt: skip
    assert (
        unknown.returncode == 2 and unknown.stderr == "zoom-harness selftest: error: unknown faults: nothing-broken\n"
    )

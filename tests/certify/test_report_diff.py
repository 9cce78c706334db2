"""`zoom-harness report diff` and `run --baseline`, on reports made by real runs: a clean run, a run
with a fault of the selftest's catalogue put into the connector (failure-forgotten: ENG-03), and the
same fault again under another seed."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from harness.certify.diff import compare, load_report
from harness.cli import main
from harness.errors import HarnessError

ROOT = Path(__file__).resolve().parents[2]
#: Three scenarios: ENG-03's (the fault breaks it), and two the fault leaves alone (CONN-03's outline,
#: quick over HTTP too: a 429's Retry-After would be waited out in real seconds there).
SELECTION = ["-k", "stays_pending or wrong_client_secret_or_client_id"]
PENDING = "steps/test_features.py::test_a_failed_operation_stays_pending_and_is_retried_until_it_succeeds"


def _start(folder: Path, seed: int, fault: str | None = None, *extra: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    plugin = ["-p", "tests.certify.fault_plugin"] if fault else []
    if fault:
        environment["ZOOM_HARNESS_TEST_FAULT"] = fault
    command = [sys.executable, "-m", "harness.cli", "run", "--report-dir", str(folder), "--seed", str(seed), *extra,
               "--", *SELECTION, *plugin]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _run(folder: Path, seed: int, fault: str | None = None, *extra: str) -> subprocess.CompletedProcess[str]:
    process = _start(folder, seed, fault, *extra)
    out, errors = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, errors)


def _diff(old: Path, new: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``zoom-harness report diff`` as the command line runs it (in this process: it is quick)."""
    out, errors = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {"COLUMNS": "200"}), redirect_stdout(out), redirect_stderr(errors):
        code = main(["report", "diff", str(old), str(new), *extra])
    return subprocess.CompletedProcess([], code, out.getvalue(), errors.getvalue())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("runs")
    clean, broken, again = base / "clean", base / "broken", base / "again"
    for started in [_start(clean, 5), _start(broken, 6, "failure-forgotten")]:
        started.communicate(timeout=120)
    # The same fault under another seed and over HTTP: other names, other ports, the same failure;
    # compared with the broken run as it goes (--baseline).
    base.joinpath("again.err").write_text(
        _run(again, 7, "failure-forgotten", "--target", "emulator-http", "--baseline", str(broken)).stderr
    )
    failed = {name: _failed(folder) for name, folder in (("clean", clean), ("broken", broken), ("again", again))}
    assert failed == {"clean": [], "broken": [PENDING], "again": [PENDING]}
    return {"clean": clean, "broken": broken, "again": again}


def _failed(folder: Path) -> list[str]:
    document = json.loads((folder / "report.json").read_text())
    return sorted({s["id"] for r in document["requirements"] for s in r["scenarios"] if s["status"] == "failed"})


def test_a_broken_requirement_is_a_regression_and_fails_the_diff(runs: dict[str, Path]) -> None:
    result = _diff(runs["clean"], runs["broken"])
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "Requirements: 1 regressed" in lines and "Scenarios: 1 regressed" in lines
    assert lines[-1] == "Regressed since the baseline: ENG-03 (1 scenario(s))"
    changes = json.loads(_diff(runs["clean"], runs["broken"], "--json").stdout)["changes"]
    assert [(c["kind"], c["level"], c["id"], c["before"], c["after"]) for c in changes] == [
        ("regressed", "requirement", "ENG-03", "passed", "failed"),
        ("regressed", "scenario", PENDING, "passed", "failed"),
    ]
    assert changes[1]["detail"].startswith("Then the cycle failed 1 operation: AssertionError: cycle 2 channel")
    assert changes[1]["requirements"] == ["ENG-03"]


def test_the_same_failure_twice_is_told_apart_from_a_new_one_and_passes_the_diff(runs: dict[str, Path]) -> None:
    result = _diff(runs["broken"], runs["again"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Requirements: 1 same failure" in result.stdout and "Scenarios: 1 same failure" in result.stdout
    assert "regressed" not in result.stdout.lower()
    comparison = json.loads(_diff(runs["broken"], runs["again"], "--json").stdout)
    assert comparison["baseline"]["faker_seed"] == 6 and comparison["current"]["faker_seed"] == 7
    assert {(c["kind"], c["id"]) for c in comparison["changes"]} == {("same failure", "ENG-03"),
                                                                       ("same failure", PENDING)}  # fmt: skip


def test_a_fix_alone_names_the_fixed_requirement_and_passes_the_diff(runs: dict[str, Path]) -> None:
    result = _diff(runs["again"], runs["clean"] / "report.json")
    assert result.returncode == 0
    assert "Requirements: 1 fixed" in result.stdout and "Scenarios: 1 fixed" in result.stdout
    fixed = [c for c in json.loads(_diff(runs["again"], runs["clean"], "--json").stdout)["changes"]]
    assert [(c["kind"], c["id"], c["before"], c["after"]) for c in fixed] == [
        ("fixed", "ENG-03", "failed", "passed"), ("fixed", PENDING, "failed", "passed")]  # fmt: skip


def test_run_with_a_baseline_puts_the_changes_at_the_top_of_its_report(runs: dict[str, Path]) -> None:
    told = (runs["again"].parent / "again.err").read_text()
    assert "Requirements: 1 same failure" in told and "Regressed since" not in told
    document = json.loads((runs["again"] / "report.json").read_text())
    assert document["comparison"]["counts"]["requirements"]["same failure"] == 1
    assert document["comparison"]["baseline"]["faker_seed"] == 6
    page = (runs["again"] / "report.html").read_text()
    section = page.index('<section class="page" id="comparison">')
    assert section < page.index("Results by documentation page")
    assert "Requirements: 1 same failure." in page and ">ENG-03</td><td>failed → failed</td>" in page


def test_a_baseline_that_is_not_a_report_stops_the_run_before_it_starts(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("[1, 2]")
    result = _run(tmp_path / "out", 9, None, "--baseline", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith("not a certification report (no header or requirements)")
    assert not (tmp_path / "out").exists()


# -- the comparison on documents ----------------------------------------------------------------


def _document(*scenarios: tuple[str, str, str, str], requirements: tuple[str, ...] = ("ENG-03",)) -> dict[str, Any]:
    """A report with these (requirement, scenario id, status, reason) rows."""
    found = []
    for rid in requirements:
        mine = [{"id": sid, "name": sid, "feature": "F", "status": status, "reason": reason,
                 "failed_step": "Then it holds" if status == "failed" else ""}
                for req, sid, status, reason in scenarios if req == rid]  # fmt: skip
        statuses = {s["status"] for s in mine}
        status = "failed" if "failed" in statuses else "passed" if statuses == {"passed"} else "skipped"
        found.append({"id": rid, "text": rid, "status": status if mine else "uncovered", "scenarios": mine})
    return {"header": {"date": "d", "faker_seed": 1}, "requirements": found}


def test_ports_ids_addresses_times_and_dates_do_not_make_a_failure_new() -> None:
    old = _document(("ENG-03", "s", "failed", "E AssertionError: 127.0.0.1:4711 answered 0x7f3a after 0.25 s at "
                     "2026-12-04T08:00:00Z for user zAbC9dEf0123456789xY"))  # fmt: skip
    new = _document(("ENG-03", "s", "failed", "E AssertionError: 127.0.0.1:5999 answered 0x7f99 after 1.5 s at "
                     "2026-12-05T09:30:12Z for user qQ7pZ0a1b2c3d4e5f6g7\nE  + where other detail"))  # fmt: skip
    assert [c.kind for c in compare(old, new).changes] == ["same failure", "same failure"]
    other = copy.deepcopy(new)
    other["requirements"][0]["scenarios"][0]["reason"] = "E AssertionError: 127.0.0.1:5999 answered 0x7f99 twice"
    assert [(c.kind, c.level) for c in compare(old, other).changes] == [
        ("failing differently", "requirement"), ("failing differently", "scenario")]  # fmt: skip
    stepped = copy.deepcopy(old)
    stepped["requirements"][0]["scenarios"][0]["failed_step"] = "When it runs"
    assert [c.kind for c in compare(old, stepped).changes] == ["failing differently", "failing differently"]


def test_new_gone_skipped_and_improved_are_named_and_only_a_regression_counts() -> None:
    old = _document(("ENG-03", "a", "passed", ""), ("ENG-04", "b", "failed", "E x"), ("ENG-04", "c", "passed", ""),
                    requirements=("ENG-03", "ENG-04", "ENG-05"))  # fmt: skip
    new = _document(("ENG-03", "a", "skipped", "needs a reference"), ("ENG-04", "b", "skipped", "not here"),
                    ("ENG-04", "d", "passed", ""), ("ENG-06", "e", "passed", ""),
                    requirements=("ENG-03", "ENG-04", "ENG-06"))  # fmt: skip
    diff = compare(old, new)
    assert [(c.kind, c.level, c.id, c.before, c.after) for c in diff.changes] == [
        ("regressed", "requirement", "ENG-03", "passed", "skipped"),
        ("regressed", "scenario", "a", "passed", "skipped"),
        ("new", "requirement", "ENG-06", None, "passed"),
        ("new", "scenario", "d", None, "passed"),
        ("new", "scenario", "e", None, "passed"),
        ("gone", "requirement", "ENG-05", "uncovered", None),
        ("gone", "scenario", "c", "passed", None),
        ("improved", "requirement", "ENG-04", "failed", "skipped"),
        ("improved", "scenario", "b", "failed", "skipped"),
    ]
    assert [c.id for c in diff.regressions] == ["ENG-03", "a"]
    assert compare(new, new).changes == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no report.json"),
        ("{not json", "not a certification report (Expecting property name enclosed in double quotes: line 1"),
        ('{"header": {}}', "not a certification report (no header or requirements)"),
    ],
)
def test_a_report_that_cannot_be_read_is_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / "report.json").write_text(content)
    with pytest.raises(HarnessError, match=r"\(?" + message.replace("(", r"\(").replace(")", r"\)")):
        load_report(tmp_path)
    result = _diff(tmp_path, tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr

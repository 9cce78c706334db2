"""``zoom-harness selftest``: are the features able to tell a broken connector from a working one?

The features run once as they are (every scenario must pass), then once per fault of the catalogue
(``faults.py``) with only the scenarios that certify the fault's requirements. A fault is caught
when one of those scenarios fails. The command prints requirement -> faults -> the scenario that
caught each, fails when a fault goes unnoticed or a requirement has no fault, and writes
``selftest.json`` beside the certification report, which then marks each requirement "proven
discriminating" or not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.certify.requirements import catalogue
from harness.certify.run import suite_folder
from harness.errors import HarnessError
from harness.selftest.faults import FAULTS

RESULT_FILE = "selftest.json"
#: How a failed check of a Then-step reads (pytest's first line of an AssertionError).
ASSERTION = ("AssertionError", "assert ")


@dataclass
class FaultResult:
    name: str
    family: str
    description: str
    requirements: list[str]
    caught: bool
    #: The scenarios (test ids) that failed under the fault, among those of its requirements.
    caught_by: list[str] = field(default_factory=list)
    #: Why each of those scenarios failed (the first line of its error).
    reasons: list[str] = field(default_factory=list)
    scenarios_run: int = 0
    error: str = ""


@dataclass
class Selftest:
    baseline_failures: list[str]
    faults: list[FaultResult]
    seconds: float

    @property
    def uncaught(self) -> list[FaultResult]:
        return [f for f in self.faults if not f.caught]

    def proven(self) -> dict[str, list[str]]:
        """Requirement -> the faults against it that a scenario caught."""
        proven: dict[str, list[str]] = {r.id: [] for r in catalogue()}
        for result in self.faults:
            for requirement in result.requirements:
                if result.caught:
                    proven.setdefault(requirement, []).append(result.name)
        return proven

    def unproven(self) -> list[str]:
        """Requirements with no caught fault, or with a fault that went unnoticed."""
        against: dict[str, list[FaultResult]] = {r.id: [] for r in catalogue()}
        for result in self.faults:
            for requirement in result.requirements:
                against.setdefault(requirement, []).append(result)
        return [r for r, results in against.items() if not results or not all(x.caught for x in results)]

    @property
    def passed(self) -> bool:
        return not self.baseline_failures and not self.uncaught and not self.unproven()

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "seconds": round(self.seconds, 1),
            "baseline_failures": self.baseline_failures,
            "faults": [asdict(f) for f in self.faults],
            "requirements": {r: {"faults": f, "discriminating": r not in self.unproven()}
                             for r, f in self.proven().items()},
        }  # fmt: skip


def run_selftest(
    names: list[str] | None = None, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> Selftest:
    """Run the features once as they are and once per fault (one pytest session, ``workers``
    processes); see the plugin."""
    from harness.selftest.plugin import fault_of, scenario_of

    unknown = [n for n in names or [] if n not in FAULTS]
    if unknown:
        raise HarnessError(f"unknown faults: {', '.join(unknown)}")
    chosen = [FAULTS[n] for n in names] if names else list(FAULTS.values())
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="zoom-harness-selftest-") as name:
        outcomes_path = Path(name) / "outcomes.json"
        env = {**os.environ, "ZOOM_HARNESS_OUTCOMES": str(outcomes_path),
               "ZOOM_HARNESS_SELFTEST": ",".join(f.name for f in chosen),
               "ZOOM_HARNESS_SELFTEST_ONLY": "1" if names else ""}  # fmt: skip
        workers = workers or os.cpu_count() or 2
        # The checkout's features, or those an installed wheel carries: a certifier needs no checkout.
        suite = suite_folder()
        command = [sys.executable, "-m", "pytest", str(suite / "steps"), "-q", "-p", "no:cacheprovider", "-p",
                   "harness.selftest.plugin", f"--rootdir={suite}", "-o", "bdd_features_base_dir=features",
                   "--zoom-target=emulator", "-n", str(workers)]  # fmt: skip
        completed = subprocess.run(command, cwd=suite, env=env, capture_output=True, text=True, timeout=1800)
        if not outcomes_path.exists():
            tail = (completed.stdout + completed.stderr).strip().splitlines()[-5:]
            raise HarnessError(f"the features did not run: {' | '.join(tail)}")
        outcomes: dict[str, dict[str, Any]] = json.loads(outcomes_path.read_text(encoding="utf-8"))
    failures = [nodeid for nodeid, o in outcomes.items() if fault_of(nodeid) is None and o["outcome"] == "failed"]
    results = []
    for fault in chosen:
        mine = {nodeid: o for nodeid, o in outcomes.items() if fault_of(nodeid) == fault.name}
        failed = {scenario_of(nodeid): o.get("reason", "") for nodeid, o in mine.items() if o["outcome"] == "failed"}
        # A scenario catches a fault when a step's check fails; any other error is the fault's own
        # defect (a patch that does not fit), and proves nothing.
        caught = [name for name, reason in failed.items() if reason.startswith(ASSERTION)]
        broken = [f"{name}: {reason}" for name, reason in failed.items() if not reason.startswith(ASSERTION)]
        error = "no scenario certifies its requirements" if not mine else ("; ".join(broken) if not caught else "")
        results.append(FaultResult(fault.name, fault.family, fault.description, list(fault.requirements),
                                   bool(caught), caught_by=caught, reasons=[failed[n] for n in caught],
                                   scenarios_run=len(mine), error=error))  # fmt: skip
    if progress is not None:
        progress(len(chosen), len(chosen))
    return Selftest(failures, results, time.monotonic() - began)


def write_result(selftest: Selftest, folder: Path) -> Path:
    """``selftest.json`` in the report folder; a report already there is marked from it."""
    from harness.certify.report import mark_discriminating

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESULT_FILE
    path.write_text(json.dumps(selftest.to_dict(), indent=1), encoding="utf-8")
    mark_discriminating(folder)
    return path

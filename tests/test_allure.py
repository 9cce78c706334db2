"""Allure carries the certification: the features run with allure-pytest-bdd (``--alluredir``),
Allure's own command line (npm ``allure-commandline``, on the JDK) generates the report, and every
requirement of the catalogue is in it, as a label of the scenarios that certify it, grouped by
documentation page, each scenario with its evidence attached and no secret anywhere.

Slow (the whole feature set, then a JVM): deselected by default, CI runs it alone (`-m allure`),
and there a missing JDK, allure-pytest-bdd or Allure command line fails it instead of skipping it."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from harness.certify.requirements import catalogue

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = Path(os.environ.get("ZOOM_HARNESS_NODE_MODULES", ROOT / ".node" / "node_modules"))
ALLURE = NODE_MODULES / ".bin" / "allure"
pytestmark = pytest.mark.allure


def _missing() -> str | None:
    if importlib.util.find_spec("allure_pytest_bdd") is None:
        return "allure-pytest-bdd is not installed (pip install -e '.[dev]')"
    if shutil.which("java") is None:
        return "no JDK (apt-get install default-jdk-headless)"
    if not ALLURE.exists():
        return f"Allure's command line is not in {NODE_MODULES} (npm install --prefix .node allure-commandline)"
    return None


@pytest.fixture(scope="module")
def allure_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI must have it")
        pytest.skip(missing)
    base = tmp_path_factory.mktemp("allure")
    ran = subprocess.run([sys.executable, "-m", "harness.cli", "run", "--report-dir", str(base / "reports"), "--",
                          "--alluredir", str(base / "results")], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    generated = subprocess.run([str(ALLURE), "generate", str(base / "results"), "-o", str(base / "report"), "--clean"],
                               capture_output=True, text=True, timeout=300)  # fmt: skip
    assert generated.returncode == 0 and "Report successfully generated" in generated.stdout, generated.stderr
    return base


def test_every_requirement_is_in_allures_report_under_its_page(allure_report: Path) -> None:
    cases = [json.loads(p.read_text()) for p in (allure_report / "report" / "data" / "test-cases").glob("*.json")]
    certified: dict[str, set[str]] = defaultdict(set)
    pages: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        labels = defaultdict(list)
        for label in case["labels"]:
            labels[label["name"]].append(label["value"])
        for rid in labels["requirement"]:
            certified[rid].add(case["name"])
        for page in labels["feature"]:
            pages[page].update(labels["requirement"])
        assert labels["epic"] == ["PingFederate Zoom Provisioner"]
    requirements = catalogue()
    assert set(certified) == {r.id for r in requirements}
    for requirement in requirements:
        assert requirement.id in pages[requirement.page], (requirement.id, requirement.page)
    # Allure's Behaviors tab: the epic, then the documentation pages, then the requirements.
    (epic,) = json.loads((allure_report / "report" / "data" / "behaviors.json").read_text())["children"]
    assert epic["name"] == "PingFederate Zoom Provisioner"
    assert {child["name"] for child in epic["children"]} == {r.page for r in requirements}


def test_each_scenario_carries_its_evidence_and_no_secret(allure_report: Path) -> None:
    results = [json.loads(p.read_text()) for p in (allure_report / "results").glob("*-result.json")]
    ran = [r for r in results if r["status"] != "skipped"]
    assert ran and all([a["name"] for a in r.get("attachments", [])].count("evidence") == 1 for r in ran)
    sample = next(r for r in ran if "stays pending" in r["name"])
    (attachment,) = [a for a in sample["attachments"] if a["name"] == "evidence"]
    evidence = json.loads((allure_report / "results" / attachment["source"]).read_text())
    assert {"exchanges", "log", "audit", "summaries"} == set(evidence) and evidence["exchanges"]
    written = "".join(p.read_text(errors="replace") for p in (allure_report / "results").iterdir())
    assert "Bearer [REDACTED]" in written
    assert "Bearer ey" not in written and '"access_token": "ey' not in written

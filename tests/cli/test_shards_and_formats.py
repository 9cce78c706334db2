"""The formats other tools read (Cucumber JSON, JUnit XML) and a run split into shards, as a CI
pipeline uses them: through the CLI, under pytest-xdist, read back by their real consumers."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml, Properties

ROOT = Path(__file__).resolve().parent.parent.parent
#: Cucumber's own validator of Cucumber JSON (npm); CI installs it here (`.ci/run`).
NODE_MODULES = Path(os.environ.get("ZOOM_HARNESS_NODE_MODULES", ROOT / ".node" / "node_modules"))
CONVERTER = NODE_MODULES / "@cucumber" / "cucumber-json-converter"
#: A slice of the features with passed, skipped (in-process only, over HTTP) and uncovered requirements.
SELECTION = ["--target", "emulator-http", "--seed", "99", "--", "-k", "licence or expire or removed"]


def _run(folder: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "harness.cli", "run", "--report-dir", str(folder), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder.parent)


def _finish(process: subprocess.Popen[str], status: int) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == status, err[-3000:]
    assert "Traceback" not in err


def _statuses(document: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in document["requirements"]}


def _scenarios(document: dict[str, Any]) -> dict[str, str]:
    found = {s["id"]: s["status"] for r in document["requirements"] for s in r["scenarios"]}
    return found | {s["id"]: s["status"] for s in document["untagged"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run of the slice on two workers, and the same slice in three shards (run at once)."""
    base = tmp_path_factory.mktemp("runs")
    folders = {name: base / name for name in ("whole", "1", "2", "3")}
    processes = [_run(folders["whole"], *SELECTION, "-n", "2")]
    processes += [_run(folders[k], "--shard", f"{k}/3", *SELECTION) for k in ("1", "2", "3")]
    # The whole slice leaves requirements uncovered (1); a shard's uncovered ones are in other shards (0).
    for process, status in zip(processes, (1, 0, 0, 0), strict=True):
        _finish(process, status)
    return folders


def test_three_shards_merged_give_the_statuses_of_one_run(runs: dict[str, Path], tmp_path: Path) -> None:
    whole = json.loads((runs["whole"] / "report.json").read_text())
    shards = [json.loads((runs[k] / "report.json").read_text()) for k in ("1", "2", "3")]
    assert [s["header"]["shard"] for s in shards] == ["1/3", "2/3", "3/3"]
    sizes = [s["header"]["totals"]["scenarios"] for s in shards]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == whole["header"]["totals"]["scenarios"]
    assert not set(_scenarios(shards[0])) & set(_scenarios(shards[1]))  # disjoint slices
    merged = subprocess.run(
        [sys.executable, "-m", "harness.cli", "report", "merge", *(str(runs[k]) for k in ("1", "2", "3")),
         "--report-dir", str(tmp_path / "merged")], capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert merged.returncode == 1, merged.stderr  # the slice leaves requirements uncovered
    document = json.loads((tmp_path / "merged" / "report.json").read_text())
    assert _statuses(document) == _statuses(whole)
    assert {"passed", "skipped", "uncovered"} <= set(_statuses(whole).values())
    assert _scenarios(document) == _scenarios(whole)
    assert document["header"]["shards"] == 3 and "shard" not in document["header"]
    assert document["summary"] == whole["summary"]
    features = json.loads((tmp_path / "merged" / "cucumber.json").read_text())
    assert sum(len(f["elements"]) for f in features) == len(_scenarios(whole))
    junit = JUnitXml.fromfile(str(tmp_path / "merged" / "junit.xml"))
    assert sum(suite.tests for suite in junit) == len(_scenarios(whole))
    assert "Shards" in (tmp_path / "merged" / "report.html").read_text()


def test_junit_xml_carries_each_scenarios_requirement_ids(runs: dict[str, Path]) -> None:
    document = json.loads((runs["whole"] / "report.json").read_text())
    expected: dict[str, set[str]] = {}
    for requirement in document["requirements"]:
        for scenario in requirement["scenarios"]:
            expected.setdefault(scenario["name"], set()).add(requirement["id"])
    read: dict[str, set[str]] = {}
    for suite in JUnitXml.fromfile(str(runs["whole"] / "junit.xml")):
        for case in suite:
            found = case.child(Properties)
            properties = {(p.name, p.value) for p in found} if found is not None else set()
            read[case.name] = {value for name, value in properties if name == "requirement"}
            assert not {name for name, _ in properties} - {"requirement"}  # no evidence dumped in the XML
    assert len(read) == len(_scenarios(document))
    by_node = {s["id"].split("::")[1]: s["name"] for r in document["requirements"] for s in r["scenarios"]}
    assert {by_node[name]: ids for name, ids in read.items()} == expected


def test_cucumber_json_under_two_workers_is_complete(runs: dict[str, Path]) -> None:
    document = json.loads((runs["whole"] / "report.json").read_text())
    features = json.loads((runs["whole"] / "cucumber.json").read_text())
    elements = {e["id"]: e for f in features for e in f["elements"]}
    assert {i: _cucumber_status(e) for i, e in elements.items()} == _scenarios(document)
    skipped = next(e for e in elements.values() if _cucumber_status(e) == "skipped")
    assert skipped["steps"] and {s["result"]["status"] for s in skipped["steps"]} == {"skipped"}
    scenario = next(s for r in document["requirements"] if r["id"] == "CHG-02" for s in r["scenarios"])
    element = elements[scenario["id"]]
    assert {"name": "@req:CHG-02", "line": element["tags"][0]["line"]} in element["tags"]
    assert element["steps"][0]["keyword"] == "Given " and element["steps"][0]["result"]["duration"] > 0
    (embedding,) = element["steps"][-1]["embeddings"]
    assert embedding["mime_type"] == "application/json"
    assert json.loads(base64.b64decode(embedding["data"])) == scenario["evidence"]


def _cucumber_status(element: dict[str, Any]) -> str:
    statuses = {step["result"]["status"] for step in element["steps"]}
    return "failed" if "failed" in statuses else "skipped" if statuses == {"skipped"} else "passed"


def test_a_real_consumer_accepts_the_cucumber_json_with_the_right_counts(runs: dict[str, Path]) -> None:
    node = shutil.which("node")
    if node is None or not CONVERTER.is_dir():
        message = "needs node and @cucumber/cucumber-json-converter in .node/ (`.ci/run` installs them)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must have them")
        pytest.skip(message)
    features = json.loads((runs["whole"] / "cucumber.json").read_text())
    # The converter's schemas (0.0.3) predate `embeddings`, which cucumber-jvm, -js and -ruby write on
    # steps; the shape it validates is everything else.
    for feature in features:
        for element in feature["elements"]:
            for step in element["steps"]:
                step.pop("embeddings", None)
    (runs["whole"] / "plain.json").write_text(json.dumps(features))
    script = """
const {convert} = require('@cucumber/cucumber-json-converter');
const converted = convert(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')));
const steps = converted.features.flatMap(f => f.elements.flatMap(e => e.steps));
const count = s => steps.filter(step => step.result.status === s).length;
console.log(JSON.stringify({implementation: converted.implementation, features: converted.features.length,
  scenarios: converted.features.reduce((n, f) => n + f.elements.length, 0),
  passed: count('passed'), skipped: count('skipped'), failed: count('failed')}));
"""
    answer = subprocess.run([node, "-e", script, str(runs["whole"] / "plain.json")], capture_output=True, text=True,
                            env={**os.environ, "NODE_PATH": str(NODE_MODULES)}, timeout=60)  # fmt: skip
    assert answer.returncode == 0, answer.stderr[-3000:]
    counted = json.loads(answer.stdout)
    steps = [s for f in features for e in f["elements"] for s in e["steps"]]
    assert counted == {
        "implementation": counted["implementation"],
        "features": len(features),
        "scenarios": len(_scenarios(json.loads((runs["whole"] / "report.json").read_text()))),
        "passed": sum(s["result"]["status"] == "passed" for s in steps),
        "skipped": sum(s["result"]["status"] == "skipped" for s in steps),
        "failed": 0,
    }
    assert counted["implementation"] in ("cucumber-jvm", "cucumber-ruby")

"""Cucumber JSON written by the harness from its own collector.

pytest-bdd's ``--cucumberjson`` reads a registry that lives in the process running the scenario, so
under pytest-xdist the controller's file comes out empty, and it leaves out scenarios skipped
before they start. Here each scenario's Gherkin (feature, tags, steps with their status and
duration) travels with its test report as plain data, and the controller writes the file.

A step's status: ``passed`` when it ran; the step that raised is ``failed`` (with the error);
every step after it, and every step of a skipped scenario, is ``skipped``.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable
from typing import Any

import pytest


def scenario_gherkin(item: pytest.Item) -> dict[str, Any] | None:
    """What the Cucumber file needs of a pytest-bdd scenario item: its feature, name, line, tags and
    steps, each with whether it ran, failed and how long it took. None for a plain test."""
    from pytest_bdd.reporting import ScenarioReport, scenario_reports_registry
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    report = scenario_reports_registry.get(item)
    if report is None:  # skipped before it started: render the scenario from its template
        template = scenario_wrapper_template_registry.get(getattr(item, "function", None))  # type: ignore[arg-type]
        if template is None:
            return None
        callspec = getattr(item, "callspec", None)
        example = callspec.params.get("_pytest_bdd_example", {}) if callspec is not None else {}
        report = ScenarioReport(template.render(example))
    ran = report.serialize()
    executed = ran["steps"]
    steps = []
    for index, step in enumerate(report.scenario.steps):
        done = executed[index] if index < len(executed) else None
        steps.append({
            "keyword": step.keyword.strip(),
            "name": step.name,
            "line": step.line_number,
            # pytest-bdd marks the steps after a failure as failed too; only the first one raised.
            "outcome": "not run" if done is None else ("failed" if done["failed"] else "passed"),
            "duration": done["duration"] if done is not None else 0.0,
        })  # fmt: skip
    return {
        "feature": {key: ran["feature"][key] for key in ("keyword", "name", "rel_filename", "line_number",
                                                         "description", "tags")},
        "keyword": ran["keyword"],
        "name": ran["name"],
        "line": ran["line_number"],
        "description": ran["description"],
        "tags": ran["tags"],
        "steps": steps,
    }  # fmt: skip


def _steps(gherkin: dict[str, Any], status: str, error: str, evidence: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    failed_yet = False
    for step in gherkin["steps"]:
        if status == "skipped" or failed_yet or step["outcome"] == "not run":
            result: dict[str, Any] = {"status": "skipped", "duration": 0}
        elif step["outcome"] == "failed":
            failed_yet = True
            result = {"status": "failed", "duration": _nanoseconds(step["duration"]), "error_message": error}
        else:
            result = {"status": "passed", "duration": _nanoseconds(step["duration"])}
        steps.append({"keyword": f"{step['keyword']} ", "name": step["name"], "line": step["line"],
                      "match": {"location": ""}, "result": result})  # fmt: skip
    if status == "failed" and not failed_yet and steps:
        # Failed outside a step (a fixture's setup or teardown): the last step carries the error.
        steps[-1]["result"] = {"status": "failed", "duration": steps[-1]["result"]["duration"], "error_message": error}
    if steps and any(evidence.values()):
        data = base64.b64encode(json.dumps(evidence, ensure_ascii=False).encode()).decode()
        steps[-1]["embeddings"] = [{"mime_type": "application/json", "data": data}]
    return steps


def _nanoseconds(seconds: float) -> int:
    return math.floor(seconds * 1e9)


def _tags(names: Iterable[str], line: int) -> list[dict[str, Any]]:
    return [{"name": f"@{name}", "line": max(line - 1, 1)} for name in names]


def _in_order(features: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = [features[uri] for uri in sorted(features)]
    for feature in ordered:
        feature["elements"].sort(key=lambda element: (element["line"], element["id"]))
    return ordered


def cucumber_features(results: Iterable[Any]) -> list[dict[str, Any]]:
    """Cucumber JSON features from scenario results (``harness.certify.report.ScenarioResult``) that carry
    their Gherkin; features in file order, scenarios in line order."""
    features: dict[str, dict[str, Any]] = {}
    for result in results:
        gherkin = result.gherkin
        if not gherkin:
            continue
        feature = gherkin["feature"]
        uri = feature["rel_filename"]
        entry = features.setdefault(uri, {
            "keyword": feature["keyword"], "uri": uri, "name": feature["name"] or uri,
            "id": uri.lower().replace(" ", "-"), "line": feature["line_number"],
            "description": feature["description"],
            "tags": _tags(feature["tags"], feature["line_number"]), "elements": [],
        })  # fmt: skip
        # Examples tags (``@req:`` of an outline's rows) are not the scenario's own: add them.
        tags = sorted(set(gherkin["tags"]) | {f"req:{r}" for r in result.requirements})
        entry["elements"].append({
            "keyword": gherkin["keyword"], "id": result.nodeid, "name": result.name, "line": gherkin["line"],
            "description": gherkin["description"], "tags": _tags(tags, gherkin["line"]), "type": "scenario",
            "steps": _steps(gherkin, result.status, result.reason, result.evidence),
        })  # fmt: skip
    return _in_order(features)


def merge_cucumber(documents: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One Cucumber document from several (shards): a feature's scenarios gathered under it once."""
    features: dict[str, dict[str, Any]] = {}
    for document in documents:
        for feature in document:
            entry = features.setdefault(feature["uri"], {**feature, "elements": []})
            entry["elements"].extend(feature["elements"])
    return _in_order(features)

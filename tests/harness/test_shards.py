"""Shards and their merge, Cucumber statuses: the decisions, on small hand-made reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.certify.cucumber import cucumber_features, merge_cucumber
from harness.certify.evidence import Exchange
from harness.certify.merge import merge_reports, scenario_results
from harness.certify.report import ScenarioResult, build_report
from harness.certify.shard import Shard
from harness.errors import HarnessError


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", ""])
def test_a_shard_is_k_of_n(text: str) -> None:
    with pytest.raises(HarnessError, match=r"^--shard takes K/N with 1 <= K <= N \(for example 2/3\), not "):
        Shard.parse(text)


def test_shards_are_disjoint_balanced_and_cover_everything() -> None:
    items = list(range(11))
    slices = [Shard(k, 3).split(items)[0] for k in (1, 2, 3)]
    assert slices == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]]
    kept, dropped = Shard(2, 3).split(items)
    assert sorted(kept + dropped) == items and str(Shard(2, 3)) == "2/3" and Shard.parse(" 2 / 3 ") == Shard(2, 3)


EVIDENCE = {
    "exchanges": [Exchange("POST", "https://api.zoom.us/scim2/Users", 201, {}, "{}", {}, '{"id": "z1"}').to_dict()],
    "log": ["Created user ada"], "audit": [], "summaries": [],
}  # fmt: skip


def _result(nodeid: str, status: str, *requirements: str, reason: str = "") -> ScenarioResult:
    gherkin = {
        "feature": {"keyword": "Feature", "name": "Users", "rel_filename": "users.feature", "line_number": 1,
                    "description": "", "tags": []},
        "keyword": "Scenario", "name": nodeid, "line": 10 + len(nodeid), "description": "", "tags": [],
        "steps": [{"keyword": "Given", "name": "a", "line": 11, "outcome": "passed", "duration": 0.5},
                  {"keyword": "When", "name": "b", "line": 12, "outcome": "failed" if status == "failed" else
                   "passed", "duration": 0.25},
                  {"keyword": "Then", "name": "c", "line": 13, "outcome": "not run" if status == "failed" else
                   "passed", "duration": 0.125}],
    }  # fmt: skip
    return ScenarioResult(nodeid, nodeid, "Users", list(requirements), status, reason, 0.875, EVIDENCE, gherkin)


def _write_shard(folder: Path, shard: str | None, results: list[ScenarioResult], **header: Any) -> Path:
    document = build_report(results, "emulator", 7, "memory", "reference")
    if shard is not None:
        document["header"]["shard"] = shard
    document["header"].update(header)
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps(document))
    (folder / "cucumber.json").write_text(json.dumps(cucumber_features(results)))
    return folder


def test_merged_shards_give_each_requirement_its_status_over_all_shards(tmp_path: Path) -> None:
    one = _write_shard(tmp_path / "1", "1/2", [_result("a", "passed", "UM-01"), _result("b", "failed", "UM-02")])
    two = _write_shard(tmp_path / "2", "2/2", [_result("c", "failed", "UM-01", reason="E boom"),
                                               _result("d", "skipped", "UM-03"), _result("e", "passed")])  # fmt: skip
    merged = merge_reports([one, two], tmp_path / "merged")
    statuses = {r["id"]: r["status"] for r in merged["requirements"]}
    # UM-01 passed in shard 1 but failed in shard 2: a requirement passes only when every scenario did.
    assert (statuses["UM-01"], statuses["UM-02"], statuses["UM-03"], statuses["UM-04"]) == (
        "failed", "failed", "skipped", "uncovered")  # fmt: skip
    assert merged["summary"]["scenarios"] == {"passed": 2, "failed": 2, "skipped": 1}
    assert [s["id"] for s in merged["untagged"]] == ["e"] and merged["header"]["shards"] == 2
    assert json.loads((tmp_path / "merged" / "report.json").read_text())["header"]["shards"] == 2
    results = {r.nodeid: r for r in scenario_results(merged)}
    assert results["c"].reason == "E boom" and results["c"].requirements == ["UM-01"]
    assert results["a"].evidence == EVIDENCE
    (feature,) = json.loads((tmp_path / "merged" / "cucumber.json").read_text())
    assert [e["id"] for e in feature["elements"]] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"target": "zoom"}, r"ran target 'emulator', .* ran 'zoom'$"),
        ({"system_under_test": "PingFederate 12.2"}, r"ran system under test 'reference', .* ran 'PingFederate 12.2'$"),
        ({"harness_version": "0.0.9"}, r"ran harness version '0.1.0', .* ran '0.0.9'$"),
        ({"faker_seed": 8}, r"ran faker seed 7, .* ran 8$"),
        ({"directory": "ldap"}, r"ran directory 'memory', .* ran 'ldap'$"),
    ],
)
def test_shards_of_different_runs_are_refused_in_one_line(tmp_path: Path, header: dict[str, Any], message: str) -> None:
    one = _write_shard(tmp_path / "1", "1/2", [_result("a", "passed", "UM-01")])
    two = _write_shard(tmp_path / "2", "2/2", [_result("b", "passed", "UM-02")], **header)
    with pytest.raises(HarnessError, match=rf"^cannot merge: {one} {message}"):
        merge_reports([one, two], tmp_path / "merged")
    assert not (tmp_path / "merged").exists()


def test_an_incomplete_or_overlapping_set_of_shards_is_refused(tmp_path: Path) -> None:
    one = _write_shard(tmp_path / "1", "1/3", [_result("a", "passed", "UM-01")])
    two = _write_shard(tmp_path / "2", "2/3", [_result("b", "passed", "UM-02")])
    three = _write_shard(tmp_path / "3", "3/3", [_result("a", "passed", "UM-01")])
    other = _write_shard(tmp_path / "other", "2/2", [_result("c", "passed", "UM-03")])
    whole = _write_shard(tmp_path / "whole", None, [_result("a", "passed", "UM-01")])
    cases = [
        ([one, two], r"shard 3/3 missing; a merged report needs all 3$"),
        ([one, one, two], rf"{one} and {one} are both shard 1/3$"),
        ([one, two, other], r"the shards split the run differently \(1/3, 2/2, 2/3\)$"),
        ([one, whole], rf"{whole} is not a shard \(it ran without --shard K/N\)$"),
        ([one, two, three], rf"a ran in {one} and in {three}$"),
    ]
    for folders, message in cases:
        with pytest.raises(HarnessError, match=rf"^cannot merge: {message}"):
            merge_reports(folders, tmp_path / "merged")


def test_a_folder_without_a_report_is_named(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=rf"^{tmp_path}: no report.json \(the report folder of a `run --shard"):
        merge_reports([tmp_path], tmp_path / "merged")
    (tmp_path / "report.json").write_text("[1, 2]")
    with pytest.raises(HarnessError, match=r"report.json: not a certification report \(no header or requirements\)$"):
        merge_reports([tmp_path], tmp_path / "merged")
    (tmp_path / "report.json").write_text("{")
    with pytest.raises(HarnessError, match=r"report.json: not a certification report \(Expecting"):
        merge_reports([tmp_path], tmp_path / "merged")


def test_cucumber_steps_after_the_failing_one_are_skipped_and_carry_no_error() -> None:
    failed = _result("b", "failed", "UM-02", reason="E assert 1 == 2")
    skipped = _result("d", "skipped", "UM-03")
    (feature,) = cucumber_features([skipped, failed])
    first, second = feature["elements"]  # in line order: "b" (line 11) before "d"
    assert [s["result"] for s in first["steps"]] == [
        {"status": "passed", "duration": 500_000_000},
        {"status": "failed", "duration": 250_000_000, "error_message": "E assert 1 == 2"},
        {"status": "skipped", "duration": 0},
    ]
    assert [s["keyword"] for s in first["steps"]] == ["Given ", "When ", "Then "]
    assert first["tags"] == [{"name": "@req:UM-02", "line": 10}]
    assert [s["result"]["status"] for s in second["steps"]] == ["skipped"] * 3
    assert "embeddings" in second["steps"][-1] and "embeddings" not in second["steps"][0]


def test_a_scenario_failed_outside_its_steps_fails_its_last_step() -> None:
    result = _result("a", "failed", "UM-01", reason="E teardown broke")
    for step in result.gherkin["steps"]:
        step["outcome"] = "passed"
    (feature,) = cucumber_features([result])
    assert feature["elements"][0]["steps"][-1]["result"] == {
        "status": "failed", "duration": 125_000_000, "error_message": "E teardown broke"}  # fmt: skip


def test_merged_cucumber_gathers_a_features_scenarios_once() -> None:
    one = cucumber_features([_result("ab", "passed", "UM-01")])
    two = cucumber_features([_result("a", "passed", "UM-01")])
    (feature,) = merge_cucumber([one, two])
    assert [e["id"] for e in feature["elements"]] == ["a", "ab"]

"""One report from the shards of a run (``harness.certify.shard``).

``zoom-harness report merge DIR...`` joins the shards' reports into one certification report
(report.json, report.html, junit.xml, cucumber.json); it refuses shards that cannot make one run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.certify.cucumber import merge_cucumber
from harness.certify.diff import load_report
from harness.certify.report import ScenarioResult, build_report, mark_discriminating, write_cucumber, write_report
from harness.certify.shard import Shard
from harness.errors import HarnessError

#: Header fields every shard of one run shares; a difference means the shards are of different runs.
#: What a folder given to the merge should be.
SHARD_HINT = " (the report folder of a `run --shard K/N`)"
SAME_RUN = {
    "target": "target",
    "system_under_test": "system under test",
    "directory": "directory",
    "harness_version": "harness version",
    "faker_seed": "faker seed",
}


def _check_same_run(documents: list[tuple[Path, dict[str, Any]]]) -> int:
    """The shard count; raises when the folders are not the complete shards of one run."""
    (first, reference), *others = documents
    for folder, document in others:
        for field, label in SAME_RUN.items():
            mine, theirs = reference["header"].get(field), document["header"].get(field)
            if mine != theirs:
                raise HarnessError(f"cannot merge: {first} ran {label} {mine!r}, {folder} ran {theirs!r}")
    shards: dict[str, Path] = {}
    for folder, document in documents:
        shard = document["header"].get("shard")
        if shard is None:
            raise HarnessError(f"cannot merge: {folder} is not a shard (it ran without --shard K/N)")
        if shard in shards:
            raise HarnessError(f"cannot merge: {shards[shard]} and {folder} are both shard {shard}")
        shards[shard] = folder
    counts = {Shard.parse(shard).count for shard in shards}
    if len(counts) > 1:
        raise HarnessError(f"cannot merge: the shards split the run differently ({', '.join(sorted(shards))})")
    (count,) = counts
    missing = [f"{index}/{count}" for index in range(1, count + 1) if f"{index}/{count}" not in shards]
    if missing:
        raise HarnessError(f"cannot merge: shard {', '.join(missing)} missing; a merged report needs all {count}")
    return count


def scenario_results(document: dict[str, Any]) -> list[ScenarioResult]:
    """The scenario results a report was built from (its requirements' scenarios and the untagged)."""
    results: dict[str, ScenarioResult] = {}
    for requirement in document["requirements"]:
        for scenario in requirement["scenarios"]:
            result = results.get(scenario["id"])
            if result is None:
                fields = {k: v for k, v in scenario.items() if k != "id"}
                result = results[scenario["id"]] = ScenarioResult(nodeid=scenario["id"], requirements=[], **fields)
            result.requirements.append(requirement["id"])
    for scenario in document.get("untagged", []):
        fields = {k: v for k, v in scenario.items() if k != "id"}
        results.setdefault(scenario["id"], ScenarioResult(nodeid=scenario["id"], requirements=[], **fields))
    return list(results.values())


def merge_reports(folders: Sequence[Path], output: Path) -> dict[str, Any]:
    """Merge the shards' report folders into ``output``; returns the merged report.json document."""
    documents = [(folder, load_report(folder, SHARD_HINT)) for folder in folders]
    count = _check_same_run(documents)
    results: list[ScenarioResult] = []
    ran_in: dict[str, Path] = {}
    for folder, document in documents:
        for result in scenario_results(document):
            if result.nodeid in ran_in:
                raise HarnessError(f"cannot merge: {result.nodeid} ran in {ran_in[result.nodeid]} and in {folder}")
            ran_in[result.nodeid] = folder
            results.append(result)
    header = documents[0][1]["header"]
    merged = build_report(results, header["target"], header["faker_seed"], header["directory"],
                          header["system_under_test"])  # fmt: skip
    merged["header"]["shards"] = count
    merged["header"]["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    write_report(merged, output)
    mark_discriminating(output)  # a selftest.json put beside the merged report applies to it
    write_cucumber(merge_cucumber(_read_json(folder / "cucumber.json") for folder in folders), output)
    _merge_junit([folder / "junit.xml" for folder in folders], output / "junit.xml")
    return merged


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise HarnessError(f"{path}: not Cucumber JSON ({error})") from None
    return features


def _merge_junit(paths: Sequence[Path], output: Path) -> None:
    from junitparser import JUnitXml

    merged = JUnitXml("zoom-harness")
    for path in paths:
        if not path.exists():
            continue
        try:
            merged += JUnitXml.fromfile(str(path))
        except Exception as error:  # junitparser raises lxml's or ElementTree's parse errors
            raise HarnessError(f"{path}: not JUnit XML ({error})") from None
    merged.write(str(output))

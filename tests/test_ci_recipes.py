"""The CI recipes of docs/ci.md: both files parse, shard the run the same way, merge every shard, keep
the reports, and every `zoom-harness` command in them is one the CLI accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cli import build_parser

DOCS = Path(__file__).resolve().parent.parent / "docs"
GITHUB = yaml.safe_load((DOCS / "ci" / "github-actions.yml").read_text())
GITLAB = yaml.safe_load((DOCS / "ci" / "gitlab-ci.yml").read_text())


def _github_scripts() -> list[str]:
    return [step["run"] for job in GITHUB["jobs"].values() for step in job["steps"] if "run" in step]


def _gitlab_scripts() -> list[str]:
    jobs = [job for name, job in GITLAB.items() if isinstance(job, dict) and "script" in job]
    return [line for job in jobs for line in job["script"]] + GITLAB["default"]["before_script"]


def _commands(scripts: list[str], shard: str) -> list[list[str]]:
    """Every `zoom-harness` invocation, with the CI variables of shard 2 put in."""
    found = []
    for script in scripts:
        text = re.sub(r"\$\{\{ matrix\.shard \}\}|\$SHARD", shard, script).replace('"$ZOOM_HARNESS_SEED"', "4242")
        for line in text.splitlines():
            words = shlex.split(line.split(">")[0].rstrip(" &"))
            if words[:1] == ["zoom-harness"]:
                found.append(words[1:])
    return found


@pytest.mark.parametrize("scripts", [_github_scripts(), _gitlab_scripts()], ids=["github", "gitlab"])
def test_every_zoom_harness_command_of_a_recipe_is_accepted_by_the_cli(scripts: list[str]) -> None:
    commands = _commands(scripts, "2")
    assert sorted(" ".join(c[:2]) for c in commands[3:]) == ["report diff", "report merge", "report merge"]
    assert [c[0] for c in commands[:3]] == ["serve", "verify", "run"]
    for command in commands:
        build_parser().parse_args(command)  # argparse exits (SystemExit) on an unknown command or option
    run = build_parser().parse_args(commands[2])
    assert (run.shard, run.seed, run.report_dir) == ("2/3", 4242, "reports/shard-2")
    merges = [build_parser().parse_args(c) for c in commands if c[:2] == ["report", "merge"]]
    (diff,) = [build_parser().parse_args(c) for c in commands if c[:2] == ["report", "diff"]]
    for merge in merges:
        assert merge.folders == [f"{merge.folders[0].rsplit('/', 1)[0]}/shard-{k}" for k in (1, 2, 3)]
    # With a baseline: the merged report compared with it, and the diff of the same two as the gate.
    assert [m.baseline for m in merges] == [diff.old, None] and merges[0].report_dir == diff.new


def test_the_github_workflow_runs_three_shards_then_merges_and_keeps_every_report() -> None:
    shard, merge = GITHUB["jobs"]["shard"], GITHUB["jobs"]["merge"]
    assert shard["strategy"]["matrix"]["shard"] == [1, 2, 3] and shard["strategy"]["fail-fast"] is False
    assert merge["needs"] == "shard" and merge["if"] == "always()"
    uploads = _uses(shard, "actions/upload-artifact")
    assert uploads[0]["if"] == "always()" and uploads[0]["with"]["path"] == "reports/shard-${{ matrix.shard }}"
    (download,) = _uses(merge, "actions/download-artifact")
    assert download["with"] == {"pattern": "shard-*", "path": "shards"}
    assert "shards/shard-1 shards/shard-2 shards/shard-3" in " ".join(_github_scripts())
    assert _uses(merge, "actions/upload-artifact")[0]["with"]["path"] == "reports"


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action)]


def test_the_gitlab_pipeline_runs_three_shards_then_merges_and_keeps_every_report() -> None:
    shard, merge = GITLAB["shard"], GITLAB["merge"]
    assert shard["parallel"]["matrix"] == [{"SHARD": ["1", "2", "3"]}]
    assert GITLAB["stages"] == ["certify", "report"] and (shard["stage"], merge["stage"]) == ("certify", "report")
    assert merge["needs"] == ["shard"] and merge["when"] == "always"
    assert shard["artifacts"]["when"] == "always" and shard["artifacts"]["paths"] == ["reports/"]
    assert merge["artifacts"]["reports"]["junit"] == "reports/merged/junit.xml"
    assert GITLAB["variables"]["ZOOM_HARNESS_SEED"] == GITHUB["env"]["ZOOM_HARNESS_SEED"]

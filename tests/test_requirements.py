"""Every requirement is certified by a tagged scenario; no tag names an unknown requirement; the
project's catalogue is the shared one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.certify.requirements import catalogue, parse_markdown

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "requirements.md"
TAG = re.compile(r"@req:([A-Z]+-\d+)")


def _tagged() -> dict[str, list[str]]:
    tagged: dict[str, list[str]] = {}
    for feature in sorted((ROOT / "features").rglob("*.feature")):
        for number, line in enumerate(feature.read_text(encoding="utf-8").splitlines(), 1):
            for requirement in TAG.findall(line):
                tagged.setdefault(requirement, []).append(f"{feature.relative_to(ROOT)}:{number}")
    return tagged


def test_every_requirement_has_a_tagged_scenario() -> None:
    missing = [r.id for r in catalogue() if r.id not in _tagged()]
    assert missing == [], f"requirements with no @req tag in features/: {missing}"


def test_no_tag_names_an_unknown_requirement() -> None:
    known = {r.id for r in catalogue()}
    unknown = {tag: where for tag, where in _tagged().items() if tag not in known}
    assert unknown == {}, f"tags naming no requirement of the catalogue: {unknown}"


#: Requirements the project adds to the shared contract (behaviours the reference documents that the
#: shared catalogue does not name yet), by group.
OWN_GROUPS = {"MAP"}


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/requirements.md is not beside this checkout")
def test_the_catalogue_is_the_shared_one_and_the_projects_own() -> None:
    """Every shared requirement is there, unchanged and in its order; the project's own follow, in
    groups of their own."""
    shared = parse_markdown(SHARED.read_text(encoding="utf-8"))
    ours = list(catalogue())
    assert ours[: len(shared)] == shared, (
        "harness/certify/requirements.json differs from shared/requirements.md: regenerate it with "
        "`python -m harness.certify.requirements ../shared/requirements.md`"
    )
    assert {r.group for r in ours[len(shared) :]} == OWN_GROUPS


def test_the_catalogue_is_complete() -> None:
    ids = [r.id for r in catalogue()]
    assert len(ids) == len(set(ids)) == 86  # 80 shared, 6 of the project's own (MAP)
    groups = {"APP", "CONN", "OPT", "ATTR", "UM", "LIM", "CHG", "ENG", "ZM"} | OWN_GROUPS
    assert {r.group for r in catalogue()} == groups


def test_every_scenario_certifies_a_requirement() -> None:
    from gherkin.parser import Parser

    untagged = []
    for feature_file in sorted((ROOT / "features").rglob("*.feature")):
        document = Parser().parse(feature_file.read_text(encoding="utf-8"))
        for child in document["feature"]["children"]:
            scenario = child.get("scenario")
            if scenario is None:
                continue
            tags = [t["name"] for t in scenario["tags"]]
            examples = [[t["name"] for t in e["tags"]] for e in scenario.get("examples", [])]
            tagged = any(t.startswith("@req:") for t in tags) or (
                examples and all(any(t.startswith("@req:") for t in e) for e in examples)
            )
            if not tagged:
                untagged.append(f"{feature_file.relative_to(ROOT)}: {scenario['name']}")
    assert untagged == [], f"scenarios that certify no requirement: {untagged}"

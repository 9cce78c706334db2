"""The pytest plugin of a selftest run (``-p harness.selftest.plugin``).

With ``ZOOM_HARNESS_SELFTEST`` naming faults (comma-separated, or ``all``), every scenario runs as
it is, and once more for each fault against one of its requirements: a copy of the scenario's test
item named ``<test>@<fault>``, around which the fault is applied (before its fixtures are set up,
so that the world, the emulator and the provisioner are built faulty) and undone after. Outcomes go
to ``ZOOM_HARNESS_OUTCOMES`` as JSON, read by the selftest independently of the report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from harness.certify.items import requirement_ids
from harness.selftest.faults import FAULTS

SEPARATOR = "@"
_PATCH_KEY = pytest.StashKey[pytest.MonkeyPatch]()
_OUTCOMES: dict[str, dict[str, Any]] = {}


def _chosen() -> list[str]:
    value = os.environ.get("ZOOM_HARNESS_SELFTEST", "")
    return list(FAULTS) if value == "all" else [n for n in value.split(",") if n]


def fault_of(nodeid: str) -> str | None:
    """The fault a copied scenario runs under: ``test_name@fault[params]`` -> ``fault``."""
    name = nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    return name.rsplit(SEPARATOR, 1)[1] if SEPARATOR in name else None


def scenario_of(nodeid: str) -> str:
    """The scenario's own test id, without the fault: ``test_name[params]``."""
    name = nodeid.rsplit("::", 1)[-1]
    base, bracket, params = name.partition("[")
    return base.split(SEPARATOR, 1)[0] + bracket + params


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("ZOOM_HARNESS_SELFTEST_ONLY"):
        # Only the chosen faults' scenarios run, as they are and under the faults.
        wanted_ids = {r for name in _chosen() for r in FAULTS[name].requirements}
        kept = [item for item in items if wanted_ids.intersection(requirement_ids(item))]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    copies = []
    for name in _chosen():
        wanted = set(FAULTS[name].requirements)
        for item in items:
            if not isinstance(item, pytest.Function) or not wanted.intersection(requirement_ids(item)):
                continue
            callspec = getattr(item, "callspec", None)
            original = f"{item.originalname}{SEPARATOR}{name}"
            copy = pytest.Function.from_parent(
                item.parent, name=original + (f"[{callspec.id}]" if callspec is not None else ""), callspec=callspec,
                callobj=item.obj, originalname=original, fixtureinfo=item._fixtureinfo,
            )  # fmt: skip
            copy.own_markers = list(item.own_markers)
            copy.stash[_FAULT_KEY] = name
            copies.append(copy)
    items.extend(copies)


_FAULT_KEY = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    name = item.stash.get(_FAULT_KEY, None)
    if name is not None:
        patch = pytest.MonkeyPatch()
        item.stash[_PATCH_KEY] = patch
        FAULTS[name].apply(patch)
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        patch = item.stash.get(_PATCH_KEY, None)
        if patch is not None:
            patch.undo()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _OUTCOMES.setdefault(report.nodeid, {"outcome": "passed"})
    if report.failed:
        entry["outcome"] = "failed"
        crash = getattr(getattr(report.longrepr, "reprcrash", None), "message", "") or ""
        entry["reason"] = crash.splitlines()[0][:300] if crash else (report.longreprtext or "")[-300:]
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get("ZOOM_HARNESS_OUTCOMES")
    if path and not hasattr(config, "workerinput"):  # with xdist, the controller has every report
        Path(path).write_text(json.dumps(_OUTCOMES), encoding="utf-8")

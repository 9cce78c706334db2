"""What the pytest plugin keeps on each scenario's item for the reports: its identity (the
Gherkin scenario and feature), its evidence, whether faults were injected, and its requirements."""

from __future__ import annotations

from typing import Any

import pytest

SCENARIO_KEY = pytest.StashKey[dict[str, Any]]()
IDENTITY_KEY = pytest.StashKey[dict[str, str]]()
FAULTS_KEY = pytest.StashKey[bool]()


def requirement_ids(item: pytest.Item) -> list[str]:
    """The requirement IDs a scenario certifies, from its scenario and Examples tags."""
    ids = [str(m.args[0]) for m in item.iter_markers("req")]
    # pytest-bdd turns Examples tags into marks without the apply-tag hook: ``req:APP-07``.
    ids += [m.name[4:] for m in item.iter_markers() if m.name.startswith("req:")]
    return sorted(set(ids))

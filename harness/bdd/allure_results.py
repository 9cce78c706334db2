"""Allure, made to carry the certification (only where ``allure-pytest-bdd`` runs: ``--alluredir``).

Each scenario's result is labelled with what it certifies: ``requirement`` (one label per ID),
``feature`` (the documentation page, Allure's Behaviors tab groups by it), ``story`` (the
requirement, ID and text) and ``epic`` (the connector); the scenario's evidence (its exchanges with
Zoom, log and audit records, already redacted) is attached as JSON. Without Allure nothing changes:
no mark is added and nothing is imported.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.certify.items import requirement_ids
from harness.certify.requirements import catalogue

EPIC = "PingFederate Zoom Provisioner"
#: allure-pytest-bdd reads its labels from marks of this name (allure_pytest_bdd.utils.ALLURE_LABEL_MARK).
LABEL_MARK = "allure_label"


def active(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "allure_report_dir", None))


def label(item: pytest.Item) -> None:
    """The scenario's requirements, pages and the epic, as Allure labels."""
    ids = requirement_ids(item)
    if not ids:
        return
    known = {requirement.id: requirement for requirement in catalogue()}
    mark = getattr(pytest.mark, LABEL_MARK)
    found = [known[rid] for rid in ids if rid in known]
    item.add_marker(mark(*ids, label_type="requirement"))
    item.add_marker(mark(*dict.fromkeys(r.page for r in found), label_type="feature"))
    item.add_marker(mark(*(f"{r.id} {r.text}" for r in found), label_type="story"))
    item.add_marker(mark(EPIC, label_type="epic"))


def attach_evidence(evidence: dict[str, Any]) -> None:
    import allure

    allure.attach(json.dumps(evidence, indent=1, ensure_ascii=False), name="evidence",
                  attachment_type=allure.attachment_type.JSON)  # fmt: skip

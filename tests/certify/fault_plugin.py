"""A pytest plugin for the tests of `report diff`: one fault of the selftest's catalogue, put into
every scenario of a run (``ZOOM_HARNESS_TEST_FAULT`` names it), as a broken connector would be."""

from __future__ import annotations

import os

import pytest

from harness.selftest.faults import FAULTS


@pytest.fixture(autouse=True)
def injected_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    FAULTS[os.environ["ZOOM_HARNESS_TEST_FAULT"]].apply(monkeypatch)

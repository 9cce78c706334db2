"""The remembered step lookup (harness/step_lookup.py) answers as pytest-bdd's own: a step defined
differently in two modules runs each module's definition, and a conftest's step serves both."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from harness.bdd import step_lookup

FEATURE = """Feature: the same words
  Scenario: a step two modules define
    Given the step
    Then the module's own definition ran
"""
MODULE = """import pytest
from pytest_bdd import given, scenarios

scenarios("same.feature")


@pytest.fixture
def module_name() -> str:
    return "{name}"


@given("the step", target_fixture="ran")
def step() -> str:
    return "{name}"
"""
#: The Then step is the conftest's: both modules see it; it compares what ran with the module's name.
CONFTEST = """from pytest_bdd import then


@then("the module's own definition ran")
def check(ran: str, module_name: str) -> None:
    assert ran == module_name
"""


def test_a_step_defined_in_two_modules_runs_each_modules_definition(tmp_path: Path) -> None:
    (tmp_path / "same.feature").write_text(FEATURE)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name in ("first", "second"):
        (tmp_path / f"test_{name}.py").write_text(MODULE.replace("{name}", name))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                             str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "2 passed" in result.stdout


def test_the_lookup_is_routed_through_the_table_once() -> None:
    step_lookup.remember_step_lookups()
    step_lookup.remember_step_lookups()
    scenario_module = importlib.import_module("pytest_bdd.scenario")
    assert scenario_module.find_fixturedefs_for_step is step_lookup._remembered

"""The choice of tests a mutant runs (``make mutants-features``): those that run the statement it
changes, or, for a change of the signature, those that call the function."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutation_reach import Reach, function_of

# mutmut's layout: the original body as ``NAME__mutmut_orig`` and each mutant beside it, the same
# body with one change.
ORIGINAL = """\
def x_f__mutmut_orig(value, limit=1):
    total = 0
    if value > limit:
        total = value
    else:
        total = -value
    return total
"""
CHANGES = {1: ("value > limit", "value >= limit"), 2: ("total = value\n", "total = None\n"),
           3: ("limit=1", "limit=2"), 4: ("-value", "+value")}  # fmt: skip
MODULE = ORIGINAL + "".join(
    ORIGINAL.replace("__mutmut_orig", f"__mutmut_{number}").replace(*change) for number, change in CHANGES.items()
)


@pytest.fixture
def mutants(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(MODULE, encoding="utf-8")
    return tmp_path


def _reach() -> Reach:
    callers = ["t_big", "t_small", "t_header_only"]
    # Lines of x_f__mutmut_orig: 3 is the if, 4 its body, 6 the else's body.
    lines = {"pkg/mod.py": {2: callers, 3: callers, 4: ["t_big"], 6: ["t_small"], 7: ["t_big", "t_small"]}}
    return Reach({"pkg.mod.x_f": callers}, lines)


@pytest.mark.parametrize(
    ("mutant", "expected"),
    [
        ("pkg.mod.x_f__mutmut_1", ["t_big", "t_small", "t_header_only"]),  # an if's test: its header runs
        ("pkg.mod.x_f__mutmut_2", ["t_big"]),  # only the test that runs the branch
        ("pkg.mod.x_f__mutmut_3", ["t_big", "t_small", "t_header_only"]),  # the signature: every caller
        ("pkg.mod.x_f__mutmut_4", ["t_small"]),  # the else branch
    ],
)
def test_a_mutant_runs_the_tests_that_run_what_it_changes(mutants: Path, mutant: str, expected: list[str]) -> None:
    assert _reach().tests_for(mutants, mutant) == expected


def test_a_mutant_of_a_function_no_test_calls_runs_nothing(mutants: Path) -> None:
    assert Reach({}, {}).tests_for(mutants, "pkg.mod.x_f__mutmut_1") == []


def test_a_mutant_whose_statement_no_test_runs_runs_nothing(mutants: Path) -> None:
    reach = Reach({"pkg.mod.x_f": ["t_big"]}, {"pkg/mod.py": {3: ["t_big"], 4: ["t_big"]}})
    assert reach.tests_for(mutants, "pkg.mod.x_f__mutmut_4") == []


def test_the_function_of_a_mutant_is_mutmuts_mangled_name() -> None:
    assert function_of("harness.zoom.auth.xǁZoomS2SAuthǁstore__mutmut_12") == "harness.zoom.auth.xǁZoomS2SAuthǁstore"

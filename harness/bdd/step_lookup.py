"""pytest-bdd's step lookup, remembered: a run spends a third of its scenarios' time finding steps.

For each step of each scenario, pytest-bdd 9.0.1 asks pytest, fixture name by fixture name (about a
hundred here), which definitions the test sees and tries each step parser on the step's text
(``pytest_bdd.scenario.find_fixturedefs_for_step``). The answer depends only on the step (its type
and text) and on where the test sits (the fixtures its module, class and conftests define), so it
is kept per test session, keyed by the test's parent node, and the same step in another scenario of
the module is found at once: the 251 scenarios ran in 6.2–7.6 s instead of 8.8–9.3 s (same hour).

pytest-bdd is pinned with pytest (pyproject.toml); if the function moves, nothing is patched and the
lookup is pytest-bdd's own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from weakref import WeakKeyDictionary

_scenario = importlib.import_module("pytest_bdd.scenario")  # the package's ``scenario`` is a function
_LOOKUP_NAME = "find_fixturedefs_for_step"
_Lookup = Callable[..., Iterable[Any]]
_original: _Lookup | None = getattr(_scenario, _LOOKUP_NAME, None)
#: One table per session (its fixture manager): (parent node id, step type, step text) -> definitions.
_found: WeakKeyDictionary[Any, dict[tuple[str, str | None, str], list[Any]]] = WeakKeyDictionary()


def _remembered(step: Any, fixturemanager: Any, node: Any) -> Iterator[Any]:
    assert _original is not None
    table = _found.setdefault(fixturemanager, {})
    where = node.parent.nodeid if node.parent is not None else node.nodeid
    key = (where, step.type, step.name)
    definitions = table.get(key)
    if definitions is None:
        definitions = table[key] = list(_original(step=step, fixturemanager=fixturemanager, node=node))
    return iter(definitions)


def remember_step_lookups() -> None:
    """Route pytest-bdd's step lookup through the per-session table (once per process)."""
    if _original is not None and getattr(_scenario, _LOOKUP_NAME) is _original:
        setattr(_scenario, _LOOKUP_NAME, _remembered)

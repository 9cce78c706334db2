"""Which tests reach a mutant, so that each mutant runs only those (the mutation tools' way).

The test set runs once with mutmut's trampolines recording the functions each test calls
(``MUTANT_UNDER_TEST=stats``) and coverage.py recording, per test, the lines it runs in
``mutants/``. A mutant is then judged by the tests that run the statement it changes; where the
change is in the function's signature, by those that call the function. A mutant whose statement no
test runs cannot change what the set sees: it survives without a run.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Reach:
    #: mutmut's mangled function name (``module.xǁClassǁmethod``) -> the tests that call it.
    functions: dict[str, list[str]]
    #: mutants/ file (relative) -> line -> the tests that run it.
    lines: dict[str, dict[int, list[str]]]
    #: mutants/ file -> its lines and its functions by name, read once (a run asks for every mutant).
    _files: dict[str, tuple[list[str], dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]] = field(default_factory=dict)

    def tests_for(self, mutants: Path, name: str) -> list[str]:
        """The tests that run what the mutant ``name`` changes (none: nothing runs it)."""
        function = function_of(name)
        callers = self.functions.get(function, [])
        if not callers:
            return []
        module, _, mangled = function.rpartition(".")
        path = module.replace(".", "/") + ".py"
        statement = self._changed_lines(mutants, path, mangled, name.rpartition(".")[2])
        if statement is None:
            return callers
        by_line = self.lines.get(path, {})
        running = {test for line in statement for test in by_line.get(line, [])}
        return [test for test in callers if test in running]

    def _changed_lines(self, mutants: Path, path: str, mangled: str, mutant: str) -> range | None:
        """The lines of the original's statement the mutant changes; None where it is the signature
        (or the change cannot be placed), which the function's callers judge."""
        if path not in self._files:
            text = (mutants / path).read_text(encoding="utf-8")
            nodes = ast.walk(ast.parse(text))
            functions = {n.name: n for n in nodes if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
            self._files[path] = (text.splitlines(), functions)
        source, functions = self._files[path]
        original, changed = functions.get(f"{mangled}__mutmut_orig"), functions.get(mutant)
        if original is None or changed is None or len(original.body) != len(changed.body):
            return None
        before = source[original.body[0].lineno - 1 : original.end_lineno]
        after = source[changed.body[0].lineno - 1 : changed.end_lineno]
        if len(before) != len(after):
            return None
        offset = next((i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b), None)
        if offset is None:
            return None  # the body is the same: the signature changed
        return _statement(original, original.body[0].lineno + offset)


def function_of(name: str) -> str:
    """The mangled function name of a mutant (``module.xǁClassǁmethod``), as mutmut's stats key it."""
    return name.rpartition("__mutmut_")[0]


def _statement(function: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> range:
    """The lines of the innermost statement holding ``line``: a compound statement's header only."""
    found: ast.stmt = function
    for node in ast.walk(function):
        holds = isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno)
        if holds and node.lineno >= found.lineno and (node.end_lineno or 0) <= (found.end_lineno or 0):
            found = node
    body = getattr(found, "body", None)
    last = found.end_lineno or found.lineno
    if isinstance(body, list) and body and body[0].lineno > line:
        last = body[0].lineno - 1  # the header of an if, a for, a with...
    return range(found.lineno, last + 1)


def record(arguments: list[str], modules: list[str]) -> Reach:
    """Run pytest with ``arguments`` once in a forked child (in mutants/), recording what each test
    reaches of ``modules``. Raises SystemExit when a test fails: verdicts would mean nothing."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            _record_in_child(arguments, modules, write)
            os._exit(0)
        except BaseException:
            os._exit(3)
    os.close(write)
    with os.fdopen(read) as pipe:
        found = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    if found.get("code") != 0:
        raise SystemExit(f"{' '.join(arguments)} fail without a mutant (or did not run); fix them first")
    lines = {path: {int(line): tests for line, tests in by_line.items()} for path, by_line in found["lines"].items()}
    return Reach(found["functions"], lines)


def _record_in_child(arguments: list[str], modules: list[str], write: int) -> None:
    import coverage
    import pytest
    from mutmut.state import state

    os.environ["MUTANT_UNDER_TEST"] = "stats"
    silent = os.open(os.devnull, os.O_WRONLY)
    os.dup2(silent, 1)
    os.dup2(silent, 2)
    root = Path.cwd()
    files = [str(root / (module.replace(".", "/") + ".py")) for module in modules]
    measuring = coverage.Coverage(data_file=None, include=files, branch=False)
    functions: dict[str, list[str]] = {}

    class Recorder:
        def pytest_runtest_logstart(self, nodeid: str) -> None:
            measuring.switch_context(nodeid)

        def pytest_runtest_teardown(self, item: pytest.Item) -> None:
            for function in state()._stats:
                functions.setdefault(function, []).append(item.nodeid)
            state()._stats.clear()

    measuring.start()
    code = int(pytest.main(arguments, plugins=[Recorder()]))
    measuring.stop()
    data = measuring.get_data()
    lines: dict[str, dict[int, list[str]]] = {}
    for measured in data.measured_files():
        relative = Path(measured).resolve().relative_to(root).as_posix()
        by_line = data.contexts_by_lineno(measured)
        lines[relative] = {line: [c for c in contexts if c] for line, contexts in by_line.items()}
    with os.fdopen(write, "w") as pipe:
        json.dump({"code": code, "functions": functions, "lines": lines}, pipe)

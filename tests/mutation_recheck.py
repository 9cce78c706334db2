"""Re-judge mutmut's surviving mutants against today's unit tests, fast (`make mutants-recheck`).

A full `make mutants` runs every covering test, features included, for each of ~4,200 mutants:
hours on 2 cores. After tests are added, only the survivors need judging again, and the new tests
are unit tests. This activates each survivor exactly as mutmut does (``MUTANT_UNDER_TEST`` read by
mutmut's trampolines in ``mutants/``) in a pytest forked from one process that imported the code
and the tests once (as mutmut's fork server does), over the unit-test files of its module,
and writes the verdicts back into mutmut's ``.meta`` files, so ``mutmut results`` shows them.
A mutant these tests do not kill keeps its "survived" verdict: the features had their chance in
the full run. The mutated code is that of the last run; ``--deselect`` leaves out the tests of
behaviour added since (they fail on the older code whatever the mutant).

``--features`` measures what a certification itself tells apart: every mutant of the ``--only``
modules (not only the survivors) is judged by the features alone, and the verdicts go to the
``--record`` folder only (mutmut's metas keep the whole suite's). ``--generate`` writes ``mutants/``
as ``mutmut run`` does before it judges anything (``make mutants-features`` uses both).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mutation_reach import Reach, record

ROOT = Path(__file__).resolve().parent.parent
#: The unit tests that judge each module's mutants (module name prefix -> test files).
TESTS = {
    "harness.zoom.preflight": ["tests/harness/test_preflight.py"],
    "harness.certify.report": ["tests/test_report.py"],
    "harness.provisioner.mapping": [
        "tests/harness/test_source_and_mapping.py",
        "tests/harness/test_provisioner_outcomes.py",
    ],
    "harness.provisioner": ["tests/harness/test_provisioner_outcomes.py", "tests/harness/test_provisioner.py"],
    "harness.zoom": ["tests/harness/test_client.py", "tests/harness/test_preflight.py"],
    # Since 2026-12: the system-under-test adapters, the directory, the proxy. The reference system
    # is what the features run: they judge it.
    "harness.sut.reference": ["steps/test_features.py"],
    "harness.sut": ["tests/sut/test_logs.py", "tests/sut/test_admin.py", "tests/sut/test_system.py",
                    "tests/sut/test_cycles.py", "tests/sut/test_connector.py", "tests/sut/test_payloads.py",
                    "tests/sut/test_pingfederate.py", "tests/sut/test_adapter_on_standin.py"],
    "harness.directory.ldap": ["tests/directory/test_ldap.py", "tests/directory/test_ldap_source.py",
                               "tests/directory/test_source.py", "tests/directory/test_people.py"],
    "harness.directory": ["tests/directory/test_source.py", "tests/directory/test_people.py",
                          "tests/directory/test_slapd.py", "tests/directory/test_ldap.py",
                          "tests/directory/test_ldap_source.py",
                          "tests/directory/test_slapd_watchdog.py", "tests/harness/test_source_and_mapping.py"],
    "mocks.proxy": ["tests/emulator/test_proxy.py", "tests/emulator/test_pacing.py",
                    "tests/emulator/test_control_guard.py", "tests/emulator/test_limits_and_faults.py"],
    # The served mounting adds nothing here (one dispatch path) and waits on its server at teardown.
    "mocks": ["-k", "not served", "tests/emulator/test_scim_groups.py", "tests/emulator/test_limits_and_faults.py",
              "tests/emulator/test_scim_users.py", "tests/emulator/test_oauth.py"],
}  # fmt: skip
#: What a certification runs: the connector's code judged by the features alone (``--features``).
FEATURES = ["steps/test_features.py"]
#: The emulator's Zoom contract: its SCIM, REST v2 and OAuth handlers, its rate limits and its state.
EMULATOR = ["mocks.api.scim", "mocks.api.scim_render", "mocks.api.oauth", "mocks.api.rest",
            "mocks.state.ratelimit", "mocks.state.models", "mocks.state.zoom_state"]  # fmt: skip
#: What judges it (``--contract``): the emulator's own tests, each mutant by those that run what it
#: changes; a lower bound of the whole suite's figure, and the one that pins Zoom's contract in the
#: emulator's tests. The features reach it too but add little (7 of 299 survivors, 2026-12-04) at
#: four times the cost: each fork collects the feature set. The served mounting's tests wait on a
#: server at teardown and dispatch as the in-process one does.
CONTRACT = ["-k", "not served", "tests/emulator"]
#: The pytest plugins the features load by the package's entry points.
STEP_PLUGINS = ["mocks.pytest_plugin", "harness.bdd.plugin"]
#: The connector's code: the provisioner engine, the attribute mapping, the Zoom client and its token.
CONNECTOR = ["harness.provisioner.engine", "harness.provisioner.mapping", "harness.zoom.client",
             "harness.zoom.auth", "harness.zoom.retry"]  # fmt: skip
#: Plain asserts: rewriting mutmut's large mutated modules would cost seconds per mutant.
_PYTEST = ["-q", "-p", "no:cacheprovider", "--assert=plain", "--rootdir=."]
KILLED, SURVIVED, TIMEOUT = 1, 0, 36  # mutmut's exit-code meanings
#: Survivors judged equivalent, with the reason (in the --record folder): left out of the score.
EQUIVALENT = "equivalent.json"
#: With --features: mutants no certification can judge (a log line's wording, say), with the reason.
OUT_OF_SCOPE = "out_of_scope.json"
LIMIT = 120.0  # seconds; an infinite loop is a kill by timeout, as in mutmut
#: Which tests judge which module's mutants now: TESTS, or the features alone with --features.
_judges: dict[str, list[str]] = TESTS
#: With --features or --contract: what each test of the set reaches; a mutant runs those tests only.
_reach: Reach | None = None


def _survivors(mutants: Path, skip: list[str], unchecked: bool, only: list[str]) -> dict[str, Path]:
    """Survived mutants (and, with ``unchecked``, those a stopped run left unjudged), by meta file;
    with ``only``, those of the modules named."""
    wanted = {SURVIVED, None} if unchecked else {SURVIVED}
    found: dict[str, Path] = {}
    for meta in mutants.rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        for name, code in data["exit_code_by_key"].items():
            skipped = any(name.startswith(prefix) for prefix in skip)
            chosen = not only or any(name.startswith(prefix) for prefix in only)
            if code in wanted and chosen and not skipped:
                found[name] = meta
    return found


def _record(folder: Path, mutants: Path, module: str) -> Path:
    """One module's result as mutmut's metas hold it now (every pass so far), for the repository: a
    run that spans sessions loses nothing."""
    verdicts = _verdicts(mutants, module)
    folder.mkdir(parents=True, exist_ok=True)
    judged = folder / EQUIVALENT
    equivalent = json.loads(judged.read_text()) if judged.exists() else {}
    mine = sorted(name for name in verdicts if name in equivalent)
    survivors = sorted(name for name, verdict in verdicts.items() if verdict == SURVIVED and name not in mine)
    unjudged = sum(1 for name, verdict in verdicts.items() if verdict is None and name not in mine)
    killed = len(verdicts) - len(survivors) - len(mine) - unjudged
    path = folder / f"{module}.json"
    # The score of what was judged so far; a run stopped part way says how many are left to judge.
    path.write_text(json.dumps({"module": module, "tests": _tests(module + "."), "mutants": len(verdicts),
                                "killed": killed, "equivalent": len(mine), "unjudged": unjudged,
                                "score": round(killed / max(killed + len(survivors), 1), 3),
                                "survived": survivors}, indent=1) + "\n")  # fmt: skip
    return path


def _tests(name: str) -> list[str]:
    return next(files for prefix, files in _judges.items() if name.startswith(prefix))


def _start(name: str, deselected: list[str]) -> int:
    """A forked pytest over the mutant's tests, with the mutant active; returns the child's pid."""
    pid = os.fork()
    if pid == 0:  # the child: its exit status is pytest's
        try:
            os.environ["MUTANT_UNDER_TEST"] = name
            silent = os.open(os.devnull, os.O_WRONLY)
            os.dup2(silent, 1)
            os.dup2(silent, 2)
            import pytest

            tests = _reach.tests_for(Path.cwd(), name) if _reach else _tests(name)
            arguments = ["-x", *_PYTEST, *tests]
            arguments += [f"--deselect={test}" for test in deselected]
            os._exit(int(pytest.main(arguments)))
        except BaseException:
            os._exit(3)
    return pid


def _refresh_tests(mutants: Path) -> None:
    """mutants/ keeps the tests (and features) of its run: today's go in their place, and so do the
    modules it did not mutate (today's steps call today's harness)."""
    for folder in ("tests", "features", "steps"):
        shutil.rmtree(mutants / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, mutants / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "conftest.py", mutants / "conftest.py")
    for package in ("harness", "mocks"):
        for source in (ROOT / package).rglob("*.py"):
            copy = mutants / source.relative_to(ROOT)
            if not copy.with_name(copy.name + ".meta").exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)


def _preload(mutants: Path, names: list[str]) -> None:
    """Import pytest, the code and the test modules once: every fork starts from them (mutmut's way)."""
    os.chdir(mutants)
    sys.path.insert(0, str(mutants))
    import pytest  # noqa: F401

    for files in {tuple(_tests(name)) for name in names}:
        for file in files:
            # The features' module builds its tests at import from pytest's configuration: only under pytest.
            if file.endswith(".py") and file.startswith("tests/"):
                importlib.import_module(file.removesuffix(".py").replace("/", "."))
    if _judges is not TESTS:
        # The step modules import most of the harness and the emulator: 3 s a mutant, paid once here.
        for module in [*STEP_PLUGINS, *(f"steps.{p.stem}" for p in sorted((mutants / "steps").glob("[!_]*.py"))
                                        if not p.stem.startswith("test_"))]:  # fmt: skip
            importlib.import_module(module)
        # A folder of tests (--contract's tests/emulator): its modules too, conftest first.
        for folder in (mutants / entry for entry in _judges[""] if (mutants / entry).is_dir()):
            for path in sorted(folder.glob("conftest.py")) + sorted(folder.glob("test_*.py")):
                importlib.import_module(path.relative_to(mutants).with_suffix("").as_posix().replace("/", "."))


def _finished(pid: int) -> int | None:
    done, status = os.waitpid(pid, os.WNOHANG)
    return None if done == 0 else os.waitstatus_to_exitcode(status)


def _baseline(names: list[str], deselected: list[str]) -> None:
    """With no mutant active every test set in use must pass, or a verdict would mean nothing."""
    for prefix, files in _judges.items():
        if not any(name.startswith(prefix) for name in names):
            continue
        pid = _start(f"{prefix}.none", deselected)
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            raise SystemExit(f"the tests of {prefix} ({' '.join(files)}) fail without a mutant; fix them first")


def _write(verdicts: dict[str, int], survivors: dict[str, Path]) -> None:
    """Put the verdicts into mutmut's .meta files, where `mutmut results` reads them."""
    by_meta: dict[Path, dict[str, int]] = {}
    for name, verdict in verdicts.items():
        by_meta.setdefault(survivors[name], {})[name] = verdict
    for meta, found in by_meta.items():
        data = json.loads(meta.read_text())
        data["exit_code_by_key"].update(found)
        meta.write_text(json.dumps(data, indent=4))


def _judge(
    names: list[str], deselected: list[str], workers: int, save: Callable[[dict[str, int]], None]
) -> dict[str, int]:
    """Each mutant's verdict, ``workers`` at a time; ``save`` gets the new ones every 25 verdicts
    (a stopped run keeps what it judged) and at the end."""
    verdicts: dict[str, int] = {}
    unsaved: dict[str, int] = {}
    queue = sorted(names)
    running: dict[str, tuple[int, float]] = {}
    while queue or running:
        while queue and len(running) < workers:
            name = queue.pop()
            running[name] = (_start(name, deselected), time.monotonic())
        time.sleep(0.02)
        for name, (pid, started) in list(running.items()):
            code = _finished(pid)
            if code is None and time.monotonic() - started > LIMIT:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                code = TIMEOUT
            if code is not None:
                # 1: a test failed. Anything else (an error collecting, say) proves nothing: kept survived.
                verdicts[name] = unsaved[name] = KILLED if code == 1 else TIMEOUT if code == TIMEOUT else SURVIVED
                del running[name]
                if len(verdicts) % 25 == 0:
                    save(unsaved)
                    unsaved.clear()
                    print(f"{len(verdicts)}/{len(names)}: {sum(v != SURVIVED for v in verdicts.values())} killed",
                          flush=True)  # fmt: skip
    save(unsaved)
    return verdicts


def _listed(*paths: Path) -> dict[str, str]:
    """Mutants listed with a reason (equivalent, or out of what a certification can judge)."""
    return {name: reason for path in paths if path.exists() for name, reason in json.loads(path.read_text()).items()}


def _judge_modules(
    mutants: Path, folder: Path, modules: list[str], judges: list[str], deselected: list[str], workers: int
) -> int:
    """Every mutant of ``modules`` judged by the ``judges`` test set (each mutant by the tests of
    the set that reach its function); each module's result in ``folder``/MODULE.json, written as
    verdicts come (a stopped run goes on where it stopped, and a later run judges again only the
    survivors, for the tests added since)."""
    global _judges, _reach
    _judges = {"": judges}
    # The folder's own lists: mutant names are those of one generation of mutants/ (numbers move
    # when the code or its coverage changes), so a whole-suite list of another run cannot be reused.
    equivalent, out_of_scope = _listed(folder / EQUIVALENT), _listed(folder / OUT_OF_SCOPE)
    names = {module: sorted(_verdicts(mutants, module)) for module in modules}
    wanted: list[str] = []
    killed: dict[str, set[str]] = {}
    for module, all_names in names.items():
        previous = folder / f"{module}.json"
        done = json.loads(previous.read_text()) if previous.exists() else {}
        again = (
            set(done.get("survived", [])) | set(done.get("unjudged", [])) | set(done.get("listed", []))
            if done.get("mutants") == len(all_names)
            else set(all_names)
        )
        killed[module] = set(all_names) - again
        wanted += [n for n in all_names if n in again and n not in equivalent and n not in out_of_scope]
    survived: set[str] = set()

    def save(new: dict[str, int]) -> None:
        for name, verdict in new.items():
            module = next(m for m in modules if name.startswith(m + "."))
            (survived.add if verdict == SURVIVED else killed[module].add)(name)
        for module, all_names in names.items():
            _features_record(folder, module, all_names, killed[module], survived, equivalent, out_of_scope)

    _refresh_tests(mutants)
    _preload(mutants, [])
    _reach = record([*_PYTEST, *judges, *(f"--deselect={test}" for test in deselected)], modules)
    # A mutant whose statement no test of the set runs survives it: nothing the set sees can change.
    unreached = {name: SURVIVED for name in wanted if not _reach.tests_for(mutants, name)}
    print(f"{len(wanted)} mutants to judge by {' '.join(judges)} ({len(unreached)} in code none of it reaches)",
          flush=True)  # fmt: skip
    save(unreached)
    verdicts = unreached | _judge([n for n in wanted if n not in unreached], deselected, workers, save)
    for module in modules:
        print(f"{module}: written to {folder / (module + '.json')}")
    print(f"{sum(v != SURVIVED for v in verdicts.values())} of {len(verdicts)} killed by {' '.join(judges)}")
    return 0


def _verdicts(mutants: Path, module: str) -> dict[str, int | None]:
    """Each mutant of ``module`` and its verdict in mutmut's metas (None: not judged)."""
    return {name: code for meta in mutants.rglob("*.py.meta")
            for name, code in json.loads(meta.read_text())["exit_code_by_key"].items()
            if name.startswith(module + ".")}  # fmt: skip


def _features_record(folder: Path, module: str, names: list[str], killed: set[str], survived: set[str],
                     equivalent: dict[str, str], out_of_scope: dict[str, str]) -> None:  # fmt: skip
    mine_equivalent = [n for n in names if n in equivalent]
    mine_out = [n for n in names if n in out_of_scope and n not in equivalent]
    listed = set(mine_equivalent) | set(mine_out)
    dead = [n for n in names if n in killed and n not in listed]
    alive = [n for n in names if n in survived and n not in listed]
    unjudged = [n for n in names if n not in killed and n not in survived and n not in listed]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.json").write_text(json.dumps({
        "module": module, "tests": _judges[""], "mutants": len(names), "killed": len(dead),
        "equivalent": len(mine_equivalent), "out_of_scope": len(mine_out),
        "score": round(len(dead) / max(len(dead) + len(alive), 1), 3), "survived": alive, "unjudged": unjudged,
        # Not judged while listed: a later run judges them should they leave the lists.
        "listed": sorted(listed),
    }, indent=1, ensure_ascii=False) + "\n")  # fmt: skip


def _generate() -> int:
    """mutmut's generation step alone, as ``mutmut run`` does it before judging (which takes hours)."""
    from mutmut import __main__ as mutmut

    os.chdir(ROOT)
    mutmut.set_mutant_under_test("mutant_generation")
    os.makedirs("mutants", exist_ok=True)
    mutmut.copy_src_dir()
    mutmut.copy_also_copy_files()
    mutmut.setup_source_paths()
    mutmut.store_lines_covered_by_tests()
    stats = mutmut.create_mutants(os.cpu_count() or 2)
    print(f"mutants/ written: {stats.mutated} files mutated, {stats.unmodified} kept as they were")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants", help="mutmut's folder (default mutants/)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="mutants judged at once")
    parser.add_argument("--skip", action="append", default=[], metavar="PREFIX", help="leave these mutants alone")
    parser.add_argument(
        "--unchecked",
        action="store_true",
        help="judge too the mutants a stopped `mutmut run` left unjudged; one these tests do not kill is "
        "recorded as survived (the features, which might kill it, did not run)",
    )
    parser.add_argument("--deselect", action="append", default=[], metavar="NODEID",
                        help="leave out a test of behaviour the mutated code predates (repeatable)")  # fmt: skip
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="MODULE",
        help="judge only this module's mutants (harness.sut.pingfederate.payloads; repeatable)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="write each --only module's result (score and survivors) to DIR/MODULE.json",
    )
    parser.add_argument("--features", action="store_true",
                        help="judge every mutant of the --only modules (default: the connector's code) by the "
                        "features alone; the verdicts go to --record only")  # fmt: skip
    parser.add_argument("--contract", action="store_true",
                        help="judge every mutant of the --only modules (default: the emulator's Zoom contract) by "
                        "the emulator's own tests; the verdicts go to --record only")  # fmt: skip
    parser.add_argument("--generate", action="store_true", help="only write mutants/, as `mutmut run` first does")
    args = parser.parse_args()
    if args.generate:
        return _generate()
    mutants: Path = args.mutants.resolve()
    if not mutants.is_dir():
        parser.error(f"{mutants} is not there: `--generate` (or `make mutants`) writes it")
    record: Path | None = args.record.resolve() if args.record else None
    if args.features:
        folder = record or ROOT / "docs" / "mutation" / "features"
        return _judge_modules(mutants, folder, args.only or CONNECTOR, FEATURES, args.deselect, args.workers)
    if args.contract:
        folder = record or ROOT / "docs" / "mutation" / "contract"
        return _judge_modules(mutants, folder, args.only or EMULATOR, CONTRACT, args.deselect, args.workers)
    survivors = _survivors(mutants, args.skip, args.unchecked, args.only)
    _refresh_tests(mutants)
    _preload(mutants, list(survivors))
    _baseline(list(survivors), args.deselect)
    print(f"{len(survivors)} survivors to judge again", flush=True)
    verdicts = _judge(list(survivors), args.deselect, args.workers, lambda new: _write(new, survivors))
    if record is not None:
        for module in args.only:
            print(f"{module}: written to {_record(record, mutants, module)}")
    killed = sum(v != SURVIVED for v in verdicts.values())
    print(f"{killed} of {len(verdicts)} survivors killed by today's tests; `mutmut results` shows the rest")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
from pathlib import Path

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
    "harness.directory": ["tests/directory/test_source.py", "tests/directory/test_people.py",
                          "tests/directory/test_ldap_source.py", "tests/directory/test_slapd_watchdog.py",
                          "tests/harness/test_source_and_mapping.py"],
    "mocks.proxy": ["tests/emulator/test_proxy.py", "tests/emulator/test_pacing.py",
                    "tests/emulator/test_control_guard.py", "tests/emulator/test_limits_and_faults.py"],
    # The served mounting adds nothing here (one dispatch path) and waits on its server at teardown.
    "mocks": ["-k", "not served", "tests/emulator/test_scim_groups.py", "tests/emulator/test_limits_and_faults.py",
              "tests/emulator/test_scim_users.py", "tests/emulator/test_oauth.py"],
}  # fmt: skip
KILLED, SURVIVED, TIMEOUT = 1, 0, 36  # mutmut's exit-code meanings
#: Survivors judged equivalent, with the reason (in the --record folder): left out of the score.
EQUIVALENT = "equivalent.json"
LIMIT = 120.0  # seconds; an infinite loop is a kill by timeout, as in mutmut


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
    verdicts = {name: code for meta in mutants.rglob("*.py.meta")
                for name, code in json.loads(meta.read_text())["exit_code_by_key"].items()
                if name.startswith(module + ".")}  # fmt: skip
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
    return next(files for prefix, files in TESTS.items() if name.startswith(prefix))


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

            # Plain asserts: rewriting mutmut's large mutated modules would cost seconds per mutant.
            arguments = ["-x", "-q", "-p", "no:cacheprovider", "--assert=plain", "--rootdir=.", *_tests(name)]
            arguments += [f"--deselect={test}" for test in deselected]
            os._exit(int(pytest.main(arguments)))
        except BaseException:
            os._exit(3)
    return pid


def _refresh_tests(mutants: Path) -> None:
    """mutants/ keeps the tests of its run: today's go in their place."""
    shutil.rmtree(mutants / "tests", ignore_errors=True)
    shutil.copytree(ROOT / "tests", mutants / "tests", ignore=shutil.ignore_patterns("__pycache__"))


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


def _finished(pid: int) -> int | None:
    done, status = os.waitpid(pid, os.WNOHANG)
    return None if done == 0 else os.waitstatus_to_exitcode(status)


def _baseline(names: list[str], deselected: list[str]) -> None:
    """With no mutant active every test set in use must pass, or a verdict would mean nothing."""
    for prefix, files in TESTS.items():
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
    args = parser.parse_args()
    mutants: Path = args.mutants.resolve()
    record: Path | None = args.record.resolve() if args.record else None
    survivors = _survivors(mutants, args.skip, args.unchecked, args.only)
    _refresh_tests(mutants)
    _preload(mutants, list(survivors))
    _baseline(list(survivors), args.deselect)
    print(f"{len(survivors)} survivors to judge again", flush=True)
    verdicts: dict[str, int] = {}
    unwritten: dict[str, int] = {}  # judged since the last write to the metas
    queue = sorted(survivors)
    running: dict[str, tuple[int, float]] = {}
    while queue or running:
        while queue and len(running) < args.workers:
            name = queue.pop()
            running[name] = (_start(name, args.deselect), time.monotonic())
        time.sleep(0.02)
        for name, (pid, started) in list(running.items()):
            code = _finished(pid)
            if code is None and time.monotonic() - started > LIMIT:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                code = TIMEOUT
            if code is not None:
                # 1: a test failed. Anything else (an error collecting, say) proves nothing: kept survived.
                verdicts[name] = unwritten[name] = KILLED if code == 1 else TIMEOUT if code == TIMEOUT else SURVIVED
                del running[name]
                if len(verdicts) % 50 == 0:
                    _write(unwritten, survivors)  # an interrupted recheck keeps what it judged
                    unwritten.clear()
                    print(f"{len(verdicts)}/{len(survivors)}: {sum(v != SURVIVED for v in verdicts.values())} killed",
                          flush=True)  # fmt: skip
    _write(unwritten, survivors)
    if record is not None:
        for module in args.only:
            print(f"{module}: written to {_record(record, mutants, module)}")
    killed = sum(v != SURVIVED for v in verdicts.values())
    print(f"{killed} of {len(verdicts)} survivors killed by today's tests; `mutmut results` shows the rest")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``zoom-harness run``: the features against a target, with progress, reports and a summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.certify.diff import ReportDiff, compare
from harness.certify.report import STATUSES, gaps, write_report
from harness.certify.shard import Shard
from harness.directory.slapd import INSTALL_HINT, slapd_binary
from harness.errors import HarnessError
from harness.zoom.scim_names import is_control, is_user_create
from harness.zoom.target import require_real_account

HARNESS = Path(__file__).resolve().parent.parent
PROJECT = HARNESS.parent
#: Where an installed wheel keeps the features and their steps (setup.py puts them there).
INSTALLED_SUITE = HARNESS / "suite"
_STYLE = {"passed": "green", "partial": "dark_orange", "failed": "red", "skipped": "yellow",
          "uncovered": "bright_black"}  # fmt: skip


class _ProgressPlugin:
    """Shows one bar for the scenarios while pytest runs quietly."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[bold]features"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(), console=console, transient=False,
        )  # fmt: skip
        self.task = self.progress.add_task("features", total=None, last="")
        self.failed: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # pytest's own terminal is off while the bar runs: a broken feature or step file must
        # still be seen.
        if report.failed:
            self.progress.console.print(f"[red]cannot collect {report.nodeid or 'the features'}:[/]")
            lines = [line for line in report.longreprtext.splitlines() if line.startswith("E ")]
            text = "\n".join(lines) or report.longreprtext
            self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.progress.update(self.task, total=len(session.items))
        self.progress.start()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.append(report.nodeid)
        if report.when == "teardown":
            self.progress.update(self.task, advance=1, last=f"{len(self.failed)} failed" if self.failed else "")

    def pytest_sessionfinish(self) -> None:
        self.progress.stop()


def suite_folder() -> Path:
    """The folder holding features/, steps/ and their conftest.py: the checkout, or the installed wheel."""
    for folder in (PROJECT, INSTALLED_SUITE):
        if (folder / "steps").is_dir() and (folder / "features").is_dir():
            return folder
    raise HarnessError(f"`run` finds no features: neither a checkout ({PROJECT}) nor an installed suite")


def check_target(target: str) -> None:
    if target == "zoom":
        require_real_account(os.environ.get("ZOOM_TEST_EMAIL_DOMAIN"))


#: Hypothesis's pytest plugin imports Hypothesis into every run (0.1 s of each start); no feature uses it.
_UNUSED_PLUGINS = ("-p", "no:hypothesispytest")


def estimate_calls(suite: Path, selection: Sequence[str], directory: str = "memory") -> tuple[int, int]:
    """The calls to Zoom a ``--target zoom`` run of this selection makes, and its scenarios: the same
    scenarios run first on the in-process emulator (``--zoom-dry-run``), each exchange with Zoom's
    hosts counted, plus the delete that cleans up each user the run creates."""
    with tempfile.TemporaryDirectory(prefix="zoom-harness-estimate-") as folder:
        command = [
            sys.executable, "-m", "pytest", str(suite / "steps"), f"--rootdir={suite}",
            "-o", "bdd_features_base_dir=features", "--zoom-target=zoom", "--zoom-dry-run",
            f"--zoom-directory={directory}", f"--certification-report={folder}", "-q",
            "-p", "no:cacheprovider", *_UNUSED_PLUGINS, *selection,
        ]  # fmt: skip
        environment = {k: v for k, v in os.environ.items() if k != "ZOOM_HARNESS_TARGET"}
        done = subprocess.run(command, cwd=suite, env=environment, capture_output=True, text=True, check=False)
        report = Path(folder) / "report.json"
        if not report.exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            raise HarnessError("could not count the run's calls on the emulator: " + " | ".join(tail))
        document = json.loads(report.read_text(encoding="utf-8"))
    scenarios = {s["id"]: s for r in document["requirements"] for s in r["scenarios"] if s["status"] != "skipped"}
    calls = 0
    for scenario in scenarios.values():
        exchanges = [e for e in scenario["evidence"].get("exchanges", []) if not is_control(e["url"])]
        created = [e for e in exchanges if is_user_create(e["method"], e["url"]) and e["status"] == 201]
        calls += len(exchanges) + len(created)
    return calls, len(scenarios)


def run_features(
    target: str,
    report_dir: Path,
    extra: Sequence[str] = (),
    seed: int | None = None,
    console: Console | None = None,
    directory: str = "memory",
    shard: Shard | None = None,
    max_calls: int | None = None,
    baseline: dict[str, Any] | None = None,
) -> int:
    console = console or Console(stderr=True)
    if directory == "ldap" and slapd_binary() is None:
        raise HarnessError(f"--directory ldap: slapd is not installed; {INSTALL_HINT}")
    suite = suite_folder()
    report_dir = report_dir.resolve()  # pytest runs from the suite's folder, not from here
    check_target(target)
    if target == "zoom":
        selection = [*([f"--faker-seed={seed}"] if seed is not None else []),
                     *([f"--zoom-shard={shard}"] if shard is not None else []), *extra]  # fmt: skip
        console.print("Counting the calls this run makes, on the in-process emulator first...", highlight=False)
        calls, scenarios = estimate_calls(suite, selection, directory)
        console.print(f"This run makes about {calls} calls to Zoom ({scenarios} scenarios), paced under the "
                      "account's rate limits.", highlight=False)  # fmt: skip
        if max_calls is not None and calls > max_calls:
            raise HarnessError(f"the run would make about {calls} calls to Zoom, more than --max-calls {max_calls}: "
                               "select fewer scenarios (-- -k ..., --shard K/N) or raise the limit")  # fmt: skip
    elif max_calls is not None:
        raise HarnessError("--max-calls limits the calls to a real Zoom account: use it with --target zoom")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        for stale in ("report.json", "report.html", "junit.xml", "cucumber.json"):
            (report_dir / stale).unlink(missing_ok=True)
    except OSError as error:
        raise HarnessError(f"cannot write the report folder {report_dir}: {error.strerror}") from None
    arguments = [
        str(suite / "steps"),
        f"--rootdir={suite}",
        # pyproject.toml says so in a checkout; an installed suite has no configuration file.
        "-o", "bdd_features_base_dir=features",
        f"--zoom-target={target}",
        f"--zoom-directory={directory}",
        f"--certification-report={report_dir}",
        f"--junitxml={report_dir / 'junit.xml'}",
        "-p", "no:cacheprovider",
        "-p", "no:terminal",
        *_UNUSED_PLUGINS,
        *([f"--faker-seed={seed}"] if seed is not None else []),
        *([f"--zoom-shard={shard}"] if shard is not None else []),
        *extra,
    ]  # fmt: skip
    progress = _ProgressPlugin(console)
    cwd = os.getcwd()
    try:
        os.chdir(suite)  # a checkout's pyproject.toml settings apply from here
        code = pytest.main(arguments, plugins=[progress])
    finally:
        os.chdir(cwd)
    report = report_dir / "report.json"
    if not report.exists():
        raise HarnessError(f"the features did not run (pytest exit status {int(code)}); see the output above")
    document: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    print_summary(console, document, report_dir)
    if baseline is not None:
        compare_with_baseline(console, document, baseline, report_dir)
    if shard is not None:
        console.print(f"Shard {shard}: {document['header']['totals']['scenarios']} scenario(s). "
                      "`zoom-harness report merge` joins all the shards' folders into one report.")  # fmt: skip
    if directory == "memory":
        hint = "Then --directory ldap reads a real LDAP server." if slapd_binary() else f"For one: {INSTALL_HINT}."
        console.print(f"Directory: in-memory. {hint}", soft_wrap=True, highlight=False)
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return int(code)
    # A shard holds a slice of the scenarios: its uncovered requirements are in the other shards.
    uncovered = 0 if shard is not None else document["summary"]["requirements"]["uncovered"]
    return 1 if document["summary"]["scenarios"]["failed"] or uncovered else 0


def compare_with_baseline(console: Console, document: dict[str, Any], baseline: dict[str, Any], folder: Path) -> None:
    """What changed since ``baseline``, kept in the report (``comparison``, at the top of report.html)
    and shown on the terminal."""
    diff = compare(baseline, document)
    document["comparison"] = diff.to_dict()
    write_report(document, folder)
    print_diff(console, diff)


def print_summary(console: Console, document: dict[str, Any], report_dir: Path) -> None:
    header, summary = document["header"], document["summary"]
    table = Table(title=f"Requirements by documentation page (target {header['target']}, seed {header['faker_seed']})")
    table.add_column("Page")
    for status in STATUSES:
        table.add_column(status, justify="right", style=_STYLE[status])
    for page in summary["pages"]:
        table.add_row(page["page"], *(str(page[s]) for s in STATUSES))
    totals = summary["requirements"]
    table.add_row("[bold]All", *(f"[bold]{totals[s]}" for s in STATUSES))
    console.print(table)
    scenarios = summary["scenarios"]
    console.print(
        f"Scenarios: {scenarios['passed']} passed, {scenarios['failed']} failed, {scenarios['skipped']} skipped"
    )
    for requirement in document["requirements"]:
        for scenario in requirement["scenarios"]:
            if scenario["status"] == "failed":
                line = f"[red]FAILED[/] {requirement['id']} {scenario['feature']}: {scenario['name']}"
                console.print(line, soft_wrap=True, markup=True, highlight=False)
    for scenario in document.get("untagged", []):
        if scenario["status"] == "failed":
            line = f"[red]FAILED[/] (no requirement) {scenario['feature']}: {scenario['name']}"
            console.print(line, soft_wrap=True, highlight=False)
    for requirement in document["requirements"]:
        if requirement["status"] == "partial":
            reasons = sorted({r["reason"] for r in requirement.get("not_run", [])})
            line = (f"[dark_orange]PARTIAL[/] {requirement['id']}: {len(requirement.get('not_run', []))} of "
                    f"{len(requirement['scenarios'])} scenarios did not run ({'; '.join(reasons)})")  # fmt: skip
            console.print(line, soft_wrap=True, markup=True, highlight=False)
    missing = gaps(document)
    if missing:
        console.print(f"[yellow]Gaps (not certified: not every scenario passed): {', '.join(missing)}", soft_wrap=True)
    console.print(f"Report: {(report_dir / 'report.html').resolve()}", soft_wrap=True, highlight=False)


_KIND_STYLE = {"regressed": "bold red", "failing differently": "dark_orange", "new": "blue", "gone": "bright_black",
               "fixed": "green", "improved": "green", "same failure": "yellow"}  # fmt: skip


def print_diff(console: Console, diff: ReportDiff) -> None:
    """What changed since the baseline: a table of the changes, then one line of counts."""
    baseline = diff.old["header"]
    table = Table(title=f"Since the baseline of {baseline.get('date')} (seed {baseline.get('faker_seed')})")
    for column in ("change", "level", "what", "before → now", "failure"):
        table.add_column(column)
    for change in diff.changes:
        what = (
            change.id
            if change.level == "requirement"
            else f"{change.name.partition(': ')[2]} ({', '.join(change.requirements) or 'no requirement'})"
        )
        table.add_row(f"[{_KIND_STYLE[change.kind]}]{change.kind}", change.level, what,
                      f"{change.before} → {change.after}", change.detail)  # fmt: skip
    if diff.changes:
        console.print(table)
    for level in ("requirement", "scenario"):
        console.print(f"{level.capitalize()}s: {diff.told(level)}", highlight=False, soft_wrap=True)
    regressed = [c.id for c in diff.regressions if c.level == "requirement"]
    if diff.regressions:
        console.print(f"[bold red]Regressed since the baseline: {', '.join(regressed) or 'no requirement'} "
                      f"({len(diff.regressions) - len(regressed)} scenario(s))", highlight=False)  # fmt: skip

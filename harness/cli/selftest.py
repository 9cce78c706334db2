"""``zoom-harness selftest``: the features against the catalogue of faulty systems."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.cli.common import progress_bar


def _selftest(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from harness.selftest import FAULTS, run_selftest, write_result

    console = Console()
    if args.list:
        for fault in FAULTS.values():
            console.print(f"{fault.name:40} {' '.join(fault.requirements):28} {fault.family:11} {fault.description}",
                          highlight=False, soft_wrap=True)  # fmt: skip
        return 0
    bar = progress_bar("selftest")
    if bar is not None:
        task = bar.add_task("selftest", total=None)
        bar.start()
    try:
        update = (lambda done, total: bar.update(task, completed=done, total=total)) if bar is not None else None
        result = run_selftest(args.fault or None, args.workers, update)
    finally:
        if bar is not None:
            bar.stop()
    by_requirement: dict[str, list[Any]] = {}
    for fault in result.faults:
        for requirement in fault.requirements:
            by_requirement.setdefault(requirement, []).append(fault)
    table = Table(title=f"Selftest: {len(result.faults)} faults, {result.seconds:.0f} s")
    for column in ("requirement", "fault", "caught by"):
        table.add_column(column, overflow="fold")
    for requirement in sorted(by_requirement):
        for fault in by_requirement[requirement]:
            caught = fault.caught_by[0] if fault.caught_by else f"[red]NOT CAUGHT[/] {fault.error}"
            table.add_row(requirement, fault.name, caught)
    console.print(table)
    for failure in result.baseline_failures:
        console.print(f"[red]fails without any fault:[/] {failure}", highlight=False)
    unproven = result.unproven() if not args.fault else []
    if unproven:
        console.print(f"[red]not proven discriminating:[/] {', '.join(unproven)}", soft_wrap=True)
    path = write_result(result, Path(args.report_dir))
    caught = sum(1 for f in result.faults if f.caught)
    console.print(f"{caught} of {len(result.faults)} faults caught; result in {path}", highlight=False)
    return 0 if not result.baseline_failures and not result.uncaught and not unproven else 1


def register(commands: Any) -> None:
    selftest = commands.add_parser(
        "selftest",
        help="run the features against deliberately faulty systems: every fault must be caught",
        description="Run the features once as they are and once per fault of the catalogue (a broken "
        "provisioner, client, mapping, preflight or emulator), and show which scenario caught each fault. "
        "Exit status 1 when a fault goes unnoticed. Writes selftest.json into the report folder.",
    )
    selftest.add_argument("--report-dir", default="reports", help="where selftest.json goes (default: reports)")
    selftest.add_argument("--fault", action="append", metavar="NAME", help="run only this fault (repeatable)")
    selftest.add_argument("--workers", type=int, help="faults run at once (default: one per CPU)")
    selftest.add_argument("--list", action="store_true", help="list the faults and what each breaks")
    selftest.set_defaults(func=_selftest)

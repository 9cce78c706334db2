"""``python -m benchmarks [--quick] [--json PATH]``: every figure, printed as a table."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import figures, served


def _served(quick: bool, own: dict[str, Any], dashboard: bool) -> list[figures.Figure]:
    servers = ("own",) if quick else served.SERVERS
    shown: list[int] | None = [] if dashboard else None
    measured, results = served.served(1.5 if quick else 5.0, 1 if quick else 3, servers, shown)
    own.update(results)
    if shown is not None:
        for figure in measured:
            figure.note += f"; dashboard open and live (newest exchange shown: {', '.join(map(str, shown))})"
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under a minute")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument(
        "--dashboard",
        action="store_true",
        help="figure 3 with the emulator's dashboard open in headless Chromium (its cost)",
    )
    args = parser.parse_args()
    console = Console(width=max(140, Console().width))
    quick = args.quick
    served_by_own: dict[str, Any] = {}  # the emulator's own-server results, for the WireMock peer
    plan = [
        ("1 in-process overhead",
         lambda: figures.in_process_overhead(rounds=15 if quick else 45, batch=100 if quick else 300)),
        ("2 flat with size", lambda: figures.flat_with_size(rounds=5, batch=300 if quick else 1500,
                                                           large=20_000 if quick else 100_000)),
        ("3 served", lambda: _served(quick, served_by_own, args.dashboard)),
        ("3 peer", lambda: served.wiremock_peer(1.5 if quick else 5.0, 1 if quick else 3, 6.0 if quick else 30.0,
                                                 served_by_own)),
        ("4 provisioning", lambda: figures.provisioning(2_000 if quick else 10_000)),
        ("5 pacing", lambda: figures.pacing(1_000 if quick else 10_000)),
        ("6 suite time", figures.suite_time),
        ("7 directory", lambda: figures.directory(2_000 if quick else 10_000)),
    ]  # fmt: skip
    results: list[figures.Figure] = []
    for title, run in plan:
        began = time.perf_counter()
        with console.status(f"figure {title}..."):
            try:
                results += run()
            except Exception as error:
                console.print(f"[red]figure {title} failed: {type(error).__name__}: {error}")
        console.print(f"figure {title}: {time.perf_counter() - began:.1f} s")
    table = Table(title=f"zoom-harness benchmarks ({'quick' if quick else 'full'}), {platform.node()}")
    for column in ("#", "figure", "value", "baseline", "unit", "ratio", "target", "met", "note"):
        table.add_column(column)
    for f in results:
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
        met = {True: "[green]yes", False: "[red]no", None: ""}[f.met]
        table.add_row(
            str(f.number), f.name, f"{f.value:,.1f}", f"{f.baseline:,.1f}", f.unit, ratio, f.target, met, f.note
        )
    console.print(table)
    if args.json:
        document = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {
                "node": platform.node(),
                "python": sys.version.split()[0],
                "cpus": __import__("os").cpu_count(),
            },
            "quick": quick,
            "dashboard": args.dashboard,
            "figures": [f.to_dict() for f in results],
        }
        Path(args.json).write_text(json.dumps(document, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

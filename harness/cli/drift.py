"""``zoom-harness drift``: a recording replayed against a fresh emulator, per route what differs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from harness.errors import HarnessError


def _drift(args: argparse.Namespace) -> int:
    from harness.targets.drift import drift
    from harness.targets.recording import Recording

    settings = dict(_setting(text) for text in args.set)
    report = drift(Recording.load(Path(args.recording)), settings=settings, plan=args.plan)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0 if report.clean else 1


def _setting(text: str) -> tuple[str, Any]:
    name, equals, raw = text.partition("=")
    if not equals or not name:
        raise HarnessError(f"--set takes NAME=VALUE, not {text!r}")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name.strip(), value


def register(commands: Any) -> None:
    drift = commands.add_parser(
        "drift",
        help="replay a recording against a fresh emulator and report per route what differs",
        description="Replay the requests of a recording (`run --target zoom --record DIR`, `provision --record "
        "DIR`) in order against a fresh emulator, and report per route the differences in status, Zoom error "
        "code and message, headers and rate-limit values, body shape and values. Exit status 1 on drift.",
    )
    drift.add_argument("recording", metavar="DIR", help="the recording folder")
    drift.add_argument("--json", action="store_true", help="print the report as JSON")
    drift.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="change an emulator setting for the replay (mocks/settings.py), e.g. "
                            "scim_list_full_attributes=true; repeatable")  # fmt: skip
    drift.add_argument("--plan", default="Business", choices=("Free", "Pro", "Business", "Enterprise", "Education"),
                       help="the replay account's plan, which sets its rate limits (default Business)")  # fmt: skip
    drift.set_defaults(func=_drift)

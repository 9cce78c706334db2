"""``zoom-harness verify`` and ``cleanup``: the preflight of a Zoom app, and removing what a real-Zoom run left."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from harness.cli.common import add_target_options, target_of
from harness.errors import HarnessError


def _verify(args: argparse.Namespace) -> int:
    from harness.zoom.client import ZoomClient
    from harness.zoom.preflight import check_target, probe_user

    target = target_of(args)
    with ZoomClient(target, timeout=30) as client:
        readiness = check_target(client)
        if args.probe_user and readiness.ready:
            domain = args.probe_domain or os.environ.get("ZOOM_TEST_EMAIL_DOMAIN") or "example.com"
            readiness.checks += probe_user(client, domain)
    if args.json:
        print(json.dumps({"target": {"token_url": target.token_url, "api_base_url": target.api_base_url,
                                     "account_id": target.account_id}, **readiness.to_dict()}, indent=2))  # fmt: skip
    else:
        print(f"Zoom app {target.client_id} on account {target.account_id} ({target.api_base_url})")
        for check in readiness.checks:
            mark = {True: "ok  ", False: "FAIL", None: "--  "}[check.ok]
            print(f"  {mark} {check.name}: {check.detail}")
            if check.ok is False and check.fix:
                print(f"       fix: {check.fix}")
        print("READY: PingFederate can activate a channel with these credentials." if readiness.ready
              else "NOT READY: fix the failed checks above.")  # fmt: skip
    return 0 if readiness.ready else 1


def _cleanup(args: argparse.Namespace) -> int:
    from harness.targets.guard import Ledger, clean_up

    path = Path(args.ledger)
    if not path.is_file():
        raise HarnessError(f"no ledger at {path}")
    try:
        ledger = Ledger(path, "")
    except ValueError:
        raise HarnessError(f"{path} is not a ledger written by a zoom-target run") from None
    count = len(ledger.users())
    left = clean_up(target_of(args), ledger)
    print(f"deleted {count - len(left)} of {count} users recorded in {path}")
    for line in left:
        print(f"  left: {line}")
    return 1 if left else 0


def register(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="preflight a Zoom app: credentials, activation, the seven scopes, SCIM prerequisites",
        description="Check a Zoom Server-to-Server OAuth app the way PingFederate does when a channel is "
        "activated. Exit status 0 only when ready.",
    )
    add_target_options(verify)
    verify.add_argument("--json", action="store_true", help="print the checks as JSON")
    verify.add_argument("--probe-user", action="store_true", help="also create, read and delete one marked test user")
    verify.add_argument("--probe-domain", help="email domain of the probe user (default ZOOM_TEST_EMAIL_DOMAIN)")
    verify.set_defaults(func=_verify)

    cleanup = commands.add_parser(
        "cleanup",
        help="delete the Zoom users an interrupted real-Zoom run left behind (from its ledger)",
        description="Delete every Zoom user recorded in a ledger of a `run --target zoom` (.zoom-harness/"
        "ledger-*.json); no other user can be touched.",
    )
    cleanup.add_argument("--ledger", required=True, metavar="FILE", help="the run's ledger file")
    add_target_options(cleanup)
    cleanup.set_defaults(func=_cleanup)

"""``zoom-harness``: the command line of the harness, one module per command group, each registering
its parser beside its handler."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from harness import __version__
from harness.cli import channel, directory, drift, pingfederate, provision, run, selftest, serve, verify
from harness.errors import HarnessError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zoom-harness",
        description="Certify the PingFederate Zoom Provisioner against a Zoom emulator or a real Zoom account.",
    )
    parser.add_argument("--version", action="version", version=f"zoom-harness {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for group in (serve, provision, verify, run, directory, channel, pingfederate, selftest, drift):
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except HarnessError as error:
        print(f"zoom-harness {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"zoom-harness {args.command}: interrupted", file=sys.stderr)
        return 130

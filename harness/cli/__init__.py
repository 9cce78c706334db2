"""``zoom-harness``: the command line of the harness, one module per command group, each registering
its parser beside its handler."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from harness import __version__
from harness import stopping as signals
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


#: What a stopped command leaves: nothing running, nothing temporary; what must outlive it, complete.
STOPPED = "what it started is stopped and its temporary files removed; ledgers, recordings and reports are kept"


#: Options whose values are Zoom's IDs or a secret: URL-safe base64, which may begin with "-" (one
#: ID in 64), where argparse would read the next option and refuse the command.
ID_OPTIONS = frozenset({"--account-id", "--client-id", "--client-secret"})


def glued(argv: Sequence[str]) -> list[str]:
    """The command line with each ID option joined to its value (``--client-id=-x1``), so that a value
    beginning with "-" stays a value; what follows ``--`` (pytest's own options) is left alone."""
    out: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            return [*out, word, *words]
        if word in ID_OPTIONS:
            value = next(words, None)
            out.append(word if value is None else f"{word}={value}")
            continue
        out.append(word)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(glued(sys.argv[1:] if argv is None else argv))
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with signals.stopped_by_signals():
            status = func(args)
    except HarnessError as error:
        if signals.received:  # what broke is the stop: say that
            return _stopped(args.command, signals.received[-1])
        print(f"zoom-harness {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        return _stopped(args.command, signals.signum_of(stop))
    if signals.received:  # pytest caught the signal and tore the session down itself
        return _stopped(args.command, signals.received[-1])
    return status


def _stopped(command: str, signum: int) -> int:
    """The last line of a stopped command, and its exit status: 128 + the signal's number."""
    print(f"zoom-harness {command}: stopped by {signal.Signals(signum).name}; {STOPPED}", file=sys.stderr)
    return 128 + signum

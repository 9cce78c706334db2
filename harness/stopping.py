"""A command stopped from outside stops as it would on Ctrl+C: SIGTERM (a job's timeout, a cancelled
pipeline, ``docker stop``) and SIGHUP (a closed terminal) raise :class:`Stopped` in the main thread,
so that every ``finally`` runs (slapd stopped, servers closed, ledgers written), and the command
exits with 128 + the signal's number."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOPPING = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The process was asked to stop by a signal (a KeyboardInterrupt, so pytest tears down too)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: The signal that stopped this process, if one did (pytest turns the exception into an exit status).
received: list[int] = []


def _raise(signum: int, frame: FrameType | None) -> None:
    received.append(signum)
    raise Stopped(signum)


def installed() -> bool:
    return all(signal.getsignal(signum) is _raise for signum in STOPPING)


def install() -> None:
    """For the rest of the process (a pytest worker)."""
    for signum in STOPPING:
        signal.signal(signum, _raise)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    previous = {signum: signal.signal(signum, _raise) for signum in STOPPING}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def signum_of(error: KeyboardInterrupt) -> int:
    """The signal behind an interrupt: a Stopped's own, else the last received, else Ctrl+C's."""
    if isinstance(error, Stopped):
        return error.signum
    return received[-1] if received else signal.SIGINT

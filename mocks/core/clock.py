"""The emulator's clock: wall time by default, frozen or advanced by tests."""

from __future__ import annotations

import functools
import threading
import time
from datetime import UTC, datetime


class Clock:
    """Seconds since the epoch as the emulator sees them.

    Token expiry, rate-limit windows and page tokens all read this clock, so a test can move
    an hour forward with ``advance(3600)`` instead of waiting for it.
    """

    def __init__(self, start: float | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0 if start is None else start - time.time()
        self._frozen_at: float | None = None
        if frozen:
            self.freeze()

    def now(self) -> float:
        frozen_at = self._frozen_at
        if frozen_at is not None:
            return frozen_at
        return time.time() + self._offset

    def utcnow(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    def sleep(self, seconds: float) -> None:
        """A sleep that costs no real time: what in-process clients inject."""
        self.advance(max(0.0, seconds))

    def freeze(self) -> None:
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = time.time() + self._offset

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def __repr__(self) -> str:
        state = "frozen" if self.frozen else "running"
        return f"<Clock {self.utcnow().isoformat()} {state}>"


@functools.lru_cache(maxsize=4096)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(timestamp: float) -> str:
    """Zoom's timestamp format: ISO 8601, UTC, whole seconds, trailing Z."""
    return _iso_second(int(timestamp))

"""Building a Zoom client for a target: the in-process emulator, or Zoom (real or served) by URL."""

from __future__ import annotations

from typing import Any

from harness.zoom.client import ZoomClient
from harness.zoom.retry import RetryPolicy
from harness.zoom.target import Target
from mocks import Credentials, ZoomEmulator


def target_of(credentials: Credentials) -> Target:
    return Target(**credentials.to_dict())


def in_process_client(emulator: ZoomEmulator, credentials: Credentials, **options: Any) -> ZoomClient:
    """A client wired to the emulator without sockets; its waits cost emulator time, not real time."""
    options.setdefault("retry", RetryPolicy())
    return ZoomClient(
        target_of(credentials),
        transport=emulator.transport(),
        clock=emulator.clock.now,
        sleep=emulator.clock.sleep,
        **options,
    )

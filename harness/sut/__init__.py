"""Systems under test: what the steps drive, whichever system runs the connector.

The steps configure one provisioning channel, activate it, let cycles run, and read what the
system reports of them: channel summaries, audit records and log lines. :class:`SystemUnderTest` is
that much; the reference provisioner (``reference.py``) and a real PingFederate driven through its
Administrative API (``pingfederate.py``) implement it. Scenarios that need more (a process killed
mid-cycle, the client's own counters) are tagged ``@reference-only``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from harness.directory.ldap import SourceSettings
from harness.directory.source import Directory
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.zoom.preflight import Readiness
from harness.zoom.target import Target


@dataclass(frozen=True)
class ChannelSetup:
    """One channel as the steps configure it: where Zoom is, what to read and how to provision."""

    target: Target
    channel: Channel
    options: ProvisioningOptions
    #: What a cycle reads (the reference provisioner calls it; PingFederate reads its data store).
    source: Callable[[], Directory]
    #: The channel's Source Settings (GUID attribute, object classes, change detection, nested
    #: search); None: PingFederate's defaults below the directory's base DN.
    source_settings: SourceSettings | None = None


class SystemUnderTest(Protocol):
    #: ``reference`` or ``pingfederate``.
    kind: str
    #: What the report's header names: the system, and for PingFederate its version and connector.
    description: str
    records: ProvisionerRecords

    def configure(self, setup: ChannelSetup) -> None:
        """Take the channel's configuration; nothing reaches Zoom until activation."""

    def activate(self) -> Readiness:
        """Activate the channel as the system does: refused (``ActivationRefused``) naming the cause."""

    @property
    def channel_active(self) -> bool: ...

    def next_cycle(self) -> ChannelSummary:
        """Let the next provisioning cycle run, and return its summary."""

    def token_requests(self) -> int:
        """How many access tokens the system asked Zoom for."""

    def zoom_exchanges(self) -> list[dict[str, Any]]:
        """What the system sent Zoom since last asked, where the harness does not see its calls
        itself (PingFederate: from Zoom's journal); the reference provisioner's are seen: none."""

    def close(self) -> None:
        """Undo everything the system under test was given (PingFederate: what the adapter made)."""

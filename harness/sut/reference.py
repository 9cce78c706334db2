"""The reference provisioner as a system under test: the executable model of the documented
connector (``harness.provisioner``), run in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.provisioner.engine import Provisioner
from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.sut import ChannelSetup
from harness.zoom.client import ZoomClient
from harness.zoom.preflight import Readiness

ClientFactory = Callable[[ChannelSetup], ZoomClient]


class ReferenceSystem:
    kind = "reference"
    description = "reference provisioner (the harness's executable model of the Zoom Provisioner)"

    def __init__(
        self, make_client: ClientFactory, store: SyncStore, records: ProvisionerRecords, clock: Callable[[], float]
    ) -> None:
        self._make_client = make_client
        self.store = store
        self.records = records
        self.clock = clock
        self.provisioner: Provisioner | None = None
        self.client: ZoomClient | None = None

    def configure(self, setup: ChannelSetup) -> None:
        self.client = self._make_client(setup)
        self.provisioner = Provisioner(
            self.client, setup.source, channel=setup.channel, options=setup.options, store=self.store,
            records=self.records, clock=self.clock,
        )  # fmt: skip

    def _running(self) -> Provisioner:
        assert self.provisioner is not None, "configure the channel first"
        return self.provisioner

    def activate(self) -> Readiness:
        return self._running().activate()

    @property
    def channel_active(self) -> bool:
        return self._running().channel.active

    def next_cycle(self) -> ChannelSummary:
        return self._running().run_cycle()

    def token_requests(self) -> int:
        return self.client.auth.token_requests if self.client is not None else 0

    def zoom_exchanges(self) -> list[dict[str, Any]]:
        return []  # its client's own hook gives the evidence every exchange

    def close(self) -> None:
        """Nothing to undo: the provisioner lives in this process and its state in the world's store."""

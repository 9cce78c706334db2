from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.directory.people import PeopleDirectory
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.engine import Provisioner
from harness.provisioner.store import SyncStore
from harness.targets.in_process import in_process_client
from harness.zoom.client import ZoomClient
from mocks import Credentials, ZoomEmulator


@dataclass
class World:
    """An emulated Zoom, a directory, and a way to build provisioners against them."""

    zoom: ZoomEmulator
    credentials: Credentials
    people: PeopleDirectory
    clients: list[ZoomClient] = field(default_factory=list)

    def client(self, **options: Any) -> ZoomClient:
        client = in_process_client(self.zoom, self.credentials, **options)
        self.clients.append(client)
        return client

    def provisioner(
        self, *, store: SyncStore | None = None, client: ZoomClient | None = None, **channel: Any
    ) -> Provisioner:
        options = channel.pop("options", ProvisioningOptions())
        return Provisioner(
            client or self.client(),
            self.people.snapshot,
            channel=Channel(**channel),
            options=options,
            store=store or SyncStore(),
            clock=self.zoom.clock.now,
        )

    def zoom_users(self) -> dict[str, Any]:
        """userName -> user, as the emulator holds them (owner excluded)."""
        users = self.zoom.state.users(self.credentials.account_id).values()
        return {u.user_name: u for u in users if u.role != "Owner"}


@pytest.fixture
def world() -> Iterator[World]:
    zoom = ZoomEmulator()
    zoom.clock.freeze()
    built = World(zoom, zoom.ready_account(), PeopleDirectory(seed=7))
    yield built
    for client in built.clients:
        client.close()

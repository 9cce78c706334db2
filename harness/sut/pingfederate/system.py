"""A PingFederate as the system under test, driven through its Administrative API.

The adapter checks PingFederate's provisioning prerequisites, finds the Zoom Provisioner among its
connector descriptors, creates an LDAP data store for the harness's directory and an SP connection
whose ``outboundProvision`` carries the channel the steps configured, under names of its own run.
Between cycles the channel is saved inactive; a cycle is the channel saved active until
PingFederate's provisioner has run it once (its own schedule: ``pace_cycles`` sets it short for a
run), read back from the provisioner's logs: the channel summary from 12.2, before that the audit
lines going quiet for a synchronization interval. Without the log folder, from Zoom's side (the
served emulator's or proxy's journal going quiet). Everything it creates is written to a ledger
first and removed at the end: deactivated, then the connection, then the data store.
Facts: ``shared/reference/pingfederate-admin-api.md``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.directory.slapd import DirectoryServer
from harness.provisioner.channel import ActivationRefused
from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.sut import ChannelSetup
from harness.sut.pingfederate.admin import PROVISIONING_SETTINGS, AdminClient, PingFederateError, check_prerequisites
from harness.sut.pingfederate.connector import ZoomConnector
from harness.sut.pingfederate.cycles import CycleReader, Journal
from harness.sut.pingfederate.logs import LogFolder
from harness.sut.pingfederate.payloads import data_store, sp_connection
from harness.zoom.preflight import Check, Readiness

#: The cycle interval a run sets: the document declares no minimum (its example shows 0), and one
#: second keeps a cycle's wait short while leaving the adapter time to park the channel after it.
RUN_FREQUENCY = 1


@contextmanager
def pace_cycles(admin: AdminClient, seconds: int = RUN_FREQUENCY) -> Iterator[int]:
    """PingFederate's cycles every ``seconds`` for the length of a run, its own interval after.
    Set once per run (not per scenario): the setting is server-wide."""
    check_prerequisites(admin)
    settings = admin.get(PROVISIONING_SETTINGS) or {}
    if settings.get("synchronizationFrequency") != seconds:
        admin.call("PUT", PROVISIONING_SETTINGS, {**settings, "synchronizationFrequency": seconds})
    try:
        yield seconds
    finally:
        if settings.get("synchronizationFrequency") != seconds:
            admin.call("PUT", PROVISIONING_SETTINGS, settings)


def _newer_than(version: str, minimum: tuple[int, int]) -> bool:
    parts = [int(p) for p in version.split(".")[:2] if p.isdigit()]
    return len(parts) == 2 and (parts[0], parts[1]) >= minimum


class PingFederateSystem:
    kind = "pingfederate"

    def __init__(
        self,
        admin: AdminClient,
        directory: DirectoryServer,
        base_dn: str,
        *,
        log_dir: Path | None = None,
        journal: Journal | None = None,
        ledger: Path | None = None,
        cycle_timeout: float = 300.0,
        run_id: str | None = None,
        poll: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.admin = admin
        self.directory = directory
        self.base_dn = base_dn
        self.records = ProvisionerRecords()
        check_prerequisites(admin)
        self.journal = journal
        self.ledger = ledger
        self.sleep = sleep
        self.connector = ZoomConnector.discover(admin)
        self.version = admin.version()
        #: PingFederate writes ``provisioner-channel-summary.log`` from 12.2.
        self.frequency = int((admin.get(PROVISIONING_SETTINGS) or {}).get("synchronizationFrequency", 60))
        self.cycles = CycleReader(
            self.records, LogFolder(log_dir) if log_dir else None, journal,
            summaries_logged=_newer_than(self.version, (12, 2)), frequency=self.frequency, timeout=cycle_timeout,
            poll=poll, sleep=sleep, clock=clock,
        )  # fmt: skip
        self.description = f"PingFederate {self.version} (connector {self.connector.id})"
        self.run_id = run_id or os.urandom(4).hex()
        self.store_id = f"zoomharnessds{self.run_id}"
        self.connection_id = f"zoomharness{self.run_id}"
        self.created: list[str] = []
        self.setup: ChannelSetup | None = None
        self._active = True
        #: Zoom's journal is the session's: this system's calls are the ones after its start.
        self._journal_start = self._position()
        #: What PingFederate sent Zoom in cycles and activations not yet handed to the evidence.
        self._exchanges: list[dict[str, Any]] = []

    @property
    def channel_name(self) -> str:
        """The channel's name in PingFederate: the steps' name and this run's id, so that log lines of
        other runs and of earlier scenarios are told apart."""
        assert self.setup is not None
        return f"{self.setup.channel.name}-{self.run_id}"

    # -- configuration ---------------------------------------------------------------------

    def _remember(self, path: str) -> None:
        """Write what is about to be created down first, so that a killed run can be cleaned up."""
        self.created.append(path)
        if self.ledger is not None:
            self.ledger.write_text(json.dumps({"created": self.created}), encoding="utf-8")

    def configure(self, setup: ChannelSetup) -> None:
        self.setup = setup
        self._active = setup.channel.active
        if f"/dataStores/{self.store_id}" not in self.created:
            self._remember(f"/dataStores/{self.store_id}")
            store = data_store(self.directory, self.store_id, f"zoom-harness directory {self.run_id}")
            self.admin.call("POST", "/dataStores", store, bypass=True)
        self._save(active=False, bypass=True)

    def _save(self, *, active: bool, bypass: bool) -> None:
        assert self.setup is not None
        body = sp_connection(self.setup, self.connector, connection_id=self.connection_id, store_id=self.store_id,
                             base_dn=self.base_dn, channel_name=self.channel_name, active=active)  # fmt: skip
        path = f"/idp/spConnections/{self.connection_id}"
        if path in self.created:
            self.admin.call("PUT", path, body, bypass=bypass)
        else:
            self._remember(path)
            self.admin.call("POST", "/idp/spConnections", body, bypass=bypass)

    def activate(self) -> Readiness:
        """Save the channel active without bypassing validation: PingFederate checks the app with
        Zoom. It is parked again at once; cycles activate it while they run."""
        mark = self._position()
        try:
            with self._watching(mark):
                self._save(active=True, bypass=False)
        except PingFederateError as refusal:
            self._active = False
            raise ActivationRefused(Readiness([Check("pingfederate", False, str(refusal))])) from None
        self._save(active=False, bypass=True)
        self._active = True
        return Readiness([Check("pingfederate", True, "PingFederate activated the channel")])

    @property
    def channel_active(self) -> bool:
        return self._active

    # -- cycles ----------------------------------------------------------------------------

    def next_cycle(self) -> ChannelSummary:
        """The channel active until PingFederate has run one cycle of it, then parked again."""
        assert self.setup is not None
        if not self._active:
            self.sleep(self.frequency)
            summary = ChannelSummary(0, self.setup.channel.name, active=False)
        else:
            mark = self._position()
            self._save(active=True, bypass=True)
            try:
                with self._watching(mark):
                    summary = self.cycles.await_cycle(self.channel_name, self.setup.channel.name, mark)
            finally:
                self._save(active=False, bypass=True)
        self.records.summaries.append(summary)
        return summary

    # -- Zoom's side -----------------------------------------------------------------------

    def _position(self) -> int:
        return self.cycles.position()

    @contextmanager
    def _watching(self, mark: int) -> Iterator[None]:
        """What PingFederate sends Zoom meanwhile is kept for the evidence."""
        try:
            yield
        finally:
            if self.journal is not None:
                self._exchanges.extend(self.journal(mark)[0])

    def zoom_exchanges(self) -> list[dict[str, Any]]:
        """PingFederate's exchanges with Zoom since the last time they were asked for (the harness
        does not see PingFederate's calls itself: they come from Zoom's journal)."""
        taken, self._exchanges = self._exchanges, []
        return taken

    def token_requests(self) -> int:
        if self.journal is None:
            return 0
        return sum(1 for e in self.journal(self._journal_start)[0] if "/oauth/token" in e.get("url", ""))

    def close(self) -> None:
        """Remove what the adapter created, newest first: PingFederate deletes only an inactive
        connection, and only a data store no connection uses. A failure leaves the ledger behind."""
        left = []
        for path in reversed(self.created):
            try:
                if path.startswith("/idp/spConnections/"):
                    self._deactivate(path)
                self.admin.call("DELETE", path)
            except PingFederateError as error:
                left.append(f"{path}: {error}")
        if self.ledger is not None and not left:
            self.ledger.unlink(missing_ok=True)
        if left:
            raise PingFederateError("could not delete " + "; ".join(left))

    def _deactivate(self, path: str) -> None:
        connection = self.admin.get(path)
        if connection is not None and connection.get("active", True):
            self.admin.call("PUT", path, {**_writable(connection), "active": False}, bypass=True)


def _writable(connection: dict[str, Any]) -> dict[str, Any]:
    """A connection as read, made fit to send back: a secret read as ``encryptedValue`` goes back as is."""
    return {k: v for k, v in connection.items() if k not in ("modificationDate", "creationDate")}

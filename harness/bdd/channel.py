"""The provisioning channel a scenario configures, the system under test that runs it, and its cycles."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from harness.bdd.session import SessionTarget
from harness.bdd.zoom_side import ZoomSide
from harness.certify.evidence import Evidence
from harness.directory.ldap import LdapPeople, LdapSource, SourceSettings
from harness.directory.people import PeopleDirectory
from harness.directory.source import Directory, SourceLocation
from harness.errors import HarnessError
from harness.provisioner.channel import ActivationRefused, Channel, ProvisioningOptions
from harness.provisioner.channel_file import ChannelFile
from harness.provisioner.engine import Provisioner
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.sut import ChannelSetup, SystemUnderTest
from harness.sut.reference import ReferenceSystem
from harness.zoom.client import ZoomClient
from harness.zoom.errors import TokenError
from harness.zoom.scim_names import is_user_create
from harness.zoom.target import Target


class NeedsReference(HarnessError):
    """A step that needs the reference provisioner's internals ran against another system."""


class ProcessStopped(BaseException):
    """The provisioner's process died mid-cycle (raised past every error handler, like a kill)."""


class InFlight(httpx.BaseTransport):
    """Counts the API calls in flight at once (to certify Max Threads), and can stop the process
    after a number of user creations."""

    def __init__(self, inner: httpx.BaseTransport, hold: float) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.creations_left: int | None = None
        #: Real seconds each call stays in flight (the in-process emulator answers at once, and
        #: concurrency shows only when calls take time).
        self.hold = hold

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        creating = is_user_create(request.method, request.url.path)
        if creating and self.creations_left == 0:
            raise ProcessStopped
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        try:
            if self.hold:
                time.sleep(self.hold)
            response = self._inner.handle_request(request)
        finally:
            with self._lock:
                self.current -= 1
        if creating and self.creations_left is not None and response.status_code == 201:
            self.creations_left -= 1
        return response

    def close(self) -> None:
        self._inner.close()


class ChannelUnderTest:
    """The channel as the steps set it, handed to the system under test when a step needs it run."""

    def __init__(self, session: SessionTarget, seed: int, zoom: ZoomSide, people: PeopleDirectory,
                 evidence: Evidence) -> None:  # fmt: skip
        self.session = session
        self.seed = seed
        self.zoom = zoom
        self.people = people
        self.evidence = evidence
        self.mapping = Mapping.default()
        self.options = ProvisioningOptions()
        self.location = SourceLocation()
        self.settings: dict[str, Any] = {}
        self.source_settings: dict[str, Any] = {}
        if session.channel_file is not None:
            self._start_from(session.channel_file)
        self.store = SyncStore()
        #: The connection's Target; None: the provisioning app of the scenario's account.
        self.target: Target | None = None
        #: Why the last activation was refused; None when it was not.
        self.refusal: str | None = None
        self.in_flight: InFlight | None = None
        self.call_hold = 0.0
        #: Where the sync state is kept when a scenario keeps it in a file (a restart reopens it).
        self.state_file: str | None = None
        self.cycle_started_at = 0
        self.cycle_clock = 0.0
        self.cycle_waited = 0.0
        #: The real waits the system under test was configured for (a new 429 needs a longer timeout).
        self._configured_for: float | None = None
        self.system: SystemUnderTest = self._system()

    @property
    def records(self) -> ProvisionerRecords:
        return self.system.records

    def close(self) -> None:
        self.system.close()
        self.store.close()

    # -- what the steps set ---------------------------------------------------------------

    def _changed(self) -> None:
        self._configured_for = None

    def set_target(self, target: Target | None = None, **changes: str) -> None:
        """The connection's Target: another app's credentials, or the current ones changed."""
        self.target = (target or self.target or self.zoom.target).with_credentials(**changes)
        self._changed()

    def map_field(self, field_name: str, spec: FieldMapping | None) -> None:
        self.mapping = self.mapping.with_field(field_name, spec)
        self._changed()

    def set_options(self, **options: Any) -> None:
        self.options = ProvisioningOptions(**{**self.options.__dict__, **options})
        self._changed()

    def set_location(self, location: SourceLocation) -> None:
        self.location = location
        self._changed()

    def set(self, **settings: Any) -> None:
        """Channel settings: Max Threads, Timeout, the account status attribute..."""
        self.settings.update(settings)
        self._changed()

    @property
    def timeout(self) -> float:
        """The channel timeout the steps set, else the connector's default, as a scenario states it
        (not yet on the target's time scale)."""
        return float(self.settings.get("timeout", Channel.timeout))

    def hold_calls(self, seconds: float) -> None:
        """Every call to Zoom stays in flight this long (real seconds)."""
        self.call_hold = seconds
        if self.in_flight is not None:
            self.in_flight.hold = seconds

    @property
    def most_in_flight(self) -> int:
        """The most calls to Zoom the system under test had in flight at once."""
        if self.in_flight is None:
            raise NeedsReference("counting the calls in flight needs the reference provisioner's client")
        return self.in_flight.peak

    # -- the system under test ------------------------------------------------------------

    @property
    def sut(self) -> SystemUnderTest:
        """The system under test, configured with the channel as the steps have set it so far."""
        if self._configured_for != self.zoom.real_waits:
            settings = dict(self.settings)
            timeout = settings.pop("timeout", None)
            # PingFederate lives in real time and takes whole seconds: a timeout no scenario set stays
            # PingFederate's 60 s, rather than a scaled second its real retry backoff can outlast.
            if timeout is None and self.session.pingfederate is not None:
                timeout = 60.0
            elif self.zoom.scaled:
                timeout = max(self.zoom.seconds(60.0 if timeout is None else timeout), 2 * self.zoom.real_waits)
            elif timeout is None:
                timeout = 60.0
            channel = Channel(location=self.location, mapping=self.mapping, timeout=timeout, **settings)
            setup = ChannelSetup(self.target or self.zoom.target, channel, self.options, self._source(channel),
                                 self._source_settings())  # fmt: skip
            self.system.configure(setup)
            self._configured_for = self.zoom.real_waits
        return self.system

    @property
    def provisioner(self) -> Provisioner:
        """The reference provisioner itself, for the scenarios tagged ``@reference-only``."""
        system = self.sut
        if not isinstance(system, ReferenceSystem) or system.provisioner is None:
            raise NeedsReference("this step needs the reference provisioner's internals")
        return system.provisioner

    def _system(self) -> SystemUnderTest:
        """The reference provisioner, or the PingFederate the session was given."""
        admin = self.session.pingfederate
        if admin is None:
            return ReferenceSystem(self._reference_client, self.store, ProvisionerRecords(), self.zoom.now)
        from harness.sut.pingfederate import PingFederateSystem

        if self.session.directory is None or not isinstance(self.people, LdapPeople):
            raise HarnessError("PingFederate reads an LDAP directory: run with --zoom-directory ldap")
        state = self.session.state_dir
        state.mkdir(parents=True, exist_ok=True)
        return PingFederateSystem(
            admin.client(), self.session.directory, self.people.root_dn, log_dir=self.session.pingfederate_logs,
            journal=self.zoom.journal_reader(), ledger=state / f"pingfederate-{self.seed:08x}.json", cycle_timeout=120,
        )  # fmt: skip

    def _reference_client(self, setup: ChannelSetup) -> ZoomClient:
        # A call waits at most half the operation's timeout, leaving room for one retry.
        timeout = setup.channel.timeout / (2 * self.zoom.time_scale)
        return self.zoom.client_for(setup.target, timeout=timeout, wrap=self._count_in_flight)

    def _count_in_flight(self, transport: httpx.BaseTransport) -> httpx.BaseTransport:
        self.in_flight = InFlight(transport, self.call_hold)
        return self.in_flight

    def _start_from(self, configured: ChannelFile) -> None:
        """The channel file is every scenario's starting channel; its steps change it from there.
        Its base DN and group DN name another directory: each scenario keeps its own subtree."""
        channel = configured.channel
        self.mapping, self.options = channel.mapping, configured.options
        self.settings = {"max_threads": channel.max_threads, "timeout": channel.timeout, "status": channel.status}
        if channel.location.group_dn is None:
            self.location = SourceLocation(filter=channel.location.filter)
        source = configured.source
        self.source_settings = {name: getattr(source, name) for name in (
            "guid_attribute", "user_object_class", "group_object_class", "group_member_attribute",
            "changed_users_algorithm", "timestamp_attribute", "nested_search")}  # fmt: skip

    def _source_settings(self) -> SourceSettings | None:
        if isinstance(self.people, LdapPeople):
            return SourceSettings(base_dn=self.people.root_dn, **self.source_settings)
        return None

    def _source(self, channel: Channel) -> Callable[[], Directory]:
        """What the provisioner reads: the scenario's subtree of the LDAP server, or the people."""
        if isinstance(self.people, LdapPeople):
            settings = SourceSettings(base_dn=self.people.root_dn, **self.source_settings)
            return LdapSource(self.people.address, settings, self.location, channel.source_attributes())
        return self.people.snapshot

    # -- activation and cycles ------------------------------------------------------------

    def activate(self) -> None:
        """Activate the channel; a refusal is kept in ``refusal``."""
        self.refusal = None
        try:
            self.sut.activate()
        except (ActivationRefused, TokenError) as refusal:
            self.refusal = str(refusal)
        finally:
            self.evidence.add_journal(self.system.zoom_exchanges())

    @property
    def active(self) -> bool:
        return self.sut.channel_active

    def token_requests(self) -> int:
        return self.sut.token_requests()

    def run_cycle(self) -> ChannelSummary:
        system = self.sut
        self.cycle_started_at = len(self.evidence.exchanges)
        self.cycle_clock = self.zoom.now()
        try:
            summary = system.next_cycle()
        finally:
            self.evidence.add_journal(system.zoom_exchanges())
        self.cycle_waited = self.zoom.now() - self.cycle_clock
        return summary

    @property
    def last_summary(self) -> ChannelSummary:
        return self.records.summaries[-1]

    def stop_after(self, creations: int) -> None:
        """Run a cycle that dies after ``creations`` users were created, leaving no commit behind."""
        provisioner = self.provisioner
        assert self.in_flight is not None
        self.in_flight.creations_left = creations
        try:
            provisioner.run_cycle()
        except ProcessStopped:
            pass
        else:
            raise AssertionError("the cycle ended before the process was stopped")
        self.store.abandon()
        self._changed()

    def keep_state_in(self, path: str) -> None:
        """Keep the sync state in a file from now on (a restart reopens it)."""
        self.state_file = path
        self.restart()

    def restart(self) -> None:
        """Stop the provisioner and start a new one on the same SQLite state file."""
        if self.state_file is None:
            raise HarnessError("a restart needs the sync state kept in a file")
        self.store.close()
        self.store = SyncStore(self.state_file)
        if not isinstance(self.system, ReferenceSystem):
            raise NeedsReference("restarting on the sync state needs the reference provisioner")
        self.system.store = self.store
        self._changed()

"""The certification world: one scenario's view of a Zoom target, a directory and a provisioner.

Steps read like their Gherkin lines and call this module; it hides which target runs (the
in-process emulator, the emulator served on loopback, or a real Zoom account) and keeps every
HTTP exchange as evidence.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from harness.channel_file import ChannelFile
from harness.control import AppActivationRefused, AppUpdateRefused, BuiltApp, EmulatorControl
from harness.directory.ldap import LdapAddress, LdapPeople, LdapSource, SourceSettings
from harness.directory.slapd import DirectoryServer
from harness.errors import HarnessError
from harness.evidence import Evidence
from harness.guard import GuardedTransport, Ledger
from harness.mapping import FieldMapping, Mapping, scim_body
from harness.people import PeopleDirectory
from harness.preflight import REQUIRED_SCOPES, Readiness
from harness.provisioner.engine import ActivationRefused, Channel, Provisioner, ProvisioningOptions
from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.proxying import TOKEN_PATH
from harness.recording import Recorder
from harness.source import Directory, SourceLocation
from harness.sut import ChannelSetup, SystemUnderTest
from harness.sut.pingfederate import AdminAddress
from harness.sut.reference import ReferenceSystem
from harness.target import Target
from harness.zoom.client import ZoomClient
from harness.zoom.errors import TokenError
from harness.zoom.retry import RetryPolicy
from mocks import scim
from mocks.clock import Clock
from mocks.errors import EmulatorError
from mocks.pacing import Pacer
from mocks.proxy import ZoomProxy
from mocks.scopes import GRANULAR_EQUIVALENTS

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class TargetKind(StrEnum):
    EMULATOR = "emulator"
    EMULATOR_HTTP = "emulator-http"
    ZOOM = "zoom"


#: On the served emulator, waits are real: scenario seconds are scaled down so they stay short.
HTTP_TIME_SCALE = 0.01


class NeedsEmulator(HarnessError):
    """A step that needs the emulator's control surface ran against a real Zoom account."""


class NeedsReference(HarnessError):
    """A step that needs the reference provisioner's internals ran against another system."""


@dataclass
class Answer:
    """One Zoom answer as a step asserts on it."""

    status: int
    body: Any
    headers: httpx.Headers

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        try:
            body: Any = response.json() if response.content else None
        except ValueError:
            body = response.text
        return cls(response.status_code, body, response.headers)


@dataclass
class SessionTarget:
    """What a test session runs against; built once per session (per xdist worker)."""

    kind: TargetKind
    seed: int
    run_marker: str
    email_domain: str = "example.com"
    served_url: str | None = None
    zoom: Target | None = None
    ledger: Ledger | None = None
    #: Records every exchange with Zoom for ``zoom-harness drift`` (a real account only).
    recorder: Recorder | None = None
    #: The private slapd the scenarios write and the provisioner reads; None: the in-memory directory.
    directory: DirectoryServer | None = None
    #: Every scenario's starting channel (``--zoom-channel``); None: the documented defaults.
    channel_file: ChannelFile | None = None
    #: PingFederate's Administrative API (``--zoom-sut pingfederate``); None: the reference provisioner.
    pingfederate: AdminAddress | None = None
    #: On a real account: the connection pool and the pacer every scenario's proxy forwards through.
    upstream: httpx.BaseTransport | None = None
    pacer: Pacer | None = None
    #: On a real account: a served proxy the system under test reaches Zoom through (``--zoom-proxy``),
    #: whose faults and journal serve the scenarios; None: the in-process proxy.
    proxy_url: str | None = None

    @property
    def proxied(self) -> bool:
        """Faults can be put between the system under test and a real Zoom: the reference
        provisioner reaches it through an in-process proxy, PingFederate through a served one."""
        return self.kind is TargetKind.ZOOM and (self.pingfederate is None or self.proxy_url is not None)


def _proxy_in_front_of(session: SessionTarget) -> ZoomProxy:
    """A scenario's own proxy (its own faults and journal), forwarding through the session's pool."""
    assert session.zoom is not None and session.upstream is not None
    return ZoomProxy(
        upstream_token_url=session.zoom.token_url.removesuffix(TOKEN_PATH),
        upstream_api_url=session.zoom.api_base_url,
        transport=_Shared(session.upstream),
        pacer=session.pacer,
        on_exchange=session.recorder.record if session.recorder is not None else None,
    )


class _Shared(httpx.BaseTransport):
    """The session's connection pool, lent to one scenario: closing the scenario leaves it open."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)


class ProcessStopped(BaseException):
    """The provisioner's process died mid-cycle (raised past every error handler, like a kill)."""


class _InFlight(httpx.BaseTransport):
    """Counts the API calls in flight at once (to certify Max Threads), and can stop the process
    after a number of user creations."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.creations_left: int | None = None
        #: Real seconds each call stays in flight (the in-process emulator answers at once, and
        #: concurrency shows only when calls take time).
        self.hold = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        creating = request.method == "POST" and request.url.path.endswith("/scim2/Users")
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


@dataclass
class World:
    session: SessionTarget
    seed: int
    evidence: Evidence = field(default_factory=Evidence)

    def __post_init__(self) -> None:
        kind = self.session.kind
        self.emulator: Any = None
        self.control: EmulatorControl | None = None
        #: In front of a real Zoom: the proxy the scenario's clients reach it through (in-process),
        #: or the control surface of a served one; faults are injected there.
        self.proxy: ZoomProxy | None = None
        self.proxy_control: EmulatorControl | None = None
        #: Whether a fault was put between the system under test and Zoom (the report says so).
        self.faults_injected = False
        if kind is TargetKind.EMULATOR:
            from mocks import ZoomEmulator

            self.emulator = ZoomEmulator()
            self.emulator.clock.freeze()
            self._control_http = httpx.Client(
                transport=self.emulator.transport(), event_hooks={"response": [self.evidence.record]}
            )
            self.control = EmulatorControl(self._control_http, self.emulator.api_base_url)
        elif kind is TargetKind.EMULATOR_HTTP:
            assert self.session.served_url
            self._control_http = httpx.Client(timeout=30, event_hooks={"response": [self.evidence.record]})
            self.control = EmulatorControl(self._control_http, self.session.served_url)
            self.control.clear_faults()
            self._settings = self.control.settings()
        elif self.session.proxy_url is not None:
            self._control_http = httpx.Client(timeout=30, event_hooks={"response": [self.evidence.record]})
            self.proxy_control = EmulatorControl(self._control_http, self.session.proxy_url)
            self.proxy_control.clear_faults()
        elif self.session.proxied:
            self.proxy = _proxy_in_front_of(self.session)
        # Zoom's emails are unique across accounts: scenarios sharing a served emulator each get
        # their own domain. On a real account the run marker in every uid keeps runs apart.
        self.domain = self.session.email_domain if kind is TargetKind.ZOOM else f"s{self.seed:08x}.example.com"
        if self.control is not None:
            self.target = self.control.ready_account(domain=self.domain)
            self.evidence.exchanges.clear()  # the scenario's own exchanges start here
        else:
            assert self.session.zoom is not None
            self.target = self.session.zoom
        self.people: PeopleDirectory
        if self.session.directory is not None:
            server = self.session.directory
            self.ldap = LdapAddress(server.url, server.bind_dn, server.password)
            # Each scenario writes its own subtree of the session's directory.
            root = f"ou=s{self.seed:08x},{server.suffix}"
            self.people = LdapPeople(self.ldap, root_dn=root, domain=self.domain, seed=self.seed)
        else:
            self.people = PeopleDirectory(domain=self.domain, seed=self.seed)
        self.mapping = Mapping.default()
        self.options = ProvisioningOptions()
        self.location = SourceLocation()
        self.channel_settings: dict[str, Any] = {}
        self.source_settings: dict[str, Any] = {}
        if self.session.channel_file is not None:
            self._start_from(self.session.channel_file)
        self.store = SyncStore()
        self.records = ProvisionerRecords()
        self.channel_target: Target | None = None
        #: Whether the system under test holds the channel as the steps set it (reset by each change).
        self._configured = False
        self.system: SystemUnderTest = self._system()
        self.records = self.system.records
        self._clients: list[ZoomClient] = []
        self.in_flight: _InFlight | None = None
        self.call_hold = 0.0
        self.app: BuiltApp | None = None
        self.activation_refusal: str | None = None
        self.app_refusal: str | None = None
        self.activation_missing: list[str] = []
        self.readiness: Readiness | None = None
        self.token_answer: Answer | None = None
        self.last_answer: Answer | None = None
        self.summaries: list[ChannelSummary] = []
        self.seeded: dict[str, str] = {}
        self.other_target: Target | None = None
        self.generated: list[str] = []
        self.cycle_started_at = 0
        self.cycle_clock = 0.0
        self.cycle_waited = 0.0
        self.saved_token: str | None = None
        #: Real seconds the injected 429s make the client wait (their Retry-After is in whole
        #: seconds, not scaled): a scaled channel timeout is kept above them.
        self.real_waits = 0.0

    # -- life cycle -----------------------------------------------------------------------

    def close(self) -> None:
        if self.session.ledger is not None:
            self._remove_created_users()
        for client in self._clients:
            client.close()
        if isinstance(self.people, LdapPeople):
            self.people.close()
        self.system.close()
        self.store.close()
        if self.session.kind is TargetKind.EMULATOR_HTTP and self.control is not None:
            self.control.clear_faults()
            self.control.settings(**self._settings)
            self.control.freeze_clock(False)
        if self.proxy_control is not None:
            self.proxy_control.clear_faults()
        if self.control is not None or self.proxy_control is not None:
            self._control_http.close()

    @property
    def _scaled(self) -> bool:
        """Injected waits are real (a served emulator or proxy): scenario seconds are scaled down."""
        return self.session.kind is TargetKind.EMULATOR_HTTP or self.proxy_control is not None

    def seconds(self, value: float) -> float:
        """A duration from a scenario, as this target lives it (scaled where waits are real)."""
        return value * HTTP_TIME_SCALE if self._scaled else value

    def now(self) -> float:
        """The client side's clock: the in-process emulator's or proxy's, the wall clock otherwise."""
        clock = self._clock
        return clock.now() if clock is not None else time.time()

    @property
    def _clock(self) -> Clock | None:
        """The clock in-process clients share with what answers them (an injected latency or
        Retry-After costs no real time); None where waits are real."""
        if self.emulator is not None:
            return self.emulator.clock  # type: ignore[no-any-return]
        return self.proxy.clock if self.proxy is not None else None

    def _remove_created_users(self) -> None:
        """On a real account, delete this scenario's users now; the session sweeps what remains."""
        assert self.session.ledger is not None
        mine = self.uid("")
        for user_id, user_name in self.session.ledger.users().items():
            if user_name.startswith(mine):
                with contextlib.suppress(Exception):  # the session's cleanup tries again
                    self.zoom.delete_user(user_id)

    def require_emulator(self) -> EmulatorControl:
        if self.control is None:
            raise NeedsEmulator("this step needs the emulator's control surface")
        return self.control

    def inject(self, **fault: Any) -> None:
        """Put a fault between the system under test and Zoom: in the emulator, or in the proxy
        in front of a real Zoom (the fault changes the answer; Zoom's state stays real)."""
        surface = self.control or self.proxy or self.proxy_control
        if surface is None:
            raise NeedsEmulator("injecting a fault needs the emulator or the harness's proxy in front of Zoom")
        surface.inject(**fault)
        self.faults_injected = True
        if self._scaled and fault.get("retry_after"):
            # A date is whole seconds, rounded up: up to a second more than asked, per hit.
            self.real_waits += (fault["retry_after"] + 1) * (fault.get("times") or 1)
            self._configured = False

    # -- clients --------------------------------------------------------------------------

    def client_for(self, target: Target, *, timeout: float = 30.0, probe: bool = False) -> ZoomClient:
        transport: httpx.BaseTransport
        clock, sleep = time.time, time.sleep
        answering = self.emulator if self.emulator is not None else self.proxy
        if answering is not None:
            transport = answering.transport()
            clock, sleep = answering.clock.now, answering.clock.sleep
        else:
            transport = httpx.HTTPTransport()
        if self.session.ledger is not None:
            transport = GuardedTransport(transport, self.session.ledger)
        if probe:
            transport = self.in_flight = _InFlight(transport)
            self.in_flight.hold = self.call_hold
        retry = RetryPolicy(base=self.seconds(0.5), cap=self.seconds(30))
        client = ZoomClient(
            target,
            transport=transport,
            timeout=self.seconds(timeout),
            retry=retry,
            clock=clock,
            sleep=sleep,
            on_exchange=self._on_exchange,
        )
        self._clients.append(client)
        return client

    def _on_exchange(self, response: httpx.Response) -> None:
        self.evidence.record(response)
        if self.session.recorder is not None and self.proxy is None:  # a proxy records what Zoom answered
            self.session.recorder.record(response)

    @property
    def zoom(self) -> ZoomClient:
        """A client of the provisioning app, for assertions on what Zoom holds."""
        if not hasattr(self, "_zoom"):
            self._zoom = self.client_for(self.target)
        return self._zoom

    # -- names ----------------------------------------------------------------------------

    def uid(self, name: str) -> str:
        """The directory uid for a scenario's user name; on a real account it carries the run marker."""
        if self.session.kind is TargetKind.ZOOM:
            return f"{self.session.run_marker}-{self.seed % 16**6:06x}-{name}"
        return name

    def email(self, name: str) -> str:
        return f"{self.uid(name)}@{self.domain}"

    # -- Marketplace (emulator only) ------------------------------------------------------

    def build_app(self, name: str, scope_family: str = "classic") -> BuiltApp:
        self.app = self.require_emulator().build_app(self.target.account_id, name, scope_family)
        return self.app

    def update_app(self, **info: Any) -> None:
        assert self.app is not None, "build the app first"
        self.require_emulator().update_app(self.app, **info)

    def add_scopes(self, *scopes: str) -> None:
        """Add scopes on the Scopes tab; a refusal is kept in ``app_refusal``, the scopes unchanged."""
        assert self.app is not None
        wanted = [*getattr(self, "_app_scopes", []), *scopes]
        self.app_refusal = None
        try:
            self.update_app(scopes=wanted)
        except AppUpdateRefused as refusal:
            self.app_refusal = str(refusal)
            return
        self._app_scopes = wanted

    def complete_app(self, *, scopes: tuple[str, ...] = REQUIRED_SCOPES, features: list[str] | None = None) -> None:
        self.update_app(
            description="Provisions users from PingFederate",
            company_name="Example Corp",
            contact_name="Dana Admin",
            contact_email=f"dana@{self.domain}",
            features=features or [],
        )
        if scopes:
            self.add_scopes(*scopes)

    def activate_app(self) -> None:
        assert self.app is not None
        try:
            self.require_emulator().activate_app(self.app)
        except AppActivationRefused as refusal:
            self.activation_refusal = str(refusal)
            self.activation_missing = refusal.missing

    def change_app(self, state: str) -> None:
        """Put the built app in a state: never activated, or deactivated or deleted after activation."""
        assert self.app is not None
        control = self.require_emulator()
        if state == "never activated":
            return
        control.activate_app(self.app)
        if state == "deactivated after activation":
            control.deactivate_app(self.app)
        elif state == "deleted after activation":
            control.delete_app(self.app)
        else:
            raise ValueError(f"unknown app state {state!r}")

    def set_provisioning_app_active(self, active: bool) -> None:
        control = self.require_emulator()
        app = BuiltApp(control.app_id_of(self.target), self.target)
        control.activate_app(app) if active else control.deactivate_app(app)

    def app_with_scopes(self, scopes: list[str]) -> Target:
        """An activated app in a fresh account that holds exactly ``scopes``."""
        self.other_target = self.require_emulator().ready_account(domain=f"other.{self.domain}", scopes=scopes)
        return self.other_target

    def granular_app(self, scopes: list[str]) -> Target:
        """An activated app with granular scopes in the provisioning account, built as the
        Marketplace builds apps today."""
        self.build_app("Granular provisioning", scope_family="granular")
        self.complete_app(scopes=tuple(scopes))
        self.activate_app()
        assert self.app is not None and self.activation_refusal is None, self.activation_refusal
        self.other_target = self.app.target
        return self.other_target

    def account_with(self, **settings: Any) -> Target:
        """A fresh account with the given plan or SSO setting and a ready app."""
        self.other_target = self.require_emulator().ready_account(domain=f"other.{self.domain}", **settings)
        return self.other_target

    # -- tokens ---------------------------------------------------------------------------

    def request_token(self, target: Target | None = None, **params: str) -> Answer:
        target = target or (self.app.target if self.app else self.target)
        query = {"grant_type": "account_credentials", "account_id": target.account_id, **params}
        client = self.zoom.http
        response = client.post(target.token_url, data=query, auth=(target.client_id, target.client_secret))
        self.token_answer = Answer.of(response)
        return self.token_answer

    # -- the channel ----------------------------------------------------------------------

    def set_target(self, target: Target | None = None, **changes: str) -> None:
        """The connection's Target: another app's credentials, or the current ones changed."""
        self.channel_target = (target or self.channel_target or self.target).with_credentials(**changes)
        self._configured = False

    def map_field(self, field_name: str, spec: FieldMapping | None) -> None:
        self.mapping = self.mapping.with_field(field_name, spec)
        self._configured = False

    def set_options(self, **options: Any) -> None:
        current = self.options
        self.options = ProvisioningOptions(**{**current.__dict__, **options})
        self._configured = False

    def set_location(self, location: SourceLocation) -> None:
        self.location = location
        self._configured = False

    def set_channel(self, **settings: Any) -> None:
        self.channel_settings.update(settings)
        self._configured = False

    @property
    def sut(self) -> SystemUnderTest:
        """The system under test, configured with the channel as the steps have set it so far."""
        if not self._configured:
            settings = dict(self.channel_settings)
            timeout = settings.pop("timeout", 60.0)
            timeout = max(self.seconds(timeout), 2 * self.real_waits) if self._scaled else timeout
            channel = Channel(location=self.location, mapping=self.mapping, timeout=timeout, **settings)
            setup = ChannelSetup(self.channel_target or self.target, channel, self.options, self._source(channel))
            self.system.configure(setup)
            self._configured = True
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
            return ReferenceSystem(self._reference_client, self.store, self.records, self.now)
        from harness.sut.pingfederate import PingFederateSystem

        if self.session.directory is None or not isinstance(self.people, LdapPeople):
            raise HarnessError("PingFederate reads an LDAP directory: run with --zoom-directory ldap")
        log_dir = os.environ.get("PF_LOG_DIR")
        state = Path(os.environ.get("ZOOM_HARNESS_STATE_DIR", ".zoom-harness"))
        state.mkdir(parents=True, exist_ok=True)
        return PingFederateSystem(
            admin.client(), self.session.directory, self.people.root_dn, log_dir=Path(log_dir) if log_dir else None,
            journal=surface.journal if (surface := self.control or self.proxy_control) is not None else None,
            ledger=state / f"pingfederate-{self.seed:08x}.json",
        )  # fmt: skip

    def _reference_client(self, setup: ChannelSetup) -> ZoomClient:
        # A call waits at most half the operation's timeout, leaving room for one retry.
        timeout = setup.channel.timeout / (2 * (HTTP_TIME_SCALE if self._scaled else 1))
        return self.client_for(setup.target, timeout=timeout, probe=True)

    def _start_from(self, configured: ChannelFile) -> None:
        """The channel file is every scenario's starting channel; its steps change it from there.
        Its base DN and group DN name another directory: each scenario keeps its own subtree."""
        channel = configured.channel
        self.mapping, self.options = channel.mapping, configured.options
        self.channel_settings = {"max_threads": channel.max_threads, "timeout": channel.timeout,
                                 "status": channel.status}  # fmt: skip
        if channel.location.group_dn is None:
            self.location = SourceLocation(filter=channel.location.filter)
        source = configured.source
        self.source_settings = {name: getattr(source, name) for name in (
            "guid_attribute", "user_object_class", "group_object_class", "group_member_attribute",
            "changed_users_algorithm", "timestamp_attribute", "nested_search")}  # fmt: skip

    def _source(self, channel: Channel) -> Callable[[], Directory]:
        """What the provisioner reads: the scenario's subtree of the LDAP server, or the people."""
        if isinstance(self.people, LdapPeople):
            settings = SourceSettings(base_dn=self.people.root_dn, **self.source_settings)
            return LdapSource(self.ldap, settings, self.location, channel.source_attributes())
        return self.people.snapshot

    def activate_channel(self) -> None:
        self.activation_refusal = None
        try:
            self.readiness = self.sut.activate()
        except ActivationRefused as refusal:
            self.readiness = refusal.readiness
            self.activation_refusal = str(refusal)
        except TokenError as error:
            self.activation_refusal = str(error)

    @property
    def channel_active(self) -> bool:
        return self.sut.channel_active

    def token_requests(self) -> int:
        return self.sut.token_requests()

    def run_cycle(self) -> ChannelSummary:
        system = self.sut
        self.cycle_started_at = len(self.evidence.exchanges)
        self.cycle_clock = self.now()
        summary = system.next_cycle()
        self.cycle_waited = self.now() - self.cycle_clock
        self.summaries.append(summary)
        return summary

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
        self._configured = False

    def restart(self, path: str) -> None:
        """Stop the provisioner and start a new one on the same SQLite state file."""
        self.store.close()
        self.store = SyncStore(path)
        assert isinstance(self.system, ReferenceSystem)
        self.system.store = self.store
        self._configured = False

    # -- Zoom-side views ------------------------------------------------------------------

    def zoom_user(self, name: str) -> dict[str, Any] | None:
        """What Zoom holds for a user: found by username, then read whole (list results are thinner)."""
        listed = self.zoom.find_user(self.email(name))
        return None if listed is None else self.zoom.get_user(listed["id"])

    def seed_zoom_user(self, name: str, /, **attributes: Any) -> dict[str, Any]:
        """A user created in Zoom directly, as if someone had made it before the connector."""
        body = {"schemas": [CORE_USER], "userName": self.email(name), **attributes}
        user, _ = self.zoom.create_user(body)
        self.seeded[name] = user["id"]
        return user

    def seed_zoom_user_with(self, name: str, fields: dict[str, str]) -> dict[str, Any]:
        """A user created in Zoom directly, holding the supported fields given by their labels."""
        body = scim_body(dict(fields))
        body.pop("schemas")
        return self.seed_zoom_user(name, **body)

    def zoom_user_id(self, name: str) -> str:
        listed = self.zoom.find_user(self.email(name))
        assert listed is not None, f"{name} is not in Zoom"
        return str(listed["id"])

    def scim_set_active(self, name: str, active: bool) -> Answer:
        """PATCH ``active`` as the connector does, keeping Zoom's answer whatever it is."""
        patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": active}}]}
        return self.scim("PATCH", f"/scim2/Users/{self.zoom_user_id(name)}", json=patch)

    def scim_set_roles(self, name: str, roles: list[dict[str, Any]]) -> Answer:
        body = {"schemas": [CORE_USER], "roles": roles}
        return self.scim("PUT", f"/scim2/Users/{self.zoom_user_id(name)}", json=body)

    def scim_user(self, name: str) -> Answer:
        return self.scim("GET", f"/scim2/Users/{self.zoom_user_id(name)}")

    def rest_user(self, name: str) -> Answer:
        return self.scim("GET", f"/v2/users/{self.zoom_user_id(name)}")

    def rest_update_with_own_id(self, name: str, **fields: str) -> Answer:
        """A REST update as third-party clients send it: the user's own id in the body."""
        user_id = self.zoom_user_id(name)
        return self.scim("PATCH", f"/v2/users/{user_id}", json={"id": user_id, **fields})

    def give_role(self, name: str, role: str) -> None:
        """Make a user an Admin or Owner: in the emulator's state; in front of a real Zoom, the
        proxy answers every write to the user as Zoom answers one to an Admin or Owner."""
        user = self.zoom_user(name)
        assert user is not None, f"{name} is not in Zoom"
        if self.control is not None:
            self.require_emulator().set_user(self.target.account_id, user["id"], role=role)
            return
        for method in ("PATCH", "PUT", "DELETE"):
            self.answer_as(scim.protected_role_refusal(role), route="scim.users.*", method=method,
                           path=f"/scim2/Users/{user['id']}")  # fmt: skip

    def answer_as(self, refusal: EmulatorError, **where: Any) -> None:
        """Zoom answers every matching call with a refusal of its own wording (an injected fault)."""
        self.inject(status=refusal.status, body=refusal.body(), headers=refusal.headers(), times=None, **where)

    def leave_out_scopes(self, scopes: list[str]) -> None:
        """Token answers leave the scopes out, by their classic names and granular equivalents."""
        names = [name for scope in scopes for name in (scope, *GRANULAR_EQUIVALENTS.get(scope, ()))]
        self.inject(route="oauth.token", remove_scopes=names, times=None)

    def sent_for(self, name: str, method: str = "POST") -> list[dict[str, Any]]:
        """The JSON bodies of the SCIM user requests sent for a user (creations by default)."""
        import json

        email = self.email(name)
        bodies = []
        for exchange in self.zoom_exchanges():
            if exchange.method != method or "/scim2/Users" not in exchange.url or not exchange.request_body:
                continue
            body = json.loads(exchange.request_body)
            if method == "POST" and body.get("userName") != email:
                continue
            bodies.append(body)
        return bodies

    def zoom_exchanges(self, since: int = 0) -> list[Any]:
        """Exchanges with Zoom itself, not with the emulator's control surface."""
        return [e for e in self.evidence.exchanges[since:] if "/_emulator/" not in e.url]

    def writes_in_last_cycle(self) -> list[Any]:
        recent = self.zoom_exchanges(self.cycle_started_at)
        return [e for e in recent if e.method in ("POST", "PUT", "PATCH", "DELETE") and "/oauth/" not in e.url]

    def scim(self, method: str, path: str, **kwargs: Any) -> Answer:
        self.last_answer = Answer.of(self.zoom.send(method, path, **kwargs))
        return self.last_answer

    def scim_pages(self, count: int, *, attempts: int = 5) -> list[dict[str, Any]]:
        """Every page of SCIM users, ``count`` at a time from index 1. On a real account other
        processes may add or remove users meanwhile, shifting the pages: a listing whose pages
        disagree on the total is taken again, so that the pages are one view of the account."""
        for _ in range(attempts):
            pages, start = [], 1
            while True:
                page = self.scim("GET", "/scim2/Users", params={"startIndex": start, "count": count}).body
                assert page["startIndex"] == start, page
                pages.append(page)
                start += count
                if start > page["totalResults"] or not page["Resources"]:
                    break
            if len({page["totalResults"] for page in pages}) == 1:
                break
        return pages

    def raw(self, method: str, path: str, *, token: str | None, **kwargs: Any) -> Answer:
        """An API call with a chosen bearer token (or none), bypassing the client's auth."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = self.zoom.http.request(
            method, f"{self.target.api_base_url}{path}", headers=headers, auth=None, **kwargs
        )  # fmt: skip
        self.last_answer = Answer.of(response)
        return self.last_answer

    def token_value(self, target: Target | None = None) -> str:
        client = self.client_for(target) if target else self.zoom
        client.fetch_token()
        assert client.auth.token is not None
        return client.auth.token.value

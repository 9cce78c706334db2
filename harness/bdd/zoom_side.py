"""The Zoom a scenario meets: the in-process emulator, the served one, or a real account (behind the
harness's proxy, in-process or served). It hides which, makes the clients that reach it, and puts
faults between the system under test and it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import httpx

from harness.bdd.session import Names, SessionTarget, TargetKind
from harness.certify.evidence import Evidence
from harness.errors import HarnessError
from harness.targets.emulator_control import EmulatorControl
from harness.targets.guard import GuardedTransport
from harness.zoom.client import ZoomClient
from harness.zoom.retry import RetryPolicy
from harness.zoom.target import Target
from mocks import ZoomEmulator
from mocks.core.client_tls import shared_tls
from mocks.core.clock import Clock
from mocks.core.errors import EmulatorError
from mocks.core.urls import TOKEN_PATH
from mocks.proxy.zoom_proxy import ZoomProxy
from mocks.state.scopes import GRANULAR_EQUIVALENTS

#: Where waits are real (the served emulator, a served proxy), scenario seconds are scaled down to stay short.
HTTP_TIME_SCALE = 0.01
#: PingFederate takes a channel timeout in whole seconds: there a scenario's minute is one second, so that
#: a latency keeps its proportion to the timeout (at 0.01 a 60 s timeout would round up to 1 s while a
#: 90 s latency stayed 0.9 s, shorter than the timeout it is meant to exceed).
PINGFEDERATE_TIME_SCALE = 1 / 60


class NeedsEmulator(HarnessError):
    """A step that needs the emulator's control surface ran against a real Zoom account."""


class _Shared(httpx.BaseTransport):
    """The session's connection pool, lent to one scenario: closing the scenario leaves it open."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)


def _proxy_in_front_of(session: SessionTarget) -> ZoomProxy:
    """A scenario's own proxy (its own faults and journal), forwarding through the session's pool."""
    assert session.real_account is not None and session.upstream is not None
    return ZoomProxy(
        upstream_token_url=session.real_account.token_url.removesuffix(TOKEN_PATH),
        upstream_api_url=session.real_account.api_base_url,
        transport=_Shared(session.upstream),
        pacer=session.pacer,
        on_exchange=session.recorder.record if session.recorder is not None else None,
    )


class ZoomSide:
    def __init__(self, session: SessionTarget, names: Names, evidence: Evidence) -> None:
        self.session = session
        self.names = names
        self.evidence = evidence
        self.emulator: ZoomEmulator | None = None
        self.control: EmulatorControl | None = None
        #: In front of a real Zoom: the proxy the scenario's clients reach it through (in-process),
        #: or the control surface of a served one; faults are injected there.
        self.proxy: ZoomProxy | None = None
        self.proxy_control: EmulatorControl | None = None
        self._control_http: httpx.Client | None = None
        self._settings: dict[str, Any] = {}
        #: Whether a fault was put between the system under test and Zoom (the report says so).
        self.faults_injected = False
        #: Real seconds the injected 429s make the client wait (their Retry-After is in whole
        #: seconds, not scaled): a scaled channel timeout is kept above them.
        self.real_waits = 0.0
        self._clients: list[ZoomClient] = []
        self._client: ZoomClient | None = None
        kind = session.kind
        if kind is TargetKind.EMULATOR:
            self.emulator = ZoomEmulator()
            self.emulator.clock.freeze()
            self._control_http = httpx.Client(
                transport=self.emulator.transport(), event_hooks={"response": [evidence.record]}
            )
            self.control = EmulatorControl(self._control_http, self.emulator.api_base_url)
        elif kind is TargetKind.EMULATOR_HTTP:
            assert session.served_url
            self._control_http = httpx.Client(
                timeout=30, verify=shared_tls(), event_hooks={"response": [evidence.record]}
            )
            self.control = EmulatorControl(self._control_http, session.served_url, session.control_token)
            self.control.clear_faults()
            self._settings = self.control.settings()
        elif session.proxy_url is not None:
            self._control_http = httpx.Client(
                timeout=30, verify=shared_tls(), event_hooks={"response": [evidence.record]}
            )
            self.proxy_control = EmulatorControl(self._control_http, session.proxy_url, session.control_token)
            self.proxy_control.clear_faults()
        elif session.proxied:
            self.proxy = _proxy_in_front_of(session)
        self.target: Target
        if self.control is not None:
            self.target = self.control.ready_account(domain=names.domain)
            evidence.exchanges.clear()  # the scenario's own exchanges start here
        else:
            assert session.real_account is not None
            self.target = session.real_account

    def close(self) -> None:
        if self.session.ledger is not None:
            self._remove_created_users()
        for client in self._clients:
            client.close()
        if self.session.kind is TargetKind.EMULATOR_HTTP and self.control is not None:
            self.control.clear_faults()
            self.control.settings(**self._settings)
            self.control.freeze_clock(False)
        if self.proxy_control is not None:
            self.proxy_control.clear_faults()
        if self._control_http is not None:
            self._control_http.close()

    def _remove_created_users(self) -> None:
        """On a real account, delete this scenario's users now; the session sweeps what remains."""
        assert self.session.ledger is not None
        mine = self.names.uid("")
        for user_id, user_name in self.session.ledger.users().items():
            if user_name.startswith(mine):
                with contextlib.suppress(Exception):  # the session's cleanup tries again
                    self.client.delete_user(user_id)

    # -- time -----------------------------------------------------------------------------

    @property
    def in_process(self) -> bool:
        """The in-process emulator answers: its clock moves only by what the scenario does."""
        return self.emulator is not None

    @property
    def scaled(self) -> bool:
        """Injected waits are real (a served emulator or proxy): scenario seconds are scaled down."""
        return self.session.kind is TargetKind.EMULATOR_HTTP or self.proxy_control is not None

    @property
    def time_scale(self) -> float:
        """Real seconds per scenario second on this target."""
        if not self.scaled:
            return 1.0
        return PINGFEDERATE_TIME_SCALE if self.session.pingfederate is not None else HTTP_TIME_SCALE

    def seconds(self, value: float) -> float:
        """A duration from a scenario, as this target lives it (scaled where waits are real)."""
        return value * self.time_scale

    def now(self) -> float:
        """The client side's clock: the in-process emulator's or proxy's, the wall clock otherwise."""
        clock = self._clock
        return clock.now() if clock is not None else time.time()

    @property
    def _clock(self) -> Clock | None:
        """The clock in-process clients share with what answers them (an injected latency or
        Retry-After costs no real time); None where waits are real."""
        if self.emulator is not None:
            return self.emulator.clock
        return self.proxy.clock if self.proxy is not None else None

    # -- the control surface and faults ---------------------------------------------------

    def require_emulator(self) -> EmulatorControl:
        if self.control is None:
            raise NeedsEmulator("this step needs the emulator's control surface")
        return self.control

    def inject(self, *, waited: bool = True, **fault: Any) -> None:
        """Put a fault between the system under test and Zoom: in the emulator, or in the proxy
        in front of a real Zoom (the fault changes the answer; Zoom's state stays real). A
        Retry-After the system must not wait for (``waited=False``: one past the channel timeout)
        does not lengthen the timeout the channel gets for the real waits it must make."""
        self._fault_surface("injecting a fault").inject(**fault)
        self.faults_injected = True
        if self.scaled and fault.get("retry_after") and waited:
            # A date is whole seconds, rounded up: up to a second more than asked, per hit.
            self.real_waits += (fault["retry_after"] + 1) * (fault.get("times") or 1)

    def clear_faults(self) -> None:
        """Zoom answers as itself again: every injected fault is taken away."""
        self._fault_surface("clearing faults").clear_faults()

    def _fault_surface(self, doing: str) -> EmulatorControl | ZoomProxy:
        """Where faults go: the emulator, or the proxy in front of a real Zoom (in-process or served)."""
        surface = self.control or self.proxy or self.proxy_control
        if surface is None:
            raise NeedsEmulator(f"{doing} needs the emulator or the harness's proxy in front of Zoom")
        return surface

    def answer_as(self, refusal: EmulatorError, **where: Any) -> None:
        """Zoom answers every matching call with a refusal of its own wording (an injected fault)."""
        self.inject(status=refusal.status, body=refusal.body(), headers=refusal.headers(), times=None, **where)

    def leave_out_scopes(self, scopes: list[str]) -> None:
        """Token answers leave the scopes out, by their classic names and granular equivalents."""
        names = [name for scope in scopes for name in (scope, *GRANULAR_EQUIVALENTS.get(scope, ()))]
        self.inject(route="oauth.token", remove_scopes=names, times=None)

    def journal_reader(self) -> Callable[[], Any] | None:
        """What reads the served emulator's or proxy's journal (PingFederate's calls), where there is one."""
        surface = self.control or self.proxy_control
        return surface.journal_after if surface is not None else None

    # -- clients --------------------------------------------------------------------------

    def client_for(
        self,
        target: Target,
        *,
        timeout: float = 30.0,
        wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
    ) -> ZoomClient:
        """A client of ``target`` through whatever answers for Zoom here; ``wrap`` puts a transport
        of the caller's around it (the channel counts its calls in flight)."""
        transport: httpx.BaseTransport
        clock, sleep = time.time, time.sleep
        answering = self.emulator if self.emulator is not None else self.proxy
        if answering is not None:
            transport = answering.transport()
            clock, sleep = answering.clock.now, answering.clock.sleep
        else:
            transport = httpx.HTTPTransport(verify=shared_tls())
        if self.session.ledger is not None:
            transport = GuardedTransport(transport, self.session.ledger)
        if wrap is not None:
            transport = wrap(transport)
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
    def client(self) -> ZoomClient:
        """A client of the provisioning app, for assertions on what Zoom holds."""
        if self._client is None:
            self._client = self.client_for(self.target)
        return self._client

"""The harness between a system under test and a real Zoom: a recording, fault-injecting proxy.

``ZoomProxy`` answers Zoom's token host and API host by forwarding every call to the real ones
(or to any URLs given, such as a served emulator), passing requests and answers through unchanged:
method, path, query, headers (but hop-by-hop ones), body and status, an encoded body still encoded.
On the way it adds what the emulator has: the journal (secrets redacted when read), an exchange
hook for recordings, pacing under Zoom's rate limits, and the emulator's faults applied between the
system under test and Zoom: a fault changes what the client sees, while Zoom's state stays real
(an ``applied`` fault forwards the call before the answer is lost).

Faults that need Zoom's state read as follows here: ``invalidate_tokens`` makes the proxy treat
every access token it has seen as revoked (answered 401 code 124 without reaching Zoom, as Zoom
answers a revoked token), ``remove_scopes`` takes scopes out of a token answer, ``advance_clock``
moves the proxy's clock (which in-process clients share).

It mounts like the emulator (:mod:`mocks.core.mounting`): an httpx transport or respx in-process, or
served on loopback (``mocks.serving.server.ServedEmulator(ZoomProxy(...))``, ``zoom-harness serve
--upstream``), and serves the fault and journal parts of the control surface under ``/_emulator``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx

from mocks.api import control, dashboard, oauth, rest, scim
from mocks.api.faults import Fault, Faults
from mocks.api.routing import Call, Reply, Router, Routes, render
from mocks.core.client_tls import shared_tls
from mocks.core.clock import Clock
from mocks.core.control_guard import ControlGuard
from mocks.core.errors import EmulatorError, ZoomAPIError, invalid_token
from mocks.core.journal import Journal
from mocks.core.mounting import Mounted, Outcome
from mocks.core.urls import ZOOM_API_BASE, ZOOM_TOKEN_BASE
from mocks.core.wire import Answer, WireRequest, request_to_httpx, to_httpx
from mocks.proxy.pacing import Pacer

#: Headers of one connection, not of the exchange (RFC 9110 §7.6.1): never forwarded.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
     "upgrade", "host", "content-length"}
)  # fmt: skip
#: A call the emulator's routes do not name is still forwarded, under this name.
UNNAMED = "upstream"
#: Timeouts towards Zoom when the client gave none (in-process clients pass theirs on).
UPSTREAM_TIMEOUT = {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 10.0}

proxy_routes = Routes("control")
# The control surface a proxy has: faults, the journal and the dashboard (Zoom's state is Zoom's).
proxy_routes.table += [r for r in control.routes.table if r.name.startswith(("control.faults.", "control.journal."))]
proxy_routes.table += [r for r in dashboard.routes.table if r.name == "control.dashboard"]


@proxy_routes.route("GET", f"{control.PREFIX}/proxy", "control.proxy")
def describe(call: Call) -> Reply:
    proxy: ZoomProxy = call.emulator
    return Reply(200, proxy.describe())


@proxy_routes.route("GET", f"{control.PREFIX}/overview", "control.overview")
def overview(call: Call) -> Reply:
    """What the dashboard shows of a proxy but the journal: where it forwards, what it paced and
    injected, the faults in force (Zoom's accounts, users and clock are Zoom's own)."""
    proxy: ZoomProxy = call.emulator
    return Reply(200, {
        **dashboard.shared_view("proxy", proxy.clock, proxy.faults, proxy.journal),
        **proxy.describe(),
        "pacing": proxy.pacer.snapshot() if proxy.pacer is not None else None,
    })  # fmt: skip


class ZoomProxy(Mounted):
    """Zoom's two hosts, answered by the real ones through the harness."""

    blocking = True
    forwards = True

    def __init__(
        self,
        *,
        upstream_token_url: str = ZOOM_TOKEN_BASE,
        upstream_api_url: str = ZOOM_API_BASE,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        pacer: Pacer | None = None,
        journal_size: int = 10_000,
        max_body_bytes: int = 1_000_000,
        on_exchange: Callable[[httpx.Response], None] | None = None,
        control_token: str | None = None,
    ) -> None:
        self.upstream_token_url = upstream_token_url.rstrip("/")
        self.upstream_api_url = upstream_api_url.rstrip("/")
        self._transport = transport or httpx.HTTPTransport(verify=shared_tls())
        self.clock = clock or Clock()
        self.pacer = pacer
        self.faults = Faults()
        #: Who may use the control routes (faults, the journal): the token's holder once one is set.
        self.control_guard = ControlGuard(control_token)
        self.journal = Journal(journal_size)
        self.on_exchange = on_exchange
        self._max_body = max_body_bytes
        self._lock = threading.Lock()
        self._seen_tokens: set[str] = set()
        self._revoked: set[str] = set()
        #: Calls forwarded to Zoom, and calls answered by a fault without reaching it.
        self.forwarded = 0
        self.injected = 0
        self._names = {"token": Router(oauth.routes), "api": Router(scim.routes, rest.routes)}
        self._control = Router(proxy_routes)
        # In-process, the proxy answers under Zoom's own names; served, at its own address.
        self.set_base_urls(self.upstream_token_url, self.upstream_api_url)

    @property
    def max_body_bytes(self) -> int:
        return self._max_body

    def inject(self, **fault: Any) -> Fault:
        """Add a fault rule (see :class:`mocks.api.faults.Fault`)."""
        return self.faults.add(**fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    def describe(self) -> dict[str, Any]:
        return {
            "upstream": {"token_url": f"{self.upstream_token_url}/oauth/token", "api_base_url": self.upstream_api_url},
            "forwarded": self.forwarded,
            "injected": self.injected,
            "paced": self.pacer is not None,
        }

    def close(self) -> None:
        self._transport.close()

    # -- the handler ----------------------------------------------------------------------

    def dispatch(self, request: WireRequest) -> Outcome:
        host = self._locate(request)
        path = request.path
        if host is None:
            where = request.base.partition("://")[2]
            reply = Reply(404, {"code": 404, "message": f"zoom-harness proxy: {where} is not proxied here"})
            return Outcome(render(reply))
        if path.startswith(control.PREFIX + "/"):
            return Outcome(self._control_answer(request, path))
        route, label = self._name(host, request.method, path)
        token = _bearer(request)
        if token:
            self._seen(token)
        fault = self.faults.take(route, request.method, path)
        if fault is not None:
            if fault.advance_clock:
                self.clock.advance(fault.advance_clock)
            if fault.invalidate_tokens:
                with self._lock:
                    self._revoked |= self._seen_tokens
        if token and token in self._revoked:
            response = render(_reply(invalid_token()))
            self.journal.record(self.clock.now(), request, response, route, "proxy: a token revoked by a fault")
            self.injected += 1
            return Outcome(response)
        try:
            if fault is None:
                return Outcome(self._exchange(request, host, route, label))
            return self._faulted(request, host, route, label, fault)
        except Exception as error:  # the upstream failed: the client sees it as its own transport would
            self.journal.record(
                self.clock.now(), request, None, route, f"proxy: upstream failed: {type(error).__name__}"
            )
            return Outcome(None, error=error, route=route)

    def _faulted(self, request: WireRequest, host: str, route: str, label: str | None, fault: Fault) -> Outcome:
        if fault.drop:
            if fault.applied:
                self._landed(request, host, label)
            self.journal.record(self.clock.now(), request, None, route, "fault: dropped")
            self.injected += 1
            return Outcome(None, delay=fault.latency, drop=True)
        if fault.status is not None:
            if fault.applied:
                self._landed(request, host, label)  # the call lands at Zoom, then the answer is lost
            reply = Reply(fault.status, fault.response_body(), fault.response_headers(self.clock.now()))
            response = render(reply)
            self.journal.record(self.clock.now(), request, response, route, f"fault: status {fault.status}")
            self.injected += 1
            return Outcome(response, delay=fault.latency)
        note = fault.note()
        if not fault.latency:
            return Outcome(self._exchange(request, host, route, label, fault, note))

        def later() -> Answer:
            return self._exchange(request, host, route, label, fault, note)

        return Outcome(None, delay=fault.latency, later=later, applied_first=fault.applied, route=route)

    def _exchange(
        self,
        request: WireRequest,
        host: str,
        route: str,
        label: str | None,
        fault: Fault | None = None,
        note: str = "",
    ) -> Answer:
        """Forward one call and answer with Zoom's answer (a fault may rewrite a token answer)."""
        response = self._landed(request, host, label)
        if host == "token" and response.status == 200:
            self._seen_token_answer(response)
        if fault is not None:
            response = fault.rewrite(response)
        self.journal.record(self.clock.now(), request, response, route, note)
        return response

    def _landed(self, request: WireRequest, host: str, label: str | None) -> Answer:
        """Forward one call and tell ``on_exchange`` what Zoom answered, before a fault rewrites or
        loses it: a recording holds every call that reached Zoom, so that a replay sees the deletion
        whose answer was lost before the retry Zoom answered 404."""
        response = self._forward(request, host, label)
        if self.on_exchange is not None:
            self.on_exchange(to_httpx(response, request_to_httpx(request)))
        return response

    def _forward(self, request: WireRequest, host: str, label: str | None) -> Answer:
        base = self.upstream_token_url if host == "token" else self.upstream_api_url
        # The path as the client encoded it, below the proxy's own base, and the query.
        query = request.query.decode("latin-1")
        url = f"{base}{request.raw_path}{'?' + query if query else ''}"
        headers = [(k, v) for k, v in request.headers.raw if k.decode("latin-1").lower() not in HOP_BY_HOP]
        timeout = dict.fromkeys(UPSTREAM_TIMEOUT, request.read_timeout) if request.read_timeout else UPSTREAM_TIMEOUT
        upstream = httpx.Request(
            request.method, url, headers=headers, content=request.content, extensions={"timeout": timeout}
        )
        if self.pacer is not None:
            self.pacer.before(label)
        answer = self._transport.handle_request(upstream)
        try:
            raw = raw_content(answer)
        finally:
            answer.close()
        kept = [(k, v) for k, v in answer.headers.raw if k.decode("latin-1").lower() not in HOP_BY_HOP]
        kept.append((b"content-length", str(len(raw)).encode()))
        response = Answer(answer.status_code, kept, raw)
        self.forwarded += 1
        if self.pacer is not None:
            self.pacer.after(label, response)
        return response

    # -- helpers --------------------------------------------------------------------------

    def _locate(self, request: WireRequest) -> str | None:
        """Which of Zoom's hosts the call is for (served on one address, the path tells them apart)."""
        if request.base == self.token_base_url != self.api_base_url:
            return "token"
        if request.base == self.api_base_url:
            return "token" if self.token_base_url == self.api_base_url and request.path.startswith("/oauth/") else "api"
        return None

    def _name(self, host: str, method: str, path: str) -> tuple[str, str | None]:
        route, _, _ = self._names[host].match(method, path)
        return (route.name, route.label) if route is not None else (UNNAMED, None)

    def _control_answer(self, request: WireRequest, path: str) -> Answer:
        refusal = self.control_guard.check(request)
        if refusal is not None:
            return refusal
        route, params, allowed = self._control.match(request.method, path)
        if route is None:
            status = 405 if allowed else 404
            return render(Reply(status, {"code": status, "message": "not a control route of the proxy"}))
        call = Call(request, None, params, "control", self.api_base_url, emulator=self)  # type: ignore[arg-type]
        try:
            reply = route.handler(call)
        except EmulatorError as error:
            reply = _reply(error)
        return render(reply)

    def _seen(self, token: str) -> None:
        with self._lock:
            self._seen_tokens.add(token)

    def _seen_token_answer(self, response: Answer) -> None:
        try:
            token = json.loads(response.decoded()).get("access_token")
        except (ValueError, AttributeError):
            return
        if isinstance(token, str) and token:
            self._seen(token)


def raw_content(response: httpx.Response) -> bytes:
    """The body as it came on the wire, still encoded: from a response built from bytes (an
    in-process answer, or one a wrapping transport kept), or read from the network stream."""
    if isinstance(response.stream, httpx.ByteStream):
        return b"".join(response.stream)
    return b"".join(response.iter_raw())


def _bearer(request: WireRequest) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _reply(error: EmulatorError | ZoomAPIError) -> Reply:
    return Reply(error.status, error.body(), error.headers())

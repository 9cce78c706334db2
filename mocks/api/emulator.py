"""The Zoom emulator: one request handler over the state.

``ZoomEmulator.dispatch`` turns a :class:`~mocks.core.wire.WireRequest` into an :class:`Outcome`; the mountings
(:mod:`mocks.core.mounting`) only interpret the outcome, so every mounting runs the same code path.
"""

from __future__ import annotations

import copy
import random
from dataclasses import asdict, dataclass, field
from typing import Any

from mocks.api import control, dashboard, oauth, rest, scim
from mocks.api.faults import Fault, Faults
from mocks.api.routing import Call, Reply, Route, Router, render
from mocks.core.clock import Clock
from mocks.core.control_guard import CONTROL_PREFIX, ControlGuard
from mocks.core.errors import EmulatorError, OAuthError, ScimError, ZoomAPIError, invalid_token
from mocks.core.journal import Journal
from mocks.core.mounting import Mounted, Outcome
from mocks.core.urls import TOKEN_PATH, ZOOM_API_BASE, ZOOM_TOKEN_BASE
from mocks.core.wire import Answer, WireRequest
from mocks.state.models import AlreadyExists, App, Invalid, NotFound, ProtectedRole, StateError, Token
from mocks.state.ratelimit import RateLimiter
from mocks.state.scopes import PROVISIONING_SCOPES, ScopeFamily, granular_provisioning_scopes
from mocks.state.settings import EmulatorSettings
from mocks.state.zoom_state import ZoomState

_TRACKING = b"v=2.0;clid=us02;rid=WEB_"


@dataclass(frozen=True)
class Credentials:
    """What the Marketplace's App credentials tab shows, plus where to use it."""

    account_id: str
    client_id: str
    client_secret: str = field(repr=False)
    token_url: str = f"{ZOOM_TOKEN_BASE}{TOKEN_PATH}"
    api_base_url: str = ZOOM_API_BASE

    def to_dict(self) -> dict[str, str]:
        return {
            "account_id": self.account_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token_url": self.token_url,
            "api_base_url": self.api_base_url,
        }


class ZoomEmulator(Mounted):
    """Zoom's token host and API host in one object: state, control, and the request handler."""

    def __init__(
        self,
        *,
        token_base_url: str = ZOOM_TOKEN_BASE,
        api_base_url: str = ZOOM_API_BASE,
        settings: EmulatorSettings | None = None,
        clock: Clock | None = None,
        control_routes: bool = True,
        control_token: str | None = None,
    ) -> None:
        self.state = ZoomState(clock, settings)
        self._initial_settings = asdict(self.state.settings)
        self.faults = Faults()
        self.journal = Journal(self.state.settings.journal_size)
        self.rate_limiter = RateLimiter()
        self._control = control_routes
        #: Who may use the control routes: anyone in-process, the token's holder once one is set
        #: (a served emulator always has one).
        self.control_guard = ControlGuard(control_token)
        #: The last unexpected exception a handler raised (answered as a 500), for debugging.
        self.last_error: str | None = None
        self.set_base_urls(token_base_url, api_base_url)

    # -- configuration --------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self.state.clock

    @property
    def settings(self) -> EmulatorSettings:
        return self.state.settings

    @property
    def max_body_bytes(self) -> int:
        return self.settings.max_body_bytes

    def set_base_urls(self, token_base_url: str, api_base_url: str) -> None:
        super().set_base_urls(token_base_url, api_base_url)
        extra = (control.routes, dashboard.routes) if self._control else ()
        self._token_router = Router(oauth.routes, *extra)
        self._api_router = Router(scim.routes, rest.routes, *extra)
        # The API host first: it carries the load. Both hosts know the control routes only, so when
        # they share a base URL (served), the order changes no answer.
        self._routers = ((self.api_base_url, self._api_router), (self.token_base_url, self._token_router))

    def reset(self) -> None:
        """Forget every account, app, token, user, fault and journal entry; restore the settings."""
        for name, value in self._initial_settings.items():
            setattr(self.state.settings, name, copy.deepcopy(value))
        self.state.reset()
        self.faults.clear()
        self.journal.clear()
        self.rate_limiter.reset()

    # -- scripting helpers ----------------------------------------------------------------

    def ready_account(
        self,
        *,
        plan: str = "Business",
        sso_enabled: bool = True,
        domain: str = "example.com",
        scopes: tuple[str, ...] | list[str] | None = None,
        scope_family: ScopeFamily | None = None,
        account_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        app_name: str = "PingFederate Zoom Provisioner",
    ) -> Credentials:
        """An account ready for provisioning and an activated app holding the seven scopes (a
        granular app holds their granular equivalents)."""
        if scopes is None:
            scopes = granular_provisioning_scopes() if scope_family == "granular" else PROVISIONING_SCOPES
        family = {"scope_family": scope_family} if scope_family else {}
        account = self.state.create_account(
            account_id=account_id,
            plan=plan,
            sso_enabled=sso_enabled,
            managed_domains=[domain],
            owner_email=f"owner@{domain}",
        )
        app = self.state.create_app(
            account.id,
            app_name,
            client_id=client_id,
            client_secret=client_secret,
            description="Provisions users from PingFederate through SCIM2.",
            company_name="Example Corp",
            contact_name="Provisioning Admin",
            contact_email=f"admin@{domain}",
            scopes=list(scopes),
            **family,
        )
        if scopes:
            self.state.activate_app(app.id)
        return self.credentials(app)

    def credentials(self, app: App) -> Credentials:
        return Credentials(app.account_id, app.client_id, app.client_secret, self.token_url, self.api_base_url)

    def inject(self, **fault: Any) -> Fault:
        """Add a fault rule (see :class:`mocks.api.faults.Fault`)."""
        return self.faults.add(**fault)

    # -- the handler ----------------------------------------------------------------------

    def dispatch(self, request: WireRequest) -> Outcome:
        """Answer one request, or say how a fault changes the answer."""
        route, params, allowed = self._match(request)
        if route is None:
            if self._control and request.raw_path.startswith(CONTROL_PREFIX):
                # The login form, or a refusal that says no more about the control paths than a 404.
                answer = self.control_guard.check(request)
                if answer is not None:
                    return Outcome(answer)
            response = self._render(_no_route(request, allowed))
            self.journal.record(self.clock.now(), request, response, "unrouted")
            return Outcome(response)
        if route.family == "control":
            return Outcome(self.control_guard.check(request) or self._respond(request, route, params))
        fault = self.faults.take(route.name, request.method, request.path)
        if fault is None:
            response = self._respond(request, route, params)
            self.journal.record(self.clock.now(), request, response, route.name)
            return Outcome(response)
        return self._faulted(request, route, params, fault)

    def _faulted(self, request: WireRequest, route: Route, params: dict[str, str], fault: Fault) -> Outcome:
        if fault.advance_clock:
            self.clock.advance(fault.advance_clock)
        now = self.clock.now()
        if fault.invalidate_tokens:
            self.state.revoke_all_tokens()
        if fault.drop:
            response = self._respond(request, route, params) if fault.applied else None
            self.journal.record(now, request, response, route.name, "fault: dropped")
            return Outcome(None, delay=fault.latency, drop=True)
        if fault.status is not None:
            if fault.applied:
                self._respond(request, route, params)  # the write lands, then the answer is lost
            reply = Reply(fault.status, fault.response_body(), fault.response_headers(now))
            response = self._render(reply)
            self.journal.record(now, request, response, route.name, f"fault: status {fault.status}")
            return Outcome(response, delay=fault.latency)
        note = fault.note()
        if not fault.latency:
            response = fault.rewrite(self._respond(request, route, params))
            self.journal.record(now, request, response, route.name, note)
            return Outcome(response)

        def later() -> Answer:
            response = fault.rewrite(self._respond(request, route, params))
            self.journal.record(self.clock.now(), request, response, route.name, note)
            return response

        return Outcome(None, delay=fault.latency, later=later, applied_first=fault.applied, route=route.name)

    def _match(self, request: WireRequest) -> tuple[Route | None, dict[str, str], list[str]]:
        allowed: list[str] = []
        path = request.path
        for base, router in self._routers:
            if request.base != base:
                continue
            route, params, methods = router.match(request.method, path)
            if route is not None:
                return route, params, []
            allowed += methods
        return None, {}, allowed

    def _respond(self, request: WireRequest, route: Route, params: dict[str, str]) -> Answer:
        call = Call(request, self.state, params, route.family, self.api_base_url, emulator=self)
        headers: dict[str, str] = {}
        settings = self.state.settings
        try:
            if len(request.content) > settings.max_body_bytes:
                raise _too_large(route)
            if route.scopes:
                call.token = self._authorize(request, route)
                account = call.account
                if route.label and settings.rate_limits:
                    headers = self.rate_limiter.take(account.id, account.plan, route.label, self.clock.now())
                if route.family == "scim" and settings.enforce_scim_prerequisites:
                    refusal = scim.prerequisite_refusal(account.sso_enabled, account.plan)
                    if refusal is not None:
                        raise refusal
            with self.state.lock:
                reply = route.handler(call)
        except EmulatorError as error:
            reply = Reply(error.status, error.body(), {**headers, **error.headers()})
        except StateError as error:
            translated = _translate(route, error)
            reply = Reply(translated.status, translated.body(), headers)
        except Exception as error:
            # Zoom's shape and no traceback on the wire; the journal keeps the exception's name.
            self.last_error = f"{route.name}: {type(error).__name__}: {error}"
            reply = Reply(500, {"code": 500, "message": "Internal server error."}, headers)
        else:
            if headers:
                reply.headers = {**headers, **reply.headers}
        return self._render(reply)

    def _authorize(self, request: WireRequest, route: Route) -> Token:
        if b"access_token" in request.query and "access_token" in request.params:
            raise invalid_token("Invalid access token, this access token is not supported as query parameter string.")
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        token = self.state.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.revoked:
            raise invalid_token()
        if token.expires_at <= self.clock.now():
            raise invalid_token("Access token is expired.")
        if token.scopes.isdisjoint(route.scopes):
            wanted = ", ".join(route.granular or sorted(route.scopes))
            raise ZoomAPIError(400, 4711, f"Invalid access token, does not contain scopes:[{wanted}].")
        return token

    def _render(self, reply: Reply) -> Answer:
        # Zoom's tracking id is a fresh 128-bit hex per answer; it needs no cryptographic randomness.
        return render(reply, (b"x-zm-trackingid", b"%s%032x" % (_TRACKING, random.getrandbits(128))))


def _no_route(request: WireRequest, allowed: list[str]) -> Reply:
    if allowed:
        # [I] Zoom's gateway answer to a wrong method is not captured.
        return Reply(405, {"code": 405, "message": "Method Not Allowed"}, {"Allow": ", ".join(sorted(set(allowed)))})
    if "/scim2/" in request.path:
        return Reply(404, ScimError(404, "Resource not found.").body())
    return Reply(404, {"code": 404, "message": "Not Found"})


def _too_large(route: Route) -> EmulatorError:
    if route.family == "scim":
        return ScimError(413, "The request body is too large.", "tooMany")
    if route.family == "oauth":
        return OAuthError("invalid_request", "The request body is too large.", 413)
    return ZoomAPIError(413, 300, "The request body is too large.")


def _translate(route: Route, error: StateError) -> EmulatorError:
    """A state refusal the handler left untranslated, in the route family's wire shape."""
    if route.family == "scim":
        status = {NotFound: 404, AlreadyExists: 409}.get(type(error), 400)
        return ScimError(status, str(error))
    if route.family == "rest":
        return rest.translate(error) or ZoomAPIError(400, 300, str(error))
    if route.family == "control":
        status = {NotFound: 404, AlreadyExists: 409, ProtectedRole: 409, Invalid: 400}.get(type(error), 400)
        return ZoomAPIError(status, status, str(error))
    return OAuthError("invalid_request", str(error))

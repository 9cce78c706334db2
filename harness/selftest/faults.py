"""The catalogue of deliberately faulty systems the selftest runs the features against.

Each fault breaks one documented behaviour and names the requirements it violates. A fault lives
here, outside the product's code: it patches one decision of the reference provisioner, the Zoom
client, the preflight or the mapping, or wraps one route of the emulator so that it answers as a
faulty Zoom would. Applying a fault is a ``pytest.MonkeyPatch``; undoing it restores everything.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from harness.directory.source import AccountStatus
from harness.provisioner import engine
from harness.provisioner import mapping as mapping_module
from harness.provisioner.engine import Provisioner
from harness.provisioner.records import ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.zoom import auth as auth_module
from harness.zoom import client as client_module
from harness.zoom import preflight
from harness.zoom.retry import RetryPolicy
from mocks.api import control, oauth, rest, scim
from mocks.api.routing import Call, Reply, Route
from mocks.core.errors import OAuthError
from mocks.state.models import App, User, ZoomState
from mocks.state.ratelimit import RateLimiter

Patch = Callable[[pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Fault:
    name: str
    requirements: tuple[str, ...]
    description: str
    #: Which part of the system the fault breaks: provisioner, client, mapping, preflight, emulator.
    family: str
    apply: Patch


FAULTS: dict[str, Fault] = {}
_CLASSIC = ("user:master", "user:read:admin", "user:write:admin", "account:master", "account:read:admin",
            "account:write:admin", "scim2")  # fmt: skip


def fault(name: str, requirements: str, family: str, description: str) -> Callable[[Patch], Patch]:
    def register(apply: Patch) -> Patch:
        if name in FAULTS:
            raise ValueError(f"two faults named {name}")
        FAULTS[name] = Fault(name, tuple(requirements.split()), description, family, apply)
        return apply

    return register


# -- how faults reach the emulator: one route's handler wrapped ----------------------------------

_TABLES = {"scim": scim.routes, "rest": rest.routes, "oauth": oauth.routes, "control": control.routes}


def wrap_route(
    mp: pytest.MonkeyPatch,
    name: str,
    *,
    before: Callable[[Call], None] | None = None,
    after: Callable[[Call, Reply], Reply] | None = None,
    instead: Callable[[Call], Reply] | None = None,
) -> None:
    """Replace the handler of the route called ``name`` (the table entry, so every emulator built
    while the patch holds uses it)."""
    routes = _TABLES[name.split(".", 1)[0]]
    table = list(routes.table)
    index = next(i for i, route in enumerate(table) if route.name == name)
    original: Route = table[index]

    def handler(call: Call) -> Reply:
        if instead is not None:
            return instead(call)
        if before is not None:
            before(call)
        reply = original.handler(call)
        return after(call, reply) if after is not None else reply

    table[index] = dataclasses.replace(original, handler=handler)
    mp.setattr(routes, "table", table)


def _handler(name: str) -> Callable[[Call], Reply]:
    """A route's own handler, as the emulator has it before any fault."""
    return next(route.handler for route in _TABLES[name.split(".", 1)[0]].table if route.name == name)


def _body(reply: Reply) -> Any:
    import json

    return json.loads(reply.body) if isinstance(reply.body, bytes) else reply.body


def _edit_body(edit: Callable[[Any], None]) -> Callable[[Call, Reply], Reply]:
    def after(call: Call, reply: Reply) -> Reply:
        body = _body(reply)
        if reply.status < 400 and body is not None:
            edit(body)
        return Reply(reply.status, body, reply.headers)

    return after


# == APP: the Marketplace app ====================================================================


@fault("app-no-client-secret", "APP-01 APP-02", "emulator", "building an app shows no client secret")
def _app_no_secret(mp: pytest.MonkeyPatch) -> None:
    create = ZoomState.create_app

    def without_secret(self: ZoomState, account_id: str, name: str, **info: Any) -> App:
        app = create(self, account_id, name, **info)
        app.client_secret = ""
        return app

    mp.setattr(ZoomState, "create_app", without_secret)


@fault("app-other-account", "APP-02", "emulator", "the App credentials tab shows another account's ID")
def _app_other_account(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "control.apps.create", after=_edit_body(lambda body: body.__setitem__("account_id", "another")))


@fault("activation-ignores-company", "APP-04", "emulator", "an app activates without a company name")
def _no_company(mp: pytest.MonkeyPatch) -> None:
    missing = App.missing_for_activation
    mp.setattr(App, "missing_for_activation", lambda self: [m for m in missing(self) if m != "company name"])


@fault("activation-ignores-contact", "APP-05", "emulator", "an app activates without a developer contact")
def _no_contact(mp: pytest.MonkeyPatch) -> None:
    missing = App.missing_for_activation
    mp.setattr(App, "missing_for_activation", lambda self: [m for m in missing(self) if "contact" not in m])


@fault("description-dropped", "APP-03", "emulator", "the Information tab does not keep the description")
def _description_dropped(mp: pytest.MonkeyPatch) -> None:
    update = ZoomState.update_app
    mp.setattr(ZoomState, "update_app", lambda self, app_id, **info: update(
        self, app_id, **{k: v for k, v in info.items() if k != "description"}))  # fmt: skip


@fault("features-change-scopes", "APP-06", "emulator", "adding features drops the app's scopes")
def _features_drop_scopes(mp: pytest.MonkeyPatch) -> None:
    update = ZoomState.update_app

    def dropping(self: ZoomState, app_id: str, **info: Any) -> App:
        app = update(self, app_id, **info)
        if app.features:
            app.scopes = [s for s in app.scopes if s != "scim2"]
        return app

    mp.setattr(ZoomState, "update_app", dropping)


def _drops_scope(scope: str) -> Patch:
    def apply(mp: pytest.MonkeyPatch) -> None:
        issue = ZoomState.issue_token

        def without(self: ZoomState, app: App) -> Any:
            token = issue(self, app)
            token.scopes = token.scopes - {scope}
            return token

        mp.setattr(ZoomState, "issue_token", without)

    return apply


for _number, _scope in zip(range(7, 14), _CLASSIC, strict=True):
    fault(f"token-without-{_scope.replace(':', '-')}", f"APP-{_number:02d} CONN-06", "emulator",
          f"issued tokens lack {_scope}")(_drops_scope(_scope))  # fmt: skip


@fault("activation-without-scopes", "APP-07 APP-13", "emulator", "an app without scopes is activated")
def _no_scopes_ok(mp: pytest.MonkeyPatch) -> None:
    missing = App.missing_for_activation
    mp.setattr(App, "missing_for_activation", lambda self: [m for m in missing(self) if m != "scopes"])


@fault("inactive-app-issues-tokens", "APP-14 CONN-05", "emulator", "a created or deactivated app gets tokens")
def _inactive_tokens(mp: pytest.MonkeyPatch) -> None:
    def issue(call: Call) -> Reply:
        app = call.state.app_by_client_id(oauth._basic_credentials(call)[0])
        if app is not None and app.status != "activated":
            status = app.status
            app.status = "activated"
            try:
                return issue_token(call)
            finally:
                app.status = status
        return issue_token(call)

    issue_token = _handler("oauth.token")
    wrap_route(mp, "oauth.token", instead=issue)


@fault("token-lasts-a-day", "APP-15 ZM-01", "emulator", "tokens last a day, not an hour")
def _long_tokens(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=_edit_body(lambda body: body.__setitem__("expires_in", 86400)))


@fault("token-scope-as-list", "ZM-01", "emulator", "the token's scope is a JSON list, not one string")
def _scope_list(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=_edit_body(lambda body: body.__setitem__("scope", body["scope"].split())))


@fault("token-without-api-url", "ZM-01", "emulator", "the token answer has no api_url")
def _no_api_url(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=_edit_body(lambda body: body.pop("api_url")))


@fault("token-type-mac", "ZM-01 APP-15 CHG-01", "emulator", "token_type is not bearer")
def _token_type(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=_edit_body(lambda body: body.__setitem__("token_type", "mac")))


# == ZM: Zoom's wire behaviour ==================================================================


@fault("wrong-client-401", "ZM-02 CHG-01", "emulator", "a wrong client gets 401 instead of 400")
def _wrong_client_401(mp: pytest.MonkeyPatch) -> None:
    issue_token = _handler("oauth.token")

    def handler(call: Call) -> Reply:
        try:
            return issue_token(call)
        except OAuthError as error:
            return Reply(401, error.body())

    wrap_route(mp, "oauth.token", instead=handler)


@fault("grant-not-checked", "ZM-02 CHG-01", "emulator", "any grant type gets a token")
def _any_grant(mp: pytest.MonkeyPatch) -> None:
    parameters = oauth._parameters
    mp.setattr(oauth, "_parameters", lambda call: {**parameters(call), "grant_type": "account_credentials"})


@fault("refusal-without-reason", "ZM-02", "emulator", "token refusals carry no reason")
def _no_reason(mp: pytest.MonkeyPatch) -> None:
    body = OAuthError.body
    mp.setattr(OAuthError, "body", lambda self: {k: v for k, v in body(self).items() if k != "reason"})


@fault("expired-token-accepted", "ZM-03 ENG-07", "emulator", "an expired token is still accepted")
def _expired_ok(mp: pytest.MonkeyPatch) -> None:
    from mocks.api import emulator

    authorize = emulator.ZoomEmulator._authorize

    def lenient(self: Any, request: Any, route: Any) -> Any:
        for token in self.state.tokens.values():
            token.expires_at = max(token.expires_at, self.clock.now() + 1)
        return authorize(self, request, route)

    mp.setattr(emulator.ZoomEmulator, "_authorize", lenient)


@fault("invalid-token-code-300", "ZM-03", "emulator", "an invalid token gets code 300, not 124")
def _code_300(mp: pytest.MonkeyPatch) -> None:
    from mocks.api import emulator
    from mocks.core.errors import ZoomAPIError

    mp.setattr(emulator, "invalid_token", lambda message="Invalid access token.": ZoomAPIError(401, 300, message))


@fault("scope-not-enforced", "ZM-04 CONN-06", "emulator", "a token without the endpoint's scope is accepted")
def _scope_free(mp: pytest.MonkeyPatch) -> None:
    extra = {"meeting:read:admin", *_CLASSIC}
    for routes in (scim.routes, rest.routes):
        mp.setattr(routes, "table", [dataclasses.replace(r, scopes=r.scopes | extra) if r.scopes else r
                                     for r in routes.table])  # fmt: skip


@fault("scope-error-names-nothing", "ZM-04", "emulator", "the 4711 answer names no scope")
def _4711_silent(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(scim.routes, "table", [dataclasses.replace(route, granular=("",)) for route in scim.routes.table])


@fault("scim-paging-zero-based", "ZM-05", "emulator", "SCIM startIndex counts from 0")
def _zero_based(mp: pytest.MonkeyPatch) -> None:
    page = scim._page
    mp.setattr(scim, "_page", lambda items, total, start, count: page(items, total, start + 1, count))


@fault("scim-count-ignored", "ZM-05", "emulator", "SCIM list ignores count")
def _count_ignored(mp: pytest.MonkeyPatch) -> None:
    paging = scim._paging
    mp.setattr(scim, "_paging", lambda call: (paging(call)[0], 100))


@fault("scim-filter-ignored", "ZM-05 UM-01", "emulator", "SCIM userName filter lists everybody")
def _filter_ignored(mp: pytest.MonkeyPatch) -> None:
    def without_filter(call: Call) -> None:
        # The handler reads the query through the request's parsed parameters.
        call.request = dataclasses.replace(call.request, _params=call.query.remove("filter"))

    wrap_route(mp, "scim.users.list", before=without_filter)


@fault("duplicate-create-200", "ZM-06 UM-01", "emulator", "creating an existing userName answers 200 with a twin")
def _duplicate_ok(mp: pytest.MonkeyPatch) -> None:
    taken = ZoomState.email_taken
    create = ZoomState.create_user

    def twin(self: ZoomState, account_id: str, user_name: str, **fields: Any) -> User:
        if taken(self, user_name):
            user_name = "twin." + user_name
        return create(self, account_id, user_name, **fields)

    mp.setattr(ZoomState, "create_user", twin)


@fault(
    "patch-active-ignored", "ZM-07 OPT-06 UM-07", "emulator", "SCIM PATCH active=false answers 200 and changes nothing"
)
def _patch_ignored(mp: pytest.MonkeyPatch) -> None:
    def unchanged(call: Call) -> Reply:
        user = call.state.users(call.account.id).get(call.params["user_id"])
        if user is None:
            return Reply(404, {"detail": "User does not exist."})
        return Reply(200, scim.user_resource(user, call.api_base))

    wrap_route(mp, "scim.users.patch", instead=unchanged)


@fault("reactivation-ignored", "ZM-07 OPT-04 CHG-02", "emulator", "SCIM PATCH active=true does not reactivate")
def _no_reactivation(mp: pytest.MonkeyPatch) -> None:
    status = ZoomState.set_status

    def one_way(self: ZoomState, account_id: str, user_id: str, new: str) -> User:
        if new == "active" and self.user(account_id, user_id).status == "inactive":
            return self.user(account_id, user_id)
        return status(self, account_id, user_id, new)

    mp.setattr(ZoomState, "set_status", one_way)


@fault("delete-keeps-user", "ZM-08 OPT-07", "emulator", "SCIM DELETE answers 204 and keeps the user")
def _delete_keeps(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "scim.users.delete", instead=lambda call: Reply(204))


@fault("delete-answers-200", "ZM-08", "emulator", "SCIM DELETE answers 200 with a body")
def _delete_200(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "scim.users.delete", after=lambda call, reply: Reply(200, {"deleted": True}, reply.headers))


@fault("no-rate-limit-headers", "ZM-09", "emulator", "answers carry no rate-limit headers")
def _no_headers(mp: pytest.MonkeyPatch) -> None:
    take = RateLimiter.take
    mp.setattr(RateLimiter, "take", lambda self, *args: {k: v for k, v in take(self, *args).items()
                                                         if not k.lower().startswith("x-ratelimit")})  # fmt: skip


@fault("rate-limit-never-429", "ZM-09", "emulator", "past the limit Zoom still answers 200")
def _never_429(mp: pytest.MonkeyPatch) -> None:
    from mocks.core.errors import ZoomAPIError

    take = RateLimiter.take

    def generous(self: RateLimiter, *args: Any) -> dict[str, str]:
        try:
            return take(self, *args)
        except ZoomAPIError:
            return {}

    mp.setattr(RateLimiter, "take", generous)


@fault("rate-limit-wrong-values", "ZM-09", "emulator", "the rate-limit headers carry values of another plan")
def _wrong_values(mp: pytest.MonkeyPatch) -> None:
    take = RateLimiter.take

    def inflated(self: RateLimiter, *args: Any) -> dict[str, str]:
        headers = take(self, *args)
        for key in list(headers):
            if key.lower() == "x-ratelimit-limit":
                headers[key] = str(int(headers[key]) * 10)
        return headers

    mp.setattr(RateLimiter, "take", inflated)


@fault("granular-app-refused", "ZM-10", "preflight", "readiness requires the classic scope names")
def _classic_only(mp: pytest.MonkeyPatch) -> None:
    check = preflight._check_scope
    mp.setattr(preflight, "_check_scope", lambda scope, held: check(scope, held - {
        g for names in preflight.GRANULAR_EQUIVALENTS.values() for g in names}))  # fmt: skip


@fault("granular-scopes-mixed", "ZM-10", "emulator", "an app takes scopes of both families")
def _mixed_families(mp: pytest.MonkeyPatch) -> None:
    from mocks.state import models

    mp.setattr(models, "_check_scope_family", lambda scopes, family: None)


@fault("roles-split", "ZM-11", "emulator", "a role set through SCIM is not the user's role")
def _roles_split(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(scim, "_role", lambda value, settings: value if scim.builtin_role(value) is None else "Member")


@fault("role-display-is-id", "ZM-11", "emulator", "SCIM shows the role's id as its display")
def _role_display(mp: pytest.MonkeyPatch) -> None:
    resource = scim.user_resource

    def shown(user: User, api_base: str, *, listed: bool = False) -> dict[str, Any]:
        body = resource(user, api_base, listed=listed)
        body["roles"] = [{**role, "display": role["value"]} for role in body["roles"]]
        return body

    mp.setattr(scim, "user_resource", shown)
    mp.setattr(scim, "_RENDERED", {})
    mp.setattr(scim, "user_json", lambda user, api_base, *, listed=False: scim.encode_json(shown(user, api_base,
               listed=listed)))  # fmt: skip


@fault("admin-unprotected", "ZM-11 LIM-05", "emulator", "an Admin can be deactivated and deleted")
def _admin_unprotected(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(User, "protected", property(lambda self: False))


@fault("list-as-full-as-get", "ZM-12", "emulator", "SCIM list results carry every attribute of a GET")
def _list_full(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(scim, "_LISTED_ENTERPRISE_FIELDS", scim._ENTERPRISE_FIELDS)
    mp.setattr(scim, "_RENDERED", {})


def _within(method: str, attribute: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Patch:
    """Patch: while the provisioner runs ``method``, its own client's ``attribute`` is ``wrap`` of
    the real one (the harness's observing clients keep the real one)."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        original = getattr(Provisioner, method)

        def run(self: Provisioner, *args: Any, **kwargs: Any) -> Any:
            setattr(self.client, attribute, wrap(getattr(self.client, attribute)))
            try:
                return original(self, *args, **kwargs)
            finally:
                delattr(self.client, attribute)

        mp.setattr(Provisioner, method, run)

    return apply


fault("link-compares-list-result", "ZM-12", "provisioner", "linking compares the thinner list result")(
    _within("_link", "get_user", lambda real: lambda user_id, *, deadline=None: None)
)


@fault("rest-update-strict", "ZM-13", "emulator", "a REST update with the user's id in its body is refused")
def _rest_strict(mp: pytest.MonkeyPatch) -> None:
    def refuse_id(call: Call) -> None:
        from mocks.core.errors import validation_failed

        if "id" in call.json_object():
            raise validation_failed("id")

    wrap_route(mp, "rest.users.update", before=refuse_id)


@fault("rest-update-takes-email", "ZM-13", "emulator", "a REST update changes the email it should ignore")
def _rest_email(mp: pytest.MonkeyPatch) -> None:
    def take_email(call: Call) -> None:
        email = call.json_object().get("email")
        user = call.state.users(call.account.id).get(call.params["user_id"])
        if isinstance(email, str) and user is not None:
            object.__setattr__(user, "user_name", email)

    wrap_route(mp, "rest.users.update", before=take_email)


# == CONN: the connection and channel activation ===================================================


@fault("activation-skips-verification", "CONN-02 CONN-03 CONN-04", "preflight", "activation checks nothing")
def _no_verification(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "activate", lambda self: setattr(self.channel, "active", True) or preflight.Readiness())


@fault(
    "credentials-checked-when-typed",
    "CONN-02",
    "provisioner",
    "the connection calls Zoom when credentials are typed in",
)
def _eager_check(mp: pytest.MonkeyPatch) -> None:
    from harness.bdd.channel import ChannelUnderTest

    set_target = ChannelUnderTest.set_target

    def eager(self: ChannelUnderTest, target: Any = None, **changes: str) -> None:
        set_target(self, target, **changes)
        assert self.target is not None
        with contextlib.suppress(Exception):  # a refused token is a call to Zoom all the same
            self.zoom.client_for(self.target).fetch_token()

    mp.setattr(ChannelUnderTest, "set_target", eager)


@fault("wrong-secret-cause-vague", "CONN-03", "preflight", "a wrong secret is reported as a network failure")
def _vague_secret(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: error == "invalid_client", "the token request failed")


WRONG_SECRET = "the client ID or client secret is wrong"


def _misreported_refusal(mp: pytest.MonkeyPatch, applies: Callable[[str, str], bool], said: str) -> None:
    """The preflight names a token refusal wrongly: ``said`` where ``applies(error, reason)``."""
    from harness.zoom import errors

    cause = errors.token_refusal_cause
    mp.setattr(errors, "token_refusal_cause", lambda error, reason: said if applies(error, reason)
               else cause(error, reason))  # fmt: skip


@fault("wrong-account-cause-vague", "CONN-04", "preflight", "a wrong account ID is reported as a wrong secret")
def _vague_account(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: "account" in reason.lower(), WRONG_SECRET)


@fault("wrong-account-accepted", "CONN-04", "emulator", "the token host does not check the account ID")
def _any_account(mp: pytest.MonkeyPatch) -> None:
    parameters = oauth._parameters

    def right_account(call: Call) -> dict[str, str]:
        params = parameters(call)
        app = call.state.app_by_client_id(oauth._basic_credentials(call)[0])
        return {**params, "account_id": app.account_id} if app is not None else params

    mp.setattr(oauth, "_parameters", right_account)


@fault("deactivated-cause-vague", "CONN-05", "preflight", "an app that is not activated is reported as a wrong secret")
def _vague_deactivated(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: "disabled" in reason.lower(), WRONG_SECRET)


@fault("only-first-missing-scope", "CONN-06", "preflight", "activation names only the first missing scope")
def _first_scope(mp: pytest.MonkeyPatch) -> None:
    check = preflight.check_target

    def first_only(client: Any) -> preflight.Readiness:
        readiness = check(client)
        failed = [c for c in readiness.checks if c.ok is False and c.name.startswith("scope ")]
        for extra in failed[1:]:
            extra.ok = True
        return readiness

    mp.setattr(preflight, "check_target", first_only)
    mp.setattr(engine, "check_target", first_only)


@fault(
    "scim-prerequisites-unchecked", "CONN-07", "preflight", "activation does not call SCIM, missing its prerequisites"
)
def _no_scim_check(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(preflight, "_check_scim", lambda client: preflight.Check("scim", True, "not checked"))


@fault("sso-cause-vague", "CONN-07", "preflight", "a missing SSO is reported as an unknown error")
def _vague_sso(mp: pytest.MonkeyPatch) -> None:
    check = preflight._check_scim

    def vague(client: Any) -> preflight.Check:
        result = check(client)
        return preflight.Check("scim", result.ok, "the SCIM2 API failed") if result.ok is False else result

    mp.setattr(preflight, "_check_scim", vague)


@fault("inactive-channel-provisions", "CONN-08", "provisioner", "an inactive channel provisions anyway")
def _inactive_runs(mp: pytest.MonkeyPatch) -> None:
    run = Provisioner.run_cycle

    def always(self: Provisioner) -> Any:
        self.channel.active = True
        return run(self)

    mp.setattr(Provisioner, "run_cycle", always)


@fault("activation-not-applied", "CONN-08 CONN-01", "provisioner", "activating the channel leaves it inactive")
def _stays_inactive(mp: pytest.MonkeyPatch) -> None:
    activate = Provisioner.activate

    def inert(self: Provisioner) -> Any:
        readiness = activate(self)
        self.channel.active = False
        return readiness

    mp.setattr(Provisioner, "activate", inert)


# == OPT: provisioning options ====================================================================


def _option_ignored(method: str, option: str) -> Patch:
    """Patch: the provisioner's ``method`` runs as if ``option`` were selected, whatever it is."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        original = getattr(Provisioner, method)

        def anyway(self: Provisioner, *args: Any) -> Any:
            options, self.options = self.options, dataclasses.replace(self.options, **{option: True})
            try:
                return original(self, *args)
            finally:
                self.options = options

        mp.setattr(Provisioner, method, anyway)

    return apply


for _method, _option, _requirement, _action in (("_create", "create", "OPT-02", "created"),
                                                 ("_update", "update", "OPT-03", "updated"),
                                                 ("_remove", "remove", "OPT-05", "disabled")):  # fmt: skip
    fault(f"{_option}-option-ignored", _requirement, "provisioner",
          f"users are {_action} with the option cleared")(_option_ignored(_method, _option))  # fmt: skip


@fault("skip-not-warned", "OPT-02 OPT-03 OPT-05", "provisioner", "a suppressed action writes no warning")
def _silent_skip(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(engine, "_skipped", lambda plan, record, *warnings: engine._Outcome("NONE", plan, True, record,
               counter="skipped"))  # fmt: skip


@fault("no-reenable", "OPT-04 CHG-02 LIM-06", "provisioner", "a user back in scope is never re-enabled")
def _no_reenable(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_enable", lambda self, plan, deadline: engine._skipped(plan, None))


@fault("default-remove-delete", "OPT-01", "provisioner", "the Remove User Action defaults to Delete")
def _default_delete(mp: pytest.MonkeyPatch) -> None:
    fields = {f.name: f for f in dataclasses.fields(engine.ProvisioningOptions)}
    mp.setattr(fields["remove_action"], "default", "delete")
    init = engine.ProvisioningOptions.__init__
    mp.setattr(engine.ProvisioningOptions, "__init__",
               lambda self, create=True, update=True, remove=True, remove_action="delete": init(
                   self, create, update, remove, remove_action))  # fmt: skip


@fault("default-update-cleared", "OPT-01", "provisioner", "User Update is cleared by default")
def _default_no_update(mp: pytest.MonkeyPatch) -> None:
    init = engine.ProvisioningOptions.__init__
    mp.setattr(engine.ProvisioningOptions, "__init__",
               lambda self, create=True, update=False, remove=True, remove_action="disable": init(
                   self, create, update, remove, remove_action))  # fmt: skip


@fault("disable-deletes", "OPT-06 UM-07", "provisioner", "Remove User Action Disable deletes the user")
def _disable_deletes(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_remove_event", lambda self: "DELETE")


@fault("delete-disables", "OPT-07 UM-06", "provisioner", "Remove User Action Delete only disables the user")
def _delete_disables(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_remove_event", lambda self: "DISABLE")


def _kept(reason: str, *, with_group_dn: bool = False) -> Patch:
    """Patch: the removals planned for ``reason`` are dropped (only with a group DN, if asked)."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        plan = Provisioner._plan

        def keep(self: Provisioner, directory: Any) -> list[Any]:
            plans = plan(self, directory)
            if with_group_dn and self.channel.location.group_dn is None:
                return plans
            return [p for p in plans if p.reason != reason]

        mp.setattr(Provisioner, "_plan", keep)

    return apply


fault("out-of-scope-kept", "OPT-08 UM-08", "provisioner", "a user who leaves the source location is kept")(
    _kept("no longer in the source location")
)
fault("deleted-kept", "OPT-08 UM-06", "provisioner", "a user deleted from the directory is kept")(
    _kept("deleted from the datastore")
)


# == ATTR: supported attributes ==================================================================


def _body_without(field: str) -> Patch:
    def apply(mp: pytest.MonkeyPatch) -> None:
        build = mapping_module.scim_body

        def without(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
            return build({k: v for k, v in values.items() if k != field}, user_name=user_name)

        mp.setattr(engine, "scim_body", without)

    return apply


for _field, _requirement in (("Email", "ATTR-02"), ("Department", "ATTR-03"), ("Family Name", "ATTR-04"),
                             ("Given Name", "ATTR-05"), ("Locale", "ATTR-06"), ("Organization", "ATTR-07"),
                             ("Phone", "ATTR-08"), ("Roles", "ATTR-09"), ("Title", "ATTR-10"),
                             ("User Type", "ATTR-11")):  # fmt: skip
    fault(f"drops-{_field.lower().replace(' ', '-')}", _requirement, "mapping",
          f"{_field} is never sent to Zoom")(_body_without(_field))  # fmt: skip


@fault("names-swapped", "ATTR-04 ATTR-05", "mapping", "Given Name and Family Name are sent swapped")
def _swapped(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def swapped(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        values = dict(values)
        values["Given Name"], values["Family Name"] = values.get("Family Name"), values.get("Given Name")
        return build({k: v for k, v in values.items() if v is not None}, user_name=user_name)

    mp.setattr(engine, "scim_body", swapped)


@fault("username-not-validated", "ATTR-01", "provisioner", "a Username that is not an email address is sent")
def _username_unchecked(mp: pytest.MonkeyPatch) -> None:
    refusal = engine._refusal
    mp.setattr(engine, "_refusal", lambda values: None if values.get("Username") else refusal(values))


@fault("user-type-not-validated", "ATTR-11", "provisioner", "a User Type outside Basic, Licensed, On-Prem is sent")
def _user_type_unchecked(mp: pytest.MonkeyPatch) -> None:
    refusal = engine._refusal
    mp.setattr(engine, "_refusal", lambda values: refusal({k: v for k, v in values.items() if k != "User Type"}))


@fault("roles-all-values", "ATTR-09 LIM-04", "mapping", "every Roles value is sent")
def _all_roles(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def every(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        roles = values.get("Roles")
        if isinstance(roles, list):
            body["roles"] = [{"value": role} for role in roles]
        return body

    mp.setattr(engine, "scim_body", every)
    mp.setattr(engine, "_sendable", lambda values: {f: (v if f == "Roles" else engine._first(v))
                                                   for f, v in values.items()})  # fmt: skip


@fault("phone-reformatted", "ATTR-08", "mapping", "the phone number is sent without its space")
def _phone(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def squeezed(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        for phone in body.get("phoneNumbers", []):
            phone["value"] = phone["value"].replace(" ", "")
        return body

    mp.setattr(engine, "scim_body", squeezed)


# == UM: user management ===========================================================================


fault("no-link-duplicates", "UM-01", "provisioner", "an existing Zoom user is not looked up before a create")(
    _within("_create", "find_user", lambda real: lambda user_name, *, deadline=None: None)
)


@fault("username-mapping-fixed", "UM-02", "mapping", "Username always comes from mail")
def _fixed_username(mp: pytest.MonkeyPatch) -> None:
    values = mapping_module.Mapping.values

    def from_mail(self: Any, entry: Any) -> dict[str, Any]:
        found = values(self, entry)
        if entry.first("mail"):
            found["Username"] = entry.first("mail")
        return found

    mp.setattr(mapping_module.Mapping, "values", from_mail)


@fault(
    "new-in-scope-ignored",
    "UM-03",
    "provisioner",
    "a user who enters the source location after the first cycle is not created",
)
def _late_joiners(mp: pytest.MonkeyPatch) -> None:
    plan = Provisioner._plan

    def first_cycle_only(self: Provisioner, directory: Any) -> list[Any]:
        plans = plan(self, directory)
        if self.store.records():
            plans = [p for p in plans if p.kind != "create"]
        return plans

    mp.setattr(Provisioner, "_plan", first_cycle_only)


@fault("update-sends-everything", "UM-04", "provisioner", "an update sends every mapped attribute")
def _send_all(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def everything(self: Provisioner, plan: Any, deadline: float) -> Any:
        if plan.record is not None:
            plan.record.sent = {}
        return update(self, plan, deadline)

    mp.setattr(Provisioner, "_update", everything)


@fault("changes-not-sent", "UM-04 ENG-06", "provisioner", "a changed mapped attribute is not sent")
def _changes_lost(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_update", lambda self, plan, deadline: engine._Outcome(
        "NONE", plan, True, dataclasses.replace(plan.record, fingerprint=plan.fingerprint)))  # fmt: skip


@fault("unmapped-change-sent", "UM-05", "provisioner", "a change of an unmapped attribute sends the user again")
def _unmapped(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def resend(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = update(self, plan, deadline)
        if outcome.event == "NONE" and plan.record is not None and plan.record.zoom_id:
            self.client.update_user(plan.record.zoom_id, mapping_module.scim_body(engine._sendable(plan.values)),
                                    deadline=deadline)  # fmt: skip
        return outcome

    mp.setattr(Provisioner, "_update", resend)


@fault("disabled-at-source-ignored", "UM-07 OPT-08", "provisioner", "a user disabled in the directory is kept active")
def _status_ignored(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(AccountStatus, "enabled", lambda self, entry: True)


fault("group-leaver-kept", "UM-08", "provisioner", "a user removed from the group is kept")(
    _kept("no longer in the source location", with_group_dn=True)
)


# == LIM: known limitations =========================================================================


@fault("groups-provisioned", "LIM-01", "provisioner", "directory groups are pushed to Zoom")
def _groups_pushed(mp: pytest.MonkeyPatch) -> None:
    run = Provisioner.run_cycle

    def with_groups(self: Provisioner) -> Any:
        summary = run(self)
        for entry in self.source():
            if "groupofuniquenames" in {c.lower() for c in entry.values("objectClass")}:
                group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": entry.first("cn")}
                self.client.send("POST", "/scim2/Groups", json=group)
        return summary

    mp.setattr(Provisioner, "run_cycle", with_groups)


@fault("group-deletion-immediate", "LIM-02", "provisioner", "with a group DN, a deleted user is removed at once")
def _no_group_wait(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_group_grew", lambda self, directory: True)


@fault("group-deletion-never", "LIM-02", "provisioner", "with a group DN, a deleted user is never removed")
def _group_never(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_group_grew", lambda self, directory: False)


@fault("cleared-attribute-cleared", "LIM-03", "provisioner", "a cleared source attribute is cleared in Zoom")
def _clear_cleared(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def clearing(self: Provisioner, plan: Any, deadline: float) -> Any:
        record = plan.record
        cleared = [f for f in record.sent if f not in plan.values and f != "Username"] if record else []
        outcome = update(self, plan, deadline)
        if cleared and record is not None and record.zoom_id:
            body = mapping_module.scim_body(dict.fromkeys(cleared, ""))
            self.client.update_user(record.zoom_id, body, deadline=deadline)
        return outcome

    mp.setattr(Provisioner, "_update", clearing)


@fault("roles-warning-missing", "LIM-04", "provisioner", "extra Roles values are dropped without a warning")
def _roles_silent(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(engine, "_role_warnings", lambda values, user_name, mapping: [])


@fault("admin-failure-stops-cycle", "LIM-05", "provisioner", "a refused Admin deactivation stops the rest of the cycle")
def _admin_stops(mp: pytest.MonkeyPatch) -> None:
    perform = Provisioner._perform

    def stopping(self: Provisioner, plan: Any, index: Any) -> Any:
        if self.__dict__.get("stopped"):
            return engine._skipped(plan, None)
        outcome = perform(self, plan, index)
        if not outcome.success and plan.kind == "remove":
            self.__dict__["stopped"] = True
        return outcome

    mp.setattr(Provisioner, "_perform", stopping)


@fault("admin-failure-unaudited", "LIM-05 ENG-05", "provisioner", "a refused operation writes no audit record")
def _failure_unaudited(mp: pytest.MonkeyPatch) -> None:
    write = ProvisionerRecords.write_audit
    mp.setattr(
        ProvisionerRecords, "write_audit", lambda self, record: write(self, record) if record.is_success else None
    )


@fault("status-change-carries-attributes", "LIM-06", "provisioner", "a re-enable sends the changed attributes too")
def _enable_with_attributes(mp: pytest.MonkeyPatch) -> None:
    enable = Provisioner._enable

    def with_attributes(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = enable(self, plan, deadline)
        if outcome.success and plan.record is not None and plan.record.zoom_id:
            self.client.update_user(plan.record.zoom_id, mapping_module.scim_body(engine._sendable(plan.values)),
                                    deadline=deadline)  # fmt: skip
        return outcome

    mp.setattr(Provisioner, "_enable", with_attributes)


@fault(
    "pending-attributes-dropped", "LIM-06", "provisioner", "attributes changed during a re-enable are never sent later"
)
def _dropped_after_enable(mp: pytest.MonkeyPatch) -> None:
    enable = Provisioner._enable

    def forget(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = enable(self, plan, deadline)
        if outcome.record is not None:
            outcome.record.sent = engine._sendable(plan.values)
        return outcome

    mp.setattr(Provisioner, "_enable", forget)


# == CHG: changelog =================================================================================


@fault("jwt-credentials-accepted", "CHG-01", "emulator", "a JWT app's key and secret obtain a token")
def _jwt(mp: pytest.MonkeyPatch) -> None:
    authenticated = oauth._authenticated_app

    def any_client(call: Call) -> App:
        try:
            return authenticated(call)
        except Exception:
            return next(iter(call.state.apps.values()))

    mp.setattr(oauth, "_authenticated_app", any_client)


def _without_licence(update: Callable[..., Any]) -> Callable[..., Any]:
    return lambda user_id, body, **kwargs: update(user_id, {k: v for k, v in body.items() if k != "userType"},
                                                  **kwargs)  # fmt: skip


fault("licence-not-restored", "CHG-02", "provisioner", "re-enabling a user sends no licence")(
    _within("_enable", "update_user", _without_licence)
)


# == ENG: the provisioning engine =====================================================================


@fault("state-not-persisted", "ENG-01", "provisioner", "the sync state is lost on restart")
def _state_lost(mp: pytest.MonkeyPatch) -> None:
    init = SyncStore.__init__
    mp.setattr(SyncStore, "__init__", lambda self, path=":memory:": init(self, ":memory:"))


@fault("timeout-ignored", "ENG-02", "client", "an operation past the channel timeout is waited for")
def _timeout_ignored(mp: pytest.MonkeyPatch) -> None:
    send = client_module.ZoomClient.send
    mp.setattr(client_module.ZoomClient, "send", lambda self, method, path, *, deadline=None, **kwargs: send(
        self, method, path, **kwargs))  # fmt: skip
    init = client_module.ZoomClient.__init__

    def patient(self: Any, target: Any, **kwargs: Any) -> None:
        init(self, target, **{**kwargs, "timeout": 3600.0})

    mp.setattr(client_module.ZoomClient, "__init__", patient)


@fault("failure-forgotten", "ENG-03", "provisioner", "a failed operation is not retried in later cycles")
def _failure_forgotten(mp: pytest.MonkeyPatch) -> None:
    failed = Provisioner._failed

    def forget(self: Provisioner, plan: Any, event: str, cause: str) -> Any:
        outcome = failed(self, plan, event, cause)
        outcome.record.pending = False
        outcome.record.fingerprint = plan.fingerprint
        if outcome.record.zoom_id is None:
            outcome.record.zoom_id = "lost"
        return outcome

    mp.setattr(Provisioner, "_failed", forget)


@fault("threads-unbounded", "ENG-04", "provisioner", "Max Threads is ignored: every operation runs at once")
def _unbounded(mp: pytest.MonkeyPatch) -> None:
    execute = Provisioner._execute

    def wide(self: Provisioner, plans: list[Any], *args: Any) -> None:
        threads, self.channel.max_threads = self.channel.max_threads, max(len(plans), 2)
        try:
            execute(self, plans, *args)
        finally:
            self.channel.max_threads = threads

    mp.setattr(Provisioner, "_execute", wide)


@fault("threads-serial", "ENG-04", "provisioner", "Max Threads above 1 still runs one operation at a time")
def _serial(mp: pytest.MonkeyPatch) -> None:
    execute = Provisioner._execute

    def narrow(self: Provisioner, plans: list[Any], *args: Any) -> None:
        threads, self.channel.max_threads = self.channel.max_threads, 1
        try:
            execute(self, plans, *args)
        finally:
            self.channel.max_threads = threads

    mp.setattr(Provisioner, "_execute", narrow)


@fault("audit-without-target", "ENG-05", "provisioner", "audit records lose the target id")
def _audit_target(mp: pytest.MonkeyPatch) -> None:
    write = ProvisionerRecords.write_audit
    mp.setattr(ProvisionerRecords, "write_audit", lambda self, record: write(self, dataclasses.replace(
        record, target_id=None)))  # fmt: skip


@fault("audit-missing", "ENG-05", "provisioner", "no audit record is written")
def _no_audit(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(ProvisionerRecords, "write_audit", lambda self, record: None)


@fault("summary-miscounts", "ENG-06", "provisioner", "the channel summary counts disables as updates")
def _miscount(mp: pytest.MonkeyPatch) -> None:
    record = Provisioner._record

    def miscount(self: Provisioner, outcome: Any, cycle_id: int, summary: Any) -> None:
        if outcome.counter == "disabled":
            outcome.counter = "updated"
        record(self, outcome, cycle_id, summary)

    mp.setattr(Provisioner, "_record", miscount)


@fault("summary-without-duration", "ENG-06", "provisioner", "the channel summary's duration is always 0")
def _no_duration(mp: pytest.MonkeyPatch) -> None:
    finish = Provisioner._finish

    def instant(self: Provisioner, summary: Any, started: float) -> Any:
        return finish(self, summary, self.clock())

    mp.setattr(Provisioner, "_finish", instant)


@fault("token-per-call", "ENG-07", "client", "every call asks for a new token")
def _token_per_call(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(auth_module.ZoomS2SAuth, "_due", lambda self: True)


@fault("token-never-renewed", "ENG-07", "client", "the token is never renewed before it expires")
def _never_renewed(mp: pytest.MonkeyPatch) -> None:
    due = auth_module.ZoomS2SAuth._due
    mp.setattr(auth_module.ZoomS2SAuth, "_due", lambda self: self.token is None or (due(self) and False))


@fault("retry-after-ignored", "ENG-08", "client", "a 429's Retry-After is not waited for")
def _retry_after_ignored(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: 0.0)


@fault("retry-after-date-unread", "ENG-08", "client", "a Retry-After date is not understood")
def _date_unread(mp: pytest.MonkeyPatch) -> None:
    from harness.zoom import retry

    after = retry.retry_after

    def seconds_only(response: Any, now: float) -> float | None:
        value = response.headers.get("retry-after", "")
        return after(response, now) if value.replace(".", "").isdigit() else 0.0

    mp.setattr(retry, "retry_after", seconds_only)


@fault("429-gives-up", "ENG-08", "client", "a 429 fails the operation")
def _429_fatal(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: None)


@fault("no-retry-on-5xx", "ENG-09", "client", "a 5xx, timeout or dropped connection is not retried")
def _no_retries(mp: pytest.MonkeyPatch) -> None:
    init = RetryPolicy.__init__
    mp.setattr(RetryPolicy, "__init__", lambda self, *args, **kwargs: (init(self, *args, **kwargs),
                                                                      setattr(self, "attempts", 1))[0])  # fmt: skip


@fault("lost-create-duplicated", "ENG-09", "client", "a create whose answer was lost is sent again blindly")
def _blind_retry(mp: pytest.MonkeyPatch) -> None:
    find = client_module.ZoomClient.find_user
    create = client_module.ZoomClient.create_user

    def blind(self: Any, body: dict[str, Any], *, deadline: float | None = None) -> Any:
        self.__dict__["blind"] = True
        try:
            return create(self, body, deadline=deadline)
        finally:
            self.__dict__["blind"] = False

    def finder(self: Any, user_name: str, *, deadline: float | None = None) -> Any:
        if self.__dict__.get("blind"):
            return None
        return find(self, user_name, deadline=deadline)

    mp.setattr(client_module.ZoomClient, "create_user", blind)
    mp.setattr(client_module.ZoomClient, "find_user", finder)
    mp.setattr(ZoomState, "email_taken", lambda self, user_name: False)


@fault("retry-after-floor", "ENG-08", "client", "a 429 waits the one-second floor instead of its Retry-After")
def _retry_floor(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: max(1.0, self.backoff(attempt)))


@fault("scim-page-overlap", "ZM-05", "emulator", "each SCIM page after the first repeats the previous page's last user")
def _page_overlap(mp: pytest.MonkeyPatch) -> None:
    page = scim._page
    mp.setattr(scim, "_page", lambda items, total, start, count: page(items, total, max(1, start - 1), count))


@fault("update-carries-more", "UM-04", "provisioner", "an update also sends an attribute that did not change")
def _update_more(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def more(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        if user_name is None and "active" not in body:
            body.setdefault("locale", "en-US")
        return body

    mp.setattr(engine, "scim_body", more)


def _licence_apart(update: Callable[..., Any]) -> Callable[..., Any]:
    def split(user_id: str, body: dict[str, Any], **kwargs: Any) -> Any:
        licence = body.pop("userType", None)
        answer = update(user_id, body, **kwargs)
        if licence is not None:
            answer = update(user_id, {"schemas": body["schemas"], "userType": licence}, **kwargs)
        return answer

    return split


fault("reenable-in-two-requests", "CHG-02", "provisioner", "re-enabling sends the licence in a separate update")(
    _within("_enable", "update_user", _licence_apart)
)


@fault("basic-licence-omitted", "ATTR-11", "mapping", "User Type Basic is not sent (Zoom's default hides it)")
def _basic_omitted(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def without_basic(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        if body.get("userType") == "Basic":
            del body["userType"]
        return body

    mp.setattr(engine, "scim_body", without_basic)

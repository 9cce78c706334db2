"""Faults of the group ZM: Zoom's wire behaviour."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from harness.selftest.faults.catalogue import fault
from harness.selftest.faults.hooks import CLASSIC_SCOPES, handler_of, within, wrap_route
from harness.zoom import preflight
from mocks.api import oauth, rest, scim, scim_render
from mocks.api.routing import Call, Reply
from mocks.core.errors import OAuthError
from mocks.state.models import User
from mocks.state.ratelimit import RateLimiter
from mocks.state.zoom_state import ZoomState


@fault("wrong-client-401", "ZM-02 CHG-01", "emulator", "a wrong client gets 401 instead of 400")
def _wrong_client_401(mp: pytest.MonkeyPatch) -> None:
    issue_token = handler_of("oauth.token")

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
    extra = {"meeting:read:admin", *CLASSIC_SCOPES}
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
        return Reply(200, scim_render.user_resource(user, call.api_base))

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
    from mocks.state import zoom_state

    mp.setattr(zoom_state, "_check_scope_family", lambda scopes, family: None)


@fault("roles-split", "ZM-11", "emulator", "a role set through SCIM is not the user's role")
def _roles_split(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(scim, "_role", lambda value, settings: value if scim.builtin_role(value) is None else "Member")


@fault("role-display-is-id", "ZM-11", "emulator", "SCIM shows the role's id as its display")
def _role_display(mp: pytest.MonkeyPatch) -> None:
    resource = scim_render.user_resource

    def shown(user: User, api_base: str, *, listed: bool = False) -> dict[str, Any]:
        body = resource(user, api_base, listed=listed)
        body["roles"] = [{**role, "display": role["value"]} for role in body["roles"]]
        return body

    mp.setattr(scim_render, "user_resource", shown)
    mp.setattr(scim_render, "_RENDERED", {})


@fault("admin-unprotected", "ZM-11 LIM-05", "emulator", "an Admin can be deactivated and deleted")
def _admin_unprotected(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(User, "protected", property(lambda self: False))


@fault("list-as-full-as-get", "ZM-12", "emulator", "SCIM list results carry every attribute of a GET")
def _list_full(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(scim_render, "LISTED_ENTERPRISE_FIELDS", scim_render.ENTERPRISE_FIELDS)
    mp.setattr(scim_render, "_RENDERED", {})


fault("link-compares-list-result", "ZM-12", "provisioner", "linking compares the thinner list result")(
    within("_link", "get_user", lambda real: lambda user_id, *, deadline=None: None)
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

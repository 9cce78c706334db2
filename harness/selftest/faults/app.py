"""Faults of the group APP: the Marketplace app."""

from __future__ import annotations

from typing import Any

import pytest

from harness.selftest.faults.catalogue import Patch, fault
from harness.selftest.faults.hooks import CLASSIC_SCOPES, edit_body, handler_of, wrap_route
from mocks.api import oauth
from mocks.api.routing import Call, Reply
from mocks.state.models import App
from mocks.state.zoom_state import ZoomState


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
    wrap_route(mp, "control.apps.create", after=edit_body(lambda body: body.__setitem__("account_id", "another")))


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


for _number, _scope in zip(range(7, 14), CLASSIC_SCOPES, strict=True):
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

    issue_token = handler_of("oauth.token")
    wrap_route(mp, "oauth.token", instead=issue)


@fault("token-lasts-a-day", "APP-15 ZM-01", "emulator", "tokens last a day, not an hour")
def _long_tokens(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=edit_body(lambda body: body.__setitem__("expires_in", 86400)))


@fault("token-scope-as-list", "ZM-01", "emulator", "the token's scope is a JSON list, not one string")
def _scope_list(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=edit_body(lambda body: body.__setitem__("scope", body["scope"].split())))


@fault("token-without-api-url", "ZM-01", "emulator", "the token answer has no api_url")
def _no_api_url(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=edit_body(lambda body: body.pop("api_url")))


@fault("token-type-mac", "ZM-01 APP-15 CHG-01", "emulator", "token_type is not bearer")
def _token_type(mp: pytest.MonkeyPatch) -> None:
    wrap_route(mp, "oauth.token", after=edit_body(lambda body: body.__setitem__("token_type", "mac")))

"""Every API route checks its bearer token and scope (reference §1.6, §1.7, §2.3)."""

from __future__ import annotations

import re

import pytest

from mocks import ZoomEmulator
from mocks.api.routing import Route
from tests.emulator.conftest import Zoom

API_ROUTES = [r for r in ZoomEmulator()._api_router.routes if r.family in ("scim", "rest")]


def _path(route: Route) -> str:
    return re.sub(r"\{\w+\}", "me", route.template)


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_every_route_refuses_a_missing_garbage_or_query_token(zoom: Zoom, route: Route) -> None:
    url = f"{zoom.api}{_path(route)}"
    missing = zoom.http.request(route.method, url)
    assert (missing.status_code, missing.json()) == (401, {"code": 124, "message": "Invalid access token."})
    garbage = zoom.http.request(route.method, url, headers={"Authorization": "Bearer eyJgarbage"})
    assert garbage.json() == {"code": 124, "message": "Invalid access token."}
    basic = zoom.http.request(route.method, url, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401
    in_query = zoom.http.request(route.method, url, params={"access_token": zoom.token()})
    assert in_query.status_code == 401
    assert in_query.json()["message"] == (
        "Invalid access token, this access token is not supported as query parameter string."
    )


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_every_route_refuses_a_token_without_its_scope(zoom: Zoom, route: Route) -> None:
    creds = zoom.emulator.ready_account(domain="noscope.example", scopes=["meeting:read:admin"])
    response = zoom.http.request(
        route.method, f"{zoom.api}{_path(route)}", headers={"Authorization": f"Bearer {zoom.token(creds)}"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 4711
    wanted = ", ".join(route.granular or sorted(route.scopes))
    assert body["message"] == f"Invalid access token, does not contain scopes:[{wanted}]."


@pytest.mark.parametrize(
    "scope, path, allowed",
    [
        ("scim2", "/scim2/Users", True),
        ("scim2:admin", "/scim2/Users", True),
        ("user:read:admin", "/scim2/Users", False),
        ("user:read:admin", "/v2/users", True),
        ("user:read:list_users:admin", "/v2/users", True),
        ("user:write:admin", "/v2/users", True),
        ("scim2", "/v2/users", False),
        ("account:read:admin", "/v2/accounts/me/settings", True),
        ("account:read:settings:admin", "/v2/accounts/me/settings", True),
        ("user:read:admin", "/v2/accounts/me/settings", False),
    ],
)
def test_classic_or_granular_scopes_admit_a_route(zoom: Zoom, scope: str, path: str, allowed: bool) -> None:
    creds = zoom.emulator.ready_account(domain=f"{scope.replace(':', '-')}.example", scopes=[scope])
    response = zoom.call("GET", path, token=zoom.token(creds))
    assert (response.status_code == 200) is allowed, response.text


def test_a_revoked_token_is_invalid(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.emulator.state.revoke_token(token)
    assert zoom.call("GET", "/scim2/Users", token=token).json()["code"] == 124


# -- the full matrix, in-process: every route x every way a token can be wrong ---------------

MATRIX_CASES = ["none", "garbage", "expired", "revoked", "deactivated app", "missing scope", "other account"]


def _matrix_token(zoom: ZoomEmulator, case: str) -> tuple[str | None, str]:
    """A bearer for the case, and the account whose resources the route is asked about."""
    import httpx as _httpx

    client = _httpx.Client(transport=zoom.transport())

    def token_of(creds) -> str:  # type: ignore[no-untyped-def]
        return client.post(
            creds.token_url,
            data={"grant_type": "account_credentials", "account_id": creds.account_id},
            auth=(creds.client_id, creds.client_secret),
        ).json()["access_token"]

    home = zoom.ready_account(domain="home.example")
    if case == "none":
        return None, home.account_id
    if case == "garbage":
        return "eyJnot-a-token", home.account_id
    if case == "missing scope":
        return token_of(zoom.ready_account(domain="scopeless.example", scopes=["meeting:read:admin"])), home.account_id
    if case == "other account":
        return token_of(zoom.ready_account(domain="elsewhere.example")), home.account_id
    token = token_of(home)
    if case == "expired":
        zoom.clock.advance(3600)
    elif case == "revoked":
        zoom.state.revoke_token(token)
    elif case == "deactivated app":
        app = zoom.state.app_by_client_id(home.client_id)
        assert app is not None
        zoom.state.deactivate_app(app.id)
    return token, home.account_id


@pytest.mark.parametrize("case", MATRIX_CASES)
@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_authorization_matrix(route: Route, case: str) -> None:
    import httpx as _httpx

    zoom = ZoomEmulator()
    zoom.settings.rate_limits = False
    token, home_account = _matrix_token(zoom, case)
    victim = zoom.state.create_user(home_account, "victim@home.example")
    group = zoom.state.create_group(home_account, "Victims", members=[victim.id])
    path = route.template.replace("{user_id}", victim.id).replace("{group_id}", group.id)
    path = path.replace("{account_id}", home_account).replace("{app_id}", "any")
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    before = (victim.status, victim.version, len(zoom.state.users(home_account)), list(group.members))
    body_sent = {"schemas": ["x"]} if route.method != "GET" else None
    client = _httpx.Client(transport=zoom.transport())
    response = client.request(route.method, zoom.api_base_url + path, headers=headers, json=body_sent)
    body = response.json()
    if case in ("none", "garbage", "revoked", "deactivated app"):
        assert (response.status_code, body) == (401, {"code": 124, "message": "Invalid access token."})
    elif case == "expired":
        assert (response.status_code, body) == (401, {"code": 124, "message": "Access token is expired."})
    elif case == "missing scope":
        assert response.status_code == 400 and body["code"] == 4711
    else:  # a valid token of another account reaches nothing of this one
        assert response.status_code != 401
        assert "victim@home.example" not in response.text
    assert (victim.status, victim.version, len(zoom.state.users(home_account)), list(group.members)) == before

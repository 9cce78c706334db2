"""Every API route checks its bearer token and scope (reference §1.6, §1.7, §2.3)."""

from __future__ import annotations

import re

import pytest

from mocks import ZoomEmulator
from mocks.routing import Route
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

"""Bad input gets a Zoom-shaped 4xx, never a 500 or a traceback, and leaves the state alone."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import Zoom

WRITE_ROUTES = [
    ("POST", "/scim2/Users", "scim"),
    ("PUT", "/scim2/Users/{user}", "scim"),
    ("PATCH", "/scim2/Users/{user}", "scim"),
    ("POST", "/scim2/Groups", "scim"),
    ("POST", "/v2/users", "rest"),
    ("PATCH", "/v2/users/{user}", "rest"),
    ("PUT", "/v2/users/{user}/status", "rest"),
]
BAD_BODIES = [
    (b"{not json", "application/json"),
    (b'{"schemas": ["x"], "userName": "a@example.com"}', "text/plain"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"", "application/json"),
]


def _snapshot(zoom: Zoom) -> list[tuple[str, str, str, int]]:
    users = zoom.emulator.state.users(zoom.credentials.account_id).values()
    return sorted((u.id, u.user_name, u.status, u.version) for u in users)


@pytest.mark.parametrize("method, template, family", WRITE_ROUTES)
@pytest.mark.parametrize("content, content_type", BAD_BODIES)
def test_malformed_bodies(
    zoom: Zoom, method: str, template: str, family: str, content: bytes, content_type: str
) -> None:
    token = zoom.token()
    user = zoom.create_user("victim@example.com", token=token)
    before = _snapshot(zoom)
    response = zoom.call(
        method, template.format(user=user["id"]), token=token, content=content, headers={"Content-Type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    if family == "scim":
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"] and body["status"] == 400
    else:
        assert body["code"] == 300
    assert "Traceback" not in response.text
    assert _snapshot(zoom) == before


def test_oversized_body_is_413(zoom: Zoom) -> None:
    zoom.emulator.settings.max_body_bytes = 1000
    big = {"schemas": ["x"], "userName": "big@example.com", "title": "x" * 2000}
    response = zoom.call("POST", "/scim2/Users", json=big)
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert (
        zoom.call("GET", "/scim2/Users", params={"filter": "userName eq big@example.com"}).json()["totalResults"] == 0
    )


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/v2/unknown", 404),
        ("GET", "/scim2/Nothing", 404),
        ("DELETE", "/scim2/Users", 405),
        ("POST", "/v2/users/abc", 405),
        ("GET", "/scim2/Users/../../etc/passwd", 404),
        ("GET", "/%2e%2e/scim2/Users", 404),
    ],
)
def test_unknown_routes_and_methods(zoom: Zoom, method: str, path: str, status: int) -> None:
    response = zoom.call(method, path)
    assert response.status_code == status
    assert "Traceback" not in response.text
    body = response.json()
    assert body.get("code") == status or body.get("status") == status


def test_huge_and_unicode_strings_are_kept_or_refused_cleanly(zoom: Zoom) -> None:
    user = zoom.create_user("ünï@example.com", name={"givenName": "Zoë 🎉", "familyName": "Ñandú" * 100})
    assert user["name"]["givenName"] == "Zoë 🎉"
    response = zoom.call("GET", "/scim2/Users", params={"filter": 'userName eq "ÜNÏ@example.com"'})
    assert response.json()["totalResults"] == 1
    long_filter = zoom.call("GET", "/scim2/Users", params={"filter": "userName eq " + "a" * 10_000})
    assert long_filter.status_code == 200 and long_filter.json()["totalResults"] == 0


def test_duplicated_authorization_headers_are_refused(zoom: Zoom) -> None:
    token = zoom.token()
    response = zoom.http.get(
        f"{zoom.api}/scim2/Users", headers=[("Authorization", f"Bearer {token}"), ("Authorization", "Bearer other")]
    )
    assert response.status_code == 401


def test_a_handler_bug_answers_a_zoom_shaped_500_without_a_traceback() -> None:
    import httpx

    from mocks import ZoomEmulator
    from mocks.api import scim

    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    route = next(r for r in zoom._api_router.routes if r.name == "scim.users.list")

    def broken(call):  # type: ignore[no-untyped-def]
        raise KeyError("a bug")

    object.__setattr__(route, "handler", broken)  # routes are frozen and shared: restored below
    try:
        client = httpx.Client(transport=zoom.transport())
        token = client.post(credentials.token_url, data={"grant_type": "account_credentials",
                            "account_id": credentials.account_id},
                            auth=(credentials.client_id, credentials.client_secret)).json()["access_token"]  # fmt: skip
        response = client.get(f"{zoom.api_base_url}/scim2/Users", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 500
        assert response.json() == {"code": 500, "message": "Internal server error."}
        assert "Traceback" not in response.text
        assert zoom.last_error == "scim.users.list: KeyError: 'a bug'"
    finally:
        object.__setattr__(route, "handler", scim.list_users)

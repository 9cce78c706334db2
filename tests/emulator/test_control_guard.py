"""The control surface behind its token: every control route of the served emulator and of the
served proxy, with no token, a wrong one and the right one; a browser's login and its cookie; and
the door fuzzed: it never opens without the token, never answers 5xx."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mocks import ZoomEmulator
from mocks.api import control, dashboard
from mocks.proxy.zoom_proxy import ZoomProxy, proxy_routes
from mocks.serving.server import ServedEmulator

NO_TOKEN = "The control surface needs its token: no control token was sent. Send it as 'Authorization: Bearer <token>'"
WRONG_TOKEN = "The control surface needs its token: the control token sent is not this server's."
#: A body per route that would change something if the call got through.
BODIES: dict[str, Any] = {
    "control.seed": {"accounts": [{"id": "acct-intruder", "plan": "Business"}]},
    "control.accounts.create": {"account_id": "acct-intruder", "domain": "intruder.example"},
    "control.accounts.update": {"plan": "Pro"},
    "control.users.update": {"role": "Admin"},
    "control.apps.create": {"account_id": "ACCOUNT", "name": "Intruder"},
    "control.apps.update": {"description": "changed by an intruder"},
    "control.clock.set": {"advance": 3600},
    "control.faults.add": {"route": "*", "status": 503, "times": None},
    "control.settings.update": {"rate_limits": False},
}
#: Every control route of a served emulator: the control surface and the dashboard's.
EMULATOR_ROUTES = [*control.routes.table, *dashboard.routes.table]


class Ready:
    """An account, an app and a user: the IDs a route's path names."""

    def __init__(self, emulator: ZoomEmulator) -> None:
        emulator.reset()
        app = emulator.state.app_by_client_id(emulator.ready_account(account_id="ACCOUNT").client_id)
        assert app is not None
        user = emulator.state.create_user("ACCOUNT", "u@example.com")
        self.ids = {"account_id": "ACCOUNT", "app_id": app.id, "user_id": user.id, "action": "deactivate"}

    def path(self, template: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda found: self.ids[found.group(1)], template)


def _body(name: str) -> Any:
    body = BODIES.get(name)
    return None if body is None else json.loads(json.dumps(body))


def _snapshot(http: httpx.Client, headers: dict[str, str], account: bool = True) -> dict[str, Any]:
    """Everything the control surface shows, read with the token."""
    reads = ["/faults", "/journal"] + (["/state", "/settings", "/clock", "/accounts/ACCOUNT/users"] if account else [])
    return {path: http.get(f"/_emulator{path}", headers=headers).json() for path in reads}


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    emulator = ZoomEmulator()
    emulator.clock.freeze()  # the state's time stands still between two snapshots
    with ServedEmulator(emulator) as server:
        yield server


@pytest.fixture(scope="module")
def served_proxy(served: ServedEmulator) -> Iterator[ServedEmulator]:
    with ServedEmulator(ZoomProxy(upstream_token_url=served.url, upstream_api_url=served.url)) as server:
        yield server


def _refusals(http: httpx.Client, route: Any, path: str, body: Any) -> None:
    bare = http.request(route.method, path, json=body)
    assert bare.status_code == 401, (route.name, bare.text)
    assert bare.json() == {"code": 401, "message": bare.json()["message"]}
    assert bare.json()["message"].startswith(NO_TOKEN), bare.text
    assert bare.headers["www-authenticate"] == 'Bearer realm="zoom-harness control"'
    for wrong in ({"Authorization": "Bearer not-the-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
                  {"Cookie": "zoom_emulator_session=forged"}):  # fmt: skip
        refused = http.request(route.method, path, json=body, headers=wrong)
        assert refused.status_code == 401, (route.name, wrong, refused.text)
    wrong_token = http.request(route.method, path, json=body, headers={"Authorization": "Bearer not-the-token"})
    assert wrong_token.json()["message"].startswith(WRONG_TOKEN)


def test_every_control_route_of_the_emulator_needs_the_token_and_a_refusal_changes_nothing(
    served: ServedEmulator,
) -> None:
    emulator: ZoomEmulator = served.emulator  # type: ignore[assignment]
    token = served.control_headers
    ready = Ready(emulator)
    emulator.inject(route="scim.users.get", status=502, times=None)  # a fault and a journal to keep
    with httpx.Client(base_url=served.url, timeout=10) as http:
        http.get("/v2/users/me")
        before = _snapshot(http, token)
        for route in EMULATOR_ROUTES:
            _refusals(http, route, ready.path(route.template), _body(route.name))
        assert _snapshot(http, token) == before, "a refused call changed the emulator"
        for route in EMULATOR_ROUTES:
            ready = Ready(emulator)
            granted = http.request(route.method, ready.path(route.template), json=_body(route.name), headers=token)
            assert 200 <= granted.status_code < 300, (route.name, granted.text)
    assert len(EMULATOR_ROUTES) == 22  # a new control route joins this matrix


def test_every_control_route_of_the_proxy_needs_the_token_and_a_refusal_changes_nothing(
    served_proxy: ServedEmulator,
) -> None:
    proxy: ZoomProxy = served_proxy.emulator  # type: ignore[assignment]
    token = served_proxy.control_headers
    ready = Ready(ZoomEmulator())  # the IDs a path names; the proxy has none of its own
    proxy.inject(route="scim.users.get", status=502, times=None)
    with httpx.Client(base_url=served_proxy.url, timeout=10) as http:
        http.get("/v2/users/me")
        before = _snapshot(http, token, account=False)
        for route in proxy_routes.table:
            _refusals(http, route, ready.path(route.template), _body(route.name))
        assert _snapshot(http, token, account=False) == before, "a refused call changed the proxy"
        names = []
        for route in proxy_routes.table:
            granted = http.request(route.method, ready.path(route.template), json=_body(route.name), headers=token)
            assert 200 <= granted.status_code < 300, (route.name, granted.text)
            names.append(route.name)
    assert names == ["control.faults.list", "control.faults.add", "control.faults.clear", "control.journal.get",
                     "control.journal.clear", "control.dashboard", "control.proxy", "control.overview"]  # fmt: skip
    assert served_proxy.control_token != "" and served_proxy.control_headers != {}


def test_an_unknown_control_path_is_refused_before_it_is_told_apart(served: ServedEmulator) -> None:
    with httpx.Client(base_url=served.url, timeout=10) as http:
        assert http.get("/_emulator/nowhere").status_code == 401
        assert http.get("/_emulator/nowhere", headers=served.control_headers).status_code == 404


def test_a_browser_logs_in_once_and_carries_a_strict_http_only_cookie(served: ServedEmulator) -> None:
    token = served.control_token
    with httpx.Client(base_url=served.url, timeout=10) as browser:
        page = browser.get("/_emulator/login")
        assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
        assert '<form method="post" action="/_emulator/login">' in page.text and 'type="password"' in page.text
        assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
        assert "form-action 'self'" in page.headers["content-security-policy"]
        asked = browser.get("/_emulator/faults", headers={"Accept": "text/html"})
        assert (asked.status_code, asked.headers["location"]) == (303, "/_emulator/login?next=/_emulator/faults")
        wrong = browser.post("/_emulator/login", data={"token": token[::-1], "next": "/_emulator/faults"})
        assert wrong.status_code == 401 and "That is not this server&#x27;s control token." in wrong.text
        assert "set-cookie" not in wrong.headers and not browser.cookies
        signed = browser.post("/_emulator/login", data={"token": token, "next": "/_emulator/faults"})
        assert (signed.status_code, signed.headers["location"]) == (303, "/_emulator/faults")
        cookie = signed.headers["set-cookie"]
        name, _, rest = cookie.partition("=")
        value, *attributes = rest.split("; ")
        assert name == "zoom_emulator_session" and value and token not in value
        assert attributes == ["Path=/_emulator", "HttpOnly", "SameSite=Strict"]
        assert browser.get("/_emulator/faults").status_code == 200  # the cookie alone lets it in
        assert token not in browser.get("/_emulator/login?next=/_emulator/state", follow_redirects=True).text
        out = browser.post("/_emulator/logout")
        assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
        replayed = httpx.get(f"{served.url}/_emulator/faults", headers={"Cookie": f"zoom_emulator_session={value}"})
        assert replayed.status_code == 401, "a session outlived its logout"
        away = browser.post("/_emulator/login", data={"token": token, "next": "//evil.example/x"})
        assert away.headers["location"] == "/_emulator/dashboard"
        journal = browser.get("/_emulator/journal", headers=served.control_headers).text
    assert token not in journal, journal
    # Control calls are never journaled (an unknown control path is, as any unrouted call).
    assert not re.search(r"/_emulator/(login|logout|faults|journal)", journal)


def test_in_process_the_control_surface_is_open_until_a_token_is_set() -> None:
    emulator = ZoomEmulator()
    with httpx.Client(transport=emulator.transport()) as http:
        assert http.get(f"{emulator.api_base_url}/_emulator/clock").status_code == 200
        emulator.control_guard.set_token("set-later")
        assert http.get(f"{emulator.api_base_url}/_emulator/clock").status_code == 401
        headers = {"Authorization": "Bearer set-later"}
        assert http.get(f"{emulator.api_base_url}/_emulator/clock", headers=headers).status_code == 200
    assert "set-later" not in repr(emulator.control_guard)


GUARDED = ZoomEmulator(control_token="fuzz-token")
GUARDED.clock.freeze()
GUARDED_HTTP = httpx.Client(transport=GUARDED.transport())
PATHS = [re.sub(r"\{\w+\}", "x", r.template) for r in control.routes.table] + ["/_emulator/login", "/_emulator/logout"]
headers_strategy = st.dictionaries(
    st.sampled_from(["Authorization", "Cookie", "Accept", "Content-Type"]),
    st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
        st.sampled_from(["Bearer fuzz-tokenx", "Bearer ", "bearer fuzz-toke", "Basic fuzz-token", "text/html",
                         "zoom_emulator_session=fuzz-token", 'zoom_emulator_session="x"; a=b', "Bearer\tfuzz"]),
    ),
    max_size=4,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    path=st.sampled_from(PATHS),
    method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT"]),
    headers=headers_strategy,
    body=st.one_of(st.binary(max_size=120), st.sampled_from([b"token=fuzz-tokenx", b"token=&next=//x", b"next=%00"])),
)
def test_the_door_never_opens_without_the_token_and_never_fails(
    path: str, method: str, headers: dict[str, str], body: bytes
) -> None:
    before = (len(GUARDED.faults.rules()), GUARDED.clock.now(), len(GUARDED.state.accounts))
    answer = GUARDED_HTTP.request(method, f"{GUARDED.api_base_url}{path}", headers=headers, content=body)
    assert answer.status_code < 500, answer.text
    if path == "/_emulator/login":
        assert answer.status_code in (200, 401, 405) and "set-cookie" not in answer.headers
    elif path == "/_emulator/logout" and method == "POST":
        assert answer.status_code == 303
    else:
        assert answer.status_code in (303, 401, 404), (path, method, headers, answer.status_code)
    assert (len(GUARDED.faults.rules()), GUARDED.clock.now(), len(GUARDED.state.accounts)) == before
    assert "fuzz-token" not in answer.text

"""Hostile input against every route of the emulator: no 500, no traceback, a Zoom-shaped 4xx,
and the state's invariants intact. Runs in-process for volume and through the served socket."""

from __future__ import annotations

import json
import os
import re
import string
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mocks import ZoomEmulator
from mocks.serving.server import ServedEmulator

ROUTES = [r for r in ZoomEmulator()._api_router.routes if r.family in ("scim", "rest")] + [
    r for r in ZoomEmulator()._token_router.routes if r.family == "oauth"
]
TRICKS = ["..", "%2e%2e", "%00", "me", "x" * 300, "ünï", "a&b", "%2F", "", " ", "'\"", "{}"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
known_keys = st.sampled_from(
    [
        "schemas",
        "userName",
        "name",
        "active",
        "userType",
        "roles",
        "emails",
        "Operations",
        "op",
        "path",
        "value",
        "action",
        "user_info",
        "email",
        "type",
        "displayName",
        "members",
        "first_name",
        "app_name",
        "scopes",
    ]
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(known_keys, json_values, max_size=6).map(lambda v: json.dumps(v).encode()),
    st.text(alphabet=string.printable, max_size=3000).map(str.encode),
)
auth = st.sampled_from(["good", "none", "garbage", "basic", "double", "lowercase"])


@st.composite
def calls(draw: st.DrawFn) -> dict[str, Any]:
    route = draw(st.sampled_from(ROUTES))
    method = draw(st.sampled_from([route.method, route.method, "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]))
    path = re.sub(r"\{\w+\}", lambda _: draw(st.sampled_from([*TRICKS, "USER"])), route.template)
    query = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "filter",
                    "startIndex",
                    "count",
                    "status",
                    "page_size",
                    "next_page_token",
                    "action",
                    "email",
                    "grant_type",
                    "account_id",
                    "token",
                ]
            ),
            st.text(max_size=60) | st.sampled_from(['userName eq "x@example.com"', "-1", "0", "99999", "a eq b"]),
            max_size=3,
        )
    )
    content_type = draw(st.sampled_from(["application/json", "application/scim+json", "text/plain", "", "multipart/x"]))
    return {"method": method, "path": path, "query": query, "body": draw(bodies), "auth": draw(auth),
            "content_type": content_type}  # fmt: skip


class Target:
    """A ready emulator and the means to send one fuzzed call to it."""

    def __init__(self, zoom: ZoomEmulator, http: httpx.Client) -> None:
        self.zoom = zoom
        self.http = http
        self.credentials = zoom.ready_account(domain=f"f{len(zoom.state.accounts)}.example")
        token = http.post(
            self.credentials.token_url,
            data={"grant_type": "account_credentials", "account_id": self.credentials.account_id},
            auth=(self.credentials.client_id, self.credentials.client_secret),
        ).json()["access_token"]
        self.token = token
        self.user_id = zoom.state.create_user(
            self.credentials.account_id, f"fuzz{len(zoom.state.accounts)}@example.com"
        ).id
        self.sent = 0

    def send(self, call: dict[str, Any]) -> httpx.Response:
        headers: list[tuple[str, str]] = []
        if call["content_type"]:
            headers.append(("Content-Type", call["content_type"]))
        kind = call["auth"]
        if kind == "good":
            headers.append(("Authorization", f"Bearer {self.token}"))
        elif kind == "garbage":
            headers.append(("Authorization", "Bearer eyJ\x7fnot"[:9]))
        elif kind == "basic":
            headers.append(("Authorization", "Basic Zm9vOmJhcg=="))
        elif kind == "double":
            headers += [("Authorization", f"Bearer {self.token}"), ("Authorization", f"Bearer {self.token}")]
        elif kind == "lowercase":
            headers.append(("authorization", f"bearer {self.token}"))
        path = call["path"].replace("USER", self.user_id)
        base = self.zoom.token_base_url if path.startswith("/oauth") else self.zoom.api_base_url
        self.sent += 1
        return self.http.request(
            call["method"], base + path, params=call["query"], content=call["body"], headers=headers
        )


def _zoom_shaped(response: httpx.Response) -> bool:
    if response.status_code < 400:
        return True
    body = response.json()
    return (
        set(body) >= {"code", "message"}
        or set(body) == {"reason", "error"}
        or (body.get("schemas") == ["urn:ietf:params:scim:api:messages:2.0:Error"] and "detail" in body)
    )


def _invariants(zoom: ZoomEmulator) -> None:
    by_name = zoom.state._users_by_name
    every = {u.id: u for users in zoom.state._users.values() for u in users.values()}
    assert len(by_name) == len(every), "the userName index and the users differ"
    for name, user in by_name.items():
        assert every.get(user.id) is user and user.user_name.lower() == name
    for account_id, groups in zoom.state._groups.items():
        for group in groups.values():
            assert all(member in zoom.state._users[account_id] for member in group.members)


def _check(target: Target, call: dict[str, Any]) -> None:
    response = target.send(call)
    assert response.status_code < 500, (call, response.status_code, response.text[:300])
    assert "Traceback" not in response.text and 'File "' not in response.text
    if response.content and call["method"] != "HEAD":
        assert _zoom_shaped(response), (call, response.text[:300])
    _invariants(target.zoom)


#: Soak: ZOOM_HARNESS_FUZZ_EXAMPLES=20000 pytest tests/reliability/test_fuzz.py -s
EXAMPLES = int(os.environ.get("ZOOM_HARNESS_FUZZ_EXAMPLES", "400"))
IN_PROCESS = ZoomEmulator()
IN_PROCESS_TARGET = Target(IN_PROCESS, httpx.Client(transport=IN_PROCESS.transport()))
IN_PROCESS.settings.rate_limits = False


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(calls())
def fuzz_in_process(call: dict[str, Any]) -> None:
    _check(IN_PROCESS_TARGET, call)


def test_fuzz_every_route_in_process() -> None:
    before = IN_PROCESS_TARGET.sent
    fuzz_in_process()
    tried = IN_PROCESS_TARGET.sent - before
    assert tried >= min(EXAMPLES, 300)
    print(f"fuzz: {tried} requests in-process, no 500, no traceback, invariants intact")


def test_fuzz_every_route_through_the_served_socket() -> None:
    with ServedEmulator() as served, httpx.Client(timeout=10) as http:
        served.emulator.settings.rate_limits = False
        target = Target(served.emulator, http)

        @settings(max_examples=max(120, EXAMPLES // 4), deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        @given(calls())
        def fuzz(call: dict[str, Any]) -> None:
            _check(target, call)

        fuzz()
        assert target.sent >= 100
        print(f"fuzz: {target.sent} requests through the served socket")

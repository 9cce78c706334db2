"""What the dashboard reads: the overview of an emulator and of a proxy, and the journal's newest
exchanges. Values are set up here and read back; secrets never appear."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mocks import ZoomEmulator
from mocks.proxy.pacing import Pacer
from mocks.proxy.zoom_proxy import ZoomProxy

SECRET = "overview-client-secret-0123456789"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def _client(emulator: ZoomEmulator | ZoomProxy, credentials: Any) -> httpx.Client:
    token_url = f"{emulator.token_base_url}/oauth/token"
    grant = {"grant_type": "account_credentials", "account_id": credentials.account_id}
    http = httpx.Client(transport=emulator.transport())
    bearer = http.post(token_url, data=grant, auth=(credentials.client_id, SECRET)).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {bearer}"
    return http


def _control(emulator: ZoomEmulator | ZoomProxy, path: str) -> httpx.Response:
    with httpx.Client(transport=emulator.transport()) as http:
        return http.get(f"{emulator.api_base_url}/_emulator{path}")


def test_the_overview_shows_accounts_apps_users_groups_tokens_and_counters_but_no_secret() -> None:
    zoom = ZoomEmulator()
    zoom.clock.freeze()
    credentials = zoom.ready_account(account_id="ACCT", domain="view.example", client_secret=SECRET)
    http = _client(zoom, credentials)
    for n, (given, family) in enumerate([("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper")]):
        body = {"schemas": [CORE], "userName": f"u{n}@view.example", "name": {"givenName": given, "familyName": family}}
        assert http.post(f"{zoom.api_base_url}/scim2/Users", json=body).status_code == 201
    users = http.get(f"{zoom.api_base_url}/scim2/Users").json()["Resources"]
    turing = next(u for u in users if u["userName"] == "u1@view.example")
    assert http.get(f"{zoom.api_base_url}/scim2/Users/{turing['id']}").status_code == 200
    zoom.state.create_group("ACCT", "Engineering", members=[turing["id"]])
    zoom.inject(route="scim.users.get", status=503, times=2)

    overview = _control(zoom, "/overview").json()
    assert overview["kind"] == "emulator" and overview["clock"]["frozen"] is True
    assert [(a["id"], a["plan"], a["users"], a["groups"]) for a in overview["accounts"]] == [("ACCT", "Business", 4, 1)]
    (app,) = overview["apps"]
    assert (app["name"], app["status"], app["client_id"]) == ("PingFederate Zoom Provisioner", "activated",
                                                              credentials.client_id)  # fmt: skip
    assert "user:write:admin" in app["scopes"] and "client_secret" not in app
    # Newest first; the owner the account was made with is a user too.
    assert [u["user_name"] for u in overview["users"]["rows"][:3]] == [f"u{n}@view.example" for n in (2, 1, 0)]
    assert overview["users"]["count"] == 4
    assert [g["display_name"] for g in overview["groups"]["rows"]] == ["Engineering"]
    assert overview["groups"]["rows"][0]["members"] == 1
    (token,) = overview["tokens"]["rows"]
    assert token["state"] == "live" and token["app_id"] == app["id"] and set(token) == {
        "app_id", "account_id", "scopes", "issued", "expires", "state"}  # fmt: skip
    (fault,) = overview["faults"]
    assert (fault["route"], fault["status"], fault["times"]) == ("scim.users.get", 503, 2)
    # Reference §5, Business+: Light 80 req/s (a user's GET), Medium 60 req/s (the list).
    counters = {(c["category"], c["window"]): (c["used"], c["limit"]) for c in overview["rate_limits"]["counters"]}
    assert counters[("Light", "second")] == (4, 80)  # three creates and a GET, in the frozen second
    assert counters[("Medium", "second")] == (1, 60)
    assert "scim.users.create" in overview["routes"] and not any(r.startswith("control.") for r in overview["routes"])
    text = json.dumps(overview)
    bearer = http.headers["Authorization"].split()[1]
    assert SECRET not in text and bearer not in text

    # A search narrows the rows, not the count; a limit bounds the rows.
    found = _control(zoom, "/overview?q=turing").json()["users"]
    assert (found["count"], found["found"], [u["user_name"] for u in found["rows"]]) == (4, 1, ["u1@view.example"])
    assert len(_control(zoom, "/overview?limit=2").json()["users"]["rows"]) == 2
    # A revoked token is shown as revoked, an expired one as expired.
    zoom.state.revoke_all_tokens()
    assert _control(zoom, "/overview").json()["tokens"]["rows"][0]["state"] == "revoked"
    _client(zoom, credentials)
    zoom.clock.advance(3601)
    assert _control(zoom, "/overview").json()["tokens"]["rows"][0]["state"] == "expired"


def test_the_journal_gives_its_newest_exchanges_numbered_and_bounded() -> None:
    zoom = ZoomEmulator()
    credentials = zoom.ready_account(client_secret=SECRET)
    http = _client(zoom, credentials)  # exchange 1: the token
    for _ in range(5):
        http.get(f"{zoom.api_base_url}/v2/users/me")  # exchanges 2 to 6
    page = _control(zoom, "/journal?after=2&limit=3").json()
    assert page["last"] == 6
    assert [e["number"] for e in page["entries"]] == [4, 5, 6]
    assert page["entries"][0]["request_headers"]["authorization"] == "Bearer [REDACTED]"
    assert _control(zoom, "/journal?after=6&limit=3").json() == {"entries": [], "last": 6}
    assert [e["number"] for e in _control(zoom, "/journal?limit=2").json()["entries"]] == [5, 6]
    for wrong in ("0", "1001", "x", "-1"):
        refused = _control(zoom, f"/journal?after=0&limit={wrong}")
        assert refused.status_code == 400
        assert refused.json() == {"code": 300, "message": "limit must be a whole number from 1 to 1000"}
    # Without a limit, the journal reads as before: every exchange after N, unnumbered.
    plain = _control(zoom, "/journal?after=4").json()
    assert plain["last"] == 6 and len(plain["entries"]) == 2 and "number" not in plain["entries"][0]


def test_the_proxy_overview_shows_its_upstream_pacing_and_faults() -> None:
    zoom = ZoomEmulator()
    credentials = zoom.ready_account(client_secret=SECRET)
    proxy = ZoomProxy(upstream_token_url=zoom.token_base_url, upstream_api_url=zoom.api_base_url,
                      transport=zoom.transport(), pacer=Pacer(share=0.5))  # fmt: skip
    proxy.set_base_urls("http://proxy.test", "http://proxy.test")
    http = _client(proxy, credentials)
    assert http.get("http://proxy.test/v2/users/me").status_code == 200
    proxy.inject(route="rest.users.me", status=429, times=None)
    overview = _control(proxy, "/overview").json()
    assert overview["kind"] == "proxy"
    assert overview["upstream"] == {
        "token_url": f"{zoom.token_base_url}/oauth/token",
        "api_base_url": zoom.api_base_url,
    }
    assert (overview["forwarded"], overview["injected"], overview["paced"]) == (2, 0, True)
    assert [(f["route"], f["status"], f["times"]) for f in overview["faults"]] == [("rest.users.me", 429, None)]
    pacing = {p["category"]: p for p in overview["pacing"]}
    # Half of Business's Light 80 req/s (reference §5): 40 calls may start in a second.
    assert pacing["Light"]["limit"] == 80 and pacing["Light"]["allowed"] == 40 and pacing["Light"]["started"] == 1
    assert pacing["Medium"]["started"] == 0 and pacing["Light"]["held_for"] == 0
    assert SECRET not in json.dumps(overview)


def test_the_overview_refuses_nothing_it_cannot_read() -> None:
    """Odd query values fall back to the defaults instead of failing the page's poll."""
    zoom = ZoomEmulator()
    zoom.ready_account()
    for query in ("?limit=x", "?limit=0", "?limit=-3", "?q=%00", "?limit=99999"):
        answer = _control(zoom, f"/overview{query}")
        assert answer.status_code == 200, (query, answer.text)


@pytest.mark.parametrize("path", ["/overview", "/dashboard"])
def test_a_guarded_emulator_refuses_the_dashboards_reads_without_its_token(path: str) -> None:
    zoom = ZoomEmulator(control_token="t0ken-for-the-dashboard-test")
    zoom.ready_account()
    refused = _control(zoom, path)
    assert refused.status_code == 401 and refused.json()["message"].startswith("The control surface needs its token")

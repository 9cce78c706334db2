"""The three mountings share one handler; latency, timeouts and drops look real in each."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from mocks import ZoomEmulator
from mocks.serving.server import ServedEmulator
from tests.emulator.conftest import CORE_USER, Zoom


def _user_count(zoom: Zoom) -> int:
    return len(zoom.emulator.state.users(zoom.credentials.account_id))


@pytest.mark.parametrize("applied", [False, True])
def test_dropped_connection(zoom: Zoom, applied: bool) -> None:
    token = zoom.token()
    before = _user_count(zoom)
    zoom.emulator.inject(route="scim.users.create", drop=True, applied=applied)
    with pytest.raises(httpx.RemoteProtocolError):
        zoom.call("POST", "/scim2/Users", token=token, json={"schemas": [CORE_USER], "userName": "drop@example.com"})
    assert _user_count(zoom) == before + (1 if applied else 0)
    assert zoom.emulator.journal.entries()[-1].note == "fault: dropped"


def test_latency_below_the_timeout_answers_late(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.emulator.inject(route="scim.users.list", latency=0.2)
    before, started = zoom.emulator.clock.now(), time.monotonic()
    response = zoom.call("GET", "/scim2/Users", token=token, timeout=5)
    assert response.status_code == 200
    if zoom.mounting == "served":
        assert time.monotonic() - started >= 0.2
    else:  # in-process latency costs emulator time, not real time
        assert zoom.emulator.clock.now() - before >= 0.2
        assert time.monotonic() - started < 0.2


@pytest.mark.parametrize("applied", [False, True])
def test_latency_past_the_timeout_times_out(zoom: Zoom, applied: bool) -> None:
    token = zoom.token()
    before = _user_count(zoom)
    zoom.emulator.inject(route="scim.users.create", latency=0.5, applied=applied)
    with pytest.raises(httpx.ReadTimeout):
        zoom.call(
            "POST",
            "/scim2/Users",
            token=token,
            json={"schemas": [CORE_USER], "userName": "slow@example.com"},
            timeout=httpx.Timeout(5, read=0.2),
        )
    if zoom.mounting == "served":
        time.sleep(0.4)  # past the latency: a call the client gave up on never lands
    assert _user_count(zoom) == before + (1 if applied else 0)


def test_async_clients_through_the_transport_and_respx() -> None:
    emulator = ZoomEmulator()
    creds = emulator.ready_account()

    async def token_with(client: httpx.AsyncClient) -> int:
        response = await client.post(
            creds.token_url,
            params={"grant_type": "account_credentials", "account_id": creds.account_id},
            auth=(creds.client_id, creds.client_secret),
        )
        return response.status_code

    async def both() -> tuple[int, int]:
        async with httpx.AsyncClient(transport=emulator.transport()) as direct:
            first = await token_with(direct)
        with emulator.mock():
            async with httpx.AsyncClient() as patched:
                second = await token_with(patched)
        return first, second

    assert asyncio.run(both()) == (200, 200)


def test_respx_refuses_hosts_that_are_not_zoom() -> None:
    emulator = ZoomEmulator()
    with emulator.mock(), pytest.raises(Exception, match="not mocked"):
        httpx.get("https://example.org/")


def test_base_urls_are_configurable() -> None:
    emulator = ZoomEmulator(token_base_url="https://login.test/zoom", api_base_url="https://gateway.test/api")
    creds = emulator.ready_account()
    assert creds.token_url == "https://login.test/zoom/oauth/token"
    client = httpx.Client(transport=emulator.transport())
    body = client.post(
        creds.token_url,
        params={"grant_type": "account_credentials", "account_id": creds.account_id},
        auth=(creds.client_id, creds.client_secret),
    ).json()
    assert body["api_url"] == "https://gateway.test/api"
    users = client.get(
        "https://gateway.test/api/scim2/Users", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert users.status_code == 200
    assert client.get("https://gateway.test/scim2/Users").status_code == 404  # outside the prefix
    assert client.post("https://gateway.test/api/oauth/token").status_code == 404  # token route on the API host
    with pytest.raises(ValueError):
        ZoomEmulator(api_base_url="ftp://nowhere")


@pytest.mark.parametrize(("token_base", "api_base"), [("https://zoom.test", "https://zoom.test/api"),
                                                    ("https://zoom.test/login", "https://zoom.test")])  # fmt: skip
def test_a_base_below_the_other_on_one_host_answers_its_own_calls(token_base: str, api_base: str) -> None:
    emulator = ZoomEmulator(token_base_url=token_base, api_base_url=api_base)
    creds = emulator.ready_account()
    client = httpx.Client(transport=emulator.transport())
    token = client.post(
        creds.token_url, data={"grant_type": "account_credentials", "account_id": creds.account_id},
        auth=(creds.client_id, creds.client_secret),
    )  # fmt: skip
    assert token.status_code == 200 and token.json()["api_url"] == api_base
    users = client.get(f"{api_base}/scim2/Users", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert users.status_code == 200 and users.json()["Resources"][0]["userName"] == "owner@example.com"
    assert [(e.url, e.route) for e in emulator.journal.entries()] == [
        (creds.token_url, "oauth.token"), (f"{api_base}/scim2/Users", "scim.users.list")
    ]  # fmt: skip


def test_served_emulator_binds_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ServedEmulator(host="0.0.0.0")
    with ServedEmulator() as served:
        assert served.url.startswith("http://127.0.0.1:")
        assert (
            httpx.get(
                f"{served.url.replace('127.0.0.1', 'localhost')}/_emulator/clock", headers=served.control_headers
            ).status_code
            == 200
        )

"""Every emulator test runs through each mounting: httpx transport, respx, a real server, and the
harness's proxy in front of the emulator (so every wire behaviour is proven to pass through it)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mocks import Credentials, ZoomEmulator
from mocks.core.client_tls import shared_tls
from mocks.proxy.zoom_proxy import ZoomProxy
from mocks.serving.server import ServedEmulator

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
#: A Server-to-Server app as the Marketplace's master API creates it (zoom-api.md §6.1's create body).
S2S_APP = {
    "app_name": "provisioning-test",
    "app_type": "s2s_oauth",
    "company_name": "Acme",
    "contact_name": "Dev Person",
    "contact_email": "dev@example.com",
    "scopes": ["scim2"],
    "active": True,
}


@dataclass
class Zoom:
    """A client wired to the emulator by one mounting, with a ready account."""

    emulator: ZoomEmulator
    http: httpx.Client
    credentials: Credentials
    mounting: str

    @property
    def api(self) -> str:
        return self.emulator.api_base_url

    def token_response(self, credentials: Credentials | None = None, **params: Any) -> httpx.Response:
        creds = credentials or self.credentials
        query = {"grant_type": "account_credentials", "account_id": creds.account_id, **params}
        return self.http.post(self.emulator.token_url, params=query, auth=(creds.client_id, creds.client_secret))

    def token(self, credentials: Credentials | None = None) -> str:
        response = self.token_response(credentials)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        headers.setdefault("Authorization", f"Bearer {token or self.token()}")
        return self.http.request(method, f"{self.api}{path}", headers=headers, **kwargs)

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call to the control surface, with its token where the mounting has one (served)."""
        token = self.emulator.control_guard.token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, f"{self.api}/_emulator{path}", headers=headers, **kwargs)

    def frozen_instant(self) -> str:
        """Freezes the emulator's clock; the instant as Zoom writes it (``2019-06-01T07:58:03Z``,
        zoom-api.md §4.1), computed here rather than by the emulator's own formatting."""
        self.emulator.clock.freeze()
        return datetime.fromtimestamp(int(self.emulator.clock.now()), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def create_user(self, user_name: str, token: str | None = None, **attributes: Any) -> dict[str, Any]:
        body = {"schemas": [CORE_USER], "userName": user_name, **attributes}
        response = self.call("POST", "/scim2/Users", token=token, json=body)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="session")
def served_emulator() -> Iterator[ServedEmulator]:
    with ServedEmulator() as served:
        yield served


MOUNTINGS = ("transport", "respx", "served", "proxied")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test through every mounting; a module lists fewer in ``MOUNTINGS`` (the emulator's
    control surface is not the proxy's)."""
    if "zoom" in metafunc.fixturenames:
        metafunc.parametrize("zoom", getattr(metafunc.module, "MOUNTINGS", MOUNTINGS), indirect=True)


@pytest.fixture
def zoom(request: pytest.FixtureRequest) -> Iterator[Zoom]:
    mounting = request.param
    if mounting == "served":
        served: ServedEmulator = request.getfixturevalue("served_emulator")
        emulator = served.emulator
        emulator.reset()
        emulator.clock.unfreeze()
        # Without TCP_NODELAY a request body waits ~40 ms for the delayed ACK of its headers.
        transport = httpx.HTTPTransport(
            verify=shared_tls(), socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        with httpx.Client(timeout=10, transport=transport) as http:
            yield Zoom(emulator, http, emulator.ready_account(), mounting)
        return
    emulator = ZoomEmulator()
    credentials = emulator.ready_account()
    if mounting == "transport":
        with httpx.Client(transport=emulator.transport()) as http:
            yield Zoom(emulator, http, credentials, mounting)
    elif mounting == "proxied":
        proxy = ZoomProxy(transport=emulator.transport())  # answers under Zoom's names, as the emulator
        with httpx.Client(transport=proxy.transport()) as http:
            yield Zoom(emulator, http, credentials, mounting)
    else:
        with emulator.mock(), httpx.Client(verify=shared_tls()) as http:
            yield Zoom(emulator, http, credentials, mounting)

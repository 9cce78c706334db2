"""pytest fixtures for the Zoom emulator (usable alone: ``pytest_plugins = ["mocks.pytest_plugin"]``).

- ``zoom_emulator``: a fresh emulator answering for ``zoom.us`` and ``api.zoom.us`` through respx,
  so any httpx client, sync or async, reaches it without configuration.
- ``zoom_emulator_server``: one emulator served on a free loopback port for the session; reset it
  (``zoom_emulator_server.emulator.reset()``) where a test needs a clean slate.
- ``zoom_emulator_control``: an httpx client of that server that carries its control token
  (``zoom_emulator_control.get("/_emulator/state")``).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mocks.api.emulator import ZoomEmulator
from mocks.core.client_tls import shared_tls
from mocks.serving.server import ServedEmulator


@pytest.fixture
def zoom_emulator() -> Iterator[ZoomEmulator]:
    emulator = ZoomEmulator()
    with emulator.mock():
        yield emulator


@pytest.fixture(scope="session")
def zoom_emulator_server() -> Iterator[ServedEmulator]:
    with ServedEmulator() as served:
        yield served


@pytest.fixture
def zoom_emulator_control(zoom_emulator_server: ServedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=zoom_emulator_server.url, verify=shared_tls(), headers=zoom_emulator_server.control_headers
    ) as client:
        yield client

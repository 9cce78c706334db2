"""A Zoom emulator: Server-to-Server OAuth, Marketplace apps, SCIM2 and REST v2 users.

It imports nothing of the harness and can be used alone::

    from mocks import ZoomEmulator

    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    client = httpx.Client(transport=zoom.transport())
"""

from mocks.api.emulator import Credentials, Outcome, ZoomEmulator
from mocks.api.faults import Fault
from mocks.core.clock import Clock
from mocks.state.scopes import PROVISIONING_SCOPES
from mocks.state.seed import SeedError, apply_seed, load_seed
from mocks.state.settings import EmulatorSettings

__all__ = [
    "PROVISIONING_SCOPES",
    "Clock",
    "Credentials",
    "EmulatorSettings",
    "Fault",
    "Outcome",
    "SeedError",
    "ZoomEmulator",
    "apply_seed",
    "load_seed",
]

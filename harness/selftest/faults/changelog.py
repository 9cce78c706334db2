"""Faults of the group CHG: changelog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import fault
from harness.selftest.faults.hooks import within
from mocks.api import oauth
from mocks.api.routing import Call
from mocks.state.models import App


@fault("jwt-credentials-accepted", "CHG-01", "emulator", "a JWT app's key and secret obtain a token")
def _jwt(mp: pytest.MonkeyPatch) -> None:
    authenticated = oauth._authenticated_app

    def any_client(call: Call) -> App:
        try:
            return authenticated(call)
        except Exception:
            return next(iter(call.state.apps.values()))

    mp.setattr(oauth, "_authenticated_app", any_client)


def _without_licence(update: Callable[..., Any]) -> Callable[..., Any]:
    return lambda user_id, body, **kwargs: update(user_id, {k: v for k, v in body.items() if k != "userType"},
                                                  **kwargs)  # fmt: skip


fault("licence-not-restored", "CHG-02", "provisioner", "re-enabling a user sends no licence")(
    within("_enable", "update_user", _without_licence)
)


@fault("licence-known-from-creation-only", "CHG-02", "provisioner",
       "the licence to restore is the one Zoom answered at creation, not since")  # fmt: skip
def _licence_from_creation(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def keeping_licence(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = update(self, plan, deadline)
        if outcome.record is not None and plan.record is not None:
            outcome.record.licence = plan.record.licence
        return outcome

    mp.setattr(Provisioner, "_update", keeping_licence)

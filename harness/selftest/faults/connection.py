"""Faults of the group CONN: the connection and channel activation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from harness.provisioner import engine
from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import fault
from harness.zoom import preflight
from mocks.api import oauth
from mocks.api.routing import Call


@fault("activation-skips-verification", "CONN-02 CONN-03 CONN-04", "preflight", "activation checks nothing")
def _no_verification(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "activate", lambda self: setattr(self.channel, "active", True) or preflight.Readiness())


@fault(
    "credentials-checked-when-typed",
    "CONN-02",
    "provisioner",
    "the connection calls Zoom when credentials are typed in",
)
def _eager_check(mp: pytest.MonkeyPatch) -> None:
    from harness.bdd.channel import ChannelUnderTest

    set_target = ChannelUnderTest.set_target

    def eager(self: ChannelUnderTest, target: Any = None, **changes: str) -> None:
        set_target(self, target, **changes)
        assert self.target is not None
        with contextlib.suppress(Exception):  # a refused token is a call to Zoom all the same
            self.zoom.client_for(self.target).fetch_token()

    mp.setattr(ChannelUnderTest, "set_target", eager)


@fault("wrong-secret-cause-vague", "CONN-03", "preflight", "a wrong secret is reported as a network failure")
def _vague_secret(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: error == "invalid_client", "the token request failed")


WRONG_SECRET = "the client ID or client secret is wrong"


def _misreported_refusal(mp: pytest.MonkeyPatch, applies: Callable[[str, str], bool], said: str) -> None:
    """The preflight names a token refusal wrongly: ``said`` where ``applies(error, reason)``."""
    from harness.zoom import errors

    cause = errors.token_refusal_cause
    mp.setattr(errors, "token_refusal_cause", lambda error, reason: said if applies(error, reason)
               else cause(error, reason))  # fmt: skip


@fault("wrong-account-cause-vague", "CONN-04", "preflight", "a wrong account ID is reported as a wrong secret")
def _vague_account(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: "account" in reason.lower(), WRONG_SECRET)


@fault("wrong-account-accepted", "CONN-04", "emulator", "the token host does not check the account ID")
def _any_account(mp: pytest.MonkeyPatch) -> None:
    parameters = oauth._parameters

    def right_account(call: Call) -> dict[str, str]:
        params = parameters(call)
        app = call.state.app_by_client_id(oauth._basic_credentials(call)[0])
        return {**params, "account_id": app.account_id} if app is not None else params

    mp.setattr(oauth, "_parameters", right_account)


@fault("deactivated-cause-vague", "CONN-05", "preflight", "an app that is not activated is reported as a wrong secret")
def _vague_deactivated(mp: pytest.MonkeyPatch) -> None:
    _misreported_refusal(mp, lambda error, reason: "disabled" in reason.lower(), WRONG_SECRET)


@fault("only-first-missing-scope", "CONN-06", "preflight", "activation names only the first missing scope")
def _first_scope(mp: pytest.MonkeyPatch) -> None:
    check = preflight.check_target

    def first_only(client: Any) -> preflight.Readiness:
        readiness = check(client)
        failed = [c for c in readiness.checks if c.ok is False and c.name.startswith("scope ")]
        for extra in failed[1:]:
            extra.ok = True
        return readiness

    mp.setattr(preflight, "check_target", first_only)
    mp.setattr(engine, "check_target", first_only)


@fault(
    "scim-prerequisites-unchecked", "CONN-07", "preflight", "activation does not call SCIM, missing its prerequisites"
)
def _no_scim_check(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(preflight, "_check_scim", lambda client: preflight.Check("scim", True, "not checked"))


@fault("sso-cause-vague", "CONN-07", "preflight", "a missing SSO is reported as an unknown error")
def _vague_sso(mp: pytest.MonkeyPatch) -> None:
    check = preflight._check_scim

    def vague(client: Any) -> preflight.Check:
        result = check(client)
        return preflight.Check("scim", result.ok, "the SCIM2 API failed") if result.ok is False else result

    mp.setattr(preflight, "_check_scim", vague)


@fault("inactive-channel-provisions", "CONN-08", "provisioner", "an inactive channel provisions anyway")
def _inactive_runs(mp: pytest.MonkeyPatch) -> None:
    run = Provisioner.run_cycle

    def always(self: Provisioner) -> Any:
        self.channel.active = True
        return run(self)

    mp.setattr(Provisioner, "run_cycle", always)


@fault("activation-not-applied", "CONN-08 CONN-01", "provisioner", "activating the channel leaves it inactive")
def _stays_inactive(mp: pytest.MonkeyPatch) -> None:
    activate = Provisioner.activate

    def inert(self: Provisioner) -> Any:
        readiness = activate(self)
        self.channel.active = False
        return readiness

    mp.setattr(Provisioner, "activate", inert)

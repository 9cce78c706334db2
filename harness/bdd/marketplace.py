"""The Marketplace as the administrator uses it (emulator only): building, completing and activating
a Server-to-Server OAuth app, other accounts and apps, and the token requests made with them."""

from __future__ import annotations

from typing import Any

from harness.bdd.zoom_api import ObservedAnswer
from harness.bdd.zoom_side import ZoomSide
from harness.targets.emulator_control import AppActivationRefused, AppUpdateRefused, BuiltApp
from harness.zoom.preflight import REQUIRED_SCOPES
from harness.zoom.target import Target


class Marketplace:
    def __init__(self, zoom: ZoomSide) -> None:
        self.zoom = zoom
        self.app: BuiltApp | None = None
        self._scopes: list[str] = []
        #: Why the Marketplace refused the last change to the app; None when it took it.
        self.refusal: str | None = None
        #: Why the app's activation was refused, and what it named as missing.
        self.activation_refusal: str | None = None
        self.activation_missing: list[str] = []
        #: An app other than the provisioning one (another account, other scopes).
        self.other_target: Target | None = None
        self.token_answer: ObservedAnswer | None = None
        #: A token kept by a step, to be used after something changed.
        self.saved_token: str | None = None

    @property
    def domain(self) -> str:
        return self.zoom.names.domain

    def build_app(self, name: str, scope_family: str = "classic") -> BuiltApp:
        self.app = self.zoom.require_emulator().build_app(self.zoom.target.account_id, name, scope_family)
        return self.app

    def update_app(self, **info: Any) -> None:
        assert self.app is not None, "build the app first"
        self.zoom.require_emulator().update_app(self.app, **info)

    def add_scopes(self, *scopes: str) -> None:
        """Add scopes on the Scopes tab; a refusal is kept in ``refusal``, the scopes unchanged."""
        assert self.app is not None
        wanted = [*self._scopes, *scopes]
        self.refusal = None
        try:
            self.update_app(scopes=wanted)
        except AppUpdateRefused as refusal:
            self.refusal = str(refusal)
            return
        self._scopes = wanted

    def complete_app(self, *, scopes: tuple[str, ...] = REQUIRED_SCOPES, features: list[str] | None = None) -> None:
        self.update_app(
            description="Provisions users from PingFederate",
            company_name="Example Corp",
            contact_name="Dana Admin",
            contact_email=f"dana@{self.domain}",
            features=features or [],
        )
        if scopes:
            self.add_scopes(*scopes)

    def activate_app(self) -> None:
        assert self.app is not None
        self.activation_refusal = None
        try:
            self.zoom.require_emulator().activate_app(self.app)
        except AppActivationRefused as refusal:
            self.activation_refusal = str(refusal)
            self.activation_missing = refusal.missing

    def change_app(self, state: str) -> None:
        """Put the built app in a state: never activated, or deactivated or deleted after activation."""
        assert self.app is not None
        control = self.zoom.require_emulator()
        if state == "never activated":
            return
        control.activate_app(self.app)
        if state == "deactivated after activation":
            control.deactivate_app(self.app)
        elif state == "deleted after activation":
            control.delete_app(self.app)
        else:
            raise ValueError(f"unknown app state {state!r}")

    def app_page(self) -> Any:
        """The built app's page in the Marketplace, as the emulator's control surface shows it."""
        assert self.app is not None
        return self.zoom.require_emulator().app_page(self.app.target)

    def set_provisioning_app_active(self, active: bool) -> None:
        control = self.zoom.require_emulator()
        app = BuiltApp(control.app_id_of(self.zoom.target), self.zoom.target)
        control.activate_app(app) if active else control.deactivate_app(app)

    def app_with_scopes(self, scopes: list[str]) -> Target:
        """An activated app in a fresh account that holds exactly ``scopes``."""
        self.other_target = self.zoom.require_emulator().ready_account(domain=f"other.{self.domain}", scopes=scopes)
        return self.other_target

    def granular_app(self, scopes: list[str]) -> Target:
        """An activated app with granular scopes in the provisioning account, built as the
        Marketplace builds apps today."""
        self.build_app("Granular provisioning", scope_family="granular")
        self.complete_app(scopes=tuple(scopes))
        self.activate_app()
        assert self.app is not None and self.activation_refusal is None, self.activation_refusal
        self.other_target = self.app.target
        return self.other_target

    def account_with(self, **settings: Any) -> Target:
        """A fresh account with the given plan or SSO setting and a ready app."""
        self.other_target = self.zoom.require_emulator().ready_account(domain=f"other.{self.domain}", **settings)
        return self.other_target

    # -- tokens ---------------------------------------------------------------------------

    def request_token(self, target: Target | None = None, **params: str) -> ObservedAnswer:
        target = target or (self.app.target if self.app else self.zoom.target)
        query = {"grant_type": "account_credentials", "account_id": target.account_id, **params}
        response = self.zoom.client.http.post(
            target.token_url, data=query, auth=(target.client_id, target.client_secret)
        )  # fmt: skip
        self.token_answer = ObservedAnswer.of(response)
        return self.token_answer

    def token_value(self, target: Target | None = None) -> str:
        client = self.zoom.client_for(target) if target else self.zoom.client
        client.fetch_token()
        assert client.auth.token is not None
        return client.auth.token.value

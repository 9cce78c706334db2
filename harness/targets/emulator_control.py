"""Driving the emulator's control surface (``/_emulator``) over HTTP.

One client serves both emulator targets: in-process it rides the emulator's transport, served it
uses a real socket. Scenarios that need it (creating apps, moving the clock, injecting faults,
seeding admins) cannot run against a real Zoom account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.errors import HarnessError
from harness.targets.control_token import missing_token_hint
from harness.zoom.target import Target
from mocks.core.control_guard import bearer_headers


class AppUpdateRefused(HarnessError):
    """The Marketplace refused a change to an app (a scope of the other family, say)."""


class AppActivationRefused(HarnessError):
    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass
class BuiltApp:
    app_id: str
    target: Target = field(repr=False)
    status: str = "created"


class EmulatorControl:
    """The control surface of the emulator (or the proxy) at ``base_url``; ``token`` is its control
    token, where it has one (a served emulator does; see :mod:`harness.targets.control_token`)."""

    def __init__(self, http: httpx.Client, base_url: str, token: str | None = None) -> None:
        self._http = http
        self._url = base_url.rstrip("/")
        self._base = self._url + "/_emulator"
        self._headers = bearer_headers(token)

    def __repr__(self) -> str:
        return f"EmulatorControl({self._url})"

    def _send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = self._http.request(method, self._base + path, json=body, headers=self._headers)
        if response.status_code == 401:
            raise HarnessError(missing_token_hint(self._url))
        return response

    def _call(self, method: str, path: str, body: Any = None, expect: tuple[int, ...] = (200, 201, 204)) -> Any:
        response = self._send(method, path, body)
        if response.status_code not in expect:
            raise HarnessError(
                f"emulator control {method} {path} answered {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None

    # accounts and apps
    def ready_account(self, **options: Any) -> Target:
        return Target(**self._call("POST", "/accounts", options))

    def update_account(self, account_id: str, **changes: Any) -> None:
        self._call("PATCH", f"/accounts/{account_id}", changes)

    def build_app(self, account_id: str, name: str, scope_family: str = "classic") -> BuiltApp:
        created = self._call("POST", "/apps", {"account_id": account_id, "name": name, "scope_family": scope_family})
        app_id = created.pop("app_id")
        status = created.pop("status")
        return BuiltApp(app_id, Target(**created), status)

    def update_app(self, app: BuiltApp, **info: Any) -> None:
        response = self._send("PATCH", f"/apps/{app.app_id}", info)
        if response.status_code == 400:
            raise AppUpdateRefused(response.json()["message"])
        if response.status_code != 200:
            raise HarnessError(f"emulator control update app answered {response.status_code}: {response.text[:300]}")

    def activate_app(self, app: BuiltApp) -> None:
        response = self._send("POST", f"/apps/{app.app_id}/activate")
        if response.status_code == 409:
            body = response.json()
            raise AppActivationRefused(body["message"], body["missing"])
        if response.status_code != 200:
            raise HarnessError(f"emulator control activate answered {response.status_code}: {response.text[:300]}")
        app.status = "activated"

    def deactivate_app(self, app: BuiltApp) -> None:
        self._call("POST", f"/apps/{app.app_id}/deactivate")
        app.status = "deactivated"

    def delete_app(self, app: BuiltApp) -> None:
        self._call("DELETE", f"/apps/{app.app_id}")
        app.status = "deleted"

    def app_page(self, target: Target) -> dict[str, Any]:
        """What the Marketplace shows of the app with these credentials (no secret)."""
        for account in self._call("GET", "/state")["accounts"]:
            for app in account["apps"]:
                if app["client_id"] == target.client_id:
                    return dict(app)
        raise HarnessError(f"no app with client ID {target.client_id} in the emulator")

    def app_id_of(self, target: Target) -> str:
        return str(self.app_page(target)["app_id"])

    # users
    def users(self, account_id: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/accounts/{account_id}/users")["users"])

    def set_user(self, account_id: str, user_id: str, **changes: Any) -> None:
        self._call("PATCH", f"/accounts/{account_id}/users/{user_id}", changes)

    def seed(self, document: dict[str, Any]) -> None:
        self._call("POST", "/seed", document)

    # time, faults, journal, settings
    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "/clock", {"advance": seconds})

    def freeze_clock(self, frozen: bool = True) -> None:
        self._call("POST", "/clock", {"freeze": frozen})

    def inject(self, **fault: Any) -> None:
        self._call("POST", "/faults", fault)

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def journal(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/journal")["entries"])

    def journal_after(self, number: int) -> tuple[list[dict[str, Any]], int]:
        """The exchanges after the ``number``-th, and the number of the newest."""
        answer = self._call("GET", f"/journal?after={number}")
        return list(answer["entries"]), int(answer["last"])

    def settings(self, **changes: Any) -> dict[str, Any]:
        return dict(self._call("PATCH", "/settings", changes))

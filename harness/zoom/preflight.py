"""Is this Zoom app ready for PingFederate? The checks channel activation runs, shared with
``zoom-harness verify``: credentials, app activation, each of the seven scopes, SCIM reachability
and the SCIM prerequisites. Every failed check says what to change in Zoom to fix it.

A scope check judges what the token grants, not the scope's family: each of the seven classic
scopes the Ping page asks for is met by that classic name, or by all of its granular equivalents
(apps built since early 2024 hold granular scopes only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from harness.zoom.client import ZoomClient
from harness.zoom.errors import RetriesExhausted, TokenError, ZoomError
from harness.zoom.scim_names import CORE_USER
from mocks.state.scopes import GRANULAR_EQUIVALENTS, PROVISIONING_SCOPES

#: The scopes the PingFederate setup page asks for, in its order (one list for emulator and harness).
REQUIRED_SCOPES = PROVISIONING_SCOPES
_MARKETPLACE = "Zoom App Marketplace > Manage > your Server-to-Server OAuth app"


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not run, because an earlier check failed
    detail: str
    fix: str = ""


@dataclass
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def causes(self) -> list[str]:
        return [check.detail for check in self.checks if check.ok is False]

    def to_dict(self) -> dict[str, Any]:
        return {"ready": self.ready, "checks": [asdict(c) for c in self.checks]}


def check_target(client: ZoomClient) -> Readiness:
    readiness = Readiness()
    checks = readiness.checks
    try:
        scopes = client.fetch_token()
    except TokenError as error:
        checks.append(Check("credentials", False, error.cause, _token_fix(error)))
        _skip(checks, "token refused")
        return readiness
    except (httpx.HTTPError, ZoomError) as error:
        checks.append(
            Check(
                "credentials",
                False,
                f"cannot reach the token URL {client.target.token_url}: {type(error).__name__}",
                "Check the token URL and that this machine can reach it.",
            )
        )
        _skip(checks, "token URL unreachable")
        return readiness
    checks.append(Check("credentials", True, "the account ID, client ID and client secret obtain a token"))
    checks.append(Check("activation", True, "the app is activated"))
    checks.extend(_check_scope(scope, scopes) for scope in REQUIRED_SCOPES)
    checks.append(_check_scim(client))
    return readiness


def _check_scope(scope: str, held: frozenset[str]) -> Check:
    granular = GRANULAR_EQUIVALENTS[scope]
    if scope in held:
        return Check(f"scope {scope}", True, f"the token holds {scope}")
    if held.issuperset(granular):
        return Check(f"scope {scope}", True, f"the token holds the granular {', '.join(granular)}")
    lacking = [name for name in granular if name not in held]
    return Check(
        f"scope {scope}",
        False,
        f"the token lacks the scope {scope} (granular: {', '.join(lacking)})",
        f"{_MARKETPLACE} > Scopes > Add Scopes: add {scope}, or on an app with granular scopes "
        f"{', '.join(lacking)}; then get a new token.",
    )


def _skip(checks: list[Check], why: str) -> None:
    checks.append(Check("activation", None, f"not checked: {why}"))
    checks.extend(Check(f"scope {s}", None, f"not checked: {why}") for s in REQUIRED_SCOPES)
    checks.append(Check("scim", None, f"not checked: {why}"))


def _token_fix(error: TokenError) -> str:
    if "activated" in error.cause:
        return f"{_MARKETPLACE} > Activation: fill in the company name and developer contact, then Activate your app."
    if "account ID" in error.cause:
        return f"Copy the Account ID from {_MARKETPLACE} > App Credentials."
    if "client" in error.cause:
        return f"Copy the Client ID and Client secret from {_MARKETPLACE} > App Credentials."
    return "Build the app as a Server-to-Server OAuth app (Develop > Build App > Server-to-Server OAuth)."


def _check_scim(client: ZoomClient) -> Check:
    try:
        response = client.send("GET", "/scim2/Users", params={"startIndex": 1, "count": 1})
    except (httpx.HTTPError, RetriesExhausted) as error:
        return Check("scim", False, f"cannot reach the SCIM API at {client.target.scim_url}: {error}",
                     "Check the API base URL and that this machine can reach it.")  # fmt: skip
    if response.status_code == 200:
        return Check("scim", True, "the SCIM2 API answers and the account meets its prerequisites")
    try:
        body = response.json()
    except ValueError:
        body = {}
    message = str(body.get("detail") or body.get("message") or response.text[:200])
    if "Single Sign-On" in message:
        return Check("scim", False, "SSO is not enabled on the Zoom account (a SCIM prerequisite)",
                     "Zoom web portal > Advanced > Single Sign-On: enable SSO.")  # fmt: skip
    if response.status_code == 403 or "plan" in message.lower():
        return Check("scim", False, f"the account's plan does not include SCIM2 ({message})",
                     "SCIM2 needs a Business, Education or Enterprise account and an approved vanity URL.")  # fmt: skip
    if body.get("code") == 4711:
        return Check("scim", False, "the token lacks the scope scim2 (granular: scim2:admin)",
                     f"{_MARKETPLACE} > Scopes > Add Scopes: add scim2 (granular: scim2:admin).")  # fmt: skip
    return Check("scim", False, f"the SCIM2 API answered {response.status_code}: {message}", "")


def probe_user(client: ZoomClient, domain: str) -> list[Check]:
    """Create, read and delete one marked test user: the full write path PingFederate will use."""
    import secrets

    user_name = f"zoom-harness-probe-{secrets.token_hex(4)}@{domain}"
    body = {"schemas": [CORE_USER], "userName": user_name,
            "name": {"givenName": "Zoom Harness", "familyName": "Probe"}}  # fmt: skip
    checks: list[Check] = []
    try:
        created = client.create_user(body)
    except (ZoomError, httpx.HTTPError) as error:
        return [Check("probe create", False, f"creating {user_name} failed: {error}",
                      "The app needs scim2 and the account must allow SCIM provisioning for this domain.")]  # fmt: skip
    checks.append(Check("probe create", True, f"created {user_name}"))
    try:
        found = client.get_user(created["id"])
        checks.append(Check("probe read", found is not None, f"read {user_name} back" if found else "not found"))
    finally:
        try:
            client.delete_user(created["id"])
            checks.append(Check("probe delete", True, f"deleted {user_name}"))
        except (ZoomError, httpx.HTTPError) as error:
            checks.append(Check("probe delete", False, f"deleting {user_name} failed: {error}",
                                f"Delete {user_name} in the Zoom web portal > User Management."))  # fmt: skip
    return checks

"""Seed documents (YAML or JSON): accounts, their apps, users and groups, checked before use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mocks.state.models import PLANS, ROLES, USER_STATUSES, USER_TYPES, StateError
from mocks.state.scopes import SCOPE_FAMILIES
from mocks.state.zoom_state import ZoomState


class SeedError(ValueError):
    """A seed document that cannot be applied; the message names the offending place."""


_ACCOUNT_KEYS = {"id", "plan", "sso_enabled", "managed_domains", "name", "apps", "users", "groups"}
_APP_KEYS = {
    "name", "description", "company_name", "contact_name", "contact_email", "features", "scopes",
    "activated", "client_id", "client_secret", "scope_family",
}  # fmt: skip
_USER_KEYS = {
    "email", "first_name", "last_name", "display_name", "type", "status", "role", "title", "locale",
    "phone", "department", "organization", "cost_center", "employee_number", "manager",
}  # fmt: skip
_GROUP_KEYS = {"display_name", "email_alias", "members"}


def load_seed(path: str | Path) -> dict[str, Any]:
    """Read a seed file; YAML is a superset of JSON, so one parser reads both."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(f"cannot read seed file {path}: {error.strerror}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise SeedError(f"seed file {path} is not valid YAML or JSON{where}") from None
    if not isinstance(document, dict):
        raise SeedError(f"seed file {path} must hold a mapping with an 'accounts' list")
    return document


def apply_seed(state: ZoomState, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Create what the document describes; returns one summary per app created.

    The document is checked whole first, so a bad document changes nothing.
    """
    accounts = document.get("accounts")
    _expect(isinstance(accounts, list), "accounts", "must be a list")
    unknown = set(document) - {"accounts"}
    _expect(not unknown, "(top level)", f"unknown keys {sorted(unknown)}")
    for index, account in enumerate(accounts):
        _check_account(account, f"accounts[{index}]")
    created = []
    with state.lock:
        for index, spec in enumerate(accounts):
            try:
                created += _apply_account(state, spec)
            except StateError as error:
                raise SeedError(f"accounts[{index}]: {error}") from None
    return created


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise SeedError(f"{where}: {message}")


def _check_keys(spec: Any, allowed: set[str], where: str) -> None:
    _expect(isinstance(spec, dict), where, "must be a mapping")
    unknown = set(spec) - allowed
    _expect(not unknown, where, f"unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")


def _strings(value: Any, where: str) -> None:
    _expect(isinstance(value, list) and all(isinstance(v, str) for v in value), where, "must be a list of strings")


def _check_account(spec: Any, where: str) -> None:
    _check_keys(spec, _ACCOUNT_KEYS, where)
    _expect(spec.get("plan", "Business") in PLANS, f"{where}.plan", f"must be one of {list(PLANS)}")
    _expect(isinstance(spec.get("sso_enabled", True), bool), f"{where}.sso_enabled", "must be true or false")
    _strings(spec.get("managed_domains", []), f"{where}.managed_domains")
    for key, allowed, check in (("apps", _APP_KEYS, _check_app), ("users", _USER_KEYS, _check_user),
                                ("groups", _GROUP_KEYS, None)):  # fmt: skip
        items = spec.get(key, [])
        _expect(isinstance(items, list), f"{where}.{key}", "must be a list")
        for index, item in enumerate(items):
            _check_keys(item, allowed, f"{where}.{key}[{index}]")
            if check:
                check(item, f"{where}.{key}[{index}]")


def _check_app(spec: dict[str, Any], where: str) -> None:
    _expect(isinstance(spec.get("name"), str) and spec["name"].strip() != "", f"{where}.name", "is required")
    for key in ("scopes", "features"):
        _strings(spec.get(key, []), f"{where}.{key}")
    _expect(isinstance(spec.get("activated", False), bool), f"{where}.activated", "must be true or false")
    family = spec.get("scope_family", "classic")
    _expect(family in SCOPE_FAMILIES, f"{where}.scope_family", f"must be one of {list(SCOPE_FAMILIES)}")


def _check_user(spec: dict[str, Any], where: str) -> None:
    _expect(isinstance(spec.get("email"), str), f"{where}.email", "is required")
    _expect(spec.get("type", "Basic") in USER_TYPES, f"{where}.type", f"must be one of {list(USER_TYPES)}")
    _expect(spec.get("status", "active") in USER_STATUSES, f"{where}.status", f"must be one of {list(USER_STATUSES)}")
    _expect(spec.get("role", "Member") in ROLES, f"{where}.role", f"must be one of {list(ROLES)}")


_USER_FIELD_NAMES = {
    "first_name": "given_name",
    "last_name": "family_name",
    "display_name": "display_name",
    "type": "user_type",
    "role": "role",
    "title": "title",
    "locale": "locale",
    "department": "department",
    "organization": "organization",
    "cost_center": "cost_center",
    "employee_number": "employee_number",
    "manager": "manager",
}


def _apply_account(state: ZoomState, spec: dict[str, Any]) -> list[dict[str, Any]]:
    account = state.create_account(
        account_id=spec.get("id"),
        plan=spec.get("plan", "Business"),
        sso_enabled=spec.get("sso_enabled", True),
        managed_domains=spec.get("managed_domains", []),
        name=spec.get("name", "Zoom account"),
    )
    created = []
    for app_spec in spec.get("apps", []):
        info = {k: v for k, v in app_spec.items() if k not in ("name", "activated")}
        app = state.create_app(account.id, app_spec["name"], **info)
        if app_spec.get("activated", False):
            state.activate_app(app.id)
        created.append({"account_id": account.id, "app_id": app.id, "name": app.name, "status": app.status})
    by_email = {}
    for user_spec in spec.get("users", []):
        fields = {_USER_FIELD_NAMES[k]: v for k, v in user_spec.items() if k in _USER_FIELD_NAMES}
        if "phone" in user_spec:
            fields["phone_numbers"] = [{"type": "work", "value": str(user_spec["phone"])}]
        user = state.create_user(account.id, user_spec["email"], **fields)
        status = user_spec.get("status", "active")
        if status == "inactive":
            user.held_user_type, user.user_type = user.user_type, "Basic"
        # Seeding may place an Admin in any status; the role rule guards API calls only.
        user.status = status
        if user.role == "Owner" and account.owner_id is None:
            account.owner_id = user.id
        by_email[user.user_name.lower()] = user.id
    for group_spec in spec.get("groups", []):
        members = [by_email.get(str(m).lower(), str(m)) for m in group_spec.get("members", [])]
        state.create_group(
            account.id, group_spec["display_name"], email_alias=group_spec.get("email_alias", ""), members=members
        )
    return created

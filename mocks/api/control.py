"""The control surface over HTTP, under ``/_emulator``: what the Python API offers, for a served
emulator. A served emulator (or proxy) lets through only the holder of its control token
(:mod:`mocks.core.control_guard`: a bearer header, or a browser's session after the login form at
``/_emulator/login``); the emulator in-process has none unless one is set.

| method and path                              | does                                          |
|----------------------------------------------|-----------------------------------------------|
| GET    /_emulator/state                      | accounts, apps (no secrets), user counts      |
| POST   /_emulator/seed                       | apply a seed document (JSON body)             |
| POST   /_emulator/reset                      | forget everything                             |
| POST   /_emulator/accounts                   | a ready account and app; returns credentials  |
| GET    /_emulator/accounts/{id}/users        | every user of the account, in SCIM shape      |
| PATCH  /_emulator/accounts/{id}              | plan, sso_enabled, managed_domains            |
| PATCH  /_emulator/accounts/{id}/users/{uid}  | set role, status or licence, bypassing rules  |
| POST   /_emulator/apps                       | build an app: {"account_id", "name", "scope_family"} |
| PATCH  /_emulator/apps/{id}                  | information, company, contact, features, scopes|
| POST   /_emulator/apps/{id}/{action}         | activate, deactivate, rotate                  |
| DELETE /_emulator/apps/{id}                  | delete an app                                 |
| GET    /_emulator/clock                      | the emulator's time                           |
| POST   /_emulator/clock                      | {"advance": s} or {"freeze": bool}            |
| GET|POST|DELETE /_emulator/faults            | list, add or clear fault rules                |
| GET|DELETE /_emulator/journal[?after=N]     | read (all, or after the N-th) or clear it      |
| GET    /_emulator/journal?after=N&limit=K    | the newest K after the N-th, numbered         |
| GET    /_emulator/overview                   | what the dashboard shows (?q=search&limit=K)  |
| GET    /_emulator/dashboard                  | the dashboard: a page for a browser           |
| GET|PATCH /_emulator/settings               | read or change the behaviour switches         |
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from mocks.api.faults import Fault
from mocks.api.routing import Call, Reply, Routes
from mocks.api.scim_render import user_resource
from mocks.core.clock import Clock, iso
from mocks.core.control_guard import CONTROL_PREFIX
from mocks.core.errors import ZoomAPIError
from mocks.state.models import PLANS, ROLES, USER_STATUSES, USER_TYPES, ActivationRefused
from mocks.state.scopes import SCOPE_FAMILIES
from mocks.state.seed import SeedError, apply_seed

routes = Routes("control")
PREFIX = CONTROL_PREFIX
#: The most exchanges one read of the journal with ``limit`` returns.
MAX_JOURNAL_PAGE = 1_000


def _bad(message: str) -> ZoomAPIError:
    return ZoomAPIError(400, 400, message)


def _object(call: Call) -> dict[str, Any]:
    body = call.json(required=False)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise _bad("the body must be a JSON object")
    return body


@routes.route("GET", f"{PREFIX}/state", "control.state")
def state(call: Call) -> Reply:
    accounts = []
    for account in call.state.accounts.values():
        apps = [
            {
                "app_id": a.id,
                "name": a.name,
                "client_id": a.client_id,
                "status": a.status,
                "scopes": a.scopes,
                "description": a.description,
                "company_name": a.company_name,
                "features": a.features,
            }
            for a in call.state.apps.values()
            if a.account_id == account.id and a.status != "deleted"
        ]
        accounts.append(
            {
                "id": account.id,
                "plan": account.plan,
                "sso_enabled": account.sso_enabled,
                "managed_domains": account.managed_domains,
                "users": len(call.state.users(account.id)),
                "groups": len(call.state.groups(account.id)),
                "apps": apps,
            }
        )
    return Reply(200, {"accounts": accounts, "time": iso(call.state.clock.now())})


@routes.route("POST", f"{PREFIX}/seed", "control.seed")
def seed(call: Call) -> Reply:
    try:
        created = apply_seed(call.state, _object(call))
    except SeedError as error:
        raise _bad(str(error)) from None
    return Reply(201, {"apps": created})


@routes.route("POST", f"{PREFIX}/reset", "control.reset")
def reset(call: Call) -> Reply:
    call.emulator.reset()
    return Reply(204)


_READY_OPTIONS = {
    "plan", "sso_enabled", "domain", "scopes", "scope_family", "account_id", "client_id", "client_secret", "app_name",
}  # fmt: skip


@routes.route("POST", f"{PREFIX}/accounts", "control.accounts.create")
def create_account(call: Call) -> Reply:
    options = _object(call)
    unknown = set(options) - _READY_OPTIONS
    if unknown:
        raise _bad(f"unknown options {sorted(unknown)}; allowed: {sorted(_READY_OPTIONS)}")
    try:
        credentials = call.emulator.ready_account(**options)
    except TypeError as error:
        raise _bad(str(error)) from None
    return Reply(201, credentials.to_dict())


@routes.route("GET", f"{PREFIX}/accounts/{{account_id}}/users", "control.accounts.users")
def account_users(call: Call) -> Reply:
    users = call.state.users(call.params["account_id"]).values()
    listed = []
    for user in users:
        resource = user_resource(user, call.api_base)
        resource["status"] = user.status
        resource["role"] = user.role
        resource["heldUserType"] = user.held_user_type
        listed.append(resource)
    return Reply(200, {"users": listed})


@routes.route("PATCH", f"{PREFIX}/accounts/{{account_id}}", "control.accounts.update")
def update_account(call: Call) -> Reply:
    account = call.state.account(call.params["account_id"])
    body = _object(call)
    for key, value in body.items():
        if key == "plan" and value in PLANS:
            account.plan = value
        elif key == "sso_enabled" and isinstance(value, bool):
            account.sso_enabled = value
        elif key == "managed_domains" and isinstance(value, list) and all(isinstance(d, str) for d in value):
            account.managed_domains = value
        else:
            raise _bad(f"cannot set {key!r} to {value!r}")
    return Reply(204)


@routes.route("PATCH", f"{PREFIX}/accounts/{{account_id}}/users/{{user_id}}", "control.users.update")
def update_user(call: Call) -> Reply:
    user = call.state.user(call.params["account_id"], call.params["user_id"])
    for key, value in _object(call).items():
        if key == "role" and value in ROLES:
            user.role = value
        elif key == "status" and value in USER_STATUSES:
            user.status = value
        elif key == "user_type" and value in USER_TYPES:
            user.user_type = value
        else:
            raise _bad(f"cannot set {key!r} to {value!r}")
    return Reply(204)


@routes.route("POST", f"{PREFIX}/apps", "control.apps.create")
def create_app(call: Call) -> Reply:
    body = _object(call)
    account_id, name = body.get("account_id"), body.get("name")
    if not isinstance(account_id, str) or not isinstance(name, str):
        raise _bad("give the account_id and the name of the app")
    family = body.get("scope_family", "classic")
    if family not in SCOPE_FAMILIES:
        raise _bad(f"scope_family must be one of {list(SCOPE_FAMILIES)}")
    app = call.state.create_app(account_id, name, scope_family=family)
    return Reply(201, {"app_id": app.id, "status": app.status, **call.emulator.credentials(app).to_dict()})


_APP_INFO = {"description": str, "company_name": str, "contact_name": str, "contact_email": str, "features": list,
             "scopes": list}  # fmt: skip


@routes.route("PATCH", f"{PREFIX}/apps/{{app_id}}", "control.apps.update")
def update_app(call: Call) -> Reply:
    info = _object(call)
    for key, value in info.items():
        if key not in _APP_INFO or not isinstance(value, _APP_INFO[key]):
            raise _bad(f"cannot set {key!r} to {value!r}; allowed: {sorted(_APP_INFO)}")
    app = call.state.update_app(call.params["app_id"], **info)
    return Reply(200, {"app_id": app.id, "status": app.status, "scopes": app.scopes})


_APP_ACTIONS = {"activate", "deactivate", "rotate"}


@routes.route("POST", f"{PREFIX}/apps/{{app_id}}/{{action}}", "control.apps.action")
def app_action(call: Call) -> Reply:
    action = call.params["action"]
    if action not in _APP_ACTIONS:
        raise _bad(f"unknown app action {action!r}; allowed: {sorted(_APP_ACTIONS)}")
    app_id = call.params["app_id"]
    if action == "activate":
        try:
            app = call.state.activate_app(app_id)
        except ActivationRefused as refusal:
            return Reply(409, {"code": 409, "message": str(refusal), "missing": refusal.missing})
    elif action == "deactivate":
        app = call.state.deactivate_app(app_id)
    else:
        app = call.state.rotate_secret(app_id)
        return Reply(200, call.emulator.credentials(app).to_dict())
    return Reply(200, {"app_id": app.id, "status": app.status})


@routes.route("DELETE", f"{PREFIX}/apps/{{app_id}}", "control.apps.delete")
def delete_app(call: Call) -> Reply:
    call.state.delete_app(call.params["app_id"])
    return Reply(204)


@routes.route("GET", f"{PREFIX}/clock", "control.clock.get")
def get_clock(call: Call) -> Reply:
    return Reply(200, clock_view(call.state.clock))


def clock_view(clock: Clock) -> dict[str, Any]:
    """A clock as the control surface shows it: its time, in seconds and ISO 8601, and whether it stands."""
    now = clock.now()
    return {"now": now, "iso": iso(now), "frozen": clock.frozen}


@routes.route("POST", f"{PREFIX}/clock", "control.clock.set")
def set_clock(call: Call) -> Reply:
    body = _object(call)
    clock = call.state.clock
    advance = body.get("advance", 0)
    if not isinstance(advance, int | float) or isinstance(advance, bool) or advance < 0:
        raise _bad("advance must be a number of seconds >= 0")
    if "freeze" in body:
        if not isinstance(body["freeze"], bool):
            raise _bad("freeze must be true or false")
        clock.freeze() if body["freeze"] else clock.unfreeze()
    clock.advance(advance)
    return get_clock(call)


@routes.route("GET", f"{PREFIX}/faults", "control.faults.list")
def list_faults(call: Call) -> Reply:
    return Reply(200, {"faults": [f.to_dict() for f in call.emulator.faults.rules()]})


_FAULT_FIELDS = {f.name for f in fields(Fault)}


@routes.route("POST", f"{PREFIX}/faults", "control.faults.add")
def add_fault(call: Call) -> Reply:
    body = _object(call)
    unknown = set(body) - _FAULT_FIELDS
    if unknown:
        raise _bad(f"unknown fault fields {sorted(unknown)}; allowed: {sorted(_FAULT_FIELDS)}")
    try:
        fault = call.emulator.faults.add(Fault(**body))
    except (TypeError, ValueError) as error:
        raise _bad(str(error)) from None
    return Reply(201, fault.to_dict())


@routes.route("DELETE", f"{PREFIX}/faults", "control.faults.clear")
def clear_faults(call: Call) -> Reply:
    call.emulator.faults.clear()
    return Reply(204)


@routes.route("GET", f"{PREFIX}/journal", "control.journal.get")
def get_journal(call: Call) -> Reply:
    """Every kept exchange; with ``?after=N`` those numbered after N, and ``last``, the number of the
    newest (a reader polling the journal asks for what is new to it); with ``limit=K`` only the
    newest K of those, each with its ``number`` (the dashboard under load)."""
    after, limit = call.query.get("after"), call.query.get("limit")
    if after is None and limit is None:
        return Reply(200, {"entries": [e.to_dict() for e in call.emulator.journal.entries()]})
    if after is not None and not after.isdigit():
        return Reply(400, {"code": 300, "message": "after must be a whole number"})
    if limit is None:
        entries, last = call.emulator.journal.entries_after(int(after or 0))
        return Reply(200, {"entries": [e.to_dict() for e in entries], "last": last})
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_JOURNAL_PAGE:
        return Reply(400, {"code": 300, "message": f"limit must be a whole number from 1 to {MAX_JOURNAL_PAGE}"})
    numbered, last = call.emulator.journal.numbered_after(int(after or 0), int(limit))
    return Reply(200, {"entries": numbered, "last": last})


@routes.route("DELETE", f"{PREFIX}/journal", "control.journal.clear")
def clear_journal(call: Call) -> Reply:
    call.emulator.journal.clear()
    return Reply(204)


@routes.route("GET", f"{PREFIX}/settings", "control.settings.get")
def get_settings(call: Call) -> Reply:
    return Reply(200, asdict(call.settings))


@routes.route("PATCH", f"{PREFIX}/settings", "control.settings.update")
def update_settings(call: Call) -> Reply:
    settings = call.settings
    current = asdict(settings)
    for key, value in _object(call).items():
        if key not in current or type(value) is not type(current[key]):
            raise _bad(f"cannot set {key!r} to {value!r}")
        setattr(settings, key, value)
    return Reply(200, asdict(settings))

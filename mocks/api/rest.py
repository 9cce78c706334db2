"""Zoom's REST API v2: users, accounts and Marketplace apps under ``/v2`` (reference §4, §6)."""

from __future__ import annotations

import secrets
from typing import Any

from mocks.api.routing import Call, Reply, Routes
from mocks.core.clock import iso
from mocks.core.errors import ZoomAPIError, user_not_found, validation_failed
from mocks.state.models import (
    USER_TYPE_CODES,
    ActivationRefused,
    App,
    Invalid,
    NotFound,
    ProtectedRole,
    User,
    check_email,
    role_id,
)
from mocks.state.ratelimit import CREATE_USERS_DAILY, HEAVY, LIGHT, MEDIUM

routes = Routes("rest")

_READ_USERS = ("user:read:admin", "user:write:admin", "user:master")
_WRITE_USERS = ("user:write:admin", "user:master")
_TYPE_NAMES = {code: name for name, code in USER_TYPE_CODES.items()}
#: REST create actions (reference §4.2): ``create`` leaves the user pending until they accept.
_CREATE_ACTIONS = {"create": "pending", "autoCreate": "active", "custCreate": "active", "ssoCreate": "active"}
_PATCH_FIELDS = {
    "first_name": "given_name",
    "last_name": "family_name",
    "display_name": "display_name",
    "dept": "department",
    "job_title": "title",
    "company": "organization",
    "manager": "manager",
    "language": "locale",
}
#: Documented PATCH fields the emulator accepts and keeps nowhere (they change no modelled state).
_PATCH_IGNORED = frozenset(
    {
        "timezone", "pmi", "use_pmi", "vanity_name", "host_key", "cms_user_id", "group_id", "location",
        "phone_country", "phone_number", "phone_numbers", "pronouns", "pronouns_option",
        "custom_attributes", "zoom_one_type", "plan_united_type", "feature", "about_me",
    }
)  # fmt: skip


def rest_user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "first_name": user.given_name,
        "last_name": user.family_name,
        "display_name": user.display_name,
        "email": user.user_name,
        "type": USER_TYPE_CODES[user.user_type],
        "status": user.status,
        "role_id": role_id(user.role),
        "role_name": user.role,
        "dept": user.department,
        "job_title": user.title,
        "company": user.organization,
        "manager": user.manager,
        "language": user.locale,
        "account_id": user.account_id,
        "verified": 1,
        "created_at": iso(user.created),
        "user_created_at": iso(user.created),
        "phone_numbers": [{"number": p["value"], "label": p.get("type", "work")} for p in user.phone_numbers],
        "login_types": [101] if user.login_sso else [100],
    }


def _find_user(call: Call, key: str) -> User:
    account = call.account
    if key == "me":
        # [I] For a Server-to-Server token, "me" is the account owner (demisto relies on it).
        key = account.owner_id or ""
    user = call.state.users(account.id).get(key) or call.state.user_by_name(account.id, key)
    if user is None:
        raise user_not_found(call.params.get("user_id", key))
    return user


@routes.route(
    "GET", "/v2/users", "rest.users.list", label=MEDIUM, classic=_READ_USERS,
    granular=("user:read:list_users:admin", "user:read:list_users:master"),
)  # fmt: skip
def list_users(call: Call) -> Reply:
    status = call.query.get("status", "active")
    if status not in ("active", "inactive", "pending"):
        raise validation_failed("status")
    try:
        page_size = int(call.query.get("page_size", "30"))
        page_number = int(call.query.get("page_number", "1"))
    except ValueError:
        raise validation_failed("page_size") from None
    if page_size < 1 or page_number < 1:
        raise validation_failed("page_size")
    page_size = min(page_size, call.settings.rest_max_page_size)
    offset = (page_number - 1) * page_size
    token = call.query.get("next_page_token")
    if token:
        offset = _resume_page_token(call, token)
    users = [u for u in call.state.iter_users(call.account.id, (status,))]
    page = users[offset : offset + page_size]
    next_offset = offset + len(page)
    more = next_offset < len(users)
    return Reply(
        200,
        {
            "next_page_token": _issue_page_token(call, next_offset) if more else "",
            "page_count": max(1, -(-len(users) // page_size)),
            "page_number": offset // page_size + 1,
            "page_size": page_size,
            "total_records": len(users),
            "users": [rest_user(u) for u in page],
        },
    )


def _issue_page_token(call: Call, offset: int) -> str:
    token = secrets.token_urlsafe(24)
    call.state.page_tokens[token] = (offset, call.state.clock.now() + call.settings.next_page_token_ttl)
    return token


def _resume_page_token(call: Call, token: str) -> int:
    """The offset a ``next_page_token`` stands for, while it lives (15 minutes)."""
    offset, expires = call.state.page_tokens.get(token, (0, 0.0))
    if expires <= call.state.clock.now():
        raise ZoomAPIError(400, 300, "The next page token is invalid or expired.")
    return offset


@routes.route(
    "POST", "/v2/users", "rest.users.create", label=LIGHT, classic=_WRITE_USERS,
    granular=("user:write:user:admin", "user:write:user:master"),
)  # fmt: skip
def create_user(call: Call) -> Reply:
    body = call.json_object()
    action = body.get("action")
    info = body.get("user_info")
    if not isinstance(action, str) or action not in _CREATE_ACTIONS:
        raise validation_failed("action")
    if not isinstance(info, dict):
        raise validation_failed("user_info")
    email = info.get("email")
    user_type = info.get("type")
    if not isinstance(email, str):
        raise validation_failed("user_info.email")
    try:
        check_email(email, "user_info.email")
    except Invalid:
        raise validation_failed("user_info.email") from None
    if not isinstance(user_type, int) or isinstance(user_type, bool) or user_type not in (1, 2, 3, 4, 99):
        raise validation_failed("user_info.type")
    names = {}
    for wire, attr in (("first_name", "given_name"), ("last_name", "family_name"), ("display_name", "display_name")):
        if wire in info:
            if not isinstance(info[wire], str):
                raise validation_failed(f"user_info.{wire}")
            names[attr] = info[wire]
    account = call.account
    if action == "autoCreate" and email.rpartition("@")[2].lower() not in {d.lower() for d in account.managed_domains}:
        # [I] autoCreate is for managed domains only; the refusal's code is not captured.
        raise validation_failed("user_info.email")
    if call.state.email_taken(email):
        raise ZoomAPIError(409, 1005, f"User already in the account: {email}")
    headers: dict[str, str] = {}
    if action == "create" and call.settings.rate_limits:
        # A real answer showed this cap in the Light headers: X-RateLimit-Limit 10000 (reference §4.2).
        cap = CREATE_USERS_DAILY.get(account.plan, CREATE_USERS_DAILY["Business"])
        headers = call.emulator.rate_limiter.take_daily(account.id, "create-users", cap, LIGHT, call.state.clock.now())
    # Types 4 and 99 have no SCIM licence name; they hold no licence, like Basic.
    user = call.state.create_user(
        account.id, email, user_type=_TYPE_NAMES.get(user_type, "Basic"), login_sso=action == "ssoCreate", **names
    )
    call.state.set_status(account.id, user.id, _CREATE_ACTIONS[action])
    created = {"id": user.id, "first_name": user.given_name, "last_name": user.family_name}
    return Reply(201, {**created, "email": email, "type": user_type}, headers)


@routes.route(
    "GET", "/v2/users/email", "rest.users.email", label=LIGHT, classic=_READ_USERS,
    granular=("user:read:email", "user:read:email:admin"),
)  # fmt: skip
def check_email_route(call: Call) -> Reply:
    email = call.query.get("email")
    if not email:
        raise validation_failed("email")
    return Reply(200, {"existed_email": call.state.email_taken(email)})


@routes.route(
    "GET", "/v2/users/summary", "rest.users.summary", label=LIGHT, classic=_READ_USERS,
    granular=("user:read:summary:admin",),
)  # fmt: skip
def users_summary(call: Call) -> Reply:
    counts = {"licensed_users_count": 0, "basic_users_count": 0, "on_prem_users_count": 0}
    pending = 0
    users = call.state.users(call.account.id).values()
    for user in users:
        if user.status == "pending":
            pending += 1
            continue
        key = {"Licensed": "licensed_users_count", "On-Prem": "on_prem_users_count"}.get(user.user_type)
        counts[key or "basic_users_count"] += 1
    return Reply(
        200,
        {
            **counts,
            "room_users_count": 0,
            "pending_users_count": pending,
            "join_only_users_count": 0,
            "total_users_count": len(users),
        },
    )


@routes.route(
    "GET", "/v2/users/{user_id}", "rest.users.get", label=LIGHT, classic=_READ_USERS,
    granular=("user:read:user", "user:read:user:admin", "user:read:user:master"),
)  # fmt: skip
def get_user(call: Call) -> Reply:
    return Reply(200, rest_user(_find_user(call, call.params["user_id"])))


@routes.route(
    "PATCH", "/v2/users/{user_id}", "rest.users.update", label=LIGHT, classic=_WRITE_USERS,
    granular=("user:update:user", "user:update:user:admin"),
)  # fmt: skip
def update_user(call: Call) -> Reply:
    body = call.json_object()
    user = _find_user(call, call.params["user_id"])
    fields: dict[str, Any] = {}
    for key, value in body.items():
        if key == "type":
            if not isinstance(value, int) or isinstance(value, bool) or value not in _TYPE_NAMES:
                raise validation_failed("type")
            fields["user_type"] = _TYPE_NAMES[value]
        elif key in _PATCH_FIELDS:
            if not isinstance(value, str):
                raise validation_failed(key)
            fields[_PATCH_FIELDS[key]] = value
        elif key not in _PATCH_IGNORED and call.settings.strict_rest_update_fields:
            raise validation_failed(key)
    call.state.update_user(call.account.id, user.id, **fields)
    return Reply(204)


@routes.route(
    "DELETE", "/v2/users/{user_id}", "rest.users.delete", label=LIGHT, classic=_WRITE_USERS,
    granular=("user:delete:user", "user:delete:user:admin"),
)  # fmt: skip
def delete_user(call: Call) -> Reply:
    action = call.query.get("action", "disassociate")
    if action not in ("disassociate", "delete"):
        raise validation_failed("action")
    user = _find_user(call, call.params["user_id"])
    try:
        # Both take the user out of this account: disassociate leaves them a free account
        # elsewhere, which this single-tenant model does not keep.
        call.state.delete_user(call.account.id, user.id)
    except ProtectedRole:
        raise ZoomAPIError(400, 200, "Admin or Owner users cannot be deleted or disassociated.") from None
    return Reply(204)


@routes.route(
    "PUT", "/v2/users/{user_id}/status", "rest.users.status", label=LIGHT, classic=_WRITE_USERS,
    granular=("user:update:status", "user:update:status:admin"),
)  # fmt: skip
def update_status(call: Call) -> Reply:
    body = call.json_object()
    action = body.get("action")
    if not isinstance(action, str) or action not in ("activate", "deactivate"):
        raise validation_failed("action")
    user = _find_user(call, call.params["user_id"])
    try:
        call.state.set_status(call.account.id, user.id, "active" if action == "activate" else "inactive")
    except ProtectedRole:
        raise ZoomAPIError(400, 200, "Zoom Room and Admin users' status can not be activated or deactivated.") from None
    return Reply(204)


@routes.route(
    "GET", "/v2/accounts/{account_id}/managed_domains", "rest.accounts.managed_domains", label=LIGHT,
    classic=("account:read:admin", "account:write:admin", "account:master"),
    granular=("account:read:managed_domains:master",),
)  # fmt: skip
def managed_domains(call: Call) -> Reply:
    account = _own_account(call)
    domains = [{"domain": d, "status": "verified"} for d in account.managed_domains]
    return Reply(200, {"total_records": len(domains), "domains": domains})


@routes.route(
    "GET", "/v2/accounts/{account_id}/settings", "rest.accounts.settings", label=MEDIUM,
    classic=("account:read:admin", "account:write:admin", "account:master"),
    granular=("account:read:settings:admin", "account:read:settings:master"),
)  # fmt: skip
def account_settings(call: Call) -> Reply:
    account = _own_account(call)
    # Only the settings that bear on provisioning are modelled.
    return Reply(200, {"security": {"sso_enabled": account.sso_enabled}, "plan": account.plan})


def _own_account(call: Call) -> Any:
    account_id = call.params["account_id"]
    if account_id not in ("me", call.account.id):
        raise ZoomAPIError(404, 2001, f"Account does not exist: {account_id}.")
    return call.account


# -- Marketplace ----------------------------------------------------------------------------

_APP_READ = ("marketplace:read:app", "marketplace:read:app:admin", "marketplace:read:list_apps:admin")
_APP_WRITE = ("marketplace:write:app", "marketplace:write:app:admin", "marketplace:write:app:master")


def app_document(app: App, *, with_secret: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "app_id": app.id,
        "app_name": app.name,
        "app_type": "s2s_oauth",
        "app_status": app.status,
        "created_at": iso(app.created_at),
        "scopes": list(app.scopes),
        "company_name": app.company_name,
        "contact_name": app.contact_name,
        "contact_email": app.contact_email,
        "description": app.description,
    }
    credentials = {"client_id": app.client_id}
    if with_secret:
        credentials["client_secret"] = app.client_secret
    document["production_credentials"] = credentials
    return document


@routes.route(
    "POST", "/v2/accounts/{account_id}/marketplace/apps", "rest.marketplace.create", label=HEAVY,
    classic=("marketplace_app:master",), granular=_APP_WRITE,
)  # fmt: skip
def create_app(call: Call) -> Reply:
    account = _own_account(call)
    body = call.json_object()
    name = body.get("app_name")
    if body.get("app_type") != "s2s_oauth":
        # The emulator builds Server-to-Server OAuth apps only, the type the provisioner uses.
        raise validation_failed("app_type")
    if not isinstance(name, str) or not name.strip():
        raise validation_failed("app_name")
    info: dict[str, Any] = {}
    for key in ("company_name", "contact_name", "contact_email"):
        if key in body:
            if not isinstance(body[key], str):
                raise validation_failed(key)
            info[key] = body[key]
    scopes = body.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise validation_failed("scopes")
    active = body.get("active", False)
    if not isinstance(active, bool):
        raise validation_failed("active")
    app = call.state.create_app(account.id, name, scopes=scopes, **info)
    if active:
        try:
            call.state.activate_app(app.id)
        except ActivationRefused as refusal:
            call.state.delete_app(app.id)
            raise ZoomAPIError(
                400, 300, "The app cannot be activated; missing: " + ", ".join(refusal.missing) + "."
            ) from None
    return Reply(201, app_document(app, with_secret=True))


@routes.route("GET", "/v2/marketplace/apps", "rest.marketplace.list", label=MEDIUM, granular=_APP_READ)
def list_apps(call: Call) -> Reply:
    apps = [a for a in call.state.apps.values() if a.account_id == call.account.id and a.status != "deleted"]
    return Reply(200, {"next_page_token": "", "page_size": len(apps), "apps": [app_document(a) for a in apps]})


def _own_app(call: Call) -> App:
    try:
        app = call.state.app(call.params["app_id"])
    except NotFound:
        app = None
    if app is None or app.account_id != call.account.id:
        raise ZoomAPIError(404, 4700, f"App does not exist: {call.params['app_id']}.")
    return app


@routes.route("GET", "/v2/marketplace/apps/{app_id}", "rest.marketplace.get", label=LIGHT, granular=_APP_READ)
def get_app(call: Call) -> Reply:
    return Reply(200, app_document(_own_app(call)))


@routes.route("DELETE", "/v2/marketplace/apps/{app_id}", "rest.marketplace.delete", label=LIGHT, granular=_APP_WRITE)
def delete_app(call: Call) -> Reply:
    call.state.delete_app(_own_app(call).id)
    return Reply(204)


@routes.route(
    "POST", "/v2/marketplace/apps/{app_id}/rotate_client_secret", "rest.marketplace.rotate", label=LIGHT,
    granular=("marketplace:update:client_secret",),
)  # fmt: skip
def rotate_secret(call: Call) -> Reply:
    app = call.state.rotate_secret(_own_app(call).id)
    return Reply(200, {"client_id": app.client_id, "client_secret": app.client_secret})


def translate(error: Exception) -> ZoomAPIError | None:
    """State refusals a REST handler did not translate itself."""
    if isinstance(error, Invalid):
        return validation_failed(*(error.fields or ("body",)))
    if isinstance(error, NotFound):
        return ZoomAPIError(404, 1001, f"Resource does not exist: {error}.")
    return None

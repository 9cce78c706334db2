"""Zoom's SCIM2 API: Users and Groups under ``/scim2`` (reference §3), with Zoom's quirks.

Quirks kept on purpose: only ``userName eq`` and ``externalId eq`` (the Zoom id) filters, PUT is a
partial update that never changes ``userName``, PATCH toggles ``active`` only, ``manager`` is a
plain string, Owner and Admin users cannot be deactivated or deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import Any

from mocks.api import scim_render as render
from mocks.api.routing import Call, Reply, Routes
from mocks.api.scim_render import (
    ENTERPRISE_FIELDS,
    ENTERPRISE_USER,
    ZOOM_GROUP,
    ZOOM_LOGIN,
    ZOOM_USER,
)
from mocks.core.errors import ScimError
from mocks.state.models import (
    ROLES,
    SCIM_PLANS,
    USER_TYPES,
    AlreadyExists,
    Group,
    Invalid,
    NotFound,
    ProtectedRole,
    User,
    builtin_role,
)
from mocks.state.ratelimit import LIGHT, MEDIUM
from mocks.state.settings import EmulatorSettings

SCIM_SCOPES = {"classic": ("scim2",), "granular": ("scim2:admin",)}
routes = Routes("scim")

# ``eq`` in either case; possessive runs, so a quoted value costs one step per run, not per character.
_FILTER = re.compile(r'^\s*(\w+)\s+[eE][qQ]\s+(?:"((?:[^"\\]++|\\.)*+)"|(\S+))\s*$')
_USER_FILTERS = {"username": "userName", "externalid": "externalId"}
_GROUP_FILTERS = {"displayname": "displayName"}
_USER_KEYS = frozenset(
    {
        "schemas", "id", "externalId", "meta", "userName", "name", "displayName", "emails", "active",
        "userType", "title", "locale", "phoneNumbers", "roles", "groups", "nickName", "password",
        ENTERPRISE_USER, ZOOM_LOGIN, ZOOM_USER,
    }
)  # fmt: skip


def scim_route(method: str, template: str, name: str, label: str):  # type: ignore[no-untyped-def]
    return routes.route(method, template, name, label=label, **SCIM_SCOPES)


# -- parsing --------------------------------------------------------------------------------


def _invalid(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidValue")


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _invalid(f'The attribute "{name}" must be a string.')
    return value


def _single_value(entries: Any, name: str) -> Any:
    """SCIM multi-valued attributes arrive as a list of objects (or, from lenient clients, one)."""
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _invalid(f'The attribute "{name}" must be a list of objects.')
    return entries


def user_fields(body: dict[str, Any], settings: EmulatorSettings, user_name: str) -> dict[str, Any]:
    """Map a SCIM user body onto state fields, refusing wrong types and unknown attributes."""
    if settings.strict_unknown_fields:
        unknown = sorted(set(body) - _USER_KEYS)
        if unknown:
            raise ScimError(400, f"Unsupported attribute: {', '.join(unknown)}.", "invalidSyntax")
    fields: dict[str, Any] = {}
    if "name" in body:
        name = body["name"]
        if not isinstance(name, dict):
            raise _invalid('The attribute "name" must be an object.')
        for wire, attr in (("givenName", "given_name"), ("familyName", "family_name")):
            if wire in name:
                fields[attr] = _string(name[wire], f"name.{wire}")
    if "displayName" in body:
        # Writable on POST and PUT since Zoom's SCIM2 changelog of 2023-11-17.
        fields["display_name"] = _string(body["displayName"], "displayName")
    if "emails" in body:
        emails = [_string(e.get("value"), "emails.value") for e in _single_value(body["emails"], "emails")]
        others = [e for e in emails if e.lower() != user_name.lower()]
        if others and settings.refuse_extra_emails:
            raise _invalid(f"A Zoom user has one email, its userName; refused: {', '.join(others)}.")
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise _invalid('The attribute "active" must be a boolean.')
        fields["status"] = "active" if body["active"] else "inactive"
    if "userType" in body:
        user_type = _string(body["userType"], "userType")
        if user_type not in USER_TYPES:
            raise _invalid(f"Invalid userType: {user_type}. Expected one of {', '.join(USER_TYPES)}.")
        fields["user_type"] = user_type
    for wire in ("title", "locale"):
        if wire in body:
            fields[wire] = _string(body[wire], wire)
    if "phoneNumbers" in body:
        phones = []
        for entry in _single_value(body["phoneNumbers"], "phoneNumbers"):
            phone = {"value": _string(entry.get("value"), "phoneNumbers.value")}
            phone["type"] = _string(entry.get("type", "work"), "phoneNumbers.type")
            phones.append(phone)
        fields["phone_numbers"] = phones
    if "roles" in body:
        roles = _single_value(body["roles"], "roles")
        if len(roles) > 1 and settings.single_role:
            raise _invalid("Zoom accepts a single value for roles.")
        if roles:
            fields["role"] = _role(_string(roles[0].get("value"), "roles.value"), settings)
    enterprise = body.get(ENTERPRISE_USER)
    if enterprise is not None:
        if not isinstance(enterprise, dict):
            raise _invalid(f'The attribute "{ENTERPRISE_USER}" must be an object.')
        for wire, attr in ENTERPRISE_FIELDS.items():
            if wire in enterprise:
                fields[attr] = _string(enterprise[wire], wire)
    login = body.get(ZOOM_LOGIN)
    if login is not None:
        login_type = login.get("loginType") if isinstance(login, dict) else None
        if not isinstance(login_type, dict):
            raise _invalid('The attribute "loginType" must be an object.')
        for wire, attr in (("workEmail", "login_work_email"), ("sso", "login_sso")):
            if wire in login_type:
                if not isinstance(login_type[wire], bool):
                    raise _invalid(f'The attribute "loginType.{wire}" must be a boolean.')
                fields[attr] = login_type[wire]
    return fields


def _role(value: str, settings: EmulatorSettings) -> str:
    """The one role a roles value names: a built-in role by name or id, else a custom role."""
    role = builtin_role(value)
    if role is not None:
        return role
    if not value.strip() or not settings.custom_roles:
        raise _invalid(f"Invalid role: {value}. Expected one of {', '.join(ROLES)}.")
    return value


def _require_schemas(body: dict[str, Any]) -> None:
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or not schemas or not all(isinstance(s, str) for s in schemas):
        raise ScimError(400, 'The attribute "schemas" is required.', "invalidSyntax")


def _paging(call: Call) -> tuple[int, int]:
    query, settings = call.query, call.settings
    start_index, count_asked = query.get("startIndex"), query.get("count")
    try:
        start = 1 if start_index is None else int(start_index)
        count = settings.scim_default_count if count_asked is None else int(count_asked)
    except ValueError:
        raise _invalid("startIndex and count must be integers.") from None
    # RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0.
    return max(1, start), min(max(0, count), settings.scim_max_count)


def _parse_filter(expression: str, allowed: dict[str, str]) -> tuple[str, str]:
    found = _FILTER.match(expression)
    name, quoted, bare = found.groups() if found else ("", None, None)
    attribute = allowed.get(name.lower())
    if attribute is None:
        raise ScimError(400, f"The current filter does not support the filter name: {expression}", "invalidFilter")
    value = quoted.replace('\\"', '"') if quoted is not None else bare
    return attribute, value


def _page(items: Iterable[Any], total: int, start: int, count: int) -> list[Any]:
    return list(islice(items, start - 1, start - 1 + count)) if start <= total else []


def _not_found_user(user_id: str) -> ScimError:
    return ScimError(404, f"User does not exist: {user_id}.")


def _protected(error: ProtectedRole) -> ScimError:
    return protected_role_refusal(str(error))


def protected_role_refusal(role: str) -> ScimError:
    """Zoom's answer to disabling or deleting an Admin or Owner."""
    return ScimError(400, f"Zoom does not deactivate or delete users whose role is {role}.", "mutability")


def prerequisite_refusal(sso_enabled: bool, plan: str) -> ScimError | None:
    """Zoom's answer to a SCIM call on an account that fails SCIM's prerequisites, or None."""
    if not sso_enabled:
        return ScimError(400, "Account has not enabled Single Sign-On.")
    if plan not in SCIM_PLANS:
        # [I] Zoom requires a Business or Education plan; the refusal's wording is not captured.
        return ScimError(
            403, f"SCIM2 API is not available on the {plan} plan; a Business or Education plan is required."
        )
    return None


# -- users ----------------------------------------------------------------------------------


def _users_page(page: list[User], total: int, start: int, call: Call) -> bytes:
    return render.users_list_json(page, total, start, call.api_base, listed=not call.settings.scim_list_full_attributes)


@scim_route("GET", "/scim2/Users", "scim.users.list", MEDIUM)
def list_users(call: Call) -> Reply:
    start, count = _paging(call)
    account = call.account
    expression = call.query.get("filter")
    if expression:
        attribute, value = _parse_filter(expression, _USER_FILTERS)
        if attribute == "userName":
            user = call.state.user_by_name(account.id, value)
            if user is not None and user.status == "pending":
                # Zoom answers a pending (invited) user's lookup with this 400 (captured, §3.4).
                raise ScimError(400, f"User {value} not exist or not belong to this account.")
        else:
            user = call.state.users(account.id).get(value)
        matches = [user] if user is not None and user.status != "pending" else []
        return Reply(200, _users_page(matches[start - 1 : start - 1 + count], len(matches), start, call))
    users = call.state.users(account.id)
    pending = sum(1 for u in users.values() if u.status == "pending") if users else 0
    total = len(users) - pending
    listed = (u for u in users.values() if u.status != "pending")
    page = _page(listed, total, start, count)
    return Reply(200, _users_page(page, total, start, call))


@scim_route("POST", "/scim2/Users", "scim.users.create", LIGHT)
def create_user(call: Call) -> Reply:
    body = call.json_object()
    _require_schemas(body)
    user_name = body.get("userName")
    if not isinstance(user_name, str) or not user_name.strip():
        raise _invalid('The attribute "userName" is required.')
    fields = user_fields(body, call.settings, user_name)
    if not fields.get("login_sso", True) and not fields.get("login_work_email", False):
        raise _invalid("At least one of loginType.sso and loginType.workEmail must be true.")
    status = fields.pop("status", "active")
    try:
        user = call.state.create_user(call.account.id, user_name, **fields)
    except AlreadyExists:
        raise ScimError(409, "The user already exists", "uniqueness") from None
    except Invalid as error:
        raise _invalid(f"Invalid {error.fields[0] if error.fields else 'value'}: {user_name}.") from None
    if status == "inactive":
        call.state.set_status(call.account.id, user.id, "inactive")
    return Reply(201, render.user_resource(user, call.api_base), {"Location": f"{call.api_base}/scim2/Users/{user.id}"})


@scim_route("GET", "/scim2/Users/{user_id}", "scim.users.get", LIGHT)
def get_user(call: Call) -> Reply:
    user = call.state.users(call.account.id).get(call.params["user_id"])
    if user is None or user.status == "pending":
        raise _not_found_user(call.params["user_id"])
    return Reply(200, render.user_json(user, call.api_base))


@scim_route("PUT", "/scim2/Users/{user_id}", "scim.users.replace", LIGHT)
def replace_user(call: Call) -> Reply:
    body = call.json_object()
    _require_schemas(body)
    user_id = call.params["user_id"]
    user = call.state.users(call.account.id).get(user_id)
    if user is None:
        raise _not_found_user(user_id)
    # Zoom's PUT is a partial update that keeps userName (§3.7); displayName is writable since 2023.
    fields = user_fields(body, call.settings, user.user_name)
    try:
        user = call.state.update_user(call.account.id, user_id, **fields)
    except ProtectedRole as error:
        raise _protected(error) from None
    return Reply(200, render.user_resource(user, call.api_base))


@scim_route("PATCH", "/scim2/Users/{user_id}", "scim.users.patch", LIGHT)
def patch_user(call: Call) -> Reply:
    body = call.json_object()
    user_id = call.params["user_id"]
    if call.state.users(call.account.id).get(user_id) is None:
        raise _not_found_user(user_id)
    active: bool | None = None
    for operation in _operations(body):
        op, path, value = operation
        if op not in ("replace", "add"):
            raise ScimError(400, f"Unsupported operation: {op}.", "invalidSyntax")
        if path is None and isinstance(value, dict) and set(value) == {"active"}:
            value = value["active"]
        elif (path or "").lower() != "active":
            # [I] Zoom documents PATCH as activate/deactivate only; other paths are refused.
            raise ScimError(400, f"Unsupported patch path: {path or sorted(value or {})}.", "invalidPath")
        if not isinstance(value, bool):
            raise _invalid('The attribute "active" must be a boolean.')
        active = value
    assert active is not None
    try:
        user = call.state.set_status(call.account.id, user_id, "active" if active else "inactive")
    except ProtectedRole as error:
        raise _protected(error) from None
    return Reply(200, render.user_resource(user, call.api_base))


def _operations(body: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    # Zoom does not check the PatchOp URN (a public script sends the ListResponse URN, §3.8).
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, 'The attribute "Operations" must be a non-empty list.', "invalidSyntax")
    parsed = []
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("op"), str):
            raise ScimError(400, "Each operation needs an op.", "invalidSyntax")
        path = operation.get("path")
        if path is not None and not isinstance(path, str):
            raise ScimError(400, "An operation path must be a string.", "invalidPath")
        parsed.append((operation["op"].lower(), path, operation.get("value")))
    return parsed


@scim_route("DELETE", "/scim2/Users/{user_id}", "scim.users.delete", LIGHT)
def delete_user(call: Call) -> Reply:
    user_id = call.params["user_id"]
    try:
        call.state.delete_user(call.account.id, user_id)
    except NotFound:
        raise _not_found_user(user_id) from None
    except ProtectedRole as error:
        raise _protected(error) from None
    return Reply(204)


# -- groups ---------------------------------------------------------------------------------


def _group_or_404(call: Call) -> Group:
    group = call.state.groups(call.account.id).get(call.params["group_id"])
    if group is None:
        raise ScimError(404, "Group does not exist.")
    return group


@scim_route("GET", "/scim2/Groups", "scim.groups.list", MEDIUM)
def list_groups(call: Call) -> Reply:
    start, count = _paging(call)
    groups = list(call.state.groups(call.account.id).values())
    expression = call.query.get("filter")
    if expression:
        _, value = _parse_filter(expression, _GROUP_FILTERS)
        groups = [g for g in groups if g.display_name.lower() == value.lower()]
    page = _page(groups, len(groups), start, count)
    return Reply(200, render.list_response([render.group_resource(g, call.api_base) for g in page], len(groups), start))


@scim_route("POST", "/scim2/Groups", "scim.groups.create", LIGHT)
def create_group(call: Call) -> Reply:
    body = call.json_object()
    _require_schemas(body)
    display_name = body.get("displayName")
    if not isinstance(display_name, str) or not display_name.strip():
        raise ScimError(400, 'The "DisplayName" of the request is invalid.', "invalidValue")
    extension = body.get(ZOOM_GROUP) or {}
    alias = extension.get("emailAlias", "") if isinstance(extension, dict) else None
    if not isinstance(alias, str):
        raise _invalid('The attribute "emailAlias" must be a string.')
    members = _member_ids(body.get("members", []))
    try:
        group = call.state.create_group(call.account.id, display_name, email_alias=alias, members=members)
    except AlreadyExists:
        raise ScimError(409, "The group already exists", "uniqueness") from None
    except NotFound as error:
        raise _invalid(f"Member {error} is not a user of this account.") from None
    location = f"{call.api_base}/scim2/Groups/{group.id}"
    return Reply(201, render.group_resource(group, call.api_base), {"Location": location})


@scim_route("GET", "/scim2/Groups/{group_id}", "scim.groups.get", LIGHT)
def get_group(call: Call) -> Reply:
    return Reply(200, render.group_resource(_group_or_404(call), call.api_base))


_MEMBER_PATH = re.compile(r'^members\[value eq "?([^"\]]+)"?\]$', re.IGNORECASE)


@scim_route("PATCH", "/scim2/Groups/{group_id}", "scim.groups.patch", LIGHT)
def patch_group(call: Call) -> Reply:
    group = _group_or_404(call)
    body = call.json_object()
    operations = _operations(body)
    # The operations apply in order to a working copy of the members (add, remove and replace,
    # as Zoom's OpenAPI describes them); the group changes only when every operation is valid.
    members = list(group.members)
    new_name: str | None = None
    for op, path, value in operations:
        target = (path or "").lower()
        member = _MEMBER_PATH.match(path or "")
        if op == "add" and target == "members":
            members += [m for m in _member_ids(value) if m not in members]
        elif op == "replace" and target == "members":
            members = list(dict.fromkeys(_member_ids(value)))
        elif op == "remove" and target == "members":
            gone = set(_member_ids(value)) if value is not None else set(members)
            members = [m for m in members if m not in gone]
        elif op == "remove" and member:
            members = [m for m in members if m != member.group(1)]
        elif op == "replace" and target == "displayname" and isinstance(value, str) and value.strip():
            new_name = value
        elif op == "replace" and path is None and isinstance(value, dict) and "displayName" in value:
            new_name = _string(value["displayName"], "displayName")
        else:
            raise ScimError(400, f"Unsupported operation: {op} {path or ''}".strip() + ".", "invalidPath")
    add = [m for m in members if m not in group.members]
    remove = [m for m in group.members if m not in members]
    try:
        call.state.set_members(call.account.id, group.id, add=add, remove=remove)
    except NotFound as error:
        raise _invalid(f"Member {error} is not a user of this account.") from None
    if new_name is not None:
        group.display_name = new_name
    return Reply(204)


def _member_ids(value: Any) -> list[str]:
    entries = _single_value(value, "members")
    return [_string(entry.get("value"), "members.value") for entry in entries]


@scim_route("DELETE", "/scim2/Groups/{group_id}", "scim.groups.delete", LIGHT)
def delete_group(call: Call) -> Reply:
    group = _group_or_404(call)
    call.state.delete_group(call.account.id, group.id)
    return Reply(204)

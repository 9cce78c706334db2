"""Zoom's SCIM2 resources as it renders them: users (whole, or as a list shows them), groups and
list responses (reference §3), with the schema URNs they carry."""

from __future__ import annotations

from typing import Any

from mocks.api.routing import encode_json
from mocks.core.clock import iso
from mocks.state.models import (
    Group,
    User,
    role_id,
)

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ZOOM_LOGIN = "urn:us:zoom:scim:schemas:extension:1.0:ZoomUser"
ZOOM_USER = "urn:ietf:params:scim:schemas:extension:zoom:1.0:User"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ZOOM_GROUP = "urn:ietf:params:scim:schemas:extension:zoom:2.0:Group"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


ENTERPRISE_FIELDS = {
    "department": "department",
    "organization": "organization",
    "costCenter": "cost_center",
    "employeeNumber": "employee_number",
    "manager": "manager",
}
#: What a ListUsers result keeps of the enterprise extension (the reference's list sample).
LISTED_ENTERPRISE_FIELDS = {"department": "department"}


def user_resource(user: User, api_base: str, *, listed: bool = False) -> dict[str, Any]:
    """A user's SCIM resource; ``listed`` is the thinner shape of a ListUsers result, which
    leaves out the enterprise fields other than department (reference, evidence of 2026-11-29)."""
    resource: dict[str, Any] = {
        "schemas": [CORE_USER, ENTERPRISE_USER, ZOOM_LOGIN],
        "id": user.id,
        "meta": {
            "resourceType": "User",
            "location": f"{api_base}/scim2/Users/{user.id}",
            "version": f'W/"{user.version}"',
            "created": iso(user.created),
            "lastModified": iso(user.last_modified),
        },
        "userName": user.user_name,
        "name": {"givenName": user.given_name, "familyName": user.family_name},
        "displayName": user.display_name,
        # A Zoom user has one email, its userName.
        "emails": [{"type": "work", "value": user.user_name, "primary": True}],
        "active": user.active,
        "userType": user.user_type,
        # [I] Zoom's sample shows roles as an object on GET and an array elsewhere; arrays here.
        "roles": [{"value": role_id(user.role), "display": user.role, "primary": True}],
    }
    if user.title:
        resource["title"] = user.title
    if user.locale:
        resource["locale"] = user.locale
    if user.phone_numbers:
        resource["phoneNumbers"] = [dict(p) for p in user.phone_numbers]
    fields = LISTED_ENTERPRISE_FIELDS if listed else ENTERPRISE_FIELDS
    enterprise = {wire: getattr(user, attr) for wire, attr in fields.items() if getattr(user, attr)}
    if enterprise:
        resource[ENTERPRISE_USER] = enterprise
    resource[ZOOM_LOGIN] = {"loginType": {"workEmail": user.login_work_email, "sso": user.login_sso}}
    return resource


#: Encoded SCIM users by (id, revision, API base, listed), and a lookup's page of one user by the
#: same and (total, start); bounded, the oldest dropped first.
_RENDERED: dict[tuple[Any, ...], bytes] = {}
_RENDERED_MAX = 20_000


def _kept(key: tuple[Any, ...], rendering: bytes) -> bytes:
    if len(_RENDERED) >= _RENDERED_MAX:
        del _RENDERED[next(iter(_RENDERED))]
    _RENDERED[key] = rendering
    return rendering


def user_json(user: User, api_base: str, *, listed: bool = False) -> bytes:
    """The user's SCIM resource as JSON bytes, rendered once per revision of the user."""
    key = (user.id, user.__dict__["revision"], api_base, listed)
    return _RENDERED.get(key) or _kept(key, encode_json(user_resource(user, api_base, listed=listed)))


def group_resource(group: Group, api_base: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "schemas": [CORE_GROUP, ZOOM_GROUP],
        "id": group.id,
        "meta": {
            "resourceType": "Group",
            "version": "1.0.0",
            "location": f"{api_base}/scim2/Groups/{group.id}",
            "created": iso(group.created),
            "lastModified": iso(group.last_modified),
        },
        "displayName": group.display_name,
        "members": [{"value": member} for member in group.members],
    }
    if group.email_alias:
        resource[ZOOM_GROUP] = {"emailAlias": group.email_alias}
    return resource


def list_response(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    return {
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


_LIST = b'{"schemas":["%s"],"totalResults":%%d,"startIndex":%%d,"itemsPerPage":%%d,"Resources":[%%s]}' % (
    LIST_RESPONSE.encode()
)


def users_list_json(users: list[User], total: int, start: int, api_base: str, *, listed: bool = True) -> bytes:
    """A ListResponse of users (the shape of ``list_response``), from their cached renderings.

    A page of one user (a userName lookup's answer) is kept per revision of the user too: repeated
    lookups share one rendering instead of each building, and the journal keeping, its own copy.
    """
    if len(users) == 1:
        user = users[0]
        key = (user.id, user.__dict__["revision"], api_base, listed, total, start)
        return _RENDERED.get(key) or _kept(key, _LIST % (total, start, 1, user_json(user, api_base, listed=listed)))
    resources = b",".join([user_json(u, api_base, listed=listed) for u in users])
    return _LIST % (total, start, len(users), resources)

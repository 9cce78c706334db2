"""Zoom's SCIM2 contract, pinned where the emulator's mutation run (``make mutants-contract``) found it
unpinned: every refusal's status, ``scimType`` and wording, paging at its edges, filters with escaped
quotes, and the resource as Zoom renders it. Docstrings quote ``../shared/reference/zoom-api.md`` (§3)
or RFC 7643/7644; where both are silent they say which inference the test pins."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mocks.api.scim_render import ENTERPRISE_USER as ENTERPRISE
from mocks.api.scim_render import ZOOM_LOGIN
from mocks.core.errors import SCIM_ERROR_URN as ERROR
from tests.emulator.conftest import CORE_USER, Zoom


def _refusal(response: httpx.Response, status: int, scim_type: str | None, detail: str) -> None:
    expected: dict[str, Any] = {"schemas": [ERROR], "detail": detail, "status": status}
    if scim_type:
        expected["scimType"] = scim_type
    assert (response.status_code, response.json()) == (status, expected)


def _must_be(name: str, kind: str = "a string") -> str:
    return f'The attribute "{name}" must be {kind}.'


# RFC 7644 §3.12: "invalidValue": "A required value was missing, or the value specified was not
# compatible with the operation or attribute type"; "invalidSyntax": "The request body message
# structure was invalid or did not conform to the request schema". Zoom's own SCIM errors carry no
# scimType (zoom-api.md §3.11); the emulator adds the RFC's, and its wording names the attribute
# (inferred: Zoom's wording is not captured).
REFUSED_BODIES = [
    ({"bogus": 1, "other": 2}, "invalidSyntax", "Unsupported attribute: bogus, other."),
    ({"name": "Jill Chill"}, "invalidValue", _must_be("name", "an object")),
    ({"name": {"givenName": 1}}, "invalidValue", _must_be("name.givenName")),
    ({"displayName": 5}, "invalidValue", _must_be("displayName")),
    ({"emails": [{"value": 5}]}, "invalidValue", _must_be("emails.value")),
    ({"emails": "x@example.com"}, "invalidValue", _must_be("emails", "a list of objects")),
    ({"emails": [1]}, "invalidValue", _must_be("emails", "a list of objects")),
    ({"active": "yes"}, "invalidValue", _must_be("active", "a boolean")),
    ({"userType": 2}, "invalidValue", _must_be("userType")),
    ({"userType": "Pro"}, "invalidValue", "Invalid userType: Pro. Expected one of Basic, Licensed, On-Prem."),
    ({"title": 5}, "invalidValue", _must_be("title")),
    ({"phoneNumbers": "555"}, "invalidValue", _must_be("phoneNumbers", "a list of objects")),
    ({"phoneNumbers": [{"value": 5}]}, "invalidValue", _must_be("phoneNumbers.value")),
    ({"phoneNumbers": [{"value": "555", "type": 5}]}, "invalidValue", _must_be("phoneNumbers.type")),
    ({"roles": "Admin"}, "invalidValue", _must_be("roles", "a list of objects")),
    ({"roles": [{"value": "Admin"}, {"value": "Member"}]}, "invalidValue", "Zoom accepts a single value for roles."),
    ({"roles": [{"value": 1}]}, "invalidValue", _must_be("roles.value")),
    ({ENTERPRISE: {"department": 5}}, "invalidValue", _must_be("department")),
    ({ZOOM_LOGIN: "sso"}, "invalidValue", _must_be("loginType", "an object")),
    ({ZOOM_LOGIN: {"loginType": {"workEmail": "yes"}}}, "invalidValue", _must_be("loginType.workEmail", "a boolean")),
]


@pytest.mark.parametrize("attributes, scim_type, detail", REFUSED_BODIES)
def test_a_create_with_a_wrong_attribute_is_refused_naming_it(
    zoom: Zoom, attributes: dict[str, Any], scim_type: str, detail: str
) -> None:
    """zoom-api.md §3.3 lists each attribute's type (``name.givenName``, ``phoneNumbers[]`` (``type``,
    ``value``), ``roles[]``, enterprise ``department``, ``loginType.workEmail`` (bool)); §3.11: errors
    are RFC 7644's ``{"schemas":[…Error],"detail":"...","status":400}``. A refused create keeps nothing."""
    body = {"schemas": [CORE_USER, ENTERPRISE, ZOOM_LOGIN], "userName": "wrong@example.com", **attributes}
    _refusal(zoom.call("POST", "/scim2/Users", json=body), 400, scim_type, detail)
    assert zoom.emulator.state.user_by_name(zoom.credentials.account_id, "wrong@example.com") is None


def test_the_same_refusals_hold_for_an_update(zoom: Zoom) -> None:
    """zoom-api.md §3.7: a PUT "needs ``schemas``" and carries only the fields to change: each is
    checked as on create (inferred)."""
    user = zoom.create_user("put@example.com")
    for attributes, scim_type, detail in REFUSED_BODIES:
        body = {"schemas": [CORE_USER], **attributes}
        _refusal(zoom.call("PUT", f"/scim2/Users/{user['id']}", json=body), 400, scim_type, detail)


def test_emails_other_than_the_user_name_are_refused_when_zoom_is_set_to(zoom: Zoom) -> None:
    """zoom-api.md §3.5/§3.6: a Zoom user's one email is its ``userName`` (``emails[0].value`` ==
    ``userName``); with ``refuse_extra_emails`` on, others are refused and named (inferred wording)."""
    zoom.emulator.settings.refuse_extra_emails = True
    emails = [{"value": "one@example.com"}, {"value": "a@other.example"}, {"value": "b@other.example"}]
    body = {"schemas": [CORE_USER], "userName": "one@example.com", "emails": emails}
    detail = "A Zoom user has one email, its userName; refused: a@other.example, b@other.example."
    _refusal(zoom.call("POST", "/scim2/Users", json=body), 400, "invalidValue", detail)


@pytest.mark.parametrize("schemas", [None, [], [5], "urn:ietf:params:scim:schemas:core:2.0:User"])
def test_a_body_without_its_schemas_is_refused(zoom: Zoom, schemas: Any) -> None:
    """zoom-api.md §3.7: "Body needs ``schemas``"; RFC 7643 §3: "schemas" is "a multi-valued
    attribute" of URI strings, "REQUIRED"; RFC 7644 §3.12 "invalidSyntax" for a body off its schema."""
    body: dict[str, Any] = {"userName": "noschema@example.com"}
    if schemas is not None:
        body["schemas"] = schemas
    _refusal(zoom.call("POST", "/scim2/Users", json=body), 400, "invalidSyntax", 'The attribute "schemas" is required.')


def test_an_unsupported_filter_is_refused_with_zoom_s_message(zoom: Zoom) -> None:
    """zoom-api.md §3.4: "Unsupported filter → 400, message seen for groups: ``The current filter does
    not support the filter name: {filter}``"; RFC 7644 §3.12: "invalidFilter"."""
    expression = 'emails eq "x@example.com"'
    detail = f"The current filter does not support the filter name: {expression}"
    _refusal(zoom.call("GET", "/scim2/Users", params={"filter": expression}), 400, "invalidFilter", detail)


def test_a_quoted_filter_value_takes_escaped_quotes(zoom: Zoom) -> None:
    """zoom-api.md §3.4: RFC clients send ``userName eq "x@y.com"``; RFC 7644 §3.4.2.2: a filter's
    string value is a JSON string (RFC 7159), so ``\\"`` inside it is a quote."""
    user = zoom.create_user('o"neil@example.com')
    found = zoom.call("GET", "/scim2/Users", params={"filter": 'userName eq "o\\"neil@example.com"'}).json()
    assert [r["id"] for r in found["Resources"]] == [user["id"]]


def test_paging_parameters_that_are_not_integers_are_refused(zoom: Zoom) -> None:
    """RFC 7644 §3.4.2.4: ``startIndex`` and ``count`` are integers; §3.12 "invalidValue"."""
    for params in ({"startIndex": "first"}, {"count": "ten"}):
        refused = zoom.call("GET", "/scim2/Users", params=params)
        _refusal(refused, 400, "invalidValue", "startIndex and count must be integers.")


def test_a_count_of_zero_returns_the_total_and_no_resources(zoom: Zoom) -> None:
    """RFC 7644 §3.4.2.4: "A value of "0" indicates that no resource results are to be returned
    except for "totalResults""; "A negative value SHALL be interpreted as "0"."."""
    zoom.create_user("counted@example.com")
    for count in (0, -3):
        page = zoom.call("GET", "/scim2/Users", params={"count": count}).json()
        assert (page["totalResults"], page["itemsPerPage"], page["Resources"]) == (2, 0, [])


def test_a_user_resource_is_rendered_as_zoom_shows_it(zoom: Zoom) -> None:
    """zoom-api.md §3.4/§3.5: the resource carries ``schemas`` [core, enterprise, ZoomUser], ``meta``
    (``resourceType``, ``location``, ``version``, ``created``, ``lastModified`` "added Dec 2023"),
    the enterprise extension and ``"urn:us:zoom:scim:schemas:extension:1.0:ZoomUser": {"loginType":
    {"workEmail": true, "sso": true}}``; a list shows each user with its own ``location``."""
    at = zoom.frozen_instant()
    login = {"loginType": {"workEmail": True, "sso": False}}
    first = zoom.create_user("render@example.com", name={"givenName": "Jill", "familyName": "Chill"},
                             **{ENTERPRISE: {"department": "Developers"}, ZOOM_LOGIN: login})  # fmt: skip
    second = zoom.create_user("render2@example.com")
    location = f"{zoom.api}/scim2/Users/{first['id']}"
    expected = {
        "schemas": [CORE_USER, ENTERPRISE, ZOOM_LOGIN],
        "id": first["id"],
        "meta": {
            "resourceType": "User",
            "location": location,
            "version": first["meta"]["version"],
            "created": at,
            "lastModified": at,
        },
        "userName": "render@example.com",
        "name": {"givenName": "Jill", "familyName": "Chill"},
        "displayName": "Jill Chill",
        "emails": [{"type": "work", "value": "render@example.com", "primary": True}],
        "active": True,
        "userType": "Basic",
        "roles": [{"value": "2", "display": "Member", "primary": True}],
        ENTERPRISE: {"department": "Developers"},
        ZOOM_LOGIN: login,
    }
    assert first == expected
    assert zoom.call("GET", f"/scim2/Users/{first['id']}").json() == expected
    listed = zoom.call("GET", "/scim2/Users").json()["Resources"]
    locations = {r["id"]: r["meta"]["location"] for r in listed}
    assert locations[first["id"]] == location
    assert locations[second["id"]] == f"{zoom.api}/scim2/Users/{second['id']}"

"""The corrections that public evidence asked of the emulator (issue: fidelity to today's Zoom):
one role shared by SCIM and REST, a writable displayName, thinner list results, one email per
user, group member replace, and apps built with granular scopes. Each pins the wire behaviour."""

from __future__ import annotations

import pytest

from mocks.api.scim_render import ENTERPRISE_USER, ZOOM_LOGIN
from mocks.state.models import Invalid
from tests.emulator.conftest import CORE_USER, Zoom

CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _put(zoom: Zoom, user_id: str, **attributes: object) -> dict:  # type: ignore[type-arg]
    response = zoom.call("PUT", f"/scim2/Users/{user_id}", json={"schemas": [CORE_USER], **attributes})
    assert response.status_code == 200, response.text
    return response.json()


def _rest_role(zoom: Zoom, user_id: str) -> tuple[str, str]:
    user = zoom.call("GET", f"/v2/users/{user_id}").json()
    return user["role_id"], user["role_name"]


# -- one role per user --------------------------------------------------------------------------


def test_a_put_of_the_roles_a_get_returned_changes_nothing(zoom: Zoom) -> None:
    user = zoom.create_user("member@example.com")
    assert user["roles"] == [{"value": "2", "display": "Member", "primary": True}]
    again = _put(zoom, user["id"], roles=user["roles"])
    assert again["roles"] == [{"value": "2", "display": "Member", "primary": True}]
    assert _rest_role(zoom, user["id"]) == ("2", "Member")


@pytest.mark.parametrize("value", ["Admin", "admin", "1"])
def test_a_role_set_through_scim_is_the_role_rest_shows_and_protects(zoom: Zoom, value: str) -> None:
    user = zoom.create_user("promoted@example.com")
    promoted = _put(zoom, user["id"], roles=[{"value": value}])
    assert promoted["roles"] == [{"value": "1", "display": "Admin", "primary": True}]
    assert _rest_role(zoom, user["id"]) == ("1", "Admin")
    patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": False}}]}
    refused = zoom.call("PATCH", f"/scim2/Users/{user['id']}", json=patch)
    assert refused.status_code == 400 and refused.json()["scimType"] == "mutability", refused.text
    assert refused.json()["detail"] == "Zoom does not deactivate or delete users whose role is Admin."
    assert zoom.call("DELETE", f"/scim2/Users/{user['id']}").status_code == 400
    rest = zoom.call("PUT", f"/v2/users/{user['id']}/status", json={"action": "deactivate"})
    assert rest.status_code == 400 and rest.json()["code"] == 200
    assert zoom.call("GET", f"/scim2/Users/{user['id']}").json()["active"] is True


def test_a_custom_role_is_held_by_name_or_refused_when_custom_roles_are_off(zoom: Zoom) -> None:
    user = zoom.create_user("custom@example.com", roles=[{"value": "Student"}])
    assert user["roles"] == [{"value": "Student", "display": "Student", "primary": True}]
    assert _rest_role(zoom, user["id"]) == ("Student", "Student")
    zoom.emulator.settings.custom_roles = False
    refused = zoom.call("PUT", f"/scim2/Users/{user['id']}", json={"schemas": [CORE_USER], "roles": [{"value": "X"}]})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Invalid role: X. Expected one of Owner, Admin, Member."


# -- displayName ---------------------------------------------------------------------------------


def test_display_name_is_writable_on_put_and_post(zoom: Zoom) -> None:
    user = zoom.create_user("dn@example.com", name={"givenName": "Ada", "familyName": "Byron"}, displayName="Ada B")
    assert user["displayName"] == "Ada B"
    assert _put(zoom, user["id"], displayName="Countess Lovelace")["displayName"] == "Countess Lovelace"
    assert zoom.call("GET", f"/v2/users/{user['id']}").json()["display_name"] == "Countess Lovelace"
    # A name change alone still derives the display name, as before.
    assert _put(zoom, user["id"], name={"givenName": "Augusta"})["displayName"] == "Augusta Byron"


# -- list results ----------------------------------------------------------------------------------


def _rich_user(zoom: Zoom) -> dict:  # type: ignore[type-arg]
    enterprise = {"department": "Eng", "organization": "Acme", "costCenter": "42", "manager": "boss@example.com"}
    return zoom.create_user("rich@example.com", **{ENTERPRISE_USER: enterprise})


def test_list_results_leave_out_the_enterprise_fields_get_returns(zoom: Zoom) -> None:
    user = _rich_user(zoom)
    listed = zoom.call("GET", "/scim2/Users", params={"filter": 'userName eq "rich@example.com"'}).json()
    assert listed["Resources"][0][ENTERPRISE_USER] == {"department": "Eng"}
    assert listed["Resources"][0][ZOOM_LOGIN] == user[ZOOM_LOGIN]
    whole = zoom.call("GET", f"/scim2/Users/{user['id']}").json()
    assert whole[ENTERPRISE_USER] == {
        "department": "Eng", "organization": "Acme", "costCenter": "42", "manager": "boss@example.com",
    }  # fmt: skip
    paged = zoom.call("GET", "/scim2/Users", params={"startIndex": 1, "count": 100}).json()
    assert next(u for u in paged["Resources"] if u["id"] == user["id"])[ENTERPRISE_USER] == {"department": "Eng"}


def test_list_results_carry_every_attribute_when_set_to(zoom: Zoom) -> None:
    zoom.emulator.settings.scim_list_full_attributes = True
    user = _rich_user(zoom)
    listed = zoom.call("GET", "/scim2/Users", params={"filter": 'userName eq "rich@example.com"'}).json()
    assert listed["Resources"] == [zoom.call("GET", f"/scim2/Users/{user['id']}").json()]


# -- one email per user ----------------------------------------------------------------------------


def test_other_emails_are_dropped_by_default_and_refused_when_set_to(zoom: Zoom) -> None:
    emails = [{"value": "one@example.com", "primary": True}, {"value": "two@example.com"}]
    user = zoom.create_user("one@example.com", emails=emails)
    assert user["emails"] == [{"type": "work", "value": "one@example.com", "primary": True}]
    assert _put(zoom, user["id"], emails=[{"value": "three@example.com"}])["emails"] == user["emails"]
    zoom.emulator.settings.refuse_extra_emails = True
    refused = zoom.call("PUT", f"/scim2/Users/{user['id']}", json={"schemas": [CORE_USER], "emails": emails})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "A Zoom user has one email, its userName; refused: two@example.com."
    same = zoom.call("PUT", f"/scim2/Users/{user['id']}", json={"schemas": [CORE_USER], "emails": emails[:1]})
    assert same.status_code == 200


# -- groups ----------------------------------------------------------------------------------------


def test_group_create_answers_its_location_and_patch_replaces_members(zoom: Zoom) -> None:
    ann, bob, cy = (zoom.create_user(f"{n}@example.com")["id"] for n in ("ann", "bob", "cy"))
    body = {"schemas": [CORE_GROUP], "displayName": "Staff", "members": [{"value": ann}, {"value": bob}]}
    created = zoom.call("POST", "/scim2/Groups", json=body)
    assert created.status_code == 201
    group = created.json()
    assert created.headers["location"] == f"{zoom.api}/scim2/Groups/{group['id']}" == group["meta"]["location"]
    replace = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members", "value": [{"value": cy}]}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=replace).status_code == 204
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["members"] == [{"value": cy}]
    # Operations apply in order: replace, then add.
    both = {"schemas": [PATCH_OP], "Operations": [
        {"op": "replace", "path": "members", "value": [{"value": ann}]},
        {"op": "add", "path": "members", "value": [{"value": bob}]},
    ]}  # fmt: skip
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=both).status_code == 204
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["members"] == [{"value": ann}, {"value": bob}]
    bad = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "members", "value": [{"value": "nobody"}]}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=bad).status_code == 400
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["members"] == [{"value": ann}, {"value": bob}]


# -- granular apps ---------------------------------------------------------------------------------


def test_a_granular_app_issues_tokens_with_granular_names_that_reach_scim(zoom: Zoom) -> None:
    granular = zoom.emulator.ready_account(domain="granular.example", scope_family="granular")
    answer = zoom.token_response(granular).json()
    assert "scim2:admin" in answer["scope"].split(" ") and "scim2" not in answer["scope"].split(" ")
    assert zoom.call("GET", "/scim2/Users", token=answer["access_token"]).status_code == 200


def test_an_app_holds_scopes_of_its_own_family_only(zoom: Zoom) -> None:
    state = zoom.emulator.state
    classic = state.create_app(zoom.credentials.account_id, "classic", scopes=["scim2"])
    with pytest.raises(Invalid, match="scim2:admin is a granular scope; this app uses classic scopes"):
        state.update_app(classic.id, scopes=["scim2", "scim2:admin"])
    granular = state.create_app(zoom.credentials.account_id, "granular", scope_family="granular")
    with pytest.raises(Invalid, match="user:read:admin is a classic scope; this app uses granular scopes"):
        state.update_app(granular.id, scopes=["user:read:admin"])
    assert state.app(classic.id).scopes == ["scim2"] and state.app(granular.id).scopes == []

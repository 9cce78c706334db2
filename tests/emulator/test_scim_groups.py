"""SCIM2 Groups: list with displayName filter, create, get, PATCH members and name, DELETE."""

from __future__ import annotations

from mocks.api.scim_render import CORE_GROUP, ZOOM_GROUP
from mocks.core.clock import iso
from tests.emulator.conftest import Zoom


def _create(zoom: Zoom, name: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    response = zoom.call("POST", "/scim2/Groups", json={"schemas": [CORE_GROUP], "displayName": name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_group_lifecycle(zoom: Zoom) -> None:
    alice = zoom.create_user("alice@example.com")
    bob = zoom.create_user("bob@example.com")
    group = _create(zoom, "Engineering", **{ZOOM_GROUP: {"emailAlias": "eng@example.com"}})
    assert group["schemas"] == [CORE_GROUP, ZOOM_GROUP]
    assert group[ZOOM_GROUP] == {"emailAlias": "eng@example.com"}
    assert group["meta"]["resourceType"] == "Group"
    add = {"Operations": [{"op": "add", "path": "members", "value": [{"value": alice["id"]}, {"value": bob["id"]}]}]}
    response = zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=add)
    assert response.status_code == 204 and response.content == b""
    fetched = zoom.call("GET", f"/scim2/Groups/{group['id']}").json()
    assert [m["value"] for m in fetched["members"]] == [alice["id"], bob["id"]]

    remove = {"Operations": [{"op": "remove", "path": f'members[value eq "{alice["id"]}"]'}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=remove).status_code == 204
    rename = {"Operations": [{"op": "replace", "path": "displayName", "value": "Platform"}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=rename).status_code == 204
    fetched = zoom.call("GET", f"/scim2/Groups/{group['id']}").json()
    assert fetched["displayName"] == "Platform"
    assert [m["value"] for m in fetched["members"]] == [bob["id"]]

    assert zoom.call("DELETE", f"/scim2/Groups/{group['id']}").status_code == 204
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["detail"] == "Group does not exist."


def test_list_and_filter_by_display_name(zoom: Zoom) -> None:
    _create(zoom, "Sales")
    _create(zoom, "Support")
    listed = zoom.call("GET", "/scim2/Groups").json()
    assert listed["totalResults"] == 2
    found = zoom.call("GET", "/scim2/Groups", params={"filter": 'displayName eq "sales"'}).json()
    assert [g["displayName"] for g in found["Resources"]] == ["Sales"]
    bad = zoom.call("GET", "/scim2/Groups", params={"filter": "userName eq x"})
    assert bad.status_code == 400


def test_group_errors(zoom: Zoom) -> None:
    _create(zoom, "Once")
    assert zoom.call("POST", "/scim2/Groups", json={"schemas": [CORE_GROUP], "displayName": "once"}).status_code == 409
    no_name = zoom.call("POST", "/scim2/Groups", json={"schemas": [CORE_GROUP], "displayName": " "})
    assert no_name.json()["detail"] == 'The "DisplayName" of the request is invalid.'
    group = _create(zoom, "Members")
    unknown = {"Operations": [{"op": "add", "path": "members", "value": [{"value": "nobody"}]}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=unknown).status_code == 400
    weird = {"Operations": [{"op": "move", "path": "members"}]}
    assert zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=weird).status_code == 400
    assert zoom.call("PATCH", "/scim2/Groups/missing", json=weird).status_code == 404
    assert zoom.call("DELETE", "/scim2/Groups/missing").status_code == 404


def test_deleting_a_user_removes_their_memberships(zoom: Zoom) -> None:
    carol = zoom.create_user("carol@example.com")
    group = _create(zoom, "Team", members=[{"value": carol["id"]}])
    zoom.call("DELETE", f"/scim2/Users/{carol['id']}")
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["members"] == []


SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def test_a_group_carries_its_meta_as_scim_describes_it(zoom: Zoom) -> None:
    zoom.emulator.clock.freeze()
    group = _create(zoom, "Meta")
    stamp = zoom.emulator.clock.now()
    assert group["meta"] == {"resourceType": "Group", "version": "1.0.0", "location": f"{zoom.api}/scim2/Groups/"
                             f"{group['id']}", "created": iso(stamp), "lastModified": iso(stamp)}  # fmt: skip
    assert zoom.call("GET", f"/scim2/Groups/{group['id']}").json()["meta"] == group["meta"]


def test_each_malformed_patch_is_refused_with_its_scim_type_and_wording(zoom: Zoom) -> None:
    group = _create(zoom, "Patched")
    cases = [
        ({}, 'The attribute "Operations" must be a non-empty list.', "invalidSyntax"),
        ({"Operations": []}, 'The attribute "Operations" must be a non-empty list.', "invalidSyntax"),
        ({"Operations": [{"path": "members"}]}, "Each operation needs an op.", "invalidSyntax"),
        ({"Operations": ["add"]}, "Each operation needs an op.", "invalidSyntax"),
        ({"Operations": [{"op": "add", "path": 7}]}, "An operation path must be a string.", "invalidPath"),
        ({"Operations": [{"op": "add", "path": "members", "value": "x"}]},
         'The attribute "members" must be a list of objects.', "invalidValue"),
        ({"Operations": [{"op": "add", "path": "members", "value": [{"value": 5}]}]},
         'The attribute "members.value" must be a string.', "invalidValue"),
    ]  # fmt: skip
    for body, detail, scim_type in cases:
        answer = zoom.call("PATCH", f"/scim2/Groups/{group['id']}", json=body)
        assert (answer.status_code, answer.json()) == (
            400, {"schemas": [SCIM_ERROR], "detail": detail, "status": 400, "scimType": scim_type})  # fmt: skip

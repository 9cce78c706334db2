"""Zoom's contract, pinned where the emulator's mutation run (``make mutants-contract``) found it
unpinned. Each test quotes the line of ``../shared/reference/zoom-api.md`` (or the RFC) its expected
value comes from; where the reference is silent, the docstring says which inference it pins."""

from __future__ import annotations

from tests.emulator.conftest import CORE_USER, Zoom


def _put(zoom: Zoom, user_id: str, **attributes: object) -> dict:  # type: ignore[type-arg]
    response = zoom.call("PUT", f"/scim2/Users/{user_id}", json={"schemas": [CORE_USER], **attributes})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_put_of_other_fields_keeps_a_display_name_that_was_set(zoom: Zoom) -> None:
    """zoom-api.md §3.7: "Zoom treats PUT as partial update, not RFC replace": a PUT that does not
    carry ``displayName`` or ``name`` leaves the display name as it was."""
    user = zoom.create_user("keep@example.com", name={"givenName": "Ada", "familyName": "Byron"}, displayName="Ada B")
    assert _put(zoom, user["id"], title="Countess")["displayName"] == "Ada B"


def test_a_family_name_change_alone_derives_the_display_name(zoom: Zoom) -> None:
    """zoom-api.md §3.6: the display name of ``name`` Jill Chill is "Jill Chill"; the emulator derives
    it from the name when a PUT changes either part without a ``displayName`` of its own (inferred)."""
    user = zoom.create_user("family@example.com", name={"givenName": "Jill", "familyName": "Chill"})
    assert _put(zoom, user["id"], name={"familyName": "Frost"})["displayName"] == "Jill Frost"


def test_a_display_name_sent_with_a_name_is_the_one_kept(zoom: Zoom) -> None:
    """zoom-api.md §3.6 creates with both ``name`` and ``displayName``; a PUT carrying both keeps the
    display name it was given (inferred: a given value wins over a derived one)."""
    user = zoom.create_user("both@example.com", name={"givenName": "Jill", "familyName": "Chill"})
    updated = _put(zoom, user["id"], name={"givenName": "June"}, displayName="JC")
    assert updated["displayName"] == "JC" and updated["name"]["givenName"] == "June"


def test_a_put_with_active_false_deactivates_and_releases_the_licence(zoom: Zoom) -> None:
    """zoom-api.md §3.7: "Updatable: `active`, `name`, `userType`"; §3.8: "`active=false` = Zoom
    deactivation (license released; login blocked; reversible)"."""
    user = zoom.create_user("putoff@example.com", userType="Licensed")
    off = _put(zoom, user["id"], active=False)
    assert off["active"] is False and off["userType"] == "Basic"
    again = _put(zoom, user["id"], active=True, userType="Licensed")
    assert again["active"] is True and again["userType"] == "Licensed"

"""Zoom's contract, pinned where the emulator's mutation run (``make mutants-contract``) found it
unpinned. Each test quotes the line of ``../shared/reference/zoom-api.md`` (or the RFC) its expected
value comes from; where the reference is silent, the docstring says which inference it pins."""

from __future__ import annotations

import pytest

from mocks.api import oauth
from mocks.state.settings import EmulatorSettings
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


def test_the_token_refusal_put_in_front_of_a_real_zoom_is_the_emulators_own() -> None:
    """zoom-api.md §1.4: a wrong client gets HTTP 400 ``{"reason":"Invalid client_id or
    client_secret","error":"invalid_client"}`` (a deleted app's credentials are unknown), and the
    official table lists 4717 "The app has been disabled" for an app not activated or deactivated
    (its wire shape is inferred: ``EmulatorSettings.token_errors``). The proxy answers so in front of
    a real Zoom (``oauth.app_refusal``), exactly as the emulator's token host does."""
    deleted, disabled = oauth.app_refusal("deleted"), oauth.app_refusal("not activated")
    assert (deleted.status, deleted.body()) == (400, {"reason": "Invalid client_id or client_secret",
                                                      "error": "invalid_client"})  # fmt: skip
    assert (disabled.status, disabled.body()) == (
        400,
        {"reason": "The app has been disabled", "error": "invalid_client"},
    )
    settings = EmulatorSettings()
    settings.token_errors = {**settings.token_errors, "app_disabled": ["invalid_grant", "Disabled here"]}
    assert oauth.app_refusal("not activated", settings).body() == {"reason": "Disabled here", "error": "invalid_grant"}
    with pytest.raises(ValueError, match="'not activated' or 'deleted', not 'paused'"):
        oauth.app_refusal("paused")

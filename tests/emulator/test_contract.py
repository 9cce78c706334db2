"""Zoom's contract, pinned where the emulator's mutation run (``make mutants-contract``) found it
unpinned. Each test quotes the line of ``../shared/reference/zoom-api.md`` (or the RFC) its expected
value comes from; where the reference is silent, the docstring says which inference it pins."""

from __future__ import annotations

import pytest

from mocks.api import oauth
from mocks.core.errors import ZoomAPIError
from mocks.state.models import Invalid
from mocks.state.ratelimit import HEAVY, LIGHT, PER_SECOND_MESSAGE, RESOURCE_INTENSIVE, RateLimiter
from mocks.state.settings import EmulatorSettings
from mocks.state.zoom_state import ZoomState
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


def test_a_refused_admin_deletion_names_the_role(zoom: Zoom) -> None:
    """zoom-api.md §3.8: "Admin-role users cannot be deactivated via SCIM (only Member role)"; the
    wording of Zoom's refusal is not captured: the emulator's names the role it protects (inferred)."""
    user = zoom.create_user("boss@example.com")
    zoom.emulator.state.user(zoom.credentials.account_id, user["id"]).role = "Admin"
    response = zoom.call("DELETE", f"/scim2/Users/{user['id']}")
    assert response.status_code == 400
    assert response.json()["detail"] == "Zoom does not deactivate or delete users whose role is Admin."


def test_an_app_needs_a_name_that_is_not_blank() -> None:
    """zoom-api.md §6 (Marketplace): an app is created with its name; a blank one is refused by the
    accounts' state itself, whichever surface (REST, control) asks."""
    state = ZoomState()
    account = state.create_account()
    with pytest.raises(Invalid) as refused:
        state.create_app(account.id, "   ")
    assert (str(refused.value), refused.value.fields) == ("the app needs a name", ("app_name",))


def test_an_apps_scopes_and_features_are_held_once_each() -> None:
    """zoom-api.md §6: the Marketplace adds a scope or a feature to an app; adding one twice holds
    it once (inferred: the Scopes tab lists each scope once)."""
    state = ZoomState()
    app = state.create_app(state.create_account().id, "twice")
    state.update_app(app.id, scopes=["scim2", "user:master", "scim2"], features=["events", "events"])
    assert (app.scopes, app.features) == (["scim2", "user:master"], ["events"])


def test_a_deleted_apps_tokens_stop_working(zoom: Zoom) -> None:
    """zoom-api.md §1.4: a deleted app's credentials are unknown (``invalid_client``); a token it
    was issued before is revoked with it. zoom-api.md §1.5: "Old tokens then failed with `401
    {"code":124,"message":"Invalid access token."}`" (inferred for deletion as for deactivation)."""
    state = zoom.emulator.state
    app = state.create_app(zoom.credentials.account_id, "short-lived", scopes=["scim2"])
    state.update_app(app.id, company_name="Acme", contact_name="Dev", contact_email="dev@example.com")
    state.activate_app(app.id)
    token = zoom.token(zoom.emulator.credentials(app))
    state.delete_app(app.id)
    response = zoom.call("GET", "/scim2/Users", token=token)
    assert (response.status_code, response.json()) == (401, {"code": 124, "message": "Invalid access token."})


# -- rate limits (zoom-api.md §5) ---------------------------------------------------------------


def test_a_heavy_call_reports_the_shared_daily_counter() -> None:
    """zoom-api.md §5.1: "| Heavy | ... | 40 req/s, daily 60,000 shared |" (Business), the daily
    budget "shared by Heavy + Resource-intensive"; §5.2: normal responses carry
    ``X-RateLimit-Category``, ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining`` ("daily counters
    in observed captures")."""
    limiter = RateLimiter()
    first = limiter.take("acct", "Business", HEAVY, 1_000.0)
    assert first == {"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": "60000", "X-RateLimit-Remaining": "59999"}
    shared = limiter.take("acct", "Business", RESOURCE_INTENSIVE, 1_000.5)
    assert shared == {"X-RateLimit-Category": "Resource-intensive", "X-RateLimit-Limit": "60000",
                      "X-RateLimit-Remaining": "59998"}  # fmt: skip


def test_the_daily_counter_starts_again_at_midnight_gmt() -> None:
    """zoom-api.md §5.2: a daily limit's ``Retry-After`` is the next midnight (``2020-05-31T00:00:00Z``):
    calls count again from zero after it."""
    limiter = RateLimiter()
    limiter.take("acct", "Business", HEAVY, 86_399.5)
    assert limiter.take("acct", "Business", HEAVY, 86_400.5)["X-RateLimit-Remaining"] == "59999"


def test_a_plan_the_table_does_not_name_gets_business_limits() -> None:
    """zoom-api.md §5.1 gives Pro and Business+ figures; a plan it does not name is taken as
    Business+ (inferred: the provisioning accounts are Business or above)."""
    assert RateLimiter().take("acct", "Partner", LIGHT, 5.0)["X-RateLimit-Limit"] == "80"


def test_the_per_second_429_names_its_category_type_and_limit() -> None:
    """zoom-api.md §5.2: "On 429: `X-RateLimit-Category`, `X-RateLimit-Type` (`QPS` or
    `Daily-limit`), `X-RateLimit-Limit`, `X-RateLimit-Remaining`"; Light on Business is 80 req/s (§5.1)."""
    limiter = RateLimiter()
    for _ in range(80):
        limiter.take("acct", "Business", LIGHT, 7.25)
    with pytest.raises(ZoomAPIError) as refused:
        limiter.take("acct", "Business", LIGHT, 7.75)
    assert (refused.value.status, refused.value.body()["message"]) == (429, PER_SECOND_MESSAGE)
    assert refused.value.headers() == {"X-RateLimit-Category": "Light", "X-RateLimit-Limit": "80",
                                     "X-RateLimit-Remaining": "0", "X-RateLimit-Type": "QPS"}  # fmt: skip

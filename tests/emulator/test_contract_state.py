"""The accounts' state and rate limits under Zoom's contract, pinned where the emulator's mutation run
(``make mutants-contract``) found them unpinned: ids, email checks, licences across deactivation, the
state's refusals as scripts and the control surface see them, and the dashboard's rate-limit
counters. Docstrings quote ``../shared/reference/zoom-api.md``; where it is silent they say which
inference the test pins."""

from __future__ import annotations

import re

import pytest

from mocks.api import rest
from mocks.api.scim_render import PATCH_OP
from mocks.core.errors import ZoomAPIError
from mocks.state.models import ActivationRefused, AlreadyExists, Invalid, NotFound, check_email, new_id
from mocks.state.ratelimit import DAILY_MESSAGE, HEAVY, LIGHT, MEDIUM, RESOURCE_INTENSIVE, RateLimiter
from mocks.state.zoom_state import ZoomState
from tests.emulator.conftest import CORE_USER, Zoom


def test_ids_look_like_zoom_s() -> None:
    """zoom-api.md §3.2: "``{userId}`` is Zoom's user id (e.g. ``KDcuGIm1QgePTO8WbOqwIQ``, ids can
    contain ``&``, ``-``, ``_``)": 22 characters of base64url (16 random bytes, unpadded); the
    emulator leaves out ``&`` (inferred: a client URL-encodes either way)."""
    ids = {new_id() for _ in range(2_000)}
    assert len(ids) == 2_000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)


@pytest.mark.parametrize(
    "value", ["a b@example.com", "a@.example.com", "a@example.com.", "a@b@example.com", "@example.com", "a@example"]
)
def test_an_address_that_is_not_an_email_is_refused_naming_the_field(value: str) -> None:
    """zoom-api.md §4: "validation errors add ``"errors":[{"field":"user_info.email","message":"Invalid
    field."}]``": Zoom refuses an address that is not one (RFC 5321 §4.1.2: one ``@`` between a
    local part and a domain of dot-separated labels, no spaces)."""
    with pytest.raises(Invalid) as refused:
        check_email(value, "user_info.email")
    assert str(refused.value) == "user_info.email must be an email address"
    assert refused.value.fields == ("user_info.email",)


def test_a_scim_create_with_a_user_name_that_is_not_an_email_names_it(zoom: Zoom) -> None:
    """zoom-api.md §3.3: ``userName`` (email); the refusal is RFC 7644's ``invalidValue`` naming the
    attribute and the value (inferred wording)."""
    body = {"schemas": [CORE_USER], "userName": "jill@b@example.com"}
    response = zoom.call("POST", "/scim2/Users", json=body)
    assert (response.status_code, response.json()["detail"]) == (400, "Invalid userName: jill@b@example.com.")


@pytest.mark.parametrize(("name", "shown"), [({"givenName": "Jill"}, "Jill"), ({"familyName": "Chill"}, "Chill")])
def test_the_display_name_of_half_a_name_is_that_half(zoom: Zoom, name: dict[str, str], shown: str) -> None:
    """zoom-api.md §3.6: the display name of ``name`` Jill Chill is "Jill Chill"; with one part only,
    it is that part, without a stray space (inferred)."""
    assert zoom.create_user("half@example.com", name=name)["displayName"] == shown


def test_reactivation_keeps_the_licence_it_held_for_later(zoom: Zoom) -> None:
    """zoom-api.md §3.8: "``active=false`` = Zoom deactivation (license released...)" and "Ping Zoom
    Provisioner 1.2 restores the user's license on re-enable (so re-activation may not restore the
    previous license by itself)": by default a reactivated user is Basic; with
    ``restore_licence_on_activate`` the licence held at deactivation, or one given while inactive,
    comes back (inferred). A change of other fields while inactive holds the licence as it was."""

    def patch(user_id: str, active: bool) -> dict:  # type: ignore[type-arg]
        body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": active}}]}
        return zoom.call("PATCH", f"/scim2/Users/{user_id}", json=body).json()

    def put(user_id: str, **attributes: object) -> dict:  # type: ignore[type-arg]
        return zoom.call("PUT", f"/scim2/Users/{user_id}", json={"schemas": [CORE_USER], **attributes}).json()

    plain = zoom.create_user("plain@example.com", userType="Licensed")
    patch(plain["id"], False)
    assert patch(plain["id"], True)["userType"] == "Basic"

    zoom.emulator.settings.restore_licence_on_activate = True
    kept = zoom.create_user("kept@example.com", userType="Licensed")
    patch(kept["id"], False)
    assert put(kept["id"], title="Away")["userType"] == "Basic"
    assert patch(kept["id"], True)["userType"] == "Licensed"
    state_user = zoom.emulator.state.user(zoom.credentials.account_id, kept["id"])
    assert state_user.held_user_type is None

    given = zoom.create_user("given@example.com")
    patch(given["id"], False)
    assert put(given["id"], userType="On-Prem")["userType"] == "Basic"
    assert patch(given["id"], True)["userType"] == "On-Prem"


def test_the_state_refuses_what_no_surface_may_set() -> None:
    """The state is what REST, SCIM, the control surface and scripts share: it refuses a licence
    outside ``userType``'s values (zoom-api.md §3.3: "``"Basic"``, ``"Licensed"``, ``"On-Prem"``"), a
    blank role, an email taken, a group name taken, an unknown app and an incomplete activation
    (§6.2: "company name, developer contact name + email — required for activation", scopes ≥1), each
    naming what it refused."""
    state = ZoomState()
    account = state.create_account()
    user = state.create_user(account.id, "state@example.com")
    with pytest.raises(Invalid) as licence:
        state.update_user(account.id, user.id, user_type="Pro")
    assert str(licence.value) == "userType must be one of Basic, Licensed, On-Prem"
    assert licence.value.fields == ("userType",)
    with pytest.raises(Invalid) as role:
        state.update_user(account.id, user.id, role="  ")
    assert (str(role.value), role.value.fields) == ("role must name a role", ("role",))
    state.create_group(account.id, "Sales")
    refusals = [
        (AlreadyExists, "STATE@example.com", lambda: state.create_user(account.id, "STATE@example.com")),
        (AlreadyExists, "sales", lambda: state.create_group(account.id, "sales")),
        (NotFound, "app nope does not exist", lambda: state.app("nope")),
        (NotFound, "ghost", lambda: state.user(account.id, "ghost")),
    ]
    for error, message, attempt in refusals:
        with pytest.raises(error) as refused:
            attempt()
        assert str(refused.value) == message
    app = state.create_app(account.id, "bare")
    with pytest.raises(ActivationRefused) as refused:
        state.activate_app(app.id)
    assert str(refused.value) == (
        "The app cannot be activated; missing: company name, developer contact name, developer contact email, scopes"
    )


def test_an_app_of_one_scope_family_refuses_a_scope_of_the_other(zoom: Zoom) -> None:
    """zoom-api.md §2.1: "apps built before early 2024 hold classic scopes, apps built since then
    granular ones"; a REST create that mixes them is refused with code 300 naming ``scopes`` (§4)."""
    admin = zoom.emulator.ready_account(domain="mixed.example", scopes=["marketplace:write:app:master"])
    body = {"app_name": "mixed", "app_type": "s2s_oauth", "scopes": ["user:read:user:admin", "scim2"]}
    apps = f"/v2/accounts/{admin.account_id}/marketplace/apps"
    response = zoom.call("POST", apps, token=zoom.token(admin), json=body)
    assert (response.status_code, response.json()) == (
        400,
        {"code": 300, "message": "Validation Failed.", "errors": [{"field": "scopes", "message": "Invalid field."}]},
    )


def test_the_state_s_defaults_make_an_account_ready_for_scim() -> None:
    """zoom-api.md §3.1: SCIM needs "SSO enabled" on a Business or Education account: an account made
    without saying otherwise is one (inferred), named as given; a group has no email alias unless
    given (§3.10) and belongs to its account; ``iter_users`` without statuses yields every user, a
    pending one too; revoking a token says whether there was one to revoke."""
    state = ZoomState()
    account = state.create_account()
    assert (account.plan, account.sso_enabled, account.name) == ("Business", True, "Zoom account")
    assert state.create_account(name="Acme").name == "Acme"
    group = state.create_group(account.id, "Sales")
    assert (group.email_alias, group.account_id) == ("", account.id)
    active = state.create_user(account.id, "one@example.com")
    pending = state.create_user(account.id, "two@example.com")
    state.set_status(account.id, pending.id, "pending")
    assert [u.id for u in state.iter_users(account.id)] == [active.id, pending.id]
    app = state.create_app(account.id, "tokens", scopes=["scim2"], company_name="A", contact_name="B",
                           contact_email="c@example.com")  # fmt: skip
    state.activate_app(app.id)
    token = state.issue_token(app)
    assert (state.revoke_token(token.value), state.revoke_token("never-issued")) == (True, False)


# -- rate limits (zoom-api.md §5) ---------------------------------------------------------------


def test_a_light_call_reports_what_is_left_of_its_second() -> None:
    """zoom-api.md §5.1: Light is 80 req/s on Business; §5.2: normal responses carry
    ``X-RateLimit-Remaining``: after two calls in one second, 78 are left."""
    limiter = RateLimiter()
    limiter.take("acct", "Business", LIGHT, 10.1)
    assert limiter.take("acct", "Business", LIGHT, 10.2)["X-RateLimit-Remaining"] == "78"


def test_free_plan_daily_budgets_are_kept_per_label_but_heavy_s_is_shared() -> None:
    """zoom-api.md §5.1: Free plan "Light 4/s & 6,000/day, Medium 2/s & 2,000/day, Heavy 1/s & 1,000/day"
    [S], and the Heavy budget is "shared by Heavy + Resource-intensive": a Light call takes nothing of
    Heavy's day."""
    limiter = RateLimiter()
    assert limiter.take("acct", "Free", LIGHT, 50.0)["X-RateLimit-Remaining"] == "5999"
    assert limiter.take("acct", "Free", HEAVY, 50.0)["X-RateLimit-Remaining"] == "999"
    assert limiter.take("acct", "Free", RESOURCE_INTENSIVE, 50.0)["X-RateLimit-Remaining"] == "998"


def test_the_daily_429_names_the_label_that_hit_it() -> None:
    """zoom-api.md §5.2's official example: ``X-RateLimit-Category: Heavy``, ``X-RateLimit-Type:
    Daily-limit``, ``X-RateLimit-Limit: 30000``, ``X-RateLimit-Remaining: 0``, ``Retry-After:
    2020-05-31T00:00:00Z``; §5.3's daily body."""
    limiter = RateLimiter()
    for second in range(1_000):
        limiter.take("acct", "Free", HEAVY, 86_400.0 * 3 + second)
    with pytest.raises(ZoomAPIError) as refused:
        limiter.take("acct", "Free", HEAVY, 86_400.0 * 3 + 5_000)
    assert (refused.value.status, refused.value.body()) == (429, {"code": 429, "message": DAILY_MESSAGE})
    assert refused.value.headers() == {"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": "1000",
                                     "X-RateLimit-Remaining": "0", "X-RateLimit-Type": "Daily-limit",
                                     "Retry-After": "1970-01-05T00:00:00Z"}  # fmt: skip


def test_the_dashboard_counts_each_window_against_its_plan_s_limit() -> None:
    """The dashboard's counters: what each account used of each limit in the current window, beside
    the limit of its plan (zoom-api.md §5.1: Pro Medium 20 req/s, Heavy's day 30,000; a plan the
    table does not name is read as Business+); a window that has passed counts zero."""
    limiter = RateLimiter()
    limiter.take("pro", "Pro", MEDIUM, 100.5)
    limiter.take("pro", "Pro", HEAVY, 100.5)
    limiter.take("other", "Partner", LIGHT, 100.5)
    plans = {"pro": "Pro", "other": "Partner"}
    assert limiter.counters(plans, 100.9) == [
        {"account_id": "other", "category": "Light", "window": "second", "used": 1, "limit": 80},
        {"account_id": "pro", "category": "Heavy", "window": "day", "used": 1, "limit": 30_000},
        {"account_id": "pro", "category": "Heavy", "window": "second", "used": 1, "limit": 10},
        {"account_id": "pro", "category": "Medium", "window": "second", "used": 1, "limit": 20},
    ]
    later = limiter.counters({"pro": "Pro"}, 101.2)
    assert [(c["category"], c["window"], c["used"]) for c in later] == [
        ("Heavy", "day", 1), ("Heavy", "second", 0), ("Medium", "second", 0)
    ]  # fmt: skip


def test_the_dashboard_counts_minutes_days_and_the_create_users_cap_on_their_own_clocks() -> None:
    """zoom-api.md §5.1: Resource-intensive is "20 req/min" on Business (a minute's window), Heavy's
    budget a day's; §4.2: "Daily caps on ``action=create``: 50/day Free, 1,500/day Pro": a call
    counts in the minute and the day (GMT) it was made in, on day five as on day one."""
    day_five = 86_400.0 * 5 + 1.5
    limiter = RateLimiter()
    limiter.take("biz", "Business", RESOURCE_INTENSIVE, day_five)
    limiter.take_daily("pro", "create-users", 1_500, LIGHT, day_five)
    limiter.take_daily("partner", "create-users", 10_000, LIGHT, day_five)
    counted = limiter.counters({"biz": "Business", "pro": "Pro", "partner": "Partner"}, day_five + 3)
    assert counted == [
        {"account_id": "biz", "category": "Heavy", "window": "day", "used": 1, "limit": 60_000},
        {"account_id": "biz", "category": "Resource-intensive", "window": "minute", "used": 1, "limit": 20},
        # A plan the table does not name is read as Business+ (10,000/day), as its labels' limits are.
        {"account_id": "partner", "category": "create-users", "window": "day", "used": 1, "limit": 10_000},
        {"account_id": "pro", "category": "create-users", "window": "day", "used": 1, "limit": 1_500},
    ]


def test_a_state_refusal_without_fields_names_the_body() -> None:
    """zoom-api.md §4: validation errors are code 300 ``"errors":[{"field": ..., "message":"Invalid
    field."}]``; a refusal of the state that names no field names the request's body (inferred)."""
    assert rest.translate(Invalid("refused")).body() == {  # type: ignore[union-attr]
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": "body", "message": "Invalid field."}],
    }

"""Zoom's REST v2 contract (users, accounts, Marketplace apps), pinned where the emulator's mutation
run (``make mutants-contract``) found it unpinned. Each docstring quotes ``../shared/reference/zoom-api.md``
(§4, §6); where the reference is silent, it says which inference the test pins."""

from __future__ import annotations

from typing import Any

from mocks.api.scim_render import ENTERPRISE_USER as ENTERPRISE
from mocks.api.scim_render import ZOOM_LOGIN
from tests.emulator.conftest import CORE_USER, S2S_APP, Zoom

MARKETPLACE_SCOPES = ["marketplace:write:app:master", "marketplace:read:app", "marketplace:write:app"]


def test_a_rest_user_carries_every_field_zoom_documents_with_its_value(zoom: Zoom) -> None:
    """zoom-api.md §4.3: the user's fields include ``id, created_at, dept, email, first_name,
    last_name, display_name, role_name, type, account_id, company, user_created_at, job_title,
    language, login_types[], manager, phone_numbers[], role_id, status, verified``; §4.1's sample has
    ``"verified": 1`` and ``created_at`` equal to ``user_created_at``. The login types are Zoom's codes
    100 (work email) and 101 (SSO) (inferred from the login the SCIM ``loginType`` names); a phone
    number without a type is a work number (RFC 7643 §4.1.2 lists "work" first; inferred)."""
    at = zoom.frozen_instant()
    body = {
        "schemas": [CORE_USER, ENTERPRISE, ZOOM_LOGIN],
        "userName": "full@example.com",
        "name": {"givenName": "Jill", "familyName": "Chill"},
        "userType": "Licensed",
        "title": "Engineer",
        "locale": "fr-FR",
        "phoneNumbers": [{"value": "+1 555 0100", "type": "mobile"}, {"value": "+1 555 0101"}],
        ENTERPRISE: {"department": "Developers", "organization": "Acme", "manager": "boss@example.com"},
        ZOOM_LOGIN: {"loginType": {"workEmail": True, "sso": False}},
    }
    created = zoom.call("POST", "/scim2/Users", json=body)
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    expected: dict[str, Any] = {
        "id": user_id,
        "first_name": "Jill",
        "last_name": "Chill",
        "display_name": "Jill Chill",
        "email": "full@example.com",
        "type": 2,
        "status": "active",
        "role_id": "2",
        "role_name": "Member",
        "dept": "Developers",
        "job_title": "Engineer",
        "company": "Acme",
        "manager": "boss@example.com",
        "language": "fr-FR",
        "account_id": zoom.credentials.account_id,
        "verified": 1,
        "created_at": at,
        "user_created_at": at,
        "phone_numbers": [{"number": "+1 555 0100", "label": "mobile"}, {"number": "+1 555 0101", "label": "work"}],
        "login_types": [100],
    }
    assert zoom.call("GET", f"/v2/users/{user_id}").json() == expected
    listed = zoom.call("GET", "/v2/users", params={"page_size": 300}).json()["users"]
    assert [u for u in listed if u["id"] == user_id] == [expected]
    sso = zoom.create_user("sso@example.com", **{ZOOM_LOGIN: {"loginType": {"workEmail": False, "sso": True}}})
    assert zoom.call("GET", f"/v2/users/{sso['id']}").json()["login_types"] == [101]


def test_me_names_the_path_it_was_asked_when_the_owner_is_gone(zoom: Zoom) -> None:
    """zoom-api.md §4.3: ``me`` = token owner (for S2S the account owner); a user not found is
    **404** ``{"code":1001,"message":"User does not exist: jchill@example.com"}``: the message names
    the id the path asked for (``me``), as it does for any other (inferred)."""
    zoom.emulator.state.accounts[zoom.credentials.account_id].owner_id = "gone-owner-id"
    response = zoom.call("GET", "/v2/users/me")
    assert (response.status_code, response.json()) == (404, {"code": 1001, "message": "User does not exist: me."})


def test_an_unknown_or_expired_next_page_token_is_refused_with_zoom_s_message(zoom: Zoom) -> None:
    """zoom-api.md §4.1: ``next_page_token`` "expires after **15 minutes**"; errors are
    ``{"code": <int>, "message": ...}``, code 300 for a bad request (§4). The wording is not
    captured; the emulator's is pinned. A token is dead at 15 minutes exactly (inferred: "after")."""
    refused = {"code": 300, "message": "The next page token is invalid or expired."}
    unknown = zoom.call("GET", "/v2/users", params={"next_page_token": "never-issued"})
    assert (unknown.status_code, unknown.json()) == (400, refused)
    for i in range(2):
        zoom.create_user(f"paged{i}@example.com")
    zoom.emulator.clock.freeze()
    token = zoom.call("GET", "/v2/users", params={"page_size": 2}).json()["next_page_token"]
    zoom.emulator.clock.advance(899)
    assert zoom.call("GET", "/v2/users", params={"page_size": 2, "next_page_token": token}).status_code == 200
    zoom.emulator.clock.advance(1)
    expired = zoom.call("GET", "/v2/users", params={"page_size": 2, "next_page_token": token})
    assert (expired.status_code, expired.json()) == (400, refused)


def test_another_account_and_an_unknown_app_are_404_with_their_codes(zoom: Zoom) -> None:
    """zoom-api.md §4.8: an account's own routes take its id or ``me``; §6.1 gets an app by id. The
    codes for another account and an unknown app are not captured: the emulator's 2001 "Account does
    not exist" and 4700 "App does not exist" (REST error shape, §4) are pinned."""
    other = zoom.call("GET", "/v2/accounts/another/managed_domains")
    assert (other.status_code, other.json()) == (404, {"code": 2001, "message": "Account does not exist: another."})
    admin = zoom.emulator.ready_account(domain="apps.example", scopes=MARKETPLACE_SCOPES)
    unknown = zoom.call("GET", "/v2/marketplace/apps/no-such-app", token=zoom.token(admin))
    assert (unknown.status_code, unknown.json()) == (404, {"code": 4700, "message": "App does not exist: no-such-app."})


def test_an_app_document_carries_what_it_was_created_with(zoom: Zoom) -> None:
    """zoom-api.md §6.1: the create body carries ``app_name, app_type, company_name, contact_name,
    contact_email, scopes, active``; the response ``created_at, app_id, app_name, app_type, scopes,
    production_credentials{client_id, client_secret}``; §6.2: Get app "has ``app_status``". A get
    leaves the secret out (inferred) and shows the description and contact the app was built with."""
    at = zoom.frozen_instant()
    admin = zoom.emulator.ready_account(domain="doc.example", scopes=MARKETPLACE_SCOPES)
    token = zoom.token(admin)
    body = S2S_APP
    created = zoom.call("POST", f"/v2/accounts/{admin.account_id}/marketplace/apps", token=token, json=body).json()
    app = zoom.emulator.state.app(created["app_id"])
    expected = {
        "app_id": created["app_id"],
        "app_name": "provisioning-test",
        "app_type": "s2s_oauth",
        "app_status": "activated",
        "created_at": at,
        "scopes": ["scim2"],
        "company_name": "Acme",
        "contact_name": "Dev Person",
        "contact_email": "dev@example.com",
        "description": "",
        "production_credentials": {"client_id": app.client_id},
    }
    assert created == {**expected, "production_credentials": {"client_id": app.client_id,
                                                               "client_secret": app.client_secret}}  # fmt: skip
    assert zoom.call("GET", f"/v2/marketplace/apps/{created['app_id']}", token=token).json() == expected

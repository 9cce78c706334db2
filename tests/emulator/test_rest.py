"""REST v2 users, accounts and Marketplace apps."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import S2S_APP, Zoom


def _create(zoom: Zoom, email: str, action: str = "ssoCreate", type_: int = 1, **info) -> dict:  # type: ignore[no-untyped-def]
    body = {"action": action, "user_info": {"email": email, "type": type_, **info}}
    response = zoom.call("POST", "/v2/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_and_get_by_id_or_email(zoom: Zoom) -> None:
    created = _create(zoom, "rest@example.com", type_=2, first_name="Rest", last_name="User")
    assert created == {
        "id": created["id"],
        "first_name": "Rest",
        "last_name": "User",
        "email": "rest@example.com",
        "type": 2,
    }
    by_id = zoom.call("GET", f"/v2/users/{created['id']}").json()
    by_email = zoom.call("GET", "/v2/users/rest@example.com").json()
    assert by_id == by_email
    assert by_id["type"] == 2 and by_id["status"] == "active" and by_id["display_name"] == "Rest User"


def test_create_action_leaves_the_user_pending(zoom: Zoom) -> None:
    _create(zoom, "invitee@example.com", action="create")
    pending = zoom.call("GET", "/v2/users", params={"status": "pending"}).json()
    assert [u["email"] for u in pending["users"]] == ["invitee@example.com"]


def test_autocreate_needs_a_managed_domain(zoom: Zoom) -> None:
    _create(zoom, "auto@example.com", action="autoCreate")
    body = {"action": "autoCreate", "user_info": {"email": "auto@unmanaged.example", "type": 1}}
    response = zoom.call("POST", "/v2/users", json=body)
    assert response.status_code == 400 and response.json()["code"] == 300


def test_duplicate_is_409_code_1005(zoom: Zoom) -> None:
    _create(zoom, "twice@example.com")
    response = zoom.call(
        "POST", "/v2/users", json={"action": "custCreate", "user_info": {"email": "TWICE@example.com", "type": 1}}
    )
    assert response.status_code == 409
    assert response.json() == {"code": 1005, "message": "User already in the account: TWICE@example.com"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"action": "invent", "user_info": {"email": "x@example.com", "type": 1}}, "action"),
        ({"action": "create"}, "user_info"),
        ({"action": "create", "user_info": {"email": "nope", "type": 1}}, "user_info.email"),
        ({"action": "create", "user_info": {"email": "x@example.com", "type": 7}}, "user_info.type"),
        ({"action": "create", "user_info": {"email": "x@example.com", "type": "1"}}, "user_info.type"),
        (
            {"action": "create", "user_info": {"email": "x@example.com", "type": 1, "first_name": 5}},
            "user_info.first_name",
        ),
    ],
)
def test_create_validation(zoom: Zoom, body: dict, field: str) -> None:
    response = zoom.call("POST", "/v2/users", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{"field": field, "message": "Invalid field."}],
    }


def test_get_unknown_is_404_code_1001(zoom: Zoom) -> None:
    response = zoom.call("GET", "/v2/users/ghost@example.com")
    assert response.status_code == 404
    assert response.json() == {"code": 1001, "message": "User does not exist: ghost@example.com."}


def test_me_is_the_account_owner(zoom: Zoom) -> None:
    assert zoom.call("GET", "/v2/users/me").json()["email"] == "owner@example.com"


def test_list_pages_with_next_page_token(zoom: Zoom) -> None:
    for i in range(5):
        _create(zoom, f"page{i}@example.com")
    first = zoom.call("GET", "/v2/users", params={"page_size": 4}).json()
    assert first["total_records"] == 6 and first["page_count"] == 2 and len(first["users"]) == 4
    assert first["next_page_token"]
    second = zoom.call("GET", "/v2/users", params={"page_size": 4, "next_page_token": first["next_page_token"]}).json()
    assert len(second["users"]) == 2 and second["next_page_token"] == ""
    emails = [u["email"] for u in first["users"] + second["users"]]
    assert len(set(emails)) == 6


def test_next_page_token_expires_after_15_minutes(zoom: Zoom) -> None:
    for i in range(3):
        _create(zoom, f"expiry{i}@example.com")
    first = zoom.call("GET", "/v2/users", params={"page_size": 2}).json()
    zoom.emulator.clock.advance(901)
    response = zoom.call("GET", "/v2/users", params={"page_size": 2, "next_page_token": first["next_page_token"]})
    assert response.status_code == 400 and response.json()["code"] == 300


def test_list_validation(zoom: Zoom) -> None:
    assert zoom.call("GET", "/v2/users", params={"status": "gone"}).status_code == 400
    assert zoom.call("GET", "/v2/users", params={"page_size": "many"}).status_code == 400
    assert zoom.call("GET", "/v2/users", params={"page_size": 0}).status_code == 400


def test_patch_updates_and_refuses_bad_fields(zoom: Zoom) -> None:
    user = _create(zoom, "patchme@example.com")
    response = zoom.call(
        "PATCH", f"/v2/users/{user['id']}", json={"first_name": "New", "dept": "Ops", "type": 2, "timezone": "UTC"}
    )
    assert response.status_code == 204
    fetched = zoom.call("GET", f"/v2/users/{user['id']}").json()
    assert (fetched["first_name"], fetched["dept"], fetched["type"]) == ("New", "Ops", 2)
    assert zoom.call("PATCH", f"/v2/users/{user['id']}", json={"first_name": 1}).status_code == 400
    assert zoom.call("PATCH", f"/v2/users/{user['id']}", json={"type": 9}).status_code == 400
    assert zoom.call("PATCH", "/v2/users/nobody", json={"first_name": "x"}).status_code == 404


def test_patch_ignores_fields_it_does_not_take_and_applies_the_rest(zoom: Zoom) -> None:
    # zoomus sends the user's own id in every update body; Zoom answered 204 (zoomus issue 124).
    user = _create(zoom, "lenient@example.com")
    body = {"id": user["id"], "email": "other@example.com", "nonsense": 1, "job_title": "Analyst"}
    assert zoom.call("PATCH", f"/v2/users/{user['id']}", json=body).status_code == 204
    fetched = zoom.call("GET", f"/v2/users/{user['id']}").json()
    assert (fetched["email"], fetched["job_title"]) == ("lenient@example.com", "Analyst")


def test_patch_refuses_fields_it_does_not_take_when_strict(zoom: Zoom) -> None:
    zoom.emulator.settings.strict_rest_update_fields = True
    user = _create(zoom, "strict@example.com")
    for field in ("id", "email", "nonsense"):
        answer = zoom.call("PATCH", f"/v2/users/{user['id']}", json={field: "x", "job_title": "Analyst"})
        assert answer.status_code == 400 and answer.json()["code"] == 300, answer.text
        assert answer.json()["errors"] == [{"field": field, "message": "Invalid field."}]
    assert zoom.call("GET", f"/v2/users/{user['id']}").json()["job_title"] == ""


def test_status_deactivate_and_activate(zoom: Zoom) -> None:
    user = _create(zoom, "status@example.com", type_=2)
    assert zoom.call("PUT", f"/v2/users/{user['id']}/status", json={"action": "deactivate"}).status_code == 204
    assert zoom.call("GET", f"/v2/users/{user['id']}").json()["status"] == "inactive"
    assert zoom.call("PUT", f"/v2/users/{user['id']}/status", json={"action": "activate"}).status_code == 204
    assert zoom.call("PUT", f"/v2/users/{user['id']}/status", json={"action": "pause"}).status_code == 400


def test_admin_status_change_is_400_code_200(zoom: Zoom) -> None:
    response = zoom.call("PUT", "/v2/users/me/status", json={"action": "deactivate"})
    assert response.status_code == 400
    assert response.json() == {
        "code": 200,
        "message": "Zoom Room and Admin users' status can not be activated or deactivated.",
    }
    assert zoom.call("DELETE", "/v2/users/me").json()["code"] == 200


@pytest.mark.parametrize("action", ["disassociate", "delete"])
def test_delete_actions(zoom: Zoom, action: str) -> None:
    user = _create(zoom, f"{action}@example.com")
    assert zoom.call("DELETE", f"/v2/users/{user['id']}", params={"action": action}).status_code == 204
    assert zoom.call("GET", f"/v2/users/{user['id']}").status_code == 404
    assert zoom.call("DELETE", f"/v2/users/{user['id']}", params={"action": "shred"}).status_code == 400


def test_email_check_and_summary(zoom: Zoom) -> None:
    _create(zoom, "lic@example.com", type_=2)
    _create(zoom, "invite@example.com", action="create")
    assert zoom.call("GET", "/v2/users/email", params={"email": "LIC@example.com"}).json() == {"existed_email": True}
    assert zoom.call("GET", "/v2/users/email", params={"email": "no@example.com"}).json() == {"existed_email": False}
    assert zoom.call("GET", "/v2/users/email").status_code == 400
    summary = zoom.call("GET", "/v2/users/summary").json()
    assert summary["licensed_users_count"] == 2  # the owner and lic@
    assert summary["pending_users_count"] == 1
    assert summary["total_users_count"] == 3


def test_account_routes(zoom: Zoom) -> None:
    domains = zoom.call("GET", "/v2/accounts/me/managed_domains").json()
    assert domains == {"total_records": 1, "domains": [{"domain": "example.com", "status": "verified"}]}
    settings = zoom.call("GET", f"/v2/accounts/{zoom.credentials.account_id}/settings").json()
    assert settings["security"]["sso_enabled"] is True
    assert zoom.call("GET", "/v2/accounts/another/settings").status_code == 404


MARKETPLACE_SCOPES = [
    "marketplace:write:app:master",
    "marketplace:read:app",
    "marketplace:write:app",
    "marketplace:update:client_secret",
]


def test_marketplace_app_lifecycle(zoom: Zoom) -> None:
    admin = zoom.emulator.ready_account(domain="master.example", scopes=MARKETPLACE_SCOPES)
    token = zoom.token(admin)
    body = S2S_APP
    created = zoom.call("POST", f"/v2/accounts/{admin.account_id}/marketplace/apps", token=token, json=body)
    assert created.status_code == 201
    app = created.json()
    assert app["app_status"] == "activated" and app["scopes"] == ["scim2"]
    secret = app["production_credentials"]["client_secret"]
    new_app = zoom.emulator.state.app(app["app_id"])
    assert new_app.client_secret == secret

    fetched = zoom.call("GET", f"/v2/marketplace/apps/{app['app_id']}", token=token).json()
    assert "client_secret" not in fetched["production_credentials"]
    listed = zoom.call("GET", "/v2/marketplace/apps", token=token).json()
    assert app["app_id"] in [a["app_id"] for a in listed["apps"]]
    rotated = zoom.call("POST", f"/v2/marketplace/apps/{app['app_id']}/rotate_client_secret", token=token).json()
    assert rotated["client_secret"] != secret
    assert zoom.call("DELETE", f"/v2/marketplace/apps/{app['app_id']}", token=token).status_code == 204
    assert zoom.call("GET", f"/v2/marketplace/apps/{app['app_id']}", token=token).status_code == 404
    refused = zoom.call("GET", "/v2/marketplace/apps")  # the provisioning app holds no marketplace scope
    assert refused.status_code == 400 and refused.json()["code"] == 4711


def test_marketplace_refuses_activation_without_company_or_contact(zoom: Zoom) -> None:
    admin = zoom.emulator.ready_account(domain="master2.example", scopes=MARKETPLACE_SCOPES)
    body = {"app_name": "incomplete", "app_type": "s2s_oauth", "scopes": [], "active": True}
    response = zoom.call(
        "POST", f"/v2/accounts/{admin.account_id}/marketplace/apps", token=zoom.token(admin), json=body
    )
    assert response.status_code == 400
    message = response.json()["message"]
    for missing in ("company name", "developer contact name", "developer contact email", "scopes"):
        assert missing in message


def test_create_action_has_a_daily_cap_per_plan(zoom: Zoom) -> None:
    creds = zoom.emulator.ready_account(domain="capped.example", plan="Pro")
    token = zoom.token(creds)
    zoom.emulator.rate_limiter._windows[(creds.account_id, "create-users", "day")] = (
        int(zoom.emulator.clock.now() // 86_400),
        1_499,
    )
    body = {"action": "create", "user_info": {"email": "last@capped.example", "type": 1}}
    last = zoom.call("POST", "/v2/users", token=token, json=body)
    assert last.status_code == 201
    assert (last.headers["x-ratelimit-limit"], last.headers["x-ratelimit-remaining"]) == ("1500", "0")
    body["user_info"]["email"] = "over@capped.example"
    over = zoom.call("POST", "/v2/users", token=token, json=body)
    assert over.status_code == 429 and over.headers["x-ratelimit-type"] == "Daily-limit"
    assert over.headers["retry-after"].endswith("T00:00:00Z")
    assert zoom.call("GET", "/v2/users/email", token=token, params={"email": "over@capped.example"}).json() == {
        "existed_email": False
    }
    body["action"] = "ssoCreate"  # only action=create is capped
    assert zoom.call("POST", "/v2/users", token=token, json=body).status_code == 201

"""The token host: account_credentials grant, its errors, revocation, token lifetime."""

from __future__ import annotations

import base64

from mocks import PROVISIONING_SCOPES
from tests.emulator.conftest import Zoom


def test_token_has_the_documented_shape(zoom: Zoom) -> None:
    response = zoom.token_response()
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "api_url"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert isinstance(body["scope"], str)
    assert set(body["scope"].split(" ")) == set(PROVISIONING_SCOPES)
    assert body["api_url"] == zoom.api
    assert body["access_token"].startswith("eyJ")
    assert "x-zm-trackingid" in response.headers


def test_parameters_in_a_form_body_are_accepted(zoom: Zoom) -> None:
    creds = zoom.credentials
    response = zoom.http.post(
        zoom.emulator.token_url,
        data={"grant_type": "account_credentials", "account_id": creds.account_id},
        auth=(creds.client_id, creds.client_secret),
    )
    assert response.status_code == 200


def test_unknown_parameters_are_ignored(zoom: Zoom) -> None:
    assert zoom.token_response(token_index="1").status_code == 200


def _error(response) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    return response.status_code, response.json()


def test_wrong_secret_is_invalid_client(zoom: Zoom) -> None:
    creds = zoom.credentials
    response = zoom.http.post(
        zoom.emulator.token_url,
        params={"grant_type": "account_credentials", "account_id": creds.account_id},
        auth=(creds.client_id, "not-the-secret"),
    )
    assert _error(response) == (400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})


def test_unknown_client_is_invalid_client(zoom: Zoom) -> None:
    response = zoom.http.post(
        zoom.emulator.token_url,
        params={"grant_type": "account_credentials", "account_id": zoom.credentials.account_id},
        auth=("nobody", "nothing"),
    )
    assert _error(response) == (400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})


def test_missing_basic_auth(zoom: Zoom) -> None:
    response = zoom.http.post(zoom.emulator.token_url, params={"grant_type": "account_credentials"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    garbled = zoom.http.post(
        zoom.emulator.token_url,
        params={"grant_type": "account_credentials"},
        headers={"Authorization": "Basic !!!not-base64"},
    )
    assert garbled.status_code == 400
    no_colon = base64.b64encode(b"justanid").decode()
    response = zoom.http.post(zoom.emulator.token_url, headers={"Authorization": f"Basic {no_colon}"})
    assert response.status_code == 400


def test_other_grants_are_unsupported(zoom: Zoom) -> None:
    for grant in ("client_credentials", "authorization_code", ""):
        response = zoom.token_response(grant_type=grant)
        assert _error(response) == (400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"})


def test_wrong_account_id(zoom: Zoom) -> None:
    response = zoom.token_response(account_id="someone-else")
    assert _error(response) == (400, {"reason": "Invalid account_id", "error": "invalid_request"})


def test_app_not_activated_deactivated_or_deleted(zoom: Zoom) -> None:
    state = zoom.emulator.state
    app = state.create_app(zoom.credentials.account_id, "draft", scopes=["scim2"])
    draft = zoom.emulator.credentials(app)
    disabled = {"reason": "The app has been disabled", "error": "invalid_client"}
    assert _error(zoom.token_response(draft)) == (400, disabled)

    state.update_app(app.id, company_name="Acme", contact_name="Dev", contact_email="dev@example.com")
    state.activate_app(app.id)
    token = zoom.token(draft)
    state.deactivate_app(app.id)
    assert _error(zoom.token_response(draft)) == (400, disabled)
    killed = zoom.call("GET", "/scim2/Users", token=token)
    assert _error(killed) == (401, {"code": 124, "message": "Invalid access token."})

    state.activate_app(app.id)
    assert zoom.token_response(draft).status_code == 200
    state.delete_app(app.id)
    response = zoom.token_response(draft)
    assert _error(response) == (400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})


def test_several_tokens_are_valid_at_once(zoom: Zoom) -> None:
    first, second = zoom.token(), zoom.token()
    assert first != second
    assert zoom.call("GET", "/scim2/Users", token=first).status_code == 200
    assert zoom.call("GET", "/scim2/Users", token=second).status_code == 200


def test_legacy_single_token_switch(zoom: Zoom) -> None:
    zoom.emulator.settings.legacy_single_token = True
    first = zoom.token()
    second = zoom.token()
    assert zoom.call("GET", "/scim2/Users", token=first).json() == {"code": 124, "message": "Invalid access token."}
    assert zoom.call("GET", "/scim2/Users", token=second).status_code == 200


def test_token_expires_after_an_hour_of_emulator_time(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.emulator.clock.advance(3599)
    assert zoom.call("GET", "/scim2/Users", token=token).status_code == 200
    zoom.emulator.clock.advance(1)
    response = zoom.call("GET", "/scim2/Users", token=token)
    assert _error(response) == (401, {"code": 124, "message": "Access token is expired."})


def test_scopes_are_frozen_when_the_token_is_issued(zoom: Zoom) -> None:
    token = zoom.token()
    app = zoom.emulator.state.app_by_client_id(zoom.credentials.client_id)
    assert app is not None
    zoom.emulator.state.update_app(app.id, scopes=["user:read:admin"])
    assert zoom.call("GET", "/scim2/Users", token=token).status_code == 200
    assert zoom.call("GET", "/scim2/Users").status_code == 400


def test_revoke(zoom: Zoom) -> None:
    token = zoom.token()
    creds = zoom.credentials
    revoke_url = zoom.emulator.token_base_url + "/oauth/revoke"
    response = zoom.http.post(revoke_url, data={"token": token}, auth=(creds.client_id, creds.client_secret))
    assert response.status_code == 200 and response.json() == {"status": "success"}
    assert zoom.call("GET", "/scim2/Users", token=token).status_code == 401
    again = zoom.http.post(revoke_url, params={"token": "unknown"}, auth=(creds.client_id, creds.client_secret))
    assert again.status_code == 400
    wrong = zoom.http.post(revoke_url, data={"token": token}, auth=(creds.client_id, "bad"))
    assert wrong.json()["error"] == "invalid_client"


def test_rotated_secret_replaces_the_old_one(zoom: Zoom) -> None:
    app = zoom.emulator.state.app_by_client_id(zoom.credentials.client_id)
    assert app is not None
    zoom.emulator.state.rotate_secret(app.id)
    assert zoom.token_response().status_code == 400
    assert zoom.token_response(zoom.emulator.credentials(app)).status_code == 200


def test_token_host_only_answers_post(zoom: Zoom) -> None:
    response = zoom.http.get(zoom.emulator.token_url)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_inferred_token_errors_are_settings(zoom: Zoom) -> None:
    zoom.emulator.settings.token_errors["wrong_account"] = ["invalid_grant", "Account does not exist"]
    response = zoom.token_response(account_id="nobody")
    assert _error(response) == (400, {"reason": "Account does not exist", "error": "invalid_grant"})

"""The control surface over HTTP (``/_emulator``) and the seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from mocks import SeedError, ZoomEmulator, apply_seed, load_seed
from tests.emulator.conftest import Zoom

SEED = {
    "accounts": [
        {
            "id": "acct-seeded",
            "plan": "Education",
            "managed_domains": ["school.example"],
            "apps": [
                {
                    "name": "seeded app",
                    "scopes": ["user:read:admin"],
                    "company_name": "School",
                    "contact_name": "IT",
                    "contact_email": "it@school.example",
                    "activated": True,
                    "client_id": "fixed-client",
                    "client_secret": "fixed-secret",
                },
                {"name": "draft app"},
            ],
            "users": [
                {"email": "head@school.example", "role": "Admin", "type": "Licensed"},
                {"email": "teacher@school.example", "first_name": "Ada", "status": "inactive", "type": "Licensed"},
            ],
            "groups": [{"display_name": "Staff", "members": ["head@school.example"]}],
        }
    ]
}

#: The emulator's own control surface: the proxy answers /_emulator with its own (tests/emulator/test_proxy.py).
MOUNTINGS = ("transport", "respx", "served")


def _control(zoom: Zoom, method: str, path: str, **kwargs):  # type: ignore[no-untyped-def]
    return zoom.control(method, path, **kwargs)


def test_seed_then_inspect(zoom: Zoom) -> None:
    response = _control(zoom, "POST", "/seed", json=SEED)
    assert response.status_code == 201
    assert [a["status"] for a in response.json()["apps"]] == ["activated", "created"]
    state = _control(zoom, "GET", "/state").json()
    seeded = next(a for a in state["accounts"] if a["id"] == "acct-seeded")
    assert seeded["users"] == 2 and seeded["groups"] == 1 and seeded["plan"] == "Education"
    assert "client_secret" not in response.text + str(state)
    users = _control(zoom, "GET", "/accounts/acct-seeded/users").json()["users"]
    teacher = next(u for u in users if u["userName"] == "teacher@school.example")
    assert (teacher["status"], teacher["userType"], teacher["heldUserType"]) == ("inactive", "Basic", "Licensed")
    token = zoom.http.post(
        zoom.emulator.token_url,
        params={"grant_type": "account_credentials", "account_id": "acct-seeded"},
        auth=("fixed-client", "fixed-secret"),
    )
    assert token.status_code == 200


@pytest.mark.parametrize(
    "document, message",
    [
        ({"accounts": "none"}, "accounts: must be a list"),
        ({"accounts": [{"plan": "Gold"}]}, "accounts[0].plan"),
        ({"accounts": [{"apps": [{"scopes": ["scim2"]}]}]}, "accounts[0].apps[0].name"),
        ({"accounts": [{"users": [{"email": "a@b.example", "type": "Pro"}]}]}, "accounts[0].users[0].type"),
        ({"accounts": [{"colour": "red"}]}, "unknown keys ['colour']"),
        ({"extra": 1, "accounts": []}, "unknown keys ['extra']"),
    ],
)
def test_bad_seeds_are_refused_and_change_nothing(zoom: Zoom, document: dict, message: str) -> None:
    before = _control(zoom, "GET", "/state").json()["accounts"]
    response = _control(zoom, "POST", "/seed", json=document)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert _control(zoom, "GET", "/state").json()["accounts"] == before


def test_clock_control(zoom: Zoom) -> None:
    token = zoom.token()
    frozen = _control(zoom, "POST", "/clock", json={"freeze": True}).json()
    assert frozen["frozen"] is True
    moved = _control(zoom, "POST", "/clock", json={"advance": 3600}).json()
    assert moved["now"] == pytest.approx(frozen["now"] + 3600)
    assert zoom.call("GET", "/scim2/Users", token=token).json()["message"] == "Access token is expired."
    assert _control(zoom, "POST", "/clock", json={"advance": -5}).status_code == 400
    assert _control(zoom, "POST", "/clock", json={"freeze": "yes"}).status_code == 400


def test_fault_control(zoom: Zoom) -> None:
    added = _control(zoom, "POST", "/faults", json={"route": "scim.users.list", "status": 502, "times": 1})
    assert added.status_code == 201
    assert len(_control(zoom, "GET", "/faults").json()["faults"]) == 1
    assert zoom.call("GET", "/scim2/Users").status_code == 502
    _control(zoom, "POST", "/faults", json={"route": "*", "status": 500, "times": None})
    assert _control(zoom, "DELETE", "/faults").status_code == 204
    assert zoom.call("GET", "/scim2/Users").status_code == 200
    assert _control(zoom, "POST", "/faults", json={"status": 200}).status_code == 400
    assert _control(zoom, "POST", "/faults", json={"nonsense": 1}).status_code == 400


def test_journal_control_is_redacted(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.call("GET", "/scim2/Users", token=token)
    text = _control(zoom, "GET", "/journal").text
    assert token not in text and zoom.credentials.client_secret not in text
    assert "[REDACTED]" in text
    assert _control(zoom, "DELETE", "/journal").status_code == 204
    assert _control(zoom, "GET", "/journal").json()["entries"] == []


def test_app_and_account_control(zoom: Zoom) -> None:
    created = _control(zoom, "POST", "/accounts", json={"domain": "ctl.example", "plan": "Enterprise"})
    assert created.status_code == 201
    creds = created.json()
    app = zoom.emulator.state.app_by_client_id(creds["client_id"])
    assert app is not None
    assert _control(zoom, "POST", f"/apps/{app.id}/deactivate").json()["status"] == "deactivated"
    assert _control(zoom, "POST", f"/apps/{app.id}/activate").json()["status"] == "activated"
    rotated = _control(zoom, "POST", f"/apps/{app.id}/rotate").json()
    assert rotated["client_secret"] != creds["client_secret"]
    assert _control(zoom, "POST", f"/apps/{app.id}/explode").status_code == 400
    assert _control(zoom, "PATCH", f"/accounts/{creds['account_id']}", json={"sso_enabled": False}).status_code == 204
    assert zoom.emulator.state.account(creds["account_id"]).sso_enabled is False
    assert _control(zoom, "PATCH", f"/accounts/{creds['account_id']}", json={"plan": "Gold"}).status_code == 400
    assert _control(zoom, "DELETE", f"/apps/{app.id}").status_code == 204
    assert _control(zoom, "DELETE", f"/apps/{app.id}").status_code == 404
    assert _control(zoom, "POST", "/accounts", json={"colour": 1}).status_code == 400


def test_user_control_sets_a_role(zoom: Zoom) -> None:
    user = zoom.create_user("promote@example.com")
    path = f"/accounts/{zoom.credentials.account_id}/users/{user['id']}"
    assert _control(zoom, "PATCH", path, json={"role": "Admin"}).status_code == 204
    assert zoom.call("DELETE", f"/scim2/Users/{user['id']}").status_code == 400
    assert _control(zoom, "PATCH", path, json={"role": "King"}).status_code == 400


def test_settings_control(zoom: Zoom) -> None:
    assert _control(zoom, "PATCH", "/settings", json={"legacy_single_token": True}).json()["legacy_single_token"]
    assert _control(zoom, "PATCH", "/settings", json={"token_ttl": "long"}).status_code == 400
    assert _control(zoom, "GET", "/settings").json()["legacy_single_token"] is True


def test_reset(zoom: Zoom) -> None:
    assert _control(zoom, "POST", "/reset").status_code == 204
    assert _control(zoom, "GET", "/state").json()["accounts"] == []


def test_seed_files_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "seed.yaml"
    yaml_file.write_text("accounts:\n  - plan: Business\n    users:\n      - email: y@example.com\n")
    emulator = ZoomEmulator()
    apply_seed(emulator.state, load_seed(yaml_file))
    assert len(emulator.state.accounts) == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("accounts: [\n")
    with pytest.raises(SeedError, match="not valid YAML or JSON at line"):
        load_seed(broken)
    with pytest.raises(SeedError, match="cannot read seed file"):
        load_seed(tmp_path / "missing.yaml")
    scalar = tmp_path / "scalar.json"
    scalar.write_text("42")
    with pytest.raises(SeedError, match="must hold a mapping"):
        load_seed(scalar)

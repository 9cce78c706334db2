"""The preflight (`zoom-harness verify`, channel activation) in process: every check's verdict,
wording and fix for each way an app or account can be unready. Expected texts are written here,
from what the Ping page and Zoom's Marketplace say to do."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from harness.targets.in_process import in_process_client
from harness.zoom.client import ZoomClient
from harness.zoom.preflight import Check, check_target, probe_user
from mocks import Credentials, ZoomEmulator

#: The seven scopes of the Ping page (requirements APP-07 to APP-13), in its order.
SEVEN = ["user:master", "user:read:admin", "user:write:admin", "account:master", "account:read:admin",
         "account:write:admin", "scim2"]  # fmt: skip
MARKETPLACE = "Zoom App Marketplace > Manage > your Server-to-Server OAuth app"


@pytest.fixture
def zoom() -> ZoomEmulator:
    emulator = ZoomEmulator()
    emulator.clock.freeze()
    return emulator


@pytest.fixture
def clients() -> Iterator[list[ZoomClient]]:
    made: list[ZoomClient] = []
    yield made
    for client in made:
        client.close()


def _checks(zoom: ZoomEmulator, credentials: Credentials, clients: list[ZoomClient]) -> dict[str, Check]:
    client = in_process_client(zoom, credentials)
    clients.append(client)
    readiness = check_target(client)
    found = {check.name: check for check in readiness.checks}
    assert len(found) == len(readiness.checks) == 10
    assert readiness.ready is all(check.ok for check in readiness.checks)
    return found


def test_a_ready_app_passes_every_check_in_order(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    client = in_process_client(zoom, zoom.ready_account())
    clients.append(client)
    readiness = check_target(client)
    assert readiness.ready and readiness.causes == []
    assert readiness.to_dict() == {"ready": True, "checks": [
        {"name": "credentials", "ok": True, "detail": "the account ID, client ID and client secret obtain a token",
         "fix": ""},
        {"name": "activation", "ok": True, "detail": "the app is activated", "fix": ""},
        *({"name": f"scope {s}", "ok": True, "detail": f"the token holds {s}", "fix": ""} for s in SEVEN),
        {"name": "scim", "ok": True, "detail": "the SCIM2 API answers and the account meets its prerequisites",
         "fix": ""},
    ]}  # fmt: skip
    (probe,) = [e for e in zoom.journal.entries() if e.route.startswith("scim")]
    assert probe.method == "GET" and probe.url.endswith("/scim2/Users?startIndex=1&count=1")


def test_a_granular_app_is_judged_by_what_its_token_grants(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    checks = _checks(zoom, zoom.ready_account(scope_family="granular"), clients)
    assert all(check.ok for check in checks.values())
    assert checks["scope scim2"].detail == "the token holds the granular scim2:admin"
    assert checks["scope user:read:admin"].detail == (
        "the token holds the granular user:read:list_users:admin, user:read:user:admin"
    )


def test_a_granular_app_lacking_one_name_of_a_row_lists_only_what_it_lacks(
    zoom: ZoomEmulator, clients: list[ZoomClient]
) -> None:
    credentials = zoom.ready_account(scope_family="granular")
    (app,) = [a for a in zoom.state.apps.values() if a.client_id == credentials.client_id]
    app.scopes = [s for s in app.scopes if s != "user:delete:user:admin"]
    lacking = _checks(zoom, credentials, clients)["scope user:write:admin"]
    assert (lacking.ok, lacking.detail) == (False, "the token lacks the scope user:write:admin (granular: "
                                                   "user:delete:user:admin)")  # fmt: skip


def test_a_missing_scope_is_named_with_its_fix(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    credentials = zoom.ready_account(scopes=[s for s in SEVEN if s != "account:write:admin"])
    checks = _checks(zoom, credentials, clients)
    lacking = checks["scope account:write:admin"]
    assert lacking.ok is False
    assert lacking.detail == "the token lacks the scope account:write:admin (granular: account:update:settings:admin)"
    assert lacking.fix == (f"{MARKETPLACE} > Scopes > Add Scopes: add account:write:admin, or on an app with "
                           "granular scopes account:update:settings:admin; then get a new token.")  # fmt: skip
    assert checks["scim"].ok is True and checks["scope account:read:admin"].ok is True


def test_a_token_without_scim2_is_refused_by_the_scim_api_and_named(
    zoom: ZoomEmulator, clients: list[ZoomClient]
) -> None:
    checks = _checks(zoom, zoom.ready_account(scopes=SEVEN[:-1]), clients)
    assert (checks["scim"].ok, checks["scim"].detail) == (
        False,
        "the token lacks the scope scim2 (granular: scim2:admin)",
    )
    assert checks["scim"].fix == f"{MARKETPLACE} > Scopes > Add Scopes: add scim2 (granular: scim2:admin)."


def test_an_account_without_sso_fails_the_scim_check(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    scim = _checks(zoom, zoom.ready_account(sso_enabled=False), clients)["scim"]
    assert (scim.ok, scim.detail) == (False, "SSO is not enabled on the Zoom account (a SCIM prerequisite)")
    assert scim.fix == "Zoom web portal > Advanced > Single Sign-On: enable SSO."


def test_a_plan_without_scim_fails_the_scim_check(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    scim = _checks(zoom, zoom.ready_account(plan="Pro"), clients)["scim"]
    assert scim.ok is False
    assert scim.detail == ("the account's plan does not include SCIM2 (SCIM2 API is not available on the Pro plan; a "
                           "Business or Education plan is required.)")  # fmt: skip
    assert scim.fix == "SCIM2 needs a Business, Education or Enterprise account and an approved vanity URL."


@pytest.mark.parametrize(
    ("status", "body", "detail"),
    [
        (409, {"detail": "Busy.", "message": "ignored"}, "the SCIM2 API answered 409: Busy."),
        (409, {"message": "Try later."}, "the SCIM2 API answered 409: Try later."),
        (403, {"detail": "Forbidden here."}, "the account's plan does not include SCIM2 (Forbidden here.)"),
        (400, {"detail": "Your plan lacks it."}, "the account's plan does not include SCIM2 (Your plan lacks it.)"),
        (
            400,
            {"code": 4711, "message": "Invalid access token."},
            "the token lacks the scope scim2 (granular: scim2:admin)",
        ),
        (400, {"code": 4712, "message": "Other."}, "the SCIM2 API answered 400: Other."),
    ],
)
def test_each_scim_refusal_is_told_apart_by_its_status_code_and_wording(
    zoom: ZoomEmulator, clients: list[ZoomClient], status: int, body: dict[str, object], detail: str
) -> None:
    credentials = zoom.ready_account()
    zoom.inject(route="scim.users.list", status=status, body=body)
    scim = _checks(zoom, credentials, clients)["scim"]
    assert (scim.ok, scim.detail) == (False, detail)


def test_a_scim_answer_that_is_not_json_is_quoted(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    credentials = zoom.ready_account()
    text = "<html>" + "x" * 300
    client = ZoomClient(
        in_process_client(zoom, credentials).target,
        transport=httpx.MockTransport(
            lambda request: (
                zoom.transport().handle_request(request)
                if "oauth" in request.url.path
                else httpx.Response(418, text=text)
            )
        ),
    )
    clients.append(client)
    scim = {c.name: c for c in check_target(client).checks}["scim"]
    assert scim.detail == f"the SCIM2 API answered 418: {text[:200]}" and scim.fix == ""


@pytest.mark.parametrize(
    ("change", "detail", "fix"),
    [
        ({"client_secret": "wrong"}, "the client ID or client secret is wrong",
         f"Copy the Client ID and Client secret from {MARKETPLACE} > App Credentials."),
        ({"account_id": "another"}, "the account ID does not match the app's account",
         f"Copy the Account ID from {MARKETPLACE} > App Credentials."),
    ],
)  # fmt: skip
def test_refused_credentials_say_which_part_to_copy_again(
    zoom: ZoomEmulator, clients: list[ZoomClient], change: dict[str, str], detail: str, fix: str
) -> None:
    good = zoom.ready_account()
    bad = Credentials(**{**good.to_dict(), **change})
    checks = _checks(zoom, bad, clients)
    assert (checks["credentials"].ok, checks["credentials"].detail, checks["credentials"].fix) == (False, detail, fix)
    _assert_not_checked(checks, "token refused")


def _assert_not_checked(checks: dict[str, Check], why: str) -> None:
    rest = [checks["activation"], *(checks[f"scope {s}"] for s in SEVEN), checks["scim"]]
    assert [(c.ok, c.detail) for c in rest] == [(None, f"not checked: {why}")] * 9


def test_a_deactivated_app_is_told_to_activate(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    credentials = zoom.ready_account()
    (app,) = [a for a in zoom.state.apps.values() if a.client_id == credentials.client_id]
    zoom.state.deactivate_app(app.id)
    credential = _checks(zoom, credentials, clients)["credentials"]
    assert credential.detail == "the app is not activated, or was deactivated, in the Zoom Marketplace"
    assert credential.fix == (f"{MARKETPLACE} > Activation: fill in the company name and developer contact, then "
                              "Activate your app.")  # fmt: skip


def test_an_unreachable_token_url_is_named(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = ZoomClient(in_process_client(zoom, zoom.ready_account()).target, transport=httpx.MockTransport(refuse))
    clients.append(client)
    checks = {c.name: c for c in check_target(client).checks}
    credential = checks["credentials"]
    assert credential.detail == "cannot reach the token URL https://zoom.us/oauth/token: ConnectError"
    assert credential.fix == "Check the token URL and that this machine can reach it."
    _assert_not_checked(checks, "token URL unreachable")


def test_the_probe_creates_reads_and_deletes_one_marked_user(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    credentials = zoom.ready_account()
    client = in_process_client(zoom, credentials)
    clients.append(client)
    checks = probe_user(client, "example.com")
    assert [(c.name, c.ok) for c in checks] == [("probe create", True), ("probe read", True), ("probe delete", True)]
    name = checks[0].detail.removeprefix("created ")
    assert name.startswith("zoom-harness-probe-") and name.endswith("@example.com")
    assert [c.detail for c in checks[1:]] == [f"read {name} back", f"deleted {name}"]
    assert not [u for u in zoom.state.users(credentials.account_id).values() if u.user_name == name]
    created = next(e for e in zoom.journal.entries() if e.route == "scim.users.create")
    assert json.loads(created.request_body)["name"] == {"givenName": "Zoom Harness", "familyName": "Probe"}


def test_a_probe_that_cannot_create_says_what_the_app_needs(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    client = in_process_client(zoom, zoom.ready_account(scopes=SEVEN[:-1]))
    clients.append(client)
    (check,) = probe_user(client, "example.com")
    assert (check.name, check.ok) == ("probe create", False)
    assert check.detail.startswith("creating zoom-harness-probe-") and "failed: POST " in check.detail
    assert check.fix == "The app needs scim2 and the account must allow SCIM provisioning for this domain."


def test_a_probe_whose_delete_fails_names_the_user_to_delete(zoom: ZoomEmulator, clients: list[ZoomClient]) -> None:
    client = in_process_client(zoom, zoom.ready_account())
    clients.append(client)
    zoom.inject(route="scim.users.delete", status=400, body={"detail": "No."}, times=None)
    checks = probe_user(client, "example.com")
    name = checks[0].detail.removeprefix("created ")
    assert [(c.name, c.ok) for c in checks] == [("probe create", True), ("probe read", True), ("probe delete", False)]
    assert checks[2].detail.startswith(f"deleting {name} failed: DELETE ") and checks[2].detail.endswith(": No.")
    assert checks[2].fix == f"Delete {name} in the Zoom web portal > User Management."

"""The PingFederate adapter against the Administrative API's contract, without a PingFederate: every
request it sends is checked against the schemas of the admin API (required fields, enum values,
headers), with the API stubbed by respx from the descriptor's recorded shape; and every error path
a user meets ends in one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import respx

from harness.directory.slapd import DirectoryServer
from harness.directory.source import DEFAULT_FILTER, Directory, SourceLocation
from harness.provisioner.channel import ActivationRefused, Channel, ProvisioningOptions
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.sut import ChannelSetup
from harness.sut.pingfederate import (
    AdminAddress,
    PingFederateError,
    PingFederateSystem,
    journal_summary,
    parse_audit,
)
from harness.zoom.target import Target

ADMIN = "https://pf.test:9999"
API = f"{ADMIN}/pf-admin-api/v1"
DESCRIPTORS = json.loads((Path(__file__).with_name("zoom_descriptor.json")).read_text())
SERVER = DirectoryServer("127.0.0.1", 3389, "cn=admin,dc=example,dc=com", "ldap-secret", "dc=example,dc=com")

# The Administrative API's required fields and enums (OpenAPI 12.1, reference/pingfederate-admin-api.md).
REQUIRED = {
    "dataStore": {"type", "ldapType", "hostnames", "userDN"},
    "connection": {"entityId", "name", "type", "outboundProvision"},
    "outboundProvision": {"type", "targetSettings", "channels"},
    "channel": {"name", "active", "maxThreads", "timeout", "channelSource", "attributeMapping"},
    "channelSource": {"dataSource", "baseDn", "guidAttributeName", "guidBinary", "changeDetectionSettings",
                      "groupMembershipDetection", "accountManagementSettings", "userSourceLocation"},
    "changeDetectionSettings": {"userObjectClass", "groupObjectClass", "changedUsersAlgorithm",
                                "timeStampAttributeName"},
    "accountManagementSettings": {"accountStatusAttributeName", "accountStatusAlgorithm"},
    "attributeMapping": {"fieldName", "saasFieldInfo"},
}  # fmt: skip
ENUMS = {
    "ldapType": {"ACTIVE_DIRECTORY", "ORACLE_DIRECTORY_SERVER", "ORACLE_UNIFIED_DIRECTORY", "UNBOUNDID_DS",
                 "PING_DIRECTORY", "PING_DS", "GENERIC"},
    "changedUsersAlgorithm": {"ACTIVE_DIRECTORY_USN", "TIMESTAMP", "TIMESTAMP_NO_NEGATION"},
    "accountStatusAlgorithm": {"ACCOUNT_STATUS_ALGORITHM_AD", "ACCOUNT_STATUS_ALGORITHM_FLAG"},
    "characterCase": {"LOWER", "UPPER", "NONE"},
    "parser": {"EXTRACT_CN_FROM_DN", "EXTRACT_USERNAME_FROM_EMAIL", "NONE"},
}  # fmt: skip


def _conforms(kind: str, body: dict[str, Any]) -> None:
    missing = REQUIRED[kind] - set(body)
    assert not missing, f"{kind} lacks {missing}"
    for key, allowed in ENUMS.items():
        if key in body:
            assert body[key] in allowed, (key, body[key])


def _connection_conforms(body: dict[str, Any]) -> dict[str, Any]:
    _conforms("connection", body)
    provision = body["outboundProvision"]
    _conforms("outboundProvision", provision)
    (channel,) = provision["channels"]
    _conforms("channel", channel)
    source = channel["channelSource"]
    _conforms("channelSource", source)
    _conforms("changeDetectionSettings", source["changeDetectionSettings"])
    _conforms("accountManagementSettings", source["accountManagementSettings"])
    for mapping in channel["attributeMapping"]:
        _conforms("attributeMapping", mapping)
        for key in ("characterCase", "parser"):
            assert mapping["saasFieldInfo"][key] in ENUMS[key]
    return channel


def _setup() -> ChannelSetup:
    mapping = Mapping.default().with_field("Title", FieldMapping(("title",), create_only=True, case="upper"))
    channel = Channel(max_threads=3, timeout=45, location=SourceLocation(filter=DEFAULT_FILTER), mapping=mapping)
    target = Target("acct-1", "client-1", "secret-1", "https://zoom.us/oauth/token", "https://api.zoom.us")
    return ChannelSetup(
        target, channel, ProvisioningOptions(update=False, remove_action="delete"), lambda: Directory({})
    )


def _admin() -> Any:
    return AdminAddress(ADMIN, "Administrator", "2FederateM0re").client()


@pytest.fixture
def pf() -> Any:
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.get("/version").respond(json={"version": "12.1.0.4"})
        router.get("/idp/connectors/descriptors").respond(json=DESCRIPTORS)
        router.get("/serverSettings/outboundProvisioning").respond(json={
            "dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": 60})  # fmt: skip
        router.put("/serverSettings/outboundProvisioning").respond(200, json={})
        router.post("/dataStores").respond(201, json={})
        router.post("/idp/spConnections").respond(201, json={})
        router.route(method="PUT", url__regex=r"/idp/spConnections/\w+$").respond(200, json={})
        router.route(method="DELETE").respond(204)
        yield router


def _system(tmp_path: Path, **options: Any) -> PingFederateSystem:
    return PingFederateSystem(_admin(), SERVER, "ou=people,dc=example,dc=com", ledger=tmp_path / "ledger.json",
                              **options)  # fmt: skip


def test_configure_sends_a_data_store_and_a_connection_that_follow_the_schemas(pf: Any, tmp_path: Path) -> None:
    system = _system(tmp_path)
    assert system.description == "PingFederate 12.1.0.4 (connector com.pingidentity.zoom.ZoomConnector)"
    system.configure(_setup())
    store_call, connection_call = pf.calls[-2], pf.calls[-1]
    assert json.loads(pf.calls[-3].request.content) == {"dataStoreRef": {"id": "ProvisionerDS"},
                                                       "synchronizationFrequency": 5}  # fmt: skip
    for call in (store_call, connection_call):
        assert call.request.headers["X-XSRF-Header"] == "PingFederate"
        assert call.request.headers["Content-Type"] == "application/json"
        assert call.request.headers["X-BypassExternalValidation"] == "true"  # saving is not activating
        assert call.request.headers["Authorization"].startswith("Basic ")
    store = json.loads(store_call.request.content)
    _conforms("dataStore", store)
    assert (store["hostnames"], store["userDN"], store["password"]) == (
        ["127.0.0.1:3389"],
        SERVER.bind_dn,
        "ldap-secret",
    )
    connection = json.loads(connection_call.request.content)
    channel = _connection_conforms(connection)
    settings = {s["name"]: s["value"] for s in connection["outboundProvision"]["targetSettings"]}
    assert settings == {"zoomAccountId": "acct-1", "zoomClientId": "client-1", "zoomClientSecret": "secret-1",
                        "createNewUsers": "true", "updateNewUsers": "false", "disableNewUsers": "true",
                        "removeAction": "Delete"}  # fmt: skip
    assert connection["outboundProvision"]["type"] == "com.pingidentity.zoom.ZoomConnector"
    assert (channel["active"], channel["maxThreads"], channel["timeout"]) == (False, 3, 45)
    assert channel["channelSource"]["dataSource"] == {"id": store["id"]}
    assert channel["channelSource"]["userSourceLocation"] == {"filter": DEFAULT_FILTER, "nestedSearch": False}
    title = next(m for m in channel["attributeMapping"] if m["fieldName"] == "title")["saasFieldInfo"]
    assert (title["attributeNames"], title["createOnly"], title["characterCase"]) == (["title"], True, "UPPER")
    assert {m["fieldName"] for m in channel["attributeMapping"]} >= {"userName", "email", "givenName", "familyName"}
    assert json.loads((tmp_path / "ledger.json").read_text())["created"] == [
        f"/dataStores/{store['id']}", f"/idp/spConnections/{connection['id']}"]  # fmt: skip


def test_activation_saves_the_channel_active_and_lets_pingfederate_validate(pf: Any, tmp_path: Path) -> None:
    system = _system(tmp_path)
    system.configure(_setup())
    system.activate()
    put = pf.calls[-1].request
    assert put.method == "PUT" and "X-BypassExternalValidation" not in put.headers
    assert json.loads(put.content)["outboundProvision"]["channels"][0]["active"] is True
    assert system.channel_active


def test_a_refused_activation_shows_pingfederates_message_and_field(pf: Any, tmp_path: Path) -> None:
    system = _system(tmp_path)
    system.configure(_setup())
    invalid = {"errorId": "plugin_validation_error", "fieldPath": "outboundProvision.targetSettings.zoomClientSecret",
               "message": "Invalid client_id or client_secret"}  # fmt: skip
    pf.route(method="PUT", url__regex=r"/idp/spConnections/\w+$").respond(422, json={
        "resultId": "validation_error", "message": "Validation error(s) occurred. Please review the error(s) and "
        "address accordingly.", "validationErrors": [invalid]})  # fmt: skip
    with pytest.raises(ActivationRefused) as refused:
        system.activate()
    assert str(refused.value) == (
        "channel activation refused: PingFederate refused the configuration: Validation error(s) occurred. Please "
        "review the error(s) and address accordingly.; outboundProvision.targetSettings.zoomClientSecret: Invalid "
        "client_id or client_secret"
    )
    assert not system.channel_active


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "PingFederate refused the admin login of Administrator (401)"),
        (403, "the admin Administrator may not GET /idp/connectors/descriptors (403): give it the Administrator role"),
    ],
)
def test_admin_refusals_are_one_line(pf: Any, tmp_path: Path, status: int, message: str) -> None:
    pf.get("/idp/connectors/descriptors").respond(status)
    with pytest.raises(PingFederateError) as refused:
        _system(tmp_path)
    assert str(refused.value) == message


def test_a_missing_connector_names_the_jar(pf: Any, tmp_path: Path) -> None:
    pf.get("/idp/connectors/descriptors").respond(json={"items": DESCRIPTORS["items"][:1]})
    with pytest.raises(PingFederateError, match=r"^the Zoom Provisioner is not deployed in PingFederate.*deploy/"):
        _system(tmp_path)


def test_an_unreachable_admin_api_is_one_line() -> None:
    with pytest.raises(PingFederateError) as refused:
        AdminAddress("https://127.0.0.1:9", "Administrator", "x").check()
    assert str(refused.value) == "cannot reach PingFederate's admin API at https://127.0.0.1:9: ConnectError"


def test_a_cycle_is_read_from_pingfederates_logs(pf: Any, tmp_path: Path) -> None:
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "provisioner-audit.log").write_text(
        "2026-11-29 04:00:00,001| 3| zoom-users| CREATE| guid-1| zid-1| true| \n"
    )
    system = _system(tmp_path, log_dir=logs, sleep=lambda s: None)
    system.logs.skip_to_end()  # type: ignore[union-attr]
    system.configure(_setup())
    with (logs / "provisioner-audit.log").open("a") as audit:
        audit.write("2026-11-29 04:01:00,001| 4| zoom-users| CREATE| guid-2| zid-2| true| \n")
        audit.write("2026-11-29 04:01:00,002| 4| zoom-users| DISABLE| guid-3| zid-3| false| 400: Admin\n")
    (logs / "provisioner-channel-summary.log").write_text(
        "cycle: 4, channel: zoom-users, created: 1, updated: 0, disabled: 0, deleted: 0, failed: 1, duration: 250 ms\n"
    )
    summary = system.next_cycle()
    assert (summary.cycle_id, summary.created, summary.failed, summary.duration) == (4, 1, 1, 0.25)
    audited = [(a.cycle_id, a.event_type, a.source_id, a.is_success, a.non_success_cause) for a in system.records.audit]
    assert audited == [(4, "CREATE", "guid-2", True, None), (4, "DISABLE", "guid-3", False, "400: Admin")]


def test_a_cycle_that_never_comes_times_out_with_what_was_last_seen(pf: Any, tmp_path: Path) -> None:
    logs = tmp_path / "log"
    logs.mkdir()
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    system = _system(tmp_path, log_dir=logs, sleep=sleep, clock=lambda: now[0], cycle_timeout=30)
    system.configure(_setup())
    (logs / "provisioner-channel-summary.log").write_text("the channel zoom-users is waiting\n")
    with pytest.raises(PingFederateError) as late:
        system.next_cycle()
    assert str(late.value) == "no provisioning cycle within 30 s; last seen: the channel zoom-users is waiting"


def test_close_deletes_what_was_made_newest_first_and_keeps_the_ledger_on_failure(pf: Any, tmp_path: Path) -> None:
    system = _system(tmp_path)
    system.configure(_setup())
    system.close()
    frequencies = [json.loads(c.request.content)["synchronizationFrequency"] for c in pf.calls
                   if c.request.method == "PUT" and c.request.url.path.endswith("/outboundProvisioning")]  # fmt: skip
    assert frequencies == [5, 60]  # shortened for the run, then PingFederate's own setting again
    deletes = [c.request.url.path for c in pf.calls if c.request.method == "DELETE"]
    assert deletes == [f"/pf-admin-api/v1/idp/spConnections/{system.connection_id}",
                       f"/pf-admin-api/v1/dataStores/{system.store_id}"]  # fmt: skip
    assert not (tmp_path / "ledger.json").exists()
    again = _system(tmp_path)
    again.configure(_setup())
    pf.route(method="DELETE").respond(500, text="busy")
    with pytest.raises(PingFederateError, match="could not delete"):
        again.close()
    assert (tmp_path / "ledger.json").exists()


def test_a_cycle_without_logs_is_counted_from_zooms_journal() -> None:
    entries = [
        {"method": "POST", "url": "https://api.zoom.us/scim2/Users", "status": 201, "request_body": "{}"},
        {"method": "PUT", "url": "https://api.zoom.us/scim2/Users/a", "status": 200, "request_body": "{}"},
        {"method": "PATCH", "url": "https://api.zoom.us/scim2/Users/b", "status": 200,
         "request_body": '{"Operations": [{"op": "replace", "value": {"active": false}}]}'},
        {"method": "PATCH", "url": "https://api.zoom.us/scim2/Users/c", "status": 400,
         "request_body": '{"Operations": [{"op": "replace", "path": "active", "value": false}]}'},
        {"method": "GET", "url": "https://api.zoom.us/scim2/Users", "status": 200, "request_body": ""},
        {"method": "POST", "url": "https://zoom.us/oauth/token", "status": 200, "request_body": ""},
    ]  # fmt: skip
    summary = journal_summary(entries, "zoom-users", 2)
    assert (summary.created, summary.updated, summary.disabled, summary.failed) == (1, 1, 1, 1)
    assert parse_audit("not an audit line") is None


def test_a_cycle_through_the_served_proxy_is_counted_from_its_journal() -> None:
    """PingFederate in front of a real Zoom (serve --upstream): what it sent through the proxy is
    the cycle's evidence. A client stands in for PingFederate; the served emulator for Zoom."""
    import httpx

    from harness.targets.emulator_control import EmulatorControl
    from harness.zoom.client import ZoomClient
    from mocks.proxy.zoom_proxy import ZoomProxy
    from mocks.serving.server import ServedEmulator

    core = "urn:ietf:params:scim:schemas:core:2.0:User"
    with ServedEmulator() as zoom:
        credentials = zoom.emulator.ready_account()
        proxy = ZoomProxy(upstream_token_url=zoom.url, upstream_api_url=zoom.url)
        with ServedEmulator(proxy) as served, httpx.Client() as http:
            control = EmulatorControl(http, served.url)
            control.inject(route="scim.users.create", status=400, times=1)
            target = Target(**{**credentials.to_dict(), "token_url": f"{served.url}/oauth/token",
                               "api_base_url": served.url})  # fmt: skip
            with ZoomClient(target) as pingfederate:
                refused = pingfederate.send("POST", "/scim2/Users", json={"schemas": [core], "userName": "r@x.org"})
                ann, _ = pingfederate.create_user({"schemas": [core], "userName": "ann@example.com"})
                pingfederate.update_user(ann["id"], {"schemas": [core], "userName": "ann@example.com", "title": "T"})
                pingfederate.set_active(ann["id"], False)
            entries = control.journal()
    assert refused.status_code == 400
    summary = journal_summary(entries, "zoom-users", 1)
    assert (summary.created, summary.updated, summary.disabled, summary.failed) == (1, 1, 1, 1)
    assert all("[REDACTED]" in e["request_headers"].get("authorization", "[REDACTED]") for e in entries)
    assert zoom.emulator.state.user_by_name(credentials.account_id, "ann@example.com").status == "inactive"


def test_run_against_an_unreachable_pingfederate_is_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PF_PASSWORD": "x"}
    command = [sys.executable, "-m", "harness.cli", "run", "--sut", "pingfederate", "--pf-admin-url",
               "https://127.0.0.1:9", "--pf-admin-user", "Administrator", "--pf-admin-password-env", "PF_PASSWORD",
               "--report-dir", str(tmp_path)]  # fmt: skip
    answer = subprocess.run(command, capture_output=True, text=True, env=env)
    assert answer.returncode == 2
    assert answer.stderr == (
        "zoom-harness run: error: cannot reach PingFederate's admin API at https://127.0.0.1:9: ConnectError\n"
    )


def test_the_report_names_pingfederates_version_and_connector(pf: Any) -> None:
    from harness.bdd.plugin import describe_pingfederate

    described = describe_pingfederate(AdminAddress(ADMIN, "Administrator", "2FederateM0re"))
    assert described == "PingFederate 12.1.0.4 (connector com.pingidentity.zoom.ZoomConnector)"

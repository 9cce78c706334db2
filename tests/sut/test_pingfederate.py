"""The PingFederate adapter's error paths and evidence against the stand-in (``harness.standin``),
which answers as PingFederate's published API document says: every user mistake ends in one line."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from harness.directory.slapd import DirectoryServer
from harness.directory.source import Directory
from harness.provisioner.channel import ActivationRefused, Channel, ProvisioningOptions
from harness.standin.server import StandIn, StandInOptions
from harness.sut import ChannelSetup
from harness.sut.pingfederate import AdminAddress, PingFederateError, PingFederateSystem
from harness.sut.pingfederate.logs import journal_summary, parse_audit
from harness.zoom.target import Target

SERVER = DirectoryServer("127.0.0.1", 3389, "cn=admin,dc=example,dc=com", "ldap-secret", "dc=example,dc=com")
DESCRIPTORS = Path(__file__).parents[2] / "harness" / "standin" / "zoom_descriptor.json"


def _setup() -> ChannelSetup:
    target = Target("acct-1", "client-1", "secret-1", "https://zoom.us/oauth/token", "https://api.zoom.us")
    return ChannelSetup(target, Channel(), ProvisioningOptions(), lambda: Directory({}))


def _system(standin: StandIn, tmp_path: Path, password: str = "pw") -> PingFederateSystem:
    admin = AdminAddress("https://pf.test:9999", "Administrator", password).client(standin.transport())
    return PingFederateSystem(admin, SERVER, "ou=people,dc=example,dc=com", ledger=tmp_path / "ledger.json")


@pytest.fixture
def standin() -> StandIn:
    return StandIn(StandInOptions(password="pw"))


def test_a_refused_activation_shows_pingfederates_message_and_field(standin: StandIn, tmp_path: Path) -> None:
    standin.configuration.check_target = lambda descriptor, settings: "Invalid client_id or client_secret"
    system = _system(standin, tmp_path)
    system.configure(_setup())
    with pytest.raises(ActivationRefused) as refused:
        system.activate()
    assert str(refused.value) == (
        "channel activation refused: PingFederate refused the configuration: Validation error(s) occurred.; "
        "outboundProvision.targetSettings: Invalid client_id or client_secret"
    )
    assert not system.channel_active
    saves = [e for e in standin.api.journal if e["method"] == "PUT" and e["path"].startswith("/idp/spConnections/")]
    assert "x-bypassexternalvalidation" not in saves[-1]["headers"]  # activating is validated, not bypassed


def test_a_wrong_admin_password_is_one_line(standin: StandIn, tmp_path: Path) -> None:
    with pytest.raises(PingFederateError) as refused:
        _system(standin, tmp_path, password="wrong")
    assert str(refused.value) == "PingFederate refused the admin login of Administrator (401)"


def test_a_forbidden_call_is_one_line_with_pingfederates_reason(tmp_path: Path) -> None:
    with respx.mock(base_url="https://pf.test:9999/pf-admin-api/v1") as router:
        router.get("/serverSettings").respond(403, json={"resultId": "forbidden", "message": "Not an Administrator."})
        with pytest.raises(PingFederateError) as refused:
            AdminAddress("https://pf.test:9999", "auditor", "x").check()
    assert str(refused.value) == "the admin auditor may not GET /serverSettings (403): Not an Administrator."


def test_a_missing_connector_names_the_jar(tmp_path: Path) -> None:
    only_slack = tmp_path / "descriptors.json"
    document = json.loads(DESCRIPTORS.read_text())
    only_slack.write_text(json.dumps({"items": document["items"][:1]}))
    standin = StandIn(StandInOptions(password="pw", descriptor=only_slack))
    with pytest.raises(PingFederateError, match=r"^the Zoom Provisioner is not deployed in PingFederate.*deploy/"):
        _system(standin, tmp_path)


def test_an_unreachable_admin_api_is_one_line() -> None:
    with pytest.raises(PingFederateError) as refused:
        AdminAddress("https://127.0.0.1:9", "Administrator", "x").check()
    assert str(refused.value) == "cannot reach PingFederate's admin API at https://127.0.0.1:9: ConnectError"


def test_a_cycle_that_never_comes_times_out_naming_the_channel(standin: StandIn, tmp_path: Path) -> None:
    standin = StandIn(StandInOptions(password="pw", log_dir=tmp_path / "log"))  # 12.2: waits for its summary
    admin = AdminAddress("https://pf.test:9999", "Administrator", "pw").client(standin.transport())
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    system = PingFederateSystem(admin, SERVER, "dc=example,dc=com", log_dir=tmp_path / "log", sleep=sleep,
                                clock=lambda: now[0], cycle_timeout=30, run_id="r9")  # fmt: skip
    system.configure(_setup())
    with pytest.raises(PingFederateError) as late:
        system.next_cycle()
    assert str(late.value) == "no provisioning cycle of the channel zoom-users-r9 within 30 s"
    assert (
        standin.configuration.connections[system.connection_id]["outboundProvision"]["channels"][0]["active"] is False
    )


def test_a_failed_cleanup_keeps_the_ledger_and_says_what_is_left(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    assert json.loads((tmp_path / "ledger.json").read_text())["created"] == [
        f"/dataStores/{system.store_id}", f"/idp/spConnections/{system.connection_id}"]  # fmt: skip
    (tmp_path / "o").mkdir()
    other = _system(standin, tmp_path / "o")
    other.configure(_setup())
    # Another connection uses this run's data store: PingFederate keeps it ("only unused data stores").
    stored = standin.configuration.connections[other.connection_id]
    stored["outboundProvision"]["channels"][0]["channelSource"]["dataSource"]["id"] = system.store_id
    with pytest.raises(PingFederateError) as left:
        system.close()
    assert str(left.value).startswith(f"could not delete /dataStores/{system.store_id}: PingFederate refused")
    assert "Resource is in use and cannot be deleted." in str(left.value)
    assert (tmp_path / "ledger.json").exists()
    assert list(standin.configuration.connections) == [other.connection_id]


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
    assert parse_audit("not an audit line", "zoom-users") is None


def test_a_cycle_through_the_served_proxy_is_counted_from_its_journal() -> None:
    """PingFederate in front of a real Zoom (serve --upstream): what it sent through the proxy is
    the cycle's evidence. A client stands in for PingFederate; the served emulator for Zoom."""

    from harness.targets.emulator_control import EmulatorControl
    from harness.zoom.client import ZoomClient
    from mocks.proxy.zoom_proxy import ZoomProxy
    from mocks.serving.server import ServedEmulator

    core = "urn:ietf:params:scim:schemas:core:2.0:User"
    with ServedEmulator() as zoom:
        credentials = zoom.emulator.ready_account()
        proxy = ZoomProxy(upstream_token_url=zoom.url, upstream_api_url=zoom.url)
        with ServedEmulator(proxy) as served, httpx.Client() as http:
            control = EmulatorControl(http, served.url, served.control_token)
            control.inject(route="scim.users.create", status=400, times=1)
            target = Target(**{**credentials.to_dict(), "token_url": f"{served.url}/oauth/token",
                               "api_base_url": served.url})  # fmt: skip
            with ZoomClient(target) as pingfederate:
                refused = pingfederate.send("POST", "/scim2/Users", json={"schemas": [core], "userName": "r@x.org"})
                ann = pingfederate.create_user({"schemas": [core], "userName": "ann@example.com"})
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


def test_the_report_names_pingfederates_version_and_connector() -> None:
    from harness.bdd.pingfederate import describe

    with StandIn(StandInOptions(version="12.1", password="pw")) as served:
        described = describe(AdminAddress(served.url, "Administrator", "pw"))
    assert described == "PingFederate 12.1.0.4 (connector com.pingidentity.provisioner.saas.zoom.ZoomProvisioner)"

"""The stand-in provisions as PingFederate does, end to end: served on loopback, its provisioner reads
a real slapd and writes to the served emulator on its own schedule, and leaves PingFederate's log
files (the channel summary only when it plays 12.2). A plain HTTP client stands in for the adapter:
what is proved here is the stand-in, from the document's and the descriptor's side."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.directory.ldap import LdapAddress, LdapPeople
from harness.directory.slapd import DirectoryServer
from harness.standin.provisioning import ZoomEndpoints
from harness.standin.server import StandIn, StandInOptions
from mocks.serving.server import ServedEmulator
from tests.polling import wait_for

_ROOTS = itertools.count()
BYPASS = {"X-BypassExternalValidation": "true"}


@pytest.fixture
def zoom() -> Iterator[ServedEmulator]:
    with ServedEmulator() as served:
        yield served


def _connection(slapd: DirectoryServer, root: str, credentials: Any, active: bool) -> dict[str, Any]:
    settings = {"accountId": credentials.account_id, "clientId": credentials.client_id,
                "clientSecret": credentials.client_secret, "provisionCreate": "true", "provisionUpdate": "true",
                "provisionDisable": "true", "deprovisionMethod": "DELETE"}  # fmt: skip
    mapping = [("userName", ["workEmail", "mail"]), ("email", ["mail"]), ("title", ["title"])]
    return {"type": "SP", "id": "zoom", "name": "Zoom", "entityId": "zoom.us", "active": True, "outboundProvision": {
        "type": "com.pingidentity.provisioner.saas.zoom.ZoomProvisioner",
        "targetSettings": [{"name": k, "value": v} for k, v in settings.items()],
        "channels": [{"name": "people", "active": active, "maxThreads": 2, "timeout": 60, "channelSource": {
            "dataSource": {"id": "dir"}, "baseDn": root, "guidAttributeName": "entryUUID", "guidBinary": False,
            "changeDetectionSettings": {"userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                                        "changedUsersAlgorithm": "TIMESTAMP",
                                        "timeStampAttributeName": "modifyTimestamp"},
            "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
            "accountManagementSettings": {"accountStatusAttributeName": "nsAccountLock",
                                          "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                                          "flagComparisonValue": "true", "flagComparisonStatus": True,
                                          "defaultStatus": True},
            "userSourceLocation": {"filter": "(objectClass=inetOrgPerson)"}},
            "attributeMapping": [
                {"fieldName": code, "saasFieldInfo": {"attributeNames": names, **(
                    {"expression": '#this.get("workEmail") != null ? #this.get("workEmail") : #this.get("mail")'}
                    if len(names) > 1 else {})}} for code, names in mapping]}],
    }}  # fmt: skip


@pytest.mark.parametrize("version", ["12.1", "12.2"])
def test_an_active_channel_provisions_on_its_schedule_and_logs_as_pingfederate(
    slapd: DirectoryServer, zoom: ServedEmulator, tmp_path: Path, version: str
) -> None:
    credentials = zoom.emulator.ready_account()
    address = LdapAddress(slapd.url, slapd.bind_dn, slapd.password)
    people = LdapPeople(address, root_dn=f"ou=pf{next(_ROOTS)},{slapd.suffix}", domain="example.com", seed=3)
    people.add_person("ann", title="Engineer", workEmail="ann.work@example.com")
    people.add_person("bob", title="Analyst")
    logs = tmp_path / "log"
    options = StandInOptions(version=version, zoom=ZoomEndpoints(f"{zoom.url}/oauth/token", zoom.url), log_dir=logs,
                             password="pw")  # fmt: skip
    with StandIn(options) as standin, httpx.Client(base_url=f"{standin.url}/pf-admin-api/v1",
                                                   auth=("Administrator", "pw"),
                                                   headers={"X-XSRF-Header": "PingFederate"}) as admin:  # fmt: skip
        store = {"type": "LDAP", "id": "dir", "name": "dir", "ldapType": "GENERIC", "userDN": slapd.bind_dn,
                 "hostnames": [f"{slapd.host}:{slapd.port}"], "password": slapd.password}  # fmt: skip
        assert admin.post("/dataStores", json=store).status_code == 201  # validated: the stand-in binds to it
        pace = {"dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": 1}
        assert admin.put("/serverSettings/outboundProvisioning", json=pace).status_code == 200
        saved = admin.post("/idp/spConnections", json=_connection(slapd, people.root_dn, credentials, active=True))
        assert saved.status_code == 201, saved.text  # validated: Zoom accepted the app's credentials
        state = zoom.emulator.state

        def names() -> set[str]:
            return {u.user_name for u in state.users(credentials.account_id).values()}

        # Username from workEmail, else mail: the expression's order.
        wait_for(lambda: {"ann.work@example.com", "bob@example.com"} <= names())
        bob = state.user_by_name(credentials.account_id, "bob@example.com")
        assert bob is not None and bob.title == "Analyst"
        people.delete("bob")  # Remove User Action: DELETE (the descriptor's option value)
        wait_for(lambda: state.user_by_name(credentials.account_id, "bob@example.com") is None)
        off = _connection(slapd, people.root_dn, credentials, active=False)
        off["active"] = False
        assert admin.put("/idp/spConnections/zoom", json=off, headers=BYPASS).status_code == 200
        assert admin.delete("/idp/spConnections/zoom").status_code == 204
        assert admin.delete("/dataStores/dir").status_code == 204
    audit = (logs / "provisioner-audit.log").read_text()
    assert "| CREATE| " in audit and "| DELETE| " in audit and "| people| " in audit
    log = (logs / "provisioner.log").read_text()
    assert " INFO  [ZoomProvisioner] channel: Provisioning cycle started  people" in log
    assert (logs / "provisioner-channel-summary.log").exists() is (version == "12.2")
    assert all(e["violations"] == [] for e in standin.api.journal)

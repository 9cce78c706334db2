"""The stand-in holds to PingFederate's published Administrative API document: each test quotes the
rule it proves (``harness/standin/pingfederate-admin-api-12.1.0.4.openapi.yaml``; the prose rules are
summarised in shared/reference/pingfederate-admin-api.md). Written from the document, before the
adapter changed: nothing here uses the adapter."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from harness.errors import HarnessError
from harness.standin.document import DOCUMENT, PATCHES, AdminApiDocument
from harness.standin.server import StandIn, StandInOptions

ZOOM = "com.pingidentity.provisioner.saas.zoom.ZoomProvisioner"
BYPASS = {"X-BypassExternalValidation": "true"}


@pytest.fixture
def standin() -> StandIn:
    return StandIn(StandInOptions(password="pw"))


@pytest.fixture
def admin(standin: StandIn) -> Iterator[httpx.Client]:
    with httpx.Client(transport=standin.transport(), base_url="https://pf/pf-admin-api/v1",
                      auth=("Administrator", "pw"), headers={"X-XSRF-Header": "PingFederate"}) as client:  # fmt: skip
        yield client


def _store(name: str = "directory", **extra: Any) -> dict[str, Any]:
    return {"type": "LDAP", "ldapType": "GENERIC", "hostnames": ["127.0.0.1:3389"], "userDN": "cn=admin",
            "password": "s3cret", "name": name, **extra}  # fmt: skip


def _connection(store_id: str, *, active: bool = True, **extra: Any) -> dict[str, Any]:
    source = {"dataSource": {"id": store_id}, "baseDn": "dc=example,dc=com", "guidAttributeName": "entryUUID",
              "guidBinary": False, "changeDetectionSettings": {
                  "userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                  "changedUsersAlgorithm": "TIMESTAMP", "timeStampAttributeName": "modifyTimestamp"},
              "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
              "accountManagementSettings": {"accountStatusAttributeName": "nsAccountLock",
                                            "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG"},
              "userSourceLocation": {"filter": "(objectClass=inetOrgPerson)"}}  # fmt: skip
    settings = {"accountId": "a", "clientId": "c", "clientSecret": "s", "deprovisionMethod": "DISABLE"}
    return {"type": "SP", "id": "c1", "name": "Zoom", "entityId": "zoom", "active": active, "outboundProvision": {
        "type": ZOOM, "targetSettings": [{"name": k, "value": v} for k, v in settings.items()],
        "channels": [{"name": "ch", "active": False, "maxThreads": 1, "timeout": 60, "channelSource": source,
                      "attributeMapping": [{"fieldName": "userName", "saasFieldInfo": {"attributeNames": ["mail"]}}]}],
    }, **extra}  # fmt: skip


def _errors(answer: httpx.Response) -> list[tuple[str | None, str]]:
    body = answer.json()
    assert set(body) <= {"resultId", "message", "developerMessage", "validationErrors"}, body  # an ApiResult
    return [(e.get("fieldPath"), e["message"]) for e in body.get("validationErrors", [])]


def test_only_inactive_connections_can_be_deleted(admin: httpx.Client) -> None:
    """DELETE /idp/spConnections/{id}: "Note: Only inactive connections can be deleted.\""""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()["id"]
    assert admin.post("/idp/spConnections", json=_connection(store), headers=BYPASS).status_code == 201
    refused = admin.delete("/idp/spConnections/c1")
    assert refused.status_code == 422 and refused.json()["message"] == "Resource is in use and cannot be deleted."
    assert admin.put("/idp/spConnections/c1", json=_connection(store, active=False), headers=BYPASS).status_code == 200
    assert admin.delete("/idp/spConnections/c1").status_code == 204
    assert admin.get("/idp/spConnections/c1").status_code == 404


def test_only_unused_data_stores_can_be_deleted(admin: httpx.Client) -> None:
    """DELETE /dataStores/{id}: "Note: Only unused data stores can be deleted.\""""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()["id"]
    admin.post("/idp/spConnections", json=_connection(store, active=False), headers=BYPASS)
    refused = admin.delete(f"/dataStores/{store}")
    assert refused.status_code == 422 and refused.json()["message"] == "Resource is in use and cannot be deleted."
    assert _errors(refused) == [(None, "The data store is used by the connection(s) c1.")]
    admin.delete("/idp/spConnections/c1")
    assert admin.delete(f"/dataStores/{store}").status_code == 204


def test_a_data_store_name_is_unique_across_all_data_sources(admin: httpx.Client) -> None:
    """LdapDataStore.name: "The data store name with a unique value across all data sources. Omitting
    this attribute will set the value to a combination of the hostname(s) and the principal.\""""
    first = admin.post("/dataStores", json=_store("shared"), headers=BYPASS)
    assert first.status_code == 201
    second = admin.post("/dataStores", json=_store("shared"), headers=BYPASS)
    assert second.status_code == 422
    assert _errors(second) == [("name", f"The name 'shared' is already used by the data store {first.json()['id']}.")]
    unnamed = {k: v for k, v in _store().items() if k != "name"}
    assert admin.post("/dataStores", json=unnamed, headers=BYPASS).json()["name"] == "127.0.0.1:3389 (cn=admin)"


def test_a_data_store_reads_back_its_password_only_encrypted(admin: httpx.Client) -> None:
    """LdapDataStore: "password" is written; "encryptedPassword" is what a GET gives."""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()
    read = admin.get(f"/dataStores/{store['id']}").json()
    assert "password" not in read and read["encryptedPassword"] and "s3cret" not in json.dumps(read)


def test_the_provisioning_database_needs_its_data_store_ref(admin: httpx.Client) -> None:
    """OutboundProvisionDatabase: required [dataStoreRef]; its PUT body is declared */*."""
    missing = admin.put("/serverSettings/outboundProvisioning", json={"synchronizationFrequency": 5})
    assert missing.status_code == 422 and _errors(missing) == [
        ("dataStoreRef", "'dataStoreRef' is a required property")
    ]
    wrong = admin.put("/serverSettings/outboundProvisioning",
                      json={"dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": "often"})  # fmt: skip
    assert wrong.status_code == 400 and _errors(wrong) == [
        ("synchronizationFrequency", "'often' is not of type 'integer'")
    ]
    good = admin.put("/serverSettings/outboundProvisioning",
                     json={"dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": 0})  # fmt: skip
    assert good.status_code == 200 and good.json()["synchronizationFrequency"] == 0  # the document's example: 0


def test_no_provisioning_database_reads_without_its_data_store_ref() -> None:
    """ "Where the GET gives no dataStoreRef, no provisioning database is configured.\""""
    standin = StandIn(StandInOptions(password="pw", provisioning_database=False))
    with httpx.Client(transport=standin.transport(), auth=("Administrator", "pw"),
                      headers={"X-XSRF-Header": "PingFederate"}) as admin:  # fmt: skip
        answer = admin.get("https://pf/pf-admin-api/v1/serverSettings/outboundProvisioning")
    assert answer.status_code == 200 and "dataStoreRef" not in answer.json()


def test_the_bypass_header_is_accepted_only_where_declared(admin: httpx.Client) -> None:
    """X-BypassExternalValidation is a parameter of POST /dataStores and POST/PUT of data stores and
    SP connections, of no other operation."""
    assert admin.post("/dataStores", json=_store(), headers=BYPASS).status_code == 201
    refused = admin.put("/serverSettings/outboundProvisioning", headers=BYPASS,
                        json={"dataStoreRef": {"id": "ProvisionerDS"}, "synchronizationFrequency": 5})  # fmt: skip
    assert refused.status_code == 400
    assert _errors(refused) == [("X-BypassExternalValidation", "This operation has no such header.")]


def test_a_misspelled_field_is_refused_naming_its_path(admin: httpx.Client) -> None:
    """[I] PingFederate refuses an unknown property with a 422 naming it (its strictness is inferred:
    the schemas do not forbid additional properties)."""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()["id"]
    body = _connection(store)
    body["outboundProvision"]["channels"][0]["channelSource"]["userSourceLocation"]["fitler"] = "(uid=*)"
    refused = admin.post("/idp/spConnections", json=body, headers=BYPASS)
    assert refused.status_code == 422
    assert _errors(refused) == [("outboundProvision.channels[0].channelSource.userSourceLocation.fitler",
                                 "Unrecognized property 'fitler'.")]  # fmt: skip


def test_required_fields_and_enums_are_enforced_by_the_document(admin: httpx.Client) -> None:
    """Channel: required [active, attributeMapping, channelSource, maxThreads, name, timeout];
    SaasFieldConfiguration.characterCase: LOWER | UPPER | NONE."""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()["id"]
    body = _connection(store)
    del body["outboundProvision"]["channels"][0]["maxThreads"]
    body["outboundProvision"]["channels"][0]["attributeMapping"][0]["saasFieldInfo"]["characterCase"] = "TITLE"
    refused = admin.post("/idp/spConnections", json=body, headers=BYPASS)
    assert refused.status_code == 422
    assert set(_errors(refused)) == {
        ("outboundProvision.channels[0].maxThreads", "'maxThreads' is a required property"),
        ("outboundProvision.channels[0].attributeMapping[0].saasFieldInfo.characterCase",
         "'TITLE' is not one of ['LOWER', 'UPPER', 'NONE']"),
    }  # fmt: skip


def test_a_select_field_takes_one_of_its_option_values(admin: httpx.Client) -> None:
    """SelectFieldDescriptor.optionValues: "The list of option values for this selection field.\""""
    store = admin.post("/dataStores", json=_store(), headers=BYPASS).json()["id"]
    body = _connection(store)
    body["outboundProvision"]["targetSettings"][3]["value"] = "Disable"  # the label, not the value
    refused = admin.post("/idp/spConnections", json=body, headers=BYPASS)
    assert _errors(refused) == [("outboundProvision.targetSettings[3].value", "'Disable' is not an option of 'Remove "
                                 "User Action': expected one of DISABLE, DELETE.")]  # fmt: skip


def test_http_basic_and_the_xsrf_header_are_required(standin: StandIn) -> None:
    """ "Every request carries X-XSRF-Header: PingFederate"; security: HTTP Basic (among the schemes)."""
    with httpx.Client(transport=standin.transport(), base_url="https://pf/pf-admin-api/v1") as anonymous:
        assert anonymous.get("/version", headers={"X-XSRF-Header": "PingFederate"}).status_code == 401
        wrong = base64.b64encode(b"Administrator:nope").decode()
        assert anonymous.get("/version", headers={"Authorization": f"Basic {wrong}",
                                                  "X-XSRF-Header": "PingFederate"}).status_code == 401  # fmt: skip
        assert anonymous.get("/version", auth=("Administrator", "pw")).status_code == 403


def test_unknown_ids_are_404_apiresults(admin: httpx.Client) -> None:
    """ "A 404 status code is returned for nonexistent IDs.\""""
    for path in ("/dataStores/nope", "/idp/spConnections/nope", "/idp/connectors/descriptors/nope"):
        answer = admin.get(path)
        assert answer.status_code == 404 and answer.json() == {"resultId": "resource_not_found",
                                                               "message": "Resource 'nope' not found."}  # fmt: skip


@pytest.mark.parametrize(("version", "answer"), [("12.1", "12.1.0.4"), ("12.2", "12.2.0.1")])
def test_the_version_is_the_one_the_stand_in_plays(version: str, answer: str) -> None:
    standin = StandIn(StandInOptions(version=version, password="pw"))
    with httpx.Client(transport=standin.transport(), auth=("Administrator", "pw"),
                      headers={"X-XSRF-Header": "PingFederate"}) as admin:  # fmt: skip
        assert admin.get("https://pf/pf-admin-api/v1/version").json() == {"version": answer}


def test_an_unknown_version_is_one_line() -> None:
    with pytest.raises(HarnessError, match=r"^the stand-in plays PingFederate 12\.1 or 12\.2, not 11\.3$"):
        StandIn(StandInOptions(version="11.3"))


def test_every_answer_is_checked_against_the_document() -> None:
    document = AdminApiDocument.load()
    assert document.check_response("GET", "/version", 200, b'{"version": "12.1.0.4"}', "application/json") == []
    broken = document.check_response("GET", "/version", 200, b'{"version": 12}', "application/json")
    assert [(v.field_path, v.message) for v in broken] == [("version", "12 is not of type 'string'")]
    assert document.check_response("DELETE", "/dataStores/x", 204, b"", "") == []


def test_the_journal_keeps_every_call_without_its_secrets(admin: httpx.Client, standin: StandIn) -> None:
    admin.post("/dataStores", json=_store(), headers=BYPASS)
    (entry,) = [e for e in standin.api.journal if e["method"] == "POST"]
    assert entry["body"]["password"] == "<redacted>" and "s3cret" not in json.dumps(standin.api.journal)
    assert entry["violations"] == [] and entry["status"] == 201


def test_the_document_loads_only_with_its_listed_patches() -> None:
    """Each patch is needed: the published document fails the OpenAPI 3.0 spec validator, the patched
    one passes (patches listed in docs/pingfederate.md)."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    published = yaml.load(DOCUMENT.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    with pytest.raises(OpenAPIValidationError):
        validate(copy.deepcopy(published))
    patched = copy.deepcopy(published)
    for _, patch in PATCHES:
        patch(patched)
    validate(patched)
    assert len(PATCHES) == 3

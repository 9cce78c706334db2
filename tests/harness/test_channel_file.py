"""Channel files in PingFederate's shape: a complete one configures the channel field by field, the
harness's mapping shorthand converts to one, and a file PingFederate would refuse is refused with
one line naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.provisioner.channel_file import ChannelFile, channel_document
from harness.provisioner.mapping import FieldMapping
from harness.provisioner.mapping_file import mapping_from_document

FILE: dict[str, Any] = {
    "dataStore": {"type": "LDAP", "ldapType": "GENERIC", "hostnames": ["127.0.0.1:3389"],
                  "userDN": "cn=admin,dc=example,dc=com", "passwordFromEnv": "TEST_LDAP_PASSWORD"},
    "outboundProvision": {
        "type": "zoom-connector",
        "targetSettings": [
            {"name": "Account ID", "value": "acct-1"}, {"name": "Client ID", "value": "client-1"},
            {"name": "User Create", "value": "false"}, {"name": "User Update", "value": "true"},
            {"name": "User Disable/Delete", "value": "true"}, {"name": "Remove User Action", "value": "Delete"},
        ],
        "channels": [{
            "name": "staff", "active": False, "maxThreads": 4, "timeout": 30,
            "channelSource": {
                "dataSource": {"id": "ds1"}, "baseDn": "ou=people,dc=example,dc=com",
                "guidAttributeName": "nsUniqueId", "guidBinary": False,
                "changeDetectionSettings": {"userObjectClass": "person", "groupObjectClass": "groupOfNames",
                                            "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION",
                                            "timeStampAttributeName": "modifyTimestamp"},
                "groupMembershipDetection": {"groupMemberAttributeName": "member"},
                "accountManagementSettings": {"accountStatusAttributeName": "userAccountControl",
                                              "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_AD",
                                              "defaultStatus": False},
                "userSourceLocation": {"groupDN": "cn=zoom,ou=groups,dc=example,dc=com", "nestedSearch": True},
            },
            "attributeMapping": [
                {"fieldName": "Username", "saasFieldInfo": {"attributeNames": ["mail"]}},
                {"fieldName": "Title", "saasFieldInfo": {"attributeNames": ["title"], "createOnly": True,
                                                         "trim": True, "characterCase": "UPPER"}},
                {"fieldName": "Organization", "saasFieldInfo": {"attributeNames": ["manager"],
                                                                "parser": "EXTRACT_CN_FROM_DN", "masked": True}},
                {"fieldName": "User Type", "saasFieldInfo": {"attributeNames": [], "defaultValue": "Licensed"}},
            ],
        }],
    },
}  # fmt: skip


def test_a_complete_file_configures_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_LDAP_PASSWORD", "s3cret")
    loaded = ChannelFile.from_document(copy.deepcopy(FILE), "c.yaml")
    assert loaded.connector_type == "zoom-connector"
    assert loaded.credentials == {"account_id": "acct-1", "client_id": "client-1"}
    options = loaded.options
    assert (options.create, options.update, options.remove, options.remove_action) == (False, True, True, "delete")
    channel = loaded.channel
    assert (channel.name, channel.active, channel.max_threads, channel.timeout) == ("staff", False, 4, 30)
    assert channel.location.group_dn == "cn=zoom,ou=groups,dc=example,dc=com"
    assert channel.location.base_dn == "ou=people,dc=example,dc=com"
    status = channel.status
    assert (status.attribute, status.algorithm, status.default_enabled) == ("userAccountControl", "ad", False)
    source = loaded.source
    assert (source.guid_attribute, source.user_object_class, source.group_object_class) == (
        "nsUniqueId", "person", "groupOfNames")  # fmt: skip
    assert (source.changed_users_algorithm, source.group_member_attribute, source.nested_search) == (
        "TIMESTAMP_NO_NEGATION", "member", True)  # fmt: skip
    assert channel.mapping.fields == {
        "Username": FieldMapping(("mail",)),
        "Title": FieldMapping(("title",), create_only=True, trim=True, case="upper"),
        "Organization": FieldMapping(("manager",), parser="cn_from_dn", masked=True),
        "User Type": FieldMapping((), default="Licensed"),
    }
    assert loaded.data_store is not None
    assert (loaded.data_store.url, loaded.data_store.bind_dn) == ("ldap://127.0.0.1:3389", "cn=admin,dc=example,dc=com")
    assert loaded.data_store.password == "s3cret" and "s3cret" not in repr(loaded.data_store)


def test_the_mapping_shorthand_converts_to_a_channel_file_and_back() -> None:
    mapping = mapping_from_document({
        "Username": "mail", "Given Name": {"attribute": "givenName", "trim": True},
        "Department": {"attributes": ["departmentNumber", "ou"], "case": "lower", "masked": True},
        "Organization": {"attribute": "mail", "parser": "username_from_email"}, "User Type": {"default": "Basic"},
    })  # fmt: skip
    loaded = ChannelFile.from_document(channel_document(mapping, base_dn="dc=example,dc=com"))
    assert loaded.channel.mapping == mapping
    assert loaded.options.remove_action == "disable" and loaded.source.changed_users_algorithm == "TIMESTAMP"
    assert loaded.credentials == {"account_id": "<from the app's App credentials tab>",
                                  "client_id": "<from the app's App credentials tab>"}  # fmt: skip


def _broken(path: str, value: Any) -> dict[str, Any]:
    """FILE with the value at a dotted path replaced (``None`` removes the key)."""
    document = copy.deepcopy(FILE)
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is None:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return document


CHANNEL = "c.yaml.outboundProvision.channels[0]"
REFUSALS = [
    ("outboundProvision.type", None, "c.yaml.outboundProvision.type is required"),
    ("outboundProvision.channels.0.timeout", None, f"{CHANNEL}.timeout is required"),
    ("outboundProvision.channels.0.maxThreads", 0, f"{CHANNEL}.maxThreads must be a whole number of at least 1"),
    ("outboundProvision.channels.0.active", "yes", f"{CHANNEL}.active must be true or false"),
    ("outboundProvision.channels.0.channelSource.guidAttributeName", None,
     f"{CHANNEL}.channelSource.guidAttributeName is required"),
    ("outboundProvision.channels.0.channelSource.changeDetectionSettings.changedUsersAlgorithm", "DAILY",
     f"{CHANNEL}.channelSource.changeDetectionSettings.changedUsersAlgorithm is 'DAILY'; expected one of "
     "TIMESTAMP, TIMESTAMP_NO_NEGATION, ACTIVE_DIRECTORY_USN"),
    ("outboundProvision.channels.0.channelSource.changeDetectionSettings.changedUsersAlgorithm",
     "ACTIVE_DIRECTORY_USN", f"{CHANNEL}.channelSource.changeDetectionSettings.changedUsersAlgorithm "
     "ACTIVE_DIRECTORY_USN needs Active Directory; use TIMESTAMP or TIMESTAMP_NO_NEGATION"),
    ("outboundProvision.channels.0.channelSource.accountManagementSettings.accountStatusAlgorithm", "FLAG",
     f"{CHANNEL}.channelSource.accountManagementSettings.accountStatusAlgorithm is 'FLAG'; expected one of "
     "ACCOUNT_STATUS_ALGORITHM_FLAG, ACCOUNT_STATUS_ALGORITHM_AD"),
    ("outboundProvision.channels.0.attributeMapping.1.saasFieldInfo.characterCase", "TITLE",
     f"{CHANNEL}.attributeMapping[1].saasFieldInfo.characterCase is 'TITLE'; expected one of NONE, UPPER, LOWER"),
    ("outboundProvision.channels.0.attributeMapping.0.fieldName", "Nickname",
     f"{CHANNEL}.attributeMapping[0].fieldName is 'Nickname'; expected one of Username, Email, Department, "
     "Family Name, Given Name, Locale, Organization, Phone, Roles, Title, User Type"),
    ("outboundProvision.channels.0.attributeMapping.0", {"fieldName": "Email", "saasFieldInfo": {"attributeNames":
     ["mail"]}}, f"{CHANNEL}.attributeMapping: Username must be mapped (it is the only required field)"),
    ("outboundProvision.targetSettings.5.value", "Archive",
     "c.yaml.outboundProvision.targetSettings: Remove User Action is 'Archive'; expected one of Disable, Delete"),
    ("outboundProvision.targetSettings.0.name", "Tenant", "c.yaml.outboundProvision.targetSettings[0].name is "
     "'Tenant'; expected one of Account ID, Client ID, Client Secret, User Create, User Update, User Disable / "
     "Delete, Remove User Action"),
    ("dataStore.hostnames", [], "c.yaml.dataStore.hostnames must list host:port"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "message"), REFUSALS, ids=[r[0].rsplit(".", 1)[-1] for r in REFUSALS])
def test_a_file_pingfederate_would_refuse_is_refused_naming_the_field(
    path: str, value: Any, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_LDAP_PASSWORD", "s3cret")
    with pytest.raises(HarnessError) as refused:
        ChannelFile.from_document(_broken(path, value), "c.yaml")
    assert str(refused.value) == message


def test_a_group_dn_and_a_filter_together_keep_both(monkeypatch: pytest.MonkeyPatch) -> None:
    """ChannelSourceLocation: "a DN and a LDAP filter": the group's members that match the filter."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", "s3cret")
    document = _broken("outboundProvision.channels.0.channelSource.userSourceLocation.filter", "(ou=x)")
    location = ChannelFile.from_document(document, "c.yaml").channel.location
    assert (location.group_dn is not None, location.filter) == (True, "(ou=x)")


def test_a_password_variable_that_is_not_set_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_LDAP_PASSWORD", raising=False)
    with pytest.raises(
        HarnessError, match=r"^c.yaml.dataStore.passwordFromEnv: the variable TEST_LDAP_PASSWORD is not set$"
    ):
        ChannelFile.from_document(copy.deepcopy(FILE), "c.yaml")

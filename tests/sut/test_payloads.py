"""What the adapter stores in PingFederate, field by field, against what the harness's directory and
the steps need (pingfederate-admin-api.md: LdapDataStore, ChannelSource, SaasFieldInfo, Channel)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from harness.directory.ldap import SourceSettings
from harness.directory.slapd import DirectoryServer
from harness.directory.source import Directory
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.sut import ChannelSetup
from harness.sut.pingfederate.connector import ZoomConnector
from harness.sut.pingfederate.payloads import attribute_mapping, channel_source, data_store, first_of, sp_connection
from harness.zoom.target import Target

SERVER = DirectoryServer("127.0.0.1", 3389, "cn=admin,dc=example,dc=com", "ldap-secret", "dc=example,dc=com")
DESCRIPTORS = json.loads((Path(__file__).parents[2] / "harness" / "standin" / "zoom_descriptor.json").read_text())
CONNECTOR = ZoomConnector.of(next(d for d in DESCRIPTORS["items"] if "zoom" in d["id"].lower()))
TARGET = Target("acct-1", "client-1", "secret-1", "https://zoom.us/oauth/token", "https://api.zoom.us")


def _setup(channel: Channel | None = None, settings: SourceSettings | None = None) -> ChannelSetup:
    return ChannelSetup(TARGET, channel or Channel(), ProvisioningOptions(), lambda: Directory({}), settings)


def test_the_data_store_binds_with_the_directorys_own_dn_over_plain_ldap_on_loopback() -> None:
    """The harness's slapd listens on loopback without TLS and refuses anonymous reads of people."""
    assert data_store(SERVER, "zhds1", "zoom-harness zhds1") == {
        "type": "LDAP", "id": "zhds1", "name": "zoom-harness zhds1", "ldapType": "GENERIC",
        "hostnames": ["127.0.0.1:3389"], "userDN": "cn=admin,dc=example,dc=com", "password": "ldap-secret",
        "bindAnonymously": False, "useSsl": False, "useStartTLS": False,
    }  # fmt: skip


def test_the_source_reads_the_scenarios_base_dn_and_a_textual_guid() -> None:
    """OpenLDAP's entryUUID is text, not the binary objectGUID of Active Directory."""
    plain = channel_source(_setup(), "zhds1", "ou=run,dc=example,dc=com")
    assert (plain["baseDn"], plain["guidBinary"], plain["guidAttributeName"]) == (
        "ou=run,dc=example,dc=com", False, "entryUUID")  # fmt: skip
    own = channel_source(_setup(settings=SourceSettings(base_dn="ou=own,dc=example,dc=com")), "zhds1", "ou=run")
    assert own["baseDn"] == "ou=own,dc=example,dc=com"  # the channel's own Source Settings win


def test_several_attributes_read_the_first_with_a_value_and_one_is_read_as_it_is() -> None:
    assert first_of(("a", "b", "c")) == ('#this.get("a") != null ? #this.get("a") : #this.get("b") != null ? '
                                         '#this.get("b") : #this.get("c")')  # fmt: skip
    fields = {"Given Name": FieldMapping(("givenName",)), "Family Name": FieldMapping(("sn", "surname", "cn"),
                                                                                     default="Unknown")}  # fmt: skip
    stored = attribute_mapping(_setup(replace(Channel(), mapping=Mapping(fields))), CONNECTOR)
    first, last = (entry["saasFieldInfo"] for entry in stored)
    assert "expression" not in first and first["attributeNames"] == ["givenName"] and first["defaultValue"] == ""
    assert last["expression"] == first_of(("sn", "surname", "cn")) and last["defaultValue"] == "Unknown"


def test_a_timeout_under_a_second_is_stored_as_one_whole_second() -> None:
    """PingFederate's channel timeout is whole seconds, at least one."""
    for timeout, stored in ((0.4, 1), (1.0, 1), (1.6, 2), (60.0, 60)):
        connection = sp_connection(_setup(replace(Channel(), timeout=timeout)), CONNECTOR, connection_id="zhc1",
                                   store_id="zhds1", base_dn="ou=run", channel_name="c", active=False)  # fmt: skip
        assert connection["outboundProvision"]["channels"][0]["timeout"] == stored, timeout

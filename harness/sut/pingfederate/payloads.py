"""What the adapter sends: the LDAP data store for the harness's directory, and the SP connection
whose ``outboundProvision`` is the channel the steps configured (schemas of the 12.1 document)."""

from __future__ import annotations

from typing import Any

from harness.directory.ldap import SourceSettings
from harness.directory.slapd import DirectoryServer
from harness.sut import ChannelSetup
from harness.sut.pingfederate.connector import REMOVE_ACTIONS, ZoomConnector

CASES = {"none": "NONE", "upper": "UPPER", "lower": "LOWER"}
PARSERS = {"none": "NONE", "cn_from_dn": "EXTRACT_CN_FROM_DN", "username_from_email": "EXTRACT_USERNAME_FROM_EMAIL"}
STATUS_ALGORITHMS = {"ad": "ACCOUNT_STATUS_ALGORITHM_AD", "flag": "ACCOUNT_STATUS_ALGORITHM_FLAG"}


def data_store(server: DirectoryServer, store_id: str, name: str) -> dict[str, Any]:
    return {
        "type": "LDAP", "id": store_id, "name": name, "ldapType": "GENERIC",
        "hostnames": [f"{server.host}:{server.port}"], "userDN": server.bind_dn, "password": server.password,
        "bindAnonymously": False, "useSsl": False, "useStartTLS": False,
    }  # fmt: skip


def first_of(attributes: tuple[str, ...]) -> str:
    """The OGNL expression for the harness's reading of several attributes: the first with a value."""
    expression = f'#this.get("{attributes[-1]}")'
    for attribute in reversed(attributes[:-1]):
        expression = f'#this.get("{attribute}") != null ? #this.get("{attribute}") : {expression}'
    return expression


def channel_source(setup: ChannelSetup, store_id: str, base_dn: str) -> dict[str, Any]:
    """The channel's Source Settings and Source Location as the steps set them."""
    settings = setup.source_settings or SourceSettings(base_dn=base_dn)
    location: dict[str, Any] = {}
    if setup.channel.location.group_dn:
        location["groupDN"] = setup.channel.location.group_dn
    location["filter"] = setup.channel.location.filter
    location["nestedSearch"] = settings.nested_search
    status = setup.channel.status
    return {
        "dataSource": {"id": store_id}, "baseDn": settings.base_dn or base_dn,
        "guidAttributeName": settings.guid_attribute, "guidBinary": False,
        "changeDetectionSettings": {
            "userObjectClass": settings.user_object_class, "groupObjectClass": settings.group_object_class,
            "changedUsersAlgorithm": settings.changed_users_algorithm,
            "timeStampAttributeName": settings.timestamp_attribute},
        "groupMembershipDetection": {"groupMemberAttributeName": settings.group_member_attribute},
        "accountManagementSettings": {
            "accountStatusAttributeName": status.attribute,
            "accountStatusAlgorithm": STATUS_ALGORITHMS[status.algorithm],
            "flagComparisonValue": status.disabled_value, "flagComparisonStatus": status.disabled_on_match,
            "defaultStatus": status.default_enabled},
        "userSourceLocation": location,
    }  # fmt: skip


def attribute_mapping(setup: ChannelSetup, connector: ZoomConnector) -> list[dict[str, Any]]:
    mapping = []
    for name, spec in setup.channel.mapping.fields.items():
        info: dict[str, Any] = {
            "attributeNames": list(spec.attributes), "defaultValue": spec.default or "", "createOnly": spec.create_only,
            "trim": spec.trim, "characterCase": CASES[spec.case], "parser": PARSERS[spec.parser],
            "masked": spec.masked}  # fmt: skip
        if len(spec.attributes) > 1:
            info["expression"] = first_of(spec.attributes)
        mapping.append({"fieldName": connector.code(name), "saasFieldInfo": info})
    return mapping


def sp_connection(setup: ChannelSetup, connector: ZoomConnector, *, connection_id: str, store_id: str,
                  base_dn: str, channel_name: str, active: bool) -> dict[str, Any]:  # fmt: skip
    """The SP connection whose ``outboundProvision`` is the channel the steps configured."""
    target, options = setup.target, setup.options
    values = {"Account ID": target.account_id, "Client ID": target.client_id, "Client Secret": target.client_secret,
              "User Create": str(options.create).lower(), "User Update": str(options.update).lower(),
              "User Disable / Delete": str(options.remove).lower(),
              "Remove User Action": connector.option("Remove User Action",
                                                     REMOVE_ACTIONS[options.remove_action])}  # fmt: skip
    channel = setup.channel
    return {
        "type": "SP", "id": connection_id, "name": f"zoom-harness provisioning {connection_id}",
        "entityId": f"zoom-harness:{connection_id}", "active": True, "loggingMode": "STANDARD",
        "outboundProvision": {
            "type": connector.id,
            "targetSettings": connector.target_settings(values),
            "channels": [{"name": channel_name, "active": active, "maxThreads": channel.max_threads,
                          "timeout": max(1, round(channel.timeout)),
                          "channelSource": channel_source(setup, store_id, base_dn),
                          "attributeMapping": attribute_mapping(setup, connector)}],
        },
    }  # fmt: skip

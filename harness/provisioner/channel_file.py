"""One channel file in PingFederate's own shape: the Administrative API's ``outboundProvision``
(target settings by their documented labels, one channel with its ``channelSource`` and
``attributeMapping``), optionally beside the LDAP ``dataStore`` it reads. The same file configures
the reference provisioner and, through the Administrative API, a real PingFederate.

A file PingFederate would refuse (a required field missing, an unknown enum value, a wrong type)
is refused here with one line naming the field. The harness's mapping file is a shorthand: it
converts to the ``attributeMapping`` of a channel file (``zoom-harness channel init``).

Field names in ``attributeMapping`` are the documented labels (Username, Email, ...): the Zoom
connector's attribute codes are not published and are discovered from its descriptor by label.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.directory.ldap import CHANGE_ALGORITHMS, LdapAddress, SourceSettings
from harness.directory.source import DEFAULT_FILTER, AccountStatus, SourceLocation
from harness.errors import HarnessError
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.mapping import FIELDS, FieldMapping, Mapping
from harness.provisioner.mapping_file import load_mapping, read_document

#: Target settings by the labels of the Zoom Provisioner's Target and Provisioning Options pages.
CREDENTIAL_SETTINGS = {"Account ID": "account_id", "Client ID": "client_id", "Client Secret": "client_secret"}
OPTION_SETTINGS = {"User Create": "create", "User Update": "update", "User Disable / Delete": "remove"}
REMOVE_ACTION = "Remove User Action"
REMOVE_ACTIONS = {"Disable": "disable", "Delete": "delete"}
STATUS_ALGORITHMS = {"ACCOUNT_STATUS_ALGORITHM_FLAG": "flag", "ACCOUNT_STATUS_ALGORITHM_AD": "ad"}
CASES = {"NONE": "none", "UPPER": "upper", "LOWER": "lower"}
PARSERS = {"NONE": "none", "EXTRACT_CN_FROM_DN": "cn_from_dn", "EXTRACT_USERNAME_FROM_EMAIL": "username_from_email"}
#: PingFederate accepts it, for Active Directory only; the harness's directories have no USN.
USN = "ACTIVE_DIRECTORY_USN"
LDAP_TYPES = ("ACTIVE_DIRECTORY", "ORACLE_DIRECTORY_SERVER", "ORACLE_UNIFIED_DIRECTORY", "UNBOUNDID_DS",
              "PING_DIRECTORY", "PING_DS", "GENERIC")  # fmt: skip


@dataclass(frozen=True)
class ChannelFile:
    options: ProvisioningOptions
    channel: Channel
    source: SourceSettings
    #: Credentials given as target settings (a secret may instead come from the environment).
    credentials: dict[str, str]
    #: The LDAP data store, when the file describes one.
    data_store: LdapAddress | None
    connector_type: str

    @classmethod
    def from_options(
        cls,
        *,
        mapping: str | None = None,
        no_create: bool = False,
        no_update: bool = False,
        no_remove: bool = False,
        remove_action: str | None = None,
        base_dn: str | None = None,
        filter: str | None = None,
        group_dn: str | None = None,
        max_threads: int | None = None,
        timeout: float | None = None,
    ) -> ChannelFile:
        """A channel from ``provision``'s options, the documented defaults for what they leave out."""
        location = SourceLocation(base_dn=base_dn or "", filter=filter or DEFAULT_FILTER, group_dn=group_dn)
        channel = Channel(
            max_threads=max_threads or 1,
            timeout=60.0 if timeout is None else timeout,
            location=location,
            mapping=load_mapping(mapping) if mapping else Mapping.default(),
        )
        options = ProvisioningOptions(
            create=not no_create, update=not no_update, remove=not no_remove, remove_action=remove_action or "disable"
        )
        return cls(options, channel, SourceSettings(base_dn=base_dn or ""), {}, None, "zoom")

    @classmethod
    def load(cls, path: str | Path) -> ChannelFile:
        return cls.from_document(read_document(path, "channel file"), str(path))

    @classmethod
    def from_document(cls, document: Any, where: str = "channel file") -> ChannelFile:
        root = _Node(document, where)
        provision = root.object("outboundProvision")
        connector_type = provision.string("type")
        settings = _target_settings(provision.list("targetSettings"))
        channels = provision.list("channels")
        if len(channels.value) != 1:
            raise HarnessError(f"{channels.where}: the harness runs one channel; this file has {len(channels.value)}")
        node = channels.item(0)
        source_node = node.object("channelSource")
        source, location, status = _channel_source(source_node)
        channel = Channel(
            name=node.string("name"),
            active=node.boolean("active"),
            max_threads=node.integer("maxThreads", minimum=1),
            timeout=node.integer("timeout", minimum=1),
            location=location,
            status=status,
            mapping=_attribute_mapping(node.list("attributeMapping")),
        )
        options = ProvisioningOptions(
            **{OPTION_SETTINGS[k]: _flag(v, f"{where}: target setting {k}") for k, v in settings.items()
               if k in OPTION_SETTINGS},
            remove_action=REMOVE_ACTIONS[settings.get(REMOVE_ACTION, "Disable")],
        )  # fmt: skip
        credentials = {CREDENTIAL_SETTINGS[k]: v for k, v in settings.items() if k in CREDENTIAL_SETTINGS}
        store = root.optional_object("dataStore")
        return cls(options, channel, source, credentials, _data_store(store) if store else None, connector_type)


# -- parsing with one line per mistake -----------------------------------------------------------


class _Node:
    """A value of the document and where it is, for messages that name the field."""

    def __init__(self, value: Any, where: str) -> None:
        self.value = value
        self.where = where

    def _child(self, name: str, required: bool = True) -> _Node | None:
        if not isinstance(self.value, dict):
            raise HarnessError(f"{self.where}: expected an object")
        if name not in self.value or self.value[name] is None:
            if required:
                raise HarnessError(f"{self.where}.{name} is required")
            return None
        return _Node(self.value[name], f"{self.where}.{name}")

    def object(self, name: str) -> _Node:
        child = self._child(name)
        assert child is not None
        if not isinstance(child.value, dict):
            raise HarnessError(f"{child.where} must be an object")
        return child

    def optional_object(self, name: str) -> _Node | None:
        return self.object(name) if self._child(name, required=False) else None

    def list(self, name: str) -> _Node:
        child = self._child(name)
        assert child is not None
        if not isinstance(child.value, list):
            raise HarnessError(f"{child.where} must be a list")
        return child

    def item(self, index: int) -> _Node:
        return _Node(self.value[index], f"{self.where}[{index}]")

    def string(self, name: str, default: str | None = None) -> str:
        child = self._child(name, required=default is None)
        if child is None:
            assert default is not None
            return default
        if not isinstance(child.value, str) or not child.value.strip():
            raise HarnessError(f"{child.where} must be a non-empty string")
        return child.value

    def boolean(self, name: str, default: bool | None = None) -> bool:
        child = self._child(name, required=default is None)
        if child is None:
            assert default is not None
            return default
        if not isinstance(child.value, bool):
            raise HarnessError(f"{child.where} must be true or false")
        return child.value

    def integer(self, name: str, *, minimum: int) -> int:
        child = self._child(name)
        assert child is not None
        if not isinstance(child.value, int) or isinstance(child.value, bool) or child.value < minimum:
            raise HarnessError(f"{child.where} must be a whole number of at least {minimum}")
        return child.value

    def choice(self, name: str, choices: dict[str, str] | tuple[str, ...], default: str | None = None) -> str:
        value = self.string(name, default)
        if value not in choices:
            raise HarnessError(f"{self.where}.{name} is {value!r}; expected one of {', '.join(choices)}")
        return value


def _target_settings(node: _Node) -> dict[str, str]:
    known = (*CREDENTIAL_SETTINGS, *OPTION_SETTINGS, REMOVE_ACTION)
    settings: dict[str, str] = {}
    for index in range(len(node.value)):
        item = node.item(index)
        name = " / ".join(part.strip() for part in item.string("name").split("/"))
        if name not in known:
            raise HarnessError(f"{item.where}.name is {name!r}; expected one of {', '.join(known)}")
        value = item.value.get("value")
        if not isinstance(value, str | bool):
            raise HarnessError(f"{item.where}.value must be a string")
        settings[name] = str(value).lower() if isinstance(value, bool) else value
    if REMOVE_ACTION in settings and settings[REMOVE_ACTION] not in REMOVE_ACTIONS:
        raise HarnessError(
            f"{node.where}: {REMOVE_ACTION} is {settings[REMOVE_ACTION]!r}; expected one of {', '.join(REMOVE_ACTIONS)}"
        )
    return settings


def _flag(value: str, where: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise HarnessError(f"{where} is {value!r}; expected true or false")
    return value.lower() == "true"


def _channel_source(node: _Node) -> tuple[SourceSettings, SourceLocation, AccountStatus]:
    node.object("dataSource").string("id")
    if node.boolean("guidBinary"):
        raise HarnessError(f"{node.where}.guidBinary: binary GUIDs (Active Directory's objectGUID) are not read")
    changes = node.object("changeDetectionSettings")
    algorithm = changes.choice("changedUsersAlgorithm", (*CHANGE_ALGORITHMS, USN))
    if algorithm == USN:
        raise HarnessError(
            f"{changes.where}.changedUsersAlgorithm {USN} needs Active Directory; use {' or '.join(CHANGE_ALGORITHMS)}"
        )
    membership = node.object("groupMembershipDetection")
    accounts = node.object("accountManagementSettings")
    status_algorithm = STATUS_ALGORITHMS[accounts.choice("accountStatusAlgorithm", STATUS_ALGORITHMS)]
    status = AccountStatus(
        attribute=accounts.string("accountStatusAttributeName"),
        algorithm=status_algorithm,  # type: ignore[arg-type]
        disabled_value=accounts.string("flagComparisonValue", "true"),
        disabled_on_match=accounts.boolean("flagComparisonStatus", True),
        default_enabled=accounts.boolean("defaultStatus", True),
    )
    source = SourceSettings(
        base_dn=node.string("baseDn"),
        guid_attribute=node.string("guidAttributeName"),
        user_object_class=changes.string("userObjectClass"),
        group_object_class=changes.string("groupObjectClass"),
        group_member_attribute=membership.string("groupMemberAttributeName", "uniqueMember"),
        changed_users_algorithm=algorithm,  # type: ignore[arg-type]
        timestamp_attribute=changes.string("timeStampAttributeName"),
        nested_search=node.object("userSourceLocation").boolean("nestedSearch", False),
    )
    where = node.object("userSourceLocation")
    # ChannelSourceLocation: "a DN and a LDAP filter": with both, the group's members that match it.
    group_dn = where.value.get("groupDN") or None
    ldap_filter = where.value.get("filter") or None
    location = SourceLocation(
        base_dn=source.base_dn,
        filter=where.string("filter") if ldap_filter else DEFAULT_FILTER,
        group_dn=where.string("groupDN") if group_dn else None,
    )
    return source, location, status


def _attribute_mapping(node: _Node) -> Mapping:
    fields: dict[str, FieldMapping] = {}
    for index in range(len(node.value)):
        item = node.item(index)
        name = item.choice("fieldName", FIELDS)
        info = item.object("saasFieldInfo")
        attributes = info.value.get("attributeNames", [])
        if not isinstance(attributes, list) or not all(isinstance(a, str) and a for a in attributes):
            raise HarnessError(f"{info.where}.attributeNames must be a list of attribute names")
        default = info.value.get("defaultValue")
        if not attributes and default in (None, ""):
            raise HarnessError(f"{info.where}: give attributeNames or a defaultValue")
        if info.value.get("expression"):
            raise HarnessError(f"{info.where}.expression: OGNL expressions are not evaluated by the harness")
        fields[name] = FieldMapping(
            attributes=tuple(attributes),
            default=None if default in (None, "") else str(default),
            create_only=info.boolean("createOnly", False),
            trim=info.boolean("trim", False),
            case=CASES[info.choice("characterCase", CASES, "NONE")],  # type: ignore[arg-type]
            parser=PARSERS[info.choice("parser", PARSERS, "NONE")],  # type: ignore[arg-type]
            masked=info.boolean("masked", False),
        )
    if "Username" not in fields:
        raise HarnessError(f"{node.where}: Username must be mapped (it is the only required field)")
    return Mapping(fields)


def _data_store(node: _Node) -> LdapAddress:
    node.choice("type", ("LDAP",))
    if node.value.get("ldapType") is not None:
        node.choice("ldapType", LDAP_TYPES)
    hostnames = node.list("hostnames")
    if not hostnames.value or not all(isinstance(h, str) and h for h in hostnames.value):
        raise HarnessError(f"{hostnames.where} must list host:port")
    scheme = "ldaps" if node.boolean("useSsl", False) else "ldap"
    password = node.value.get("password")
    variable = node.value.get("passwordFromEnv")
    if password is None and variable:
        password = os.environ.get(str(variable))
        if password is None:
            raise HarnessError(f"{node.where}.passwordFromEnv: the variable {variable} is not set")
    if not isinstance(password, str):
        raise HarnessError(f"{node.where}.password (or passwordFromEnv) is required")
    return LdapAddress(f"{scheme}://{hostnames.value[0]}", node.string("userDN"), password)


# -- writing: a complete channel file from the harness's shorthand -------------------------------


def channel_document(
    mapping: Mapping, *, base_dn: str, data_store: dict[str, Any] | None = None, ldap_filter: str = DEFAULT_FILTER
) -> dict[str, Any]:
    """A channel file with the documented defaults, the given mapping and source location."""
    case = {v: k for k, v in CASES.items()}
    parser = {v: k for k, v in PARSERS.items()}
    attribute_mapping = [
        {"fieldName": name, "saasFieldInfo": {
            "attributeNames": list(spec.attributes), "defaultValue": spec.default or "", "createOnly": spec.create_only,
            "trim": spec.trim, "characterCase": case[spec.case], "parser": parser[spec.parser], "masked": spec.masked}}
        for name, spec in mapping.fields.items()
    ]  # fmt: skip
    document: dict[str, Any] = {
        "outboundProvision": {
            "type": "zoom",
            "targetSettings": [
                {"name": "Account ID", "value": "<from the app's App credentials tab>"},
                {"name": "Client ID", "value": "<from the app's App credentials tab>"},
                {"name": "User Create", "value": "true"},
                {"name": "User Update", "value": "true"},
                {"name": "User Disable / Delete", "value": "true"},
                {"name": "Remove User Action", "value": "Disable"},
            ],
            "channels": [{
                "name": "zoom-users", "active": True, "maxThreads": 1, "timeout": 60,
                "channelSource": {
                    "dataSource": {"id": "harness-ldap"}, "baseDn": base_dn,
                    "guidAttributeName": "entryUUID", "guidBinary": False,
                    "changeDetectionSettings": {
                        "userObjectClass": "inetOrgPerson", "groupObjectClass": "groupOfUniqueNames",
                        "changedUsersAlgorithm": "TIMESTAMP", "timeStampAttributeName": "modifyTimestamp"},
                    "groupMembershipDetection": {"groupMemberAttributeName": "uniqueMember"},
                    "accountManagementSettings": {
                        "accountStatusAttributeName": "nsAccountLock",
                        "accountStatusAlgorithm": "ACCOUNT_STATUS_ALGORITHM_FLAG",
                        "flagComparisonValue": "true", "flagComparisonStatus": True, "defaultStatus": True},
                    "userSourceLocation": {"filter": ldap_filter, "nestedSearch": False},
                },
                "attributeMapping": attribute_mapping,
            }],
        },
    }  # fmt: skip
    if data_store is not None:
        document["dataStore"] = data_store
    return document

"""What the stand-in holds, and the rules the document's prose states that no schema can say.

Each rule quotes the document (``pingfederate-admin-api-12.1.0.4.openapi.yaml``); where the stand-in
goes beyond it, the rule is marked [I] (inferred) with the reason. Nothing here knows the harness's
adapter: the stand-in answers whatever client calls it.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.standin.document import Violation

#: A plausible Zoom connector descriptor: the real one is not published (see the file's ``_note``).
ZOOM_DESCRIPTOR = Path(__file__).with_name("zoom_descriptor.json")
#: "the built-in provisioner store is ProvisionerDS" [S]: a fresh stand-in has it configured.
PROVISIONER_DS = "ProvisionerDS"


class ApiRefusal(Exception):
    """An ``ApiResult`` answer: the status, PingFederate's message and the fields it names."""

    def __init__(self, status: int, message: str, errors: list[Violation] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []

    def body(self) -> dict[str, Any]:
        result: dict[str, Any] = {"resultId": _RESULT_IDS.get(self.status, "error"), "message": self.message}
        if self.errors:
            result["validationErrors"] = [
                {"errorId": "validation_error", "fieldPath": e.field_path, "message": e.message} if e.field_path
                else {"errorId": "validation_error", "message": e.message}
                for e in self.errors
            ]  # fmt: skip
        return result


_RESULT_IDS = {400: "invalid_request", 404: "resource_not_found", 422: "validation_error", 401: "unauthorized"}


def load_descriptors(path: Path = ZOOM_DESCRIPTOR) -> list[dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return list(document["items"])


@dataclass
class Configuration:
    """Data stores, SP connections and the provisioning settings, behind one lock."""

    descriptors: list[dict[str, Any]]
    version: str = "12.1.0.4"
    #: Checks a data store can be reached (LDAP bind) and a channel's target accepts its credentials;
    #: each returns None or why not. Skipped when the call carries ``X-BypassExternalValidation: true``.
    check_store: Callable[[dict[str, Any]], str | None] = lambda store: None
    check_target: Callable[[dict[str, Any], dict[str, Any]], str | None] = lambda descriptor, settings: None
    data_stores: dict[str, dict[str, Any]] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    provisioning: dict[str, Any] = field(default_factory=lambda: {"dataStoreRef": {"id": PROVISIONER_DS},
                                                                  "synchronizationFrequency": 60})  # fmt: skip
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: Bumped on every change: the provisioning loop reloads its channels when it moves.
    revision: int = 0

    # -- descriptors -------------------------------------------------------------------------

    def descriptor(self, connector_id: str) -> dict[str, Any] | None:
        return next((d for d in self.descriptors if d["id"] == connector_id), None)

    # -- data stores -------------------------------------------------------------------------

    def create_data_store(self, body: dict[str, Any], *, external: bool) -> dict[str, Any]:
        with self.lock:
            store = dict(body)
            store.setdefault("id", f"LDAP-{len(self.data_stores) + 1:04d}")
            if store["id"] in self.data_stores or store["id"] == PROVISIONER_DS:
                raise ApiRefusal(422, "Validation error(s) occurred.", [Violation("id", "The ID is already in use.")])
            self._name(store)
            self._reachable(store, external)
            self.data_stores[store["id"]] = store
            self.revision += 1
            return self.data_store_view(store)

    def update_data_store(self, store_id: str, body: dict[str, Any], *, external: bool) -> dict[str, Any]:
        with self.lock:
            old = self.data_store(store_id)
            store = {**body, "id": store_id}
            if "password" not in store and "encryptedPassword" in body:
                store["password"] = old.get("password")
            self._name(store)
            self._reachable(store, external)
            self.data_stores[store_id] = store
            self.revision += 1
            return self.data_store_view(store)

    def delete_data_store(self, store_id: str) -> None:
        """ "Only unused data stores can be deleted.\""""
        with self.lock:
            self.data_store(store_id)
            users = [c["id"] for c in self.connections.values() if store_id in _store_refs(c)]
            if users:
                raise ApiRefusal(422, "Resource is in use and cannot be deleted.", [
                    Violation("", f"The data store is used by the connection(s) {', '.join(users)}.")])  # fmt: skip
            del self.data_stores[store_id]
            self.revision += 1

    def data_store_view(self, store: dict[str, Any]) -> dict[str, Any]:
        """A data store as GET answers it: the password only encrypted ("password (write) /
        encryptedPassword (read)")."""
        view = {k: v for k, v in store.items() if k != "password"}
        if "password" in store:
            view["encryptedPassword"] = _opaque(store["password"])
        return view

    def data_store(self, store_id: str) -> dict[str, Any]:
        if store_id not in self.data_stores:
            raise ApiRefusal(404, f"Resource '{store_id}' not found.")
        return self.data_stores[store_id]

    def _name(self, store: dict[str, Any]) -> None:
        """ "The data store name with a unique value across all data sources. Omitting this attribute
        will set the value to a combination of the hostname(s) and the principal.\""""
        if not store.get("name"):
            store["name"] = f"{' '.join(store.get('hostnames') or [])} ({store.get('userDN', 'anonymous')})"
        taken = [s["id"] for s in self.data_stores.values() if s["name"] == store["name"] and s["id"] != store["id"]]
        if taken:
            raise ApiRefusal(422, "Validation error(s) occurred.", [
                Violation("name", f"The name '{store['name']}' is already used by the data store "
                          f"{taken[0]}.")])  # fmt: skip

    def _reachable(self, store: dict[str, Any], external: bool) -> None:
        why = self.check_store(store) if external else None
        if why:
            raise ApiRefusal(422, "Validation error(s) occurred.", [Violation("hostnames", why)])

    # -- SP connections ----------------------------------------------------------------------

    def create_connection(self, body: dict[str, Any], *, external: bool) -> dict[str, Any]:
        with self.lock:
            connection = copy.deepcopy(body)
            connection.setdefault("id", f"conn{len(self.connections) + 1:04d}")
            if connection["id"] in self.connections:
                raise ApiRefusal(422, "Validation error(s) occurred.", [Violation("id", "The ID is already in use.")])
            self._entity_id(connection)
            self._provisioning(connection, None, external)
            self.connections[connection["id"]] = connection
            self.revision += 1
            return self.connection_view(connection)

    def update_connection(self, connection_id: str, body: dict[str, Any], *, external: bool) -> dict[str, Any]:
        with self.lock:
            old = self.connection(connection_id)
            connection = {**copy.deepcopy(body), "id": connection_id}
            self._entity_id(connection)
            self._provisioning(connection, old, external)
            self.connections[connection_id] = connection
            self.revision += 1
            return self.connection_view(connection)

    def delete_connection(self, connection_id: str) -> None:
        """ "Only inactive connections can be deleted.\""""
        with self.lock:
            connection = self.connection(connection_id)
            if connection.get("active", True):
                raise ApiRefusal(422, "Resource is in use and cannot be deleted.", [
                    Violation("active", "Only inactive connections can be deleted.")])  # fmt: skip
            del self.connections[connection_id]
            self.revision += 1

    def connection_view(self, connection: dict[str, Any]) -> dict[str, Any]:
        """A connection as GET answers it: a hashed target setting reads back as ``encryptedValue``."""
        view = copy.deepcopy(connection)
        provision = view.get("outboundProvision")
        descriptor = self.descriptor(provision["type"]) if provision else None
        if provision and descriptor:
            hashed = {f["name"] for f in descriptor["configDescriptor"]["fields"] if f.get("type") == "HASHED_TEXT"}
            for setting in provision["targetSettings"]:
                if setting["name"] in hashed and "value" in setting:
                    setting["encryptedValue"] = _opaque(setting.pop("value"))
        return view

    def connection(self, connection_id: str) -> dict[str, Any]:
        if connection_id not in self.connections:
            raise ApiRefusal(404, f"Resource '{connection_id}' not found.")
        return self.connections[connection_id]

    def _entity_id(self, connection: dict[str, Any]) -> None:
        """[I] An entity ID names one partner: a second connection with it is refused (PingFederate's
        console refuses it; the document does not say)."""
        clash = [c["id"] for c in self.connections.values()
                 if c["entityId"] == connection["entityId"] and c["id"] != connection["id"]]  # fmt: skip
        if clash:
            raise ApiRefusal(422, "Validation error(s) occurred.", [
                Violation("entityId", f"The entity ID is already used by the connection {clash[0]}.")])  # fmt: skip

    def _provisioning(self, connection: dict[str, Any], old: dict[str, Any] | None, external: bool) -> None:
        provision = connection.get("outboundProvision")
        if provision is None:
            return
        descriptor = self.descriptor(provision["type"])
        if descriptor is None:
            raise ApiRefusal(422, "Validation error(s) occurred.", [Violation(
                "outboundProvision.type",
                f"No provisioning connector '{provision['type']}' is installed.")])  # fmt: skip
        errors = list(target_setting_errors(descriptor, provision["targetSettings"], old))
        for index, channel in enumerate(provision["channels"]):
            where = f"outboundProvision.channels[{index}]"
            store_id = channel["channelSource"]["dataSource"]["id"]
            if store_id not in self.data_stores:
                errors.append(Violation(f"{where}.channelSource.dataSource.id", f"Data store '{store_id}' not found."))
            errors.extend(mapping_errors(descriptor, channel["attributeMapping"], f"{where}.attributeMapping"))
            location = channel["channelSource"]["userSourceLocation"]
            if not location.get("groupDN") and not location.get("filter"):
                errors.append(Violation(f"{where}.channelSource.userSourceLocation",
                                        "Give a group DN, a filter, or both."))  # fmt: skip
        if errors:
            raise ApiRefusal(422, "Validation error(s) occurred.", errors)
        if external and connection.get("active", True):
            settings = settings_by_name(provision["targetSettings"], old)
            if any(channel["active"] for channel in provision["channels"]):
                why = self.check_target(descriptor, settings)
                if why:
                    raise ApiRefusal(422, "Validation error(s) occurred.", [
                        Violation("outboundProvision.targetSettings", why)])  # fmt: skip


def target_setting_errors(descriptor: dict[str, Any], settings: list[dict[str, Any]],
                          old: dict[str, Any] | None) -> list[Violation]:  # fmt: skip
    """Every required field of the connector's configuration given; a SELECT's value one of its
    ``optionValues`` values; no setting the descriptor does not declare."""
    fields = {f["name"]: f for f in descriptor["configDescriptor"]["fields"]}
    given = settings_by_name(settings, old)
    errors = []
    for index, setting in enumerate(settings):
        where = f"outboundProvision.targetSettings[{index}]"
        spec = fields.get(setting["name"])
        if spec is None:
            errors.append(Violation(f"{where}.name", f"'{setting['name']}' is not a field of this connector."))
        elif spec.get("type") in ("SELECT", "RADIO_GROUP") and setting.get("value") is not None:
            values = [option["value"] for option in spec.get("optionValues", [])]
            if setting["value"] not in values:
                errors.append(
                    Violation(
                        f"{where}.value",
                        f"'{setting['value']}' is not an option of "
                        f"'{spec.get('label', spec['name'])}': expected one of {', '.join(values)}.",
                    )
                )
    for name, spec in fields.items():
        if spec.get("required") and not given.get(name):
            errors.append(Violation("outboundProvision.targetSettings",
                                    f"'{spec.get('label', name)}' ({name}) is required."))  # fmt: skip
    return errors


def mapping_errors(descriptor: dict[str, Any], mapping: list[dict[str, Any]], where: str) -> list[Violation]:
    """Field names are the descriptor's attribute codes; required ones are mapped; [I] a field fed
    by several attributes needs an expression that says how they combine (PingFederate's console
    asks for one: it does not guess an order)."""
    codes = {a["code"]: a for a in descriptor.get("saasPluginFieldInfoDescriptors", [])}
    errors = []
    for index, item in enumerate(mapping):
        at = f"{where}[{index}]"
        if item["fieldName"] not in codes:
            errors.append(Violation(f"{at}.fieldName", f"'{item['fieldName']}' is not an attribute of this connector."))
        info = item["saasFieldInfo"]
        if len(info.get("attributeNames") or []) > 1 and not info.get("expression"):
            errors.append(Violation(f"{at}.saasFieldInfo.expression",
                                    "Several attributes are mapped: an expression must combine them."))  # fmt: skip
    mapped = {item["fieldName"] for item in mapping}
    for code, spec in codes.items():
        if spec.get("required") and code not in mapped:
            errors.append(Violation(where, f"'{spec.get('label', code)}' ({code}) must be mapped."))
    return errors


def settings_by_name(settings: list[dict[str, Any]], old: dict[str, Any] | None) -> dict[str, Any]:
    """Target settings by name; a secret sent back only as ``encryptedValue`` keeps its old value."""
    previous = {}
    if old and old.get("outboundProvision"):
        previous = {s["name"]: s.get("value") for s in old["outboundProvision"]["targetSettings"]}
    return {s["name"]: s.get("value", previous.get(s["name"])) for s in settings}


def _store_refs(connection: dict[str, Any]) -> set[str]:
    provision = connection.get("outboundProvision") or {}
    return {channel["channelSource"]["dataSource"]["id"] for channel in provision.get("channels", [])}


def _opaque(secret: str) -> str:
    """What an encrypted value reads as: never the secret."""
    import hashlib

    return "OBF:" + hashlib.sha256(str(secret).encode()).hexdigest()[:24]

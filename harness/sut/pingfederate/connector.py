"""The Zoom Provisioner as PingFederate describes it (``GET /idp/connectors/descriptors``).

Its identifiers are not published: the adapter works from whatever the descriptor says. Target
settings are found by the labels of Ping's Zoom Provisioner pages, a SELECT's value is the one its
``optionValues`` gives for the meant label, a required field beyond the documented labels gets its
default value, and attributes are found by label too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.sut.pingfederate.admin import AdminClient, PingFederateError

#: The labels of the Zoom Provisioner's Target and Provisioning Options pages.
TARGET_LABELS = ("Account ID", "Client ID", "Client Secret", "User Create", "User Update", "User Disable / Delete",
                 "Remove User Action")  # fmt: skip
#: The options of Remove User Action, by the labels Ping's pages give them.
REMOVE_ACTIONS = {"disable": "Disable", "delete": "Delete"}


def label(text: str) -> str:
    """A label as compared: case and the spacing around a slash do not matter."""
    return " / ".join(part.strip() for part in text.split("/")).lower()


@dataclass(frozen=True)
class ZoomConnector:
    """The descriptor's id, its configuration fields by label, its attribute codes by label."""

    id: str
    fields: dict[str, dict[str, Any]]
    attributes: dict[str, str]

    @classmethod
    def discover(cls, admin: AdminClient) -> ZoomConnector:
        found = admin.get("/idp/connectors/descriptors") or {}
        for descriptor in found.get("items", []):
            text = f"{descriptor.get('id', '')} {descriptor.get('description', '')}".lower()
            if "zoom" in text:
                return cls.of(descriptor)
        raise PingFederateError(
            "the Zoom Provisioner is not deployed in PingFederate: no connector descriptor names Zoom. Put its jar "
            "(pf-zoom-provisioner-*.jar) in server/default/deploy/ and restart PingFederate"
        )

    @classmethod
    def of(cls, descriptor: dict[str, Any]) -> ZoomConnector:
        fields = (descriptor.get("configDescriptor") or {}).get("fields", [])
        by_label = {label(f["label"]): f for f in fields if f.get("label") and f.get("name")}
        missing = [name for name in TARGET_LABELS if label(name) not in by_label]
        if missing:
            raise PingFederateError(f"the Zoom connector {descriptor['id']} has no target setting labelled "
                                    f"{', '.join(missing)}")  # fmt: skip
        codes = {label(a["label"]): a["code"] for a in descriptor.get("saasPluginFieldInfoDescriptors", [])}
        return cls(descriptor["id"], by_label, codes)

    def setting(self, name: str) -> str:
        return str(self.fields[label(name)]["name"])

    def option(self, name: str, option_label: str) -> str:
        """The value a SELECT field's ``optionValues`` gives for the option labelled ``option_label``."""
        field = self.fields[label(name)]
        for option in field.get("optionValues") or []:
            if label(str(option.get("name", ""))) == label(option_label):
                return str(option["value"])
        offered = ", ".join(str(o.get("name")) for o in field.get("optionValues") or []) or "none"
        raise PingFederateError(f"the Zoom connector {self.id} offers no {option_label!r} for {name} "
                                f"(its options: {offered})")  # fmt: skip

    def target_settings(self, values: dict[str, str]) -> list[dict[str, str]]:
        """The settings by field name: the documented ones from ``values`` (by label), then every
        other required field with its default value."""
        settings = [{"name": self.setting(name), "value": value} for name, value in values.items()]
        known = {label(name) for name in values}
        for key, field in self.fields.items():
            if key in known or not field.get("required"):
                continue
            if field.get("defaultValue") in (None, ""):
                raise PingFederateError(f"the Zoom connector {self.id} requires {field['label']!r} ({field['name']}), "
                                        "which the harness does not know how to fill")  # fmt: skip
            settings.append({"name": field["name"], "value": str(field["defaultValue"])})
        return settings

    def code(self, name: str) -> str:
        try:
            return self.attributes[label(name)]
        except KeyError:
            raise PingFederateError(f"the Zoom connector {self.id} has no attribute labelled {name}") from None

"""Attribute mapping: the eleven Zoom fields, fed from source attributes with PingFederate's
processing options, and turned into a SCIM2 user body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.directory.source import Entry
from harness.zoom.scim_names import CORE_USER, ENTERPRISE_USER

#: The supported attributes, in the order of the PingFederate reference page.
FIELDS = (
    "Username",
    "Email",
    "Department",
    "Family Name",
    "Given Name",
    "Locale",
    "Organization",
    "Phone",
    "Roles",
    "Title",
    "User Type",
)
USER_TYPES = ("Basic", "Licensed", "On-Prem")
_ENTERPRISE_FIELDS = (("Department", "department"), ("Organization", "organization"))
Case = Literal["none", "upper", "lower"]
Parser = Literal["none", "cn_from_dn", "username_from_email"]
PARSERS = ("cn_from_dn", "username_from_email")


@dataclass(frozen=True)
class FieldMapping:
    """One target field: its source attributes and processing options (PF's SaasFieldInfo)."""

    attributes: tuple[str, ...] = ()
    default: str | None = None
    create_only: bool = False
    trim: bool = False
    case: Case = "none"
    parser: Parser = "none"
    masked: bool = False

    def value(self, entry: Entry) -> str | list[str] | None:
        """The processed value; Roles keeps every value so that the limitation can be seen."""
        raw: list[str] = []
        for attribute in self.attributes:
            raw = entry.attributes.get(attribute) or []
            if raw:
                break
        plain = self.parser == "none" and not self.trim and self.case == "none"
        processed = [v for v in raw if v] if plain else [v for v in map(self._process, raw) if v]
        if not processed:
            return self.default
        return processed if len(processed) > 1 else processed[0]

    def _process(self, value: str) -> str:
        if self.parser == "cn_from_dn":
            first = value.split(",", 1)[0]
            value = first.split("=", 1)[1] if "=" in first else first
        elif self.parser == "username_from_email":
            value = value.split("@", 1)[0]
        if self.trim:
            value = value.strip()
        if self.case == "upper":
            value = value.upper()
        elif self.case == "lower":
            value = value.lower()
        return value


@dataclass(frozen=True)
class Mapping:
    fields: dict[str, FieldMapping] = field(default_factory=dict)

    @classmethod
    def default(cls) -> Mapping:
        """Username and Email from ``mail``, the usual inetOrgPerson attributes for the rest;
        Roles and User Type left unmapped."""
        sources = {
            "Username": "mail",
            "Email": "mail",
            "Given Name": "givenName",
            "Family Name": "sn",
            "Title": "title",
            "Department": "departmentNumber",
            "Organization": "o",
            "Phone": "telephoneNumber",
            "Locale": "preferredLanguage",
        }
        return cls({name: FieldMapping((attribute,)) for name, attribute in sources.items()})

    def with_field(self, name: str, mapping: FieldMapping | None) -> Mapping:
        fields = dict(self.fields)
        if mapping is None:
            fields.pop(name, None)
        else:
            fields[name] = mapping
        return Mapping(fields)

    def values(self, entry: Entry) -> dict[str, str | list[str]]:
        values = {}
        for name, mapping in self.fields.items():
            value = mapping.value(entry)
            if value is not None:
                values[name] = value
        return values

    def masked(self, name: str) -> bool:
        mapping = self.fields.get(name)
        return bool(mapping and mapping.masked)

    def create_only(self, name: str) -> bool:
        mapping = self.fields.get(name)
        return bool(mapping and mapping.create_only)


def is_email(value: object) -> bool:
    if not isinstance(value, str):
        return False
    local, _, domain = value.partition("@")
    return (
        bool(local)
        and "@" not in domain
        and "." in domain
        and " " not in value
        and not domain.startswith(".")
        and not domain.endswith(".")
    )


def scim_body(values: dict[str, str | list[str]], *, user_name: str | None = None) -> dict[str, Any]:
    """The SCIM2 body carrying ``values`` (field name -> value), as Zoom's SCIM API takes them."""
    body: dict[str, Any] = {"schemas": [CORE_USER]}
    if user_name is not None:
        body["userName"] = user_name
    single = {k: (v[0] if isinstance(v, list) else v) for k, v in values.items()}
    if "Email" in single:
        body["emails"] = [{"type": "work", "value": single["Email"], "primary": True}]
    name = {wire: single[f] for f, wire in (("Given Name", "givenName"), ("Family Name", "familyName")) if f in single}
    if name:
        body["name"] = name
    for f, wire in (("Title", "title"), ("Locale", "locale"), ("User Type", "userType")):
        if f in single:
            body[wire] = single[f]
    if "Phone" in single:
        body["phoneNumbers"] = [{"type": "work", "value": single["Phone"]}]
    if "Roles" in single:
        # Zoom holds one Roles value: only the first is ever sent (known limitation 4).
        body["roles"] = [{"value": single["Roles"], "primary": True}]
    enterprise = {
        wire: single[f] for f, wire in (("Department", "department"), ("Organization", "organization")) if f in single
    }
    if enterprise:
        body["schemas"].append(ENTERPRISE_USER)
        body[ENTERPRISE_USER] = enterprise
    return body


_ZOOM_PATHS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Username": lambda u: u.get("userName"),
    "Email": lambda u: next((e.get("value") for e in u.get("emails", []) if e.get("primary")), None),
    "Given Name": lambda u: (u.get("name") or {}).get("givenName"),
    "Family Name": lambda u: (u.get("name") or {}).get("familyName"),
    "Title": lambda u: u.get("title"),
    "Locale": lambda u: u.get("locale"),
    "User Type": lambda u: u.get("userType"),
    "Phone": lambda u: next((p.get("value") for p in u.get("phoneNumbers", [])), None),
    "Roles": lambda u: next((r.get("display") or r.get("value") for r in u.get("roles", [])), None),
    "Department": lambda u: (u.get(ENTERPRISE_USER) or {}).get("department"),
    "Organization": lambda u: (u.get(ENTERPRISE_USER) or {}).get("organization"),
}


def zoom_value(user: dict[str, Any], field_name: str) -> Any:
    """The value a SCIM user holds for one of the supported fields (the inverse of scim_body)."""
    return _ZOOM_PATHS[field_name](user)

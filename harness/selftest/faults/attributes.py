"""Faults of the group ATTR: supported attributes."""

from __future__ import annotations

from typing import Any

import pytest

from harness.provisioner import engine
from harness.provisioner import mapping as mapping_module
from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import Patch, fault


def _body_without(field: str) -> Patch:
    def apply(mp: pytest.MonkeyPatch) -> None:
        build = mapping_module.scim_body

        def without(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
            return build({k: v for k, v in values.items() if k != field}, user_name=user_name)

        mp.setattr(engine, "scim_body", without)

    return apply


for _field, _requirement in (("Email", "ATTR-02"), ("Department", "ATTR-03"), ("Family Name", "ATTR-04"),
                             ("Given Name", "ATTR-05"), ("Locale", "ATTR-06"), ("Organization", "ATTR-07"),
                             ("Phone", "ATTR-08"), ("Roles", "ATTR-09"), ("Title", "ATTR-10"),
                             ("User Type", "ATTR-11")):  # fmt: skip
    fault(f"drops-{_field.lower().replace(' ', '-')}", _requirement, "mapping",
          f"{_field} is never sent to Zoom")(_body_without(_field))  # fmt: skip


@fault("names-swapped", "ATTR-04 ATTR-05", "mapping", "Given Name and Family Name are sent swapped")
def _swapped(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def swapped(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        values = dict(values)
        values["Given Name"], values["Family Name"] = values.get("Family Name"), values.get("Given Name")
        return build({k: v for k, v in values.items() if v is not None}, user_name=user_name)

    mp.setattr(engine, "scim_body", swapped)


@fault("username-not-validated", "ATTR-01", "provisioner", "a Username that is not an email address is sent")
def _username_unchecked(mp: pytest.MonkeyPatch) -> None:
    refusal = engine._refusal
    mp.setattr(engine, "_refusal", lambda values: None if values.get("Username") else refusal(values))


@fault("user-type-not-validated", "ATTR-11", "provisioner", "a User Type outside Basic, Licensed, On-Prem is sent")
def _user_type_unchecked(mp: pytest.MonkeyPatch) -> None:
    refusal = engine._refusal
    mp.setattr(engine, "_refusal", lambda values: refusal({k: v for k, v in values.items() if k != "User Type"}))


@fault("user-type-checked-at-creation-only", "ATTR-11", "provisioner", "an invalid User Type in an update is sent")
def _user_type_unchecked_on_update(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def unchecked(self: Provisioner, plan: Any, deadline: float) -> Any:
        with pytest.MonkeyPatch.context() as during:
            during.setattr(engine, "_refusal", lambda values: None)
            return update(self, plan, deadline)

    mp.setattr(Provisioner, "_update", unchecked)


@fault("roles-all-values", "ATTR-09 LIM-04", "mapping", "every Roles value is sent")
def _all_roles(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def every(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        roles = values.get("Roles")
        if isinstance(roles, list):
            body["roles"] = [{"value": role} for role in roles]
        return body

    mp.setattr(engine, "scim_body", every)
    mp.setattr(engine, "_sendable", lambda values: {f: (v if f == "Roles" else engine._first(v))
                                                   for f, v in values.items()})  # fmt: skip


@fault("phone-reformatted", "ATTR-08", "mapping", "the phone number is sent without its space")
def _phone(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def squeezed(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        for phone in body.get("phoneNumbers", []):
            phone["value"] = phone["value"].replace(" ", "")
        return body

    mp.setattr(engine, "scim_body", squeezed)

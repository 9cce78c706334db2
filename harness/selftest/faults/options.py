"""Faults of the group OPT: provisioning options."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from harness.provisioner import engine
from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import Patch, fault


def _option_ignored(method: str, option: str) -> Patch:
    """Patch: the provisioner's ``method`` runs as if ``option`` were selected, whatever it is."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        original = getattr(Provisioner, method)

        def anyway(self: Provisioner, *args: Any) -> Any:
            options, self.options = self.options, dataclasses.replace(self.options, **{option: True})
            try:
                return original(self, *args)
            finally:
                self.options = options

        mp.setattr(Provisioner, method, anyway)

    return apply


for _name, _method, _option, _requirement, _action in (
        ("create-option-ignored", "_create", "create", "OPT-02", "created"),
        ("update-option-ignored", "_update", "update", "OPT-03", "updated"),
        ("update-option-ignored-on-return", "_enable", "update", "OPT-03", "re-enabled"),
        ("update-option-ignored-on-link", "_link", "update", "OPT-03", "linked and updated"),
        ("remove-option-ignored", "_remove", "remove", "OPT-05", "disabled")):  # fmt: skip
    fault(_name, _requirement, "provisioner",
          f"users are {_action} with the option cleared")(_option_ignored(_method, _option))  # fmt: skip


@fault("skip-not-warned", "OPT-02 OPT-03 OPT-05", "provisioner", "a suppressed action writes no warning")
def _silent_skip(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(engine, "_skipped", lambda plan, record, *warnings: engine._Outcome("NONE", plan, True, record,
               counter="skipped"))  # fmt: skip


@fault("no-reenable", "OPT-04 CHG-02 LIM-06", "provisioner", "a user back in scope is never re-enabled")
def _no_reenable(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_enable", lambda self, plan, deadline: engine._skipped(plan, None))


@fault("default-remove-delete", "OPT-01", "provisioner", "the Remove User Action defaults to Delete")
def _default_delete(mp: pytest.MonkeyPatch) -> None:
    fields = {f.name: f for f in dataclasses.fields(engine.ProvisioningOptions)}
    mp.setattr(fields["remove_action"], "default", "delete")
    init = engine.ProvisioningOptions.__init__
    mp.setattr(engine.ProvisioningOptions, "__init__",
               lambda self, create=True, update=True, remove=True, remove_action="delete": init(
                   self, create, update, remove, remove_action))  # fmt: skip


@fault("default-update-cleared", "OPT-01", "provisioner", "User Update is cleared by default")
def _default_no_update(mp: pytest.MonkeyPatch) -> None:
    init = engine.ProvisioningOptions.__init__
    mp.setattr(engine.ProvisioningOptions, "__init__",
               lambda self, create=True, update=False, remove=True, remove_action="disable": init(
                   self, create, update, remove, remove_action))  # fmt: skip


@fault("disable-deletes", "OPT-06 UM-07", "provisioner", "Remove User Action Disable deletes the user")
def _disable_deletes(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_remove_event", lambda self: "DELETE")


@fault("delete-disables", "OPT-07 UM-06", "provisioner", "Remove User Action Delete only disables the user")
def _delete_disables(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_remove_event", lambda self: "DISABLE")


def kept_because(reason: str, *, with_group_dn: bool = False) -> Patch:
    """Patch: the removals planned for ``reason`` are dropped (only with a group DN, if asked)."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        plan = Provisioner._plan

        def keep(self: Provisioner, directory: Any) -> list[Any]:
            plans = plan(self, directory)
            if with_group_dn and self.channel.location.group_dn is None:
                return plans
            return [p for p in plans if p.reason != reason]

        mp.setattr(Provisioner, "_plan", keep)

    return apply


fault("out-of-scope-kept", "OPT-08 UM-08", "provisioner", "a user who leaves the source location is kept")(
    kept_because("no longer in the source location")
)
fault("deleted-kept", "OPT-08 UM-06", "provisioner", "a user deleted from the directory is kept")(
    kept_because("deleted from the datastore")
)

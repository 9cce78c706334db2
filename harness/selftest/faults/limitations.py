"""Faults of the group LIM: known limitations."""

from __future__ import annotations

from typing import Any

import pytest

from harness.provisioner import engine
from harness.provisioner import mapping as mapping_module
from harness.provisioner.engine import Provisioner
from harness.provisioner.records import ProvisionerRecords
from harness.selftest.faults.catalogue import fault


@fault("groups-provisioned", "LIM-01", "provisioner", "directory groups are pushed to Zoom")
def _groups_pushed(mp: pytest.MonkeyPatch) -> None:
    run = Provisioner.run_cycle

    def with_groups(self: Provisioner) -> Any:
        summary = run(self)
        for entry in self.source():
            if "groupofuniquenames" in {c.lower() for c in entry.values("objectClass")}:
                group = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": entry.first("cn")}
                self.client.send("POST", "/scim2/Groups", json=group)
        return summary

    mp.setattr(Provisioner, "run_cycle", with_groups)


@fault("group-deletion-immediate", "LIM-02", "provisioner", "with a group DN, a deleted user is removed at once")
def _no_group_wait(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_group_grew", lambda self, directory: True)


@fault("group-deletion-never", "LIM-02", "provisioner", "with a group DN, a deleted user is never removed")
def _group_never(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_group_grew", lambda self, directory: False)


@fault("cleared-attribute-cleared", "LIM-03", "provisioner", "a cleared source attribute is cleared in Zoom")
def _clear_cleared(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def clearing(self: Provisioner, plan: Any, deadline: float) -> Any:
        record = plan.record
        cleared = [f for f in record.sent if f not in plan.values and f != "Username"] if record else []
        outcome = update(self, plan, deadline)
        if cleared and record is not None and record.zoom_id:
            body = mapping_module.scim_body(dict.fromkeys(cleared, ""))
            self.client.update_user(record.zoom_id, body, deadline=deadline)
        return outcome

    mp.setattr(Provisioner, "_update", clearing)


@fault("roles-warning-missing", "LIM-04", "provisioner", "extra Roles values are dropped without a warning")
def _roles_silent(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(engine, "_role_warnings", lambda values, user_name, mapping: [])


@fault("roles-warning-at-creation-only", "LIM-04", "provisioner", "an update's extra Roles values are not warned of")
def _roles_silent_on_update(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def silent(self: Provisioner, plan: Any, deadline: float) -> Any:
        with pytest.MonkeyPatch.context() as during:
            during.setattr(engine, "_role_warnings", lambda values, user_name, mapping: [])
            return update(self, plan, deadline)

    mp.setattr(Provisioner, "_update", silent)


@fault("admin-failure-stops-cycle", "LIM-05", "provisioner", "a refused Admin deactivation stops the rest of the cycle")
def _admin_stops(mp: pytest.MonkeyPatch) -> None:
    perform = Provisioner._perform

    def stopping(self: Provisioner, plan: Any, index: Any) -> Any:
        if self.__dict__.get("stopped"):
            return engine._skipped(plan, None)
        outcome = perform(self, plan, index)
        if not outcome.success and plan.kind == "remove":
            self.__dict__["stopped"] = True
        return outcome

    mp.setattr(Provisioner, "_perform", stopping)


@fault("admin-failure-unaudited", "LIM-05 ENG-05", "provisioner", "a refused operation writes no audit record")
def _failure_unaudited(mp: pytest.MonkeyPatch) -> None:
    write = ProvisionerRecords.write_audit
    mp.setattr(
        ProvisionerRecords, "write_audit", lambda self, record: write(self, record) if record.is_success else None
    )


@fault("status-change-carries-attributes", "LIM-06", "provisioner", "a re-enable sends the changed attributes too")
def _enable_with_attributes(mp: pytest.MonkeyPatch) -> None:
    enable = Provisioner._enable

    def with_attributes(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = enable(self, plan, deadline)
        if outcome.success and plan.record is not None and plan.record.zoom_id:
            self.client.update_user(plan.record.zoom_id, mapping_module.scim_body(engine._sendable(plan.values)),
                                    deadline=deadline)  # fmt: skip
        return outcome

    mp.setattr(Provisioner, "_enable", with_attributes)


@fault(
    "pending-attributes-dropped", "LIM-06", "provisioner", "attributes changed during a re-enable are never sent later"
)
def _dropped_after_enable(mp: pytest.MonkeyPatch) -> None:
    enable = Provisioner._enable

    def forget(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = enable(self, plan, deadline)
        if outcome.record is not None:
            outcome.record.sent = engine._sendable(plan.values)
        return outcome

    mp.setattr(Provisioner, "_enable", forget)

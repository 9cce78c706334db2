"""Faults of the group UM: user management."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest

from harness.directory.source import AccountStatus
from harness.provisioner import engine
from harness.provisioner import mapping as mapping_module
from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import fault
from harness.selftest.faults.hooks import within
from harness.selftest.faults.options import kept_because
from harness.zoom.client import SCIM_PAGE, ZoomClient

fault("no-link-duplicates", "UM-01", "provisioner", "an existing Zoom user is not looked up before a create")(
    within("_create", "find_user", lambda real: lambda user_name, *, deadline=None: None)
)


@fault("listing-first-page-only", "UM-01", "client", "a large cycle looks users up on Zoom's first page only")
def _first_page_only(mp: pytest.MonkeyPatch) -> None:
    iter_users = ZoomClient.iter_users
    mp.setattr(ZoomClient, "iter_users", lambda self, **kwargs: itertools.islice(iter_users(self, **kwargs), SCIM_PAGE))


@fault("inactive-existing-user-not-reenabled", "UM-01 OPT-04", "provisioner",
       "an inactive Zoom user who existed before is linked but left inactive")  # fmt: skip
def _inactive_link(mp: pytest.MonkeyPatch) -> None:
    link = Provisioner._link

    def as_active(self: Provisioner, plan: Any, existing: dict[str, Any], deadline: float) -> Any:
        return link(self, plan, {**existing, "active": True}, deadline)

    mp.setattr(Provisioner, "_link", as_active)


@fault("username-mapping-fixed", "UM-02", "mapping", "Username always comes from mail")
def _fixed_username(mp: pytest.MonkeyPatch) -> None:
    values = mapping_module.Mapping.values

    def from_mail(self: Any, entry: Any) -> dict[str, Any]:
        found = values(self, entry)
        if entry.first("mail"):
            found["Username"] = entry.first("mail")
        return found

    mp.setattr(mapping_module.Mapping, "values", from_mail)


@fault(
    "new-in-scope-ignored",
    "UM-03",
    "provisioner",
    "a user who enters the source location after the first cycle is not created",
)
def _late_joiners(mp: pytest.MonkeyPatch) -> None:
    plan = Provisioner._plan

    def first_cycle_only(self: Provisioner, directory: Any) -> list[Any]:
        plans = plan(self, directory)
        if self.store.records():
            plans = [p for p in plans if p.kind != "create"]
        return plans

    mp.setattr(Provisioner, "_plan", first_cycle_only)


@fault("update-sends-everything", "UM-04", "provisioner", "an update sends every mapped attribute")
def _send_all(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def everything(self: Provisioner, plan: Any, deadline: float) -> Any:
        if plan.record is not None:
            plan.record.sent = {}
        return update(self, plan, deadline)

    mp.setattr(Provisioner, "_update", everything)


@fault("changes-not-sent", "UM-04 ENG-06", "provisioner", "a changed mapped attribute is not sent")
def _changes_lost(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(Provisioner, "_update", lambda self, plan, deadline: engine._Outcome(
        "NONE", plan, True, dataclasses.replace(plan.record, fingerprint=plan.fingerprint)))  # fmt: skip


@fault("unmapped-change-sent", "UM-05", "provisioner", "a change of an unmapped attribute sends the user again")
def _unmapped(mp: pytest.MonkeyPatch) -> None:
    update = Provisioner._update

    def resend(self: Provisioner, plan: Any, deadline: float) -> Any:
        outcome = update(self, plan, deadline)
        if outcome.event == "NONE" and plan.record is not None and plan.record.zoom_id:
            self.client.update_user(plan.record.zoom_id, mapping_module.scim_body(engine._sendable(plan.values)),
                                    deadline=deadline)  # fmt: skip
        return outcome

    mp.setattr(Provisioner, "_update", resend)


@fault("disabled-at-source-ignored", "UM-07 OPT-08", "provisioner", "a user disabled in the directory is kept active")
def _status_ignored(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(AccountStatus, "enabled", lambda self, entry: True)


fault("group-leaver-kept", "UM-08", "provisioner", "a user removed from the group is kept")(
    kept_because("no longer in the source location", with_group_dn=True)
)

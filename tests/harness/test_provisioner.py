"""The reference provisioner against the in-process emulator: every row of the behaviour matrix
(reference §17), every provisioning option, every supported attribute, and the engine rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.directory.source import SourceLocation
from harness.provisioner.channel import ActivationRefused, ProvisioningOptions
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.provisioner.store import SyncStore
from tests.harness.conftest import World


def _names(world: World, status: str | None = None) -> set[str]:
    return {n for n, u in world.zoom_users().items() if status is None or u.status == status}


def test_new_users_are_created_with_the_mapped_attributes(world: World) -> None:
    alice = world.people.add_person(
        "alice", title="Engineer", departmentNumber="42", o="Acme", telephoneNumber="+1 2015550123",
        preferredLanguage="en-US", givenName="Alice", sn="Liddell",
    )  # fmt: skip
    summary = world.provisioner().run_cycle()
    assert (summary.created, summary.failed) == (1, 0)
    user = world.zoom_users()["alice@example.com"]
    assert (user.given_name, user.family_name, user.title) == ("Alice", "Liddell", "Engineer")
    assert (user.department, user.organization, user.locale) == ("42", "Acme", "en-US")
    assert user.phone_numbers == [{"type": "work", "value": "+1 2015550123"}]
    assert user.user_name == "alice@example.com" and user.status == "active"
    assert alice.guid


def test_an_existing_zoom_user_with_the_same_username_is_linked_not_duplicated(world: World) -> None:
    existing = world.zoom.state.create_user(world.credentials.account_id, "bob@example.com", title="Old")
    world.people.add_person("bob", title="New")
    provisioner = world.provisioner()
    summary = provisioner.run_cycle()
    assert summary.created == 0 and summary.updated == 1
    assert list(world.zoom_users()) == ["bob@example.com"]
    assert world.zoom_users()["bob@example.com"].id == existing.id
    assert world.zoom_users()["bob@example.com"].title == "New"
    assert any("Linked user bob@example.com" in w for w in provisioner.records.warnings())


def test_the_username_source_attribute_can_be_changed(world: World) -> None:
    world.people.add_person("carol", mail="carol@example.com", employeeEmail="c.work@example.com")
    mapping = Mapping.default().with_field("Username", FieldMapping(("employeeEmail",)))
    world.provisioner(mapping=mapping).run_cycle()
    assert _names(world) == {"c.work@example.com"}


def test_only_changed_mapped_attributes_are_sent(world: World) -> None:
    world.people.add_person("dan", title="A", description="unmapped")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.zoom.journal.clear()
    world.people.update("dan", description="changed but unmapped")
    assert provisioner.run_cycle().updated == 0
    assert [e.route for e in world.zoom.journal.entries()] == []  # nothing sent at all
    world.people.update("dan", title="B")
    assert provisioner.run_cycle().updated == 1
    puts = [e for e in world.zoom.journal.entries() if e.route == "scim.users.replace"]
    assert len(puts) == 1
    assert json.loads(puts[0].request_body) == {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "title": "B"}


def test_a_cleared_attribute_is_not_cleared_in_zoom(world: World) -> None:
    world.people.add_person("erin", title="Keeper")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.people.update("erin", title=None)
    provisioner.run_cycle()
    assert world.zoom_users()["erin@example.com"].title == "Keeper"


def test_create_only_attributes_are_never_updated(world: World) -> None:
    world.people.add_person("finn", title="First")
    mapping = Mapping.default().with_field("Title", FieldMapping(("title",), create_only=True))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    world.people.update("finn", title="Second")
    provisioner.run_cycle()
    assert world.zoom_users()["finn@example.com"].title == "First"


@pytest.mark.parametrize("action, status", [("disable", "inactive"), ("delete", None)])
@pytest.mark.parametrize("trigger", ["deleted", "disabled", "out of scope"])
def test_deprovisioning_triggers_follow_the_remove_user_action(
    world: World, action: str, status: str | None, trigger: str
) -> None:
    world.people.add_person("gail", ou="Staff")
    location = SourceLocation(filter="(&(objectClass=inetOrgPerson)(ou=Staff))")
    provisioner = world.provisioner(location=location, options=ProvisioningOptions(remove_action=action))  # type: ignore[arg-type]
    provisioner.run_cycle()
    if trigger == "deleted":
        world.people.delete("gail")
    elif trigger == "disabled":
        world.people.disable("gail")
    else:
        world.people.update("gail", ou="Alumni")
    summary = provisioner.run_cycle()
    users = world.zoom_users()
    if status is None:
        assert summary.deleted == 1 and "gail@example.com" not in users
    else:
        assert summary.disabled == 1 and users["gail@example.com"].status == status
    event = provisioner.records.audit[-1]
    assert event.event_type == ("DELETE" if action == "delete" else "DISABLE") and event.is_success


@pytest.mark.parametrize(
    "options, change, warning",
    [
        (ProvisioningOptions(create=False), "new", "User Create is not selected"),
        (ProvisioningOptions(update=False), "title", "User Update is not selected"),
        (ProvisioningOptions(remove=False), "disable", "User Disable/Delete is not selected"),
        (ProvisioningOptions(update=False), "re-enable", "User Update is not selected"),
    ],
)
def test_cleared_options_suppress_the_action_with_a_warning(
    world: World, options: ProvisioningOptions, change: str, warning: str
) -> None:
    world.people.add_person("hank", title="T1")
    setup = world.provisioner()
    setup.run_cycle()
    if change == "re-enable":
        world.people.disable("hank")
        setup.run_cycle()
    before = {n: (u.status, u.title) for n, u in world.zoom_users().items()}
    provisioner = world.provisioner(store=setup.store, options=options)
    if change == "new":
        world.people.add_person("ivy")
    elif change == "title":
        world.people.update("hank", title="T2")
    elif change == "disable":
        world.people.disable("hank")
    else:
        world.people.enable("hank")
    summary = provisioner.run_cycle()
    assert summary.skipped == 1
    assert {n: (u.status, u.title) for n, u in world.zoom_users().items()} == before
    warnings = provisioner.records.warnings()
    assert any(w.startswith(warning) for w in warnings), warnings


def test_defaults_of_the_provisioning_options() -> None:
    options = ProvisioningOptions()
    assert (options.create, options.update, options.remove, options.remove_action) == (True, True, True, "disable")


def test_a_returning_user_is_re_enabled_with_the_licence_restored(world: World) -> None:
    world.people.add_person("jill", employeeType="Licensed")
    mapping = Mapping.default().with_field("User Type", FieldMapping(("employeeType",)))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    assert world.zoom_users()["jill@example.com"].user_type == "Licensed"
    world.people.disable("jill")
    provisioner.run_cycle()
    jill = world.zoom_users()["jill@example.com"]
    assert (jill.status, jill.user_type, jill.held_user_type) == ("inactive", "Basic", "Licensed")
    world.people.enable("jill")
    summary = provisioner.run_cycle()
    assert summary.enabled == 1
    jill = world.zoom_users()["jill@example.com"]
    assert (jill.status, jill.user_type) == ("active", "Licensed")


def test_status_change_and_attribute_change_in_one_cycle(world: World) -> None:
    world.people.add_person("lee", title="Before")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.people.disable("lee")
    provisioner.run_cycle()
    world.people.enable("lee")
    world.people.update("lee", title="During")
    provisioner.run_cycle()
    assert world.zoom_users()["lee@example.com"].title == "Before"  # only the status was applied
    provisioner.run_cycle()
    assert world.zoom_users()["lee@example.com"].title == "Before"  # nothing changed since
    world.people.update("lee", sn="Next")
    provisioner.run_cycle()
    assert world.zoom_users()["lee@example.com"].title == "During"  # follows at the next change


def test_admin_users_cannot_be_removed_and_nothing_else_is_lost(world: World) -> None:
    world.people.add_person("max")
    world.people.add_person("nia")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.zoom.state.user(world.credentials.account_id, world.zoom_users()["max@example.com"].id).role = "Admin"
    world.people.disable("max")
    world.people.disable("nia")
    summary = provisioner.run_cycle()
    assert (summary.disabled, summary.failed) == (1, 1)
    assert world.zoom_users()["max@example.com"].status == "active"
    assert world.zoom_users()["nia@example.com"].status == "inactive"
    failure = next(a for a in provisioner.records.audit if not a.is_success)
    assert failure.event_type == "DISABLE" and "Admin" in (failure.non_success_cause or "")


def test_roles_reach_zoom_as_a_single_value(world: World) -> None:
    world.people.add_person("ola", employeeType=["Student", "Engineer"])
    mapping = Mapping.default().with_field("Roles", FieldMapping(("employeeType",)))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    assert world.zoom_users()["ola@example.com"].role == "Student"
    assert any("single Roles value" in w and "'Engineer'" in w for w in provisioner.records.warnings())


@pytest.mark.parametrize("value, reason", [(None, "Username is required"), ("pat", "must be an email address")])
def test_a_user_without_an_email_username_is_not_provisioned(world: World, value: str | None, reason: str) -> None:
    world.people.add_person("pat", mail=value)
    provisioner = world.provisioner()
    summary = provisioner.run_cycle()
    assert summary.failed == 1 and _names(world) == set()
    assert reason in (provisioner.records.audit[-1].non_success_cause or "")
    assert provisioner.run_cycle().failed == 0  # logged once, until the record changes


def test_user_type_outside_the_three_values_is_refused(world: World) -> None:
    world.people.add_person("quin", employeeType="Pro")
    mapping = Mapping.default().with_field("User Type", FieldMapping(("employeeType",)))
    provisioner = world.provisioner(mapping=mapping)
    assert provisioner.run_cycle().failed == 1
    assert "User Type must be one of Basic, Licensed, On-Prem" in (
        provisioner.records.audit[-1].non_success_cause or ""
    )


def test_group_dn_scope_and_the_deleted_member_limitation(world: World) -> None:
    for uid in ("rae", "sam", "tom"):
        world.people.add_person(uid)
    group_dn = world.people.add_group("zoom-users", ["rae", "sam"])
    provisioner = world.provisioner(location=SourceLocation(group_dn=group_dn))
    provisioner.run_cycle()
    assert _names(world) == {"rae@example.com", "sam@example.com"}
    world.people.remove_member("zoom-users", "sam")
    provisioner.run_cycle()
    assert _names(world, "inactive") == {"sam@example.com"}  # removal from the group is seen
    world.people.delete("rae")  # the group still lists rae
    provisioner.run_cycle()
    assert _names(world, "active") == {"rae@example.com"}  # not propagated yet
    world.people.add_member("zoom-users", "tom")
    provisioner.run_cycle()
    assert _names(world, "active") == {"tom@example.com"}
    assert _names(world, "inactive") == {"rae@example.com", "sam@example.com"}


def test_groups_are_not_provisioned(world: World) -> None:
    world.people.add_person("uma")
    world.people.add_group("staff", ["uma"])
    world.provisioner().run_cycle()
    assert world.zoom.state.groups(world.credentials.account_id) == {}


def test_an_inactive_channel_provisions_nothing_until_activated(world: World) -> None:
    world.people.add_person("vic")
    provisioner = world.provisioner(active=False)
    assert provisioner.run_cycle().created == 0 and _names(world) == set()
    provisioner.activate()
    assert provisioner.run_cycle().created == 1


def test_activation_names_every_missing_scope(world: World) -> None:
    creds = world.zoom.ready_account(domain="few.example", scopes=["scim2", "user:read:admin"])
    from harness.targets.in_process import in_process_client

    provisioner = world.provisioner(client=in_process_client(world.zoom, creds))
    with pytest.raises(ActivationRefused) as caught:
        provisioner.activate()
    message = str(caught.value)
    for scope in ("user:master", "user:write:admin", "account:master", "account:read:admin", "account:write:admin"):
        assert f"lacks the scope {scope}" in message
    assert "lacks the scope scim2" not in message
    assert provisioner.channel.active is False


def test_activation_names_a_missing_sso(world: World) -> None:
    creds = world.zoom.ready_account(domain="nosso.example", sso_enabled=False)
    from harness.targets.in_process import in_process_client

    with pytest.raises(ActivationRefused, match="SSO is not enabled"):
        world.provisioner(client=in_process_client(world.zoom, creds)).activate()


def test_failures_stay_pending_and_are_retried_next_cycle(world: World) -> None:
    world.people.add_person("wes")
    world.zoom.inject(route="scim.users.create", status=400, body={"code": 300, "message": "Nope."})
    provisioner = world.provisioner()
    assert provisioner.run_cycle().failed == 1
    assert provisioner.store.records()[world.people.person("wes").guid].pending
    assert provisioner.run_cycle().created == 1


def test_an_operation_past_the_channel_timeout_is_skipped_and_retried_next_cycle(world: World) -> None:
    world.people.add_person("xan")
    world.zoom.inject(route="scim.users.list", latency=90, times=None)
    provisioner = world.provisioner(timeout=60)
    summary = provisioner.run_cycle()
    assert summary.failed == 1
    assert "exceeded the channel timeout of 60 s" in (provisioner.records.audit[-1].non_success_cause or "")
    world.zoom.faults.clear()
    assert provisioner.run_cycle().created == 1


def test_max_threads_bounds_concurrency(world: World) -> None:
    world.people.add_people(30)
    provisioner = world.provisioner(max_threads=4)
    assert provisioner.run_cycle().created == 30
    assert len(world.zoom_users()) == 30


def test_the_sync_state_survives_a_restart(world: World, tmp_path: Path) -> None:
    world.people.add_people(5)
    state = tmp_path / "state.sqlite"
    first = world.provisioner(store=SyncStore(state))
    first.run_cycle()
    first.store.close()
    world.people.disable(world.people.people()[0].uid)
    second = world.provisioner(store=SyncStore(state))
    summary = second.run_cycle()
    assert (summary.created, summary.disabled) == (0, 1)
    assert [c["id"] for c in second.store.cycles()] == [1, 2]


def test_the_values_sent_and_channel_values_come_back_from_the_store_as_written(tmp_path: Path) -> None:
    from harness.provisioner.store import SyncRecord

    sent = {"userName": "zoë@example.com", "name": {"givenName": "Zoë", "familyName": "Ørsted"}, "active": True,
            "phoneNumbers": [{"type": "work", "value": "+1 555"}], "count": 3}  # fmt: skip
    store = SyncStore(tmp_path / "state.sqlite")
    store.save(SyncRecord("guid-1", "zoom-1", "zoë@example.com", sent, fingerprint="f1"))
    store.set_value("mapping", {"b": [1, None], "a": "é"})
    store.close()
    again = SyncStore(tmp_path / "state.sqlite")
    assert again.records()["guid-1"].sent == sent
    assert again.get_value("mapping") == {"a": "é", "b": [1, None]}


def test_audit_records_and_channel_summary(world: World, tmp_path: Path) -> None:
    from harness.provisioner.records import ProvisionerRecords

    world.people.add_person("yan")
    provisioner = world.provisioner()
    provisioner.records = ProvisionerRecords(tmp_path)
    provisioner.run_cycle()
    audit = (tmp_path / "provisioner-audit.log").read_text().splitlines()
    assert len(audit) == 1
    record = json.loads(audit[0])
    assert set(record) == {"time", "cycle_id", "channel_id", "event_type", "source_id", "target_id", "is_success",
                           "non_success_cause"}  # fmt: skip
    summary = json.loads((tmp_path / "provisioner-channel-summary.log").read_text())
    assert summary["created"] == 1 and "duration" in summary


def test_an_initial_sync_lists_zoom_instead_of_looking_up_each_user(world: World) -> None:
    world.people.add_people(120)
    world.provisioner().run_cycle()
    entries = world.zoom.journal.entries()
    assert sum(1 for e in entries if e.route == "scim.users.create" and e.status == 201) == 120
    lists = [e.url for e in entries if e.route == "scim.users.list"]
    assert len(lists) == 1 and "filter" not in lists[0]  # one page listing, no lookup per user


def test_a_second_cycle_without_changes_writes_nothing(world: World) -> None:
    world.people.add_people(25)
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.zoom.journal.clear()
    summary = provisioner.run_cycle()
    assert (summary.created, summary.updated, summary.disabled, summary.failed) == (0, 0, 0, 0)
    assert world.zoom.journal.entries() == []


def test_progress_is_reported_as_results_land(world: World) -> None:
    world.people.add_people(5)
    seen: list[tuple[int, int]] = []
    provisioner = world.provisioner(max_threads=2)
    provisioner.progress = lambda done, total: seen.append((done, total))
    provisioner.run_cycle()
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]

"""What each decision of the reference provisioner leaves behind, one cycle further: the audit
record (event, success, ids), the channel summary, the sync state it keeps, and what the next cycle
does from that state."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import httpx
import pytest

from harness.directory.people import Person
from harness.directory.source import SourceLocation
from harness.provisioner.channel import ActivationRefused, ProvisioningOptions
from harness.provisioner.engine import Provisioner
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.provisioner.store import SyncStore
from harness.targets.in_process import in_process_client, target_of
from harness.zoom.client import ZoomClient
from tests.harness.conftest import World


def _audit(provisioner: object) -> list[tuple[str, str, str | None, bool, str | None]]:
    records = provisioner.records.audit  # type: ignore[attr-defined]
    return [(a.event_type, a.source_id, a.target_id, a.is_success, a.non_success_cause) for a in records]


def _writes(world: World) -> list[str]:
    """The routes of the writes to Zoom since the journal was cleared (token requests are not writes)."""
    return [e.route for e in world.zoom.journal.entries() if e.method != "GET" and not e.route.startswith("oauth")]


def _provisioned(world: World, uid: str, **attributes: str) -> tuple[Person, SyncStore, Provisioner]:
    """A person in the directory, provisioned by one cycle of a provisioner with its own sync state."""
    person = world.people.add_person(uid, **attributes)
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    provisioner.run_cycle()
    return person, store, provisioner


def _created_then_forgotten(world: World, uid: str, **attributes: str) -> tuple[str, str]:
    """A user provisioned once by a provisioner whose sync state is then lost: Zoom has the user, the
    next provisioner does not know it. Returns the user's Zoom id and source GUID."""
    person = world.people.add_person(uid, **attributes)
    world.provisioner().run_cycle()
    world.zoom.journal.clear()
    return world.zoom_users()[f"{uid}@example.com"].id, person.guid


def test_a_linked_user_that_matches_is_recorded_and_left_alone_next_cycle(world: World) -> None:
    zoom_id, guid = _created_then_forgotten(world, "bob", title="Same")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    summary = provisioner.run_cycle()
    assert (summary.created, summary.updated, summary.failed) == (0, 1, 0)
    assert _audit(provisioner) == [("UPDATE", guid, zoom_id, True, None)]
    assert _writes(world) == []  # nothing differs: linked without a write
    record = store.records()[guid]
    assert (record.zoom_id, record.user_name, record.status, record.pending) == (
        zoom_id, "bob@example.com", "active", False)  # fmt: skip
    assert record.fingerprint is not None and record.sent["Title"] == "Same"
    assert record.sent["Username"] == "bob@example.com"
    # The next cycle sees a user it knows, unchanged: no request at all, no audit record.
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 0 and len(provisioner.records.audit) == 1
    assert world.zoom.journal.entries() == []
    # What it recorded is what later decisions act on: a disable reaches the linked user.
    world.people.disable("bob")
    assert provisioner.run_cycle().disabled == 1
    assert world.zoom_users()["bob@example.com"].status == "inactive"
    assert _audit(provisioner)[-1] == ("DISABLE", guid, zoom_id, True, None)
    assert store.records()[guid].status == "disabled"


def test_a_linked_user_that_differs_is_updated_once_with_only_the_difference(world: World) -> None:
    zoom_id, guid = _created_then_forgotten(world, "cat", title="Old")
    world.people.update("cat", title="New")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    assert provisioner.run_cycle().updated == 1
    assert _writes(world) == ["scim.users.replace"]
    (put,) = [e for e in world.zoom.journal.entries() if e.route == "scim.users.replace"]
    assert put.url.endswith(f"/scim2/Users/{zoom_id}")
    assert json.loads(put.request_body) == {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "title": "New"}
    assert _audit(provisioner) == [("UPDATE", guid, zoom_id, True, None)]
    assert store.records()[guid].sent["Title"] == "New"
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 0 and _writes(world) == []


def test_a_linked_user_that_differs_without_user_update_keeps_what_zoom_has(world: World) -> None:
    zoom_id, guid = _created_then_forgotten(world, "dee", title="Old")
    world.people.update("dee", title="New")
    store = SyncStore()
    provisioner = world.provisioner(store=store, options=ProvisioningOptions(update=False))
    summary = provisioner.run_cycle()
    assert (summary.updated, summary.skipped) == (0, 1) and _writes(world) == []
    warnings = provisioner.records.warnings()
    assert warnings[-1] == "User Update is not selected: user dee@example.com was not updated"
    record = store.records()[guid]
    # Zoom kept "Old": the state must not claim "New" was sent, or it would never be.
    assert record.zoom_id == zoom_id and "Title" not in record.sent


def test_a_linked_user_disabled_in_zoom_is_re_enabled_and_recorded_active(world: World) -> None:
    zoom_id, guid = _created_then_forgotten(world, "eve", title="T")
    world.zoom.state.update_user(world.credentials.account_id, zoom_id, status="inactive")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    summary = provisioner.run_cycle()
    assert (summary.enabled, summary.updated, summary.failed) == (1, 0, 0)
    assert _audit(provisioner) == [("ENABLE", guid, zoom_id, True, None)]
    assert world.zoom_users()["eve@example.com"].status == "active"
    assert provisioner.records.warnings()[0].startswith("Linked user eve@example.com (source ")
    record = store.records()[guid]
    assert (record.status, record.zoom_id, record.user_name) == ("active", zoom_id, "eve@example.com")
    world.zoom.journal.clear()
    assert provisioner.run_cycle().enabled == 0 and _writes(world) == []


def test_a_re_enable_keeps_the_restored_licence_for_the_next_one(world: World) -> None:
    # User Type is not mapped: only the sync state remembers the licence, through two rounds.
    world.zoom.state.create_user(world.credentials.account_id, "kim@example.com", user_type="Licensed")
    guid = world.people.add_person("kim").guid
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    provisioner.run_cycle()
    for _ in range(2):
        world.people.disable("kim")
        provisioner.run_cycle()
        assert world.zoom_users()["kim@example.com"].user_type == "Basic"
        world.people.enable("kim")
        provisioner.run_cycle()
        kim = world.zoom_users()["kim@example.com"]
        assert (kim.status, kim.user_type) == ("active", "Licensed")
        assert store.records()[guid].licence == "Licensed"
    assert [a[0] for a in _audit(provisioner)] == ["UPDATE", "DISABLE", "ENABLE", "DISABLE", "ENABLE"]
    assert all(a[3] for a in _audit(provisioner))


def test_a_re_enable_sends_the_mapped_user_type_over_the_remembered_licence(world: World) -> None:
    world.zoom.state.create_user(world.credentials.account_id, "lou@example.com", user_type="Basic")
    world.people.add_person("lou", employeeType="Licensed")
    mapping = Mapping.default().with_field("User Type", FieldMapping(("employeeType",)))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    world.people.disable("lou")
    provisioner.run_cycle()
    world.zoom.journal.clear()
    world.people.enable("lou")
    provisioner.run_cycle()
    (patch,) = [e for e in world.zoom.journal.entries() if e.route in _writes(world)]
    assert json.loads(patch.request_body)["active"] is True
    assert json.loads(patch.request_body).get("userType") == "Licensed"


def test_a_re_enable_without_user_update_is_skipped_with_a_warning(world: World) -> None:
    world.people.add_person("max")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    provisioner.run_cycle()
    world.people.disable("max")
    provisioner.run_cycle()
    world.people.enable("max")
    world.zoom.journal.clear()
    skipping = world.provisioner(store=store, options=ProvisioningOptions(update=False))
    summary = skipping.run_cycle()
    assert (summary.enabled, summary.skipped) == (0, 1) and _writes(world) == []
    assert skipping.records.warnings() == ["User Update is not selected: user max@example.com was not re-enabled"]
    assert world.zoom_users()["max@example.com"].status == "inactive"


def test_each_cycle_is_kept_with_its_times_and_summary(world: World) -> None:
    world.people.add_person("ned")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    start = world.zoom.clock.now()
    world.zoom.inject(route="scim.users.create", latency=5)  # the first cycle lasts 5 emulated seconds
    provisioner.run_cycle()
    world.zoom.clock.advance(60)
    provisioner.run_cycle()
    cycles = store.cycles()
    assert [(c["id"], c["started"], c["finished"]) for c in cycles] == [
        (1, start, start + 5), (2, start + 65, start + 65)]  # fmt: skip
    assert cycles[0]["summary"]["created"] == 1 and cycles[1]["summary"]["created"] == 0
    assert cycles[0]["summary"]["cycle_id"] == 1 and cycles[1]["summary"]["cycle_id"] == 2


def test_a_suppressed_action_leaves_no_audit_record_and_keeps_the_state(world: World) -> None:
    person = world.people.add_person("oz")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    provisioner.run_cycle()
    before = store.records()[person.guid]
    world.people.disable("oz")
    keeping = world.provisioner(store=store, options=ProvisioningOptions(remove=False))
    summary = keeping.run_cycle()
    assert (summary.disabled, summary.skipped, summary.failed) == (0, 1, 0)
    assert keeping.records.audit == []
    assert store.records()[person.guid] == before  # still active: a later cycle with Remove on acts
    assert world.provisioner(store=store).run_cycle().disabled == 1


def test_an_update_sends_the_change_records_it_and_is_quiet_next_cycle(world: World) -> None:
    person, store, provisioner = _provisioned(world, "pia", title="A")
    zoom_id = world.zoom_users()["pia@example.com"].id
    world.people.update("pia", title="B")
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 1
    assert _audit(provisioner)[-1] == ("UPDATE", person.guid, zoom_id, True, None)
    record = store.records()[person.guid]
    assert (record.sent["Title"], record.pending, record.cause) == ("B", False, None)
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 0 and world.zoom.journal.entries() == []


def test_an_unmapped_change_sends_nothing_and_is_not_looked_at_again(world: World) -> None:
    person, store, provisioner = _provisioned(world, "quin", title="A")
    world.people.update("quin", description="not mapped")
    world.zoom.journal.clear()
    summary = provisioner.run_cycle()
    assert (summary.updated, summary.skipped, summary.failed) == (0, 0, 0)
    assert len(provisioner.records.audit) == 1 and world.zoom.journal.entries() == []
    assert store.records()[person.guid].fingerprint == world.people.snapshot().entries[person.dn].fingerprint


def test_a_new_username_is_not_applied_and_says_so(world: World) -> None:
    person = world.people.add_person("rae", title="A")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.people.update("rae", mail="rae.new@example.com", title="B")
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 1
    assert provisioner.records.warnings()[-1] == (
        "Zoom keeps its userName: the new Username of user rae@example.com is not applied"
    )
    (put,) = [e for e in world.zoom.journal.entries() if e.route == "scim.users.replace"]
    # The work email follows the directory; the userName stays.
    assert json.loads(put.request_body) == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "title": "B",
        "emails": [{"primary": True, "type": "work", "value": "rae.new@example.com"}],
    }
    assert set(world.zoom_users()) == {"rae@example.com"} and person.uid == "rae"


def test_an_update_without_user_update_is_skipped_by_name(world: World) -> None:
    world.people.add_person("sid", title="A")
    store = SyncStore()
    world.provisioner(store=store).run_cycle()
    world.people.update("sid", title="B")
    skipping = world.provisioner(store=store, options=ProvisioningOptions(update=False))
    assert skipping.run_cycle().skipped == 1
    assert skipping.records.warnings() == ["User Update is not selected: user sid@example.com was not updated"]
    assert skipping.records.audit == [] and world.zoom_users()["sid@example.com"].title == "A"


def test_an_update_zoom_cannot_take_fails_with_the_reason(world: World) -> None:
    person = world.people.add_person("tam", employeeType="Basic")
    mapping = Mapping.default().with_field("User Type", FieldMapping(("employeeType",)))
    store = SyncStore()
    provisioner = world.provisioner(store=store, mapping=mapping)
    provisioner.run_cycle()
    zoom_id = world.zoom_users()["tam@example.com"].id
    world.people.update("tam", employeeType="Gold")
    world.zoom.journal.clear()
    assert provisioner.run_cycle().failed == 1 and _writes(world) == []
    cause = "User Type must be one of Basic, Licensed, On-Prem, not 'Gold'"
    assert _audit(provisioner)[-1] == ("UPDATE", person.guid, zoom_id, False, cause)


def test_an_update_keeps_the_licence_zoom_answered(world: World) -> None:
    person = world.people.add_person("uma", employeeType="Basic")
    mapping = Mapping.default().with_field("User Type", FieldMapping(("employeeType",)))
    store = SyncStore()
    provisioner = world.provisioner(store=store, mapping=mapping)
    provisioner.run_cycle()
    assert store.records()[person.guid].licence == "Basic"
    world.people.update("uma", employeeType="Licensed")
    provisioner.run_cycle()
    assert store.records()[person.guid].licence == "Licensed"


@pytest.mark.parametrize(
    ("masked", "shown"), [(False, "'Admin'; not sent: 'Member'"), (True, "'***'; not sent: '***'")]
)
def test_several_roles_on_an_update_send_the_first_and_warn_about_the_rest(
    world: World, masked: bool, shown: str
) -> None:
    world.people.add_person("val", employeeType="Member")
    mapping = Mapping.default().with_field("Roles", FieldMapping(("employeeType",), masked=masked))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    world.people.update("val", employeeType=["Admin", "Member"])
    world.zoom.journal.clear()
    assert provisioner.run_cycle().updated == 1
    assert provisioner.records.warnings() == [f"Zoom accepts a single Roles value: user val@example.com gets {shown}"]
    (put,) = [e for e in world.zoom.journal.entries() if e.route == "scim.users.replace"]
    assert json.loads(put.request_body)["roles"] == [{"value": "Admin", "primary": True}]


@pytest.mark.parametrize(
    ("route", "act", "event"),
    [
        ("scim.users.replace", lambda w: w.people.update("wes", title="B"), "UPDATE"),
        ("scim.users.patch", lambda w: w.people.disable("wes"), "DISABLE"),
    ],
    ids=["update", "disable"],
)
def test_a_call_slower_than_the_channel_timeout_fails_at_the_timeout(
    world: World, route: str, act: object, event: str
) -> None:
    person = world.people.add_person("wes", title="A")
    provisioner = world.provisioner(timeout=30)
    provisioner.run_cycle()
    zoom_id = world.zoom_users()["wes@example.com"].id
    act(world)  # type: ignore[operator]
    world.zoom.inject(route=route, latency=45, times=None)
    summary = provisioner.run_cycle()
    assert (summary.failed, summary.duration) == (1, 30.0)
    cause = "timeout: the operation exceeded the channel timeout of 30 s; skipped, retried next cycle"
    assert _audit(provisioner)[-1] == (event, person.guid, zoom_id, False, cause)


def test_a_new_username_alone_sends_nothing(world: World) -> None:
    world.people.add_person("yan", employeeEmail="yan@example.com")
    mapping = Mapping.default().with_field("Username", FieldMapping(("employeeEmail",)))
    provisioner = world.provisioner(mapping=mapping)
    provisioner.run_cycle()
    world.people.update("yan", employeeEmail="yan.new@example.com")
    world.zoom.journal.clear()
    summary = provisioner.run_cycle()
    assert (summary.updated, summary.failed) == (0, 0) and _writes(world) == []
    assert provisioner.records.warnings() == [
        "Zoom keeps its userName: the new Username of user yan@example.com is not applied"
    ]


@pytest.mark.parametrize(("action", "undone"), [("disable", "disabled"), ("delete", "deleted")])
def test_a_removal_without_user_disable_delete_is_skipped_by_name_and_reason(
    world: World, action: str, undone: str
) -> None:
    world.people.add_person("zed")
    store = SyncStore()
    world.provisioner(store=store).run_cycle()
    world.people.delete("zed")
    keeping = world.provisioner(store=store, options=ProvisioningOptions(remove=False, remove_action=action))
    assert keeping.run_cycle().skipped == 1
    (warning,) = keeping.records.warnings()
    assert warning.startswith("User Disable/Delete is not selected: user zed@example.com (")
    assert warning.endswith(f") was not {undone}") and world.zoom_users()["zed@example.com"].status == "active"


def test_a_deleted_user_is_forgotten_and_a_disabled_one_is_left_alone_next_cycle(world: World) -> None:
    gone, kept = world.people.add_person("ann"), world.people.add_person("ben")
    store = SyncStore()
    provisioner = world.provisioner(store=store, options=ProvisioningOptions(remove_action="delete"))
    provisioner.run_cycle()
    ids = {name: user.id for name, user in world.zoom_users().items()}
    world.people.delete("ann")
    assert provisioner.run_cycle().deleted == 1
    assert _audit(provisioner)[-1] == ("DELETE", gone.guid, ids["ann@example.com"], True, None)
    assert gone.guid not in store.records() and set(world.zoom_users()) == {"ben@example.com"}
    world.people.disable("ben")
    disabling = world.provisioner(store=store)
    assert disabling.run_cycle().disabled == 1
    record = store.records()[kept.guid]
    assert (record.status, record.pending, record.cause) == ("disabled", False, None)
    world.zoom.journal.clear()
    assert disabling.run_cycle().disabled == 0 and world.zoom.journal.entries() == []


def test_a_delete_slower_than_the_channel_timeout_fails_at_the_timeout(world: World) -> None:
    person = world.people.add_person("cy")
    provisioner = world.provisioner(timeout=30, options=ProvisioningOptions(remove_action="delete"))
    provisioner.run_cycle()
    zoom_id = world.zoom_users()["cy@example.com"].id
    world.people.delete("cy")
    world.zoom.inject(route="scim.users.delete", latency=45, times=None)
    assert provisioner.run_cycle().failed == 1
    cause = "timeout: the operation exceeded the channel timeout of 30 s; skipped, retried next cycle"
    assert _audit(provisioner)[-1] == ("DELETE", person.guid, zoom_id, False, cause)


def test_an_inactive_channel_provisions_nothing_and_logs_why(world: World) -> None:
    world.people.add_person("ivy")
    provisioner = world.provisioner(name="staff", active=False)
    summary = provisioner.run_cycle()
    assert str(summary) == ("cycle 1 channel staff: created 0, updated 0, disabled 0, re-enabled 0, deleted 0, "
                            "failed 0, skipped 0, 0.00 s")  # fmt: skip
    assert summary.to_dict()["active"] is False and summary.to_dict()["cycle_id"] == 1
    (line,) = [str(line) for line in provisioner.records.log]
    assert line.endswith(" INFO  [channel] Channel staff is inactive: nothing provisioned")
    assert line.startswith(_iso_now(world)) and world.zoom_users() == {}


def _iso_now(world: World) -> str:
    """The emulated clock's time to the second, as the log writes it."""
    return datetime.fromtimestamp(world.zoom.clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.")


def test_a_refused_activation_logs_every_cause(world: World) -> None:
    credentials = world.zoom.ready_account(scopes=["user:master"], domain="example.org")
    client = in_process_client(world.zoom, credentials)
    provisioner = world.provisioner(client=client, name="staff")
    with pytest.raises(ActivationRefused):
        provisioner.activate()
    (line,) = [str(line) for line in provisioner.records.log]
    assert " ERROR [channel] Channel staff not activated: the token lacks the scope user:read:admin (granular: " in line
    assert "; the token lacks the scope scim2 (granular: scim2:admin); " in line
    client.close()


def test_log_times_are_utc_with_a_z_whatever_the_machine_zone(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        provisioner = world.provisioner(active=False)
        provisioner.run_cycle()
        (line,) = [str(line) for line in provisioner.records.log]
        stamp = line.split(" ")[0]
        assert stamp.endswith("Z") and len(stamp) == 24 and stamp.startswith(_iso_now(world))
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_user_without_a_username_is_named_by_its_source(world: World) -> None:
    person = world.people.add_person("kay", mail=None)
    provisioner = world.provisioner()
    assert provisioner.run_cycle().failed == 1
    errors = [line.message for line in provisioner.records.log if line.level == "ERROR"]
    assert errors == [f"CREATE refused for source {person.guid}: Username is required and the source has no value "
                      "for it"]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda w: w.people.delete("zed"), "deleted from the datastore"),
        (lambda w: w.people.disable("zed"), "disabled in the datastore"),
        (lambda w: w.people.update("zed", ou="elsewhere"), "no longer in the source location"),
    ],
    ids=["deleted", "disabled", "moved-out"],
)
def test_a_suppressed_removal_names_why_the_user_would_go(world: World, change: object, reason: str) -> None:
    world.people.add_person("zed", ou="staff")
    store = SyncStore()
    location = SourceLocation(filter="(ou=staff)")
    world.provisioner(store=store, location=location).run_cycle()
    change(world)  # type: ignore[operator]
    keeping = world.provisioner(store=store, location=location, options=ProvisioningOptions(remove=False))
    assert keeping.run_cycle().skipped == 1
    assert keeping.records.warnings() == [
        f"User Disable/Delete is not selected: user zed@example.com ({reason}) was not disabled"
    ]


def test_a_user_refused_before_does_not_stop_the_users_after_it(world: World) -> None:
    world.people.add_person("aaa", mail="not-an-email")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    assert provisioner.run_cycle().failed == 1
    world.people.add_person("bbb")
    summary = provisioner.run_cycle()
    assert (summary.created, summary.failed) == (1, 0) and set(world.zoom_users()) == {"bbb@example.com"}


def test_a_failed_operation_is_an_error_of_the_user_workflow(world: World) -> None:
    person = world.people.add_person("eli", title="A")
    provisioner = world.provisioner()
    provisioner.run_cycle()
    world.people.update("eli", title="B")
    world.zoom.inject(route="scim.users.replace", status=400, body={"detail": "Nope."})
    assert provisioner.run_cycle().failed == 1
    (error,) = [line for line in provisioner.records.log if line.level == "ERROR"]
    assert error.section == "user workflow"
    assert error.message == f"UPDATE failed for user eli@example.com (source {person.guid}): Zoom answered 400: Nope."


def test_two_threads_provision_two_users_at_once(world: World) -> None:
    for uid in ("t1", "t2", "t3", "t4"):
        world.people.add_person(uid)
    in_flight = {"now": 0, "peak": 0}
    lock = threading.Lock()
    inner = world.zoom.transport()

    def counting(request: httpx.Request) -> httpx.Response:
        with lock:
            in_flight["now"] += 1
            in_flight["peak"] = max(in_flight["peak"], in_flight["now"])
        try:
            time.sleep(0.02 if request.method == "POST" and "/scim2/" in request.url.path else 0)
            return inner.handle_request(request)
        finally:
            with lock:
                in_flight["now"] -= 1

    client = ZoomClient(target_of(world.credentials), transport=httpx.MockTransport(counting),
                        clock=world.zoom.clock.now, sleep=world.zoom.clock.sleep)  # fmt: skip
    provisioner = world.provisioner(client=client, max_threads=2)
    assert provisioner.run_cycle().created == 4
    assert in_flight["peak"] == 2
    client.close()


def test_a_cycles_duration_is_the_time_it_took_to_the_millisecond(world: World) -> None:
    world.people.add_person("dur")
    world.zoom.inject(route="scim.users.create", latency=1.23456)
    assert world.provisioner().run_cycle().duration == 1.235


def test_a_failure_is_kept_in_the_state_with_its_cause_for_the_next_cycle(world: World) -> None:
    person, store, provisioner = _provisioned(world, "fay", title="A")
    world.people.update("fay", title="B")
    world.zoom.inject(route="scim.users.replace", status=400, body={"detail": "Nope."})
    provisioner.run_cycle()
    record = store.records()[person.guid]
    assert (record.pending, record.cause) == (True, "Zoom answered 400: Nope.")
    assert provisioner.records.warnings() == []  # an error is not a warning
    assert provisioner.run_cycle().updated == 1  # retried next cycle, unchanged source and all
    assert (store.records()[person.guid].pending, store.records()[person.guid].cause) == (False, None)


def test_a_refused_create_is_remembered_by_name_and_cause(world: World) -> None:
    person = world.people.add_person("gil", mail="gil-at-example")
    store = SyncStore()
    provisioner = world.provisioner(store=store)
    provisioner.run_cycle()
    cause = "Username must be an email address, not 'gil-at-example'"
    assert _audit(provisioner) == [("CREATE", person.guid, None, False, cause)]
    record = store.records()[person.guid]
    assert (record.user_name, record.cause, record.zoom_id) == ("gil-at-example", cause, None)
    audit = provisioner.records.audit[0].to_dict()
    assert audit["time"].endswith("Z") and audit["time"].startswith(_iso_now(world))
    assert {k: v for k, v in audit.items() if k != "time"} == {
        "cycle_id": 1, "channel_id": "zoom-users", "event_type": "CREATE", "source_id": person.guid,
        "target_id": None, "is_success": False, "non_success_cause": cause}  # fmt: skip


def test_a_multi_valued_attribute_sends_its_first_value(world: World) -> None:
    world.people.add_person("hal", title=["First", "Second"])
    world.provisioner().run_cycle()
    assert world.zoom_users()["hal@example.com"].title == "First"


@pytest.mark.parametrize("creations", [19, 20])
def test_many_creations_look_zoom_up_once_and_link_names_whatever_their_case(world: World, creations: int) -> None:
    world.zoom.state.create_user(world.credentials.account_id, "U0@Example.com")
    for number in range(creations):
        world.people.add_person(f"u{number}")
    summary = world.provisioner().run_cycle()
    assert (summary.created, summary.updated, summary.failed) == (creations - 1, 1, 0)
    lists = [e.url for e in world.zoom.journal.entries() if e.route == "scim.users.list"]
    lookups = [url for url in lists if "filter=" in url]
    # From 20 creations on, one listing of the account replaces a lookup per user.
    assert (len(lists) - len(lookups), len(lookups)) == ((1, 0) if creations >= 20 else (0, creations))
    assert len(world.zoom_users()) == creations

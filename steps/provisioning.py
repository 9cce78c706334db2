"""Steps of provisioning: the directory, the channel, cycles, and what Zoom holds afterwards."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pytest_bdd import given, parsers, then, when

from harness.bdd.world import World
from harness.directory.source import SourceLocation
from harness.provisioner.mapping import FieldMapping
from steps.app_setup import q
from steps.wire import CORE, ENTERPRISE, WIRE, on_wire

OPTION_NAMES = {"User Create": "create", "User Update": "update", "User Disable/Delete": "remove"}
SELECTED = {"selected": True, "cleared": False}


# -- the directory ----------------------------------------------------------------------------


@given("the directory has the users:")
def directory_users(world: World, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        values = dict(zip(header, row, strict=True))
        name = values.pop("user")
        world.people.add_person(
            world.names.uid(name), mail=world.names.email(name), **{k: v for k, v in values.items() if v}
        )


@given(parsers.re(rf"the directory has a user {q('name')} whose {q('attribute')} is {q('value')}"))
def user_with_attribute(world: World, name: str, attribute: str, value: str) -> None:
    if attribute == "mail":
        world.people.add_person(world.names.uid(name), mail=value or None)
    else:
        world.people.add_person(world.names.uid(name), mail=world.names.email(name), **{attribute: value or None})


@given(parsers.re(rf"the directory has a user {q('name')} whose {q('attribute')} values are {q('values')}"))
def user_with_values(world: World, name: str, attribute: str, values: str) -> None:
    world.people.add_person(
        world.names.uid(name), mail=world.names.email(name), **{attribute: [v.strip() for v in values.split(",")]}
    )


@given(parsers.re(rf"the directory has a user {q('name')} whose work email is {q('local')}"))
def user_with_work_email(world: World, name: str, local: str) -> None:
    world.people.add_person(world.names.uid(name), mail=world.names.email(name), workEmail=world.names.email(local))


@given(parsers.parse("the directory has {count:d} generated users"))
@when(parsers.parse("{count:d} generated users join the directory"))
def generated_users(world: World, count: int) -> None:
    for _ in range(count):
        generated_user_joins(world)


@when(parsers.re(rf"{q('name')} joins the directory"))
def user_joins(world: World, name: str) -> None:
    world.people.add_person(world.names.uid(name), mail=world.names.email(name))


@when("a generated user joins the directory")
def generated_user_joins(world: World) -> None:
    name = f"gen{len(world.generated) + 1}"
    world.people.add_person(world.names.uid(name), mail=world.names.email(name))
    world.generated.append(name)


@given(parsers.re(rf"the directory has the group {q('group')} with the members {q('members')}"))
def directory_group(world: World, group: str, members: str) -> None:
    world.people.add_group(group, [world.names.uid(m.strip()) for m in members.split(",")])


@given(parsers.re(rf"the directory changes the {q('attribute')} of {q('name')} to {q('value')}"))
@when(parsers.re(rf"the directory changes the {q('attribute')} of {q('name')} to {q('value')}"))
def change_attribute(world: World, attribute: str, name: str, value: str) -> None:
    world.people.update(world.names.uid(name), **{attribute: value})


@when(parsers.re(rf"the directory changes the {q('attribute')} values of {q('name')} to {q('values')}"))
def change_values(world: World, attribute: str, name: str, values: str) -> None:
    world.people.update(world.names.uid(name), **{attribute: [v.strip() for v in values.split(",")]})


@when(parsers.re(rf"the directory clears the {q('attribute')} of {q('name')}"))
def clear_attribute(world: World, attribute: str, name: str) -> None:
    world.people.update(world.names.uid(name), **{attribute: None})


@given(parsers.re(rf"{q('name')} is disabled in the directory"))
@when(parsers.re(rf"{q('name')} is disabled in the directory"))
def disable(world: World, name: str) -> None:
    world.people.disable(world.names.uid(name))


@given(parsers.re(rf"{q('name')} was disabled in Zoom by an earlier cycle"))
def disabled_earlier(world: World, name: str) -> None:
    world.channel.run_cycle()
    disable(world, name)
    world.channel.run_cycle()
    assert world.api.user(name) is not None and world.api.user(name)["active"] is False


@when(parsers.re(rf"{q('name')} joins the directory with the title {q('title')}"))
def joins_with_title(world: World, name: str, title: str) -> None:
    world.people.add_person(world.names.uid(name), mail=world.names.email(name), title=title)


@when(parsers.re(rf"{q('name')} is enabled in the directory again"))
def enable(world: World, name: str) -> None:
    world.people.enable(world.names.uid(name))


@when(parsers.re(rf"{q('name')} is deleted from the directory"))
def delete(world: World, name: str) -> None:
    world.deleted[name] = world.people.person(world.names.uid(name)).guid
    world.people.delete(world.names.uid(name))


@when(parsers.re(rf"{q('name')} no longer meets the source location"))
def leave_filter(world: World, name: str) -> None:
    world.people.update(world.names.uid(name), ou="Alumni")


@when(parsers.re(rf"{q('name')} joins the group {q('group')}"))
def join_group(world: World, name: str, group: str) -> None:
    world.people.add_member(group, world.names.uid(name))


@when(parsers.re(rf"{q('name')} leaves the group {q('group')}"))
def leave_group(world: World, name: str, group: str) -> None:
    world.people.remove_member(group, world.names.uid(name))


# -- the channel ------------------------------------------------------------------------------


@given(parsers.re(rf"the channel maps {q('field')} from the directory attribute {q('attribute')}"))
def map_field(world: World, field: str, attribute: str) -> None:
    world.channel.map_field(field, FieldMapping((attribute,)))


#: PingFederate's processing options (reference §14.4), as a scenario names them.
PROCESSING = {
    "Trim": {"trim": True},
    "Upper case": {"case": "upper"},
    "Lower case": {"case": "lower"},
    "Extract CN from DN": {"parser": "cn_from_dn"},
    "Extract Username from Email": {"parser": "username_from_email"},
    "Create Only": {"create_only": True},
    "Mask Log Values": {"masked": True},
}


_OPTION = "|".join(map(re.escape, PROCESSING))


@given(parsers.re(rf"the channel maps {q('field')} from the directory attribute {q('attribute')} "
                  rf"with (?P<options>(?:{_OPTION})(?:, (?:{_OPTION}))*)"))  # fmt: skip
def map_field_processed(world: World, field: str, attribute: str, options: str) -> None:
    chosen: dict[str, object] = {}
    for option in options.split(", "):
        chosen.update(PROCESSING[option])
    world.channel.map_field(field, FieldMapping((attribute,), **chosen))  # type: ignore[arg-type]


@given(parsers.re(rf"the channel maps {q('field')} from the directory attributes {q('attributes')} "
                  rf"with the default value {q('default')}"))  # fmt: skip
def map_field_with_default(world: World, field: str, attributes: str, default: str) -> None:
    names = tuple(a.strip() for a in attributes.split(","))
    world.channel.map_field(field, FieldMapping(names, default=default))


@given(parsers.re(rf"the channel's source location is the filter {q('ldap_filter')}"))
def location_filter(world: World, ldap_filter: str) -> None:
    world.channel.set_location(SourceLocation(filter=ldap_filter))


@given(parsers.re(rf"the channel's source location is the group {q('group')} with the members {q('members')}"))
def location_group(world: World, group: str, members: str) -> None:
    group_dn = world.people.add_group(group, [world.names.uid(m.strip()) for m in members.split(",")])
    world.channel.set_location(SourceLocation(group_dn=group_dn))


@given(parsers.re(rf"the Remove User Action is {q('action')}"))
def remove_action(world: World, action: str) -> None:
    world.channel.set_options(remove_action=action.lower())


@given(parsers.parse("{option} is cleared"))
def clear_option(world: World, option: str) -> None:
    world.channel.set_options(**{OPTION_NAMES[option]: False})


@given(
    parsers.parse(
        "the provisioning options are User Create {create}, User Update {update}, User Disable/Delete {remove}"
    )
)
def options_matrix(world: World, create: str, update: str, remove: str) -> None:
    world.channel.set_options(create=SELECTED[create], update=SELECTED[update], remove=SELECTED[remove])


@then("the provisioning options are:")
def options_are(world: World, datatable: list[list[str]]) -> None:
    options = world.channel.options
    shown = {
        "User Create": "selected" if options.create else "cleared",
        "User Update": "selected" if options.update else "cleared",
        "User Disable/Delete": "selected" if options.remove else "cleared",
        "Remove User Action": options.remove_action.capitalize(),
    }
    assert {row[0]: row[1] for row in datatable[1:]} == shown


@given(parsers.parse("the channel timeout is {seconds:d} seconds"))
def channel_timeout(world: World, seconds: int) -> None:
    world.channel.set(timeout=float(seconds))


@given(parsers.parse("the channel's Max Threads is {threads:d}"))
def max_threads(world: World, threads: int) -> None:
    world.channel.set(max_threads=threads)


@given("the provisioner keeps its sync state in a file")
def state_in_file(world: World, tmp_path: Path) -> None:
    world.channel.keep_state_in(str(tmp_path / "provisioner.sqlite"))


@when("the provisioner is restarted on the same sync state")
def restart(world: World) -> None:
    world.channel.restart()


# -- cycles -----------------------------------------------------------------------------------


@given("a provisioning cycle has run")
@when("a provisioning cycle runs")
def cycle(world: World) -> None:
    world.channel.run_cycle()


@then(parsers.parse("the cycle created {created:d}, updated {updated:d} and disabled {disabled:d} users"))
def cycle_counts(world: World, created: int, updated: int, disabled: int) -> None:
    summary = world.channel.last_summary
    assert (summary.created, summary.updated, summary.disabled) == (created, updated, disabled), str(summary)


@then(parsers.re(r"the cycle failed (?P<failed>\d+) operations?"))
def cycle_failed(world: World, failed: str) -> None:
    assert world.channel.last_summary.failed == int(failed), str(world.channel.last_summary)


@then("the channel summary reports:")
def summary_reports(world: World, datatable: list[list[str]]) -> None:
    summary = world.channel.records.summaries[-1].to_dict()
    for count, value in datatable[1:]:
        assert summary[count] == int(value), (count, summary)


@then(parsers.parse("the channel summary reports a duration of {seconds:d} seconds"))
def summary_duration(world: World, seconds: int) -> None:
    """In-process the clock is the emulator's, moved by exactly the injected latencies; served,
    the scaled latencies are real waits, and the cycle's own work adds a little."""
    duration = world.channel.records.summaries[-1].duration
    expected = world.zoom.seconds(seconds)
    if world.zoom.in_process:
        assert abs(duration - expected) < 0.001, duration
    else:
        assert expected <= duration < expected + 1.0, duration


# -- what Zoom holds --------------------------------------------------------------------------


@then(parsers.re(rf"Zoom has the user {q('name')}"))
def zoom_has(world: World, name: str) -> None:
    assert world.api.user(name) is not None, f"{world.names.email(name)} is not in Zoom"


@given(parsers.re(rf"Zoom has no user {q('name')}"))
@then(parsers.re(rf"Zoom has no user {q('name')}"))
def zoom_has_not(world: World, name: str) -> None:
    assert world.api.user(name) is None, f"{world.names.email(name)} is in Zoom"


@then(parsers.re(rf"Zoom has a user with the username of {q('name')}"))
def zoom_has_username(world: World, name: str) -> None:
    assert world.zoom.client.find_user(world.names.email(name)) is not None


@then(parsers.re(rf"Zoom holds exactly one user {q('name')}"))
def exactly_one(world: World, name: str) -> None:
    page = world.api.scim("GET", "/scim2/Users", params={"filter": f'userName eq "{world.names.email(name)}"'})
    assert page.body["totalResults"] == 1, page.body


@then(parsers.parse("Zoom holds {count:d} generated users"))
def generated_in_zoom(world: World, count: int) -> None:
    assert sum(1 for name in world.generated if world.api.user(name) is not None) == count


@when(parsers.parse("the provisioner is stopped after {creations:d} operations of a cycle"))
def stopped_mid_cycle(world: World, creations: int) -> None:
    world.channel.stop_after(creations)


@then("every generated user is in Zoom exactly once")
def every_generated_once(world: World) -> None:
    for name in world.generated:
        exactly_one(world, name)


@given(parsers.re(rf"the Zoom user {q('name')} is (?P<status>active|inactive|deleted)"))
@then(parsers.re(rf"the Zoom user {q('name')} is (?P<status>active|inactive|deleted)"))
def zoom_status(world: World, name: str, status: str) -> None:
    user = world.api.user(name)
    if status == "deleted":
        assert user is None, f"{name} is still in Zoom"
        return
    assert user is not None, f"{name} is not in Zoom"
    assert user["active"] is (status == "active"), user


@given(parsers.re(rf"the Zoom user {q('name')} has the {q('field')} {q('value')}"))
@then(parsers.re(rf"the Zoom user {q('name')} has the {q('field')} {q('value')}"))
def zoom_field(world: World, name: str, field: str, value: str) -> None:
    user = world.api.user(name)
    assert user is not None, f"{name} is not in Zoom"
    assert WIRE[field][1](user) == on_wire(field, value), user


@then(parsers.re(rf"in Zoom {q('name')} is (?P<state>active|inactive|absent|titled {q('title')})"))
def zoom_state(world: World, name: str, state: str, title: str | None) -> None:
    user = world.api.user(name)
    if state == "absent":
        assert user is None, user
        return
    assert user is not None, f"{name} is not in Zoom"
    if title is not None:
        assert user.get("title") == title, user
    else:
        assert user["active"] is (state == "active"), user


@then(parsers.re(rf"the Zoom user {q('name')} has the (?P<kind>email|username) of {q('other')}"))
def zoom_email(world: World, name: str, kind: str, other: str) -> None:
    user = world.api.user(name)
    assert user is not None
    assert WIRE["Email" if kind == "email" else "Username"][1](user) == world.names.email(other), user


@given(parsers.re(rf"Zoom already has the user {q('name')} with the title {q('title')}"))
def zoom_already_has(world: World, name: str, title: str) -> None:
    world.api.seed_user(name, title=title)


@given(parsers.re(rf"Zoom already has the inactive user {q('name')} with the title {q('title')}"))
def zoom_already_has_inactive(world: World, name: str, title: str) -> None:
    world.api.seed_user(name, title=title, active=False)


@given(parsers.re(rf"Zoom already has the users {q('names')}"))
def zoom_already_has_users(world: World, names: str) -> None:
    for name in names.split(","):
        world.api.seed_user(name.strip())


@given(parsers.parse("Zoom already has {count:d} users the directory does not know"))
def zoom_has_outsiders(world: World, count: int) -> None:
    for number in range(1, count + 1):
        world.api.seed_user(f"outsider{number}")


@then(parsers.re(rf"the Zoom user {q('name')} is the one that existed before"))
def same_user(world: World, name: str) -> None:
    user = world.api.user(name)
    assert user is not None and user["id"] == world.api.seeded[name]


@then("no Zoom user was created")
def none_created(world: World) -> None:
    assert world.channel.last_summary.created == 0
    assert not [w for w in world.api.writes_since(world.channel.cycle_started_at) if w.method == "POST"]


@then(parsers.re(rf"Zoom has no group {q('group')}"))
def no_group(world: World, group: str) -> None:
    page = world.api.scim("GET", "/scim2/Groups", params={"filter": f'displayName eq "{group}"'})
    assert page.status == 200 and page.body["totalResults"] == 0, page.body


@then(parsers.re(rf"the creation of {q('name')} sent Zoom the {q('field')} {q('value')}"))
def created_with(world: World, name: str, field: str, value: str) -> None:
    (body,) = world.api.sent_for(name)
    assert WIRE[field][1](body) == on_wire(field, value), body


@then(parsers.re(rf"the last update sent to Zoom carried only the {q('field')} {q('value')}"))
def update_carried_only(world: World, field: str, value: str) -> None:
    updates = [w for w in world.api.writes_since(world.channel.cycle_started_at) if w.method == "PUT"]
    assert len(updates) == 1, updates
    sent = json.loads(updates[0].request_body)
    key, read = WIRE[field]
    assert set(sent) == {"schemas", key}, sent
    assert read(sent) == on_wire(field, value), sent
    assert sent["schemas"] == ([CORE, ENTERPRISE] if key == ENTERPRISE else [CORE]), sent


@then(parsers.re(rf"re-enabling {q('name')} sent Zoom one request, carrying active true and the User Type {q('kind')}"))
def reenabled_once(world: World, name: str, kind: str) -> None:
    user = world.api.user(name)
    assert user is not None
    writes = [w for w in world.api.writes_since(world.channel.cycle_started_at) if user["id"] in w.url]
    assert len(writes) == 1, writes
    body = json.loads(writes[0].request_body)
    assert body.get("active") is True and body.get("userType") == kind, body


@then("nothing was written to Zoom in the last cycle")
def nothing_written(world: World) -> None:
    assert world.api.writes_since(world.channel.cycle_started_at) == []


@then(parsers.re(rf"no request sent to Zoom carried the role {q('role')}"))
def role_not_sent(world: World, role: str) -> None:
    for exchange in world.api.exchanges():
        if exchange.method in ("POST", "PUT", "PATCH"):
            assert role not in exchange.request_body, exchange.request_body


@given(parsers.re(rf"an administrator makes {q('name')} a {q('kind')} user in Zoom"))
def licensed_in_zoom(world: World, name: str, kind: str) -> None:
    answer = world.api.scim("PUT", f"/scim2/Users/{world.api.user_id(name)}",
                            json={"schemas": [CORE], "userType": kind})  # fmt: skip
    assert answer.status == 200, answer


@given(parsers.re(rf"Zoom gives {q('name')} the role {q('role')}"))
def give_role(world: World, name: str, role: str) -> None:
    world.api.give_role(name, role)


# -- the provisioner's records ----------------------------------------------------------------


@then(parsers.re(rf"the provisioner log warns in the user workflow section that {q('text')}"))
def log_warns(world: World, text: str) -> None:
    warnings = world.channel.records.warnings()
    assert any(text in w for w in warnings), warnings


@then(parsers.re(rf"the provisioner log never shows {q('text')}"))
def log_never_shows(world: World, text: str) -> None:
    lines = [str(line) for line in world.channel.records.log]
    assert lines and not [line for line in lines if text in line], lines


@then(parsers.re(rf"the provisioner log gives the reason {q('text')}"))
def log_reason(world: World, text: str) -> None:
    lines = [str(line) for line in world.channel.records.log]
    assert any(text in line for line in lines), lines


@then(parsers.re(rf"the audit log records a (?P<outcome>successful|failed) (?P<event>[A-Z]+) for {q('name')}"))
def audit_has(world: World, outcome: str, event: str, name: str) -> None:
    _audit(world, outcome, event, name)


@then(parsers.re(rf"the audit log records a failed (?P<event>[A-Z]+) for {q('name')} naming {q('text')}"))
def audit_failed_naming(world: World, event: str, name: str, text: str) -> None:
    record = _audit(world, "failed", event, name)
    assert text in (record.non_success_cause or ""), record


def _audit(world: World, outcome: str, event: str, name: str):  # type: ignore[no-untyped-def]
    guid = world.deleted.get(name) or world.people.person(world.names.uid(name)).guid
    matching = [a for a in world.channel.records.audit if a.source_id == guid and a.event_type == event]
    assert matching, [a.to_dict() for a in world.channel.records.audit]
    record = matching[-1]
    assert record.is_success is (outcome == "successful"), record
    return record


@then(
    parsers.re(
        rf"the audit record of the creation of {q('name')} names the user's directory GUID and Zoom id, "
        rf"the channel {q('channel')} and cycle (?P<cycle>\d+)"
    )
)
def audit_values(world: World, name: str, channel: str, cycle: str) -> None:
    record = _audit(world, "successful", "CREATE", name)
    zoom_user = world.api.user(name)
    assert zoom_user is not None
    assert (record.source_id, record.target_id) == (world.people.person(world.names.uid(name)).guid, zoom_user["id"]), (
        record
    )
    assert (record.channel_id, record.cycle_id, record.non_success_cause) == (channel, int(cycle), None), record
    assert world.channel.cycle_clock <= record.time <= world.zoom.now(), (record.time, world.channel.cycle_clock)


@then(parsers.re(rf"the creation of {q('name')} sent Zoom the user's email as the primary work email"))
def created_with_email(world: World, name: str) -> None:
    (body,) = world.api.sent_for(name)
    assert body.get("emails") == [{"type": "work", "value": world.names.email(name), "primary": True}], body


@given(parsers.parse("Zoom takes {milliseconds:d} milliseconds to answer each call"))
def slow_calls(world: World, milliseconds: int) -> None:
    world.channel.hold_calls(milliseconds / 1000)


@then(parsers.parse("the most calls to Zoom in flight at once was {threads:d}"))
def most_in_flight(world: World, threads: int) -> None:
    assert world.channel.most_in_flight == threads, world.channel.most_in_flight


@then("the last cycle wrote no audit record")
def no_audit(world: World) -> None:
    cycle = world.channel.last_summary.cycle_id
    assert not [a for a in world.channel.records.audit if a.cycle_id == cycle], world.channel.records.audit


@then("every audit record has the fields:")
def audit_fields(world: World, datatable: list[list[str]]) -> None:
    expected = {row[0] for row in datatable[1:]}
    assert world.channel.records.audit
    for record in world.channel.records.audit:
        assert set(record.to_dict()) == expected


@then(parsers.re(r"the provisioner asked for (?P<count>\d+) access tokens?"))
def token_requests(world: World, count: str) -> None:
    assert world.channel.token_requests() == int(count)


@then(parsers.parse("at most {threads:d} calls to Zoom were in flight at once"))
def in_flight(world: World, threads: int) -> None:
    assert 1 <= world.channel.most_in_flight <= threads, world.channel.most_in_flight


@then(parsers.re(r"the provisioner waited at least (?P<seconds>\d+) seconds?"))
def waited(world: World, seconds: str) -> None:
    assert world.channel.cycle_waited >= int(seconds), world.channel.cycle_waited


@then(parsers.re(r"the cycle ended within (?P<seconds>\d+) seconds?"))
def ended_within(world: World, seconds: str) -> None:
    # In-process, Zoom's clock moves only by what the scenario does: the bound is exact (up to a
    # float's rounding). Where real time passes too, the calls themselves take a little beyond it.
    slack = 0.0 if world.zoom.in_process else 1.0
    assert round(world.channel.cycle_waited, 6) <= int(seconds) + slack, world.channel.cycle_waited


@then("no call was refused for an expired token")
def no_expired(world: World) -> None:
    assert not [e for e in world.api.exchanges() if e.status == 401]

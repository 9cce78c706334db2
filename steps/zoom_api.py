"""Steps on Zoom's own wire behaviour: raw SCIM calls, tokens, faults and the clock."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.bdd.world import World
from steps.app_setup import q
from steps.wire import CORE, WIRE, on_wire

FAULTS = {
    "answers 500": {"status": 500},
    "answers 503": {"status": 503},
    "answers 502": {"status": 502},
    "times out": {"latency": 45},
    "drops the connection": {"drop": True},
}


@given(parsers.parse("Zoom answers every user creation after {seconds:d} seconds for the next {times:d} calls"))
def slow_creates(world: World, seconds: int, times: int) -> None:
    world.zoom.inject(route="scim.users.create", latency=world.zoom.seconds(seconds), times=times)


#: The SCIM routes of each kind of operation, in the Gherkin's words.
OPERATIONS = {"user creation": "scim.users.create", "user update": "scim.users.replace",
              "deactivation": "scim.users.patch", "deletion": "scim.users.delete"}  # fmt: skip


@given(parsers.parse("Zoom answers every {operation} after {seconds:d} seconds"))
def slow_operations_until_cleared(world: World, operation: str, seconds: int) -> None:
    world.zoom.inject(route=OPERATIONS[operation], latency=world.zoom.seconds(seconds), times=None)


@given(parsers.parse("Zoom answers every user creation with status {status:d}"))
def failing_creates(world: World, status: int) -> None:
    world.zoom.inject(route="scim.users.create", status=status, times=None)


@when("Zoom answers user creations promptly again")
@when("Zoom answers promptly again")
def prompt_again(world: World) -> None:
    world.zoom.clear_faults()


@given(parsers.parse("Zoom refuses the next {times:d} user creations with status {status:d}"))
def refuse_creates(world: World, times: int, status: int) -> None:
    body = {"code": 300, "message": "Injected refusal."}
    world.zoom.inject(route="scim.users.create", status=status, body=body, times=times)


def _fault(world: World, fault: str) -> dict[str, object]:
    """A fault of the Gherkin's words, its latency lived on this target's time scale."""
    spec = dict(FAULTS[fault])
    if "latency" in spec:
        spec["latency"] = world.zoom.seconds(spec["latency"])
    return spec


@given(parsers.parse("Zoom {fault} on the next {times:d} user creations, {when} applying them"))
def faulty_creates(world: World, fault: str, times: int, when: str) -> None:
    spec = _fault(world, fault)
    world.zoom.inject(route="scim.users.create", times=times, applied=when == "after", **spec)


@given(parsers.parse("Zoom {fault} on the next deletion, {when} applying it"))
def faulty_deletion(world: World, fault: str, when: str) -> None:
    world.zoom.inject(route="scim.users.delete", times=1, applied=when == "after", **_fault(world, fault))


@given(parsers.parse("Zoom holds the next user creation past the channel timeout, {when} applying it"))
def creation_held(world: World, when: str) -> None:
    # The channel timeout passes on Zoom's clock while the creation is held: the call times out,
    # and no time is left to look the user up after it.
    timeout = world.channel.timeout
    world.zoom.inject(route="scim.users.create", latency=world.zoom.seconds(2 * timeout),
                      advance_clock=world.zoom.seconds(timeout), applied=when == "after")  # fmt: skip


@given(parsers.parse("Zoom answers the next user creation with 429 and a Retry-After of {seconds:d} seconds as {form}"))
def rate_limited_creates(world: World, seconds: int, form: str) -> None:
    world.zoom.inject(route="scim.users.create", status=429, retry_after=seconds, retry_after_form=form, times=1)


@given("Zoom answers the next user creation with 429 and a Retry-After longer than the channel timeout")
def rate_limited_past_timeout(world: World) -> None:
    # Four channel timeouts on this target's time scale: a Retry-After to give up on, not to wait for.
    seconds = world.zoom.seconds(4 * world.channel.timeout)
    world.zoom.inject(route="scim.users.create", status=429, retry_after=seconds, retry_after_form="seconds", times=1,
                      waited=False)  # fmt: skip


@given("Zoom answers the next user creation with 429 for its per-second limit, without a Retry-After")
def per_second_limited_create(world: World) -> None:
    # zoom-api.md §5.2: Zoom does not always send Retry-After; a per-second (QPS) limit turns within a second.
    world.zoom.inject(route="scim.users.create", status=429, times=1)


@given("Zoom answers the next user creation with 429 for its daily limit")
def daily_limited_create(world: World) -> None:
    # zoom-api.md §5: a daily limit's 429 says X-RateLimit-Type Daily-limit and, as Retry-After, the
    # date of the next midnight (GMT) when calls may resume.
    until_midnight = 86_400 - world.zoom.now() % 86_400
    world.zoom.inject(route="scim.users.create", status=429, retry_after=until_midnight, retry_after_form="date",
                      headers={"X-RateLimit-Type": "Daily-limit"}, times=1, waited=False)  # fmt: skip


RATE_LIMITED = r"Zoom answers the next (?P<times>\d+) calls with 429 and a Retry-After of (?P<seconds>\d+) seconds?"


@given(parsers.re(RATE_LIMITED + r" as (?P<form>\w+)"))
def rate_limited_calls(world: World, times: str, seconds: str, form: str) -> None:
    world.zoom.inject(route="scim.*", status=429, retry_after=int(seconds), retry_after_form=form, times=int(times))


@given(parsers.parse("Zoom revokes every token after the next {creations:d} user creations"))
def revoke_mid_cycle(world: World, creations: int) -> None:
    world.zoom.inject(route="scim.users.create", invalidate_tokens=True, after=creations)


@given(parsers.parse("Zoom's clock moves {seconds:d} seconds on at the next user creation"))
def clock_moves(world: World, seconds: int) -> None:
    world.zoom.inject(route="scim.users.create", advance_clock=float(seconds))


@when("the provisioning app is deactivated in the Marketplace")
def deactivate_provisioning_app(world: World) -> None:
    world.marketplace.set_provisioning_app_active(False)


@when("the provisioning app is activated again")
def activate_provisioning_app(world: World) -> None:
    world.marketplace.set_provisioning_app_active(True)


@given(parsers.re(r"Zoom (?P<fault>.+) on every (?P<every>\d+)(?:st|nd|rd|th) call for the next (?P<calls>\d+) calls"))
def spread_faults(world: World, fault: str, every: str, calls: str) -> None:
    spec = _fault(world, fault)
    hits = int(calls) // int(every)
    world.zoom.inject(route="scim.*", every=int(every), times=hits, applied=True, **spec)


@given("Zoom invalidates every token at the next user creation")
def invalidate_tokens(world: World) -> None:
    world.zoom.inject(route="scim.users.create", invalidate_tokens=True)


@when("an hour passes on Zoom's clock")
def hour_passes(world: World) -> None:
    world.zoom.require_emulator().advance_clock(3600)


@given("Zoom's clock stands still")
def clock_still(world: World) -> None:
    world.zoom.require_emulator().freeze_clock()


@given("a token of the provisioning app")
def saved_token(world: World) -> None:
    world.marketplace.saved_token = world.marketplace.token_value()


@when(parsers.re(rf"Zoom's SCIM users are listed with the token {q('token')}"))
def list_with_token(world: World, token: str) -> None:
    world.api.raw("GET", "/scim2/Users", token=token)


@when("Zoom's SCIM users are listed with that token")
def list_with_saved_token(world: World) -> None:
    world.api.raw("GET", "/scim2/Users", token=world.marketplace.saved_token)


@when("Zoom's SCIM users are listed with a token of that app")
def list_with_other_app(world: World) -> None:
    assert world.marketplace.other_target is not None
    world.api.raw("GET", "/scim2/Users", token=world.marketplace.token_value(world.marketplace.other_target))


@when(parsers.parse("Zoom's SCIM users are listed from index {start:d}, {count:d} at a time"))
def list_page(world: World, start: int, count: int) -> None:
    world.api.scim("GET", "/scim2/Users", params={"startIndex": start, "count": count})


@when(parsers.re(rf"Zoom's SCIM users are filtered by the username of {q('name')}"))
def list_filtered(world: World, name: str) -> None:
    world.api.scim("GET", "/scim2/Users", params={"filter": f'userName eq "{world.names.email(name)}"'})


@when(parsers.parse("Zoom's SCIM users are listed {times:d} times in one second"))
def list_many(world: World, times: int) -> None:
    token = world.marketplace.token_value()
    for _ in range(times):
        world.api.raw("GET", "/scim2/Users", token=token)


@when(parsers.re(rf"a SCIM user {q('name')} is created again"))
def create_again(world: World, name: str) -> None:
    world.api.scim(
        "POST", "/scim2/Users", json={"schemas": [CORE], "userName": world.names.email(name)}, idempotent=False
    )


@when(parsers.re(rf"the SCIM user {q('name')} is patched to active {q('active')}"))
def patch_active(world: World, name: str, active: str) -> None:
    user = world.api.user(name)
    assert user is not None
    world.zoom.client.set_active(user["id"], active == "true")


@when(parsers.re(rf"the SCIM user {q('name')} is deleted"))
def delete_user(world: World, name: str) -> None:
    world.api.delete(name)


@then(parsers.re(rf"fetching the SCIM user {q('name')} by id answers (?P<status>\d+)"))
def fetch_by_id(world: World, name: str, status: str) -> None:
    answer = world.api.scim("GET", f"/scim2/Users/{world.api.deleted_id}")
    assert answer.status == int(status), answer


@then(parsers.re(r"Zoom answers (?P<status>\d+)$"))
def answers(world: World, status: str) -> None:
    assert world.api.last_answer is not None and world.api.last_answer.status == int(status), world.api.last_answer


@then(parsers.re(r"Zoom answers (?P<status>\d+) with code (?P<code>\d+)$"))
def answers_code(world: World, status: str, code: str) -> None:
    answer = world.api.last_answer
    assert answer is not None and answer.status == int(status), answer
    assert answer.body["code"] == int(code)


@then(parsers.re(rf"Zoom answers (?P<status>\d+) with code (?P<code>\d+) saying {q('message')}"))
def answers_message(world: World, status: str, code: str, message: str) -> None:
    answers_code(world, status, code)
    assert world.api.last_answer is not None and world.api.last_answer.body["message"] == message


@then(parsers.re(rf"Zoom answers (?P<status>\d+) with code (?P<code>\d+) naming the scope {q('scope')}"))
def answers_scope(world: World, status: str, code: str, scope: str) -> None:
    answers_code(world, status, code)
    assert world.api.last_answer is not None and f"[{scope}]" in world.api.last_answer.body["message"]


@when(parsers.parse("Zoom's SCIM users are listed page by page, {count:d} at a time, from index 1 to the last"))
def list_all_pages(world: World, count: int) -> None:
    world.api.list_pages(count)


@then(parsers.re(rf"every user of the account was listed exactly once, among them {q('names')}"))
def listed_once(world: World, names: str) -> None:
    pages = world.api.pages
    ids = [user["id"] for page in pages for user in page["Resources"]]
    assert len(ids) == len(set(ids)) == pages[0]["totalResults"], [p["Resources"] for p in pages]
    listed = {user["userName"] for page in pages for user in page["Resources"]}
    assert {world.names.email(n.strip()) for n in names.split(",")} <= listed, listed


@then(parsers.parse("every page but the last held {count:d} users"))
def full_pages(world: World, count: int) -> None:
    pages = world.api.pages
    for page in pages[:-1]:
        assert page["itemsPerPage"] == len(page["Resources"]) == count, page
    assert 1 <= len(pages[-1]["Resources"]) <= count, pages[-1]


@then(parsers.parse("the list starts at index {start:d} with {count:d} users"))
def list_starts(world: World, start: int, count: int) -> None:
    body = world.api.last_answer.body if world.api.last_answer else {}
    assert body["startIndex"] == start and body["itemsPerPage"] == count == len(body["Resources"]), body
    assert body["totalResults"] >= count


@then(parsers.re(rf"the list holds exactly the user {q('name')}"))
def list_holds(world: World, name: str) -> None:
    body = world.api.last_answer.body if world.api.last_answer else {}
    assert [u["userName"] for u in body["Resources"]] == [world.names.email(name)], body


@then("the list is empty")
def list_empty(world: World) -> None:
    body = world.api.last_answer.body if world.api.last_answer else {}
    assert body["totalResults"] == 0 and body["Resources"] == [], body


@then("the answer carries the rate-limit headers:")
def rate_headers(world: World, datatable: list[list[str]]) -> None:
    """Each header with its value; ``N or fewer`` for a count that other calls may have spent."""
    assert world.api.last_answer is not None
    headers = world.api.last_answer.headers
    for name, value in datatable[1:]:
        assert name in headers, dict(headers)
        if value.endswith(" or fewer"):
            assert 0 <= int(headers[name]) <= int(value.split()[0]), (name, headers[name])
        else:
            assert headers[name] == value, (name, headers[name])


@then(parsers.re(rf"the last answer is (?P<status>\d+) with code (?P<code>\d+) and the message {q('message')}"))
def last_answer(world: World, status: str, code: str, message: str) -> None:
    answers_message(world, status, code, message)


# -- one role, list shapes, REST updates (ZM-11 to ZM-13) ---------------------------------------


@when(parsers.re(rf"the SCIM user {q('name')} is given the role {q('role')}"))
def give_scim_role(world: World, name: str, role: str) -> None:
    world.api.scim_set_roles(name, [{"value": role}])


@when(parsers.re(rf"Zoom's SCIM record of {q('name')} is written back with the roles it shows"))
def write_back_roles(world: World, name: str) -> None:
    shown = world.api.scim_user(name).body["roles"]
    world.api.scim_set_roles(name, shown)


@then(
    parsers.re(rf"Zoom shows {q('name')} with the role {q('role')} of id {q('role_id')} through SCIM and the REST API")
)
def one_role(world: World, name: str, role: str, role_id: str) -> None:
    scim = world.api.scim_user(name).body
    assert scim["roles"] == [{"value": role_id, "display": role, "primary": True}], scim["roles"]
    rest = world.api.rest_user(name).body
    assert (rest["role_id"], rest["role_name"]) == (role_id, role), rest


@when(parsers.re(rf"the SCIM user {q('name')} is deactivated"))
def scim_deactivate(world: World, name: str) -> None:
    world.api.scim_set_active(name, False)


@then(parsers.re(rf"Zoom refuses with (?P<status>\d+) saying {q('detail')}"))
def scim_refusal(world: World, status: str, detail: str) -> None:
    answer = world.api.last_answer
    assert answer is not None and answer.status == int(status), answer
    assert answer.body["detail"] == detail, answer.body


@given(parsers.re(rf"Zoom already has the user {q('name')} with:"))
def zoom_user_with(world: World, name: str, datatable: list[list[str]]) -> None:
    world.api.seed_user_with(name, {row[0]: row[1] for row in datatable[1:]})


@then(parsers.re(rf"the listed user has the {q('field')} {q('value')} and no {q('missing')}"))
def listed_user(world: World, field: str, value: str, missing: str) -> None:
    body = world.api.last_answer.body if world.api.last_answer else {}
    (listed,) = body["Resources"]
    assert WIRE[field][1](listed) == on_wire(field, value), listed
    assert WIRE[missing][1](listed) is None, listed


REST_UPDATE = rf"a REST update of {q('name')} sends its own id, the email {q('email')} and the job title {q('title')}"


@when(parsers.re(REST_UPDATE))
def rest_update(world: World, name: str, email: str, title: str) -> None:
    world.api.rest_update_with_own_id(name, email=email, job_title=title)


@then(parsers.re(rf"Zoom's REST record of {q('name')} has the job title {q('title')} and the email of {q('owner')}"))
def rest_record(world: World, name: str, title: str, owner: str) -> None:
    user = world.api.rest_user(name).body
    assert (user["job_title"], user["email"]) == (title, world.names.email(owner)), user

"""The convergence property, shared by the test and the soak run.

A random directory, random changes between cycles and a random fault schedule injected into the
emulator; once the faults stop, the provisioner must converge within a bounded number of cycles to
exactly what the documentation prescribes: every wanted user in Zoom once and active, every removed
user inactive (Disable) or gone (Delete), nobody lost, nobody duplicated, nobody left over.

Soak: ``python -m tests.reliability.convergence --examples 2000``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.directory.people import PeopleDirectory
from harness.directory.source import SourceLocation
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.engine import Provisioner
from harness.targets.in_process import in_process_client
from mocks import ZoomEmulator

#: Cycles after the last fault within which the state must be right (pending work retries next cycle).
CONVERGENCE_BOUND = 3
SCOPE = SourceLocation(filter="(&(objectClass=inetOrgPerson)(!(ou=Alumni)))")

faults = st.fixed_dictionaries(
    {
        "route": st.sampled_from(
            [
                "scim.*",
                "scim.users.create",
                "scim.users.list",
                "scim.users.replace",
                "scim.users.patch",
                "scim.users.delete",
            ]
        ),
        "kind": st.sampled_from(["500", "502", "503", "429", "drop", "timeout", "revoke"]),
        "applied": st.booleans(),
        "after": st.integers(0, 6),
        "times": st.integers(1, 4),
        "every": st.integers(1, 3),
    }
)
changes = st.lists(
    st.tuples(st.sampled_from(["add", "delete", "disable", "enable", "title", "leave", "return"]), st.integers(0, 30)),
    max_size=6,
)
schedules = st.fixed_dictionaries(
    {
        "initial": st.integers(0, 8),
        "action": st.sampled_from(["disable", "delete"]),
        "threads": st.sampled_from([1, 3]),
        "steps": st.lists(st.tuples(changes, st.lists(faults, max_size=3)), min_size=1, max_size=4),
    }
)


@dataclass
class Outcome:
    cycles_to_converge: int
    problems: list[str] = field(default_factory=list)


def _fault(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["kind"]
    fault: dict[str, Any] = {k: spec[k] for k in ("route", "applied", "after", "times", "every")}
    if kind.isdigit():
        fault["status"] = int(kind)
        if kind == "429":
            fault["retry_after"] = 2
    elif kind == "drop":
        fault["drop"] = True
    elif kind == "timeout":
        fault["latency"] = 45.0
    else:
        fault["invalidate_tokens"] = True
    return fault


def _change(people: PeopleDirectory, known: list[str], kind: str, pick: int) -> None:
    present = [uid for uid in known if _exists(people, uid)]
    if kind == "add" or not present:
        known.append(people.add_person(f"u{len(known)}").uid)
        return
    uid = present[pick % len(present)]
    if kind == "delete":
        people.delete(uid)
    elif kind == "disable":
        people.disable(uid)
    elif kind == "enable":
        people.enable(uid)
    elif kind == "title":
        people.update(uid, title=f"t{pick}")
    elif kind == "leave":
        people.update(uid, ou="Alumni")
    else:
        people.update(uid, ou=None)


def _exists(people: PeopleDirectory, uid: str) -> bool:
    try:
        people.person(uid)
    except KeyError:
        return False
    return True


def run_schedule(schedule: dict[str, Any]) -> Outcome:
    zoom = ZoomEmulator()
    zoom.clock.freeze()
    credentials = zoom.ready_account()
    people = PeopleDirectory(seed=0)
    known = [people.add_person(f"u{i}").uid for i in range(schedule["initial"])]
    options = ProvisioningOptions(remove_action=schedule["action"])
    channel = Channel(location=SCOPE, max_threads=schedule["threads"])
    provisioner = Provisioner(
        in_process_client(zoom, credentials), people.snapshot, channel=channel, options=options, clock=zoom.clock.now
    )
    ever_created: set[str] = set()
    for step_changes, step_faults in schedule["steps"]:
        for kind, pick in step_changes:
            _change(people, known, kind, pick)
        for spec in step_faults:
            zoom.faults.add(**_fault(spec))
        provisioner.run_cycle()
        ever_created |= _zoom_names(zoom, credentials.account_id)
        zoom.faults.clear()
    for cycle in range(1, CONVERGENCE_BOUND + 1):
        provisioner.run_cycle()
        ever_created |= _zoom_names(zoom, credentials.account_id)
        problems = _check(zoom, credentials.account_id, people, known, schedule["action"], provisioner, ever_created)
        if not problems:
            return Outcome(cycle)
    return Outcome(CONVERGENCE_BOUND + 1, problems)


def _zoom_names(zoom: ZoomEmulator, account_id: str) -> set[str]:
    return {u.user_name for u in zoom.state.users(account_id).values() if u.role != "Owner"}


def _check(
    zoom: ZoomEmulator,
    account_id: str,
    people: PeopleDirectory,
    known: list[str],
    action: str,
    provisioner: Provisioner,
    ever_created: set[str],
) -> list[str]:
    problems = []
    users = {u.user_name: u for u in zoom.state.users(account_id).values() if u.role != "Owner"}
    snapshot = people.snapshot()
    wanted = {e.first("mail") for e in SCOPE.users(snapshot) if provisioner.channel.status.enabled(e)}
    for name in wanted:
        user = users.get(name)
        if user is None:
            problems.append(f"{name} is wanted but not in Zoom")
        elif user.status != "active":
            problems.append(f"{name} is wanted but {user.status} in Zoom")
    for name, user in users.items():
        if name in wanted:
            continue
        if action == "delete":
            problems.append(f"{name} should have been deleted")
        elif user.status != "inactive":
            problems.append(f"{name} should be inactive, is {user.status}")
    all_mail = {f"{uid}@example.com" for uid in known}
    strangers = set(users) - all_mail
    if strangers:
        problems.append(f"users nobody asked for: {sorted(strangers)}")
    records = provisioner.store.records()
    linked = [r.zoom_id for r in records.values() if r.zoom_id]
    if len(linked) != len(set(linked)):
        problems.append("two directory users are linked to one Zoom user")
    return problems


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules)
def check_convergence(schedule: dict[str, Any]) -> None:
    outcome = run_schedule(schedule)
    assert not outcome.problems, f"not converged after {CONVERGENCE_BOUND} cycles: {outcome.problems}"


def soak(examples: int) -> int:
    worst = 0
    runs = 0
    began = time.monotonic()

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(schedules)
    def one(schedule: dict[str, Any]) -> None:
        nonlocal worst, runs
        outcome = run_schedule(schedule)
        runs += 1
        worst = max(worst, outcome.cycles_to_converge)
        assert not outcome.problems, outcome.problems

    one()
    print(f"{runs} fault schedules ran in {time.monotonic() - began:.0f} s; worst cycles to converge: {worst}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Soak the convergence property.")
    parser.add_argument("--examples", type=int, default=2000)
    sys.exit(soak(parser.parse_args().examples))

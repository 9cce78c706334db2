"""The figures of the performance issues, each measured against its baseline in the same run."""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import respx

from benchmarks.measure import Figure, interleaved_ratio, throughput
from harness.directory.people import PeopleDirectory
from harness.directory.source import Directory
from harness.provisioner.channel import Channel
from harness.provisioner.engine import Provisioner
from harness.provisioner.mapping import Mapping, scim_body
from harness.provisioner.store import SyncStore
from harness.targets.in_process import in_process_client
from harness.zoom.scim_names import CORE_USER as CORE
from mocks import ZoomEmulator

ROOT = Path(__file__).resolve().parent.parent


def _ready(rate_limits: bool = False) -> tuple[ZoomEmulator, httpx.Client, dict[str, str], str]:
    zoom = ZoomEmulator()
    zoom.settings.rate_limits = rate_limits
    credentials = zoom.ready_account()
    client = httpx.Client(transport=zoom.transport())
    token = client.post(
        credentials.token_url,
        data={"grant_type": "account_credentials", "account_id": credentials.account_id},
        auth=(credentials.client_id, credentials.client_secret),
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return zoom, client, headers, token


def _operations(client: httpx.Client, headers: dict[str, str], user: dict[str, Any]) -> dict[str, Callable[[int], Any]]:
    api = "https://api.zoom.us/scim2/Users"
    lookup = {"filter": f'userName eq "{user["userName"]}"'}
    return {
        "GET by id": lambda i: client.get(f"{api}/{user['id']}", headers=headers),
        "userName lookup": lambda i: client.get(api, params=lookup, headers=headers),
        "create": lambda i: client.post(
            api, json={"schemas": [CORE], "userName": f"b{i}@example.com"}, headers=headers
        ),
    }


def in_process_overhead(rounds: int, batch: int) -> list[Figure]:
    """Figure 1: the emulator through its transport and through respx, against fixed answers."""
    figures = []
    zoom, client, headers, _ = _ready()
    fixed = {"schemas": [CORE], "userName": "fixed@example.com"}
    user = client.post("https://api.zoom.us/scim2/Users", json=fixed, headers=headers).json()
    body = json.dumps(user).encode()

    def fixed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    floor = httpx.Client(transport=httpx.MockTransport(fixed))
    targets = {"GET by id": 0.8, "userName lookup": 0.8, "create": 0.5}
    emulated, baseline = _operations(client, headers, user), _operations(floor, headers, user)
    for name, target in targets.items():
        value, base, ratio = interleaved_ratio(emulated[name], baseline[name], rounds=rounds, batch=batch)
        figures.append(Figure(1, f"transport: {name}", value, base, "calls/s", ratio, f">= {target}", ratio >= target))

    # Through respx: patching httpx, against a respx route with a fixed response.
    plain = httpx.Client()
    patched = _operations(plain, headers, user)
    offset = [10**6]

    for name, target in targets.items():
        ratios, values, bases = [], [], []
        for _ in range(rounds):
            with respx.mock(assert_all_called=False) as router:
                router.route(url__startswith="https://api.zoom.us").mock(side_effect=fixed)
                base = throughput(patched[name], batch, offset[0])
            with zoom.mock():
                value = throughput(patched[name], batch, offset[0])
            offset[0] += batch
            ratios.append(value / base)
            values.append(value)
            bases.append(base)
        ratio = statistics.median(ratios)
        figures.append(Figure(1, f"respx: {name}", statistics.median(values), statistics.median(bases), "calls/s",
                              ratio, f">= {target}", ratio >= target))  # fmt: skip
    return figures


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


_RSS_PROBE = """
import sys
from benchmarks.figures import _rss_mb
from mocks import ZoomEmulator
zoom = ZoomEmulator()
credentials = zoom.ready_account()
for i in range(int(sys.argv[1])):
    zoom.state.create_user(credentials.account_id, f"s{i}@example.com", given_name="Given", family_name="Family",
                           title="Engineer", department="Sales")
print(_rss_mb())
"""


def _emulator_rss(users: int) -> float:
    """RSS of a fresh process holding an emulator with ``users`` users."""
    result = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(users)], cwd=ROOT, capture_output=True, text=True,
                            check=True, timeout=600)  # fmt: skip
    return float(result.stdout.strip())


def flat_with_size(rounds: int, batch: int, large: int) -> list[Figure]:
    """Figure 2: lookups with ``large`` users against the same with 100; RSS with ``large`` users."""
    figures = []
    small_zoom, small_client, small_headers, _ = _ready()
    for i in range(100):
        small_zoom.state.create_user(next(iter(small_zoom.state.accounts)), f"s{i}@example.com")
    big_zoom, big_client, big_headers, _ = _ready()
    account = next(iter(big_zoom.state.accounts))
    for i in range(large):
        big_zoom.state.create_user(account, f"s{i}@example.com", given_name="Given", family_name="Family")
    pick = {"userName": f"s{large // 2}@example.com"}
    small_user = {"userName": "s50@example.com"}
    small_user["id"] = small_zoom.state.user_by_name(next(iter(small_zoom.state.accounts)), "s50@example.com").id  # type: ignore[union-attr]
    pick["id"] = big_zoom.state.user_by_name(account, pick["userName"]).id  # type: ignore[union-attr]
    big_ops, small_ops = (
        _operations(big_client, big_headers, pick),
        _operations(small_client, small_headers, small_user),
    )
    for name in ("GET by id", "userName lookup"):
        value, base, ratio = interleaved_ratio(big_ops[name], small_ops[name], rounds=rounds, batch=batch)
        figures.append(Figure(2, f"{name} at {large:,} users vs 100", value, base, "calls/s", ratio, ">= 0.9",
                              ratio >= 0.9))  # fmt: skip
    rss, empty = _emulator_rss(large), _emulator_rss(0)
    figures.append(Figure(2, f"RSS with {large:,} users", rss, empty, "MB", None, "<= 300 MB", rss <= 300,
                          f"a fresh process: {empty:.0f} MB empty, {rss - empty:.0f} MB for the users"))  # fmt: skip
    return figures


def _create_rate(count: int) -> float:
    """The floor: in-process SCIM creates of the same kind of users' bodies, through the same client."""
    people = PeopleDirectory(seed=1, domain="floor.example")
    people.add_people(count)
    mapping = Mapping.default()
    bodies = [scim_body(values, user_name=values["Username"]) for values in
              (mapping.values(entry) for entry in people.snapshot())]  # fmt: skip
    zoom, _, _, _ = _ready()
    client = in_process_client(zoom, zoom.credentials(next(iter(zoom.state.apps.values()))))
    return throughput(lambda i: client.create_user(bodies[i]), len(bodies))


def provisioning(users: int, rounds: int = 3) -> list[Figure]:
    """Figure 4: an initial cycle of ``users`` from LDIF against one in-process create per user, in
    interleaved rounds (the median round); then a second cycle with no change, which writes nothing."""
    people = PeopleDirectory(seed=1)
    people.add_people(users)
    measured = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ldif = people.write_ldif(folder / "people.ldif")
        for round_ in range(rounds):  # interleaved: the machine's weather hits both alike
            floor_rate = _create_rate(min(2000, users))
            zoom, provisioner, first_time, first = _cycle(lambda: Directory.load(ldif), folder, f"cycle{round_}")
            rate = first.created / first_time
            measured.append((rate / floor_rate, rate, floor_rate, first_time))
        zoom.journal.clear()
        began = time.perf_counter()
        second = provisioner.run_cycle()
        second_time = time.perf_counter() - began
        writes = [e for e in zoom.journal.entries() if e.method != "GET" and "/oauth/" not in e.url]
        provisioner.store.close()
    ratio, rate, floor_rate, first_time = sorted(measured)[len(measured) // 2]
    share = second_time / first_time
    return [
        Figure(4, f"initial cycle of {users:,} users", rate, floor_rate, "users/s", ratio, ">= 0.6", ratio >= 0.6,
               f"median of {rounds} interleaved rounds; {first_time:.2f} s; floor: one in-process create"),
        Figure(4, "second cycle, no change", second_time, first_time, "s", share, "<= 0.10, no writes",
               share <= 0.10 and not writes and second.created == 0, f"{len(writes)} write calls"),
    ]  # fmt: skip


def _cycle(source: Callable[[], Directory], folder: Path, name: str) -> tuple[ZoomEmulator, Provisioner, float, Any]:
    """A fresh emulator and sync state, and the time of one initial cycle over ``source``."""
    zoom, _, _, _ = _ready()
    credentials = zoom.credentials(next(iter(zoom.state.apps.values())))
    provisioner = Provisioner(in_process_client(zoom, credentials), source, store=SyncStore(folder / f"{name}.sqlite"),
                              clock=time.perf_counter)  # fmt: skip
    gc.collect()
    began = time.perf_counter()
    summary = provisioner.run_cycle()
    return zoom, provisioner, time.perf_counter() - began, summary


def directory(users: int, rounds: int = 3) -> list[Figure]:
    """Figure 7: an initial cycle read from a real slapd against the same from LDIF, and a cycle
    after 10 users changed, which reads only those entries (counted) from the server."""
    from harness.directory.ldap import LdapAddress, LdapSource, SourceSettings, load_entries
    from harness.directory.slapd import Slapd, slapd_binary
    from harness.directory.source import SourceLocation

    if slapd_binary() is None:
        return []
    people = PeopleDirectory(seed=7)
    people.add_people(users)
    with tempfile.TemporaryDirectory() as name, Slapd() as server:
        folder = Path(name)
        ldif = people.write_ldif(folder / "people.ldif")
        address = LdapAddress(server.url, server.bind_dn, server.password)
        base = Directory.from_records([("ou=people,dc=example,dc=com", {"objectClass": ["organizationalUnit"],
                                                                        "ou": ["people"]})])  # fmt: skip
        load_entries(address, base)
        load_entries(address, Directory.load(ldif))
        time.sleep(1.05 - time.time() % 1)  # the changes below are stamped after the load's last second
        ratios, times = [], []
        for round_ in range(rounds):  # interleaved: the machine's weather hits both alike
            _, _, ldif_time, from_ldif = _cycle(lambda: Directory.load(ldif), folder, f"ldif{round_}")
            # The attributes the channel reads, as `zoom-harness provision` and the steps ask for them.
            source = LdapSource(address, SourceSettings(base_dn=server.suffix), SourceLocation(),
                                Channel().source_attributes())  # fmt: skip
            _, provisioner, ldap_time, from_ldap = _cycle(source, folder, f"ldap{round_}")
            ratios.append((from_ldap.created / ldap_time) / (from_ldif.created / ldif_time))
            times.append((ldap_time, ldif_time))
        time.sleep(1.05 - time.time() % 1)
        connection = address.connect()
        for person in people.people()[:10]:
            connection.modify(person.dn, {"title": [("MODIFY_REPLACE", ["Changed"])]})
        connection.unbind()
        gc.collect()  # as before the initial cycle: the collection the initial cycle left due is not this cycle's
        began = time.perf_counter()
        changed = provisioner.run_cycle()
        changed_time = time.perf_counter() - began
    ratio = statistics.median(ratios)
    ldap_time, ldif_time = times[ratios.index(sorted(ratios)[len(ratios) // 2])]
    read = source.reads[-1]
    share = changed_time / ldap_time
    return [
        Figure(7, f"initial cycle of {users:,} users from slapd vs from LDIF", from_ldap.created / ldap_time,
               from_ldif.created / ldif_time, "users/s", ratio, ">= 0.7", ratio >= 0.7,
               f"median of {rounds} interleaved rounds; {ldap_time:.2f} s vs {ldif_time:.2f} s"),
        Figure(7, f"cycle after 10 of {users:,} users changed", changed_time, ldap_time, "s", share,
               "<= 0.10, reads 10 entries", share <= 0.10 and read.entries_read == 10 and changed.updated == 10,
               f"read {read.entries_read} entries, listed {read.guids_listed} GUIDs, updated {changed.updated}"),
    ]  # fmt: skip


def pacing(users: int) -> list[Figure]:
    """Figure 5: the same cycle under the Business plan's limits, in emulated time."""
    zoom = ZoomEmulator()
    zoom.clock.freeze()
    credentials = zoom.ready_account()
    people = PeopleDirectory(seed=2)
    people.add_people(users)
    provisioner = Provisioner(in_process_client(zoom, credentials), people.snapshot, clock=zoom.clock.now)
    began = zoom.clock.now()
    summary = provisioner.run_cycle()
    elapsed = zoom.clock.now() - began
    entries = [e for e in zoom.journal.entries() if e.route == "scim.users.create"]
    limited = sum(1 for e in entries if e.status == 429)
    rate = summary.created / elapsed if elapsed else float("inf")
    limit = 80.0  # Light, Business plan
    ratio = rate / limit
    share = limited / max(1, len(entries))
    return [
        Figure(5, f"creates under the Business limit ({users:,} users)", rate, limit, "ops/s (emulated)", ratio,
               ">= 0.9", ratio >= 0.9, f"{elapsed:.0f} s emulated"),
        Figure(5, "share of calls answered 429", share * 100, 1.0, "%", None, "< 1 %", share < 0.01,
               f"{limited} of {len(entries)} creates"),
    ]  # fmt: skip


def suite_time() -> list[Figure]:
    """Figure 6: the features against the in-process emulator, and the median cost of a scenario."""
    with tempfile.TemporaryDirectory() as folder:
        junit = Path(folder) / "junit.xml"
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
                       cwd=ROOT, capture_output=True, check=True, timeout=600)  # fmt: skip
        wall = time.perf_counter() - began
        import xml.etree.ElementTree as ElementTree

        times = [float(case.get("time", 0)) for case in ElementTree.parse(junit).iter("testcase")]
    median = statistics.median(times)
    return [
        Figure(6, f"all features ({len(times)} scenarios), wall time", wall, 15.0, "s", wall / 15.0, "<= 15 s",
               wall <= 15.0),
        Figure(6, "median scenario", median * 1000, 0.0, "ms", None, "", None),
    ]  # fmt: skip

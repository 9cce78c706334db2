"""The figures of the performance issues, each measured against its baseline in the same run."""

from __future__ import annotations

import gc
import json
import os
import socket
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
from harness.mapping import Mapping, scim_body
from harness.people import PeopleDirectory
from harness.provisioner.engine import Provisioner
from harness.provisioner.store import SyncStore
from harness.source import Directory
from harness.targets import in_process_client
from mocks import ZoomEmulator

ROOT = Path(__file__).resolve().parent.parent
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


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
    user = client.post("https://api.zoom.us/scim2/Users", json={"schemas": [CORE], "userName": "fixed@example.com"},
                       headers=headers).json()  # fmt: skip
    body = json.dumps(user).encode()

    def fixed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    floor = httpx.Client(transport=httpx.MockTransport(fixed))
    targets = {"GET by id": 0.7, "userName lookup": 0.7, "create": 0.5}
    emulated, baseline = _operations(client, headers, user), _operations(floor, headers, user)
    for name, target in targets.items():
        value, base, ratio = interleaved_ratio(emulated[name], baseline[name], rounds=rounds, batch=batch)
        figures.append(Figure(1, f"transport: {name}", value, base, "calls/s", ratio, f">= {target}", ratio >= target))

    # Through respx: patching httpx, against a respx route with a fixed response.
    plain = httpx.Client()
    patched = _operations(plain, headers, user)
    offset = [10**6]

    def under(mock: Any, operation: Callable[[int], Any]) -> Callable[[int], Any]:
        return lambda i: operation(i)

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(server: str, app: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.served_app", server, app, str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
            return process, port
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{server} did not start")


def _load(
    port: int, path: str, seconds: float, headers: list[str], method: str = "GET", body: str = ""
) -> dict[str, float]:
    args = [sys.executable, "-m", "benchmarks.load", "--port", str(port), "--path", path, "--seconds", str(seconds),
            "--connections", "32", "--method", method, "--body", body, "--start", str(time.time_ns())]  # fmt: skip
    for header in headers:
        args += ["--header", header]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60)
    return json.loads(result.stdout)


def served(seconds: float, servers: list[str]) -> list[Figure]:
    """Figure 3: requests a second of the served emulator against a trivial app on the same server."""
    figures = []
    for server in servers:
        process, port = _serve(server, "trivial")
        try:
            trivial = _load(port, "/x", seconds, [])
        finally:
            process.terminate()
            process.wait()
        process, port = _serve(server, "emulator")
        try:
            base = f"http://127.0.0.1:{port}"
            grant = {"grant_type": "account_credentials", "account_id": "bench-account"}
            token = httpx.post(f"{base}/oauth/token", data=grant, auth=("bench-client", "bench-secret")).json()
            token = token["access_token"]
            auth = f"Authorization: Bearer {token}"
            user = httpx.post(f"{base}/scim2/Users", json={"schemas": [CORE], "userName": "fixed@example.com"},
                              headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
            get = _load(port, f"/scim2/Users/{user['id']}", seconds, [auth])
            body = '{"schemas":["' + CORE + '"],"userName":"load{n}@example.com"}'
            create = _load(port, "/scim2/Users", seconds, [auth], "POST", body)
        finally:
            process.terminate()
            process.wait()
        for name, result, target in (("GET by id", get, 0.6), ("create", create, 0.4)):
            ratio = result["rps"] / trivial["rps"]
            note = (f"{int(result['requests'])} answers, {int(result['errors'])} errors; trivial: "
                    f"{int(trivial['errors'])} errors; 32 connections")  # fmt: skip
            figures.append(Figure(3, f"served {name} ({server})", result["rps"], trivial["rps"], "req/s", ratio,
                                  f">= {target}", ratio >= target, note))  # fmt: skip
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


WIREMOCK_HOME = Path.home() / ".cache" / "zoom-harness" / "wiremock"


def _wiremock_jar() -> Path | None:
    """WireMock's standalone jar from the npm package ``wiremock``, installed once into a cache."""
    import shutil

    if not (shutil.which("java") and shutil.which("npm")):
        return None
    jars = sorted(WIREMOCK_HOME.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not jars:
        WIREMOCK_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(WIREMOCK_HOME),
                        "wiremock"], check=False, capture_output=True, timeout=600)  # fmt: skip
        jars = sorted(WIREMOCK_HOME.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


def wiremock_peer(seconds: float, emulator_rps: float) -> list[Figure]:
    """A peer figure: the same GET against WireMock serving a stub, on the same loopback."""
    jar = _wiremock_jar()
    if jar is None:
        return []
    port = _free_port()
    process = subprocess.Popen(["java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1",
                                "--disable-banner", "--no-request-journal"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/__admin/mappings", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    return []
                time.sleep(0.2)
        stub = {"request": {"method": "GET", "url": "/scim2/Users/fixed"},
                "response": {"status": 200, "body": '{"id":"fixed","userName":"fixed@example.com","active":true}',
                             "headers": {"Content-Type": "application/json"}}}  # fmt: skip
        httpx.post(f"http://127.0.0.1:{port}/__admin/mappings", json=stub).raise_for_status()
        _load(port, "/scim2/Users/fixed", seconds, [])  # the JIT warms up first
        result = _load(port, "/scim2/Users/fixed", seconds, [])
    finally:
        process.terminate()
        process.wait()
    ratio = emulator_rps / result["rps"] if result["rps"] else None
    note = f"{jar.name}, a stub with a fixed body; ratio: the emulator's stateful GET over this"
    return [Figure(3, "peer: WireMock stub GET", result["rps"], emulator_rps, "req/s", ratio, "", None, note)]


def provisioning(users: int) -> list[Figure]:
    """Figure 4: an initial cycle of ``users`` from LDIF, against one in-process create per user."""
    floor_rate = _create_rate(min(2000, users))
    zoom, _, _, _ = _ready()  # a fresh emulator for the cycle, rate limits off as for the floor
    credentials = zoom.credentials(next(iter(zoom.state.apps.values())))
    people = PeopleDirectory(seed=1)
    people.add_people(users)
    with tempfile.TemporaryDirectory() as folder:
        ldif = people.write_ldif(Path(folder) / "people.ldif")
        store = SyncStore(Path(folder) / "state.sqlite")
        provisioner = Provisioner(in_process_client(zoom, credentials), lambda: Directory.load(ldif), store=store,
                                  clock=time.perf_counter)  # fmt: skip
        gc.collect()
        began = time.perf_counter()
        first = provisioner.run_cycle()
        first_time = time.perf_counter() - began
        zoom.journal.clear()
        began = time.perf_counter()
        second = provisioner.run_cycle()
        second_time = time.perf_counter() - began
        writes = [e for e in zoom.journal.entries() if e.method != "GET" and "/oauth/" not in e.url]
        store.close()
    rate = first.created / first_time
    ratio = rate / floor_rate
    share = second_time / first_time
    return [
        Figure(4, f"initial cycle of {users:,} users", rate, floor_rate, "users/s", ratio, ">= 0.6", ratio >= 0.6,
               f"{first_time:.2f} s; floor: one in-process create"),
        Figure(4, "second cycle, no change", second_time, first_time, "s", share, "<= 0.10, no writes",
               share <= 0.10 and not writes and second.created == 0, f"{len(writes)} write calls"),
    ]  # fmt: skip


def _cycle(source: Callable[[], Directory], folder: Path, name: str) -> tuple[Provisioner, float, Any]:
    """A fresh emulator and sync state, and the time of one initial cycle over ``source``."""
    zoom, _, _, _ = _ready()
    credentials = zoom.credentials(next(iter(zoom.state.apps.values())))
    provisioner = Provisioner(in_process_client(zoom, credentials), source, store=SyncStore(folder / f"{name}.sqlite"),
                              clock=time.perf_counter)  # fmt: skip
    gc.collect()
    began = time.perf_counter()
    summary = provisioner.run_cycle()
    return provisioner, time.perf_counter() - began, summary


def directory(users: int, rounds: int = 3) -> list[Figure]:
    """Figure 7: an initial cycle read from a real slapd against the same from LDIF, and a cycle
    after 10 users changed, which reads only those entries (counted) from the server."""
    from harness.directory.ldap import LdapAddress, LdapSource, SourceSettings, load_entries
    from harness.directory.slapd import Slapd, slapd_binary
    from harness.source import SourceLocation

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
            _, ldif_time, from_ldif = _cycle(lambda: Directory.load(ldif), folder, f"ldif{round_}")
            source = LdapSource(address, SourceSettings(base_dn=server.suffix), SourceLocation())
            provisioner, ldap_time, from_ldap = _cycle(source, folder, f"ldap{round_}")
            ratios.append((from_ldap.created / ldap_time) / (from_ldif.created / ldif_time))
            times.append((ldap_time, ldif_time))
        time.sleep(1.05 - time.time() % 1)
        connection = address.connect()
        for person in people.people()[:10]:
            connection.modify(person.dn, {"title": [("MODIFY_REPLACE", ["Changed"])]})
        connection.unbind()
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

"""Figure 3: the emulator served on loopback, against a trivial app on the stock fast ASGI stack
and against WireMock (its peer), under one load generator (wrk where installed)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import httpx

from benchmarks.dashboard import dashboard_open
from benchmarks.measure import Figure
from harness.zoom.scim_names import CORE_USER as CORE

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pinned(core: int) -> list[str]:
    """Pin a process to one core (taskset, with two), so the server's rate is its own CPU cost."""
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) >= 2 else []


def _serve(server: str, app: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [*_pinned(0), sys.executable, "-m", "benchmarks.served_app", server, app, str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(process, f"http://127.0.0.1:{port}/", 20, server)
    return process, port


def _wait_for(process: subprocess.Popen[bytes], url: str, seconds: float, name: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{name} did not start")


def load_tool() -> str:
    """wrk (Debian's) where installed, else the project's own load generator."""
    return "wrk" if shutil.which("wrk") else "benchmarks.load"


def _load(
    port: int, path: str, seconds: float, headers: list[str], method: str = "GET", body: str = ""
) -> dict[str, float]:
    """32 keep-alive connections for ``seconds``: answers a second (errors excluded) and p99 in ms."""
    if load_tool() == "wrk":
        env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body, "BENCH_HEADER": headers[0] if headers else ""}
        script = str(ROOT / "benchmarks" / "wrk.lua")
        args = [*_pinned(1), "wrk", "-t1", "-c32", f"-d{max(1, round(seconds))}s", "-s", script,
                f"http://127.0.0.1:{port}{path}"]  # fmt: skip
        result = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, env=env)
        found = json.loads(result.stdout.strip().splitlines()[-1])
        answered = found["requests"] - found["errors"]
        return {"rps": answered / found["seconds"], "requests": answered, "errors": found["errors"],
                "p99_ms": found["p99_ms"]}  # fmt: skip
    args = [*_pinned(1), sys.executable, "-m", "benchmarks.load", "--port", str(port), "--path", path,
            "--seconds", str(seconds), "--connections", "32", "--method", method, "--body", body,
            "--start", str(time.time_ns())]  # fmt: skip
    for header in headers:
        args += ["--header", header]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60)
    return dict(json.loads(result.stdout))


_USER_BODY = '{"schemas":["' + CORE + '"],"userName":"load{n}@example.com"}'


def _measure_served(
    server: str, app: str, seconds: float, create: bool, dashboard: list[int] | None = None
) -> dict[str, dict[str, float]]:
    """One server up, measured: the trivial app's fixed answer, or the emulator's GET by id (and create)."""
    process, port = _serve(server, app)
    try:
        if app == "trivial":
            return {"GET": _load(port, "/x", seconds, [])}
        base = f"http://127.0.0.1:{port}"
        grant = {"grant_type": "account_credentials", "account_id": "bench-account"}
        token = httpx.post(f"{base}/oauth/token", data=grant, auth=("bench-client", "bench-secret")).json()
        auth = f"Authorization: Bearer {token['access_token']}"
        user = httpx.post(f"{base}/scim2/Users", json={"schemas": [CORE], "userName": "fixed@example.com"},
                          headers={"Authorization": auth.partition(": ")[2]}).json()  # fmt: skip
        with dashboard_open(port, dashboard) if dashboard is not None else nullcontext():
            results = {"GET": _load(port, f"/scim2/Users/{user['id']}", seconds, [auth])}
            if create:
                results["create"] = _load(port, "/scim2/Users", seconds, [auth], "POST", _USER_BODY)
        return results
    finally:
        process.terminate()
        process.wait()


#: The servers figure 3 weighs for the emulator; ``own`` (mocks/http11.py) is the one it ships.
#: The others are weighed where installed (``pip install -e '.[dev]'``).
SERVERS = ("own", "uvicorn-httptools", "granian", "hypercorn")
_MODULES = {"uvicorn-httptools": "uvicorn", "granian": "granian", "hypercorn": "hypercorn"}


def served(
    seconds: float, rounds: int, servers: tuple[str, ...] = SERVERS, dashboard: list[int] | None = None
) -> tuple[list[Figure], dict[str, Any]]:
    """Figure 3: the served emulator against a trivial app (a fixed answer) on uvicorn with httptools
    and uvloop, the stock fast ASGI stack, in interleaved rounds (medians); the emulator on each
    server weighed (with ``dashboard``, its own server's with the dashboard open in a browser, the
    exchanges the page showed appended to it). Returns the figures, and the emulator's own-server
    results for the peer figure."""
    servers = tuple(s for s in servers if s == "own" or importlib.util.find_spec(_MODULES[s]) is not None)
    runs: dict[tuple[str, str], list[dict[str, dict[str, float]]]] = {}
    plan = [("uvicorn-httptools", "trivial"), ("own", "trivial"), *(("emulator", s) for s in servers)]
    for _ in range(rounds):
        for first, second in plan:
            server, app = (second, first) if first == "emulator" else (first, second)
            watched = dashboard if (server, app) == ("own", "emulator") else None
            runs.setdefault((server, app), []).append(_measure_served(server, app, seconds, server == "own", watched))

    def median(server: str, app: str, operation: str, key: str = "rps") -> float:
        return statistics.median(r[operation][key] for r in runs[(server, app)])

    trivial = median("uvicorn-httptools", "trivial", "GET")
    own_trivial = median("own", "trivial", "GET")
    tool = f"{load_tool()}, 32 connections, {rounds} interleaved round(s) of {seconds:g} s, medians"
    figures = []
    for operation, target in (("GET", 0.7), ("create", 0.5)):
        value = median("own", "emulator", operation)
        p99 = median("own", "emulator", operation, "p99_ms")
        note = (f"{tool}; p99 {p99:.1f} ms; trivial app on the emulator's own server: {own_trivial:,.0f} req/s "
                f"({value / own_trivial:.2f} of it)")  # fmt: skip
        name = "GET by id" if operation == "GET" else "create"
        figures.append(Figure(3, f"served {name} (own server)", value, trivial, "req/s", value / trivial,
                              f">= {target}", value / trivial >= target, note))  # fmt: skip
    best = max(servers, key=lambda s: median(s, "emulator", "GET"))
    for server in servers[1:]:
        value = median(server, "emulator", "GET")
        figures.append(Figure(3, f"served GET by id ({server}, ASGI)", value, trivial, "req/s", value / trivial, "",
                              None, f"the emulator through ASGI; the best server here: {best}"))  # fmt: skip
    own = {op: {"rps": median("own", "emulator", op), "p99_ms": median("own", "emulator", op, "p99_ms")}
           for op in ("GET", "create")}  # fmt: skip
    return figures, own


WIREMOCK_HOME = Path.home() / ".cache" / "zoom-harness" / "wiremock"


def _wiremock_jar() -> Path | None:
    """WireMock's standalone jar from the npm package ``wiremock``, installed once into a cache."""
    if not (shutil.which("java") and shutil.which("npm")):
        return None
    jars = sorted(WIREMOCK_HOME.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if not jars:
        WIREMOCK_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(WIREMOCK_HOME),
                        "wiremock"], check=False, capture_output=True, timeout=600)  # fmt: skip
        jars = sorted(WIREMOCK_HOME.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


_WIREMOCK_STUBS = [
    {"request": {"method": "GET", "url": "/scim2/Users/fixed"},
     "response": {"status": 200, "body": json.dumps({"id": "fixed", "userName": "fixed@example.com", "active": True}),
                  "headers": {"Content-Type": "application/json"}}},
    {"request": {"method": "POST", "url": "/scim2/Users"},
     "response": {"status": 201, "body": json.dumps({"id": "new", "userName": "new@example.com", "active": True}),
                  "headers": {"Content-Type": "application/json"}}},
]  # fmt: skip


def wiremock_peer(seconds: float, rounds: int, warm: float, emulator: dict[str, Any]) -> list[Figure]:
    """Figure 3's peer: WireMock serving the same GET and a create as stubs (fixed bodies), warmed
    first, with its request journal off and on (its default), measured as the emulator was.
    Empty without Java, npm or wrk (the peer needs the same load generator as the emulator had)."""
    jar = _wiremock_jar()
    if jar is None or not emulator or load_tool() != "wrk":
        return []
    figures = []
    for journal in (False, True):
        port = _free_port()
        command = [*_pinned(0), "java", "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1",
                   "--disable-banner", *([] if journal else ["--no-request-journal"])]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(process, f"http://127.0.0.1:{port}/__admin/mappings", 60, "WireMock")
            for stub in _WIREMOCK_STUBS:
                httpx.post(f"http://127.0.0.1:{port}/__admin/mappings", json=stub).raise_for_status()
            _load(port, "/scim2/Users/fixed", warm / 2, [])  # the JIT warms up on both stubs
            _load(port, "/scim2/Users", warm / 2, [], "POST", _USER_BODY)
            results: dict[str, list[dict[str, float]]] = {"GET": [], "create": []}
            for _ in range(rounds):
                results["GET"].append(_load(port, "/scim2/Users/fixed", seconds, []))
                results["create"].append(_load(port, "/scim2/Users", seconds, [], "POST", _USER_BODY))
        finally:
            process.terminate()
            process.wait()
        state = "with its journal (default)" if journal else "without its journal"
        target = 2.0 if journal else 1.0
        for operation in ("GET", "create"):
            peer = statistics.median(r["rps"] for r in results[operation])
            mine = emulator[operation]["rps"]
            figures.append(Figure(3, f"served {operation if operation == 'create' else 'GET by id'} vs WireMock "
                                  f"{state}", mine, peer, "req/s", mine / peer, f">= {target}", mine / peer >= target,
                                  f"{jar.name} stubs with fixed bodies, warmed {warm:g} s"))  # fmt: skip
            if journal:
                peer_p99 = statistics.median(r["p99_ms"] for r in results[operation])
                mine_p99 = emulator[operation]["p99_ms"]
                figures.append(Figure(3, f"p99 latency, {operation}, vs WireMock {state}", mine_p99, peer_p99, "ms",
                                      mine_p99 / peer_p99, "<= 1.0", mine_p99 <= peer_p99,
                                      "32 connections; ratio: the emulator's p99 over WireMock's"))  # fmt: skip
    return figures

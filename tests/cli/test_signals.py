"""Stopped from outside, nothing left behind: each long-running command gets SIGTERM, SIGHUP or
SIGINT as a real process and must exit with 128 + the signal, say so in its last line, and leave no
slapd, no slapd folder and no listening socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.directory.slapd import DirectoryServer
from tests.polling import wait_for

COMMAND = [sys.executable, "-m", "harness.cli"]


def _children(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _slapds(pids: set[int]) -> dict[int, Path]:
    """The slapds among ``pids`` and their folders (from their command lines)."""
    found = {}
    for pid in pids:
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if words and words[0].endswith(b"slapd") and b"-f" in words:
            found[pid] = Path(words[words.index(b"-f") + 1].decode()).parent
    return found


def _nothing_left(slapds: dict[int, Path], port: int | None = None) -> None:
    for pid, folder in slapds.items():
        wait_for(lambda pid=pid, folder=folder: not Path(f"/proc/{pid}").exists() and not folder.exists(), 10)
    if port is not None:
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still listening"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_directory_serve_stops_slapd_and_removes_its_folder(slapd: DirectoryServer, signum: int) -> None:
    server = subprocess.Popen([*COMMAND, "directory", "serve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert server.stdout is not None
    first = server.stdout.readline()
    assert first.startswith("LDAP directory listening on ldap://127.0.0.1:"), first
    port = int(first.split(":")[-1].split()[0].rstrip("/"))
    slapds = wait_for(lambda: _slapds(_children(server.pid)))
    server.send_signal(signum)
    _, errors = server.communicate(timeout=20)
    assert server.returncode == 128 + signum, errors
    name = signal.Signals(signum).name
    assert errors.strip().splitlines()[-1].startswith(f"zoom-harness directory: stopped by {name}"), errors
    _nothing_left(slapds, port)


def test_run_stopped_mid_run_tears_its_workers_slapds_down(tmp_path: Path) -> None:
    run = subprocess.Popen([*COMMAND, "run", "--directory", "ldap", "--target", "emulator-http", "--report-dir",
                            str(tmp_path), "--", "-n", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)  # fmt: skip
    # Both workers' slapds up: the run is under way.
    slapds = wait_for(lambda: (found := _slapds(_children(run.pid))) and len(found) == 2 and found, 60)
    time.sleep(0.5)
    os.killpg(run.pid, signal.SIGTERM)  # as a CI job's timeout does: the whole group
    _, errors = run.communicate(timeout=60)
    assert run.returncode == 128 + signal.SIGTERM, errors[-2000:]
    assert "zoom-harness run: stopped by SIGTERM" in errors.strip().splitlines()[-1], errors[-2000:]
    _nothing_left(slapds)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_serve_closes_its_port(signum: int, tmp_path: Path) -> None:
    server = subprocess.Popen([*COMMAND, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "ZOOM_HARNESS_STATE_DIR": str(tmp_path)})  # fmt: skip
    assert server.stdout is not None
    port = int(server.stdout.readline().split("http://127.0.0.1:")[1].split()[0])
    server.send_signal(signum)
    _, errors = server.communicate(timeout=20)
    assert server.returncode == 128 + signum, errors
    assert errors.strip().splitlines()[-1].startswith(f"zoom-harness serve: stopped by {signal.Signals(signum).name}")
    _nothing_left({}, port)
    assert list(tmp_path.rglob("*.token")) == []  # the control token went with the server


def test_the_proxy_stopped_by_sigterm_leaves_its_recording_and_ledger_readable(tmp_path: Path) -> None:
    import json

    import httpx

    from harness.targets.recording import Recording
    from mocks.serving.server import ServedEmulator

    with ServedEmulator() as zoom:
        credentials = zoom.emulator.ready_account()
        proxy = subprocess.Popen([*COMMAND, "serve", "--upstream", zoom.url, "--upstream-token-url",
                                  f"{zoom.url}/oauth/token",
                                  "--port", "0", "--record", str(tmp_path / "rec"), "--state-dir", str(tmp_path)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "ZOOM_HARNESS_STATE_DIR": str(tmp_path)})  # fmt: skip
        assert proxy.stdout is not None
        url = proxy.stdout.readline().split("listening on ")[1].split()[0]
        token = httpx.post(f"{url}/oauth/token", params={"grant_type": "account_credentials",
                                                          "account_id": credentials.account_id},
                           auth=(credentials.client_id, credentials.client_secret)).json()["access_token"]  # fmt: skip
        created = httpx.post(f"{url}/scim2/Users", headers={"Authorization": f"Bearer {token}"},
                             json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                   "userName": "stop@example.com"})  # fmt: skip
        assert created.status_code == 201
        proxy.send_signal(signal.SIGTERM)
        _, errors = proxy.communicate(timeout=20)
    assert proxy.returncode == 128 + signal.SIGTERM, errors
    assert len(Recording.load(tmp_path / "rec").exchanges) >= 2
    (ledger,) = tmp_path.glob("ledger-proxy-*.json")
    assert created.json()["id"] in json.dumps(json.loads(ledger.read_text()))


def test_provision_stopped_mid_cycle_converges_on_the_next_run_without_duplicates(tmp_path: Path) -> None:
    from harness.directory.source import Directory
    from mocks.serving.server import ServedEmulator

    people = 120
    ldif = tmp_path / "people.ldif"
    ldif.write_text("".join(f"dn: uid=u{i},ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: u{i}\n"
                            f"mail: u{i}@example.com\ngivenName: U\nsn: {i}\n\n" for i in range(people)))  # fmt: skip
    assert len(list(Directory.load(ldif))) == people
    with ServedEmulator() as zoom:
        credentials = zoom.emulator.ready_account()
        zoom.emulator.inject(route="scim.users.create", latency=0.02, times=None)  # a cycle of ~2.5 s
        common = [*COMMAND, "provision", "--source", str(ldif), "--state", str(tmp_path / "state.db"),
                  "--max-threads", "4", "--token-url", f"{zoom.url}/oauth/token", "--api-base-url", zoom.url,
                  "--account-id", credentials.account_id, "--client-id", credentials.client_id]  # fmt: skip
        env = {**os.environ, "ZOOM_CLIENT_SECRET": credentials.client_secret}
        first = subprocess.Popen(common, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

        def some_created() -> bool:
            return len(zoom.emulator.state.users(credentials.account_id)) > 10

        wait_for(some_created, 30)
        first.send_signal(signal.SIGTERM)
        _, errors = first.communicate(timeout=30)
        assert first.returncode == 128 + signal.SIGTERM, errors
        assert "zoom-harness provision: stopped by SIGTERM" in errors
        partway = len(zoom.emulator.state.users(credentials.account_id))
        assert 10 < partway < people + 1, partway  # the owner and some of the people
        second = subprocess.run(common, capture_output=True, text=True, env=env, timeout=120)
        assert second.returncode == 0, second.stderr
        names = [u.user_name for u in zoom.emulator.state.users(credentials.account_id).values()]
    assert len(names) == len(set(names)) == people + 1  # every person once, and the account's owner


def test_selftest_stopped_by_sigterm_leaves_no_pytest_and_no_folder() -> None:
    selftest = subprocess.Popen([*COMMAND, "selftest", "--workers", "2", "--fault", "timeout-ignored"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    # The features under way: the pytest session and its two workers.
    below = wait_for(lambda: (found := _children(selftest.pid)) and len(found) >= 3 and found, 60)
    (session,) = [pid for pid in below if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[1]
                  == str(selftest.pid)]  # fmt: skip
    environ = dict(
        line.split("=", 1) for line in Path(f"/proc/{session}/environ").read_text().split("\0") if "=" in line
    )
    folder = Path(environ["ZOOM_HARNESS_OUTCOMES"]).parent
    assert folder.is_dir()
    selftest.send_signal(signal.SIGTERM)
    _, errors = selftest.communicate(timeout=30)
    assert selftest.returncode == 128 + signal.SIGTERM, errors[-2000:]
    assert errors.strip().splitlines()[-1].startswith("zoom-harness selftest: stopped by SIGTERM"), errors[-2000:]
    wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in below), 15)
    assert not folder.exists()

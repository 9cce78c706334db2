"""The served emulator under hundreds of concurrent connections, mixed reads and writes, for a
bounded time: no error that was not injected, and every user written is there exactly once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from mocks.serving.server import ServedEmulator

ROOT = Path(__file__).resolve().parent.parent.parent
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
CONNECTIONS = 100  # per load generator; two run at once
SECONDS = "1.5"


def _generator(port: int, token: str, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "benchmarks.load", "--port", str(port), "--seconds", SECONDS,
               "--connections", str(CONNECTIONS), "--header", f"Authorization: Bearer {token}", *args]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_hundreds_of_connections_lose_and_duplicate_nothing() -> None:
    with ServedEmulator() as served:
        served.emulator.settings.rate_limits = False
        credentials = served.emulator.ready_account()
        token = httpx.post(
            credentials.token_url,
            data={"grant_type": "account_credentials", "account_id": credentials.account_id},
            auth=(credentials.client_id, credentials.client_secret),
        ).json()["access_token"]
        reader = httpx.post(f"{served.url}/scim2/Users", json={"schemas": [CORE], "userName": "read@example.com"},
                            headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
        port = int(served.url.rsplit(":", 1)[1])
        body = '{"schemas":["' + CORE + '"],"userName":"load{n}@example.com"}'
        writes = _generator(port, token, "--method", "POST", "--path", "/scim2/Users", "--body", body)
        reads = _generator(port, token, "--path", f"/scim2/Users/{reader['id']}")
        written = json.loads(writes.communicate(timeout=60)[0])
        read = json.loads(reads.communicate(timeout=60)[0])
        users = [u for u in served.emulator.state.users(credentials.account_id).values() if u.role != "Owner"]
    # Correctness, not speed: every request sent got a successful answer (however many the
    # machine managed in the time), and every write landed exactly once.
    assert written["errors"] == 0 and read["errors"] == 0, (written, read)
    assert written["sent"] == written["requests"] > 0 and read["sent"] == read["requests"] > 0, (written, read)
    names = [u.user_name for u in users if u.user_name != "read@example.com"]
    assert len(names) == len(set(names)) == written["requests"]  # every write landed, exactly once
    print(f"load: {2 * CONNECTIONS} connections, {written['requests']} writes and {read['requests']} reads, 0 errors")

"""``zoom-harness serve --upstream``: the proxy a PingFederate reaches Zoom through, as a user runs it.
The upstream is the served emulator, treated as a remote Zoom (given by URL only)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mocks.serving.server import ServedEmulator

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def _harness(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli", *args]


def test_a_served_proxy_forwards_guards_records_and_journals(tmp_path: Path) -> None:
    secret = "proxy-test-secret-0123456789abcdef"
    with ServedEmulator() as remote:
        credentials = remote.emulator.ready_account(client_secret=secret)
        stranger = remote.emulator.state.create_user(credentials.account_id, "stranger@example.com")
        process = subprocess.Popen(
            _harness("serve", "--upstream", remote.url, "--port", "0", "--record", str(tmp_path / "recording"),
                     "--state-dir", str(tmp_path / "state")),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "ZOOM_HARNESS_STATE_DIR": str(tmp_path / "state")},
        )  # fmt: skip
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "Control token in" in line:
                break
        token_file = Path(lines[-1].split("Control token in ")[1].split()[0])
        control = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
        try:
            found = re.match(r"Zoom proxy listening on (http://127\.0\.0\.1:\d+) \(loopback only\)", lines[0])
            assert found, lines
            url = found.group(1)
            assert f"  Token URL     {url}/oauth/token   -> {remote.url}/oauth/token" in lines
            assert "  Pacing        under Zoom's rate limits, read from its headers" in lines
            with httpx.Client(base_url=url, timeout=10) as http:
                token = http.post("/oauth/token", params={"grant_type": "account_credentials",
                                                          "account_id": credentials.account_id},
                                  auth=(credentials.client_id, secret)).json()["access_token"]  # fmt: skip
                auth = {"Authorization": f"Bearer {token}"}
                mine = http.post(
                    "/scim2/Users", headers=auth, json={"schemas": [CORE_USER], "userName": "m@example.com"}
                )
                assert mine.status_code == 201
                assert http.delete(f"/scim2/Users/{mine.json()['id']}", headers=auth).status_code == 204
                refused = http.delete(f"/scim2/Users/{stranger.id}", headers=auth)
                assert refused.status_code == 502
                assert "GuardRefused" in refused.json()["message"] and "did not create it" in refused.json()["message"]
                assert http.get("/_emulator/journal").status_code == 401
                journal = http.get("/_emulator/journal", headers=control).json()["entries"]
        finally:
            process.send_signal(signal.SIGINT)
            output, errors = process.communicate(timeout=20)
        assert process.returncode == 130, errors  # 128 + SIGINT
        assert remote.emulator.state.user(credentials.account_id, stranger.id) is not None  # untouched
    routes = [(e["route"], e["status"]) for e in journal]
    assert routes == [("oauth.token", 200), ("scim.users.create", 201), ("scim.users.delete", 204),
                      ("scim.users.delete", 0)]  # fmt: skip
    recorded = (tmp_path / "recording" / "exchanges.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in recorded] == [200, 201, 204]
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file()) + json.dumps(journal) + output
    assert secret not in written and token not in written
    assert not token_file.exists()  # gone with the proxy
    ledgers = list((tmp_path / "state").glob("ledger-proxy-*.json"))
    assert len(ledgers) == 1 and json.loads(ledgers[0].read_text())["users"] == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "ftp://zoom.example"], "--upstream takes `zoom` or an http(s) URL, not 'ftp://zoom.example'"),
        (["--upstream", "zoom", "--upstream-token-url", "https://zoom.us/token"],
         "--upstream-token-url must end with /oauth/token: https://zoom.us/token"),
        (["--upstream", "zoom", "--seed", "x.yaml"], "--upstream forwards to Zoom's own accounts: --seed"),
    ],
)  # fmt: skip
def test_bad_proxy_options_are_refused_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(_harness("serve", "--port", "0", "--state-dir", str(tmp_path), *args),
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr

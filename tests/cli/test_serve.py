"""``zoom-harness serve`` as a user runs it, and a client that knows only Zoom's public API."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def _harness(*args: str) -> list[str]:
    return [sys.executable, "-m", "harness.cli", *args]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    credentials_file = tmp_path / "creds.json"
    process = subprocess.Popen(
        _harness("serve", "--port", "0", "--credentials-file", str(credentials_file)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ZOOM_HARNESS_STATE_DIR": str(tmp_path / "state")},
    )
    printed: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        found = re.match(r"\s+(Token URL|API base URL|Account ID|Client ID|Client secret|Dashboard|Control token in)"
                         r"\s+(\S+)", line)  # fmt: skip
        if found:
            printed[found.group(1)] = found.group(2)
        if "Control token" in line:
            printed["token line"] = line
            break
    try:
        yield printed, credentials_file
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    printed["exit"] = str(process.returncode)


def test_a_public_api_client_runs_the_scim_lifecycle(served: tuple[dict[str, str], Path]) -> None:
    printed, credentials_file = served
    written = json.loads(credentials_file.read_text())
    assert written == {
        "account_id": printed["Account ID"],
        "client_id": printed["Client ID"],
        "client_secret": printed["Client secret"],
        "token_url": printed["Token URL"],
        "api_base_url": printed["API base URL"],
        "control_token": written["control_token"],
    }
    assert oct(credentials_file.stat().st_mode & 0o777) == "0o600"
    token = httpx.post(
        printed["Token URL"],
        params={"grant_type": "account_credentials", "account_id": printed["Account ID"]},
        auth=(printed["Client ID"], printed["Client secret"]),
    )
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}", "Accept": "application/scim+json"}
    scim = f"{printed['API base URL']}/scim2/Users"
    with httpx.Client(headers=headers) as client:
        created = client.post(scim, json={"schemas": [CORE_USER], "userName": "pub@example.com"})
        assert created.status_code == 201
        user_id = created.json()["id"]
        found = client.get(scim, params={"filter": 'userName eq "pub@example.com"'}).json()
        assert found["totalResults"] == 1 and found["Resources"][0]["id"] == user_id
        off = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        }
        assert client.patch(f"{scim}/{user_id}", json=off).json()["active"] is False
        on = {"Operations": [{"op": "replace", "path": "active", "value": True}]}
        assert client.patch(f"{scim}/{user_id}", json=on).json()["active"] is True
        assert client.delete(f"{scim}/{user_id}").status_code == 204
        assert client.get(f"{scim}/{user_id}").status_code == 404


def test_serve_guards_its_control_surface_with_a_token_in_a_private_file(
    served: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    printed, credentials_file = served
    url = printed["API base URL"]
    token_file = Path(printed["Control token in"])
    token = json.loads(credentials_file.read_text())["control_token"]
    assert token_file == tmp_path / "state" / "control" / f"127.0.0.1-{url.rsplit(':', 1)[1]}.token"
    assert token_file.read_text() == token + "\n" and oct(token_file.stat().st_mode & 0o777) == "0o600"
    assert len(token) >= 40 and token not in printed["token line"]
    refused = httpx.get(f"{url}/_emulator/state")
    assert refused.status_code == 401 and refused.json()["message"].startswith(
        "The control surface needs its token: no control token was sent.")  # fmt: skip
    assert httpx.get(f"{url}/_emulator/state", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    state = httpx.get(f"{url}/_emulator/state", headers={"Authorization": f"Bearer {token}"})
    assert state.status_code == 200 and state.json()["accounts"][0]["id"] == printed["Account ID"]
    # The dashboard it names: a browser is sent to the login form; the token's holder gets the page.
    assert printed["Dashboard"] == f"{url}/_emulator/dashboard"
    browser = httpx.get(printed["Dashboard"], headers={"Accept": "text/html"})
    assert (browser.status_code, browser.headers["location"]) == (303, "/_emulator/login?next=/_emulator/dashboard")
    page = httpx.get(printed["Dashboard"], headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200 and "<title>Zoom emulator: dashboard</title>" in page.text and token not in page.text


def test_the_control_token_file_goes_with_the_server(tmp_path: Path) -> None:
    process = subprocess.Popen(_harness("serve", "--port", "0"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "ZOOM_HARNESS_STATE_DIR": str(tmp_path)})  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if "Control token in" in line:
            break
    token_file = Path(line.split("Control token in ")[1].split()[0])
    assert token_file.is_file()
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 128 + signal.SIGTERM
    assert not token_file.exists()


def test_serve_refuses_a_non_loopback_address() -> None:
    result = subprocess.run(_harness("serve", "--host", "0.0.0.0", "--port", "0"), capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_allow_remote_without_tls_says_what_an_open_control_surface_exposes() -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this host: the warning comes, then the bind fails;
    # nothing ever listens beyond loopback.
    result = subprocess.run(_harness("serve", "--host", "192.0.2.1", "--port", "0", "--allow-remote"),
                            capture_output=True, text=True)  # fmt: skip
    warning, refusal = result.stderr.splitlines()
    assert warning == (
        "warning: without --tls the control token crosses the network in clear: whoever reads it on the way can "
        "read the journal (the names and addresses of the users provisioned), change the accounts and inject faults"
    )
    assert result.returncode == 2 and refusal.startswith("zoom-harness serve: error: cannot listen on 192.0.2.1:0")


def test_serve_reports_a_bad_seed_in_one_line(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("accounts:\n  - plan: Platinum\n")
    result = subprocess.run(_harness("serve", "--port", "0", "--seed", str(seed)), capture_output=True, text=True)
    assert result.returncode == 2
    assert "accounts[0].plan" in result.stderr and result.stderr.count("\n") == 1


def test_serve_reports_a_busy_port_in_one_line() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            _harness("serve", "--port", str(port)), capture_output=True, text=True, env={**os.environ}
        )
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1" in result.stderr and "Traceback" not in result.stderr


def test_serve_tls_answers_as_zoom_names_and_prints_how_to_trust_it(tmp_path: Path) -> None:
    import ssl

    from cryptography.hazmat.primitives.serialization import pkcs12

    tls_dir = tmp_path / "tls"
    creds = tmp_path / "creds.json"
    process = subprocess.Popen(_harness("serve", "--port", "0", "--tls", "--tls-dir", str(tls_dir),
                                        "--credentials-file", str(creds)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if "Control API" in line:
                break
        text = "\n".join(lines)
        token_url = re.search(r"Token URL\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        api_base = re.search(r"API base URL\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        port = api_base.rsplit(":", 1)[1]
        assert (token_url, api_base) == (f"https://zoom.us:{port}/oauth/token", f"https://api.zoom.us:{port}")
        assert f"    CA (PEM)      {tls_dir / 'zoom-harness-ca.pem'}" in lines
        assert f"-Djavax.net.ssl.trustStore={tls_dir / 'zoom-harness-truststore.p12'}" in text
        assert "--add-host zoom.us:HOST_IP --add-host api.zoom.us:HOST_IP" in text
        assert "certificates/ca/import" in text and "forward 443 to" in text
        store = pkcs12.load_pkcs12((tls_dir / "zoom-harness-truststore.p12").read_bytes(), b"changeit")
        assert [c.friendly_name for c in store.additional_certs] == [b"zoom-harness-ca"] and store.key is None
        context = ssl.create_default_context(cafile=str(tls_dir / "zoom-harness-ca.pem"))
        # Without a Host of Zoom's, the path picks the host: what the harness on this host uses.
        with httpx.Client(verify=context) as http:
            assert http.post(f"https://127.0.0.1:{port}/oauth/token").status_code == 400  # reached the token host
            assert http.get(f"https://127.0.0.1:{port}/scim2/Users").json()["code"] == 124  # reached the API host
        # The CA verifies the certificate for localhost; the Host header picks the token host.
        secret = re.search(r"Client secret (\S+)", text).group(1)  # type: ignore[union-attr]
        account = re.search(r"Account ID\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        client = re.search(r"Client ID\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        with httpx.Client(verify=context) as http:
            grant = {"grant_type": "account_credentials", "account_id": account}
            token = http.post(f"https://localhost:{port}/oauth/token", headers={"Host": f"zoom.us:{port}"},
                              data=grant, auth=(client, secret))  # fmt: skip
            assert token.status_code == 200 and token.json()["api_url"] == api_base
            users = http.get(f"https://localhost:{port}/scim2/Users", headers={
                "Host": f"api.zoom.us:{port}", "Authorization": f"Bearer {token.json()['access_token']}"})  # fmt: skip
            assert users.status_code == 200 and users.json()["totalResults"] == 1
        written = json.loads(creds.read_text())
        assert (written["token_url"], written["api_base_url"]) == (
            f"https://127.0.0.1:{port}/oauth/token", f"https://127.0.0.1:{port}")  # fmt: skip
        first_ca = (tls_dir / "zoom-harness-ca.pem").read_bytes()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    from mocks.serving.tls import ensure_certificates

    first_certificate = (tls_dir / "zoom-emulator.pem").read_bytes()
    ensure_certificates(tls_dir)  # a second serve: the CA a PingFederate already trusts is kept
    assert (tls_dir / "zoom-harness-ca.pem").read_bytes() == first_ca
    assert (tls_dir / "zoom-emulator.pem").read_bytes() != first_certificate

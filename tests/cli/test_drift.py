"""Recording and ``zoom-harness drift``: a recording of the served emulator replays clean against a
fresh one, and a behaviour changed in the replaying emulator shows on its route and nowhere else."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.directory.people import PeopleDirectory
from harness.targets.drift import Difference, drift
from harness.targets.recording import Recorder, Recording
from harness.zoom.client import ZoomClient
from harness.zoom.target import Target
from mocks.api.scim_render import ENTERPRISE_USER
from mocks.serving.server import ServedEmulator

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A session of the calls a connector and a third-party client make, recorded from the served
    emulator treated as remote (URLs and credentials only)."""
    folder = tmp_path_factory.mktemp("recording")
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account(domain="drift.example")
        target = Target(**credentials.to_dict())
        recorder = Recorder(folder, token_url=target.token_url, api_base_url=target.api_base_url)
        with ZoomClient(target, on_exchange=recorder.record) as client:
            enterprise = {"department": "R&D", "organization": "Acme"}
            ada = client.create_user({"schemas": [CORE, ENTERPRISE_USER], "userName": "ada@drift.example",
                                         "name": {"givenName": "Ada", "familyName": "Byron"},
                                         ENTERPRISE_USER: enterprise})  # fmt: skip
            assert client.find_user("ada@drift.example") is not None
            client.get_user(ada["id"])
            client.update_user(ada["id"], {"schemas": [CORE], "title": "Countess"})
            client.set_active(ada["id"], False)
            list(client.iter_users())
            # A third-party client's update, as zoomus sends it (the user's own id in the body).
            client.send("PATCH", f"/v2/users/{ada['id']}", json={"id": ada["id"], "job_title": "Analyst"})
            client.delete_user(ada["id"])
            client.get_user(ada["id"])  # 404
        recorder.close()
        yield folder, credentials.client_secret


def _routes(differences: dict[Difference, list[int]]) -> set[str]:
    return {d.route for d in differences}


def test_a_recording_replays_clean_against_an_unchanged_emulator(recording: tuple[Path, str]) -> None:
    report = drift(Recording.load(recording[0]))
    assert report.clean, report.lines()
    assert report.replayed == 10 and report.skipped == []
    assert report.routes == {
        "POST /oauth/token": 1, "POST /scim2/Users": 1, "GET /scim2/Users": 2, "GET /scim2/Users/{id}": 2,
        "PUT /scim2/Users/{id}": 1, "PATCH /v2/users/{id}": 1, "PATCH /scim2/Users/{id}": 1,
        "DELETE /scim2/Users/{id}": 1,
    }  # fmt: skip


def test_thinner_list_results_changed_show_on_the_list_route_only(recording: tuple[Path, str]) -> None:
    report = drift(Recording.load(recording[0]), settings={"scim_list_full_attributes": True})
    organization = f"Resources[].{ENTERPRISE_USER}.organization"
    assert set(report.differences) == {Difference("GET /scim2/Users", "shape", organization, "absent", "present")}
    # The filtered lookup and the full listing both showed it: exchanges 3 and 7 of the recording.
    assert report.differences[Difference("GET /scim2/Users", "shape", organization, "absent", "present")] == [3, 7]


def test_a_stricter_rest_update_shows_as_a_status_and_error_on_its_route(recording: tuple[Path, str]) -> None:
    report = drift(Recording.load(recording[0]), settings={"strict_rest_update_fields": True})
    assert _routes(report.differences) == {"PATCH /v2/users/{id}"}
    assert set(report.differences) == {
        Difference("PATCH /v2/users/{id}", "status", "", 204, 400),
        Difference("PATCH /v2/users/{id}", "error", "code", "absent", 300),
        Difference("PATCH /v2/users/{id}", "error", "message", "absent", "Validation Failed."),
    }


def test_rate_limit_headers_are_compared_by_presence_and_value(recording: tuple[Path, str], tmp_path: Path) -> None:
    no_limits = drift(Recording.load(recording[0]), settings={"rate_limits": False})
    assert {(d.kind, d.path, d.recorded, d.replayed) for d in no_limits.differences} == {
        ("header", name, "present", "absent")
        for name in ("x-ratelimit-category", "x-ratelimit-limit", "x-ratelimit-remaining")
    }
    assert "POST /oauth/token" not in _routes(no_limits.differences)  # the token host has no rate limits
    # Zoom raises the Light limit: the recording says so, the emulator does not.
    changed = tmp_path / "changed"
    changed.mkdir()
    for source in recording[0].iterdir():
        text = source.read_text()
        if source.suffix == ".jsonl":
            lines = [json.loads(line) for line in text.splitlines()]
            for line in lines:
                if line["response_headers"].get("x-ratelimit-category") == "Light":
                    line["response_headers"]["x-ratelimit-limit"] = "120"
            text = "".join(json.dumps(line) + "\n" for line in lines)
        (changed / source.name).write_text(text)
    raised = drift(Recording.load(changed))
    assert {(d.kind, d.path, d.recorded) for d in raised.differences} == {("header", "x-ratelimit-limit", "120")}
    assert _routes(raised.differences) == {
        "POST /scim2/Users", "GET /scim2/Users/{id}", "PUT /scim2/Users/{id}", "PATCH /scim2/Users/{id}",
        "PATCH /v2/users/{id}", "DELETE /scim2/Users/{id}",
    }  # fmt: skip


def test_the_recording_holds_no_secret(recording: tuple[Path, str]) -> None:
    folder, secret = recording
    text = "".join(p.read_text() for p in folder.iterdir())
    assert secret not in text and "eyJ" not in text
    exchanges = Recording.load(folder).exchanges
    assert exchanges[0].json_body("response")["access_token"] == "[REDACTED]"
    assert exchanges[0].request_headers["authorization"] == "Basic [REDACTED]"
    assert {e.request_headers["authorization"] for e in exchanges[1:]} == {"Bearer [REDACTED]"}


def test_provision_records_and_drift_reports_from_the_command_line(tmp_path: Path) -> None:
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account()
        creds = tmp_path / "creds.json"
        creds.write_text(json.dumps(credentials.to_dict()))
        people = PeopleDirectory(seed=3)
        for person in people.add_people(3):
            people.update(person.uid, o="Acme")
            # Already in Zoom: the provisioner looks each one up by username and links it.
            served.emulator.state.create_user(credentials.account_id, f"{person.uid}@example.com", organization="Acme")
        people.write_ldif(tmp_path / "people.ldif")
        record = tmp_path / "rec"
        provisioned = _cli("provision", "--source", str(tmp_path / "people.ldif"), "--credentials-file", str(creds),
                           "--state", str(tmp_path / "s.db"), "--record", str(record))  # fmt: skip
        assert provisioned.returncode == 0, provisioned.stderr
    # The users the account had before the recording are taken from what the recording read of them.
    clean = _cli("drift", str(record))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.rstrip().endswith("CLEAN: no route differs.")
    assert "  same   GET /scim2/Users/{id} (3 exchanges)" in clean.stdout.splitlines()
    drifted = _cli("drift", str(record), "--set", "token_ttl=7200", "--json")
    assert drifted.returncode == 1, drifted.stderr
    document = json.loads(drifted.stdout)
    drifting = [r for r in document["routes"] if r["differences"]]
    assert not document["clean"] and [r["route"] for r in drifting] == ["POST /oauth/token"]
    assert drifting[0]["differences"] == [
        {"route": "POST /oauth/token", "kind": "value", "path": "expires_in", "recorded": 3600, "replayed": 7200,
         "at": [1]},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "nowhere is not a recording (no recording.json)"),
        (["{rec}", "--set", "no_such_switch=1"], "unknown emulator setting 'no_such_switch'"),
        (["{rec}", "--set", "rate_limits=maybe"], "emulator setting rate_limits takes a bool, not 'maybe'"),
        (["{rec}", "--set", "rate_limits"], "--set takes NAME=VALUE, not 'rate_limits'"),
    ],
)
def test_drift_refuses_bad_input_in_one_line(recording: tuple[Path, str], args: list[str], message: str) -> None:
    answer = _cli("drift", *[a.replace("{rec}", str(recording[0])) for a in args])
    assert answer.returncode == 2 and answer.stdout == ""
    assert answer.stderr.startswith(f"zoom-harness drift: error: {message}") and answer.stderr.count("\n") == 1


def test_run_records_only_against_a_real_zoom_account() -> None:
    answer = _cli("run", "--target", "emulator", "--record", "somewhere")
    assert answer.returncode == 2
    assert answer.stderr == (
        "zoom-harness run: error: --record records a run against a real Zoom account: use it with --target zoom\n"
    )

"""``zoom-harness provision`` against ``zoom-harness serve``: two runs over 50 users with changes
between them leave Zoom exactly as the documentation says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from harness.directory.people import PeopleDirectory
from mocks.serving.server import ServedEmulator


def _provision(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", "provision", *args], capture_output=True, text=True)


def test_two_runs_over_fifty_users(tmp_path: Path) -> None:
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account()
        creds_file = tmp_path / "creds.json"
        creds_file.write_text(json.dumps(credentials.to_dict()))
        people = PeopleDirectory(seed=11)
        everyone = people.add_people(50)
        for person in everyone[:5]:
            people.update(person.uid, ou="Staff")
        ldif = tmp_path / "people.ldif"
        people.write_ldif(ldif)
        common = ["--source", str(ldif), "--credentials-file", str(creds_file), "--state", str(tmp_path / "s.db")]
        common += ["--filter", "(&(objectClass=inetOrgPerson)(!(ou=Moved)))", "--log-dir", str(tmp_path / "logs")]
        first = _provision(*common)
        assert first.returncode == 0, first.stderr
        assert "created 50" in first.stdout

        disabled, deleted, moved, edited = everyone[0], everyone[1], everyone[2], everyone[3]
        people.disable(disabled.uid)
        people.delete(deleted.uid)
        people.update(moved.uid, ou="Moved")
        people.update(edited.uid, title="Head of Testing")
        newcomer = people.add_person("newcomer")
        people.write_ldif(ldif)
        second = _provision(*common, "--remove-action", "disable")
        assert second.returncode == 0, second.stderr
        assert "created 1, updated 1, disabled 3" in second.stdout

        users = {
            u.user_name: u for u in served.emulator.state.users(credentials.account_id).values() if u.role != "Owner"
        }
        assert len(users) == 51  # no duplicates, nobody lost
        domain = "@example.com"
        for person in (disabled, deleted, moved):
            assert users[person.uid + domain].status == "inactive"
        assert users[edited.uid + domain].title == "Head of Testing"
        assert users[newcomer.uid + domain].status == "active"
        active = [u for u in users.values() if u.status == "active"]
        assert len(active) == 48
        audit = (tmp_path / "logs" / "provisioner-audit.log").read_text().splitlines()
        assert len(audit) == 55
        secret = credentials.client_secret
        for path in (tmp_path / "logs").iterdir():
            assert secret not in path.read_text()
        assert secret not in first.stdout + second.stdout + first.stderr + second.stderr
        httpx.get(f"{served.url}/_emulator/state", headers=served.control_headers).raise_for_status()


def test_a_failed_operation_exits_non_zero(tmp_path: Path) -> None:
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account()
        served.emulator.inject(route="scim.users.create", status=400, body={"code": 300, "message": "No."}, times=None)
        creds_file = tmp_path / "creds.json"
        creds_file.write_text(json.dumps(credentials.to_dict()))
        people = PeopleDirectory(seed=12)
        people.add_people(2)
        ldif = people.write_ldif(tmp_path / "p.ldif")
        result = _provision(
            "--source", str(ldif), "--credentials-file", str(creds_file), "--state", str(tmp_path / "s")
        )
        assert result.returncode == 1
        assert "failed 2" in result.stdout and "CREATE failed" in result.stdout


def test_activation_refusal_is_one_line(tmp_path: Path) -> None:
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account(scopes=["scim2"])
        creds_file = tmp_path / "creds.json"
        creds_file.write_text(json.dumps(credentials.to_dict()))
        people = PeopleDirectory(seed=13)
        people.add_people(1)
        ldif = people.write_ldif(tmp_path / "p.ldif")
        result = _provision(
            "--source", str(ldif), "--credentials-file", str(creds_file), "--state", str(tmp_path / "s")
        )
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "lacks the scope user:master" in result.stderr
        assert served.emulator.state.users(credentials.account_id).keys() == {
            served.emulator.state.account(credentials.account_id).owner_id
        }


def test_bad_options_are_one_line(tmp_path: Path) -> None:
    ldif = tmp_path / "p.ldif"
    ldif.write_text("dn: uid=a,dc=example,dc=com\nmail: a@example.com\n")
    both = _provision("--source", str(ldif), "--filter", "(a=b", "--group-dn", "cn=g")
    assert both.returncode == 2 and "not a valid LDAP filter: (a=b" in both.stderr
    unknown = _provision("--source", str(ldif), "--bogus")
    assert unknown.returncode == 2 and "unrecognized arguments" in unknown.stderr
    assert "Traceback" not in both.stderr + unknown.stderr


def test_no_secret_reaches_the_logs_state_or_journal_of_provision(tmp_path: Path) -> None:
    secret = "provision-secret-that-must-stay-hidden-42"
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account(client_secret=secret)
        creds_file = tmp_path / "creds.json"
        creds_file.write_text(json.dumps(credentials.to_dict()))
        people = PeopleDirectory(seed=14)
        people.add_people(5)
        ldif = people.write_ldif(tmp_path / "p.ldif")
        out = tmp_path / "out"
        result = _provision("--source", str(ldif), "--credentials-file", str(creds_file), "--state",
                            str(out / "state.sqlite"), "--log-dir", str(out / "logs"))  # fmt: skip
        journal = httpx.get(f"{served.url}/_emulator/journal", headers=served.control_headers).text
        tokens = list(served.emulator.state.tokens)
    assert result.returncode == 0, result.stderr
    needles = [secret.encode(), *(t.encode() for t in tokens)]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 3  # the state, the audit log and the channel summaries
    for path in files:
        content = path.read_bytes()
        assert not [n for n in needles if n in content], path
    for text in (result.stdout, result.stderr, journal):
        assert not [n for n in needles if n.decode() in text]


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    ldif = tmp_path / "p.ldif"
    ldif.write_text("dn: uid=a,dc=example,dc=com\nmail: a@example.com\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("Title: title\n")  # no Username
    state = tmp_path / "state.sqlite"
    for args, message in (
        (["--mapping", str(mapping)], "Username must be mapped"),
        (["--mapping", str(tmp_path / "missing.yaml")], "cannot read mapping file"),
        (["--filter", "(((("], "not a valid LDAP filter"),
    ):
        result = _provision("--source", str(ldif), "--state", str(state), *args)
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1
        assert not state.exists()
    broken = tmp_path / "broken.ldif"
    broken.write_bytes(b"dn: uid=a,dc=x\nmail:: !!!not base64\n")
    result = _provision("--source", str(broken), "--state", str(state))
    assert result.returncode == 2 and "LDIF" in result.stderr and not state.exists()

"""``zoom-harness directory serve`` and ``provision`` reading a real LDAP directory, by options or
by a channel file, with the errors a user meets as one line and exit status 2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ldap3 import Connection, Server

from harness.directory.ldap import LdapAddress, LdapPeople
from harness.directory.people import PeopleDirectory
from harness.directory.slapd import DirectoryServer
from mocks.serving.server import ServedEmulator


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)  # fmt: skip


def test_directory_serve_prints_what_pingfederate_needs_and_loads_a_seed(
    slapd: DirectoryServer, tmp_path: Path
) -> None:
    people = PeopleDirectory(base_dn="ou=people,dc=example,dc=com", seed=9)
    people.add_people(3)
    ldif = people.write_ldif(tmp_path / "people.ldif")
    ldif.write_bytes(
        b"dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n" + ldif.read_bytes()
    )
    process = subprocess.Popen([sys.executable, "-m", "harness.cli", "directory", "serve", "--seed", str(ldif)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    lines: list[str] = []
    try:
        assert process.stdout is not None
        while not lines or not lines[-1].startswith("  (Ctrl+C"):
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else "serve ended"
            lines.append(line.rstrip("\n"))
        fields = dict(found for found in map(_field, lines) if found)
        assert lines[0].startswith("LDAP directory listening on ldap://127.0.0.1:")
        host = fields["Hostname"]
        assert fields["User DN (bind DN)"] == "cn=admin,dc=example,dc=com" and fields["Base DN"] == "dc=example,dc=com"
        assert fields["User object class"] == "inetOrgPerson" and fields["Group object class"] == "groupOfUniqueNames"
        assert "  Loaded 4 entries from " + str(ldif) in lines
        connection = Connection(Server(f"ldap://{host}"), fields["User DN (bind DN)"], fields["Password"],
                                auto_bind=True)  # fmt: skip
        connection.search("dc=example,dc=com", "(objectClass=inetOrgPerson)", attributes=["entryUUID"])
        assert len(connection.entries) == 3 and all(e.entryUUID.value for e in connection.entries)
        connection.unbind()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130  # 128 + SIGINT; slapd may take its 5 s to stop on a loaded machine


def _field(line: str) -> tuple[str, str] | None:
    for name in ("Hostname", "User DN (bind DN)", "Password", "Base DN", "User object class", "Group object class"):
        if line.strip().startswith(name + " "):
            return name, line.strip()[len(name) :].strip()
    return None


@pytest.fixture
def directory(slapd: DirectoryServer, request: pytest.FixtureRequest) -> LdapPeople:
    root = f"ou=cli{abs(hash(request.node.nodeid)) % 10**8},{slapd.suffix}"
    people = LdapPeople(LdapAddress(slapd.url, slapd.bind_dn, slapd.password), root_dn=root, domain="example.com",
                        seed=4)  # fmt: skip
    for name in ("ann", "bob", "cyd"):
        people.add_person(name, title="Staff")
    return people


def test_provision_reads_the_directory_by_options_then_by_a_channel_file(
    slapd: DirectoryServer, directory: LdapPeople, tmp_path: Path
) -> None:
    env = {"LDAP_PASSWORD": slapd.password}
    with ServedEmulator() as served:
        credentials = served.emulator.ready_account()
        creds = tmp_path / "creds.json"
        creds.write_text(json.dumps(credentials.to_dict()))
        first = _cli("provision", "--source", slapd.url, "--bind-dn", slapd.bind_dn, "--bind-password-env",
                     "LDAP_PASSWORD", "--base-dn", directory.root_dn, "--credentials-file", str(creds), "--state",
                     str(tmp_path / "s.db"), env=env)  # fmt: skip
        assert first.returncode == 0, first.stderr
        assert "created 3, updated 0" in first.stdout
        directory.update("bob", title="Chief")
        directory.disable("cyd")
        init = _cli("channel", "init", "--base-dn", directory.root_dn, "--output", str(tmp_path / "channel.yaml"))
        assert init.returncode == 0, init.stderr
        document = yaml.safe_load((tmp_path / "channel.yaml").read_text())
        document["dataStore"] = {"type": "LDAP", "ldapType": "GENERIC", "hostnames": [f"{slapd.host}:{slapd.port}"],
                                 "userDN": slapd.bind_dn, "passwordFromEnv": "LDAP_PASSWORD"}  # fmt: skip
        settings = document["outboundProvision"]["targetSettings"]
        next(s for s in settings if s["name"] == "Remove User Action")["value"] = "Delete"
        (tmp_path / "channel.yaml").write_text(yaml.safe_dump(document))
        second = _cli("provision", "--channel", str(tmp_path / "channel.yaml"), "--credentials-file", str(creds),
                      "--state", str(tmp_path / "s.db"), env=env)  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "created 0, updated 1, disabled 0, re-enabled 0, deleted 1, failed 0" in second.stdout
        users = {u.user_name: u for u in served.emulator.state.users(credentials.account_id).values()}
    assert users["bob@example.com"].title == "Chief" and "cyd@example.com" not in users


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bind-password-env", "WRONG_PASSWORD"], "the directory at {url} refused the bind as {bind}"),
        (["--bind-password-env", "NOT_SET"], "--bind-password-env: the variable NOT_SET is not set"),
        (["--filter", "(&(ou=x)"], "not a valid LDAP filter: (&(ou=x)"),
        (["--source", "ldap://127.0.0.1:9"], "cannot reach the directory at ldap://127.0.0.1:9"),
        (["--channel", "c.yaml"], "the channel file sets what --base-dn would: give one or the other"),
        (["--source", "people.ldif"], "cannot read LDIF file people.ldif: No such file or directory"),
    ],
)
def test_provision_refuses_bad_directory_input_in_one_line(
    slapd: DirectoryServer, tmp_path: Path, args: list[str], message: str
) -> None:
    command = ["provision", "--source", slapd.url, "--bind-dn", slapd.bind_dn, "--base-dn", slapd.suffix,
               "--bind-password-env", "LDAP_PASSWORD", "--state", str(tmp_path / "s.db"), "--account-id", "a",
               "--client-id", "c"]  # fmt: skip
    for index in range(0, len(args), 2):
        if args[index] in command:
            command[command.index(args[index]) + 1] = args[index + 1]
        else:
            command += args[index : index + 2]
    env = {"LDAP_PASSWORD": slapd.password, "WRONG_PASSWORD": "nope", "ZOOM_CLIENT_SECRET": "s"}
    answer = subprocess.run([sys.executable, "-m", "harness.cli", *command], capture_output=True, text=True,
                            env={**os.environ, **env}, cwd=tmp_path, timeout=60)  # fmt: skip
    assert answer.returncode == 2, answer.stdout + answer.stderr
    expected = message.format(url=slapd.url, bind=slapd.bind_dn)
    assert answer.stderr == f"zoom-harness provision: error: {expected}\n"
    assert not (tmp_path / "s.db").exists()

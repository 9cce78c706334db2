"""The private slapd: where it looks for slapd and when a missing one is a failure, what it starts
(its folder, configuration, command line, suffix, watchdog) and what its stop leaves (nothing), and
the lines a user meets when it cannot start. Real slapd processes: one starts in about 0.1 s."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ldap3 import BASE, NONE, Connection, Server

from harness.directory import slapd as module
from harness.directory.slapd import DirectoryServer, Slapd, SlapdMissing, slapd_binary, slapd_required
from harness.directory.watchdog import OWNER_FILE, PREFIX, alive
from harness.errors import HarnessError

pytestmark = pytest.mark.skipif(slapd_binary() is None and not slapd_required(), reason="slapd is not installed")


@pytest.fixture
def started() -> Iterator[Slapd]:
    server = Slapd()
    server.start()
    yield server
    server.stop()


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().rstrip("\0").split("\0")


def _mine() -> set[Path]:
    """This process's slapd folders (other test workers start their own meanwhile)."""
    owned = []
    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owned.append((folder, (folder / OWNER_FILE).read_text(encoding="utf-8")))
        except OSError:
            continue
    return {folder for folder, owner in owned if owner == f"{os.getpid()}\n"}


def test_a_missing_slapd_says_how_to_install_it() -> None:
    assert (
        str(SlapdMissing())
        == "slapd is not installed: install Debian's slapd and ldap-utils (apt-get install slapd ldap-utils)"
    )


def test_slapd_is_found_on_the_path_or_in_usr_sbin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module.shutil, "which", lambda name: f"/opt/{name}" if name == "slapd" else None)
    assert slapd_binary() == "/opt/slapd"
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    executable: set[str] = {"/usr/sbin/slapd"}
    monkeypatch.setattr(module.os, "access", lambda path, mode: path in executable and mode == os.X_OK)
    assert slapd_binary() == "/usr/sbin/slapd"
    executable.clear()
    assert slapd_binary() is None
    monkeypatch.setattr(module, "slapd_binary", lambda: None)
    with pytest.raises(SlapdMissing):
        Slapd().start()


@pytest.mark.parametrize(
    ("environment", "required"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "1"}, True),
        ({"CI": "YES"}, True),
        ({"CI": "false"}, False),
        ({"CI": ""}, False),
        ({"ZOOM_HARNESS_REQUIRE_SLAPD": "True"}, True),
        ({"ZOOM_HARNESS_REQUIRE_SLAPD": "0", "CI": "no"}, False),
    ],
)
def test_where_a_missing_slapd_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], required: bool
) -> None:
    for name in ("CI", "ZOOM_HARNESS_REQUIRE_SLAPD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert slapd_required() is required


def test_what_a_data_store_needs_to_reach_the_directory() -> None:
    server = DirectoryServer("127.0.0.1", 1389, "cn=admin,dc=x", "s3cret", "dc=x")
    assert server.url == "ldap://127.0.0.1:1389"
    assert (server.user_object_class, server.group_object_class) == ("inetOrgPerson", "groupOfUniqueNames")
    assert "s3cret" not in repr(server)


def test_a_started_directory_answers_with_its_suffix(started: Slapd) -> None:
    info = started.info
    assert info is not None and started.process is not None
    assert (info.host, info.bind_dn, info.suffix) == ("127.0.0.1", "cn=admin,dc=example,dc=com", "dc=example,dc=com")
    assert len(info.password) == 24  # 18 random bytes, URL-safe base64
    with Connection(Server(info.url, get_info=NONE), info.bind_dn, info.password, auto_bind=True) as connection:
        connection.search("dc=example,dc=com", "(objectClass=*)", BASE, attributes=["dc", "o", "objectClass"])
        [entry] = connection.response
        assert entry["attributes"]["dc"] in ("example", ["example"])
        assert entry["attributes"]["o"] == ["Example"]
        assert sorted(entry["attributes"]["objectClass"]) == ["dcObject", "organization"]
        # the harness's schema is loaded, and slapd's monitor tells the time
        connection.search("cn=Current,cn=Time,cn=Monitor", "(objectClass=*)", BASE, attributes=["monitorTimestamp"])
        assert connection.response[0]["raw_attributes"]["monitorTimestamp"][0].endswith(b"Z")
        connection.search("cn=Subschema", "(objectClass=*)", BASE, attributes=["attributeTypes"])
        types = " ".join(connection.response[0]["attributes"]["attributeTypes"])
        assert "'nsAccountLock'" in types and "'userAccountControl'" in types and "'workEmail'" in types


def test_its_folder_configuration_and_command_line(started: Slapd) -> None:
    folder, process, info = started.folder, started.process, started.info
    assert folder is not None and process is not None and info is not None
    assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith(PREFIX)
    assert not folder.name.removeprefix(PREFIX).startswith(".starting-")
    assert not [p for p in folder.parent.glob(".starting-*") if (p / OWNER_FILE).exists()
                and (p / OWNER_FILE).read_text() == f"{os.getpid()}\n"]  # fmt: skip
    assert (folder / OWNER_FILE).read_text(encoding="utf-8") == f"{os.getpid()}\n"
    assert (folder / "db").is_dir() and (folder / "slapd.log").is_file()
    conf = folder / "slapd.conf"
    assert conf.stat().st_mode & 0o777 == 0o600  # it holds the password
    text = conf.read_text(encoding="utf-8")
    for line in (
        "include /etc/ldap/schema/core.schema",
        "include /etc/ldap/schema/cosine.schema",
        "include /etc/ldap/schema/inetorgperson.schema",
        f"include {module.HARNESS_SCHEMA}",
        f"pidfile {folder / 'slapd.pid'}",
        f"argsfile {folder / 'slapd.args'}",
        "modulepath /usr/lib/ldap",
        "moduleload back_mdb",
        "database mdb",
        "maxsize 1073741824",
        'suffix "dc=example,dc=com"',
        'rootdn "cn=admin,dc=example,dc=com"',
        f"rootpw {info.password}",
        f"directory {folder / 'db'}",
        "index objectClass eq",
        "index entryUUID eq",
        "index uid eq",
        "index mail eq",
        "database monitor",
    ):
        assert line in text.splitlines(), line
    assert text.index("database mdb") < text.index("database monitor")
    binary = slapd_binary()
    assert _cmdline(process.pid) == [binary, "-f", str(conf), "-h", f"ldap://127.0.0.1:{info.port}/", "-d", "none"]
    assert os.getsid(process.pid) == process.pid  # a session of its own: a terminal's signal is ours to pass on


def test_its_watchdog_holds_a_lifeline_and_names_slapd_and_the_folder(started: Slapd) -> None:
    watchdog, process = started.watchdog, started.process
    assert watchdog is not None and process is not None and started.folder is not None
    assert _cmdline(watchdog.pid) == [sys.executable, "-m", "harness.directory.watchdog", str(process.pid),
                                      str(started.folder)]  # fmt: skip
    assert os.getsid(watchdog.pid) == watchdog.pid
    time.sleep(0.3)  # a watchdog that read end-of-file at once would have stopped slapd by now
    assert watchdog.poll() is None and process.poll() is None and started.folder.exists()
    assert started._lifeline is not None
    os.fstat(started._lifeline)  # the write end is open here, and only here


def test_a_port_asked_for_is_the_port_served() -> None:
    port = module._free_port("127.0.0.1")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free: bindable
    with Slapd(port) as info:
        assert info.port == port
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass


def test_stop_leaves_nothing_and_may_be_called_again() -> None:
    server = Slapd()
    server.stop()  # before start: nothing to do
    info = server.start()
    process, watchdog, folder = server.process, server.watchdog, server.folder
    assert process is not None and watchdog is not None and folder is not None
    server.stop()
    assert process.poll() is not None and watchdog.poll() is not None
    assert not folder.exists()
    assert (server.process, server.folder, server.watchdog, server._lifeline) == (None, None, None, None)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", info.port), timeout=1):
        pass
    server.stop()


_IGNORES_SIGTERM = (
    "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint(1, flush=True)\ntime.sleep(60)"
)


def test_a_slapd_that_ignores_sigterm_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    stubborn = subprocess.Popen(
        [sys.executable, "-c", _IGNORES_SIGTERM],
        stdout=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"1\n"
    waits: list[float | None] = []
    real_wait = stubborn.wait

    def wait(timeout: float | None = None) -> int:
        waits.append(timeout)
        if timeout is not None:  # the grace: it is still there after SIGTERM
            time.sleep(0.2)
            assert stubborn.poll() is None
            raise subprocess.TimeoutExpired("slapd", timeout)
        return real_wait()

    monkeypatch.setattr(stubborn, "wait", wait)
    server = Slapd()
    server.process = stubborn
    server.stop()
    assert waits == [5, None]
    assert stubborn.returncode == -signal.SIGKILL
    assert server.process is None


def test_a_slapd_that_stops_at_start_is_named_with_its_log_and_cleaned_up() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = Slapd(taken.getsockname()[1])
        before = _mine()
        with pytest.raises(HarnessError) as error:
            server.start()
    message = str(error.value)
    assert message.startswith("slapd stopped at start: ")
    assert "daemon: bind(" in message and "failed errno=98 (Address already in use) | " in message, message
    assert _mine() == before  # its folder is gone
    assert server.process is None and server.watchdog is None


def test_a_slapd_that_does_not_answer_in_time_is_named(started: Slapd) -> None:
    with pytest.raises(HarnessError) as error:
        started._await_ready(timeout=0)
    assert str(error.value) == f"slapd did not answer within 0 s: {started.log_tail()}"


def test_the_log_tail_is_its_last_lines_on_one_line(tmp_path: Path) -> None:
    server = Slapd()
    assert server.log_tail() == "no log"
    server.folder = tmp_path
    assert server.log_tail() == "no log"
    (tmp_path / "slapd.log").write_text("\n \n", encoding="utf-8")
    assert server.log_tail() == "no log"
    (tmp_path / "slapd.log").write_bytes(b"".join(b"line %d\n" % n for n in range(1, 8)) + b"bad \xff\n")
    assert server.log_tail() == "line 4 | line 5 | line 6 | line 7 | bad \ufffd"
    assert server.log_tail(2) == "line 7 | bad \ufffd"


def test_a_folder_left_by_a_dead_owner_is_removed_at_the_next_start() -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = Path(tempfile.mkdtemp(prefix=PREFIX))
    (left / OWNER_FILE).write_text(f"{dead.pid}\n", encoding="utf-8")
    with Slapd():
        assert not left.exists()
    assert not alive(dead.pid) or dead.pid == os.getpid()


def test_the_watchdog_writes_nowhere_a_caller_reads(started: Slapd) -> None:
    """A watchdog on the caller's stdout or stderr would keep a pipe that reads them open (a
    `subprocess.run(..., capture_output=True)` of a command that starts slapd would not end)."""
    assert started.watchdog is not None
    for fd in (1, 2):
        assert os.readlink(f"/proc/{started.watchdog.pid}/fd/{fd}") == "/dev/null"


def test_stop_copes_with_what_is_already_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    server = Slapd()
    server.start()
    assert server.folder is not None and server.process is not None
    shutil.rmtree(server.folder)  # removed by someone else
    real_killpg = os.killpg

    def gone(pid: int, signal_number: int) -> None:  # the group ended between poll() and the signal
        real_killpg(pid, signal_number)
        raise ProcessLookupError

    monkeypatch.setattr(module.os, "killpg", gone)
    server.stop()
    assert server.folder is None and server.process is None


def test_stop_waits_for_the_watchdog_five_seconds_at_most() -> None:
    waits: list[float | None] = []

    class Lingering:
        def wait(self, timeout: float | None = None) -> int:
            waits.append(timeout)
            raise subprocess.TimeoutExpired("watchdog", timeout or 0)

    server = Slapd()
    server.watchdog = Lingering()  # type: ignore[assignment]
    server.stop()
    assert waits == [5] and server.watchdog is None

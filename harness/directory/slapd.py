"""A private OpenLDAP server: Debian's ``slapd`` on a loopback port, with its configuration and
database in a temporary folder of its own. Nothing of the machine's LDAP setup is read or changed,
and stopping it removes the folder. A watchdog process (``watchdog.py``) does both if the owner dies
without stopping it, SIGKILL included; a folder an owner left before the watchdog existed is removed
at the next start.

The directory has the suffix ``dc=example,dc=com``, the core, cosine and inetOrgPerson schemas, and
the harness's own schema (``harness.schema``: ``nsAccountLock``, ``userAccountControl``,
``workEmail``). slapd maintains ``entryUUID`` and ``modifyTimestamp`` itself, as every LDAP server
PingFederate reads does.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from harness.directory.watchdog import OWNER_FILE, PREFIX, remove_orphans
from harness.errors import HarnessError

SCHEMA_FOLDER = Path("/etc/ldap/schema")
HARNESS_SCHEMA = Path(__file__).with_name("harness.schema")
MODULES = Path("/usr/lib/ldap")
INSTALL_HINT = "install Debian's slapd and ldap-utils (apt-get install slapd ldap-utils)"
#: Set in CI: a missing slapd is then a failure, never a fallback to the in-memory directory.
REQUIRE_VARIABLE = "ZOOM_HARNESS_REQUIRE_SLAPD"


class SlapdMissing(HarnessError):
    def __init__(self) -> None:
        super().__init__(f"slapd is not installed: {INSTALL_HINT}")


def slapd_binary() -> str | None:
    return shutil.which("slapd") or next((p for p in ("/usr/sbin/slapd",) if os.access(p, os.X_OK)), None)


def slapd_required() -> bool:
    """In CI (``CI`` set, as every CI system does) or where asked, a missing slapd is a failure."""
    return any(os.environ.get(name, "").lower() in ("1", "true", "yes") for name in (REQUIRE_VARIABLE, "CI"))


@dataclass(frozen=True)
class DirectoryServer:
    """What PingFederate's LDAP data store needs to reach a directory."""

    host: str
    port: int
    bind_dn: str
    password: str = field(repr=False)
    suffix: str
    user_object_class: str = "inetOrgPerson"
    group_object_class: str = "groupOfUniqueNames"

    @property
    def url(self) -> str:
        return f"ldap://{self.host}:{self.port}"


class Slapd:
    """``with Slapd() as server:`` a running directory; ``server.info`` says how to reach it."""

    SUFFIX = "dc=example,dc=com"

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1") -> None:
        self._wanted_port = port
        self.host = host
        self.folder: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.info: DirectoryServer | None = None
        #: The watchdog that stops slapd if this process dies, and the write end of its lifeline.
        self.watchdog: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None

    def __enter__(self) -> DirectoryServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> DirectoryServer:
        binary = slapd_binary()
        if binary is None:
            raise SlapdMissing()
        temp = Path(tempfile.gettempdir())
        remove_orphans(temp)
        # Named only once its owner is written: another process's orphan sweep never sees it ownerless.
        starting = Path(tempfile.mkdtemp(prefix=".starting-", dir=temp))
        (starting / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
        self.folder = temp / f"{PREFIX}{starting.name.removeprefix('.starting-')}"
        starting.rename(self.folder)
        (self.folder / "db").mkdir()
        password = secrets.token_urlsafe(18)
        port = self._wanted_port or _free_port(self.host)
        conf = self.folder / "slapd.conf"
        conf.write_text(self._configuration(password), encoding="utf-8")
        conf.chmod(0o600)
        log = (self.folder / "slapd.log").open("wb")
        # -d keeps slapd in the foreground, so that it is this process's child and dies with it; at the
        # level "none" it still writes the lines that say why it stopped (a port in use, a bad schema).
        command = [binary, "-f", str(conf), "-h", f"ldap://{self.host}:{port}/", "-d", "none"]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._watch()
        self.info = DirectoryServer(self.host, port, f"cn=admin,{self.SUFFIX}", password, self.SUFFIX)
        try:
            self._await_ready()
            self._add_suffix()
        except BaseException:
            self.stop()
            raise
        return self.info

    def _watch(self) -> None:
        """A watchdog stops slapd and removes its folder if this process dies without doing it."""
        assert self.process is not None and self.folder is not None
        read, self._lifeline = os.pipe()  # neither end is inherited by other children
        try:
            self.watchdog = subprocess.Popen(
                [sys.executable, "-m", "harness.directory.watchdog", str(self.process.pid), str(self.folder)],
                stdin=read, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        finally:
            os.close(read)

    def _configuration(self, password: str) -> str:
        assert self.folder is not None
        schemas = [SCHEMA_FOLDER / f"{name}.schema" for name in ("core", "cosine", "inetorgperson")]
        includes = "".join(f"include {path}\n" for path in (*schemas, HARNESS_SCHEMA))
        return (
            f"{includes}"
            f"pidfile {self.folder / 'slapd.pid'}\nargsfile {self.folder / 'slapd.args'}\n"
            f"modulepath {MODULES}\nmoduleload back_mdb\n"
            "database mdb\nmaxsize 1073741824\n"
            f'suffix "{self.SUFFIX}"\nrootdn "cn=admin,{self.SUFFIX}"\nrootpw {password}\n'
            f"directory {self.folder / 'db'}\n"
            "index objectClass eq\nindex entryUUID eq\nindex uid eq\nindex mail eq\n"
            # cn=Monitor gives the server's own time: the provisioner's last check is taken from it.
            "database monitor\n"
        )

    def _await_ready(self, timeout: float = 15.0) -> None:
        from ldap3 import Connection, Server
        from ldap3.core.exceptions import LDAPException

        assert self.process is not None and self.info is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(f"slapd stopped at start: {self.log_tail()}")
            try:
                Connection(Server(self.info.url, connect_timeout=1), self.info.bind_dn, self.info.password,
                           auto_bind=True).unbind()  # fmt: skip
                return
            except LDAPException:
                time.sleep(0.05)
        raise HarnessError(f"slapd did not answer within {timeout:g} s: {self.log_tail()}")

    def _add_suffix(self) -> None:
        from ldap3 import Connection, Server

        assert self.info is not None
        with Connection(Server(self.info.url), self.info.bind_dn, self.info.password, auto_bind=True) as connection:
            connection.add(self.SUFFIX, ["dcObject", "organization"], {"dc": "example", "o": "Example"})

    def log_tail(self, lines: int = 5) -> str:
        if self.folder is None or not (self.folder / "slapd.log").exists():
            return "no log"
        text = (self.folder / "slapd.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "no log"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
        if self._lifeline is not None:
            os.close(self._lifeline)  # the watchdog finds nothing left to do and exits
            self._lifeline = None
        if self.watchdog is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.watchdog.wait(timeout=5)
            self.watchdog = None


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])

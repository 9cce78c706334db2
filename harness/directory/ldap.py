"""Reading and writing an LDAP directory (ldap3) with PingFederate's channel-source semantics.

:class:`LdapSource` is what a provisioning cycle reads: the users and groups under the channel's
base DN, told apart by their GUID attribute (``entryUUID``). The first cycle, and the first after a
reset, reads every entry; later cycles read only the entries whose timestamp attribute
(``modifyTimestamp``) says they changed since the last cycle:

- ``TIMESTAMP``: timestamp not older than the last check (``>=``); entries changed in the last
  checked second are read again, harmlessly;
- ``TIMESTAMP_NO_NEGATION``: newer than the last check, asked without a negation (``>=`` one second
  later), so an entry changed in the very second of the last check waits for its next change.

The last check is the newest timestamp the directory itself wrote, never the provisioner's clock,
so a clock skew between the two changes nothing. Deleted entries are found as a GUID-only listing of
the base DN that no longer holds their GUID. The source location is evaluated by the server (the
filter) or from the group's member attribute (the group DN, nested groups expanded when asked).

:class:`LdapPeople` is the scenarios' directory written through to a real server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from harness.errors import HarnessError
from harness.people import PERSON_CLASSES, PeopleDirectory, Person
from harness.source import Directory, Entry, SourceLocation, make_entry, normalize_dn

ChangeAlgorithm = Literal["TIMESTAMP", "TIMESTAMP_NO_NEGATION"]
CHANGE_ALGORITHMS: tuple[ChangeAlgorithm, ...] = ("TIMESTAMP", "TIMESTAMP_NO_NEGATION")
PAGE_SIZE = 1000
_GENERALIZED = "%Y%m%d%H%M%SZ"


@dataclass(frozen=True)
class LdapAddress:
    """Where the directory is and how to bind (PingFederate's LDAP data store)."""

    url: str
    bind_dn: str
    password: str = field(repr=False)

    def connect(self) -> Any:
        """A bound ldap3 connection; an unreachable server or a refused bind is one clear line."""
        from ldap3 import NONE, Connection, Server
        from ldap3.core.exceptions import (
            LDAPBindError,
            LDAPException,
            LDAPInvalidCredentialsResult,
            LDAPSocketOpenError,
        )

        try:
            # No schema download: attribute names are the channel's, checked by the server.
            server = Server(self.url, connect_timeout=5, get_info=NONE)
            return Connection(server, self.bind_dn, self.password, auto_bind=True, receive_timeout=30,
                              raise_exceptions=True, check_names=False)  # fmt: skip
        except (LDAPBindError, LDAPInvalidCredentialsResult):
            raise HarnessError(f"the directory at {self.url} refused the bind as {self.bind_dn}") from None
        except LDAPSocketOpenError:
            raise HarnessError(f"cannot reach the directory at {self.url}") from None
        except LDAPException as error:
            raise HarnessError(f"the directory at {self.url}: {error}") from None


@dataclass(frozen=True)
class SourceSettings:
    """The channel's Source Settings (PingFederate's ChannelSource), for an LDAP data store."""

    base_dn: str
    guid_attribute: str = "entryUUID"
    user_object_class: str = "inetOrgPerson"
    group_object_class: str = "groupOfUniqueNames"
    group_member_attribute: str = "uniqueMember"
    changed_users_algorithm: ChangeAlgorithm = "TIMESTAMP"
    timestamp_attribute: str = "modifyTimestamp"
    nested_search: bool = False

    def __post_init__(self) -> None:
        if self.changed_users_algorithm not in CHANGE_ALGORITHMS:
            raise HarnessError(
                f"changedUsersAlgorithm {self.changed_users_algorithm!r} is not one of {', '.join(CHANGE_ALGORITHMS)}"
            )


@dataclass
class CycleRead:
    """What one cycle read from the server."""

    full: bool
    #: Entries read with their attributes (every entry on a full read, the changed ones after).
    entries_read: int
    #: GUIDs listed to find deletions (none on a full read).
    guids_listed: int
    deleted: int


class LdapSource:
    """A provisioning cycle's view of the directory (see the module's docstring)."""

    def __init__(self, address: LdapAddress, settings: SourceSettings, location: SourceLocation) -> None:
        self.address = address
        self.settings = settings
        self.location = location
        #: GUID -> (entry, its timestamp), as of the last cycle.
        self._mirror: dict[str, tuple[Entry, str]] = {}
        self._last_check: str | None = None
        self.reads: list[CycleRead] = []

    def reset(self) -> None:
        """Forget the last check: the next cycle reads everything again."""
        self._last_check = None
        self._mirror.clear()

    def __call__(self) -> Directory:
        settings = self.settings
        classes = f"(|(objectClass={settings.user_object_class})(objectClass={settings.group_object_class}))"
        attributes = ["*", settings.guid_attribute, settings.timestamp_attribute]
        with self._connection() as connection:
            now = _server_time(connection)
            if self._last_check is None:
                found = list(self._search(connection, settings.base_dn, classes, attributes))
                self._mirror = {entry.guid: (entry, stamp) for entry, stamp in found}
                read = CycleRead(True, len(found), 0, 0)
            else:
                since = self._last_check
                if settings.changed_users_algorithm == "TIMESTAMP_NO_NEGATION":
                    since = _after(since)
                changed = f"(&{classes}({settings.timestamp_attribute}>={since}))"
                found = list(self._search(connection, settings.base_dn, changed, attributes))
                for entry, stamp in found:
                    self._mirror[entry.guid] = (entry, stamp)
                present = {g for g in self._guids(connection, settings.base_dn, classes)}
                gone = [guid for guid in self._mirror if guid not in present]
                for guid in gone:
                    del self._mirror[guid]
                read = CycleRead(False, len(found), len(present), len(gone))
            # The last check is on the directory's clock: its own time when it tells it, else the
            # newest timestamp it wrote.
            stamps = [s for s in (now, self._last_check, *(stamp for _, stamp in found)) if s]
            self._last_check = now or (max(stamps) if stamps else datetime.now(UTC).strftime(_GENERALIZED))
            in_scope = self._scope(connection)
        self.reads.append(read)
        entries = {normalize_dn(entry.dn): entry for entry, _ in self._mirror.values()}
        return Directory(entries, in_scope)

    # -- the source location ---------------------------------------------------------------

    def _scope(self, connection: Any) -> frozenset[str]:
        location, settings = self.location, self.settings
        base = location.base_dn or settings.base_dn
        if location.group_dn is None:
            users = f"(&(objectClass={settings.user_object_class}){location.filter})"
            return frozenset(normalize_dn(dn) for dn in self._dns(connection, base, users))
        by_dn = {normalize_dn(entry.dn): entry for entry, _ in self._mirror.values()}
        members: set[str] = set()
        pending, seen = [normalize_dn(location.group_dn)], set()
        while pending:
            group = by_dn.get(pending.pop())
            if group is None or normalize_dn(group.dn) in seen:
                continue
            seen.add(normalize_dn(group.dn))
            for member in map(normalize_dn, group.values(settings.group_member_attribute)):
                entry = by_dn.get(member)
                if entry is None:
                    continue
                classes = {c.lower() for c in entry.values("objectClass")}
                if settings.group_object_class.lower() in classes:
                    if settings.nested_search:
                        pending.append(member)
                elif settings.user_object_class.lower() in classes and entry.under(base):
                    members.add(member)
        return frozenset(members)

    # -- searches ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        connection = self.address.connect()
        try:
            yield connection
        finally:
            connection.unbind()

    def _paged(self, connection: Any, base: str, ldap_filter: str, attributes: list[str]) -> Iterator[dict[str, Any]]:
        from ldap3.core.exceptions import LDAPException, LDAPInvalidFilterError, LDAPNoSuchObjectResult

        try:
            yield from connection.extend.standard.paged_search(
                base, ldap_filter, attributes=attributes, paged_size=PAGE_SIZE, generator=True
            )
        except LDAPInvalidFilterError:
            raise HarnessError(f"the directory refused the filter {ldap_filter}") from None
        except LDAPNoSuchObjectResult:
            raise HarnessError(f"the base DN {base} is not in the directory at {self.address.url}") from None
        except LDAPException as error:
            raise HarnessError(f"searching the directory at {self.address.url} failed: {error}") from None

    def _search(
        self, connection: Any, base: str, ldap_filter: str, attributes: list[str]
    ) -> Iterator[tuple[Entry, str]]:
        stamp_name = self.settings.timestamp_attribute.lower()
        for found in self._paged(connection, base, ldap_filter, attributes):
            if found.get("type") != "searchResEntry":
                continue
            values = {k: [_text(v) for v in vs] for k, vs in found["raw_attributes"].items()}
            stamp = next((v[0] for k, v in values.items() if k.lower() == stamp_name and v), "")
            values = {k: v for k, v in values.items() if k.lower() != stamp_name}
            yield make_entry(found["dn"], values, self.settings.guid_attribute), _generalized(stamp)

    def _guids(self, connection: Any, base: str, ldap_filter: str) -> Iterator[str]:
        guid = self.settings.guid_attribute
        for found in self._paged(connection, base, ldap_filter, [guid]):
            values = found.get("raw_attributes", {}).get(guid) if found.get("type") == "searchResEntry" else None
            yield _text(values[0]) if values else normalize_dn(found.get("dn", ""))

    def _dns(self, connection: Any, base: str, ldap_filter: str) -> Iterator[str]:
        for found in self._paged(connection, base, ldap_filter, ["1.1"]):
            if found.get("type") == "searchResEntry":
                yield found["dn"]


def _server_time(connection: Any) -> str:
    """The directory's current time: Active Directory's rootDSE ``currentTime`` or OpenLDAP's
    ``cn=Monitor``; empty when the server tells neither."""
    from ldap3.core.exceptions import LDAPException

    for base, attribute in (("", "currentTime"), ("cn=Current,cn=Time,cn=Monitor", "monitorTimestamp")):
        with contextlib.suppress(LDAPException):
            connection.search(base, "(objectClass=*)", search_scope="BASE", attributes=[attribute])
            for found in connection.response:
                values = found.get("raw_attributes", {}).get(attribute)
                if values:
                    return _generalized(_text(values[0]))
    return ""


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", errors="replace") if isinstance(value, bytes) else value


def _generalized(stamp: str) -> str:
    """A GeneralizedTime cut to whole seconds (``20261129032330Z``); empty stays empty."""
    digits = stamp[:14]
    return f"{digits}Z" if len(digits) == 14 and digits.isdigit() else ""


def _after(stamp: str) -> str:
    moment = datetime.strptime(stamp, _GENERALIZED).replace(tzinfo=UTC) + timedelta(seconds=1)
    return moment.strftime(_GENERALIZED)


# -- writing: the scenarios' directory on a real server ------------------------------------------

#: Added to every person, so that the status flags and workEmail are allowed.
HARNESS_CLASS = "zoomHarnessAccount"
#: groupOfUniqueNames must list a member; an empty group lists the empty DN.
NO_MEMBER = ""


class LdapPeople(PeopleDirectory):
    """A :class:`PeopleDirectory` whose every change is written to the directory server as well.

    The server assigns ``entryUUID``; the local copy takes it back, so that both agree."""

    def __init__(self, address: LdapAddress, *, root_dn: str, domain: str, seed: int | None = None) -> None:
        super().__init__(base_dn=f"ou=people,{root_dn}", domain=domain, seed=seed)
        self.address = address
        self.root_dn = root_dn
        #: While set, changes stay local (an entry being built before it is added to the server).
        self._local_only = False
        self.connection = address.connect()
        for dn in (root_dn, self.base_dn, self.groups_dn):
            self._write("add", dn, ["organizationalUnit"], {"ou": dn.split(",", 1)[0].split("=", 1)[1]})

    def close(self) -> None:
        self.connection.unbind()

    @contextlib.contextmanager
    def _building(self) -> Iterator[None]:
        self._local_only = True
        try:
            yield
        finally:
            self._local_only = False

    def _write(self, operation: str, dn: str, *args: Any) -> None:
        from ldap3.core.exceptions import LDAPException

        try:
            getattr(self.connection, operation)(dn, *args)
        except LDAPException as error:
            raise HarnessError(f"the directory refused to {operation} {dn}: {error}") from None

    def add_person(self, uid: str | None = None, **attributes: str | list[str] | None) -> Person:
        with self._building():
            person = super().add_person(uid, **attributes)
        dn, entry = self._entry(person.uid)
        values = {k: v for k, v in entry.items() if k not in ("objectClass", "entryUUID")}
        self._write("add", dn, [*PERSON_CLASSES, HARNESS_CLASS], values)
        self.connection.search(dn, "(objectClass=*)", search_scope="BASE", attributes=["entryUUID"])
        entry["entryUUID"] = [_text(self.connection.response[0]["raw_attributes"]["entryUUID"][0])]
        entry["objectClass"] = [*PERSON_CLASSES, HARNESS_CLASS]
        return self.person(person.uid)

    def update(self, uid: str, **attributes: str | list[str] | None) -> None:
        from ldap3 import MODIFY_DELETE, MODIFY_REPLACE

        dn, entry = self._entry(uid)
        changes = {}
        for name, value in attributes.items():
            if value is None or value == []:
                if name in entry:
                    changes[name] = [(MODIFY_DELETE, [])]
            else:
                changes[name] = [(MODIFY_REPLACE, [value] if isinstance(value, str) else list(value))]
        super().update(uid, **attributes)
        if changes and not self._local_only:
            self._write("modify", dn, changes)

    def delete(self, uid: str) -> None:
        dn, _ = self._entry(uid)
        super().delete(uid)
        self._write("delete", dn)

    def add_group(self, cn: str, members: list[str] = ()) -> str:  # type: ignore[assignment]
        with self._building():
            dn = super().add_group(cn, members)
        self._write("add", dn, ["groupOfUniqueNames"], {"cn": cn, "uniqueMember": self._members(cn) or [NO_MEMBER]})
        return dn

    def add_member(self, cn: str, uid: str) -> None:
        super().add_member(cn, uid)
        self._write_members(cn)

    def remove_member(self, cn: str, uid: str) -> None:
        super().remove_member(cn, uid)
        self._write_members(cn)

    def _members(self, cn: str) -> list[str]:
        return list(self._group(cn).get("uniqueMember", []))

    def _write_members(self, cn: str) -> None:
        from ldap3 import MODIFY_REPLACE

        if not self._local_only:
            members = self._members(cn) or [NO_MEMBER]
            self._write("modify", f"cn={cn},{self.groups_dn}", {"uniqueMember": [(MODIFY_REPLACE, members)]})


def load_entries(address: LdapAddress, directory: Directory) -> int:
    """Add every entry of a parsed LDIF file (parents first, as LDIF lists them); entries the
    server already holds, such as its suffix, are left as they are. Returns how many were added."""
    from ldap3.core.exceptions import LDAPEntryAlreadyExistsResult, LDAPException

    added = 0
    connection = address.connect()
    try:
        for entry in directory:
            values = {k: v for k, v in entry.attributes.items() if k.lower() not in ("objectclass", "entryuuid")}
            try:
                connection.add(entry.dn, entry.values("objectClass") or ["top"], values)
            except LDAPEntryAlreadyExistsResult:
                continue
            except LDAPException as error:
                raise HarnessError(f"the directory refused {entry.dn}: {error}") from None
            added += 1
    finally:
        connection.unbind()
    return added

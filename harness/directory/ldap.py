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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from harness.directory.people import PERSON_CLASSES, PeopleDirectory, Person
from harness.directory.source import Attributes, Directory, Entry, SourceLocation, normalize_dn
from harness.errors import HarnessError

ChangeAlgorithm = Literal["TIMESTAMP", "TIMESTAMP_NO_NEGATION"]
CHANGE_ALGORITHMS: tuple[ChangeAlgorithm, ...] = ("TIMESTAMP", "TIMESTAMP_NO_NEGATION")
PAGE_SIZE = 1000
#: Up to this many entries outside the filter are looked up by GUID; more, and every GUID is listed.
LOOKUP_LIMIT = 500
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
            # No schema download: attribute names are the channel's, checked by the server. An
            # attribute an entry lacks is left out, not listed empty: the readers skip empty ones, and
            # listing them cost a fifth of reading 10,000 entries (eleven checks per entry).
            server = Server(self.url, connect_timeout=5, get_info=NONE)
            return Connection(server, self.bind_dn, self.password, auto_bind=True, receive_timeout=30,
                              raise_exceptions=True, check_names=False, return_empty_attributes=False)  # fmt: skip
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
    #: GUIDs listed or looked up to find deletions (none on a full read; with a filter, only the
    #: known entries it did not find).
    guids_listed: int
    deleted: int


class LdapSource:
    """A provisioning cycle's view of the directory (see the module's docstring).

    ``attributes`` are the user attributes the channel uses (its mapping and account status), as
    PingFederate reads them; None reads every user attribute."""

    def __init__(
        self,
        address: LdapAddress,
        settings: SourceSettings,
        location: SourceLocation,
        attributes: Iterable[str] | None = None,
    ) -> None:
        self.address = address
        self.settings = settings
        self.location = location
        self.attributes = sorted(set(attributes)) if attributes is not None else ["*"]
        #: GUID -> (entry, its timestamp, whether it is a group), as of the last cycle.
        self._mirror: dict[str, tuple[Entry, str, bool]] = {}
        self._last_check: str | None = None
        self.reads: list[CycleRead] = []

    def reset(self) -> None:
        """Forget the last check: the next cycle reads everything again."""
        self._last_check = None
        self._mirror.clear()

    def __call__(self) -> Directory:
        settings = self.settings
        users, groups = f"(objectClass={settings.user_object_class})", f"(objectClass={settings.group_object_class})"
        with self._connection() as connection:
            now = _server_time(connection)
            full = self._last_check is None
            since = ""
            if self._last_check is not None:
                since = self._last_check
                if settings.changed_users_algorithm == "TIMESTAMP_NO_NEGATION":
                    since = _after(since)
                since = f"({settings.timestamp_attribute}>={since})"
            member = [settings.group_member_attribute]
            filtered = self.location.group_dn is None
            scoped: dict[str, str] | None = None
            if full and filtered:
                # A full read asks for the users in and out of the filter apart: the scope comes
                # with the entries, without listing them a second time.
                inside = list(self._search(connection, f"(&{users}{self.location.filter})", self.attributes))
                base = self.location.base_dn or settings.base_dn
                scoped = {e.guid: e.dn for e, _ in inside if e.under(base)}
                outside = self._search(connection, f"(&{users}(!{self.location.filter}))", self.attributes)
                found = [(e, stamp, False) for e, stamp in (*inside, *outside)]
            else:
                found = [
                    (e, stamp, False) for e, stamp in self._search(connection, f"(&{users}{since})", self.attributes)
                ]
            found += [(e, stamp, True) for e, stamp in self._search(connection, f"(&{groups}{since})", member)]
            if full:
                self._mirror.clear()
            for entry, stamp, group in found:
                self._mirror[entry.guid] = (entry, stamp, group)
            if filtered and scoped is None:
                scoped = self._filtered(connection)
            listed = gone = 0
            if not full:
                listed, gone = self._forget_deleted(connection, scoped, f"(|{users}{groups})")
            if scoped is None:
                in_scope = self._group_members()
            else:
                in_scope = frozenset(normalize_dn(dn) for dn in scoped.values())
            # The last check is on the directory's clock: its own time when it tells it, else the
            # newest timestamp it wrote.
            stamps = [s for s in (now, self._last_check, *(stamp for _, stamp, _ in found)) if s]
            self._last_check = now or (max(stamps) if stamps else datetime.now(UTC).strftime(_GENERALIZED))
        self.reads.append(CycleRead(full, len(found), listed, gone))
        entries = {normalize_dn(entry.dn): entry for entry, _, _ in self._mirror.values()}
        return Directory(entries, in_scope)

    def _forget_deleted(self, connection: Any, scoped: dict[str, str] | None, everything: str) -> tuple[int, int]:
        """Drop the entries the directory no longer holds; returns (GUIDs listed, entries dropped).

        With a filter, what the filter found is there; only the others are looked up by GUID
        (a few, usually). With a group DN, or when many are out of scope, every GUID is listed."""
        unsure = [g for g in self._mirror if scoped is None or g not in scoped]
        if scoped is not None and len(unsure) <= LOOKUP_LIMIT:
            present = set(scoped) | set(self._existing(connection, unsure))
            listed = len(unsure)
        else:
            present = set(self._guids(connection, everything))
            listed = len(present)
        gone = [guid for guid in self._mirror if guid not in present]
        for guid in gone:
            del self._mirror[guid]
        return listed, len(gone)

    # -- the source location ---------------------------------------------------------------

    def _filtered(self, connection: Any) -> dict[str, str]:
        """GUID -> DN of the users the server finds with the channel's filter under its base DN.

        Only DNs are asked for (the cheapest listing); the entries read so far give their GUIDs,
        and a DN not seen yet is an entry renamed or added since, which the changed search reads."""
        settings = self.settings
        base = self.location.base_dn or settings.base_dn
        users = f"(&(objectClass={settings.user_object_class}){self.location.filter})"
        guids = {normalize_dn(entry.dn): guid for guid, (entry, _, _) in self._mirror.items()}
        found = {}
        for entry in self._paged(connection, base, users, ["1.1"]):
            if entry.get("type") == "searchResEntry":
                dn = normalize_dn(entry["dn"])
                found[guids.get(dn, dn)] = entry["dn"]
        return found

    def _group_members(self) -> frozenset[str]:
        """The users the channel's group lists, through nested groups when nested search is on."""
        location, settings = self.location, self.settings
        base = location.base_dn or settings.base_dn
        assert location.group_dn is not None
        by_dn = {normalize_dn(entry.dn): (entry, group) for entry, _, group in self._mirror.values()}
        members: set[str] = set()
        pending, seen = [normalize_dn(location.group_dn)], set()
        while pending:
            dn = pending.pop()
            group, is_group = by_dn.get(dn, (None, False))
            if group is None or not is_group or dn in seen:
                continue
            seen.add(dn)
            for member in map(normalize_dn, group.values(settings.group_member_attribute)):
                entry, member_is_group = by_dn.get(member, (None, False))
                if entry is None:
                    continue
                if member_is_group:
                    if settings.nested_search:
                        pending.append(member)
                elif entry.under(base):
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

    def _search(self, connection: Any, ldap_filter: str, attributes: list[str]) -> Iterator[tuple[Entry, str]]:
        stamp_name = self.settings.timestamp_attribute.lower()
        guid = self.settings.guid_attribute
        wanted = [*attributes, guid, self.settings.timestamp_attribute]
        for found in self._paged(connection, self.settings.base_dn, ldap_filter, wanted):
            if found.get("type") != "searchResEntry":
                continue
            # ldap3 has decoded the values already (bytes where they are not UTF-8).
            values = Attributes({k.lower(): [_text(v) for v in vs] for k, vs in found["attributes"].items() if vs})
            stamp = values.pop(stamp_name, [""])[0]
            yield Entry(found["dn"], values, guid), _generalized(stamp)

    def _guids(self, connection: Any, ldap_filter: str) -> Iterator[str]:
        guid = self.settings.guid_attribute
        for found in self._paged(connection, self.settings.base_dn, ldap_filter, [guid]):
            if found.get("type") != "searchResEntry":  # a referral names no entry of this directory
                continue
            values = found.get("raw_attributes", {}).get(guid)
            yield _text(values[0]) if values else normalize_dn(found["dn"])

    def _existing(self, connection: Any, guids: list[str]) -> Iterator[str]:
        """Which of these GUIDs the directory still holds, asked a hundred at a time."""
        from ldap3.utils.conv import escape_filter_chars

        guid = self.settings.guid_attribute
        for start in range(0, len(guids), 100):
            either = "".join(f"({guid}={escape_filter_chars(g)})" for g in guids[start : start + 100])
            yield from self._guids(connection, f"(|{either})")


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

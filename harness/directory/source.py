"""The source directory: LDIF files, a source location and the account status flag.

PingFederate reads an LDAP datastore; the harness reads the same data from LDIF (RFC 2849) with the
``ldif`` parser and evaluates LDAP filters (RFC 4515) with ``ldap-filter``, so that a channel's
Source Location and Source Settings behave as they would against a directory server.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ldif
from ldap_filter import Filter
from ldap_filter.parser import ParseError

from harness.errors import HarnessError

DEFAULT_FILTER = "(objectClass=inetOrgPerson)"
MEMBER_ATTRIBUTES = ("member", "uniquemember")


class Attributes(dict[str, list[str]]):
    """LDAP attribute names are case-insensitive; keys are stored lower-case."""

    def __getitem__(self, key: str) -> list[str]:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


@functools.lru_cache(maxsize=1 << 16)
def normalize_dn(dn: str) -> str:
    """A DN as compared: lower case, no blanks around its commas. Kept per DN: a cycle over a
    directory server normalises each entry's DN four times (its key, its scope, under the base
    DN) and the base DN once per entry."""
    return ",".join([part.strip() for part in dn.lower().split(",")])


@dataclass(frozen=True)
class Entry:
    dn: str
    attributes: Attributes = field(repr=False)
    #: The channel's Entry GUID attribute (``guidAttributeName``).
    guid_attribute: str = "entryUUID"

    @functools.cached_property
    def fingerprint(self) -> str:
        """What PingFederate's change detection sees: any change to the source record."""
        canonical = json.dumps(sorted((k, sorted(v)) for k, v in self.attributes.items()))
        return hashlib.sha1(canonical.encode(), usedforsecurity=False).hexdigest()

    @property
    def guid(self) -> str:
        """The entry GUID (``entryUUID`` by default) where the directory has one, else the DN."""
        values = self.attributes.get(self.guid_attribute)
        return values[0] if values else normalize_dn(self.dn)

    def values(self, attribute: str) -> list[str]:
        return list(self.attributes.get(attribute) or [])

    def first(self, attribute: str) -> str | None:
        values = self.attributes.get(attribute)
        return values[0] if values else None

    def under(self, base_dn: str) -> bool:
        if not base_dn:
            return True
        dn, base = normalize_dn(self.dn), normalize_dn(base_dn)
        return dn == base or dn.endswith("," + base)


@dataclass
class Directory:
    entries: dict[str, Entry]
    #: Normalised DNs of the users in the channel's source location, when a directory server has
    #: already evaluated it (base DN, filter or group DN); None: the source location decides here.
    in_scope: frozenset[str] | None = None

    @classmethod
    def load(cls, path: str | Path) -> Directory:
        """Parse an LDIF file; an unchanged file (same size and mtime) is not parsed again."""
        try:
            stat = os.stat(path)
        except OSError as error:
            raise HarnessError(f"cannot read LDIF file {path}: {error.strerror}") from None
        key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
        cached = _LOADED.get(key[0])
        if cached is not None and cached[0] == key:
            return cached[1]
        directory = cls._parse(path)
        _LOADED[key[0]] = (key, directory)
        return directory

    @classmethod
    def _parse(cls, path: str | Path) -> Directory:
        try:
            with open(path, "rb") as handle:
                parsed = list(ldif.LDIFParser(handle).parse())
        except OSError as error:
            raise HarnessError(f"cannot read LDIF file {path}: {error.strerror}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise HarnessError(f"LDIF file {path} is not valid LDIF: {error}") from None
        return cls.from_records(parsed)

    @classmethod
    def from_records(
        cls, records: Iterable[tuple[str | None, dict[str, list[str]]]], guid_attribute: str = "entryUUID"
    ) -> Directory:
        entries: dict[str, Entry] = {}
        for dn, attributes in records:
            if dn is None:
                continue
            entries[normalize_dn(dn)] = make_entry(dn, attributes, guid_attribute)
        return cls(entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def get(self, dn: str) -> Entry | None:
        return self.entries.get(normalize_dn(dn))


def make_entry(dn: str, attributes: dict[str, list[str]], guid_attribute: str = "entryUUID") -> Entry:
    return Entry(dn, Attributes({k.lower(): list(v) for k, v in attributes.items()}), guid_attribute)


#: The last parse of each LDIF file, keyed by path, with the (path, mtime, size) it was read at.
_LOADED: dict[str, tuple[tuple[str, int, int], Directory]] = {}


@dataclass(frozen=True)
class SourceLocation:
    """Where the channel looks: a base DN and either an LDAP filter or a group DN."""

    base_dn: str = ""
    filter: str = DEFAULT_FILTER
    group_dn: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "_compiled", Filter.parse(self.filter))
        except ParseError:
            raise HarnessError(f"not a valid LDAP filter: {self.filter}") from None

    def users(self, directory: Directory) -> list[Entry]:
        """The entries in scope, in directory order."""
        if directory.in_scope is not None:
            return [e for e in directory if normalize_dn(e.dn) in directory.in_scope]
        compiled: Filter = self._compiled  # type: ignore[attr-defined]
        candidates = [e for e in directory if e.under(self.base_dn) and compiled.match(e.attributes)]
        if self.group_dn is None:
            return candidates
        members = self.group_members(directory)
        return [e for e in candidates if normalize_dn(e.dn) in members]

    def group_members(self, directory: Directory) -> set[str]:
        """Normalised DNs the group lists, whether or not those entries still exist."""
        if self.group_dn is None:
            return set()
        group = directory.get(self.group_dn)
        if group is None:
            raise HarnessError(f"the group {self.group_dn} is not in the directory")
        return {normalize_dn(dn) for attribute in MEMBER_ATTRIBUTES for dn in group.values(attribute)}


StatusAlgorithm = Literal["flag", "ad"]
#: Active Directory's userAccountControl bit for a disabled account (ACCOUNTDISABLE).
AD_DISABLED = 0x2


@dataclass(frozen=True)
class AccountStatus:
    """How PingFederate tells a disabled source user (the channel's Account Status settings).

    ``flag`` (ACCOUNT_STATUS_ALGORITHM_FLAG): the status attribute compared with a value, default
    ``nsAccountLock: true`` means disabled. [I] PingFederate's Flag Comparison Status is read as
    "a match means disabled" (``disabled_on_match``), the reading under which its documented
    PingDirectory example (nsaccountlock, "true", status selected) locks locked accounts.
    ``ad`` (ACCOUNT_STATUS_ALGORITHM_AD): ``userAccountControl`` with bit 2 set means disabled.
    Without the attribute the default status applies.
    """

    attribute: str = "nsAccountLock"
    disabled_value: str = "true"
    default_enabled: bool = True
    algorithm: StatusAlgorithm = "flag"
    disabled_on_match: bool = True

    def enabled(self, entry: Entry) -> bool:
        value = entry.first(self.attribute)
        if value is None:
            return self.default_enabled
        if self.algorithm == "ad":
            try:
                return not int(value.strip()) & AD_DISABLED
            except ValueError:
                return self.default_enabled
        matches = value.strip().lower() == self.disabled_value.lower()
        return not matches if self.disabled_on_match else matches

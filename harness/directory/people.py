"""A directory of people to provision: built in code or from Faker, changed between cycles, and
written out as LDIF. Tests, features and benchmarks all describe their source this way."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import ldif
from faker import Faker

from harness.directory.source import Directory, normalize_dn

PERSON_CLASSES = ["top", "person", "organizationalPerson", "inetOrgPerson"]


@dataclass(frozen=True)
class Person:
    uid: str
    dn: str
    guid: str


class PeopleDirectory:
    def __init__(
        self,
        *,
        base_dn: str = "ou=people,dc=example,dc=com",
        domain: str = "example.com",
        seed: int | None = None,
    ) -> None:
        self.base_dn = base_dn
        self.groups_dn = "ou=groups," + base_dn.split(",", 1)[1] if "," in base_dn else base_dn
        self.domain = domain
        self.faker = Faker()
        self.faker.seed_instance(seed)
        self._entries: dict[str, tuple[str, dict[str, list[str]]]] = {}

    # -- people ---------------------------------------------------------------------------

    def add_person(self, uid: str | None = None, **attributes: str | list[str] | None) -> Person:
        """A person with Faker's values for whatever ``attributes`` does not give."""
        first, last = self.faker.first_name(), self.faker.last_name()
        uid = uid or self._free_uid(f"{first}.{last}".lower().replace("'", ""))
        dn = f"uid={uid},{self.base_dn}"
        if normalize_dn(dn) in self._entries:
            raise ValueError(f"{uid} is already in the directory")
        entry: dict[str, list[str]] = {
            "objectClass": list(PERSON_CLASSES),
            "uid": [uid],
            "cn": [f"{first} {last}"],
            "givenName": [first],
            "sn": [last],
            "mail": [f"{uid}@{self.domain}"],
            "entryUUID": [str(self.faker.uuid4())],
        }
        self._entries[normalize_dn(dn)] = (dn, entry)
        self.update(uid, **attributes)
        return self.person(uid)

    def add_people(self, count: int) -> list[Person]:
        return [self.add_person() for _ in range(count)]

    def _free_uid(self, wanted: str) -> str:
        uid, n = wanted, 1
        while normalize_dn(f"uid={uid},{self.base_dn}") in self._entries:
            n += 1
            uid = f"{wanted}{n}"
        return uid

    def person(self, uid: str) -> Person:
        dn, entry = self._entry(uid)
        return Person(uid, dn, entry["entryUUID"][0])

    def people(self) -> list[Person]:
        return [self.person(e["uid"][0]) for _, e in self._entries.values() if "uid" in e]

    def attribute(self, uid: str, name: str) -> list[str]:
        return list(self._entry(uid)[1].get(name, []))

    def update(self, uid: str, **attributes: str | list[str] | None) -> None:
        """Set attributes; ``None`` clears one. Python names map ``_`` to nothing: pass
        LDAP names as keyword arguments (``departmentNumber="42"``)."""
        _, entry = self._entry(uid)
        for name, value in attributes.items():
            if value is None or value == []:
                entry.pop(name, None)
            else:
                entry[name] = [value] if isinstance(value, str) else list(value)

    def disable(self, uid: str) -> None:
        self.update(uid, nsAccountLock="true")

    def enable(self, uid: str) -> None:
        self.update(uid, nsAccountLock=None)

    def delete(self, uid: str) -> None:
        dn, _ = self._entry(uid)
        del self._entries[normalize_dn(dn)]

    def _entry(self, uid: str) -> tuple[str, dict[str, list[str]]]:
        found = self._entries.get(normalize_dn(f"uid={uid},{self.base_dn}"))
        if found is None:
            raise KeyError(f"{uid} is not in the directory")
        return found

    # -- groups ---------------------------------------------------------------------------

    def add_group(self, cn: str, members: list[str] = ()) -> str:  # type: ignore[assignment]
        dn = f"cn={cn},{self.groups_dn}"
        self._entries[normalize_dn(dn)] = (dn, {"objectClass": ["top", "groupOfUniqueNames"], "cn": [cn]})
        for uid in members:
            self.add_member(cn, uid)
        return dn

    def add_member(self, cn: str, uid: str) -> None:
        group = self._group(cn)
        group.setdefault("uniqueMember", []).append(f"uid={uid},{self.base_dn}")

    def remove_member(self, cn: str, uid: str) -> None:
        group = self._group(cn)
        member = normalize_dn(f"uid={uid},{self.base_dn}")
        group["uniqueMember"] = [m for m in group.get("uniqueMember", []) if normalize_dn(m) != member]

    def _group(self, cn: str) -> dict[str, list[str]]:
        found = self._entries.get(normalize_dn(f"cn={cn},{self.groups_dn}"))
        if found is None:
            raise KeyError(f"group {cn} is not in the directory")
        return found[1]

    # -- output ---------------------------------------------------------------------------

    def snapshot(self) -> Directory:
        return Directory.from_records((dn, {k: list(v) for k, v in e.items()}) for dn, e in self._entries.values())

    def to_ldif(self) -> bytes:
        buffer = BytesIO()
        writer = ldif.LDIFWriter(buffer)
        for dn, entry in self._entries.values():
            writer.unparse(dn, entry)
        return buffer.getvalue()

    def write_ldif(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_bytes(self.to_ldif())
        return path

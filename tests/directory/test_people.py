"""The directory of people the tests and features describe: what a person is made of, how uids stay
free, changes between cycles, groups, and the LDIF it writes (read back by the LDIF parser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.directory.people import PERSON_CLASSES, PeopleDirectory, Person
from harness.directory.source import Directory


class _Names:
    """Faker's names and UUIDs, fixed by the test."""

    def __init__(self, *names: tuple[str, str]) -> None:
        self.names = list(names)
        self.count = 0

    def first_name(self) -> str:
        return self.names[0][0]

    def last_name(self) -> str:
        return self.names.pop(0)[1]

    def uuid4(self) -> str:
        self.count += 1
        return f"uuid-{self.count}"


def _people(*names: tuple[str, str], **options: str) -> PeopleDirectory:
    people = PeopleDirectory(**options)  # type: ignore[arg-type]
    people.faker = _Names(*names)  # type: ignore[assignment]
    return people


def test_a_person_has_every_attribute_of_an_inetorgperson() -> None:
    people = _people(("Ana", "O'Hara"), domain="corp.example")
    person = people.add_person()
    assert person == Person("ana.ohara", "uid=ana.ohara,ou=people,dc=example,dc=com", "uuid-1")
    names = ("objectClass", "uid", "cn", "givenName", "sn", "mail", "entryUUID")
    assert {name: people.attribute("ana.ohara", name) for name in names} == {
        "objectClass": ["top", "person", "organizationalPerson", "inetOrgPerson"],
        "uid": ["ana.ohara"],
        "cn": ["Ana O'Hara"],
        "givenName": ["Ana"],
        "sn": ["O'Hara"],
        "mail": ["ana.ohara@corp.example"],
        "entryUUID": ["uuid-1"],
    }
    assert PERSON_CLASSES == ["top", "person", "organizationalPerson", "inetOrgPerson"]


def test_given_attributes_replace_or_add_to_fakers() -> None:
    people = _people(("Ana", "Lee"))
    people.add_person("al", mail="boss@example.com", title=["CEO", "Founder"], sn=None)
    assert people.attribute("al", "mail") == ["boss@example.com"]
    assert people.attribute("al", "title") == ["CEO", "Founder"]
    assert people.attribute("al", "sn") == []
    assert people.attribute("al", "uid") == ["al"]


def test_a_taken_uid_gets_the_next_free_number() -> None:
    people = _people(("Ana", "Lee"), ("Ana", "Lee"), ("Ana", "Lee"))
    assert [p.uid for p in people.add_people(3)] == ["ana.lee", "ana.lee2", "ana.lee3"]
    assert [p.uid for p in people.people()] == ["ana.lee", "ana.lee2", "ana.lee3"]


def test_a_uid_given_twice_is_refused() -> None:
    people = _people(("Ana", "Lee"), ("Ben", "Ray"))
    people.add_person("al")
    with pytest.raises(ValueError) as error:
        people.add_person("AL")
    assert str(error.value) == "AL is already in the directory"


def test_the_same_seed_describes_the_same_people() -> None:
    one, two, other = PeopleDirectory(seed=7), PeopleDirectory(seed=7), PeopleDirectory(seed=8)
    assert one.add_people(3) == two.add_people(3)
    assert one.to_ldif() == two.to_ldif()
    assert one.to_ldif() != (other.add_people(3), other.to_ldif())[1]


def test_changes_between_cycles() -> None:
    people = _people(("Ana", "Lee"))
    people.add_person("al")
    people.update("al", departmentNumber="42", mail=["a@x", "b@x"])
    assert people.attribute("al", "departmentNumber") == ["42"]
    assert people.attribute("al", "mail") == ["a@x", "b@x"]
    people.update("al", departmentNumber=[], mail=None)
    people.update("al", departmentNumber=None)  # clearing what is not there is nothing
    assert people.attribute("al", "departmentNumber") == [] and people.attribute("al", "mail") == []
    people.update("al", title="x")
    copy = people.attribute("al", "title")
    copy.append("changed")
    assert people.attribute("al", "title") == ["x"]  # what a caller gets is a copy
    people.disable("al")
    assert people.attribute("al", "nsAccountLock") == ["true"]
    people.enable("al")
    assert people.attribute("al", "nsAccountLock") == []
    people.delete("al")
    assert people.people() == []
    for change in (lambda: people.update("al", title="y"), lambda: people.person("al"), lambda: people.delete("al")):
        with pytest.raises(KeyError) as error:
            change()
        assert error.value.args == ("al is not in the directory",)


def test_groups_live_beside_the_people_and_list_them_by_dn() -> None:
    people = _people(("Ana", "Lee"), ("Ben", "Ray"))
    people.add_person("al")
    people.add_person("br")
    dn = people.add_group("staff", ["al", "br"])
    assert dn == "cn=staff,ou=groups,dc=example,dc=com"
    snapshot = people.snapshot()
    group = snapshot.get(dn)
    assert group is not None
    assert group.values("objectClass") == ["top", "groupOfUniqueNames"] and group.values("cn") == ["staff"]
    assert group.values("uniqueMember") == ["uid=al,ou=people,dc=example,dc=com", "uid=br,ou=people,dc=example,dc=com"]
    people.remove_member("staff", "AL")
    people.add_member("staff", "al")
    assert people.snapshot().get(dn).values("uniqueMember") == [  # type: ignore[union-attr]
        "uid=br,ou=people,dc=example,dc=com",
        "uid=al,ou=people,dc=example,dc=com",
    ]
    assert [p.uid for p in people.people()] == ["al", "br"]  # a group is not a person
    with pytest.raises(KeyError) as error:
        people.add_member("nobody", "al")
    assert error.value.args == ("group nobody is not in the directory",)
    assert people.add_group("empty") == "cn=empty,ou=groups,dc=example,dc=com"
    people.remove_member("empty", "al")
    assert people.snapshot().get("cn=empty,ou=groups,dc=example,dc=com").values("uniqueMember") == []  # type: ignore[union-attr]


def test_groups_go_under_the_base_dns_parent_or_the_base_itself() -> None:
    assert PeopleDirectory(base_dn="ou=staff,o=corp").groups_dn == "ou=groups,o=corp"
    assert PeopleDirectory(base_dn="ou=a,ou=b,o=corp").groups_dn == "ou=groups,ou=b,o=corp"
    assert PeopleDirectory(base_dn="o=corp").groups_dn == "o=corp"


def test_a_snapshot_is_a_copy() -> None:
    people = _people(("Ana", "Lee"))
    person = people.add_person("al")
    snapshot = people.snapshot()
    people.update("al", mail="new@x")
    entry = snapshot.get(person.dn)
    assert entry is not None and entry.first("mail") == "al@example.com" and entry.guid == "uuid-1"


def test_the_ldif_written_reads_back_as_the_same_directory(tmp_path: Path) -> None:
    people = _people(("Zoë", "Ñandú"), ("Ben", "Ray"))
    people.add_person()
    people.add_person("br", title=["a", "b"])
    people.add_group("staff", ["br"])
    path = people.write_ldif(tmp_path / "people.ldif")
    assert path == tmp_path / "people.ldif"
    assert path.read_bytes() == people.to_ldif()
    # RFC 2849: a value that is not a SAFE-STRING is written base64-encoded after "::"
    assert people.to_ldif().startswith(b"dn:: dWlkPXpvw6suw7FhbmTDui")
    loaded = Directory.load(path)
    snapshot = people.snapshot()
    assert {dn: dict(e.attributes) for dn, e in loaded.entries.items()} == {
        dn: dict(e.attributes) for dn, e in snapshot.entries.items()
    }
    assert people.write_ldif(str(tmp_path / "again.ldif")) == tmp_path / "again.ldif"

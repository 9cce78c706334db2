"""The LDAP source and the scenarios' directory, call by call against the session's slapd: what a
cycle asks the server (filters, attributes, base DNs) and what it makes of the answers, the
directory's clock, deletions found by lookup or by listing, renamed entries, groups within and
outside the base DN, each refusal's line; what the scenarios' directory writes through."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from ldap3 import BASE
from ldap3.core.exceptions import LDAPException

from harness.directory import ldap as module
from harness.directory.ldap import (
    HARNESS_CLASS,
    CycleRead,
    LdapAddress,
    LdapPeople,
    LdapSource,
    SourceSettings,
    load_entries,
)
from harness.directory.people import PERSON_CLASSES
from harness.directory.slapd import DirectoryServer
from harness.directory.source import Directory, SourceLocation, make_entry, normalize_dn
from harness.errors import HarnessError
from tests.directory.conftest import stamp

Asked = list[tuple[str, str, list[str]]]


@contextlib.contextmanager
def _asking(monkeypatch: pytest.MonkeyPatch) -> Iterator[Asked]:
    """Every paged search the source makes: (base DN, filter, attributes)."""
    asked: Asked = []
    connect = LdapAddress.connect

    def recording(address: LdapAddress) -> Any:
        connection = connect(address)
        search = connection.extend.standard.paged_search

        def paged_search(base: str, ldap_filter: str, **options: Any) -> Any:
            asked.append((base, ldap_filter, list(options["attributes"])))
            assert options["paged_size"] == 1000 and options["generator"] is True
            return search(base, ldap_filter, **options)

        connection.extend.standard.paged_search = paged_search
        return connection

    monkeypatch.setattr(LdapAddress, "connect", recording)
    yield asked


def _source(
    people: LdapPeople, location: SourceLocation | None = None, attributes: list[str] | None = None, **settings: Any
) -> LdapSource:
    settings = SourceSettings(base_dn=people.root_dn, **settings)
    return LdapSource(people.address, settings, location or SourceLocation(), attributes)


def _uids(directory: Directory, scope: bool = True) -> list[str]:
    found = (e for e in directory if e.first("uid"))
    return sorted(e.first("uid") for e in found if not scope or normalize_dn(e.dn) in (directory.in_scope or ()))  # type: ignore[misc]


def _server_stamp(address: LdapAddress) -> str:
    return stamp(address, "cn=Current,cn=Time,cn=Monitor", "monitorTimestamp")


# -- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("20261129032330Z", "20261129032330Z"),
        ("20261129032330.123456Z", "20261129032330Z"),  # Active Directory's fractions
        ("2026112903233Z", ""),
        ("2026112903233xZ", ""),
        ("", ""),
    ],
)
def test_a_generalized_time_is_cut_to_whole_seconds(stamp: str, expected: str) -> None:
    assert module._generalized(stamp) == expected


def test_one_second_after_a_check_turns_the_year() -> None:
    assert module._after("20261231235959Z") == "20270101000000Z"


def test_values_that_are_not_utf8_are_read_with_replacement() -> None:
    assert module._text(b"caf\xc3\xa9 \xff") == "café \ufffd"
    assert module._text("as it is") == "as it is"


def test_source_settings_are_pingfederates_defaults() -> None:
    settings = SourceSettings(base_dn="dc=x")
    assert (
        settings.guid_attribute,
        settings.user_object_class,
        settings.group_object_class,
        settings.group_member_attribute,
        settings.changed_users_algorithm,
        settings.timestamp_attribute,
        settings.nested_search,
    ) == ("entryUUID", "inetOrgPerson", "groupOfUniqueNames", "uniqueMember", "TIMESTAMP", "modifyTimestamp", False)
    assert SourceSettings(base_dn="dc=x", changed_users_algorithm="TIMESTAMP_NO_NEGATION").changed_users_algorithm
    with pytest.raises(HarnessError) as error:
        SourceSettings(base_dn="dc=x", changed_users_algorithm="timestamp")  # type: ignore[arg-type]
    assert str(error.value) == "changedUsersAlgorithm 'timestamp' is not one of TIMESTAMP, TIMESTAMP_NO_NEGATION"


# -- the connection ------------------------------------------------------------------------------


def test_a_connection_is_bound_with_the_documented_limits(address: LdapAddress) -> None:
    connection = address.connect()
    try:
        assert connection.bound and connection.user == address.bind_dn
        assert connection.server.connect_timeout == 5 and connection.receive_timeout == 30
        assert connection.raise_exceptions is True and connection.check_names is False
        assert connection.empty_attributes is False  # an attribute an entry lacks is left out
        assert connection.server.get_info == "NO_INFO"
    finally:
        connection.unbind()
    assert address.password not in repr(address)


def test_a_bind_the_directory_cannot_take_is_one_line(slapd: DirectoryServer) -> None:
    with pytest.raises(HarnessError) as error:
        LdapAddress(slapd.url, "not a dn", slapd.password).connect()
    assert str(error.value).startswith(
        f"the directory at {slapd.url}: LDAPInvalidDNSyntaxResult - 34 - invalidDNSyntax"
    )
    assert error.value.__suppress_context__
    with pytest.raises(HarnessError) as error:
        LdapAddress(slapd.url, slapd.bind_dn, "wrong").connect()
    assert str(error.value) == f"the directory at {slapd.url} refused the bind as {slapd.bind_dn}"


# -- what a cycle asks ---------------------------------------------------------------------------


def test_a_full_read_asks_for_users_in_and_out_of_the_filter_then_groups(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    people.add_person("ann", ou="Zoom")
    people.add_person("bob", ou="Other")
    people.add_group("staff", ["ann"])
    source = _source(people, SourceLocation(filter="(ou=Zoom)"), attributes=None)
    with _asking(monkeypatch) as asked:
        directory = source()
    root = people.root_dn
    assert asked == [
        (root, "(&(objectClass=inetOrgPerson)(ou=Zoom))", ["*", "entryUUID", "modifyTimestamp"]),
        (root, "(&(objectClass=inetOrgPerson)(!(ou=Zoom)))", ["*", "entryUUID", "modifyTimestamp"]),
        (root, "(&(objectClass=groupOfUniqueNames))", ["uniqueMember", "entryUUID", "modifyTimestamp"]),
    ]
    assert source.reads == [CycleRead(full=True, entries_read=3, guids_listed=0, deleted=0)]  # two people, a group
    assert _uids(directory) == ["ann"] and _uids(directory, scope=False) == ["ann", "bob"]
    group = directory.get(f"cn=staff,{people.groups_dn}")
    assert group is not None and group.values("uniqueMember") == [people.person("ann").dn]
    assert "cn" not in group.attributes  # a group is read for its members only


def test_later_cycles_ask_only_for_what_changed_since_the_directorys_own_time(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    people.add_person("ann")
    source = _source(people, attributes=["mail", "uid"])
    before = _server_stamp(people.address)[:14]
    source()
    check = source._last_check
    assert check is not None and check.endswith("Z") and len(check) == 15
    assert before <= check[:14] <= _server_stamp(people.address)[:14]
    with _asking(monkeypatch) as asked:
        directory = source()
    since = f"(modifyTimestamp>={check})"
    root = people.root_dn
    assert asked[:3] == [
        (root, f"(&(objectClass=inetOrgPerson){since})", ["mail", "uid", "entryUUID", "modifyTimestamp"]),
        (root, f"(&(objectClass=groupOfUniqueNames){since})", ["uniqueMember", "entryUUID", "modifyTimestamp"]),
        (root, "(&(objectClass=inetOrgPerson)(objectClass=inetOrgPerson))", ["1.1"]),
    ]
    assert len(asked) == 3  # everything known is in the filter: no GUID to look up
    ann = directory.get(people.person("ann").dn)
    assert ann is not None
    assert sorted(ann.attributes) == ["entryuuid", "mail", "uid"]  # the channel's attributes, its GUID, no timestamp


def test_no_negation_asks_for_one_second_after_the_check(people: LdapPeople, monkeypatch: pytest.MonkeyPatch) -> None:
    people.add_person("ann")
    source = _source(people, changed_users_algorithm="TIMESTAMP_NO_NEGATION", timestamp_attribute="createTimestamp")
    source()
    check = source._last_check
    assert check is not None
    with _asking(monkeypatch) as asked:
        source()
    assert asked[0][1] == f"(&(objectClass=inetOrgPerson)(createTimestamp>={module._after(check)}))"
    assert asked[0][2][-2:] == ["entryUUID", "createTimestamp"]


def _clock_two_hours_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's clock two hours ahead of the directory's, and its local time Tokyo's: only
    a check taken from the directory, or from this clock in UTC, comes out right."""
    import datetime as real

    class Ahead(real.datetime):
        @classmethod
        def now(cls, tz: real.tzinfo | None = None) -> real.datetime:  # type: ignore[override]
            return real.datetime.now(tz) + real.timedelta(hours=2)

    monkeypatch.setattr(module, "datetime", Ahead)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()


@pytest.fixture
def restored_timezone() -> Iterator[None]:
    yield
    time.tzset()  # after monkeypatch has put TZ back


def test_without_the_servers_time_the_check_is_the_newest_stamp_it_wrote(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch, restored_timezone: None
) -> None:
    people.add_person("ann")
    people.add_person("bob")
    newest = max(stamp(people.address, people.person(uid).dn) for uid in ("ann", "bob"))
    monkeypatch.setattr(module, "_server_time", lambda connection: "")
    _clock_two_hours_ahead(monkeypatch)
    source = _source(people)
    source()
    assert source._last_check == newest
    source()  # nothing changed: the last check stays
    assert source._last_check == newest


def test_without_any_time_from_the_directory_the_check_is_this_clock_in_utc(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch, restored_timezone: None
) -> None:
    from datetime import UTC, datetime, timedelta

    monkeypatch.setattr(module, "_server_time", lambda connection: "")
    _clock_two_hours_ahead(monkeypatch)
    source = _source(people)  # nothing in it: no stamp either
    before = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y%m%d%H%M%SZ")
    source()
    after = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y%m%d%H%M%SZ")
    assert before <= (source._last_check or "") <= after


class _Answers:
    """A connection that answers searches from a table: base DN -> response (or an exception)."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.response: list[dict[str, Any]] = []
        self.asked: list[tuple[str, list[str]]] = []

    def search(self, base: str, ldap_filter: str, search_scope: str, attributes: list[str]) -> None:
        assert (ldap_filter, search_scope) == ("(objectClass=*)", "BASE")
        self.asked.append((base, attributes))
        answer = self.answers.get(base, [])
        if isinstance(answer, Exception):
            raise answer
        self.response = answer


def test_the_directorys_time_is_active_directorys_current_time_or_openldaps_monitor() -> None:
    ad = _Answers({"": [{"raw_attributes": {"currentTime": [b"20261204101112.0Z"]}}]})
    assert module._server_time(ad) == "20261204101112Z"
    assert ad.asked == [("", ["currentTime"])]
    monitor = {"cn=Current,cn=Time,cn=Monitor": [{"raw_attributes": {"monitorTimestamp": [b"20261204101113Z"]}}]}
    openldap = _Answers({"": [{"raw_attributes": {}}], **monitor})
    assert module._server_time(openldap) == "20261204101113Z"
    assert openldap.asked == [("", ["currentTime"]), ("cn=Current,cn=Time,cn=Monitor", ["monitorTimestamp"])]
    refusing = _Answers({"": LDAPException("no"), **monitor})
    assert module._server_time(refusing) == "20261204101113Z"
    assert module._server_time(_Answers({"cn=Current,cn=Time,cn=Monitor": LDAPException("no")})) == ""
    reference = {"type": "searchResRef", "uri": ["ldap://elsewhere/"]}
    assert module._server_time(_Answers({"": [reference], **monitor})) == "20261204101113Z"
    empty = {"raw_attributes": {"currentTime": []}}
    assert module._server_time(_Answers({"": [empty, {"raw_attributes": {"currentTime": [b"20261204101114Z"]}}]})) == (
        "20261204101114Z"
    )


def _looked(source: LdapSource) -> tuple[int, int]:
    """The last cycle's (GUIDs listed or looked up, entries dropped). What it read again is left out:
    a change in the second of the last check is read again, so that count depends on the clock."""
    read = source.reads[-1]
    assert not read.full
    return read.guids_listed, read.deleted


# -- deletions ---------------------------------------------------------------------------------


def test_entries_outside_the_filter_are_looked_up_by_guid_a_hundred_at_a_time(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(150):
        people.add_person(f"p{n:03}", ou="Other")
    people.add_person("zed", ou="Zoom")
    source = _source(people, SourceLocation(filter="(ou=Zoom)"))
    source()
    people.delete("p140")  # in the second hundred
    with _asking(monkeypatch) as asked:
        directory = source()
    lookups = [f for _, f, attributes in asked if attributes == ["entryUUID"]]
    assert [f.count("(entryUUID=") for f in lookups] == [100, 50]  # the deleted one is not known to be gone yet
    assert _looked(source) == (150, 1)
    assert "p140" not in _uids(directory, scope=False) and len(_uids(directory, scope=False)) == 150


def test_many_entries_outside_the_filter_are_found_by_listing_every_guid(
    people: LdapPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    for uid in ("ann", "bob", "cyd"):
        people.add_person(uid, ou="Other")
    people.add_group("staff", ["ann"])
    monkeypatch.setattr(module, "LOOKUP_LIMIT", 2)
    source = _source(people, SourceLocation(filter="(ou=Zoom)"))
    source()
    people.delete("bob")
    with _asking(monkeypatch) as asked:
        source()
    assert asked[-1] == (
        people.root_dn,
        "(|(objectClass=inetOrgPerson)(objectClass=groupOfUniqueNames))",
        ["entryUUID"],
    )
    assert _looked(source) == (3, 1)  # ann, cyd, the group
    monkeypatch.setattr(module, "LOOKUP_LIMIT", 3)  # as many as are unsure (ann, cyd, the group): looked up
    people.delete("cyd")
    source()
    assert _looked(source) == (3, 1)  # listing would have found 2


def test_a_guid_with_filter_characters_is_looked_up_escaped(people: LdapPeople) -> None:
    people.add_person("ann", employeeNumber="x(1)*", ou="Other")
    people.add_person("bob", employeeNumber="x(1)2", ou="Other")
    source = _source(people, SourceLocation(filter="(ou=Zoom)"), guid_attribute="employeeNumber")
    assert {e.guid for e in source() if e.first("uid")} == {"x(1)*", "x(1)2"}
    people.delete("bob")
    directory = source()
    assert _looked(source) == (2, 1)
    assert _uids(directory, scope=False) == ["ann"]


def test_an_entry_without_its_guid_is_known_by_its_dn(people: LdapPeople) -> None:
    people.add_person("ann", ou="Other")
    people.add_person("bob", ou="Other", employeeNumber="7")
    source = _source(people, SourceLocation(filter="(ou=Zoom)"), guid_attribute="employeeNumber")
    assert {e.guid for e in source() if e.first("uid")} == {normalize_dn(people.person("ann").dn), "7"}
    monkeypatch = pytest.MonkeyPatch()
    with monkeypatch.context() as patch:
        patch.setattr(module, "LOOKUP_LIMIT", 0)  # every GUID listed: ann's is its DN
        source()
    assert _looked(source) == (2, 0)


def test_a_renamed_entry_is_in_scope_under_its_new_dn(people: LdapPeople) -> None:
    people.add_person("ann")
    source = _source(people)
    source()
    old = people.person("ann").dn
    assert people.connection.modify_dn(old, "uid=anna")
    directory = source()
    new = f"uid=anna,{people.base_dn}"
    assert directory.get(old) is None and directory.get(new) is not None
    assert directory.in_scope == frozenset({normalize_dn(new)})


def test_users_the_filter_finds_before_they_are_read_are_in_scope_by_their_dn(people: LdapPeople) -> None:
    people.add_person("ann")
    source = _source(people)
    source()
    people.add_person("bob")
    people.add_person("cyd")
    source._last_check = "29991231235959Z"  # their changes are not read this cycle: only listed by DN
    directory = source()
    assert sorted(directory.in_scope or ()) == sorted(normalize_dn(people.person(u).dn) for u in ("ann", "bob", "cyd"))
    assert _uids(directory, scope=False) == ["ann"]


# -- the source location --------------------------------------------------------------------------


def test_a_location_base_dn_narrows_the_scope_not_the_read(people: LdapPeople) -> None:
    people.add_person("ann")
    elsewhere = f"ou=elsewhere,{people.root_dn}"
    people.connection.add(elsewhere, ["organizationalUnit"], {"ou": "elsewhere"})
    people.connection.add(f"uid=bob,{elsewhere}", [*PERSON_CLASSES, HARNESS_CLASS],
                          {"uid": "bob", "cn": "Bob", "sn": "B"})  # fmt: skip
    for location in (SourceLocation(base_dn=people.base_dn), SourceLocation(base_dn=people.base_dn.upper())):
        source = _source(people, location)
        assert _uids(source()) == ["ann"] and _uids(source()) == ["ann"]  # full, then changed
        assert _uids(source(), scope=False) == ["ann", "bob"]
    group = people.add_group("staff", ["ann"])
    people._group("staff")["uniqueMember"].append(f"uid=bob,{elsewhere}")
    people._write_members("staff")
    source = _source(people, SourceLocation(base_dn=people.base_dn, group_dn=group))
    assert _uids(source()) == ["ann"]
    assert _uids(_source(people, SourceLocation(group_dn=group))()) == ["ann", "bob"]


def test_group_members_that_are_gone_or_not_groups_are_skipped(people: LdapPeople) -> None:
    people.add_person("ann")
    people.add_person("bob")
    group = people.add_group("staff", [])
    people._group("staff")["uniqueMember"] = [
        f"uid=nobody,{people.base_dn}",
        people.person("ann").dn,
        people.person("bob").dn,
    ]  # a member gone, then two there
    people._write_members("staff")
    loop = people.add_group("loop", [])
    people._group("loop")["uniqueMember"] = [group, loop]  # a group within itself, looked at first
    people._write_members("loop")
    source = _source(people, SourceLocation(group_dn=loop), nested_search=True)
    assert _uids(source()) == ["ann", "bob"]
    assert _uids(_source(people, SourceLocation(group_dn=people.person("ann").dn))()) == []  # not a group
    assert _uids(_source(people, SourceLocation(group_dn=f"cn=gone,{people.groups_dn}"))()) == []
    people.update("ann", seeAlso=people.person("bob").dn)  # a person naming another is still not a group
    see_also = _source(people, SourceLocation(group_dn=people.person("ann").dn), group_member_attribute="seeAlso")
    assert _uids(see_also()) == []
    member = _source(people, SourceLocation(group_dn=group), group_member_attribute="member")
    assert _uids(member()) == []  # the channel's member attribute, not uniqueMember


def test_a_group_changed_later_is_read_with_its_new_members(people: LdapPeople) -> None:
    people.add_person("ann")
    people.add_person("bob")
    group = people.add_group("staff", ["ann"])
    source = _source(people, SourceLocation(group_dn=group))
    assert _uids(source()) == ["ann"]
    people.add_member("staff", "bob")
    assert _uids(source()) == ["ann", "bob"]
    assert _looked(source) == (3, 0)


def test_a_custom_group_object_class_is_the_one_read(people: LdapPeople) -> None:
    people.add_person("ann")
    group = f"cn=team,{people.groups_dn}"
    people.connection.add(group, ["groupOfNames"], {"cn": "team", "member": people.person("ann").dn})
    settings = {"group_object_class": "groupOfNames", "group_member_attribute": "member"}
    assert _uids(_source(people, SourceLocation(group_dn=group), **settings)()) == ["ann"]
    assert _uids(_source(people, SourceLocation(group_dn=group), group_member_attribute="member")()) == []


def test_a_custom_user_object_class_is_the_one_read(people: LdapPeople) -> None:
    people.add_person("ann")
    assert _uids(_source(people, user_object_class="organizationalPerson")()) == ["ann"]
    assert _uids(_source(people, user_object_class="zoomHarnessAccount")()) == ["ann"]
    assert _uids(_source(people, user_object_class="groupOfNames")(), scope=False) == []


# -- refusals ------------------------------------------------------------------------------------


def test_each_refusal_of_a_search_is_one_line(people: LdapPeople, slapd: DirectoryServer) -> None:
    with pytest.raises(HarnessError) as error:
        _source(people, user_object_class="a)(b")()
    assert str(error.value) == "the directory refused the filter (&(objectClass=a)(b)(objectClass=inetOrgPerson))"
    assert error.value.__suppress_context__
    with pytest.raises(HarnessError) as error:
        LdapSource(people.address, SourceSettings(base_dn=f"ou=nowhere,{people.root_dn}"), SourceLocation())()
    assert str(error.value) == f"the base DN ou=nowhere,{people.root_dn} is not in the directory at {slapd.url}"


def _answering(answers: list[dict[str, Any]] | LDAPException) -> Any:
    """A connection whose paged searches answer this (ldap3's shape: connection.extend.standard)."""

    def paged_search(*args: Any, **options: Any) -> Iterator[dict[str, Any]]:
        if isinstance(answers, LDAPException):
            raise answers
        yield from answers

    return SimpleNamespace(extend=SimpleNamespace(standard=SimpleNamespace(paged_search=paged_search)))


def test_a_search_that_fails_otherwise_names_the_directory(people: LdapPeople) -> None:
    source = _source(people)
    with pytest.raises(HarnessError) as error:
        list(source._paged(_answering(LDAPException("the server went away")), "dc=x", "(uid=a)", ["uid"]))
    assert str(error.value) == f"searching the directory at {people.address.url} failed: the server went away"


def test_references_in_an_answer_are_not_entries(people: LdapPeople) -> None:
    answers = _answering([
        {"type": "searchResRef", "uri": ["ldap://elsewhere/"]},
        {"type": "searchResEntry", "dn": "uid=a,dc=x", "raw_attributes": {}, "attributes":
         {"uid": ["a"], "modifyTimestamp": ["20261204101112Z"], "entryUUID": ["u-1"], "mail": []}},
    ])  # fmt: skip
    source = _source(people)
    [(entry, stamp)] = list(source._search(answers, "(uid=a)", ["uid"]))
    assert (entry.dn, entry.guid, stamp) == ("uid=a,dc=x", "u-1", "20261204101112Z")
    assert dict(entry.attributes) == {"uid": ["a"], "entryuuid": ["u-1"]}  # an empty value list is left out
    unstamped = _answering([{"type": "searchResEntry", "dn": "uid=b,dc=x", "attributes": {"uid": ["b"]}}])
    [(entry, stamp)] = list(source._search(unstamped, "(uid=b)", ["uid"]))
    assert (entry.first("uid"), stamp) == ("b", "")  # no timestamp: read as changed whenever asked


def test_references_in_a_guid_listing_are_not_guids(people: LdapPeople) -> None:
    answers = _answering([
        {"type": "searchResRef", "uri": ["ldap://elsewhere/"]},
        {"type": "searchResEntry", "dn": "uid=A, dc=x", "raw_attributes": {}},
        {"type": "searchResEntry", "dn": "uid=b,dc=x", "raw_attributes": {"entryUUID": [b"u-2"]}},
        {"type": "searchResEntry", "dn": "uid=C,dc=x"},
    ])  # fmt: skip
    assert list(_source(people)._guids(answers, "(uid=*)")) == ["uid=a,dc=x", "u-2", "uid=c,dc=x"]


# -- the scenarios' directory, written through -------------------------------------------------


def _read(people: LdapPeople, dn: str, *attributes: str) -> dict[str, list[str]] | None:
    connection = people.address.connect()
    try:
        connection.search(dn, "(objectClass=*)", BASE, attributes=list(attributes))
        return {k: sorted(v) if isinstance(v, list) else [v] for k, v in connection.response[0]["attributes"].items()}
    except LDAPException:
        return None
    finally:
        connection.unbind()


def test_the_scenarios_directory_makes_its_folders_and_people(people: LdapPeople) -> None:
    root = people.root_dn
    assert (people.base_dn, people.groups_dn) == (f"ou=people,{root}", f"ou=groups,{root}")
    for dn in (root, people.base_dn, people.groups_dn):
        assert _read(people, dn, "ou", "objectClass") == {
            "ou": [dn.split(",")[0].split("=")[1]],
            "objectClass": ["organizationalUnit"],
        }
    person = people.add_person("ann", title="Chief")
    read = _read(people, person.dn, "objectClass", "entryUUID", "title", "mail", "cn")
    assert read is not None
    assert read["objectClass"] == sorted([*PERSON_CLASSES, HARNESS_CLASS])
    assert read["entryUUID"] == [person.guid] and read["title"] == ["Chief"]
    assert read["mail"] == ["ann@example.com"]
    assert people.attribute("ann", "objectClass") == [*PERSON_CLASSES, "zoomHarnessAccount"]
    assert people.attribute("ann", "entryUUID") == [person.guid]


def test_the_domain_and_seed_describe_the_people(address: LdapAddress, people: LdapPeople) -> None:
    made = []
    for n in range(2):
        directory = LdapPeople(address, root_dn=f"ou=seeded{n},{people.root_dn}", domain="corp.example", seed=11)
        made.append([(p.uid, directory.attribute(p.uid, "mail")) for p in directory.add_people(3)])
        directory.close()
    assert made[0] == made[1]
    assert all(mail == [f"{uid}@corp.example"] for uid, mail in made[0])


def test_changes_are_written_through(people: LdapPeople) -> None:
    person = people.add_person("ann", title="Chief")
    people.update("ann", title=["A", "B"], departmentNumber="7", description=None)  # description was never there
    assert _read(people, person.dn, "title", "departmentNumber") == {"title": ["A", "B"], "departmentNumber": ["7"]}
    people.update("ann", title=None, departmentNumber=[])
    assert _read(people, person.dn, "title", "departmentNumber") == {}
    people.update("ann")  # nothing to change: nothing written
    people.disable("ann")
    assert _read(people, person.dn, "nsAccountLock") == {"nsAccountLock": ["true"]}
    people.delete("ann")
    assert _read(people, person.dn) is None


def test_groups_are_written_through_and_an_empty_one_lists_the_empty_dn(people: LdapPeople) -> None:
    ann = people.add_person("ann").dn
    dn = people.add_group("staff", ["ann"])
    assert _read(people, dn, "uniqueMember", "cn", "objectClass") == {
        "uniqueMember": [ann],
        "cn": ["staff"],
        "objectClass": ["groupOfUniqueNames"],
    }
    people.remove_member("staff", "ann")
    assert _read(people, dn, "uniqueMember") == {"uniqueMember": [""]}
    people.add_member("staff", "ann")
    assert _read(people, dn, "uniqueMember") == {"uniqueMember": [ann]}
    empty = people.add_group("empty")
    assert _read(people, empty, "uniqueMember") == {"uniqueMember": [""]}
    assert people._group("empty").get("uniqueMember") is None  # the local copy lists nobody


def test_a_write_the_directory_refuses_is_one_line(people: LdapPeople, address: LdapAddress) -> None:
    with pytest.raises(HarnessError) as error:
        LdapPeople(address, root_dn=people.root_dn, domain="example.com")
    assert str(error.value).startswith(f"the directory refused to add {people.root_dn}: LDAPEntryAlreadyExistsResult")
    people.add_person("ann")
    with pytest.raises(HarnessError) as error:
        people.update("ann", noSuchAttribute="x")
    assert str(error.value).startswith(f"the directory refused to modify {people.person('ann').dn}: ")
    people.close()
    assert not people.connection.bound


def test_entries_of_an_ldif_file_are_added_parents_first_and_existing_ones_kept(people: LdapPeople) -> None:
    root = f"ou=loaded,{people.root_dn}"
    directory = Directory.from_records(
        [
            (people.root_dn, {"objectClass": ["organizationalUnit"], "ou": ["kept"]}),
            (root, {"objectClass": ["organizationalUnit"], "ou": ["loaded"], "entryUUID": ["not-yours"]}),
            (f"cn=x,{root}", {"cn": ["x"]}),
        ]
    )
    with pytest.raises(HarnessError) as error:
        load_entries(people.address, directory)
    assert str(error.value).startswith(f"the directory refused cn=x,{root}: ")
    assert _read(people, root, "ou")
    del directory.entries[normalize_dn(f"cn=x,{root}")]
    for uid in ("y", "z"):
        attributes = {"objectClass": ["account"], "uid": [uid], "host": [f"{uid}.example"]}
        directory.entries[f"uid={uid}"] = make_entry(f"uid={uid},{root}", attributes)
    assert load_entries(people.address, directory) == 2
    assert _read(people, f"uid=z,{root}", "objectClass", "host") == {"objectClass": ["account"], "host": ["z.example"]}
    read = _read(people, root, "entryUUID")
    assert read is not None and read["entryUUID"] != ["not-yours"]  # the server assigns its own

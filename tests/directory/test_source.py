"""The source directory's own rules, without a server: attribute names without case (RFC 4512
section 2.5), DNs as compared, the change fingerprint, the entry GUID, scope by base DN, filter
and group, the LDIF cache, and both account status algorithms (the channel's Account Status)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.directory.source import (
    AccountStatus,
    Attributes,
    Directory,
    SourceLocation,
    make_entry,
    normalize_dn,
)
from harness.errors import HarnessError

ANA = "uid=ana,ou=people,dc=example,dc=com"
BEN = "uid=ben,ou=people,dc=example,dc=com"
GROUP = "cn=staff,ou=groups,dc=example,dc=com"


def _directory() -> Directory:
    return Directory.from_records(
        [
            (ANA, {"objectClass": ["inetOrgPerson"], "uid": ["ana"], "ou": ["Sales"], "entryUUID": ["g-ana"]}),
            (BEN, {"objectClass": ["inetOrgPerson"], "uid": ["ben"], "ou": ["Ops"]}),
            ("uid=cy,ou=others,dc=example,dc=com", {"objectClass": ["inetOrgPerson"], "uid": ["cy"]}),
            (GROUP, {"objectClass": ["groupOfNames"], "member": [" UID=Ben , OU=People,dc=example,dc=com"]}),
        ]
    )


def _uids(location: SourceLocation, directory: Directory) -> list[str | None]:
    return [entry.first("uid") for entry in location.users(directory)]


def test_attribute_names_are_found_in_any_letters() -> None:
    attributes = Attributes({"givenname": ["Ana"]})
    assert attributes["GivenName"] == ["Ana"]
    assert attributes.get("GIVENNAME") == ["Ana"]
    assert attributes.get("sn") is None
    assert attributes.get("sn", ["none"]) == ["none"]
    assert "givenName" in attributes
    assert "sn" not in attributes
    assert 7 not in attributes  # not a name: not there, no error


def test_a_dn_is_compared_in_lower_case_without_blanks_around_its_commas() -> None:
    assert normalize_dn(" UID=Ana , OU=People,DC=Example ") == "uid=ana,ou=people,dc=example"
    assert normalize_dn("uid=ana smith,dc=x") == "uid=ana smith,dc=x"  # blanks inside a value stay


def test_the_fingerprint_changes_with_any_value_and_not_with_order() -> None:
    one = make_entry(ANA, {"mail": ["a@x", "b@x"], "sn": ["S"]})
    same = make_entry(ANA, {"SN": ["S"], "mail": ["b@x", "a@x"]})
    other_value = make_entry(ANA, {"mail": ["a@x", "b@x"], "sn": ["T"]})
    other_name = make_entry(ANA, {"mail": ["a@x", "b@x"], "cn": ["S"]})
    assert one.fingerprint == same.fingerprint
    assert len({one.fingerprint, other_value.fingerprint, other_name.fingerprint}) == 3
    assert len(one.fingerprint) == 40 and int(one.fingerprint, 16) >= 0  # SHA-1, hexadecimal


def test_the_guid_is_the_channels_guid_attribute_or_the_dn() -> None:
    assert make_entry(ANA, {"entryUUID": ["u-1", "u-2"]}).guid == "u-1"
    assert make_entry(ANA, {"objectGUID": ["o-1"]}, "objectGUID").guid == "o-1"
    assert make_entry(" UID=Ana, OU=People,dc=example,dc=com", {"entryUUID": []}).guid == ANA
    assert make_entry(ANA, {"entryUUID": ["u-1"]}, "objectGUID").guid == ANA


def test_values_and_first_value() -> None:
    entry = make_entry(ANA, {"mail": ["a@x", "b@x"], "sn": []})
    values = entry.values("MAIL")
    values.append("changed")
    assert entry.values("mail") == ["a@x", "b@x"]  # a copy
    assert entry.values("cn") == [] and entry.values("sn") == []
    assert entry.first("Mail") == "a@x"
    assert entry.first("sn") is None and entry.first("cn") is None


def test_an_entry_is_under_its_base_dn_by_whole_rdns() -> None:
    entry = make_entry(ANA, {})
    assert entry.under("")
    assert entry.under("OU=People, dc=example,dc=com")
    assert entry.under(ANA.upper())  # the base itself
    assert not entry.under("ple,dc=example,dc=com")  # a suffix of a value is not an RDN
    assert not entry.under("ou=others,dc=example,dc=com")


def test_records_without_a_dn_are_left_out_and_keys_are_normalised() -> None:
    odd = " UID=Ana ,ou=people,dc=example,dc=com"
    directory = Directory.from_records([(None, {"version": ["1"]}), (odd, {"UID": ["ana"]})])
    assert list(directory.entries) == [ANA]
    entry = directory.get("uid=ANA, ou=people,dc=example,dc=com")
    assert entry is not None and entry.dn == odd
    assert dict(entry.attributes) == {"uid": ["ana"]}
    assert directory.get(BEN) is None
    assert [e.first("uid") for e in directory] == ["ana"]
    guided = Directory.from_records([(ANA, {"objectGUID": ["o-1"]})], guid_attribute="objectGUID")
    assert guided.entries[ANA].guid == "o-1"


def test_an_ldif_file_is_parsed_again_only_when_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "people.ldif"
    path.write_text(f"dn: {ANA}\nuid: ana\n")
    first = Directory.load(path)
    assert Directory.load(path) is first
    path.write_text(f"dn: {ANA}\nuid: anna\n")  # longer
    second = Directory.load(path)
    assert second is not first and second.entries[ANA].first("uid") == "anna"
    path.write_text(f"dn: {ANA}\nuid: bnna\n")  # as long, newer
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 1_000_000_000))
    assert Directory.load(path).entries[ANA].first("uid") == "bnna"


def test_two_ldif_files_of_one_size_and_time_are_two_directories(tmp_path: Path) -> None:
    one, two = tmp_path / "one.ldif", tmp_path / "two.ldif"
    one.write_text(f"dn: {ANA}\nuid: ana\n")
    two.write_text(f"dn: {BEN}\nuid: ben\n")
    os.utime(two, ns=(os.stat(one).st_atime_ns, os.stat(one).st_mtime_ns))
    assert list(Directory.load(one).entries) == [ANA]
    assert list(Directory.load(two).entries) == [BEN]


def test_ldif_files_that_cannot_be_read_are_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ldif"
    with pytest.raises(HarnessError) as error:
        Directory.load(missing)
    assert str(error.value) == f"cannot read LDIF file {missing}: No such file or directory"
    with pytest.raises(HarnessError) as error:
        Directory.load(tmp_path)
    assert str(error.value) == f"cannot read LDIF file {tmp_path}: Is a directory"
    broken = tmp_path / "broken.ldif"
    broken.write_bytes(b"dn: uid=a,dc=x\nmail a@example.com\n")
    with pytest.raises(HarnessError) as error:
        Directory.load(broken)
    assert str(error.value).startswith(f"LDIF file {broken} is not valid LDIF: ")
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_the_default_location_is_every_person_of_the_directory() -> None:
    location = SourceLocation()
    assert (location.base_dn, location.filter, location.group_dn) == ("", "(objectClass=inetOrgPerson)", None)
    assert _uids(location, _directory()) == ["ana", "ben", "cy"]


def test_a_base_dn_a_filter_and_a_group_narrow_the_scope() -> None:
    directory = _directory()
    assert _uids(SourceLocation(base_dn="ou=people,dc=example,dc=com"), directory) == ["ana", "ben"]
    assert _uids(SourceLocation(filter="(OU=sales)"), directory) == ["ana"]
    assert _uids(SourceLocation(group_dn=GROUP), directory) == ["ben"]
    assert _uids(SourceLocation(filter="(ou=Sales)", group_dn=GROUP), directory) == []


def test_scope_a_server_already_evaluated_is_taken_as_it_is() -> None:
    directory = _directory()
    directory.in_scope = frozenset({normalize_dn("uid=cy,ou=others,dc=example,dc=com")})
    assert _uids(SourceLocation(base_dn="ou=people,dc=example,dc=com"), directory) == ["cy"]
    directory.in_scope = frozenset()
    assert _uids(SourceLocation(), directory) == []


def test_a_group_lists_its_members_by_member_and_uniquemember() -> None:
    directory = Directory.from_records(
        [(GROUP, {"member": ["uid=A,dc=x"], "uniqueMember": ["uid=b, dc=x"], "owner": ["uid=c,dc=x"]})]
    )
    assert SourceLocation(group_dn=GROUP.upper()).group_members(directory) == {"uid=a,dc=x", "uid=b,dc=x"}
    assert SourceLocation().group_members(directory) == set()
    with pytest.raises(HarnessError) as error:
        SourceLocation(group_dn="cn=gone,dc=x").group_members(directory)
    assert str(error.value) == "the group cn=gone,dc=x is not in the directory"


def test_a_filter_that_does_not_parse_is_named() -> None:
    with pytest.raises(HarnessError) as error:
        SourceLocation(filter="(&(a=b)")
    assert str(error.value) == "not a valid LDAP filter: (&(a=b)"
    assert error.value.__suppress_context__


@pytest.mark.parametrize(
    ("status", "value", "enabled"),
    [
        (AccountStatus(), None, True),
        (AccountStatus(), " TRUE ", False),
        (AccountStatus(), "false", True),
        (AccountStatus(default_enabled=False), None, False),
        (AccountStatus(disabled_on_match=False), "true", True),
        (AccountStatus(disabled_on_match=False), "false", False),
        (AccountStatus(attribute="employeeStatus", disabled_value="Terminated"), "terminated", False),
        (AccountStatus("userAccountControl", algorithm="ad"), " 514 ", False),  # NORMAL_ACCOUNT + ACCOUNTDISABLE
        (AccountStatus("userAccountControl", algorithm="ad"), "512", True),
        (AccountStatus("userAccountControl", algorithm="ad"), "1", True),  # SCRIPT only: the disabled bit is 2
        (AccountStatus("userAccountControl", algorithm="ad"), "not a number", True),
        (AccountStatus("userAccountControl", algorithm="ad", default_enabled=False), "not a number", False),
        (AccountStatus("userAccountControl", algorithm="ad", default_enabled=False), None, False),
    ],
)
def test_account_status(status: AccountStatus, value: str | None, enabled: bool) -> None:
    entry = make_entry(ANA, {} if value is None else {status.attribute.upper(): [value]})
    assert status.enabled(entry) is enabled


def test_account_status_defaults_are_the_documented_flag() -> None:
    status = AccountStatus()
    assert (status.attribute, status.disabled_value, status.default_enabled, status.algorithm) == (
        "nsAccountLock",
        "true",
        True,
        "flag",
    )
    assert status.disabled_on_match is True

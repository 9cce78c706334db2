"""The LDAP source against a real slapd: what a cycle reads (full, then only what changed), how
deletions, scope, nested groups and both account-status algorithms are found, the two change
detection algorithms, a clock skew, and the errors a user meets."""

from __future__ import annotations

import re
import time

import pytest

from harness.directory.ldap import CycleRead, LdapAddress, LdapPeople, LdapSource, SourceSettings
from harness.directory.slapd import DirectoryServer
from harness.directory.source import AccountStatus, SourceLocation
from harness.errors import HarnessError
from tests.directory.conftest import stamp


def _source(
    address: LdapAddress, people: LdapPeople, location: SourceLocation | None = None, **settings: object
) -> LdapSource:
    return LdapSource(address, SourceSettings(base_dn=people.root_dn, **settings), location or SourceLocation())  # type: ignore[arg-type]


def _names(source: LdapSource) -> list[str]:
    directory = source()
    return sorted(e.first("uid") for e in directory if e.first("uid") and e.dn.lower() in directory.in_scope)


def _next_second() -> None:
    """Wait for the directory's clock to turn a second, so that later writes are newer."""
    time.sleep(1.05 - time.time() % 1)


def test_a_full_read_first_then_only_the_changed_entries(address: LdapAddress, people: LdapPeople) -> None:
    for name in ("ann", "bob", "cyd", "dee", "eve"):
        people.add_person(name)
    _next_second()
    source = _source(address, people)
    assert _names(source) == ["ann", "bob", "cyd", "dee", "eve"]
    assert source.reads[-1] == CycleRead(full=True, entries_read=5, guids_listed=0, deleted=0)
    _next_second()
    assert _names(source) == ["ann", "bob", "cyd", "dee", "eve"]
    # Everything the filter found is there: no GUID needs looking up.
    assert source.reads[-1] == CycleRead(full=False, entries_read=0, guids_listed=0, deleted=0)
    people.update("bob", title="Chief")
    people.update("dee", title="Deputy")
    directory = source()
    assert source.reads[-1] == CycleRead(full=False, entries_read=2, guids_listed=0, deleted=0)
    assert {e.first("uid"): e.first("title") for e in directory}["bob"] == "Chief"
    source.reset()
    assert _names(source) == ["ann", "bob", "cyd", "dee", "eve"] and source.reads[-1].full


def test_a_deleted_entry_is_found_by_its_missing_guid(address: LdapAddress, people: LdapPeople) -> None:
    for name in ("ann", "bob"):
        people.add_person(name)
    source = _source(address, people)
    guid = people.person("bob").guid
    assert guid in {e.guid for e in source()}
    people.delete("bob")
    directory = source()
    read = source.reads[-1]
    assert (read.full, read.guids_listed, read.deleted) == (False, 1, 1)
    assert guid not in {e.guid for e in directory}
    assert _names(source) == ["ann"]


def test_the_server_evaluates_the_filter_and_a_move_out_of_scope_keeps_the_entry(
    address: LdapAddress, people: LdapPeople
) -> None:
    people.add_person("ann", ou="Zoom")
    people.add_person("bob", ou="zoom")  # ou matches case-insensitively, as the server's schema says
    people.add_person("cyd", ou="Other")
    source = _source(address, people, SourceLocation(filter="(ou=Zoom)"))
    assert _names(source) == ["ann", "bob"]
    people.update("ann", ou="Alumni")
    directory = source()
    assert sorted(e.first("uid") for e in directory if e.dn.lower() in directory.in_scope) == ["bob"]
    assert "ann" in {e.first("uid") for e in directory}  # still in the directory: out of scope, not deleted


@pytest.mark.parametrize(("nested", "expected"), [(False, ["ann"]), (True, ["ann", "bob"])])
def test_a_group_dn_with_and_without_nested_search(
    address: LdapAddress, people: LdapPeople, nested: bool, expected: list[str]
) -> None:
    for name in ("ann", "bob", "cyd"):
        people.add_person(name)
    inner = people.add_group("inner", ["bob"])
    outer = people.add_group("outer", ["ann"])
    people._group("outer")["uniqueMember"].append(inner)  # a group as a member of a group
    people._write_members("outer")
    source = _source(address, people, SourceLocation(group_dn=outer), nested_search=nested)
    assert _names(source) == expected
    people.remove_member("outer", "ann")
    assert _names(source) == expected[1:]


def test_both_account_status_algorithms_read_real_entries(address: LdapAddress, people: LdapPeople) -> None:
    people.add_person("locked", nsAccountLock="true")
    people.add_person("open", nsAccountLock="false")
    people.add_person("plain")
    people.add_person("ad-off", userAccountControl="514")  # NORMAL_ACCOUNT | ACCOUNTDISABLE
    people.add_person("ad-on", userAccountControl="512")
    entries = {e.first("uid"): e for e in _source(address, people)() if e.first("uid")}
    flag = AccountStatus()
    assert [flag.enabled(entries[n]) for n in ("locked", "open", "plain")] == [False, True, True]
    assert not AccountStatus(default_enabled=False).enabled(entries["plain"])
    active_flag = AccountStatus(disabled_value="false", disabled_on_match=False)  # "false" means active
    assert [active_flag.enabled(entries[n]) for n in ("locked", "open")] == [False, True]
    ad = AccountStatus(attribute="userAccountControl", algorithm="ad")
    assert [ad.enabled(entries[n]) for n in ("ad-off", "ad-on", "plain")] == [False, True, True]


def _same_second_change(address: LdapAddress, people: LdapPeople, algorithm: str) -> tuple[LdapSource, bool]:
    """A cycle, then a change stamped in the very second of that cycle's check: is it read next?"""
    for _ in range(10):
        _next_second()
        source = _source(address, people, changed_users_algorithm=algorithm)
        source()
        checked = source._last_check
        people.update("ann", title=f"t{time.time()}")
        changed = stamp(address, people.person("ann").dn)
        if changed == checked:
            directory = source()
            title = next(e.first("title") for e in directory if e.first("uid") == "ann")
            return source, title == people.attribute("ann", "title")[0]
    raise AssertionError("could not place a change in the second of a check")


def test_timestamp_reads_a_change_in_the_second_of_the_last_check(address: LdapAddress, people: LdapPeople) -> None:
    people.add_person("ann")
    source, read = _same_second_change(address, people, "TIMESTAMP")
    assert read and source.reads[-1].entries_read == 1


def test_timestamp_no_negation_waits_for_a_newer_change(address: LdapAddress, people: LdapPeople) -> None:
    people.add_person("ann")
    source, read = _same_second_change(address, people, "TIMESTAMP_NO_NEGATION")
    assert not read and source.reads[-1].entries_read == 0
    _next_second()
    people.update("ann", title="later")
    directory = source()
    assert next(e.first("title") for e in directory if e.first("uid") == "ann") == "later"


@pytest.mark.parametrize("skew", [-7200.0, 7200.0])
def test_a_clock_skew_between_provisioner_and_directory_loses_no_change(
    address: LdapAddress, people: LdapPeople, skew: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as real

    from mocks import ZoomEmulator

    # This process's clocks are two hours off the directory's, in both directions.
    class Skewed(real.datetime):
        @classmethod
        def now(cls, tz: real.tzinfo | None = None) -> real.datetime:  # type: ignore[override]
            return real.datetime.now(tz) + real.timedelta(seconds=skew)

    wall = time.time
    monkeypatch.setattr(time, "time", lambda: wall() + skew)
    monkeypatch.setattr("harness.directory.ldap.datetime", Skewed)

    from harness.provisioner.channel import Channel
    from harness.provisioner.engine import Provisioner
    from harness.zoom.client import ZoomClient
    from harness.zoom.target import Target

    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    people.add_person("ann", title="Before")
    source = _source(address, people)
    with ZoomClient(Target(**credentials.to_dict()), transport=zoom.transport()) as client:
        provisioner = Provisioner(client, source, channel=Channel(), clock=time.time)
        assert provisioner.run_cycle().created == 1
        people.update("ann", title="After")
        assert provisioner.run_cycle().updated == 1
    ann = zoom.state.user_by_name(credentials.account_id, "ann@example.com")
    assert ann is not None and ann.title == "After"


def test_errors_a_user_meets_are_one_line(address: LdapAddress, people: LdapPeople, slapd: DirectoryServer) -> None:
    wrong = LdapAddress(slapd.url, slapd.bind_dn, "not-the-password")
    with pytest.raises(
        HarnessError, match=re.escape(f"the directory at {slapd.url} refused the bind as {slapd.bind_dn}")
    ):
        wrong.connect()
    closed = LdapAddress("ldap://127.0.0.1:9", slapd.bind_dn, slapd.password)
    with pytest.raises(HarnessError, match=r"^cannot reach the directory at ldap://127\.0\.0\.1:9$"):
        closed.connect()
    missing = LdapSource(address, SourceSettings(base_dn="ou=nowhere,dc=example,dc=com"), SourceLocation())
    with pytest.raises(HarnessError, match=r"^the base DN ou=nowhere,dc=example,dc=com is not in the directory"):
        missing()
    with pytest.raises(HarnessError, match=r"^not a valid LDAP filter: \(&\(ou=x\)$"):
        SourceLocation(filter="(&(ou=x)")
    with pytest.raises(
        HarnessError, match="changedUsersAlgorithm 'USN' is not one of TIMESTAMP, TIMESTAMP_NO_NEGATION"
    ):
        SourceSettings(base_dn=people.root_dn, changed_users_algorithm="USN")  # type: ignore[arg-type]

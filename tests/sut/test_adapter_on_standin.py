"""The PingFederate adapter against the stand-in that enforces PingFederate's published API document.

Each test names the point of issue 25 it proves; each failed on the adapter as it was before the
stand-in (its five points: cleanup, cycles, descriptor, prerequisites, channel). PingFederate's
provisioner is played here by a script that writes log lines while the adapter's channel is
active (``FakeCycles``): the log reading is proved line by line; the stand-in's real provisioner is
proved end to end in ``test_standin_provisions.py`` and by the feature runs.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.directory.ldap import SourceSettings
from harness.directory.slapd import DirectoryServer
from harness.directory.source import DEFAULT_FILTER, Directory, SourceLocation
from harness.provisioner.channel import Channel, ProvisioningOptions
from harness.provisioner.mapping import FieldMapping, Mapping
from harness.provisioner.records import AuditRecord, ChannelSummary, LogLine
from harness.standin.provisioning import audit_line, line_of, summary_line
from harness.standin.server import StandIn, StandInOptions
from harness.sut import ChannelSetup
from harness.sut.pingfederate import AdminAddress, PingFederateError, PingFederateSystem
from harness.zoom.target import Target

SERVER = DirectoryServer("127.0.0.1", 3389, "cn=admin,dc=example,dc=com", "ldap-secret", "dc=example,dc=com")
BASE_DN = "ou=people,dc=example,dc=com"
SECOND_DESCRIPTOR = Path(__file__).with_name("zoom_descriptor_renamed.json")


def _setup(**changes: Any) -> ChannelSetup:
    channel = Channel(max_threads=2, timeout=45, location=changes.pop("location", SourceLocation()),
                      mapping=changes.pop("mapping", Mapping.default()))  # fmt: skip
    target = Target("acct-1", "client-1", "secret-1", "https://zoom.us/oauth/token", "https://api.zoom.us")
    options = changes.pop("options", ProvisioningOptions())
    return ChannelSetup(target, channel, options, lambda: Directory({}), **changes)


@pytest.fixture
def standin(tmp_path: Path) -> Iterator[StandIn]:
    yield StandIn(StandInOptions(version="12.2", password="pw", log_dir=tmp_path / "log"))


def _system(standin: StandIn, tmp_path: Path, **options: Any) -> PingFederateSystem:
    admin = AdminAddress("https://pf.test:9999", "Administrator", "pw").client(standin.transport())
    if standin.api.server.provisioning_database:  # as a run paces the cycles (pace_cycles)
        admin.call("PUT", "/serverSettings/outboundProvisioning", {"dataStoreRef": {"id": "ProvisionerDS"},
                                                                   "synchronizationFrequency": 1})  # fmt: skip
    options.setdefault("log_dir", standin.options.log_dir)
    return PingFederateSystem(admin, SERVER, BASE_DN, ledger=tmp_path / "ledger.json", **options)


def _stored_channel(standin: StandIn) -> dict[str, Any]:
    (connection,) = standin.configuration.connections.values()
    return connection["outboundProvision"]["channels"][0]


def _settings(standin: StandIn) -> dict[str, str]:
    (connection,) = standin.configuration.connections.values()
    return {s["name"]: s.get("value") for s in connection["outboundProvision"]["targetSettings"]}


# -- 1. cleanup --------------------------------------------------------------------------------


def test_close_deactivates_then_deletes_the_connection_then_the_data_store(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    standin.configuration.connections[system.connection_id]["active"] = True  # as a run leaves it
    system.close()
    assert standin.configuration.connections == {} and standin.configuration.data_stores == {}
    deletes = [(e["method"], e["path"], e["status"]) for e in standin.api.journal if e["method"] == "DELETE"]
    assert deletes == [("DELETE", f"/idp/spConnections/{system.connection_id}", 204),
                       ("DELETE", f"/dataStores/{system.store_id}", 204)]  # fmt: skip
    assert not (tmp_path / "ledger.json").exists()


def test_two_runs_side_by_side_get_names_of_their_own(standin: StandIn, tmp_path: Path) -> None:
    first, second = _system(standin, tmp_path), _system(standin, tmp_path / "second")
    (tmp_path / "second").mkdir()
    first.configure(_setup())
    second.configure(_setup())
    names = {s["name"] for s in standin.configuration.data_stores.values()}
    assert len(names) == 2
    channels = {c["outboundProvision"]["channels"][0]["name"] for c in standin.configuration.connections.values()}
    assert len(channels) == 2
    first.close()
    second.close()
    assert standin.configuration.connections == {} and standin.configuration.data_stores == {}


# -- 3. descriptor -----------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "value"), [("disable", "DISABLE"), ("delete", "DELETE")])
def test_remove_user_action_is_sent_as_the_select_fields_option_value(
    standin: StandIn, tmp_path: Path, action: str, value: str
) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup(options=ProvisioningOptions(remove_action=action)))
    assert _settings(standin)["deprovisionMethod"] == value  # the stand-in descriptor's optionValues value


def test_a_differently_named_descriptor_with_an_extra_required_field_is_followed(tmp_path: Path) -> None:
    standin = StandIn(StandInOptions(password="pw", descriptor=SECOND_DESCRIPTOR))
    system = _system(standin, tmp_path, log_dir=None)
    assert system.connector.id == "com.example.pf.ZoomUserProvisioning"
    system.configure(_setup(options=ProvisioningOptions(update=False, remove_action="delete")))
    assert _settings(standin) == {
        "zAccount": "acct-1", "zClient": "client-1", "zSecret": "secret-1", "optCreate": "true",
        "optUpdate": "false", "optRemove": "true", "optRemoveHow": "remove-user",
        "apiRegion": "global",  # required, not one of the seven labels: its default value is sent
    }  # fmt: skip
    codes = {m["fieldName"] for m in _stored_channel(standin)["attributeMapping"]}
    assert "zoom.userName" in codes and "zoom.email" in codes


# -- 4. server prerequisites -------------------------------------------------------------------


def test_no_provisioning_database_is_one_line_saying_how_to_set_it(tmp_path: Path) -> None:
    standin = StandIn(StandInOptions(password="pw", provisioning_database=False))
    with pytest.raises(PingFederateError) as missing:
        _system(standin, tmp_path, log_dir=None).configure(_setup())
    message = str(missing.value)
    assert "\n" not in message and "no provisioning database" in message
    assert "dataStoreRef" in message and "/serverSettings/outboundProvisioning" in message
    assert not [e for e in standin.api.journal if e["method"] != "GET"]  # nothing sent without it


def test_no_saml_entity_id_is_one_line_before_anything_is_created(tmp_path: Path) -> None:
    standin = StandIn(StandInOptions(password="pw", saml2_entity_id=None))
    with pytest.raises(PingFederateError) as missing:
        _system(standin, tmp_path, log_dir=None).configure(_setup())
    message = str(missing.value)
    assert "\n" not in message and "SAML 2.0 entity ID" in message and "Federation Info" in message
    assert standin.configuration.data_stores == {}


# -- 5. the channel --------------------------------------------------------------------------


def test_the_channels_own_source_settings_are_sent(standin: StandIn, tmp_path: Path) -> None:
    settings = SourceSettings(base_dn=BASE_DN, guid_attribute="nsUniqueId", user_object_class="person",
                              group_object_class="groupOfNames", group_member_attribute="member",
                              changed_users_algorithm="TIMESTAMP_NO_NEGATION", timestamp_attribute="createTimestamp",
                              nested_search=True)  # fmt: skip
    _system(standin, tmp_path).configure(_setup(source_settings=settings))
    source = _stored_channel(standin)["channelSource"]
    assert source["guidAttributeName"] == "nsUniqueId"
    assert source["changeDetectionSettings"] == {
        "userObjectClass": "person", "groupObjectClass": "groupOfNames",
        "changedUsersAlgorithm": "TIMESTAMP_NO_NEGATION", "timeStampAttributeName": "createTimestamp"}  # fmt: skip
    assert source["groupMembershipDetection"] == {"groupMemberAttributeName": "member"}
    assert source["userSourceLocation"]["nestedSearch"] is True


def test_a_group_dn_keeps_the_filter(standin: StandIn, tmp_path: Path) -> None:
    location = SourceLocation(filter="(ou=Zoom)", group_dn="cn=zoom-users,ou=groups,dc=example,dc=com")
    _system(standin, tmp_path).configure(_setup(location=location))
    assert _stored_channel(standin)["channelSource"]["userSourceLocation"] == {
        "groupDN": "cn=zoom-users,ou=groups,dc=example,dc=com",
        "filter": "(ou=Zoom)",
        "nestedSearch": False,
    }


def test_a_field_fed_by_several_attributes_carries_an_expression(standin: StandIn, tmp_path: Path) -> None:
    mapping = Mapping.default().with_field("Username", FieldMapping(("workEmail", "mail")))
    _system(standin, tmp_path).configure(_setup(mapping=mapping))
    username = next(m for m in _stored_channel(standin)["attributeMapping"] if m["fieldName"] == "userName")
    info = username["saasFieldInfo"]
    assert info["attributeNames"] == ["workEmail", "mail"]
    assert info["expression"] == '#this.get("workEmail") != null ? #this.get("workEmail") : #this.get("mail")'


# -- 2. cycles ---------------------------------------------------------------------------------


class FakeCycles:
    """PingFederate's provisioner, played by a script: each time the adapter's channel is active,
    the next scripted cycle's lines are written (``{channel}`` is the channel's stored name)."""

    def __init__(self, standin: StandIn, cycles: list[dict[str, list[Any]]]) -> None:
        self.standin, self.cycles = standin, list(cycles)
        self.folder = standin.options.log_dir
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> FakeCycles:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        ran_for = None
        while not self._stop.wait(0.02):
            with self.standin.configuration.lock:
                active = [c for c in self.standin.configuration.connections.values()
                          if c["active"] and c["outboundProvision"]["channels"][0]["active"]]  # fmt: skip
                revision = self.standin.configuration.revision
            if not active or not self.cycles or ran_for == revision:
                continue
            ran_for = revision
            channel = active[0]["outboundProvision"]["channels"][0]["name"]
            time.sleep(0.1)
            for name, lines in self.cycles.pop(0).items():
                for line in lines:
                    if isinstance(line, float):  # a pause within the cycle
                        time.sleep(line)
                        continue
                    into, text = line if isinstance(line, tuple) else (name, line)  # (another file, its line)
                    with (self.folder / into).open("a") as handle:
                        handle.write(text.format(channel=channel) + "\n")


def _audit(event: str, guid: str, ok: bool = True, cycle: int = 7) -> str:
    return audit_line(AuditRecord(time.time(), cycle, "", event, guid, f"z-{guid}", ok, None if ok else "400: no"),
                      "{channel}")  # fmt: skip


def _summary(created: int, cycle: int = 7) -> str:
    return summary_line(ChannelSummary(cycle, "", created=created, duration=0.25), "{channel}", time.time())


def test_logs_are_read_from_where_they_ended_when_the_run_began(standin: StandIn, tmp_path: Path) -> None:
    log = standin.options.log_dir
    assert log is not None
    earlier = _system(standin, tmp_path, run_id="r1")
    earlier.configure(_setup())
    channel = _stored_channel(standin)["name"]
    earlier.close()
    # What the earlier run of the same name left behind: lines before this run began.
    (log / "provisioner-channel-summary.log").write_text(_summary(9, cycle=1).format(channel=channel) + "\n")
    (log / "provisioner-audit.log").write_text(_audit("CREATE", "old", cycle=1).format(channel=channel) + "\n")
    system = _system(standin, tmp_path, run_id="r1")
    system.configure(_setup())
    assert _stored_channel(standin)["name"] == channel
    with FakeCycles(standin, [{"provisioner-audit.log": [_audit("CREATE", "new")],
                               "provisioner-channel-summary.log": [_summary(1)]}]):  # fmt: skip
        summary = system.next_cycle()
    assert (summary.cycle_id, summary.created) == (7, 1)
    assert [a.source_id for a in system.records.audit] == ["new"]


def test_only_the_runs_channel_is_read_and_only_lines_in_the_documented_pattern(
    standin: StandIn, tmp_path: Path
) -> None:
    system = _system(standin, tmp_path, cycle_timeout=10)
    system.configure(_setup())
    other = [_audit("CREATE", "theirs", cycle=3).replace("{channel}", "another-channel"),
             _summary(5, cycle=3).replace("{channel}", "another-channel")]  # fmt: skip
    with FakeCycles(standin, [{
        "provisioner-audit.log": [other[0], "2026-12-04 05:00:00,000 INFO cycle 12 wrote 3 users",
                                  _audit("CREATE", "ours")],
        "provisioner-channel-summary.log": ["Summary log rolled over after 10 files", other[1], _summary(1)],
    }]):  # fmt: skip
        summary = system.next_cycle()
    assert (summary.cycle_id, summary.created, summary.channel) == (7, 1, "zoom-users")
    assert [(a.source_id, a.channel_id) for a in system.records.audit] == [("ours", "zoom-users")]


def _version_12_1(tmp_path: Path) -> StandIn:
    return StandIn(StandInOptions(version="12.1", password="pw", log_dir=tmp_path / "log"))


def test_on_12_1_a_cycle_ends_when_its_audit_lines_go_quiet(tmp_path: Path) -> None:
    standin = _version_12_1(tmp_path)
    system = _system(standin, tmp_path, cycle_timeout=20)
    assert system.version == "12.1.0.4"
    system.configure(_setup())
    lines = [_audit("CREATE", "a"), _audit("CREATE", "b"), _audit("DISABLE", "c"), _audit("UPDATE", "d", ok=False)]
    with FakeCycles(standin, [{"provisioner-audit.log": lines}]):
        started = time.monotonic()
        summary = system.next_cycle()
        took = time.monotonic() - started
    assert (summary.created, summary.disabled, summary.updated, summary.failed) == (2, 1, 0, 1)
    assert summary.cycle_id == 7 and took < 6


def _log(message: str) -> str:
    return line_of(LogLine(time.time(), "INFO", "channel", message), "{channel}")


def test_on_12_1_a_cycle_ends_at_its_end_line_when_the_log_marks_cycles(tmp_path: Path) -> None:
    standin = _version_12_1(tmp_path)
    system = _system(standin, tmp_path, cycle_timeout=20)
    system.configure(_setup())
    # Quieter than a synchronization interval mid-cycle (a Retry-After being waited out): not its end.
    audit = "provisioner-audit.log"
    lines = [_log("Provisioning cycle started"), (audit, _audit("CREATE", "a")), 1.6, (audit, _audit("CREATE", "b")),
             _log("Provisioning cycle 4 ended in 1700 ms")]  # fmt: skip
    with FakeCycles(standin, [{"provisioner.log": lines}]):
        summary = system.next_cycle()
    assert (summary.created, summary.cycle_id, summary.duration) == (2, 4, 1.7)


def test_an_end_line_written_after_the_last_cycle_was_read_does_not_end_the_next(
    standin: StandIn, tmp_path: Path
) -> None:
    """12.2 writes the summary before the cycle's end line: the adapter, done at the summary, finds
    that end line first when the next cycle begins. It ends only a cycle that started since."""
    system = _system(standin, tmp_path, cycle_timeout=20)
    system.configure(_setup())
    summaries = "provisioner-channel-summary.log"
    first = [_log("Provisioning cycle started"), (summaries, _summary(1, cycle=1)), 0.3,
             _log("Provisioning cycle 1 ended in 5 ms")]  # fmt: skip
    second = [0.5, _log("Provisioning cycle started"), ("provisioner-audit.log", _audit("CREATE", "b", cycle=2)),
              (summaries, _summary(2, cycle=2)), _log("Provisioning cycle 2 ended in 5 ms")]  # fmt: skip
    with FakeCycles(standin, [{"provisioner.log": first}, {"provisioner.log": second}]):
        assert system.next_cycle().created == 1
        time.sleep(0.5)  # the first cycle's end line lands while the channel is parked
        summary = system.next_cycle()
    assert (summary.cycle_id, summary.created) == (2, 2)
    assert [a.source_id for a in system.records.audit] == ["b"]


def test_on_12_1_a_cycle_with_no_changes_ends_within_a_bounded_wait(tmp_path: Path) -> None:
    standin = _version_12_1(tmp_path)
    system = _system(standin, tmp_path, cycle_timeout=60)
    system.configure(_setup())
    started = time.monotonic()
    summary = system.next_cycle()
    took = time.monotonic() - started
    assert (summary.created, summary.updated, summary.disabled, summary.failed) == (0, 0, 0, 0)
    assert took < 6  # two synchronization intervals and a margin, not the cycle timeout


def test_the_synchronization_frequency_is_short_for_the_run_and_put_back_after(standin: StandIn) -> None:
    from harness.sut.pingfederate import pace_cycles

    address = AdminAddress("https://pf.test:9999", "Administrator", "pw")
    with address.client(standin.transport()) as admin, pace_cycles(admin) as seconds:
        assert standin.configuration.provisioning == {"dataStoreRef": {"id": "ProvisionerDS"},
                                                      "synchronizationFrequency": seconds}  # fmt: skip
        assert seconds == 1
    assert standin.configuration.provisioning["synchronizationFrequency"] == 60


def test_every_request_the_adapter_sent_conforms_to_the_document(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path, cycle_timeout=10)
    system.configure(_setup(location=SourceLocation(filter=DEFAULT_FILTER, group_dn="cn=g,dc=example,dc=com")))
    with FakeCycles(standin, [{"provisioner-channel-summary.log": [_summary(0)]}]):
        system.next_cycle()
    system.close()
    assert standin.api.journal and all(e["violations"] == [] for e in standin.api.journal)
    assert all(e["status"] < 400 for e in standin.api.journal), [e for e in standin.api.journal if e["status"] >= 400]


def test_the_stand_in_refuses_what_the_old_adapter_sent(standin: StandIn) -> None:
    """Guard of the guard: a request as the adapter used to send it is refused with its field."""
    with httpx.Client(transport=standin.transport(), base_url="https://pf/pf-admin-api/v1",
                      auth=("Administrator", "pw"), headers={"X-XSRF-Header": "PingFederate"}) as admin:  # fmt: skip
        put = admin.put("/serverSettings/outboundProvisioning", json={"synchronizationFrequency": 5})
    assert put.status_code == 422
    assert json.loads(put.text)["validationErrors"][0]["fieldPath"] == "dataStoreRef"

"""The PingFederate adapter's own decisions, call by call, against the stand-in (which answers as the
published Administrative API document says): what it creates and in which order, when it bypasses
PingFederate's validation (only to park the channel, never to activate it), what a cycle saves
around the wait, and how it cleans up (pingfederate-admin-api.md: only an inactive connection can be
deleted, only an unused data store)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.directory.slapd import DirectoryServer
from harness.directory.source import Directory
from harness.provisioner.channel import ActivationRefused, Channel, ProvisioningOptions
from harness.provisioner.records import ChannelSummary
from harness.standin.server import StandIn, StandInOptions
from harness.sut import ChannelSetup
from harness.sut.pingfederate import AdminAddress, PingFederateError, PingFederateSystem
from harness.sut.pingfederate.cycles import LATEST
from harness.zoom.target import Target

SERVER = DirectoryServer("127.0.0.1", 3389, "cn=admin,dc=example,dc=com", "ldap-secret", "dc=example,dc=com")
Call = tuple[str, str, bool, Any]


class Spy:
    """The admin client's calls as the adapter made them: method, path, bypass, body."""

    def __init__(self, system: PingFederateSystem) -> None:
        self.calls: list[Call] = []
        real = system.admin.call

        def call(method: str, path: str, body: Any = None, *, bypass: bool = False) -> Any:
            self.calls.append((method, path, bypass, body))
            return real(method, path, body, bypass=bypass)

        system.admin.call = call  # type: ignore[method-assign]

    def writes(self) -> list[tuple[str, str, bool, Any, Any]]:
        """Each write with the connection's ``active`` and its channel's (None where the body has none)."""
        shown = []
        for method, path, bypass, body in self.calls:
            if method == "GET":
                continue
            body = body if isinstance(body, dict) else {}
            channels = (body.get("outboundProvision") or {}).get("channels") or [{}]
            shown.append((method, path, bypass, body.get("active"), channels[0].get("active")))
        return shown


class ScriptedCycles:
    """The cycle reader, played by the test: the adapter's own reading is tested in test_cycles."""

    def __init__(self, summary: ChannelSummary, position: int = 7) -> None:
        self.summary, self.at, self.awaited = summary, position, []

    def position(self) -> int:
        return self.at

    def await_cycle(self, channel: str, shown: str, mark: int) -> ChannelSummary:
        self.awaited.append((channel, shown, mark))
        return self.summary


def _setup(active: bool = True) -> ChannelSetup:
    target = Target("acct-1", "client-1", "secret-1", "https://zoom.us/oauth/token", "https://api.zoom.us")
    return ChannelSetup(target, Channel(name="zoom-users", active=active), ProvisioningOptions(), lambda: Directory({}))


def _system(standin: StandIn, tmp_path: Path, **options: Any) -> PingFederateSystem:
    admin = AdminAddress("https://pf.test:9999", "Administrator", "pw").client(standin.transport())
    return PingFederateSystem(admin, SERVER, "ou=people,dc=example,dc=com", ledger=tmp_path / "ledger.json",
                              run_id="r1", **options)  # fmt: skip


@pytest.fixture
def standin() -> StandIn:
    return StandIn(StandInOptions(password="pw"))


def test_configure_writes_the_ledger_first_and_saves_the_channel_parked_with_validation_bypassed(
    standin: StandIn, tmp_path: Path
) -> None:
    system = _system(standin, tmp_path)
    spy = Spy(system)
    system.configure(_setup())
    system.configure(_setup())  # a second scenario's channel: the same connection, saved again
    assert spy.writes() == [
        ("POST", "/dataStores", True, None, None),
        ("POST", "/idp/spConnections", True, True, False),
        ("PUT", "/idp/spConnections/zoomharnessr1", True, True, False),
    ]
    assert json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8")) == {
        "created": ["/dataStores/zoomharnessdsr1", "/idp/spConnections/zoomharnessr1"]
    }
    assert system.channel_name == "zoom-users-r1"
    stored = standin.configuration.connections["zoomharnessr1"]
    assert stored["outboundProvision"]["channels"][0]["active"] is False


def test_activation_is_validated_by_pingfederate_then_parked(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup(active=False))
    assert system.channel_active is False
    spy = Spy(system)
    readiness = system.activate()
    assert [(c.name, c.ok, c.detail) for c in readiness.checks] == [
        ("pingfederate", True, "PingFederate activated the channel")
    ]
    assert spy.writes() == [("PUT", "/idp/spConnections/zoomharnessr1", False, True, True),
                            ("PUT", "/idp/spConnections/zoomharnessr1", True, True, False)]  # fmt: skip
    assert system.channel_active is True


def test_a_refused_activation_is_one_check_named_pingfederate_and_leaves_the_channel_inactive(
    standin: StandIn, tmp_path: Path
) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    real = system.admin.call

    def refuse(method: str, path: str, body: Any = None, *, bypass: bool = False) -> Any:
        if method == "PUT" and not bypass:
            raise PingFederateError("PingFederate refused the configuration: Zoom said no")
        return real(method, path, body, bypass=bypass)

    system.admin.call = refuse  # type: ignore[method-assign]
    with pytest.raises(ActivationRefused) as refused:
        system.activate()
    assert [(c.name, c.ok, c.detail) for c in refused.value.readiness.checks] == [
        ("pingfederate", False, "PingFederate refused the configuration: Zoom said no")
    ]
    assert system.channel_active is False


def test_a_cycle_saves_the_channel_active_waits_from_zooms_position_then_parks_it(
    standin: StandIn, tmp_path: Path
) -> None:
    seen: list[int] = []

    def journal(after: int) -> tuple[list[dict[str, Any]], int]:
        seen.append(after)
        return [{"url": f"https://zoom.us/oauth/token?{after}"}, {"url": "https://api.zoom.us/scim2/Users"}], 9

    system = _system(standin, tmp_path, journal=journal)
    system.configure(_setup())
    summary = ChannelSummary(3, "zoom-users", created=2)
    system.cycles = ScriptedCycles(summary)  # type: ignore[assignment]
    spy = Spy(system)
    assert system.next_cycle() is summary
    assert system.cycles.awaited == [("zoom-users-r1", "zoom-users", 7)]  # type: ignore[attr-defined]
    assert spy.writes() == [("PUT", "/idp/spConnections/zoomharnessr1", True, True, True),
                            ("PUT", "/idp/spConnections/zoomharnessr1", True, True, False)]  # fmt: skip
    assert system.records.summaries == [summary]
    assert seen[-1] == 7 and len(system.zoom_exchanges()) == 2 and system.zoom_exchanges() == []
    assert system.token_requests() == 1


def test_an_inactive_channel_waits_one_interval_and_reports_an_inactive_cycle(standin: StandIn, tmp_path: Path) -> None:
    slept: list[float] = []
    system = _system(standin, tmp_path, sleep=slept.append)
    system.configure(_setup(active=False))
    spy = Spy(system)
    summary = system.next_cycle()
    assert slept == [60]  # PingFederate's interval as stored (the document's default, 60 s)
    assert summary == ChannelSummary(0, "zoom-users", active=False) and system.records.summaries == [summary]
    assert spy.writes() == []
    assert system.token_requests() == 0  # no journal: nothing seen of Zoom


def test_the_run_has_names_of_its_own_and_says_what_it_met(standin: StandIn, tmp_path: Path) -> None:
    admin = AdminAddress("https://pf.test:9999", "Administrator", "pw").client(standin.transport())
    system = PingFederateSystem(admin, SERVER, "ou=people,dc=example,dc=com")
    assert len(system.run_id) == 8 and int(system.run_id, 16) >= 0
    assert (system.store_id, system.connection_id) == (f"zoomharnessds{system.run_id}", f"zoomharness{system.run_id}")
    assert (
        system.description == "PingFederate 12.2.0.1 (connector com.pingidentity.provisioner.saas.zoom.ZoomProvisioner)"
    )
    assert system.frequency == 60 and system.channel_active is True and system.zoom_exchanges() == []


def test_close_deactivates_then_deletes_newest_first_and_removes_the_ledger(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    spy = Spy(system)
    system.close()
    writes = spy.writes()
    assert writes == [("PUT", "/idp/spConnections/zoomharnessr1", True, False, False),
                      ("DELETE", "/idp/spConnections/zoomharnessr1", False, None, None),
                      ("DELETE", "/dataStores/zoomharnessdsr1", False, None, None)]  # fmt: skip
    sent = spy.calls[[m for m, *_ in spy.calls].index("PUT")][3]
    assert "modificationDate" not in sent and "creationDate" not in sent
    assert not (tmp_path / "ledger.json").exists()
    assert not standin.configuration.connections and not standin.configuration.data_stores


def test_close_skips_the_deactivation_of_an_inactive_connection_and_a_connection_already_gone(
    standin: StandIn, tmp_path: Path
) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    inactive = {**standin.configuration.connections["zoomharnessr1"], "active": False}
    system.admin.call("PUT", "/idp/spConnections/zoomharnessr1", inactive, bypass=True)
    spy = Spy(system)
    system.close()
    assert [w[0] for w in spy.writes()] == ["DELETE", "DELETE"]  # inactive already: no PUT
    system.close()  # everything already deleted: 404s are nothing left to do
    assert not (tmp_path / "ledger.json").exists()


def test_a_connection_read_without_active_is_taken_as_active_and_deactivated(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    real_get = system.admin.get

    def without_active(path: str) -> Any:
        read = real_get(path)
        if isinstance(read, dict) and path.startswith("/idp/spConnections/"):
            read = {k: v for k, v in read.items() if k != "active"}
            read.update(modificationDate="2026-12-04T10:00:00Z", creationDate="2026-12-04T09:00:00Z")
        return read

    system.admin.get = without_active  # type: ignore[method-assign]
    spy = Spy(system)
    system.close()
    (put,) = [c for c in spy.calls if c[0] == "PUT"]
    assert put[2] is True and put[3]["active"] is False
    assert "modificationDate" not in put[3] and "creationDate" not in put[3]


def test_a_failed_cleanup_names_each_thing_left_and_keeps_the_ledger(standin: StandIn, tmp_path: Path) -> None:
    system = _system(standin, tmp_path)
    system.configure(_setup())
    real = system.admin.call

    def refuse_deletes(method: str, path: str, body: Any = None, *, bypass: bool = False) -> Any:
        if method == "DELETE":
            raise PingFederateError(f"no {path}")
        return real(method, path, body, bypass=bypass)

    system.admin.call = refuse_deletes  # type: ignore[method-assign]
    with pytest.raises(PingFederateError) as failed:
        system.close()
    connection, store = "/idp/spConnections/zoomharnessr1", "/dataStores/zoomharnessdsr1"
    assert str(failed.value) == f"could not delete {connection}: no {connection}; {store}: no {store}"
    assert (tmp_path / "ledger.json").exists()


def test_without_a_stored_interval_the_documents_default_of_60_seconds_is_read_with_the_given_journal_and_clock(
    standin: StandIn,
) -> None:
    """pingfederate-admin-api.md: ``synchronizationFrequency`` is in seconds, default 60."""
    admin = AdminAddress("https://pf.test:9999", "Administrator", "pw").client(standin.transport())
    real_get = admin.get
    admin.get = lambda path: {k: v for k, v in (real_get(path) or {}).items()  # type: ignore[method-assign]
                              if k != "synchronizationFrequency"}  # fmt: skip

    def journal(after: int) -> tuple[list[dict[str, Any]], int]:
        return [], 4

    def clock() -> float:
        return 0.0

    system = PingFederateSystem(admin, SERVER, "dc=example,dc=com", journal=journal, clock=clock, poll=0.2)
    assert system.frequency == 60 and system.cycles.frequency == 60
    assert system.cycles.journal is journal and system.cycles.clock is clock and system.cycles.poll == 0.2
    assert system.cycles.position() == 4


def test_zooms_journal_is_read_from_where_it_stood_at_each_step(standin: StandIn, tmp_path: Path) -> None:
    """Token requests count from the system's start; an activation's exchanges from its own start."""
    reads: list[int] = []
    length = [3]

    def journal(after: int) -> tuple[list[dict[str, Any]], int]:
        reads.append(after)
        return [{"url": "https://zoom.us/oauth/token"}] * (1 if after < LATEST else 0), length[0]

    system = _system(standin, tmp_path, journal=journal)  # Zoom's journal stands at 3
    system.configure(_setup(active=False))
    length[0] = 8
    reads.clear()
    system.activate()
    assert reads == [LATEST, 8]  # where the journal stood, then read from there
    assert system.zoom_exchanges() == [{"url": "https://zoom.us/oauth/token"}]
    reads.clear()
    assert system.token_requests() == 1 and reads == [3]

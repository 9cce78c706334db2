"""How the adapter tells one PingFederate cycle from the logs (or Zoom's journal), on a clock of the
test's own: what ends the wait (the 12.2 summary, the end line of a cycle that started in it, the
quiet), what counts, and that no other channel's line and no older line is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.provisioner.records import ProvisionerRecords
from harness.sut.pingfederate.admin import PingFederateError
from harness.sut.pingfederate.cycles import CycleReader
from harness.sut.pingfederate.logs import AUDIT, PROVISIONER, SUMMARY, LogFolder

CHANNEL, OTHER, SHOWN = "zoom-channel", "other-channel", "ZoomChannel"
STAMP = "2026-12-04 10:00:00,000"


def audit(cycle: int, event: str, success: bool = True, channel: str = CHANNEL, cause: str = "") -> str:
    return f"{STAMP}| {cycle}| {channel}| {event}| uid=u{cycle}| zid| {'true' if success else 'false'}| {cause}"


def log(message: str, channel: str = CHANNEL, level: str = "INFO") -> str:
    return f"{STAMP} {level:<5} [ProvisionerEngine] {message}  {channel}"


class Timeline:
    """A clock that moves only when the reader sleeps, and lines written when it passes their time."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.now = folder, 0.0
        self.pending: list[tuple[float, str, str]] = []
        self.journal: list[dict[str, Any]] = []
        self.calls: list[tuple[float, dict[str, Any]]] = []

    def at(self, when: float, name: str, line: str) -> None:
        self.pending.append((when, name, line))

    def call_at(self, when: float, entry: dict[str, Any]) -> None:
        self.calls.append((when, entry))

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self._write()

    def _write(self) -> None:
        due = [p for p in self.pending if p[0] <= self.now]
        self.pending = [p for p in self.pending if p[0] > self.now]
        for _, name, line in due:
            with (self.folder / name).open("a") as handle:
                handle.write(line + "\n")
        for when, entry in [c for c in self.calls if c[0] <= self.now]:
            self.journal.append(entry)
            self.calls.remove((when, entry))

    def read_journal(self, after: int) -> tuple[list[dict[str, Any]], int]:
        assert isinstance(after, int) and after >= 0, after  # as the control route: a whole number
        return self.journal[after:], len(self.journal)


def _reader(tmp_path: Path, timeline: Timeline, *, summaries: bool, logs: bool = True, frequency: int = 2,
            journal: Callable[[int], tuple[list[dict[str, Any]], int]] | None = None) -> CycleReader:  # fmt: skip
    # Lines of an earlier run are in the files already: the reader starts where they end.
    (tmp_path / AUDIT).write_text(audit(3, "CREATE") + "\n")
    (tmp_path / PROVISIONER).write_text(log("Cycle 3 ended in 10 ms") + "\n")
    (tmp_path / SUMMARY).write_text(f"{STAMP} | 3 | {CHANNEL} | created: 9\n")
    return CycleReader(ProvisionerRecords(), LogFolder(tmp_path) if logs else None, journal, summaries, frequency,
                       timeout=30.0, poll=0.1, sleep=timeline.sleep, clock=lambda: timeline.now)  # fmt: skip


def test_on_12_2_the_channels_summary_ends_the_wait_with_its_counts(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=True)
    timeline.at(0.3, AUDIT, audit(7, "CREATE"))
    timeline.at(0.3, AUDIT, audit(7, "CREATE", channel=OTHER))
    timeline.at(0.5, SUMMARY, f"{STAMP} | 7 | {OTHER} | created: 5, failed: 1")
    timeline.at(0.9, SUMMARY, f"{STAMP} | 7 | {CHANNEL} | created: 2, updated=1, failed: 0 | duration: 1500 ms")
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert (summary.cycle_id, summary.channel, summary.created, summary.updated, summary.failed) == (7, SHOWN, 2, 1, 0)
    assert summary.duration == 1.5 and 0.9 <= timeline.now < 1.0
    assert [(r.cycle_id, r.channel_id, r.event_type) for r in reader.records.audit] == [(7, SHOWN, "CREATE")]


def test_on_12_1_the_end_line_of_a_cycle_started_in_the_wait_ends_it_counted_from_the_audit(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False)
    timeline.at(0.2, PROVISIONER, log("Cycle 11 ended in 40 ms"))  # the last cycle's end, read after its summary
    timeline.at(0.4, PROVISIONER, log("Provisioning cycle 12 started"))
    timeline.at(0.6, AUDIT, audit(12, "CREATE"))
    timeline.at(0.6, AUDIT, audit(12, "UPDATE"))
    timeline.at(0.6, AUDIT, audit(12, "CREATE", success=False, cause="409 conflict"))
    timeline.at(0.6, AUDIT, audit(12, "DISABLE", channel=OTHER))
    timeline.at(0.7, PROVISIONER, log("Cycle 12 ended in 2500 ms", channel=OTHER))
    timeline.at(1.2, PROVISIONER, log("Cycle 12 ended in 2500 ms"))
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert 1.2 <= timeline.now < 1.3
    assert (summary.cycle_id, summary.channel, summary.created, summary.updated, summary.failed) == (12, SHOWN, 1, 1, 1)
    assert summary.disabled == 0 and summary.duration == 2.5
    assert reader.marks_cycles
    assert [line.message for line in reader.records.log] == ["Cycle 11 ended in 40 ms", "Provisioning cycle 12 started",
                                                             "Cycle 12 ended in 2500 ms"]  # fmt: skip


class _WrittenBetweenReads(LogFolder):
    """PingFederate writes a cycle's last audit line and its end line while the reader is between the
    two files of one look: just after the first file it reads from ``at`` on."""

    def __init__(self, folder: Path, timeline: Timeline, at: float, lines: list[tuple[str, str]]) -> None:
        super().__init__(folder)
        self.timeline, self.at, self.lines = timeline, at, lines

    def new_lines(self, name: str) -> list[str]:
        read = super().new_lines(name)
        if self.lines and self.timeline.now >= self.at:
            for file, line in self.lines:
                with (self.folder / file).open("a") as handle:
                    handle.write(line + "\n")
            self.lines = []
        return read


def test_an_audit_line_written_just_before_the_end_line_is_counted(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False)
    last = [(AUDIT, audit(12, "CREATE")), (PROVISIONER, log("Cycle 12 ended in 90 ms"))]
    reader.logs = _WrittenBetweenReads(tmp_path, timeline, 0.5, last)
    timeline.at(0.2, PROVISIONER, log("Provisioning cycle 12 started"))
    timeline.at(0.3, AUDIT, audit(12, "CREATE"))
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert (summary.cycle_id, summary.created) == (12, 2)


def test_an_end_line_without_numbers_takes_the_cycle_from_the_audit_and_no_duration(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False)
    timeline.at(0.2, PROVISIONER, log("cycle started"))
    timeline.at(0.3, AUDIT, audit(12, "ENABLE"))
    timeline.at(0.4, PROVISIONER, log("cycle ended"))
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert (summary.cycle_id, summary.enabled, summary.duration) == (12, 1, 0.0)


def test_a_log_that_marks_no_cycle_is_read_by_its_quiet(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False, frequency=2)
    timeline.at(0.5, AUDIT, audit(4, "CREATE"))
    timeline.at(1.0, AUDIT, audit(4, "DELETE"))
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    # Still for one interval (2 s) after the last line at 1.0 s.
    assert 3.0 <= timeline.now < 3.15
    assert (summary.cycle_id, summary.channel, summary.created, summary.deleted) == (4, SHOWN, 1, 1)


def test_the_quiet_counts_provisioner_log_lines_as_activity_and_each_wait_only_its_own_lines(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False, frequency=2)
    timeline.at(0.5, AUDIT, audit(4, "CREATE"))
    timeline.at(1.0, PROVISIONER, log("user u9: Zoom answered 429, retrying", level="WARN"))
    first = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert 3.0 <= timeline.now < 3.15  # an interval after the WARN line, not after the audit line
    assert (first.created, first.updated) == (1, 0)
    began = timeline.now
    timeline.at(began + 0.5, AUDIT, audit(5, "UPDATE"))
    second = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert (second.cycle_id, second.created, second.updated) == (5, 0, 1)  # the first cycle's create not again


@pytest.mark.parametrize(("frequency", "after"), [(0, 2.5), (2, 4.5)])  # no frequency: one second
def test_a_cycle_that_writes_nothing_ends_after_two_intervals_and_a_margin(
    tmp_path: Path, frequency: int, after: float
) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False, frequency=frequency)
    summary = reader.await_cycle(CHANNEL, SHOWN, 0)
    assert after <= timeline.now < after + 0.15
    assert (summary.cycle_id, summary.created, summary.updated, summary.failed) == (0, 0, 0, 0)


def test_with_the_log_folder_zoom_journal_is_not_what_the_quiet_watches(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=False, journal=timeline.read_journal)
    for when in (0.5, 1.5, 2.5, 3.5):
        timeline.call_at(when, {"method": "GET", "url": "https://api.zoom.us/scim2/Users", "status": 200})
    reader.await_cycle(CHANNEL, SHOWN, reader.position())
    assert 4.5 <= timeline.now < 4.65  # nothing in the channel's logs: two intervals and a margin


def test_on_12_2_no_summary_within_the_timeout_is_an_error_naming_the_channel(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=True)
    timeline.at(0.5, AUDIT, audit(8, "CREATE"))  # activity, but 12.2 ends a cycle by its summary only
    with pytest.raises(PingFederateError) as raised:
        reader.await_cycle(CHANNEL, SHOWN, 0)
    assert str(raised.value) == f"no provisioning cycle of the channel {CHANNEL} within 30 s"
    assert 30.0 <= timeline.now < 30.15


def test_without_the_log_folder_zoom_journal_gives_the_cycle(tmp_path: Path) -> None:
    timeline = Timeline(tmp_path)
    reader = _reader(tmp_path, timeline, summaries=True, logs=False, journal=timeline.read_journal)
    timeline.journal.append({"method": "POST", "url": "https://api.zoom.us/scim2/Users", "status": 201})  # before
    mark = reader.position()
    off = '{"Operations": [{"op": "replace", "path": "active", "value": false}]}'
    timeline.call_at(0.4, {"method": "POST", "url": "https://api.zoom.us/scim2/Users", "status": 201})
    timeline.call_at(0.8, {"method": "PATCH", "url": "https://api.zoom.us/scim2/Users/z1", "status": 200,
                           "request_body": off})  # fmt: skip
    timeline.call_at(1.2, {"method": "POST", "url": "https://api.zoom.us/scim2/Users", "status": 409})
    timeline.call_at(1.2, {"method": "GET", "url": "https://api.zoom.us/scim2/Users?filter=x", "status": 200})
    summary = reader.await_cycle(CHANNEL, SHOWN, mark)
    assert mark == 1 and 3.2 <= timeline.now < 3.35  # still for an interval (2 s) after the last call
    assert (summary.channel, summary.created, summary.disabled, summary.failed) == (SHOWN, 1, 1, 1)
    assert summary.cycle_id == 1

"""Waiting for one provisioning cycle of a channel, and reading it back.

From 12.2, the cycle's line in ``provisioner-channel-summary.log`` ends the wait. A ``provisioner.log``
line saying the cycle ended ends it too (the counts then come from its audit lines): PingFederate
before 12.2 writes no summary, and a cycle that fails writes none either. A PingFederate whose log
marks no cycle boundary is read by its quiet: the channel's lines (or, without the log folder, Zoom's
journal) still for one synchronization interval; no line at all within two intervals and a margin
is a cycle that changed nothing. Older lines, and other channels' lines, are never read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from harness.provisioner.records import ChannelSummary, ProvisionerRecords
from harness.sut.pingfederate.admin import PingFederateError
from harness.sut.pingfederate.logs import (
    AUDIT,
    CYCLE_ENDED,
    CYCLE_STARTED,
    PROVISIONER,
    SUMMARY,
    LogFolder,
    audit_summary,
    journal_summary,
    parse_audit,
    parse_log,
    parse_summary,
)

#: Reads Zoom's journal (the served emulator's or proxy's): the exchanges after the N-th, and the
#: number of the newest.
Journal = Callable[[int], tuple[list[dict[str, Any]], int]]
LATEST = 2**62


@dataclass
class CycleReader:
    records: ProvisionerRecords
    logs: LogFolder | None
    journal: Journal | None
    #: PingFederate writes ``provisioner-channel-summary.log`` (12.2 and later).
    summaries_logged: bool
    frequency: int
    timeout: float
    poll: float = 0.05
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    #: Whether this PingFederate marks cycle boundaries in provisioner.log (learnt from its lines).
    marks_cycles: bool = field(default=False)
    #: Whether the awaited cycle's start line has been read.
    _began: bool = field(default=False)

    def position(self) -> int:
        return self.journal(LATEST)[1] if self.journal is not None else 0

    def await_cycle(self, channel: str, shown: str, mark: int) -> ChannelSummary:
        """The next cycle of ``channel`` (its name in PingFederate), reported under ``shown``."""
        started = self.clock()
        audited = len(self.records.audit)
        seen_calls, last_activity = mark, None
        interval = max(self.frequency, 1)
        self._began = False
        while self.clock() < started + self.timeout:
            summary, ended, moved = self._read(channel, shown)
            if summary is not None:
                return summary
            if ended is not None:
                cycle, duration = ended
                found = audit_summary(self.records.audit[audited:], shown)
                return replace(found, cycle_id=cycle or found.cycle_id, duration=duration)
            if self.journal is not None and self.logs is None:
                calls = self.position()
                moved, seen_calls = moved or calls > seen_calls, calls
            now = self.clock()
            if moved:
                last_activity = now
            if not self.marks_cycles and not (self.summaries_logged and self.logs is not None):
                quiet = now - (last_activity if last_activity is not None else started)
                if quiet >= (interval if last_activity is not None else 2 * interval + 0.5):
                    return self._quiet_summary(audited, mark, shown)
            self.sleep(self.poll)
        raise PingFederateError(f"no provisioning cycle of the channel {channel} within {self.timeout:g} s")

    def _read(self, channel: str, shown: str) -> tuple[ChannelSummary | None, tuple[int, float] | None, bool]:
        """The channel's new lines, kept as records; its summary or its end when one came."""
        if self.logs is None:
            return None, None, False
        moved, ended = False, None
        # The log before the audit: a cycle's end line is written after its audit lines, so when the
        # end is read here, every audit line it counts is on disk for the read just after. (Read the
        # other way round, PingFederate could write its last audit line and the end line between the
        # two reads, and the cycle was counted without that operation.)
        log_lines = self.logs.new_lines(PROVISIONER)
        for line in self.logs.new_lines(AUDIT):
            record = parse_audit(line, channel)
            if record is not None:
                self.records.audit.append(replace(record, channel_id=shown))
                moved = True
        for line in log_lines:
            logged = parse_log(line, channel)
            if logged is None:
                continue
            self.records.log.append(logged)
            moved = True
            if CYCLE_STARTED.search(logged.message):
                self.marks_cycles = self._began = True
            end = CYCLE_ENDED.search(logged.message)
            # Only the end of a cycle that started during this wait: the last cycle's end line can
            # come after its summary, which ended the last wait.
            if end is not None and self._began:
                ended = (int(end["cycle"] or 0), int(end["ms"] or 0) / 1000)
        if self.summaries_logged:
            for line in self.logs.new_lines(SUMMARY):
                summary = parse_summary(line, channel)
                if summary is not None:
                    return replace(summary, channel=shown), None, True
        return None, ended, moved

    def _quiet_summary(self, audited: int, mark: int, shown: str) -> ChannelSummary:
        if self.logs is not None:
            return audit_summary(self.records.audit[audited:], shown)
        assert self.journal is not None, "give PingFederate's log folder or the emulator's journal"
        return journal_summary(self.journal(mark)[0], shown, len(self.records.summaries) + 1)

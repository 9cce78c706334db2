"""What PingFederate's provisioner writes of its cycles, read for one channel from where the files
ended when the run began (older lines of earlier runs stay in them).

- ``provisioner-audit.log``: ``%d| cycle_id| channel_id| event_type| source_id| target_id|
  is_success| non_success_cause`` (the log4j2 template of PingFederate's Docker image) [S].
- ``provisioner.log``: ``%d %-5p [%c{1}] %m %x %X{ChannelCode}`` [S].
- ``provisioner-channel-summary.log``: from 12.2; its line format is not published [U]. A line
  counts as a summary only when one of its ``|``-separated fields is the channel and it gives
  counts by name (``created: 2``, ``failed=0``...).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.provisioner.records import USER_WORKFLOW, AuditRecord, ChannelSummary, LogLine

AUDIT = "provisioner-audit.log"
PROVISIONER = "provisioner.log"
SUMMARY = "provisioner-channel-summary.log"
_STAMP = r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3})"
_AUDIT = re.compile(_STAMP + r"\|\s*(\d+)\|\s*([^|]*?)\|\s*([A-Z_]+)\|\s*([^|]*?)\|\s*([^|]*?)\|\s*(true|false)\|(.*)$")
_LOG = re.compile(_STAMP + r" (TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\s+\[([^\]]*)\] (.*?)\s+(\S+)\s*$")
_COUNT = re.compile(r"\b(created|updated|disabled|enabled|deleted|failed|skipped)\b\s*[:=]\s*(\d+)", re.I)
_DURATION = re.compile(r"\bduration\b\s*[:=]\s*(\d+(?:\.\d+)?)\s*(ms|s)\b", re.I)
#: A cycle's audit events, as the summary counts them.
COUNTERS = {"CREATE": "created", "UPDATE": "updated", "DISABLE": "disabled", "ENABLE": "enabled", "DELETE": "deleted"}


def _time(stamp: str) -> float:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()


def parse_audit(line: str, channel: str) -> AuditRecord | None:
    """An audit line of ``channel``, or None (another channel's, or not in the pattern)."""
    match = _AUDIT.match(line)
    if match is None or match.group(3) != channel:
        return None
    stamp, cycle, _, event, source, target, success, cause = match.groups()
    return AuditRecord(_time(stamp), int(cycle), channel, event, source, target or None, success == "true",
                       cause.strip() or None)  # fmt: skip


def parse_log(line: str, channel: str) -> LogLine | None:
    match = _LOG.match(line)
    if match is None or match.group(5) != channel:
        return None
    stamp, level, _, message, _ = match.groups()
    return LogLine(_time(stamp), level, USER_WORKFLOW, message)


def parse_summary(line: str, channel: str) -> ChannelSummary | None:
    fields = [part.strip() for part in line.split("|")]
    if channel not in fields:
        return None
    counts = {name.lower(): int(value) for name, value in _COUNT.findall(line)}
    if not counts:
        return None
    cycle = next((int(part) for part in fields[: fields.index(channel)] if part.isdigit()), 0)
    summary = ChannelSummary(cycle_id=cycle, channel=channel, **counts)
    duration = _DURATION.search(line)
    if duration:
        summary.duration = float(duration.group(1)) / (1000 if duration.group(2).lower() == "ms" else 1)
    return summary


def audit_summary(records: list[AuditRecord], channel: str) -> ChannelSummary:
    """A cycle's counts from its audit lines (PingFederate before 12.2 writes no summary)."""
    summary = ChannelSummary(cycle_id=max((r.cycle_id for r in records), default=0), channel=channel)
    for record in records:
        name = COUNTERS.get(record.event_type) if record.is_success else "failed"
        if name:
            setattr(summary, name, getattr(summary, name) + 1)
    return summary


@dataclass
class LogFolder:
    """The provisioner's log folder, read on from where each file ended when this reader was made."""

    folder: Path
    offsets: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (AUDIT, PROVISIONER, SUMMARY):
            path = self.folder / name
            self.offsets[name] = path.stat().st_size if path.exists() else 0

    def new_lines(self, name: str) -> list[str]:
        """Complete lines written since the last read (a rolled-over file is read from its start)."""
        path = self.folder / name
        if not path.exists():
            return []
        offset = self.offsets.get(name, 0)
        if path.stat().st_size < offset:
            offset = 0
        with path.open("rb") as handle:
            handle.seek(offset)
            text = handle.read()
        complete = text[: text.rfind(b"\n") + 1]
        self.offsets[name] = offset + len(complete)
        return [line for line in complete.decode("utf-8", "replace").splitlines() if line.strip()]


def journal_summary(entries: list[dict[str, Any]], channel: str, cycle: int) -> ChannelSummary:
    """A cycle's summary as Zoom saw it: the writes that reached the SCIM API."""
    summary = ChannelSummary(cycle_id=cycle, channel=channel)
    for entry in entries:
        method, status, url = entry.get("method"), int(entry.get("status") or 0), entry.get("url", "")
        if "/scim2/Users" not in url or method == "GET":
            continue
        if status >= 400:
            summary.failed += 1
        elif method == "POST":
            summary.created += 1
        elif method == "DELETE":
            summary.deleted += 1
        elif method == "PATCH":
            if _deactivates(entry.get("request_body", "")):
                summary.disabled += 1
            else:
                summary.enabled += 1
        else:
            summary.updated += 1
    return summary


def _deactivates(body: str) -> bool:
    """Whether a SCIM PatchOp sets ``active`` to false (its value form or its path form)."""
    try:
        operations = json.loads(body).get("Operations", [])
    except (ValueError, AttributeError):
        return False
    for operation in operations if isinstance(operations, list) else []:
        value = operation.get("value") if isinstance(operation, dict) else None
        if value is False and str(operation.get("path", "")).lower() == "active":
            return True
        if isinstance(value, dict) and value.get("active") is False:
            return True
    return False


#: [U] How the provisioner marks a cycle's start and end in ``provisioner.log`` (PingFederate's own
#: wording is not published; these match the stand-in's and are the adapter's first choice). A
#: PingFederate that writes no such line is read by the quiet period instead (see ``cycles``).
CYCLE_STARTED = re.compile(r"\bcycle\b.*\bstarted\b", re.I)
CYCLE_ENDED = re.compile(r"\bcycle\b(?:\s+(?P<cycle>\d+))?\s+ended\b(?:.*?\bin\s+(?P<ms>\d+)\s*ms\b)?", re.I)

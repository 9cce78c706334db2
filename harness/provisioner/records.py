"""What the provisioner writes down: ``provisioner.log`` lines (with the "user workflow" section),
``provisioner-audit.log`` records and ``provisioner-channel-summary.log`` summaries."""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

USER_WORKFLOW = "user workflow"


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class LogLine:
    time: float
    level: str
    section: str
    message: str

    def __str__(self) -> str:
        return f"{_iso(self.time)} {self.level:<5} [{self.section}] {self.message}"


@dataclass(frozen=True)
class AuditRecord:
    time: float
    cycle_id: int
    channel_id: str
    event_type: str
    source_id: str
    target_id: str | None
    is_success: bool
    non_success_cause: str | None = None

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["time"] = _iso(self.time)
        return record


@dataclass
class ChannelSummary:
    cycle_id: int
    channel: str
    created: int = 0
    updated: int = 0
    disabled: int = 0
    enabled: int = 0
    deleted: int = 0
    failed: int = 0
    skipped: int = 0
    duration: float = 0.0
    active: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"cycle {self.cycle_id} channel {self.channel}: created {self.created}, updated {self.updated}, "
            f"disabled {self.disabled}, re-enabled {self.enabled}, deleted {self.deleted}, failed {self.failed}, "
            f"skipped {self.skipped}, {self.duration:.2f} s"
        )


@dataclass
class ProvisionerRecords:
    """Keeps every line and record in memory; with a folder, also appends them to the three files."""

    folder: Path | None = None
    log: list[LogLine] = field(default_factory=list)
    audit: list[AuditRecord] = field(default_factory=list)
    summaries: list[ChannelSummary] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def write_log(self, line: LogLine) -> None:
        with self._lock:
            self.log.append(line)
            if self.folder is not None:
                self._append("provisioner.log", str(line))

    def write_audit(self, record: AuditRecord) -> None:
        with self._lock:
            self.audit.append(record)
            if self.folder is not None:
                self._append("provisioner-audit.log", json.dumps(record.to_dict()))

    def write_summary(self, summary: ChannelSummary) -> None:
        with self._lock:
            self.summaries.append(summary)
            if self.folder is not None:
                self._append("provisioner-channel-summary.log", json.dumps(summary.to_dict()))

    def warnings(self, section: str = USER_WORKFLOW) -> list[str]:
        return [line.message for line in self.log if line.level == "WARN" and line.section == section]

    def _append(self, name: str, text: str) -> None:
        assert self.folder is not None
        with open(self.folder / name, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")

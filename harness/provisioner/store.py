"""The sync state between cycles, in SQLite, like PingFederate's provisioning database.

One row per source user the channel has acted on: its Zoom id, the values last sent, its status
in Zoom, the licence to restore on re-enable, a fingerprint of the source record as last processed
(PingFederate's change detection) and whether an operation is pending after a failure. Each result
is written as it lands and committed in batches: a process stopped mid-cycle resumes from the last
commit, and the users it had created since are found again by Username (linked, not duplicated).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from harness.errors import HarnessError

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    guid TEXT PRIMARY KEY,
    zoom_id TEXT,
    user_name TEXT,
    sent TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'active',
    licence TEXT,
    fingerprint TEXT,
    pending INTEGER NOT NULL DEFAULT 0,
    cause TEXT
);
CREATE TABLE IF NOT EXISTS channel (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cycles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    finished REAL,
    summary TEXT
);
"""


@dataclass
class SyncRecord:
    guid: str
    zoom_id: str | None = None
    user_name: str | None = None
    sent: dict[str, Any] = field(default_factory=dict)
    #: ``active`` or ``disabled`` in Zoom; a deleted user has no record.
    status: str = "active"
    licence: str | None = None
    fingerprint: str | None = None
    pending: bool = False
    cause: str | None = None


class SyncStore:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._pending = 0
            self._open = True
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise HarnessError(f"cannot open the sync state {self.path}: {error}") from None
        except OSError as error:
            raise HarnessError(f"cannot create the sync state {self.path}: {error.strerror}") from None
        if self.path != ":memory:":
            # Every result commits on its own; WAL keeps that cheap and a crash loses nothing.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        if self._open:
            self.commit()
            self._db.close()
            self._open = False

    def abandon(self) -> None:
        """Close without committing, as a killed process leaves its database."""
        if self._open:
            self._db.close()
            self._open = False

    def records(self) -> dict[str, SyncRecord]:
        rows = self._db.execute(
            "SELECT guid, zoom_id, user_name, sent, status, licence, fingerprint, pending, cause FROM users"
        )
        return {
            row[0]: SyncRecord(row[0], row[1], row[2], json.loads(row[3]), row[4], row[5], row[6], bool(row[7]), row[8])
            for row in rows
        }

    #: Results per commit; a crash loses at most this many rows, which the next cycle re-links.
    BATCH = 256

    def save(self, record: SyncRecord) -> None:
        self._write_begin()
        self._db.execute(
            "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.guid,
                record.zoom_id,
                record.user_name,
                _sorted_json(record.sent),
                record.status,
                record.licence,
                record.fingerprint,
                int(record.pending),
                record.cause,
            ),
        )

    def forget(self, guid: str) -> None:
        self._write_begin()
        self._db.execute("DELETE FROM users WHERE guid = ?", (guid,))

    def _write_begin(self) -> None:
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
            self._pending = 0
        self._pending += 1
        if self._pending >= self.BATCH:
            self.commit()

    def commit(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def get_value(self, key: str, default: Any = None) -> Any:
        row = self._db.execute("SELECT value FROM channel WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_value(self, key: str, value: Any) -> None:
        self._write_begin()
        self._db.execute("INSERT OR REPLACE INTO channel VALUES (?, ?)", (key, _sorted_json(value)))

    def begin_cycle(self, now: float) -> int:
        self.commit()
        cursor = self._db.execute("INSERT INTO cycles (started) VALUES (?)", (now,))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def end_cycle(self, cycle_id: int, now: float, summary: dict[str, Any]) -> None:
        self.commit()
        self._db.execute(
            "UPDATE cycles SET finished = ?, summary = ? WHERE id = ?", (now, json.dumps(summary), cycle_id)
        )

    def cycles(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT id, started, finished, summary FROM cycles ORDER BY id")
        return [{"id": r[0], "started": r[1], "finished": r[2], "summary": json.loads(r[3] or "null")} for r in rows]


def _sorted_json(value: Any) -> str:
    """JSON text with sorted keys, by orjson: the store writes one per user a cycle acts on, and
    json's encoder (made anew for ``sort_keys``) was 6 % of an initial cycle of 10,000 users."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()

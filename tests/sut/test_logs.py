"""The adapter's reading of PingFederate's provisioner logs, line by line, from the documented
patterns (pingfederate-admin-api.md and the log4j2 templates of PingFederate's Docker image):

- ``provisioner-audit.log``: ``%d| cycle_id| channel_id| event_type| source_id| target_id|
  is_success| non_success_cause``
- ``provisioner.log``: ``%d %-5p [%c{1}] %m %x %X{ChannelCode}``
- ``provisioner-channel-summary.log`` (12.2 on): format not published [U]; a line counts when a
  ``|`` field is the channel and it gives counts by name.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from harness.provisioner.records import USER_WORKFLOW, AuditRecord, ChannelSummary, LogLine
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

STAMP = "2026-12-04 10:15:30,250"
AT = datetime(2026, 12, 4, 10, 15, 30, 250000).timestamp()


def test_an_audit_line_of_the_channel_is_read_field_by_field() -> None:
    line = f"{STAMP}| 17| zoom-users| CREATE| uid=ann,ou=people| 4kP2x| true|"
    assert parse_audit(line, "zoom-users") == AuditRecord(AT, 17, "zoom-users", "CREATE", "uid=ann,ou=people",
                                                           "4kP2x", True, None)  # fmt: skip
    failed = f"{STAMP}|3|zoom-users|UPDATE|uid=bob|| false| 409 Conflict: userName taken "
    assert parse_audit(failed, "zoom-users") == AuditRecord(AT, 3, "zoom-users", "UPDATE", "uid=bob", None, False,
                                                             "409 Conflict: userName taken")  # fmt: skip


@pytest.mark.parametrize(
    "line",
    [
        f"{STAMP}| 17| other-channel| CREATE| uid=ann| 4kP2x| true|",  # another channel
        f"{STAMP}| 17| zoom-users-2| CREATE| uid=ann| 4kP2x| true|",  # a longer name is another channel
        f"{STAMP}| x7| zoom-users| CREATE| uid=ann| 4kP2x| true|",  # the cycle is a number
        f"{STAMP}| 17| zoom-users| create| uid=ann| 4kP2x| true|",  # event types are upper case
        f"{STAMP}| 17| zoom-users| CREATE| uid=ann| 4kP2x| yes|",  # is_success is true or false
        f"{STAMP}| 17| zoom-users| CREATE| uid=ann| 4kP2x|",  # a field short
        "2026-12-04 10:15:30.250| 17| zoom-users| CREATE| uid=ann| 4kP2x| true|",  # log4j's comma
        f"x {STAMP}| 17| zoom-users| CREATE| uid=ann| 4kP2x| true|",  # the line starts with the date
        "not an audit line",
    ],
)
def test_a_line_of_another_channel_or_outside_the_pattern_is_not_an_audit_record(line: str) -> None:
    assert parse_audit(line, "zoom-users") is None


def test_a_provisioner_log_line_is_the_channels_when_its_last_field_is_the_channel_code() -> None:
    line = f"{STAMP} WARN  [ZoomProvisioner] channel: Attribute 'title' too long for Zoom  zoom-users"
    assert parse_log(line, "zoom-users") == LogLine(AT, "WARN", USER_WORKFLOW,
                                                    "channel: Attribute 'title' too long for Zoom")  # fmt: skip
    for level in ("TRACE", "DEBUG", "INFO", "ERROR", "FATAL"):
        parsed = parse_log(f"{STAMP} {level} [Provisioner] a message zoom-users", "zoom-users")
        assert parsed is not None and parsed.level == level and parsed.message == "a message"
    assert parse_log(f"{STAMP} WARN  [ZoomProvisioner] a message  other", "zoom-users") is None
    assert parse_log(f"{STAMP} NOTICE [ZoomProvisioner] a message zoom-users", "zoom-users") is None
    assert parse_log(f"{STAMP} WARN ZoomProvisioner a message zoom-users", "zoom-users") is None
    assert parse_log("WARN  [ZoomProvisioner] a message zoom-users", "zoom-users") is None


def test_a_summary_line_gives_the_cycle_and_its_counts_by_name() -> None:
    line = (f"{STAMP} | 12 | zoom-users | Created: 2, updated=1, DISABLED : 3, enabled: 4, deleted: 5, failed: 6, "
            "skipped: 7 | duration: 1500 ms")  # fmt: skip
    summary = parse_summary(line, "zoom-users")
    assert summary == ChannelSummary(12, "zoom-users", created=2, updated=1, disabled=3, enabled=4, deleted=5,
                                     failed=6, skipped=7, duration=1.5)  # fmt: skip
    seconds = parse_summary("zoom-users | created: 1 | Duration=2.5 S", "zoom-users")
    assert seconds == ChannelSummary(0, "zoom-users", created=1, duration=2.5)
    after = parse_summary("zoom-users | 9 | created: 1", "zoom-users")
    assert after is not None and after.cycle_id == 0  # a number after the channel is not its cycle
    assert parse_summary("4 | 5 | zoom-users | created: 1", "zoom-users").cycle_id == 4  # type: ignore[union-attr]
    assert parse_summary("zoom-users | created: 1 | duration: 3 minutes", "zoom-users").duration == 0.0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "line",
    [
        "12 | other | created: 2",  # another channel
        "12 | zoom-users-2 | created: 2",  # a field that only starts with the channel
        "12 | zoom-users | nothing counted",  # no counts
        "12 | zoom-users | recreated: 2",  # a count's name is a word of its own
        "12 zoom-users created: 2",  # the channel is not a field
    ],
)
def test_a_line_without_the_channel_as_a_field_or_without_counts_is_no_summary(line: str) -> None:
    assert parse_summary(line, "zoom-users") is None


def test_before_12_2_a_cycles_counts_come_from_its_audit_lines() -> None:
    def record(cycle: int, event: str, success: bool = True) -> AuditRecord:
        return AuditRecord(AT, cycle, "zoom-users", event, "uid=x", None, success)

    records = [record(4, "CREATE"), record(5, "CREATE"), record(5, "UPDATE"), record(5, "DISABLE"),
               record(5, "ENABLE"), record(5, "DELETE"), record(5, "CREATE", success=False),
               record(5, "DELETE", success=False), record(5, "READ")]  # fmt: skip
    assert audit_summary(records, "zoom-users") == ChannelSummary(5, "zoom-users", created=2, updated=1, disabled=1,
                                                                  enabled=1, deleted=1, failed=2)  # fmt: skip
    assert audit_summary([], "zoom-users") == ChannelSummary(0, "zoom-users")


def test_zooms_journal_counts_the_writes_that_reached_scim() -> None:
    def entry(method: str, status: int, body: object = "", url: str = "https://api.zoom.us/scim2/Users/u1") -> dict:
        return {"method": method, "status": status, "url": url,
                "request_body": body if isinstance(body, str) else json.dumps(body)}  # fmt: skip

    off_by_value = {"Operations": [{"op": "replace", "path": "Active", "value": False}]}
    off_in_object = {"Operations": [{"op": "replace", "value": {"active": False, "title": "x"}}]}
    on = {"Operations": [{"op": "replace", "path": "active", "value": True}]}
    entries = [
        entry("POST", 201, url="https://api.zoom.us/scim2/Users"), entry("PUT", 200), entry("DELETE", 204),
        entry("POST", 201, url="https://api.zoom.us/scim2/Users"), entry("PATCH", 204, {"Operations": None}),
        entry("PATCH", 204, {"Operations": 3}), {"method": "PATCH", "status": 204, "url": "https://api.zoom.us/scim2/Users/u3"},
        {"method": "POST", "status": 201},
        entry("PATCH", 204, off_by_value), entry("PATCH", 204, off_in_object), entry("PATCH", 204, on),
        entry("PATCH", 204, "not json"), entry("PATCH", 204, {"Operations": "not a list"}),
        entry("PATCH", 204, {"Operations": ["not an object"]}), entry("PATCH", 204, [1]),
        entry("POST", 409, url="https://api.zoom.us/scim2/Users"), entry("DELETE", 400),
        entry("GET", 200), entry("GET", 500), entry("POST", 201, url="https://api.zoom.us/v2/users"),
        {"method": "PUT", "url": "https://api.zoom.us/scim2/Users/u2"},
    ]  # fmt: skip
    summary = journal_summary(entries, "zoom-users", 7)
    assert summary == ChannelSummary(7, "zoom-users", created=2, updated=2, deleted=1, disabled=2, enabled=8,
                                     failed=2)  # fmt: skip


@pytest.mark.parametrize(
    ("line", "cycle", "ms"),
    [
        ("channel: Provisioning cycle ended", None, None),
        ("Cycle 12 ended in 340 ms", "12", "340"),
        ("cycle 12 ended", "12", None),
        ("cycle ended after 3 users in 25ms", None, "25"),
    ],
)
def test_a_cycles_end_line_gives_its_number_and_time_when_it_says_them(line: str, cycle: str, ms: str) -> None:
    found = CYCLE_ENDED.search(line)
    assert found is not None and (found.group("cycle"), found.group("ms")) == (cycle, ms)


def test_start_and_end_lines_are_told_apart() -> None:
    assert CYCLE_STARTED.search("channel: Provisioning cycle started") and not CYCLE_STARTED.search("cycle ended")
    assert CYCLE_ENDED.search("channel: Provisioning cycle started") is None
    assert CYCLE_ENDED.search("bicycle ended") is None and CYCLE_STARTED.search("bicycle started") is None


def test_a_log_folder_is_read_from_where_each_file_ended_and_only_complete_lines(tmp_path: Path) -> None:
    (tmp_path / AUDIT).write_text("old line of an earlier run\n")
    (tmp_path / PROVISIONER).write_text("")
    logs = LogFolder(tmp_path)
    assert logs.offsets == {AUDIT: 27, PROVISIONER: 0, SUMMARY: 0}
    assert logs.new_lines(AUDIT) == [] and logs.new_lines(SUMMARY) == []
    with (tmp_path / AUDIT).open("a") as audit:
        audit.write("first\n\n   \nsecond\nthird, not yet ended")
    assert logs.new_lines(AUDIT) == ["first", "second"]
    with (tmp_path / AUDIT).open("a") as audit:
        audit.write(" now\n")
    assert logs.new_lines(AUDIT) == ["third, not yet ended now"]
    (tmp_path / AUDIT).write_text("rolled over\n")  # shorter than what was read: a new file
    assert logs.new_lines(AUDIT) == ["rolled over"]
    (tmp_path / SUMMARY).write_bytes(b"caf\xe9 | zoom-users\n")
    assert logs.new_lines(SUMMARY) == ["caf\ufffd | zoom-users"]
    (tmp_path / "provisioner-other.log").write_text("a file the reader was not made for\n")
    assert logs.new_lines("provisioner-other.log") == ["a file the reader was not made for"]  # from its start

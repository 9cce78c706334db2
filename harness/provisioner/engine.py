"""The reference provisioner: PingFederate's Zoom Provisioner behaviour, executable.

A cycle reads the source, compares it with the sync state and sends Zoom only what the
documentation says it sends (reference §6–§9, §14, behaviour matrix §17):

- a user entering the source location is created, or linked to the Zoom user with the same
  Username (never duplicated); a user disabled at the source is never created;
- a changed *mapped* attribute is sent, alone; unmapped changes send nothing; a cleared attribute is
  not cleared in Zoom; create-only attributes are never updated; Roles carries one value;
- a user deleted, disabled or moved out of scope is removed per the Remove User Action; a user who
  returns is re-enabled with their licence (since 1.2); a status change carries no attribute changes;
- with a group DN, a user deleted from the directory is removed only once a new member joins;
- a suppressed action is a warning in the "user workflow" section; a failed or timed-out operation
  stays pending and is retried next cycle; every operation writes an audit record.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.directory.source import Directory, Entry, normalize_dn
from harness.provisioner.channel import ActivationRefused, Channel, ProvisioningOptions
from harness.provisioner.mapping import USER_TYPES, Mapping, is_email, scim_body, zoom_value
from harness.provisioner.records import USER_WORKFLOW, AuditRecord, ChannelSummary, LogLine, ProvisionerRecords
from harness.provisioner.store import SyncRecord, SyncStore
from harness.zoom.client import ZoomClient
from harness.zoom.errors import RetriesExhausted, ZoomError, ZoomRequestError
from harness.zoom.preflight import Readiness, check_target

#: Above this many new users in one cycle, one paged listing beats a lookup per user.
LIST_THRESHOLD = 20


@dataclass
class _Plan:
    kind: Literal["create", "update", "enable", "remove"]
    guid: str
    record: SyncRecord | None
    entry: Entry | None = None
    values: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None
    reason: str = ""


@dataclass
class _Outcome:
    event: str
    plan: _Plan
    success: bool
    record: SyncRecord | None = None
    forget: bool = False
    counter: str | None = None
    cause: str | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Provisioner:
    def __init__(
        self,
        client: ZoomClient,
        source: Callable[[], Directory],
        *,
        channel: Channel | None = None,
        options: ProvisioningOptions | None = None,
        store: SyncStore | None = None,
        records: ProvisionerRecords | None = None,
        clock: Callable[[], float] = time.time,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.client = client
        #: Called with (operations done, operations planned) as each result lands.
        self.progress = progress
        self.source = source
        self.channel = channel or Channel()
        self.options = options or ProvisioningOptions()
        self.store = store or SyncStore()
        self.records = records or ProvisionerRecords()
        self.clock = clock

    # -- activation -----------------------------------------------------------------------

    def activate(self) -> Readiness:
        """Verify the target as PingFederate does when the channel is activated."""
        readiness = check_target(self.client)
        if not readiness.ready:
            self.channel.active = False
            self._log("ERROR", "channel", f"Channel {self.channel.name} not activated: {'; '.join(readiness.causes)}")
            raise ActivationRefused(readiness)
        self.channel.active = True
        return readiness

    # -- a cycle --------------------------------------------------------------------------

    def run_cycle(self) -> ChannelSummary:
        started = self.clock()
        cycle_id = self.store.begin_cycle(started)
        summary = ChannelSummary(cycle_id, self.channel.name, active=self.channel.active)
        if not self.channel.active:
            self._log("INFO", "channel", f"Channel {self.channel.name} is inactive: nothing provisioned")
            return self._finish(summary, started)
        directory = self.source()
        plans = self._plan(directory)
        zoom_index = self._zoom_index(plans)
        self._execute(plans, cycle_id, summary, zoom_index)
        return self._finish(summary, started)

    def _finish(self, summary: ChannelSummary, started: float) -> ChannelSummary:
        summary.duration = round(self.clock() - started, 3)
        self.store.end_cycle(summary.cycle_id, self.clock(), summary.to_dict())
        self.records.write_summary(summary)
        return summary

    def _plan(self, directory: Directory) -> list[_Plan]:
        channel = self.channel
        in_scope = {entry.guid: entry for entry in channel.location.users(directory)}
        everyone = {entry.guid: entry for entry in directory}
        known = self.store.records()
        group_grew = self._group_grew(directory)
        plans: list[_Plan] = []
        for guid, entry in in_scope.items():
            record = known.get(guid)
            enabled = channel.status.enabled(entry)
            fingerprint = entry.fingerprint
            linked = record is not None and record.zoom_id is not None
            if not linked:
                if record is not None and record.fingerprint == fingerprint and not record.pending:
                    continue  # refused before (no valid Username, say); waits for the record to change
                if enabled:
                    # No "Provision Disabled Users" option on Zoom: a disabled user is never created.
                    values = channel.mapping.values(entry)
                    plans.append(_Plan("create", guid, record, entry, values, fingerprint))
                elif record is not None and record.pending:
                    # A create whose answer was lost may have landed: remove what it left, if anything.
                    plans.append(_Plan("remove", guid, record, entry, reason="disabled in the datastore"))
                continue
            assert record is not None
            if not enabled:
                if record.status == "active":
                    plans.append(_Plan("remove", guid, record, entry, reason="disabled in the datastore"))
                continue
            if record.status == "disabled":
                values = channel.mapping.values(entry)
                plans.append(_Plan("enable", guid, record, entry, values, fingerprint))
            elif record.fingerprint != fingerprint or record.pending:
                values = channel.mapping.values(entry)
                plans.append(_Plan("update", guid, record, entry, values, fingerprint))
        for guid, record in known.items():
            unsure = record.zoom_id is None and record.pending  # a create that may have landed
            if guid in in_scope or record.status != "active" or (record.zoom_id is None and not unsure):
                continue
            entry = everyone.get(guid)
            if entry is None:
                if channel.location.group_dn is not None and not group_grew:
                    # Known limitation 2: the deletion waits until a new user joins the group.
                    continue
                reason = "deleted from the datastore"
            elif not channel.status.enabled(entry):
                reason = "disabled in the datastore"
            else:
                reason = "no longer in the source location"
            plans.append(_Plan("remove", guid, record, entry, reason=reason))
        return plans

    def _group_grew(self, directory: Directory) -> bool:
        if self.channel.location.group_dn is None:
            return False
        members = sorted(self.channel.location.group_members(directory))
        key = f"group-members:{normalize_dn(self.channel.location.group_dn)}"
        before = set(self.store.get_value(key, []))
        self.store.set_value(key, members)
        return bool(set(members) - before)

    def _zoom_index(self, plans: list[_Plan]) -> dict[str, dict[str, Any]] | None:
        """For a large batch of new users, list Zoom once instead of looking each one up."""
        if sum(1 for p in plans if p.kind == "create") < LIST_THRESHOLD:
            return None
        return {user["userName"].lower(): user for user in self.client.iter_users()}

    def _execute(
        self, plans: list[_Plan], cycle_id: int, summary: ChannelSummary, zoom_index: dict[str, Any] | None
    ) -> None:
        def run(plan: _Plan) -> _Outcome:
            return self._perform(plan, zoom_index)

        def land(outcomes: Iterable[_Outcome]) -> None:
            for done, outcome in enumerate(outcomes, 1):
                self._record(outcome, cycle_id, summary)
                if self.progress is not None:
                    self.progress(done, len(plans))

        if self.channel.max_threads == 1:
            land(map(run, plans))
            return
        pool = ThreadPoolExecutor(self.channel.max_threads, thread_name_prefix="provision")
        try:
            # Results land on this thread, so the SQLite state has a single writer.
            land(pool.map(run, plans))
        except BaseException:
            # Stopped (a signal, a fault): the calls in flight finish, the queued ones never start.
            # What finished without landing is found in Zoom by its Username next cycle: no duplicate.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _record(self, outcome: _Outcome, cycle_id: int, summary: ChannelSummary) -> None:
        for message in outcome.warnings:
            self._log("WARN", USER_WORKFLOW, message)
        for message in outcome.errors:
            self._log("ERROR", USER_WORKFLOW, message)
        if outcome.forget:
            self.store.forget(outcome.plan.guid)
        elif outcome.record is not None:
            self.store.save(outcome.record)
        if outcome.counter:
            setattr(summary, outcome.counter, getattr(summary, outcome.counter) + 1)
        if outcome.event == "NONE":
            return
        target = (
            outcome.record.zoom_id if outcome.record else (outcome.plan.record.zoom_id if outcome.plan.record else None)
        )
        self.records.write_audit(
            AuditRecord(
                time=self.clock(),
                cycle_id=cycle_id,
                channel_id=self.channel.name,
                event_type=outcome.event,
                source_id=outcome.plan.guid,
                target_id=target,
                is_success=outcome.success,
                non_success_cause=outcome.cause,
            )
        )

    def _log(self, level: str, section: str, message: str) -> None:
        self.records.write_log(LogLine(self.clock(), level, section, message))

    # -- operations -----------------------------------------------------------------------

    def _perform(self, plan: _Plan, zoom_index: dict[str, Any] | None) -> _Outcome:
        # Deadlines run on the client's clock: it is the one that waits and times out.
        deadline = self.client.clock() + self.channel.timeout
        event = {"create": "CREATE", "update": "UPDATE", "enable": "ENABLE", "remove": self._remove_event()}[plan.kind]
        try:
            if plan.kind == "create":
                return self._create(plan, zoom_index, deadline)
            if plan.kind == "update":
                return self._update(plan, deadline)
            if plan.kind == "enable":
                return self._enable(plan, deadline)
            return self._remove(plan, deadline)
        except RetriesExhausted as error:
            cause = (
                f"timeout: the operation exceeded the channel timeout of {self.channel.timeout:g} s; skipped, "
                "retried next cycle"
                if error.deadline
                else str(error)
            )
            return self._failed(plan, event, cause)
        except ZoomRequestError as error:
            return self._failed(plan, event, f"Zoom answered {error.status}: {error.message}")
        except ZoomError as error:
            return self._failed(plan, event, str(error))

    def _remove_event(self) -> str:
        return "DELETE" if self.options.remove_action == "delete" else "DISABLE"

    def _failed(self, plan: _Plan, event: str, cause: str) -> _Outcome:
        record = plan.record or SyncRecord(plan.guid, user_name=_user_name(plan.values))
        record.pending = True
        record.cause = cause
        who = self._who(plan)
        return _Outcome(
            event, plan, False, record, counter="failed", cause=cause, errors=[f"{event} failed for {who}: {cause}"]
        )

    def _who(self, plan: _Plan) -> str:
        name = (plan.record.user_name if plan.record else None) or _user_name(plan.values) or "?"
        return f"user {name} (source {plan.guid})"

    def _create(self, plan: _Plan, zoom_index: dict[str, Any] | None, deadline: float) -> _Outcome:
        user_name = plan.values.get("Username")
        refusal = _refusal(plan.values)
        if refusal:
            error = f"CREATE refused for source {plan.guid}: {refusal}"
            refused = SyncRecord(
                plan.guid, user_name=_user_name(plan.values), fingerprint=plan.fingerprint, cause=refusal
            )
            return _Outcome("CREATE", plan, False, refused, counter="failed", cause=refusal, errors=[error])
        assert isinstance(user_name, str)
        if zoom_index is not None:
            existing = zoom_index.get(user_name.lower())
        else:
            existing = self.client.find_user(user_name, deadline=deadline)
        if existing is not None:
            return self._link(plan, existing, deadline)
        if not self.options.create:
            return _skipped(plan, None, f"User Create is not selected: {self._who(plan)} was not created")
        warnings = _role_warnings(plan.values, user_name, self.channel.mapping)
        body = scim_body(plan.values, user_name=user_name)
        try:
            created = self.client.create_user(body, deadline=deadline)
        except ZoomRequestError as error:
            if error.status != 409:
                raise
            # Someone created it since we looked: link to it rather than fail.
            existing = self.client.find_user(user_name, deadline=deadline)
            if existing is None:
                raise
            return self._link(plan, existing, deadline)
        record = SyncRecord(
            plan.guid,
            zoom_id=created["id"],
            user_name=user_name,
            sent=_sendable(plan.values),
            status="active",
            licence=created.get("userType"),
            fingerprint=plan.fingerprint,
        )
        return _Outcome("CREATE", plan, True, record, counter="created", warnings=warnings)

    def _link(self, plan: _Plan, existing: dict[str, Any], deadline: float) -> _Outcome:
        """A Zoom user with the same Username exists: adopt it and synchronise it (no duplicate)."""
        user_name = str(plan.values["Username"])
        record = SyncRecord(
            plan.guid,
            zoom_id=existing["id"],
            user_name=user_name,
            status="active" if existing.get("active", True) else "disabled",
            licence=existing.get("userType"),
            fingerprint=plan.fingerprint,
        )
        linked = f"Linked user {user_name} (source {plan.guid}) to existing Zoom user {existing['id']}"
        if record.status == "disabled":
            record.fingerprint = None  # processed as a re-enable next, with the same plan values
            plan.record = record
            outcome = self._enable(plan, deadline)
            outcome.warnings.insert(0, linked)
            return outcome
        # List results leave out attributes that GetUser returns (ZM-12): compare with the whole user,
        # or every linked user would look changed.
        whole = self.client.get_user(existing["id"], deadline=deadline) or existing
        changes = {f: v for f, v in _sendable(plan.values).items() if zoom_value(whole, f) != _first(v)}
        plan.record = record
        if not changes:
            record.sent = _sendable(plan.values)
            return _Outcome("UPDATE", plan, True, record, counter="updated", warnings=[linked])
        if not self.options.update:
            record.sent = {f: v for f, v in _sendable(plan.values).items() if f not in changes}
            return _skipped(plan, record, linked, f"User Update is not selected: user {user_name} was not updated")
        self.client.update_user(existing["id"], scim_body(changes), deadline=deadline)
        record.sent = _sendable(plan.values)
        return _Outcome("UPDATE", plan, True, record, counter="updated", warnings=[linked])

    def _update(self, plan: _Plan, deadline: float) -> _Outcome:
        record = plan.record
        assert record is not None and record.zoom_id is not None
        sendable = _sendable(plan.values)
        mapping = self.channel.mapping
        # Cleared attributes are not cleared in Zoom (known limitation 3), create-only fields are
        # never updated, and Zoom keeps its userName.
        changes = {
            f: v
            for f, v in sendable.items()
            if f != "Username" and not mapping.create_only(f) and record.sent.get(f) != v
        }
        warnings = []
        if sendable.get("Username") not in (None, record.user_name) and record.sent.get("Username") != sendable.get(
            "Username"
        ):
            warnings.append(f"Zoom keeps its userName: the new Username of user {record.user_name} is not applied")
        updated = SyncRecord(**{**record.__dict__, "fingerprint": plan.fingerprint, "pending": False, "cause": None})
        if not changes:
            # An unmapped attribute changed, or nothing Zoom can take: nothing to send.
            return _Outcome("NONE", plan, True, updated, warnings=warnings)
        if not self.options.update:
            return _skipped(
                plan, updated, *warnings, f"User Update is not selected: user {record.user_name} was not updated"
            )
        refusal = _refusal({"Username": record.user_name, **changes})
        if refusal:
            return self._failed(plan, "UPDATE", refusal)
        # The source's values, not the single ones sent: the dropped Roles values are what the warning names.
        changed = {f: v for f, v in plan.values.items() if f in changes}
        warnings += _role_warnings(changed, record.user_name or "", mapping)
        response = self.client.update_user(record.zoom_id, scim_body(changes), deadline=deadline)
        updated.sent = {**record.sent, **changes}
        if response and response.get("active", True):
            updated.licence = response.get("userType", updated.licence)
        return _Outcome("UPDATE", plan, True, updated, counter="updated", warnings=warnings)

    def _enable(self, plan: _Plan, deadline: float) -> _Outcome:
        record = plan.record
        assert record is not None and record.zoom_id is not None
        if not self.options.update:
            return _skipped(plan, None, f"User Update is not selected: user {record.user_name} was not re-enabled")
        # Since 1.2 the connector restores the licence itself on re-enable. Only the status and
        # the licence go: attribute changes of this cycle wait for the user's next change
        # (known limitation 6).
        licence = plan.values.get("User Type") or record.licence
        body: dict[str, Any] = {"schemas": scim_body({})["schemas"], "active": True}
        if isinstance(licence, str) and licence in USER_TYPES:
            body["userType"] = licence
        response = self.client.update_user(record.zoom_id, body, deadline=deadline)
        enabled = SyncRecord(**{**record.__dict__, "status": "active", "pending": False, "cause": None})
        enabled.fingerprint = plan.fingerprint
        enabled.licence = (response or {}).get("userType", licence)
        return _Outcome("ENABLE", plan, True, enabled, counter="enabled")

    def _remove(self, plan: _Plan, deadline: float) -> _Outcome:
        record = plan.record
        assert record is not None
        if record.zoom_id is None:
            # The create's answer was lost: find what it left before deciding nothing is there.
            found = self.client.find_user(record.user_name, deadline=deadline) if record.user_name else None
            if found is None:
                return _Outcome("NONE", plan, True, record, forget=True)
            record = plan.record = SyncRecord(**{**record.__dict__, "zoom_id": found["id"]})
        event = self._remove_event()
        if not self.options.remove:
            undone = "deleted" if event == "DELETE" else "disabled"
            return _skipped(
                plan,
                None,
                f"User Disable/Delete is not selected: user {record.user_name} ({plan.reason}) was not {undone}",
            )
        if event == "DELETE":
            self.client.delete_user(record.zoom_id, deadline=deadline)
            return _Outcome(event, plan, True, record, forget=True, counter="deleted")
        self.client.set_active(record.zoom_id, False, deadline=deadline)
        disabled = SyncRecord(**{**record.__dict__, "status": "disabled", "pending": False, "cause": None})
        if plan.entry is not None:
            disabled.fingerprint = plan.entry.fingerprint
        return _Outcome(event, plan, True, disabled, counter="disabled")


# -- helpers ----------------------------------------------------------------------------------


def _user_name(values: dict[str, Any]) -> str | None:
    value = values.get("Username")
    return value if isinstance(value, str) else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def _sendable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as Zoom holds them: one Roles value, one value for every field."""
    return {field: _first(value) for field, value in values.items()}


def _refusal(values: dict[str, Any]) -> str | None:
    user_name = values.get("Username")
    if not user_name:
        return "Username is required and the source has no value for it"
    if not is_email(_first(user_name)):
        return f"Username must be an email address, not {_first(user_name)!r}"
    user_type = values.get("User Type")
    if user_type is not None and _first(user_type) not in USER_TYPES:
        return f"User Type must be one of {', '.join(USER_TYPES)}, not {_first(user_type)!r}"
    return None


def _role_warnings(values: dict[str, Any], user_name: str, mapping: Mapping) -> list[str]:
    roles = values.get("Roles")
    if not isinstance(roles, list) or len(roles) < 2:
        return []
    shown = ["***"] * len(roles) if mapping.masked("Roles") else roles
    dropped = ", ".join(map(repr, shown[1:]))
    return [f"Zoom accepts a single Roles value: user {user_name} gets {shown[0]!r}; not sent: {dropped}"]


def _skipped(plan: _Plan, record: SyncRecord | None, *warnings: str) -> _Outcome:
    """A suppressed action: nothing sent, a warning in the user workflow section."""
    return _Outcome("NONE", plan, True, record, counter="skipped", warnings=list(warnings))

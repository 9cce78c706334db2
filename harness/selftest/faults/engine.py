"""Faults of the group ENG: the provisioning engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from harness.provisioner import engine
from harness.provisioner import mapping as mapping_module
from harness.provisioner.engine import Provisioner
from harness.provisioner.records import ProvisionerRecords
from harness.provisioner.store import SyncStore
from harness.selftest.faults.catalogue import Patch, fault
from harness.selftest.faults.hooks import within
from harness.zoom import auth as auth_module
from harness.zoom import client as client_module
from harness.zoom.errors import RetriesExhausted
from harness.zoom.retry import RetryPolicy
from mocks.api import scim
from mocks.state.zoom_state import ZoomState


@fault("state-not-persisted", "ENG-01", "provisioner", "the sync state is lost on restart")
def _state_lost(mp: pytest.MonkeyPatch) -> None:
    init = SyncStore.__init__
    mp.setattr(SyncStore, "__init__", lambda self, path=":memory:": init(self, ":memory:"))


@fault("timeout-ignored", "ENG-02", "client", "an operation past the channel timeout is waited for")
def _timeout_ignored(mp: pytest.MonkeyPatch) -> None:
    send = client_module.ZoomClient.send
    mp.setattr(client_module.ZoomClient, "send", lambda self, method, path, *, deadline=None, **kwargs: send(
        self, method, path, **kwargs))  # fmt: skip
    init = client_module.ZoomClient.__init__

    def patient(self: Any, target: Any, **kwargs: Any) -> None:
        init(self, target, **{**kwargs, "timeout": 3600.0})

    mp.setattr(client_module.ZoomClient, "__init__", patient)


@fault("timeout-for-creations-only", "ENG-02", "client", "only creations honour the channel timeout")
def _timeout_for_creations(mp: pytest.MonkeyPatch) -> None:
    send = client_module.ZoomClient.send

    def creations_only(self: Any, method: str, path: str, *, deadline: float | None = None, **kwargs: Any) -> Any:
        return send(self, method, path, deadline=deadline if method == "POST" else None, **kwargs)

    mp.setattr(client_module.ZoomClient, "send", creations_only)


@fault("timed-out-wait-misreported", "ENG-02", "client", "a wait past the channel timeout is reported as a Zoom error")
def _wait_misreported(mp: pytest.MonkeyPatch) -> None:
    wait = client_module.ZoomClient._wait

    def misreported(self: Any, seconds: float, deadline: float | None, what: str, attempt: int, last: str) -> None:
        try:
            wait(self, seconds, deadline, what, attempt, last)
        except RetriesExhausted:
            raise RetriesExhausted(what, attempt, last) from None

    mp.setattr(client_module.ZoomClient, "_wait", misreported)


@fault("failure-forgotten", "ENG-03", "provisioner", "a failed operation is not retried in later cycles")
def _failure_forgotten(mp: pytest.MonkeyPatch) -> None:
    failed = Provisioner._failed

    def forget(self: Provisioner, plan: Any, event: str, cause: str) -> Any:
        outcome = failed(self, plan, event, cause)
        outcome.record.pending = False
        outcome.record.fingerprint = plan.fingerprint
        if outcome.record.zoom_id is None:
            outcome.record.zoom_id = "lost"
        return outcome

    mp.setattr(Provisioner, "_failed", forget)


@fault("threads-unbounded", "ENG-04", "provisioner", "Max Threads is ignored: every operation runs at once")
def _unbounded(mp: pytest.MonkeyPatch) -> None:
    execute = Provisioner._execute

    def wide(self: Provisioner, plans: list[Any], *args: Any) -> None:
        threads, self.channel.max_threads = self.channel.max_threads, max(len(plans), 2)
        try:
            execute(self, plans, *args)
        finally:
            self.channel.max_threads = threads

    mp.setattr(Provisioner, "_execute", wide)


@fault("threads-serial", "ENG-04", "provisioner", "Max Threads above 1 still runs one operation at a time")
def _serial(mp: pytest.MonkeyPatch) -> None:
    execute = Provisioner._execute

    def narrow(self: Provisioner, plans: list[Any], *args: Any) -> None:
        threads, self.channel.max_threads = self.channel.max_threads, 1
        try:
            execute(self, plans, *args)
        finally:
            self.channel.max_threads = threads

    mp.setattr(Provisioner, "_execute", narrow)


@fault("audit-without-target", "ENG-05", "provisioner", "audit records lose the target id")
def _audit_target(mp: pytest.MonkeyPatch) -> None:
    write = ProvisionerRecords.write_audit
    mp.setattr(ProvisionerRecords, "write_audit", lambda self, record: write(self, dataclasses.replace(
        record, target_id=None)))  # fmt: skip


@fault("audit-cause-unspecific", "ENG-05", "provisioner", "a failed operation's audit cause does not say what failed")
def _audit_cause(mp: pytest.MonkeyPatch) -> None:
    write = ProvisionerRecords.write_audit
    mp.setattr(ProvisionerRecords, "write_audit", lambda self, record: write(self, dataclasses.replace(
        record, non_success_cause=record.non_success_cause and "the operation failed")))  # fmt: skip


@fault("audit-missing", "ENG-05", "provisioner", "no audit record is written")
def _no_audit(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(ProvisionerRecords, "write_audit", lambda self, record: None)


def _recorded_as(change: Callable[[Any], None]) -> Patch:
    """Patch: each outcome is changed by ``change`` before the provisioner records it."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        record = Provisioner._record

        def changed(self: Provisioner, outcome: Any, cycle_id: int, summary: Any) -> None:
            change(outcome)
            record(self, outcome, cycle_id, summary)

        mp.setattr(Provisioner, "_record", changed)

    return apply


def _counted(counts: dict[str, str | None]) -> Callable[[Any], None]:
    def recount(outcome: Any) -> None:
        outcome.counter = counts.get(outcome.counter, outcome.counter)

    return recount


def _audited_when_nothing_sent(outcome: Any) -> None:
    if outcome.event == "NONE" and outcome.counter is None:
        outcome.event = "UPDATE"


fault("summary-miscounts", "ENG-06", "provisioner", "the channel summary counts disables as updates")(
    _recorded_as(_counted({"disabled": "updated"})))  # fmt: skip
fault("summary-deletions-uncounted", "ENG-06", "provisioner", "the channel summary does not count deletions")(
    _recorded_as(_counted({"deleted": None})))  # fmt: skip
fault("unsent-change-audited", "ENG-05 UM-05", "provisioner", "a change that sends nothing is audited as an UPDATE")(
    _recorded_as(_audited_when_nothing_sent))  # fmt: skip


@fault("summary-without-duration", "ENG-06", "provisioner", "the channel summary's duration is always 0")
def _no_duration(mp: pytest.MonkeyPatch) -> None:
    finish = Provisioner._finish

    def instant(self: Provisioner, summary: Any, started: float) -> Any:
        return finish(self, summary, self.clock())

    mp.setattr(Provisioner, "_finish", instant)


@fault("token-per-call", "ENG-07", "client", "every call asks for a new token")
def _token_per_call(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(auth_module.ZoomS2SAuth, "_due", lambda self: True)


@fault("token-never-renewed", "ENG-07", "client", "the token is never renewed before it expires")
def _never_renewed(mp: pytest.MonkeyPatch) -> None:
    due = auth_module.ZoomS2SAuth._due
    mp.setattr(auth_module.ZoomS2SAuth, "_due", lambda self: self.token is None or (due(self) and False))


@fault("retry-after-ignored", "ENG-08", "client", "a 429's Retry-After is not waited for")
def _retry_after_ignored(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: 0.0)


@fault("retry-after-date-unread", "ENG-08", "client", "a Retry-After date is not understood")
def _date_unread(mp: pytest.MonkeyPatch) -> None:
    from harness.zoom import retry

    after = retry.retry_after

    def seconds_only(response: Any, now: float) -> float | None:
        value = response.headers.get("retry-after", "")
        return after(response, now) if value.replace(".", "").isdigit() else 0.0

    mp.setattr(retry, "retry_after", seconds_only)


@fault(
    "per-second-429-at-once", "ENG-08", "client", "a 429 without Retry-After (a per-second limit) is retried at once"
)
def _per_second_at_once(mp: pytest.MonkeyPatch) -> None:
    from harness.zoom import retry

    wait = RetryPolicy.rate_limited_wait

    def at_once(self: RetryPolicy, response: Any, attempt: int, now: float) -> float | None:
        return 0.0 if retry.retry_after(response, now) is None else wait(self, response, attempt, now)

    mp.setattr(RetryPolicy, "rate_limited_wait", at_once)


@fault("daily-limit-waited", "ENG-08", "client", "a daily limit's 429 is waited for until midnight")
def _daily_waited(mp: pytest.MonkeyPatch) -> None:
    from harness.zoom import retry

    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: retry.retry_after(
        response, now) or max(1.0, self.backoff(attempt)))  # fmt: skip


@fault("429-gives-up", "ENG-08", "client", "a 429 fails the operation")
def _429_fatal(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: None)


@fault("no-retry-on-5xx", "ENG-09", "client", "a 5xx, timeout or dropped connection is not retried")
def _no_retries(mp: pytest.MonkeyPatch) -> None:
    init = RetryPolicy.__init__
    mp.setattr(RetryPolicy, "__init__", lambda self, *args, **kwargs: (init(self, *args, **kwargs),
                                                                      setattr(self, "attempts", 1))[0])  # fmt: skip


@fault("lost-create-duplicated", "ENG-09", "client", "a create whose answer was lost is sent again blindly")
def _blind_retry(mp: pytest.MonkeyPatch) -> None:
    find = client_module.ZoomClient.find_user
    create = client_module.ZoomClient.create_user

    def blind(self: Any, body: dict[str, Any], *, deadline: float | None = None) -> Any:
        self.__dict__["blind"] = True
        try:
            return create(self, body, deadline=deadline)
        finally:
            self.__dict__["blind"] = False

    def finder(self: Any, user_name: str, *, deadline: float | None = None) -> Any:
        if self.__dict__.get("blind"):
            return None
        return find(self, user_name, deadline=deadline)

    mp.setattr(client_module.ZoomClient, "create_user", blind)
    mp.setattr(client_module.ZoomClient, "find_user", finder)
    mp.setattr(ZoomState, "email_taken", lambda self, user_name: False)


fault("lost-create-left-behind", "ENG-09 UM-07", "provisioner",
      "a user whose creation's answer was lost, disabled since, is forgotten without a look in Zoom")(
    within("_remove", "find_user", lambda real: lambda user_name, *, deadline=None: None)
)  # fmt: skip


@fault("retried-deletion-fails-on-404", "ENG-09 OPT-07", "client",
       "a retried deletion that finds the first one landed (404) fails")  # fmt: skip
def _deletion_404(mp: pytest.MonkeyPatch) -> None:
    send_json = client_module.ZoomClient.send_json

    def strict(self: Any, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs: Any) -> Any:
        return send_json(self, method, path, expect=(204,) if method == "DELETE" else expect, **kwargs)

    mp.setattr(client_module.ZoomClient, "send_json", strict)


@fault("retry-after-floor", "ENG-08", "client", "a 429 waits the one-second floor instead of its Retry-After")
def _retry_floor(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(RetryPolicy, "rate_limited_wait", lambda self, response, attempt, now: max(1.0, self.backoff(attempt)))


@fault("scim-page-overlap", "ZM-05", "emulator", "each SCIM page after the first repeats the previous page's last user")
def _page_overlap(mp: pytest.MonkeyPatch) -> None:
    page = scim._page
    mp.setattr(scim, "_page", lambda items, total, start, count: page(items, total, max(1, start - 1), count))


@fault("update-carries-more", "UM-04", "provisioner", "an update also sends an attribute that did not change")
def _update_more(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def more(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        if user_name is None and "active" not in body:
            body.setdefault("locale", "en-US")
        return body

    mp.setattr(engine, "scim_body", more)


def _licence_apart(update: Callable[..., Any]) -> Callable[..., Any]:
    def split(user_id: str, body: dict[str, Any], **kwargs: Any) -> Any:
        licence = body.pop("userType", None)
        answer = update(user_id, body, **kwargs)
        if licence is not None:
            answer = update(user_id, {"schemas": body["schemas"], "userType": licence}, **kwargs)
        return answer

    return split


fault("reenable-in-two-requests", "CHG-02", "provisioner", "re-enabling sends the licence in a separate update")(
    within("_enable", "update_user", _licence_apart)
)


@fault("basic-licence-omitted", "ATTR-11", "mapping", "User Type Basic is not sent (Zoom's default hides it)")
def _basic_omitted(mp: pytest.MonkeyPatch) -> None:
    build = mapping_module.scim_body

    def without_basic(values: dict[str, Any], *, user_name: str | None = None) -> dict[str, Any]:
        body = build(values, user_name=user_name)
        if body.get("userType") == "Basic":
            del body["userType"]
        return body

    mp.setattr(engine, "scim_body", without_basic)

"""Zoom's per-account rate limits, by endpoint label and plan, on the emulator's clock."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mocks.core.errors import ZoomAPIError

LIGHT, MEDIUM, HEAVY, RESOURCE_INTENSIVE = "Light", "Medium", "Heavy", "Resource-intensive"


@dataclass(frozen=True)
class Limit:
    per_second: int | None = None
    per_minute: int | None = None
    #: Heavy and Resource-intensive calls share one daily budget.
    daily: int | None = None


_PRO = {
    LIGHT: Limit(per_second=30),
    MEDIUM: Limit(per_second=20),
    HEAVY: Limit(per_second=10, daily=30_000),
    RESOURCE_INTENSIVE: Limit(per_minute=10, daily=30_000),
}
_BUSINESS = {
    LIGHT: Limit(per_second=80),
    MEDIUM: Limit(per_second=60),
    HEAVY: Limit(per_second=40, daily=60_000),
    RESOURCE_INTENSIVE: Limit(per_minute=20, daily=60_000),
}
#: Free plan figures come from a secondary source only (reference §5.1).
_FREE = {
    LIGHT: Limit(per_second=4, daily=6_000),
    MEDIUM: Limit(per_second=2, daily=2_000),
    HEAVY: Limit(per_second=1, daily=1_000),
    RESOURCE_INTENSIVE: Limit(per_minute=10, daily=1_000),
}
PLAN_LIMITS: dict[str, dict[str, Limit]] = {
    "Free": _FREE,
    "Pro": _PRO,
    "Business": _BUSINESS,
    "Enterprise": _BUSINESS,
    "Education": _BUSINESS,
}

#: Daily caps on ``POST /users`` with ``action=create`` (reference §4.2), counted apart from the labels.
CREATE_USERS_DAILY = {"Free": 50, "Pro": 1_500, "Business": 10_000, "Enterprise": 10_000, "Education": 10_000}

PER_SECOND_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."
DAILY_MESSAGE = (
    "You have reached the maximum daily rate limit for this API. "
    "Refer to the response header for details on when you can make another request."
)


class RateLimiter:
    """Counts calls per account and label in fixed windows of the emulator clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (account, label, window kind) -> (window start, calls in it)
        self._windows: dict[tuple[str, str, str], tuple[int, int]] = {}

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def take(self, account_id: str, plan: str, label: str, now: float) -> dict[str, str]:
        """Count one call; return the ``X-RateLimit-*`` headers, or raise the 429."""
        limit = PLAN_LIMITS.get(plan, _BUSINESS)[label]
        daily_label = HEAVY if label == RESOURCE_INTENSIVE else label
        with self._lock:
            if limit.daily is not None:
                day = int(now // 86_400)
                used = self._count(account_id, daily_label, "day", day)
                if used >= limit.daily:
                    raise self._too_many(label, "Daily-limit", limit.daily, _next_midnight(now))
            window, cap, _ = _qps_window(limit, now)
            used_now = self._count(account_id, label, "qps", window)
            if used_now >= cap:
                raise self._too_many(label, "QPS", cap, None)
            self._windows[(account_id, label, "qps")] = (window, used_now + 1)
            if limit.daily is not None:
                self._windows[(account_id, daily_label, "day")] = (day, used + 1)
                # Captures show the daily counter on ordinary responses where a daily limit exists.
                return _headers(label, limit.daily, limit.daily - used - 1)
            return _headers(label, cap, cap - used_now - 1)

    def take_daily(self, account_id: str, counter: str, cap: int, label: str, now: float) -> dict[str, str]:
        """Count one call against a daily cap of its own; the headers report that cap."""
        day = int(now // 86_400)
        with self._lock:
            used = self._count(account_id, counter, "day", day)
            if used >= cap:
                raise self._too_many(label, "Daily-limit", cap, _next_midnight(now))
            self._windows[(account_id, counter, "day")] = (day, used + 1)
        return _headers(label, cap, cap - used - 1)

    def counters(self, plans: dict[str, str], now: float) -> list[dict[str, object]]:
        """What each account has used of each limit in the current window (a second, a minute or
        the day), beside the limit, for the accounts in ``plans`` (id to plan): the dashboard's view."""
        with self._lock:
            windows = dict(self._windows)
        counted = []
        for (account_id, label, kind), (start, calls) in sorted(windows.items()):
            plan = plans.get(account_id)
            if plan is None:
                continue
            limits = PLAN_LIMITS.get(plan, _BUSINESS)
            if kind == "day":
                window, cap, span = int(now // 86_400), _daily_cap(plan, label, limits), "day"
            else:
                window, cap, span = _qps_window(limits[label], now)
            used = calls if start == window else 0
            counted.append({"account_id": account_id, "category": label, "window": span, "used": used, "limit": cap})
        return counted

    def _count(self, account_id: str, label: str, kind: str, window: int) -> int:
        start, calls = self._windows.get((account_id, label, kind), (window, 0))
        return calls if start == window else 0

    @staticmethod
    def _too_many(label: str, kind: str, cap: int, retry_at: datetime | None) -> ZoomAPIError:
        headers = _headers(label, cap, 0)
        headers["X-RateLimit-Type"] = kind
        if retry_at is not None:
            headers["Retry-After"] = retry_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        message = DAILY_MESSAGE if kind == "Daily-limit" else PER_SECOND_MESSAGE
        return ZoomAPIError(429, 429, message, headers=headers)


def _qps_window(limit: Limit, now: float) -> tuple[int, int, str]:
    """The window a call at ``now`` counts in, its cap, and its span: a label's second, or its minute."""
    if limit.per_second is not None:
        return int(now), limit.per_second, "second"
    return int(now // 60), limit.per_minute or 0, "minute"


def _daily_cap(plan: str, counter: str, limits: dict[str, Limit]) -> int:
    """A daily counter's cap: a label's own (Heavy's is shared with Resource-intensive) or the
    create-users counter's."""
    if counter in limits:
        return limits[counter].daily or 0
    return CREATE_USERS_DAILY.get(plan, CREATE_USERS_DAILY["Business"])


def _headers(label: str, cap: int, remaining: int) -> dict[str, str]:
    return {
        "X-RateLimit-Category": label,
        "X-RateLimit-Limit": str(cap),
        "X-RateLimit-Remaining": str(max(0, remaining)),
    }


def _next_midnight(now: float) -> datetime:
    today = datetime.fromtimestamp(math.floor(now), UTC).replace(hour=0, minute=0, second=0)
    return today + timedelta(days=1)

"""Pacing calls to a real Zoom under the account's rate limits, read from Zoom's own headers.

Zoom limits each account per rate-limit category (Light, Medium, Heavy, Resource-intensive) and
reports the category's limit and what is left on every answer (``X-RateLimit-Category``,
``-Limit``, ``-Remaining``; reference zoom-api.md §5). The pacer keeps the calls of each category
inside a share of that limit in a sliding window, and after a 429 holds the category until Zoom's
``Retry-After``. Until Zoom has answered a category once, its limit is the Business plan's (SCIM2
needs a Business or Education plan, whose limits are the same).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from mocks.core.retry_hint import retry_after
from mocks.core.wire import Answer
from mocks.state.ratelimit import PLAN_LIMITS, RESOURCE_INTENSIVE

#: A category's limit per window before Zoom has told it: the Business plan's.
_DEFAULT_CAPS = {label: limit.per_second or limit.per_minute or 1 for label, limit in PLAN_LIMITS["Business"].items()}
#: Limits at or above this are daily budgets (Zoom's per-second and per-minute caps are below it on
#: every plan with SCIM2), so they do not set the window's pace.
_DAILY_FLOOR = 1_000
#: A 429 that asks to wait longer than this (a spent daily budget) is passed on without holding
#: every later call: the client sees Zoom's answer and decides.
MAX_HOLD = 60.0


def _window(category: str) -> float:
    """Seconds of a category's window: Resource-intensive is limited per minute, the others per second."""
    return 60.0 if category == RESOURCE_INTENSIVE else 1.0


class Pacer:
    """Spaces calls so that the harness itself never causes a 429.

    ``share`` is the part of each limit this process may use (several processes sharing one
    account, such as pytest-xdist workers, each take their part).
    """

    def __init__(
        self,
        *,
        share: float = 0.8,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError("share must be in (0, 1]")
        self.share = share
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._caps: dict[str, int] = dict(_DEFAULT_CAPS)
        self._calls: dict[str, deque[float]] = {}
        self._held_until: dict[str, float] = {}
        #: Calls let through, and seconds spent waiting, since the pacer was made.
        self.calls = 0
        self.waited = 0.0

    def allowed(self, category: str) -> int:
        """Calls of the category this process may start in one window."""
        return max(1, math.floor(self._caps.get(category, _DEFAULT_CAPS["Medium"]) * self.share))

    def before(self, category: str | None) -> None:
        """Wait until a call of the category may start (None: a call Zoom does not rate-limit)."""
        if category is None:
            return
        window = _window(category)
        while True:
            with self._lock:
                now = self._clock()
                wait = self._held_until.get(category, 0.0) - now
                if wait <= 0:
                    started = self._calls.setdefault(category, deque())
                    while started and started[0] <= now - window:
                        started.popleft()
                    if len(started) < self.allowed(category):
                        started.append(now)
                        self.calls += 1
                        return
                    wait = started[0] + window - now
            self.waited += wait
            self._sleep(wait)

    def snapshot(self) -> list[dict[str, object]]:
        """Each category's pace as it stands: the limit Zoom told (or the default), the calls this
        process may start in a window, those started in the current one, and a hold after a 429."""
        with self._lock:
            now = self._clock()
            shown = []
            for category in sorted(set(self._caps) | set(self._calls)):
                window = _window(category)
                started = sum(1 for at in self._calls.get(category, ()) if at > now - window)
                held = max(0.0, self._held_until.get(category, 0.0) - now)
                shown.append({"category": category, "limit": self._caps.get(category),
                              "allowed": self.allowed(category), "started": started,
                              "held_for": round(held, 3)})  # fmt: skip
        return shown

    def after(self, category: str | None, answer: Answer) -> None:
        """Learn the category's limit from Zoom's headers; after a 429 hold it until Retry-After."""
        named = answer.header(b"x-ratelimit-category")
        category = named.decode("latin-1") if named else category
        if category is None:
            return
        limit = (answer.header(b"x-ratelimit-limit") or b"").decode("latin-1")
        with self._lock:
            if limit.isdigit() and 0 < int(limit) < _DAILY_FLOOR:
                self._caps[category] = int(limit)
            if answer.status == 429:
                value = answer.header(b"retry-after")
                wait = retry_after(value.decode("latin-1") if value else None, self._clock())
                if wait is None:
                    wait = 1.0  # a per-second limit without Retry-After: the next window
                if wait <= MAX_HOLD:
                    self._held_until[category] = self._clock() + wait

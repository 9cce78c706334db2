"""When and how long to wait before trying a Zoom call again."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

import httpx


@dataclass
class RetryPolicy:
    """Bounded exponential backoff with full jitter, and Zoom's 429 hints honoured."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    #: Longest ``Retry-After`` honoured; a daily limit's next midnight is longer, and fails the call.
    max_retry_after: float = 120.0
    random: random.Random = field(default_factory=random.Random, repr=False)

    def backoff(self, attempt: int) -> float:
        """Seconds before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        return self.random.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))

    def rate_limited_wait(self, response: httpx.Response, attempt: int, now: float) -> float | None:
        """Seconds to wait after a 429, or ``None`` when the wait is longer than we may hold on."""
        wait = retry_after(response, now)
        if wait is None:
            # A per-second limit carries no Retry-After: the window turns within a second.
            wait = max(1.0, self.backoff(attempt))
        return wait if wait <= self.max_retry_after else None


def retry_after(response: httpx.Response, now: float) -> float | None:
    """``Retry-After`` as seconds or as a date (Zoom sends an ISO 8601 date for daily limits)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return max(0.0, when.timestamp() - now)

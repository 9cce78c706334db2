"""When and how long to wait before trying a Zoom call again."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

from mocks.core.retry_hint import retry_after as parse_retry_after


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
    return parse_retry_after(response.headers.get("retry-after"), now)

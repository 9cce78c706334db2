"""Reading Zoom's ``Retry-After``: the proxy's pacing and the harness's client both wait by it."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` in seconds or as a date (Zoom sends both forms)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            at = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return max(0.0, at.timestamp() - now)

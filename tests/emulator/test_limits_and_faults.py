"""Rate limits by plan and label, tracking headers, and injected faults."""

from __future__ import annotations

import math
import time

import pytest

from mocks.core.clock import iso
from mocks.core.errors import ZoomAPIError
from mocks.state.ratelimit import DAILY_MESSAGE, PER_SECOND_MESSAGE, RateLimiter
from tests.emulator.conftest import Zoom


def test_every_response_carries_a_tracking_id(zoom: Zoom) -> None:
    token = zoom.token_response()
    api = zoom.call("GET", "/scim2/Users")
    unrouted = zoom.http.get(f"{zoom.api}/v2/nowhere")
    for response in (token, api, unrouted):
        assert response.headers["x-zm-trackingid"].startswith("v=2.0;clid=us02;rid=WEB_")


def test_rate_limit_headers_and_per_second_429(zoom: Zoom) -> None:
    zoom.emulator.clock.freeze()
    token = zoom.token()
    first = zoom.call("GET", "/scim2/Users", token=token)  # Medium: 60 a second on Business
    assert first.headers["x-ratelimit-category"] == "Medium"
    assert first.headers["x-ratelimit-limit"] == "60"
    assert first.headers["x-ratelimit-remaining"] == "59"
    for _ in range(59):
        assert zoom.call("GET", "/scim2/Users", token=token).status_code == 200
    limited = zoom.call("GET", "/scim2/Users", token=token)
    assert limited.status_code == 429
    assert limited.json() == {"code": 429, "message": PER_SECOND_MESSAGE}
    assert limited.headers["x-ratelimit-type"] == "QPS"
    assert "retry-after" not in limited.headers
    other_label = zoom.call("GET", "/scim2/Users/missing", token=token)  # Light has its own budget
    assert other_label.status_code == 404
    zoom.emulator.clock.advance(1)
    assert zoom.call("GET", "/scim2/Users", token=token).status_code == 200


def test_rate_limits_can_be_switched_off(zoom: Zoom) -> None:
    zoom.emulator.clock.freeze()
    zoom.emulator.settings.rate_limits = False
    token = zoom.token()
    for _ in range(70):
        response = zoom.call("GET", "/scim2/Users", token=token)
        assert response.status_code == 200
    assert "x-ratelimit-limit" not in response.headers


def test_daily_limit_answers_retry_after_as_a_date() -> None:
    limiter = RateLimiter()
    start = 1_700_000_000.0  # 2023-11-14T22:13:20Z
    for second in range(3_000):  # 10 Heavy calls a second, the Pro cap, until the daily 30,000
        for _ in range(10):
            limiter.take("acct", "Pro", "Heavy", start + second)
    with pytest.raises(ZoomAPIError) as caught:
        limiter.take("acct", "Pro", "Resource-intensive", start + 3_000)  # shares the daily budget
    error = caught.value
    assert error.status == 429
    assert error.body() == {"code": 429, "message": DAILY_MESSAGE}
    headers = error.headers()
    assert headers["X-RateLimit-Type"] == "Daily-limit"
    assert headers["X-RateLimit-Limit"] == "30000" and headers["X-RateLimit-Remaining"] == "0"
    assert headers["Retry-After"] == "2023-11-15T00:00:00Z"
    limiter.take("acct", "Pro", "Heavy", start + 86_400)  # the next day starts afresh


def test_pro_plan_limits_are_lower(zoom: Zoom) -> None:
    creds = zoom.emulator.ready_account(domain="pro.example", plan="Pro")
    response = zoom.call("GET", "/v2/users", token=zoom.token(creds))
    assert response.headers["x-ratelimit-limit"] == "20"


def test_injected_status_with_default_and_custom_bodies(zoom: Zoom) -> None:
    zoom.emulator.inject(route="scim.users.list", status=503)
    response = zoom.call("GET", "/scim2/Users")
    assert response.status_code == 503 and response.json() == {"code": 503, "message": "Service Unavailable"}
    assert zoom.call("GET", "/scim2/Users").status_code == 200  # times=1 by default
    zoom.emulator.inject(route="scim.*", status=400, body={"code": 300, "message": "Custom."}, times=2)
    assert zoom.call("GET", "/scim2/Users").json() == {"code": 300, "message": "Custom."}
    assert zoom.call("GET", "/scim2/Users/abc").json() == {"code": 300, "message": "Custom."}
    assert zoom.call("GET", "/scim2/Users").status_code == 200


@pytest.mark.parametrize("form", ["seconds", "date"])
def test_429_burst_with_retry_after(zoom: Zoom, form: str) -> None:
    zoom.emulator.clock.freeze()
    zoom.emulator.inject(route="scim.users.create", status=429, retry_after=7, retry_after_form=form, times=2)
    for _ in range(2):
        response = zoom.call("POST", "/scim2/Users", json={"schemas": ["s"], "userName": "x@example.com"})
        assert response.status_code == 429
    # A date has whole seconds: the first one not sooner than seven seconds from now.
    expected = "7" if form == "seconds" else iso(math.ceil(zoom.emulator.clock.now() + 7))
    assert response.headers["retry-after"] == expected
    assert zoom.call("POST", "/scim2/Users", json={"schemas": ["s"], "userName": "x@example.com"}).status_code == 201


def test_after_skips_calls_before_the_fault_hits(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.emulator.inject(route="scim.users.list", status=500, after=2, times=1)
    statuses = [zoom.call("GET", "/scim2/Users", token=token).status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 200]


def test_token_invalidation_fault(zoom: Zoom) -> None:
    token = zoom.token()
    zoom.emulator.inject(route="scim.users.list", invalidate_tokens=True)
    assert zoom.call("GET", "/scim2/Users", token=token).json()["code"] == 124
    assert zoom.call("GET", "/scim2/Users").status_code == 200  # a new token works


def test_faults_can_be_cleared_and_listed(zoom: Zoom) -> None:
    zoom.emulator.inject(route="*", status=500, times=None)
    assert len(zoom.emulator.faults.rules()) == 1
    zoom.emulator.faults.clear()
    assert zoom.call("GET", "/scim2/Users").status_code == 200


def test_fault_arguments_are_checked() -> None:
    from mocks import Fault

    for bad in ({"status": 200}, {"latency": -1}, {"times": 0}, {"retry_after_form": "hours"}):
        with pytest.raises(ValueError):
            Fault(**bad)  # type: ignore[arg-type]


def test_a_daily_cap_of_its_own_counts_down_and_refuses_until_utc_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # midnight is UTC's whatever the machine's zone
    time.tzset()
    try:
        limiter = RateLimiter()
        start = 1_700_000_000.0  # 2023-11-14T22:13:20Z
        remaining = [limiter.take_daily("acct", "create-users", 3, "Light", start)["X-RateLimit-Remaining"]
                     for _ in range(3)]  # fmt: skip
        assert remaining == ["2", "1", "0"]
        assert limiter.take_daily("other", "create-users", 3, "Light", start) == {
            "X-RateLimit-Category": "Light", "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "2"}  # fmt: skip
        with pytest.raises(ZoomAPIError) as caught:
            limiter.take_daily("acct", "create-users", 3, "Light", start + 60)
        assert caught.value.headers() == {
            "X-RateLimit-Category": "Light", "X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "0",
            "X-RateLimit-Type": "Daily-limit", "Retry-After": "2023-11-15T00:00:00Z"}  # fmt: skip
        after_midnight = 1_700_006_400.0  # 2023-11-15T00:00:00Z
        assert limiter.take_daily("acct", "create-users", 3, "Light", after_midnight)["X-RateLimit-Remaining"] == "2"
    finally:
        monkeypatch.undo()
        time.tzset()

"""Pacing under Zoom's rate limits: no 429 caused by the harness itself."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from mocks import ZoomEmulator
from mocks.core.wire import Answer
from mocks.proxy.pacing import MAX_HOLD, Pacer, retry_after
from mocks.proxy.zoom_proxy import ZoomProxy


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _answer(status: int = 200, **headers: str) -> Answer:
    return Answer(status, [(k.lower().encode(), v.encode()) for k, v in headers.items()])


def test_calls_of_a_category_stay_within_its_share_of_the_limit_in_any_second() -> None:
    time = FakeTime()
    pacer = Pacer(share=0.5, clock=time.clock, sleep=time.sleep)
    assert pacer.allowed("Medium") == 30  # half of the Business plan's 60 a second, before Zoom says
    starts = []
    for _ in range(75):
        pacer.before("Medium")
        starts.append(time.now)
    assert starts.count(starts[0]) == 30 and starts[30] == starts[0] + 1 and starts[60] == starts[0] + 2
    assert pacer.calls == 75 and pacer.waited == pytest.approx(2.0)
    pacer.before("Light")  # another category has a window of its own
    assert time.now == starts[60]


def test_each_category_keeps_its_own_calls_cap_and_window() -> None:
    """Business plan, half of each: Light 40 a second, Medium 30, Resource-intensive 10 a minute."""
    time = FakeTime()
    pacer = Pacer(share=0.5, clock=time.clock, sleep=time.sleep)
    for _ in range(40):
        pacer.before("Light")
    assert time.slept == []  # Light's own cap, not Medium's 30
    pacer.before("Medium")  # Light's full window takes nothing from Medium's
    assert time.slept == []
    for _ in range(10):
        pacer.before("Resource-intensive")
    began = time.now
    pacer.before("Resource-intensive")
    assert time.now - began == 60.0  # a window of a minute
    assert pacer.allowed("A category Zoom adds later") == 30  # Medium's cap until Zoom names its limit


def test_a_full_window_waits_for_its_oldest_call_to_leave_it() -> None:
    time = FakeTime()
    pacer = Pacer(share=0.05, clock=time.clock, sleep=time.sleep)  # Medium: 3 a second
    began = time.now
    for offset in (0.0, 0.25, 0.5):
        time.now = began + offset
        pacer.before("Medium")
    pacer.before("Medium")
    assert time.now == began + 1.0  # the first call's second is over, not the second call's


@pytest.mark.parametrize("share", [0, -0.5, 1.01, 2])
def test_a_share_outside_zero_to_one_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match=r"^share must be in \(0, 1\]$"):
        Pacer(share=share)


@pytest.mark.parametrize(("limit", "allowed"), [("1", 1), ("0", 40), ("999", 999), ("1000", 40), ("x", 40)])
def test_only_a_per_window_limit_from_zoom_sets_the_cap(limit: str, allowed: int) -> None:
    pacer = Pacer(share=1.0)
    pacer.after("Heavy", _answer(**{"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": limit}))
    assert pacer.allowed("Heavy") == allowed  # 40: the Business plan's, kept


def test_a_retry_after_of_exactly_the_longest_hold_is_still_held() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    pacer.after("Heavy", _answer(429, **{"Retry-After": str(int(MAX_HOLD))}))
    pacer.before("Heavy")
    assert time.slept == [MAX_HOLD]


def test_the_limit_is_read_from_zooms_headers_and_daily_budgets_do_not_set_the_pace() -> None:
    pacer = Pacer(share=1.0)
    pacer.after("Light", _answer(**{"X-RateLimit-Category": "Light", "X-RateLimit-Limit": "30"}))
    assert pacer.allowed("Light") == 30  # a Pro-like account: 30 a second, not Business's 80
    pacer.after("Heavy", _answer(**{"X-RateLimit-Category": "Heavy", "X-RateLimit-Limit": "60000"}))
    assert pacer.allowed("Heavy") == 40  # a daily budget: the pace stays the plan's
    pacer.after(None, _answer(**{"X-RateLimit-Category": "Medium", "X-RateLimit-Limit": "20"}))
    assert pacer.allowed("Medium") == 20  # the category named by Zoom, not by the route
    assert Pacer(share=0.1).allowed("Heavy") == 4 and Pacer(share=0.01).allowed("Heavy") == 1


@pytest.mark.parametrize(("value", "wait"), [("3", 3.0), ("1970-01-12T13:46:45Z", 5.0), (None, 1.0)])
def test_after_a_429_the_category_is_held_until_retry_after(value: str | None, wait: float) -> None:
    time = FakeTime()  # 1_000_000 s after the epoch: 1970-01-12T13:46:40Z
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    headers = {"X-RateLimit-Category": "Light", **({"Retry-After": value} if value else {})}
    pacer.after("Light", _answer(429, **headers))
    pacer.before("Light")
    assert time.slept == [pytest.approx(wait)]
    pacer.before("Medium")
    assert len(time.slept) == 1


def test_a_spent_daily_budget_is_not_held_for_a_day() -> None:
    time = FakeTime()
    pacer = Pacer(clock=time.clock, sleep=time.sleep)
    pacer.after("Heavy", _answer(429, **{"Retry-After": str(int(MAX_HOLD) + 1)}))
    pacer.before("Heavy")
    assert time.slept == []


def test_retry_after_reads_seconds_iso_and_http_dates() -> None:
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC).timestamp()
    assert retry_after("2026-11-29T12:00:09Z", now) == 9.0
    assert retry_after("Sun, 29 Nov 2026 12:00:04 GMT", now) == 4.0
    assert retry_after("2026-11-29T11:00:00Z", now) == 0.0
    assert retry_after("soon", now) is None and retry_after("", now) is None
    with pytest.raises(ValueError, match="share"):
        Pacer(share=0)


def test_a_burst_through_a_paced_proxy_meets_no_429_where_an_unpaced_one_does() -> None:
    def burst(pacer: Pacer | None) -> list[int]:
        zoom = ZoomEmulator()
        zoom.clock.freeze()  # the emulator's windows move only when the pacer waits
        credentials = zoom.ready_account()
        if pacer is not None:
            pacer = Pacer(share=pacer.share, clock=zoom.clock.now, sleep=zoom.clock.sleep)
        proxy = ZoomProxy(transport=zoom.transport(), pacer=pacer)
        with httpx.Client(transport=proxy.transport()) as http:
            params = {"grant_type": "account_credentials", "account_id": credentials.account_id}
            answer = http.post(zoom.token_url, params=params, auth=(credentials.client_id, credentials.client_secret))
            auth = {"Authorization": f"Bearer {answer.json()['access_token']}"}
            return [http.get(f"{zoom.api_base_url}/scim2/Users", headers=auth).status_code for _ in range(150)]

    unpaced = burst(None)
    assert unpaced.count(429) == 90  # Medium: 60 a second on Business, the clock standing still
    paced = burst(Pacer(share=1.0))
    assert paced == [200] * 150

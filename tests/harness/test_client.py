"""The Zoom client: one token for many calls, renewal, retries, no duplicate, no secret shown."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from harness.targets.in_process import target_of
from harness.zoom.client import ZoomClient
from harness.zoom.errors import RetriesExhausted, TokenError, ZoomRequestError
from harness.zoom.retry import RetryPolicy, retry_after
from harness.zoom.target import Target
from tests.harness.conftest import World

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def _body(name: str) -> dict:
    return {"schemas": [CORE], "userName": name}


def test_one_token_serves_many_calls_and_renews_each_hour(world: World) -> None:
    client = world.client()
    for _ in range(50):
        client.find_user("nobody@example.com")
    assert client.auth.token_requests == 1
    world.zoom.clock.advance(3600 - 61)  # inside the renewal margin only after this
    client.find_user("nobody@example.com")
    assert client.auth.token_requests == 1
    world.zoom.clock.advance(2)
    client.find_user("nobody@example.com")
    assert client.auth.token_requests == 2


def test_renews_once_after_a_401_code_124(world: World) -> None:
    client = world.client()
    client.find_user("x@example.com")
    world.zoom.inject(route="scim.users.list", invalidate_tokens=True)
    assert client.find_user("x@example.com") is None
    assert client.auth.token_requests == 2


def test_renews_after_a_401_code_124_over_a_real_connection() -> None:
    """Over the network the 401's body is streamed: the flow reads it before it reads its code (the
    PingFederate stand-in's cycles failed on ResponseNotRead until it did)."""
    from mocks.serving.server import ServedEmulator

    with ServedEmulator() as served:
        credentials = served.emulator.ready_account()
        target = Target(**{**credentials.to_dict(), "token_url": f"{served.url}/oauth/token",
                           "api_base_url": served.url})  # fmt: skip
        with ZoomClient(target) as client:  # no exchange hook: nothing else reads the answers
            client.find_user("x@example.com")
            served.emulator.inject(route="scim.users.list", invalidate_tokens=True)
            assert client.find_user("x@example.com") is None
            assert client.auth.token_requests == 2


def test_concurrent_callers_share_one_renewal(world: World) -> None:
    client = world.client()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            for _ in range(5):
                client.find_user("y@example.com")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert client.auth.token_requests == 1


@pytest.mark.parametrize(
    "change, cause",
    [
        ({"client_secret": "wrong"}, "the client ID or client secret is wrong"),
        ({"client_id": "wrong"}, "the client ID or client secret is wrong"),
        ({"account_id": "wrong"}, "the account ID does not match the app's account"),
    ],
)
def test_token_refusals_name_the_cause_without_the_secret(world: World, change: dict, cause: str) -> None:
    target = target_of(world.credentials).with_credentials(**change)
    client = ZoomClient(target, transport=world.zoom.transport())
    with pytest.raises(TokenError) as caught:
        client.find_user("z@example.com")
    assert caught.value.cause == cause
    assert world.credentials.client_secret not in str(caught.value) + repr(caught.value)


def test_a_deactivated_app_is_named(world: World) -> None:
    app = world.zoom.state.app_by_client_id(world.credentials.client_id)
    assert app is not None
    world.zoom.state.deactivate_app(app.id)
    with pytest.raises(TokenError, match="not activated"):
        world.client().fetch_token()


def test_secrets_stay_out_of_reprs(world: World) -> None:
    client = world.client()
    client.find_user("a@example.com")
    token = client.auth.token
    assert token is not None
    shown = repr(client) + repr(client.auth) + repr(token) + repr(client.target) + str(client.target)
    assert world.credentials.client_secret not in shown
    assert token.value not in shown


@pytest.mark.parametrize("form", ["seconds", "date"])
def test_429_waits_for_retry_after_in_both_forms(world: World, form: str) -> None:
    client = world.client()
    world.zoom.inject(route="scim.users.create", status=429, retry_after=30, retry_after_form=form, times=2)
    before = world.zoom.clock.now()
    user = client.create_user(_body("rl@example.com"))
    assert user["userName"] == "rl@example.com"
    # Two waits of 30 s in emulator time (a date has whole seconds, so up to one less each).
    assert world.zoom.clock.now() - before >= 58
    assert len(world.zoom_users()) == 1


def test_per_second_limit_is_paced_without_429s(world: World) -> None:
    client = world.client()
    before = world.zoom.clock.now()
    for i in range(200):  # Light: 80 a second on Business
        client.create_user(_body(f"burst{i}@example.com"))
    assert len(world.zoom_users()) == 200
    assert [e for e in world.zoom.journal.entries() if e.status == 429] == []
    assert world.zoom.clock.now() - before >= 2  # three windows of 80, 80 and 40 calls


def test_a_429_without_retry_after_still_waits_and_succeeds(world: World) -> None:
    client = world.client()
    world.zoom.inject(route="scim.users.create", status=429, times=2)
    before = world.zoom.clock.now()
    client.create_user(_body("again@example.com"))
    assert world.zoom.clock.now() - before >= 2  # at least a second per 429
    assert list(world.zoom_users()) == ["again@example.com"]


def test_daily_limit_beyond_the_wait_we_hold_fails_the_call(world: World) -> None:
    client = world.client()
    world.zoom.inject(route="scim.users.list", status=429, retry_after=86_000, retry_after_form="date")
    with pytest.raises(ZoomRequestError) as caught:
        client.find_user("day@example.com")
    assert caught.value.status == 429


@pytest.mark.parametrize("fault", [{"status": 503}, {"status": 500}, {"drop": True}, {"latency": 120}])
def test_idempotent_calls_retry_5xx_drops_and_timeouts(world: World, fault: dict) -> None:
    client = world.client(timeout=60)
    world.zoom.inject(route="scim.users.list", times=2, **fault)
    assert client.find_user("retry@example.com") is None
    listed = [e for e in world.zoom.journal.entries() if e.route == "scim.users.list"]
    assert len(listed) == 3


@pytest.mark.parametrize("fault", [{"drop": True}, {"latency": 120}, {"status": 502}])
def test_a_create_that_landed_before_failing_is_not_duplicated(world: World, fault: dict) -> None:
    client = world.client(timeout=60)
    world.zoom.inject(route="scim.users.create", applied=True, **fault)
    user = client.create_user(_body("amb@example.com"))
    assert list(world.zoom_users()) == ["amb@example.com"]
    assert user["userName"] == "amb@example.com"
    creates = [e for e in world.zoom.journal.entries() if e.route == "scim.users.create"]
    assert len(creates) == 1  # found by the lookup, not sent again


def test_a_create_lost_before_landing_is_sent_again(world: World) -> None:
    client = world.client(timeout=60)
    world.zoom.inject(route="scim.users.create", drop=True, applied=False)
    client.create_user(_body("lost@example.com"))
    assert list(world.zoom_users()) == ["lost@example.com"]


def test_retries_stop_at_the_deadline(world: World) -> None:
    policy = RetryPolicy(attempts=20, base=4, cap=4)
    policy.random.seed(3)  # deterministic waits; twenty of them cannot fit in 5 s on average
    client = world.client(timeout=60, retry=policy)
    world.zoom.inject(route="scim.users.list", status=503, times=None)
    before = world.zoom.clock.now()
    with pytest.raises(RetriesExhausted) as caught:
        client.find_user("late@example.com", deadline=before + 5)
    assert caught.value.deadline
    assert world.zoom.clock.now() - before <= 5  # it gave up rather than sleep past the deadline


def test_retries_stop_after_the_attempts(world: World) -> None:
    client = world.client(retry=RetryPolicy(attempts=3))
    world.zoom.inject(route="scim.users.list", status=503, times=None)
    with pytest.raises(RetriesExhausted, match="3 attempts"):
        client.find_user("tired@example.com")


def test_backoff_is_bounded_and_grows() -> None:
    policy = RetryPolicy(base=1, cap=8)
    policy.random.seed(1)
    waits = [max(policy.backoff(n) for _ in range(200)) for n in range(1, 7)]
    assert waits[0] <= 1 and waits[2] <= 4 and max(waits) <= 8
    assert waits[3] > waits[0]


def test_retry_after_parsing() -> None:
    request = httpx.Request("GET", "https://api.zoom.us/x")
    assert retry_after(httpx.Response(429, headers={"Retry-After": "12"}, request=request), 0) == 12
    at = httpx.Response(429, headers={"Retry-After": "2020-05-31T00:00:10Z"}, request=request)
    assert retry_after(at, 1590883200.0) == 10
    http_date = httpx.Response(429, headers={"Retry-After": "Sun, 31 May 2020 00:00:05 GMT"}, request=request)
    assert retry_after(http_date, 1590883200.0) == 5
    assert retry_after(httpx.Response(429, headers={"Retry-After": "soon"}, request=request), 0) is None
    assert retry_after(httpx.Response(429, request=request), 0) is None


def test_target_resolution(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from harness.errors import HarnessError

    env = {"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c", "ZOOM_CLIENT_SECRET": "s"}
    target = Target.resolve(environ=env, dotenv=None)
    assert (target.token_url, target.api_base_url) == ("https://zoom.us/oauth/token", "https://api.zoom.us")
    dotenv = tmp_path / ".env"
    dotenv.write_text("ZOOM_ACCOUNT_ID=fromfile\nZOOM_CLIENT_ID=c\nZOOM_CLIENT_SECRET=s\n")
    assert Target.resolve(environ={}, dotenv=dotenv).account_id == "fromfile"
    with pytest.raises(HarnessError, match="ZOOM_CLIENT_SECRET"):
        Target.resolve(environ={"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c"}, dotenv=None)
    bad = tmp_path / "creds.json"
    bad.write_text("{")
    with pytest.raises(HarnessError, match="not JSON"):
        Target.resolve(environ=env, credentials_file=bad, dotenv=None)


def test_listing_users_walks_every_page_from_start_index_1(world: World) -> None:
    account = world.credentials.account_id
    for number in range(5):
        world.zoom.state.create_user(account, f"u{number}@example.com")
    client = world.client()
    names = [user["userName"] for user in client.iter_users(page_size=2)]
    assert sorted(names) == sorted(u.user_name for u in world.zoom.state.users(account).values())
    assert len(names) == len(set(names)) == 6  # five and the owner, each once
    pages = [e.url.split("?")[1] for e in world.zoom.journal.entries() if e.route == "scim.users.list"]
    assert pages == ["startIndex=1&count=2", "startIndex=3&count=2", "startIndex=5&count=2"]
    assert all(e.method == "GET" for e in world.zoom.journal.entries() if e.route == "scim.users.list")


def test_an_error_answer_keeps_what_zoom_said(world: World) -> None:
    world.zoom.inject(route="scim.users.get", status=404, body={"detail": "User not found", "message": "m"})
    client = world.client()
    with pytest.raises(ZoomRequestError) as raised:
        client.send_json("GET", "/scim2/Users/nobody")
    error = raised.value
    assert (error.method, error.url, error.status, error.code) == (
        "GET", "https://api.zoom.us/scim2/Users/nobody", 404, None)  # fmt: skip
    assert error.body == {"detail": "User not found", "message": "m"} and error.message == "User not found"
    assert str(error) == "GET https://api.zoom.us/scim2/Users/nobody answered 404: User not found"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"code": 1001, "message": "User does not exist: x."}, 1001, "User does not exist: x."),
        ({"reason": "Busy"}, None, "Busy"),
        ({"other": 1}, None, "{'other': 1}"),
        ({"detail": "", "message": "", "reason": "Last"}, None, "Last"),
    ],
)
def test_an_error_message_is_the_first_of_detail_message_and_reason(
    world: World, body: dict, code: int | None, message: str
) -> None:
    world.zoom.inject(route="scim.users.get", status=400, body=body)
    with pytest.raises(ZoomRequestError) as raised:
        world.client().send_json("GET", "/scim2/Users/x")
    assert (raised.value.code, raised.value.message) == (code, message)


def test_a_retry_after_in_the_past_or_zero_means_no_wait() -> None:
    request = httpx.Request("GET", "https://api.zoom.us/x")
    assert retry_after(httpx.Response(429, headers={"Retry-After": "0"}, request=request), 0) == 0.0
    assert retry_after(httpx.Response(429, headers={"Retry-After": "-3"}, request=request), 0) == 0.0
    past = httpx.Response(429, headers={"Retry-After": "2020-05-31T00:00:00Z"}, request=request)
    assert retry_after(past, 1590883260.0) == 0.0


def test_a_username_with_quotes_is_escaped_in_the_lookup_filter(world: World) -> None:
    client = world.client()
    assert client.find_user('o"neil\\x@example.com') is None
    (lookup,) = [e for e in world.zoom.journal.entries() if e.route == "scim.users.list"]
    sent = httpx.URL(lookup.url).params["filter"]
    assert sent == 'userName eq "o\\"neil\\\\x@example.com"'


def test_disabling_sends_one_scim_patch_replace_of_active(world: World) -> None:
    user = world.zoom.state.create_user(world.credentials.account_id, "pat@example.com")
    world.client().set_active(user.id, False)
    (patch,) = [e for e in world.zoom.journal.entries() if e.route == "scim.users.patch"]
    assert patch.method == "PATCH" and patch.url.endswith(f"/scim2/Users/{user.id}")
    assert json.loads(patch.request_body) == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}],
    }


class _Edges:
    """A stand-in for random.Random whose draws are the bounds asked for (lowest, then highest)."""

    def __init__(self) -> None:
        self.asked: list[tuple[float, float]] = []

    def uniform(self, low: float, high: float) -> float:
        self.asked.append((low, high))
        return high


def test_backoff_draws_from_zero_to_the_doubling_bound_up_to_the_cap() -> None:
    edges = _Edges()
    policy = RetryPolicy(base=0.5, cap=3.0, random=edges)  # type: ignore[arg-type]
    assert [policy.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert edges.asked == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 3.0), (0, 3.0)]


def test_a_429_without_retry_after_waits_at_least_a_second_and_a_hint_at_the_limit_is_honoured() -> None:
    request = httpx.Request("GET", "https://api.zoom.us/x")
    policy = RetryPolicy(base=0.5, max_retry_after=120, random=_Edges())  # type: ignore[arg-type]
    assert policy.rate_limited_wait(httpx.Response(429, request=request), 1, 0) == 1.0
    assert policy.rate_limited_wait(httpx.Response(429, request=request), 3, 0) == 2.0
    at_limit = httpx.Response(429, headers={"Retry-After": "120"}, request=request)
    assert policy.rate_limited_wait(at_limit, 1, 0) == 120.0
    beyond = httpx.Response(429, headers={"Retry-After": "121"}, request=request)
    assert policy.rate_limited_wait(beyond, 1, 0) is None


def test_exhausted_retries_say_why_they_stopped() -> None:
    by_attempts = RetriesExhausted("POST /scim2/Users", 6, "answered 503")
    assert str(by_attempts) == "POST /scim2/Users failed after 6 attempts; last error: answered 503"
    assert (by_attempts.attempts, by_attempts.last, by_attempts.deadline) == (6, "answered 503", False)
    by_time = RetriesExhausted("GET /x", 2, "timed out", deadline=True)
    assert str(by_time) == "GET /x failed after the operation timeout passed; last error: timed out"


def test_a_token_refusal_keeps_status_error_and_reason(world: World) -> None:
    bad = target_of(world.credentials)
    client = ZoomClient(Target(**{**bad.__dict__, "client_secret": "wrong"}), transport=world.zoom.transport())
    with pytest.raises(TokenError) as raised:
        client.fetch_token()
    # Zoom's captured answer: 400 {"reason":"Invalid client_id or client_secret","error":"invalid_client"}.
    assert (raised.value.status, raised.value.error) == (400, "invalid_client")
    assert raised.value.reason == "Invalid client_id or client_secret"
    assert raised.value.cause == "the client ID or client secret is wrong"
    client.close()


def test_reading_and_deleting_a_user_that_is_gone_is_not_an_error(world: World) -> None:
    client = world.client()
    assert client.get_user("gone") is None
    client.delete_user("gone")  # 404: already what was wanted
    world.zoom.inject(route="scim.users.delete", status=405, body={"detail": "Not here."})
    with pytest.raises(ZoomRequestError) as raised:
        client.delete_user("gone")
    assert (raised.value.method, raised.value.status, raised.value.message) == ("DELETE", 405, "Not here.")
    assert raised.value.url == "https://api.zoom.us/scim2/Users/gone"


def test_a_user_id_is_one_path_segment_whatever_it_holds(world: World) -> None:
    world.client().get_user("a/b?c")
    (read,) = [e for e in world.zoom.journal.entries() if e.method == "GET" and "/scim2/Users/" in e.url]
    assert read.url == "https://api.zoom.us/scim2/Users/a%2Fb%3Fc"


def test_retries_are_exactly_the_attempts_and_the_error_names_the_call(world: World) -> None:
    client = world.client(retry=RetryPolicy(attempts=3, random=_Edges()))  # type: ignore[arg-type]
    world.zoom.inject(route="scim.users.list", status=503, times=None)
    before = world.zoom.clock.now()
    with pytest.raises(RetriesExhausted) as caught:
        client.find_user("tired@example.com")
    assert str(caught.value) == "GET /scim2/Users failed after 3 attempts; last error: 503 Service Unavailable"
    assert len([e for e in world.zoom.journal.entries() if e.route == "scim.users.list"]) == 3
    assert world.zoom.clock.now() - before == 0.5 + 1.0  # backoff after the first and second attempts only


def test_a_deadline_already_passed_sends_nothing(world: World) -> None:
    client = world.client()
    now = world.zoom.clock.now()
    with pytest.raises(RetriesExhausted) as caught:
        client.find_user("late@example.com", deadline=now)
    expected = "GET /scim2/Users failed after the operation timeout passed; last error: no answer in time"
    assert str(caught.value) == expected
    assert caught.value.attempts == 0
    assert [e for e in world.zoom.journal.entries() if e.route == "scim.users.list"] == []
    assert client.find_user("soon@example.com", deadline=now + 0.5) is None  # half a second is time enough


def test_a_call_gets_no_more_time_than_its_deadline_leaves(world: World) -> None:
    client = world.client(timeout=60)
    world.zoom.inject(route="scim.users.list", latency=20, times=None)
    before = world.zoom.clock.now()
    with pytest.raises(RetriesExhausted) as caught:
        client.find_user("slow@example.com", deadline=before + 10)
    assert caught.value.deadline and world.zoom.clock.now() - before == 10


def test_a_create_whose_answer_is_lost_returns_the_user_it_created(world: World) -> None:
    client = world.client(timeout=60)
    world.zoom.inject(route="scim.users.create", drop=True, applied=True)
    user = client.create_user(_body("amb2@example.com"))
    assert user["userName"] == "amb2@example.com" and [u.id for u in world.zoom_users().values()] == [user["id"]]
    world.zoom.inject(route="scim.users.create", status=503, times=None)
    with pytest.raises(RetriesExhausted) as caught:
        client.create_user(_body("never@example.com"))
    assert str(caught.value).endswith("; last error: 503 Service Unavailable")
    assert len([e for e in world.zoom.journal.entries() if e.route == "scim.users.create"]) == 1 + 6


def test_a_token_answer_without_reason_quotes_the_body(world: World) -> None:
    client = ZoomClient(
        target_of(world.credentials),
        transport=httpx.MockTransport(lambda request: httpx.Response(500, text="<html>down</html>")),
    )
    with pytest.raises(TokenError) as raised:
        client.fetch_token()
    assert (raised.value.status, raised.value.error, raised.value.reason) == (500, "", "<html>down</html>")
    client.close()


def test_a_token_answer_without_scope_grants_nothing(world: World) -> None:
    answer = {"access_token": "t", "token_type": "bearer", "expires_in": 3599}
    client = ZoomClient(target_of(world.credentials), transport=httpx.MockTransport(
        lambda request: httpx.Response(200, json=answer)))  # fmt: skip
    assert client.fetch_token() == frozenset()
    client.close()

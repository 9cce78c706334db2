"""The proxy in front of Zoom: the served emulator stands in for Zoom, given by URL only.

Every emulator test also runs through the proxy (the ``proxied`` mounting of conftest.py); these
tests prove what the proxy adds: answers unchanged byte for byte, a journal and recording without
secrets, and each fault reaching the client while the upstream's state stays consistent.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mocks import ZoomEmulator
from mocks.proxy.pacing import Pacer
from mocks.proxy.zoom_proxy import ZoomProxy
from mocks.serving.server import ServedEmulator
from mocks.serving.tls import ensure_certificates

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
#: Headers that differ on every call, with or without a proxy.
PER_CALL = {"date", "x-zm-trackingid"}


@pytest.fixture(scope="module")
def remote() -> Iterator[ServedEmulator]:
    """The stand-in for Zoom: the emulator served on loopback."""
    with ServedEmulator() as served:
        yield served


@pytest.fixture
def upstream(remote: ServedEmulator) -> ZoomEmulator:
    remote.emulator.reset()
    remote.emulator.settings.rate_limits = False  # remaining-call counts would differ call to call
    return remote.emulator


def _token(http: httpx.Client, token_url: str, credentials: Any) -> str:
    answer = http.post(token_url, params={"grant_type": "account_credentials", "account_id": credentials.account_id},
                       auth=(credentials.client_id, credentials.client_secret))  # fmt: skip
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in response.headers.multi_items() if k not in PER_CALL)


def test_answers_pass_through_unchanged_byte_for_byte(upstream: ZoomEmulator, remote: ServedEmulator) -> None:
    credentials = upstream.ready_account()
    proxy = ZoomProxy(upstream_token_url=remote.url, upstream_api_url=remote.url)
    with ServedEmulator(proxy) as served, httpx.Client(timeout=10) as http:
        direct_token = _token(http, f"{remote.url}/oauth/token", credentials)
        proxied_token = _token(http, f"{served.url}/oauth/token", credentials)
        user = http.post(f"{served.url}/scim2/Users", headers={"Authorization": f"Bearer {proxied_token}"},
                         json={"schemas": [CORE], "userName": "ada@example.com"})  # fmt: skip
        assert user.status_code == 201 and upstream.state.user_by_name(credentials.account_id, "ada@example.com")
        user_id = user.json()["id"]
        calls: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", f"/scim2/Users/{user_id}", {}),
            ("GET", "/scim2/Users", {"params": {"filter": 'userName eq "ada@example.com"', "startIndex": 1}}),
            ("GET", "/scim2/Users/no-such-user", {}),
            ("POST", "/scim2/Users", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
            ("POST", "/scim2/Users", {"json": {"schemas": [CORE], "userName": "ada@example.com"}}),  # 409
            ("DELETE", "/scim2/Users", {}),  # 405
            ("GET", f"/v2/users/{user_id}", {}),
            ("GET", "/v2/nowhere", {}),
            ("GET", "/scim2/Users?access_token=x", {}),
        ]
        for method, path, options in calls:
            headers = options.pop("headers", {})
            answers = [
                http.request(
                    method, f"{base}{path}", headers={**headers, "Authorization": f"Bearer {token}"}, **options
                )
                for base, token in ((remote.url, direct_token), (served.url, proxied_token))
            ]
            direct, proxied = answers
            assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content), (method, path)
            assert _headers(proxied) == _headers(direct), (method, path)
        wrong = http.post(f"{served.url}/oauth/token", params={"grant_type": "account_credentials"}, auth=("a", "b"))
        assert (wrong.status_code, wrong.json()) == (400, {"reason": "Invalid client_id or client_secret",
                                                           "error": "invalid_client"})  # fmt: skip
    # The token, the create, each call, the wrong token: all forwarded, nothing injected.
    assert proxy.forwarded == len(calls) + 3 and proxy.injected == 0


def test_an_encoded_answer_stays_encoded_on_the_wire_and_reads_decoded() -> None:
    body = json.dumps({"Resources": [], "totalResults": 0}).encode()

    def zoom(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
                              content=gzip.compress(body))  # fmt: skip

    proxy = ZoomProxy(transport=httpx.MockTransport(zoom))
    with httpx.Client(transport=proxy.transport()) as http:
        assert http.get("https://api.zoom.us/scim2/Users").content == body
    with (
        ServedEmulator(proxy) as served,
        httpx.Client() as http,
        http.stream("GET", f"{served.url}/scim2/Users") as raw,
    ):
        assert raw.headers["content-encoding"] == "gzip"
        assert gzip.decompress(b"".join(raw.iter_raw())) == body
    assert json.loads(proxy.journal.entries()[0].response_body) == {"Resources": [], "totalResults": 0}


def test_the_journal_and_the_recording_hold_every_exchange_and_no_secret(upstream: ZoomEmulator,
                                                                         remote: ServedEmulator) -> None:  # fmt: skip
    credentials = upstream.ready_account(client_secret="a-secret-that-must-not-leak-0123456789")
    recorded: list[httpx.Response] = []
    proxy = ZoomProxy(upstream_token_url=remote.url, upstream_api_url=remote.url, on_exchange=recorded.append)
    with httpx.Client(transport=proxy.transport()) as http:
        token = _token(http, f"{remote.url}/oauth/token", credentials)
        http.post(f"{remote.url}/scim2/Users", headers={"Authorization": f"Bearer {token}"},
                  json={"schemas": [CORE], "userName": "bo@example.com", "password": "pw-secret-99"})  # fmt: skip
        http.get(f"{remote.url}/scim2/Users", params={"access_token": token})
    entries = proxy.journal.entries()
    assert [(e.method, e.route, e.status) for e in entries] == [
        ("POST", "oauth.token", 200), ("POST", "scim.users.create", 201), ("GET", "scim.users.list", 401)]  # fmt: skip
    assert [r.status_code for r in recorded] == [200, 201, 401]
    dumped = json.dumps([e.to_dict() for e in entries])
    for secret in (credentials.client_secret, token, "pw-secret-99"):
        assert secret not in dumped
    assert entries[0].request_headers["authorization"] == "Basic [REDACTED]"
    assert entries[1].request_headers["authorization"] == "Bearer [REDACTED]"
    assert json.loads(entries[0].response_body)["access_token"] == "[REDACTED]"


@pytest.fixture
def proxied() -> Iterator[tuple[ZoomEmulator, ZoomProxy, httpx.Client, str]]:
    """A proxy in front of an in-process emulator, a client through it, and a token."""
    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    proxy = ZoomProxy(transport=zoom.transport())
    with httpx.Client(transport=proxy.transport(), timeout=5) as http:
        yield zoom, proxy, http, _token(http, zoom.token_url, credentials)


def _create(http: httpx.Client, token: str, name: str) -> httpx.Response:
    return http.post("https://api.zoom.us/scim2/Users", headers={"Authorization": f"Bearer {token}"},
                     json={"schemas": [CORE], "userName": name})  # fmt: skip


def _exists(zoom: ZoomEmulator, name: str) -> bool:
    return any(user.user_name == name for account in zoom.state.accounts for user in zoom.state.users(account).values())


@pytest.mark.parametrize("applied", [False, True])
def test_an_injected_status_reaches_the_client_and_zoom_holds_what_was_applied(proxied: Any, applied: bool) -> None:
    zoom, proxy, http, token = proxied
    proxy.inject(route="scim.users.create", status=503, applied=applied)
    answer = _create(http, token, "cy@example.com")
    assert (answer.status_code, answer.json()) == (503, {"code": 503, "message": "Service Unavailable"})
    assert _exists(zoom, "cy@example.com") is applied
    assert [e.note for e in proxy.journal.entries()][-1] == "fault: status 503"
    assert _create(http, token, "cy2@example.com").status_code == 201  # times=1: the next call passes


@pytest.mark.parametrize(("form", "expected"), [("seconds", "7"), ("date", "T")])
def test_a_429_carries_retry_after_in_either_form(proxied: Any, form: str, expected: str) -> None:
    _, proxy, http, token = proxied
    proxy.inject(route="scim.*", status=429, retry_after=7, retry_after_form=form)
    answer = _create(http, token, "di@example.com")
    assert answer.status_code == 429 and expected in answer.headers["Retry-After"]
    assert answer.json()["message"].startswith("You have reached the maximum per-second rate limit")


@pytest.mark.parametrize("applied", [False, True])
def test_latency_beyond_the_timeout_and_a_dropped_connection(proxied: Any, applied: bool) -> None:
    zoom, proxy, http, token = proxied
    started = proxy.clock.now()
    proxy.inject(route="scim.users.create", latency=30, applied=applied)
    with pytest.raises(httpx.ReadTimeout):
        _create(http, token, "ed@example.com")
    assert proxy.clock.now() - started == pytest.approx(5, abs=0.5)  # the client's timeout, on the proxy's clock
    assert _exists(zoom, "ed@example.com") is applied
    proxy.inject(route="scim.users.create", drop=True, applied=applied)
    with pytest.raises(httpx.RemoteProtocolError):
        _create(http, token, "fy@example.com")
    assert _exists(zoom, "fy@example.com") is applied
    proxy.inject(route="scim.users.create", latency=2)  # within the timeout: answered late
    assert _create(http, token, "gu@example.com").status_code == 201


def test_revoked_tokens_are_refused_by_the_proxy_and_a_new_token_works(proxied: Any) -> None:
    zoom, proxy, http, token = proxied
    proxy.inject(route="scim.users.create", invalidate_tokens=True)
    refused = _create(http, token, "hu@example.com")
    assert (refused.status_code, refused.json()) == (401, {"code": 124, "message": "Invalid access token."})
    assert not _exists(zoom, "hu@example.com") and zoom.journal.entries()[-1].route == "oauth.token"
    assert _create(http, token, "hu@example.com").status_code == 401  # still revoked
    fresh = _token(http, zoom.token_url, next(iter(zoom.state.apps.values())))
    assert _create(http, fresh, "hu@example.com").status_code == 201


def test_a_token_answer_can_leave_out_scopes_while_zoom_still_grants_them(proxied: Any) -> None:
    zoom, proxy, http, _ = proxied
    app = next(iter(zoom.state.apps.values()))
    proxy.inject(route="oauth.token", remove_scopes=["scim2", "user:master"])
    answer = http.post(zoom.token_url, params={"grant_type": "account_credentials", "account_id": app.account_id},
                       auth=(app.client_id, app.client_secret))  # fmt: skip
    scopes = answer.json()["scope"].split(" ")
    assert "scim2" not in scopes and "user:master" not in scopes and "user:read:admin" in scopes
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert "scim2" in zoom.state.tokens[answer.json()["access_token"]].scopes  # Zoom's grant is unchanged
    assert proxy.journal.entries()[-1].note == "fault: scopes scim2, user:master removed from the answer"


def test_a_fault_can_hit_one_users_path_only(proxied: Any) -> None:
    zoom, proxy, http, token = proxied
    first, second = (_create(http, token, f"{n}@example.com").json()["id"] for n in ("iv", "jo"))
    proxy.inject(route="scim.users.*", method="DELETE", path=f"/scim2/Users/{first}", status=400, times=None)
    auth = {"Authorization": f"Bearer {token}"}
    assert http.delete(f"https://api.zoom.us/scim2/Users/{first}", headers=auth).status_code == 400
    assert http.get(f"https://api.zoom.us/scim2/Users/{first}", headers=auth).status_code == 200
    assert http.delete(f"https://api.zoom.us/scim2/Users/{second}", headers=auth).status_code == 204
    assert _exists(zoom, "iv@example.com") and not _exists(zoom, "jo@example.com")


class CountingPacer(Pacer):
    """A pacer that remembers the rate-limit category of each call it let through to Zoom."""

    def __init__(self) -> None:
        super().__init__()
        self.categories: list[str | None] = []

    def before(self, category: str | None) -> None:
        self.categories.append(category)


def test_each_call_a_fault_changes_is_journaled_counted_and_paced_as_the_call_it_was() -> None:
    """Route, note and the proxy's time in the journal; injected or forwarded in the counts; the
    rate-limit category of the call when a fault lets it reach Zoom (applied, or delayed), and Zoom's
    own answer to it in the recording (a call whose answer a fault loses reached Zoom all the same:
    a replay must see it before the retry)."""
    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    pacer = CountingPacer()
    recorded: list[httpx.Response] = []
    proxy = ZoomProxy(transport=zoom.transport(), pacer=pacer, on_exchange=recorded.append)
    proxy.clock.freeze()
    with httpx.Client(transport=proxy.transport(), timeout=5) as http:
        token = _token(http, zoom.token_url, credentials)
        steps: list[tuple[dict[str, Any], str, int, int, int]] = [
            ({"drop": True}, "fault: dropped", 0, 1, 0),
            ({"drop": True, "applied": True}, "fault: dropped", 0, 1, 1),
            ({"status": 503, "applied": True}, "fault: status 503", 503, 1, 1),
            ({"status": 400}, "fault: status 400", 400, 1, 0),
            ({"latency": 2}, "fault: latency 2s", 201, 0, 1),
            ({"advance_clock": 5}, "fault: clock moved 5s", 201, 0, 1),
            ({"invalidate_tokens": True}, "proxy: a token revoked by a fault", 401, 1, 0),
        ]
        for number, (fault, note, status, injected, forwarded) in enumerate(steps):
            before = (proxy.injected, proxy.forwarded, len(pacer.categories), len(recorded))
            proxy.clock.advance(10)
            proxy.inject(route="scim.users.create", **fault)
            with contextlib.suppress(httpx.TransportError):
                _create(http, token, f"step{number}@example.com")
            entry = proxy.journal.entries()[-1]
            assert (entry.route, entry.note, entry.status, entry.time) == ("scim.users.create", note, status,
                                                                           proxy.clock.now()), fault  # fmt: skip
            assert (proxy.injected - before[0], proxy.forwarded - before[1]) == (injected, forwarded), fault
            # The emulator's label for a SCIM user write (zoom-api.md §5: get/put/patch/delete are Light).
            assert pacer.categories[before[2] :] == ["Light"] * forwarded, fault
            assert [r.status_code for r in recorded[before[3] :]] == [201] * forwarded, fault
    assert proxy.describe()["injected"] == 5 and proxy.describe()["forwarded"] == 5  # with the token call


def test_an_unreachable_upstream_raises_in_process_and_answers_502_served() -> None:
    # A port bound but not listening refuses connections, and no other server can take it meanwhile.
    refusing = socket.socket()
    refusing.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{refusing.getsockname()[1]}"
    proxy = ZoomProxy(upstream_token_url=url, upstream_api_url=url)
    with httpx.Client(transport=proxy.transport()) as http, pytest.raises(httpx.ConnectError):
        http.get(f"{url}/scim2/Users")
    with ServedEmulator(ZoomProxy(upstream_token_url=url, upstream_api_url=url)) as served:
        answer = httpx.get(f"{served.url}/scim2/Users")
    assert answer.status_code == 502
    assert answer.json()["message"].startswith("zoom-harness proxy: the upstream did not answer (ConnectError: ")
    (failed,) = proxy.journal.entries()
    assert (failed.route, failed.note, failed.status) == ("scim.users.list", "proxy: upstream failed: ConnectError", 0)
    assert abs(failed.time - proxy.clock.now()) < 5
    refusing.close()


def test_the_served_proxy_has_a_control_surface_of_faults_and_journal_only(upstream: ZoomEmulator,
                                                                           remote: ServedEmulator) -> None:  # fmt: skip
    credentials = upstream.ready_account()
    with (
        ServedEmulator(ZoomProxy(upstream_token_url=remote.url, upstream_api_url=remote.url)) as served,
        httpx.Client(base_url=f"{served.url}/_emulator", headers=served.control_headers) as control,
    ):
        added = control.post("/faults", json={"route": "scim.users.list", "status": 502})
        assert added.status_code == 201 and added.json()["status"] == 502
        token = _token(httpx.Client(), f"{served.url}/oauth/token", credentials)
        assert httpx.get(f"{served.url}/scim2/Users", headers={"Authorization": f"Bearer {token}"}).status_code == 502
        journal = control.get("/journal").json()["entries"]
        assert [(e["route"], e["status"], e["note"]) for e in journal] == [
            ("oauth.token", 200, ""), ("scim.users.list", 502, "fault: status 502")]  # fmt: skip
        described = control.get("/proxy").json()
        assert described == {"upstream": {"token_url": f"{remote.url}/oauth/token", "api_base_url": remote.url},
                             "forwarded": 1, "injected": 1, "paced": False}  # fmt: skip
        state = control.get("/state")
        assert (state.status_code, state.json()["message"]) == (404, "not a control route of the proxy")
        assert control.post("/faults", json={"colour": 1}).status_code == 400
        assert control.delete("/journal").status_code == 204 and control.get("/journal").json() == {"entries": []}
    assert not any(e.route == "scim.users.list" for e in upstream.journal.entries())  # the fault never reached Zoom


def test_the_proxy_answers_only_the_hosts_it_proxies() -> None:
    proxy = ZoomProxy(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with httpx.Client(transport=proxy.transport()) as http:
        answer = http.get("https://example.com/scim2/Users")
    assert (answer.status_code, answer.json()) == (
        404,
        {"code": 404, "message": "zoom-harness proxy: example.com is not proxied here"},
    )


def test_a_served_proxy_under_zoom_names_tells_the_hosts_apart_by_path() -> None:
    seen: list[str] = []

    def zoom(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    proxy = ZoomProxy(transport=httpx.MockTransport(zoom))
    with ServedEmulator(proxy) as served, httpx.Client() as http:
        http.post(f"{served.url}/oauth/token?grant_type=account_credentials")
        http.get(f"{served.url}/scim2/Users?count=2&startIndex=1")
    assert seen == ["https://zoom.us/oauth/token?grant_type=account_credentials",
                    "https://api.zoom.us/scim2/Users?count=2&startIndex=1"]  # fmt: skip


def test_over_tls_the_proxy_answers_as_zoom_us_and_api_zoom_us(
    upstream: ZoomEmulator, remote: ServedEmulator, tmp_path: Path
) -> None:
    credentials = upstream.ready_account()
    tls = ensure_certificates(tmp_path / "tls")
    proxy = ZoomProxy(upstream_token_url=remote.url, upstream_api_url=remote.url)
    trusting = ssl.create_default_context(cafile=tls.ca_pem)
    with ServedEmulator(proxy, tls=tls) as served, httpx.Client(verify=trusting) as http:
        port = httpx.URL(served.url).port
        assert served.url == f"https://api.zoom.us:{port}"
        local = f"https://127.0.0.1:{port}"
        # The token host and the API host share the port, told apart by the Host header (or the path).
        token = _token(http, f"{local}/oauth/token", credentials)
        listed = http.get(f"{local}/scim2/Users", headers={"Authorization": f"Bearer {token}", "Host": "api.zoom.us"})
        assert listed.status_code == 200 and listed.json()["totalResults"] == 1
    assert [(e.route, e.url.split(":")[0]) for e in proxy.journal.entries()] == [
        ("oauth.token", "https"), ("scim.users.list", "https")]  # fmt: skip


def test_a_control_path_of_the_proxy_with_the_wrong_method_is_405_and_an_unknown_one_404() -> None:
    proxy = ZoomProxy(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with httpx.Client(transport=proxy.transport()) as http:
        wrong = http.put("https://api.zoom.us/_emulator/faults")
        unknown = http.get("https://api.zoom.us/_emulator/state")
    assert (wrong.status_code, wrong.json()) == (405, {"code": 405, "message": "not a control route of the proxy"})
    assert (unknown.status_code, unknown.json()) == (404, {"code": 404, "message": "not a control route of the proxy"})
    guarded = ZoomProxy(transport=httpx.MockTransport(lambda request: httpx.Response(200)), control_token="given")
    with httpx.Client(transport=guarded.transport()) as http:
        assert http.get("https://api.zoom.us/_emulator/faults").status_code == 401
        assert http.get("https://api.zoom.us/_emulator/faults", headers={"Authorization": "Bearer given"}).json() == {
            "faults": []}  # fmt: skip


def test_tokens_the_proxy_saw_issued_or_used_are_all_revoked_by_an_invalidation() -> None:
    """A token Zoom issued through the proxy but never used, and one issued elsewhere but used
    through it, are both refused after an invalidation fault; one the proxy never saw is not."""
    zoom = ZoomEmulator()
    credentials = zoom.ready_account()
    proxy = ZoomProxy(transport=zoom.transport())
    with httpx.Client(transport=proxy.transport()) as through, httpx.Client(transport=zoom.transport()) as direct:
        issued, spare = _token(through, zoom.token_url, credentials), _token(through, zoom.token_url, credentials)
        elsewhere, unseen = _token(direct, zoom.token_url, credentials), _token(direct, zoom.token_url, credentials)
        assert _create(through, elsewhere, "seen@example.com").status_code == 201
        proxy.inject(route="scim.users.create", invalidate_tokens=True)
        assert _create(through, issued, "a@example.com").status_code == 401
        assert _create(through, spare, "b@example.com").status_code == 401
        assert _create(through, elsewhere, "c@example.com").status_code == 401
        assert _create(through, unseen, "d@example.com").status_code == 201
        refused = _token(through, zoom.token_url, credentials)  # a token answer other than 200 registers nothing
        assert _create(through, refused, "e@example.com").status_code == 201


def test_what_the_proxy_sends_zoom_and_hands_back_leaves_out_hop_by_hop_headers() -> None:
    """The upstream request: the client's path and query (no stray '?'), its headers but those of one
    connection, its read timeout (else the proxy's own); the answer: Zoom's body whole however it was
    chunked, its headers but those of one connection, framed by the proxy."""
    from mocks.proxy.zoom_proxy import UPSTREAM_TIMEOUT

    seen: list[httpx.Request] = []

    def zoom(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        chunks = httpx.ByteStream(b"") if request.url.path.endswith("/empty") else _Chunks([b'{"a":', b" 1}"])
        return httpx.Response(200, headers={"Connection": "keep-alive", "Keep-Alive": "timeout=5",
                                            "X-Zoom": "kept"}, stream=chunks)  # fmt: skip

    proxy = ZoomProxy(upstream_token_url="https://zoom.example/", upstream_api_url="https://api.zoom.example/",
                      transport=httpx.MockTransport(zoom))  # fmt: skip
    assert proxy.describe()["upstream"] == {"token_url": "https://zoom.example/oauth/token",
                                            "api_base_url": "https://api.zoom.example"}  # fmt: skip
    with httpx.Client(transport=proxy.transport(), timeout=3) as http:
        answer = http.get("https://api.zoom.example/v2/users/me", headers={"Keep-Alive": "300", "TE": "trailers",
                                                                         "X-Client": "sent"})  # fmt: skip
        http.get("https://api.zoom.example/scim2/Users?count=2")
    assert answer.content == b'{"a": 1}' and answer.headers["content-length"] == "8"
    assert answer.headers["x-zoom"] == "kept" and "keep-alive" not in answer.headers
    first, second = seen
    assert str(first.url) == "https://api.zoom.example/v2/users/me" and str(second.url).endswith("/Users?count=2")
    assert first.headers["x-client"] == "sent" and "keep-alive" not in first.headers and "te" not in first.headers
    assert first.extensions["timeout"] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert [e.route for e in proxy.journal.entries()] == ["rest.users.get", "scim.users.list"]
    served = ZoomProxy(upstream_api_url="https://api.zoom.example", transport=httpx.MockTransport(zoom))
    with ServedEmulator(served) as server:
        httpx.get(f"{server.url}/v2/users/me")
    assert seen[-1].extensions["timeout"] == UPSTREAM_TIMEOUT  # served, the client's timeout is not known


class _Chunks(httpx.SyncByteStream):
    """A body that arrives in several pieces, as one read from the network does."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

"""The emulator's own HTTP/1.1 server (mocks/http11.py) on the wire, byte by byte: what a client
library never shows (pipelining, Expect, HEAD, framing, closing)."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import pytest

from mocks import ZoomEmulator
from mocks.serving.server import ServedEmulator

#: The control token of the module's server, as raw requests carry it.
TOKEN = "http11-test-token"
AUTH = f"Authorization: Bearer {TOKEN}\r\n".encode()


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    with ServedEmulator(control_token=TOKEN) as server:
        yield server


def _connect(served: ServedEmulator) -> socket.socket:
    host, port = served.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _read_answers(sock: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """``count`` answers as (head, body), framed by their content-length."""
    buffer, answers = b"", []
    while len(answers) < count:
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(answers)} answers: {buffer!r}"
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(
            b"content-length:")), 0)  # fmt: skip
        while len(buffer) < length:
            buffer += sock.recv(65536)
        answers.append((head, buffer[:length]))
        buffer = buffer[length:]
    return answers


def test_pipelined_requests_are_answered_in_order_even_when_the_first_is_late(served: ServedEmulator) -> None:
    sock = _connect(served)
    with sock:
        sock.sendall(b"GET /nowhere-1 HTTP/1.1\r\nHost: x\r\n\r\nGET /_emulator/clock HTTP/1.1\r\nHost: x\r\n"
                     + AUTH + b"\r\nGET /nowhere-2 HTTP/1.1\r\nHost: x\r\n\r\n")  # fmt: skip
        answers = _read_answers(sock, 3)
    assert [head.split(b"\r\n")[0] for head, _ in answers] == [
        b"HTTP/1.1 404 Not Found", b"HTTP/1.1 200 OK", b"HTTP/1.1 404 Not Found"]  # fmt: skip
    assert b'"now"' in answers[1][1]


def test_late_answers_keep_the_next_pipelined_ones_behind_them(served: ServedEmulator) -> None:
    emulator: ZoomEmulator = served.emulator
    emulator.reset()
    emulator.inject(route="oauth.token", latency=0.2, times=2)
    token = b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    sock = _connect(served)
    began = time.monotonic()
    with sock:
        sock.sendall(token + token + b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        answers = _read_answers(sock, 3)
    assert [head.split(b"\r\n")[0] for head, _ in answers] == [
        b"HTTP/1.1 400 Bad Request", b"HTTP/1.1 400 Bad Request", b"HTTP/1.1 404 Not Found"]  # fmt: skip
    assert 0.4 <= time.monotonic() - began < 5


def test_expect_100_continue_head_and_framing(served: ServedEmulator) -> None:
    sock = _connect(served)
    with sock:
        sock.sendall(b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\n" + AUTH + b"Content-Type: application/json\r\n"
                     b"Content-Length: 2\r\nExpect: 100-Continue\r\n\r\n")  # fmt: skip
        assert sock.recv(64) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"{}")
        ((head, body),) = _read_answers(sock, 1)
        assert head.startswith(b"HTTP/1.1 201 Created") and b'"route":"*"' in body
        sock.sendall(b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.2)
        raw = sock.recv(65536)
    served.emulator.faults.clear()
    head_answer, _, rest = raw.partition(b"\r\n\r\n")
    assert head_answer.startswith(b"HTTP/1.1 404 Not Found") and b"content-length: " in head_answer
    assert rest.startswith(b"HTTP/1.1 404 Not Found"), "a HEAD answer carried a body"
    assert head_answer.count(b"date: ") == 1 and b"server:" not in head_answer


@pytest.mark.parametrize(
    "request_bytes",
    [b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", b"GET /nowhere HTTP/1.0\r\n\r\n"],
)
def test_a_closing_request_gets_its_answer_then_the_connection_closes(served: ServedEmulator,
                                                                       request_bytes: bytes) -> None:  # fmt: skip
    sock = _connect(served)
    with sock:
        sock.sendall(request_bytes)
        raw = _read_all(sock)
    assert raw.startswith(b"HTTP/1.1 404 Not Found") and b"connection: close" in raw
    assert raw.endswith(b'"message":"Not Found"}')


def test_a_request_that_is_not_http_gets_400_and_a_closed_connection(served: ServedEmulator) -> None:
    sock = _connect(served)
    with sock:
        sock.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        raw = _read_all(sock)
    assert raw == b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    sock = _connect(served)  # the server lives on
    with sock:
        sock.sendall(b"GET /_emulator/clock HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n")
        assert _read_answers(sock, 1)[0][0].startswith(b"HTTP/1.1 200 OK")


def test_a_dropped_connection_fault_closes_without_an_answer(served: ServedEmulator) -> None:
    served.emulator.inject(route="oauth.token", drop=True, times=1)
    sock = _connect(served)
    with sock:
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        assert _read_all(sock) == b""


def test_answers_written_together_keep_their_order_before_a_continue_a_refusal_or_a_close(
    served: ServedEmulator,
) -> None:
    """Answers are written when the loop's turn ends: a 100 Continue, a 400 for bytes that are not
    HTTP and a close all come after the answers made before them on the connection."""
    expect = (
        b"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\n"
        + AUTH
        + b"Content-Type: application/json\r\nContent-Length: 2\r\n"
    )
    sock = _connect(served)
    with sock:
        sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + expect + b"Expect: 100-continue\r\n\r\n")
        time.sleep(0.2)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 404 Not Found") and first.endswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"{}")
        assert _read_answers(sock, 1)[0][0].startswith(b"HTTP/1.1 201 Created")
    served.emulator.faults.clear()
    for tail in (
        b"\x16\x03\x01 this is not HTTP\r\n\r\n",
        b"GET /_emulator/clock HTTP/1.1\r\n" + AUTH + b"Connection: close\r\n\r\n",
    ):
        sock = _connect(served)
        with sock:
            sock.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + tail)
            raw = _read_all(sock)
        statuses = re.findall(rb"HTTP/1\.1 \d{3} [A-Za-z ]+", raw)
        assert statuses == [
            b"HTTP/1.1 404 Not Found",
            b"HTTP/1.1 400 Bad Request" if tail[0] == 0x16 else b"HTTP/1.1 200 OK",
        ]

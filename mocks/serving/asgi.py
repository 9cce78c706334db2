"""The emulator (or the proxy) as an ASGI application, to serve it with uvicorn, granian or hypercorn.

``zoom-harness serve`` and ``ServedEmulator`` use the harness's own server (``http11.py``), faster than
any of them (README, figure 3); this is for a user's own ASGI stack and for that comparison."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from mocks.core.wire import Answer, Headers, WireRequest, bad_gateway

if TYPE_CHECKING:
    from mocks.core.mounting import Mounted

Scope = dict[str, Any]


class EmulatorASGI:
    """Adapts ASGI HTTP calls to a handler's ``dispatch`` (the emulator's or the proxy's) and back.

    The request is addressed to the emulator's own base URL whatever Host the client sent, so
    ``localhost`` and ``127.0.0.1`` reach the same routes.
    """

    def __init__(self, emulator: Mounted) -> None:
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        limit = self.emulator.max_body_bytes
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if len(body) <= limit:
                # Past the limit, keep draining but stop storing: one byte over is enough to refuse.
                body += message.get("body", b"")[: limit + 1 - len(body)]
            more = message.get("more_body", False)
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        headers = Headers(scope["headers"], lowered=True)  # lower-case by the ASGI spec
        base = self.emulator.served_base(headers.get("host"), scope["path"])
        request = WireRequest(scope["method"], base, raw_path, scope["query_string"], headers, bytes(body))
        outcome = await self._run(self.emulator.dispatch, request)
        if outcome.later is not None:
            if outcome.applied_first:
                answered = await self._later(request, outcome.later)
                await asyncio.sleep(outcome.delay)
            elif await _disconnects_within(receive, outcome.delay):
                return  # the client gave up first: the call never reaches the emulator
            else:
                answered = await self._later(request, outcome.later)
            await _send(send, answered)
            return
        if outcome.error is not None:
            await _send(send, bad_gateway(outcome.error))
            return
        if outcome.delay:
            await asyncio.sleep(outcome.delay)
        if outcome.drop:
            # Start an answer and return without finishing it: the server closes the connection
            # and the client sees a dropped connection.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
            return
        assert outcome.response is not None
        await _send(send, outcome.response)

    async def _run(self, work: Any, *args: Any) -> Any:
        """Run a handler's step; one that waits on the network (the proxy's) runs off the loop."""
        if not self.emulator.blocking:
            return work(*args)
        return await asyncio.to_thread(work, *args)

    async def _later(self, request: WireRequest, later: Any) -> Answer:
        try:
            return await self._run(later)  # type: ignore[no-any-return]
        except Exception as error:  # the proxy's upstream failed after the delay
            return bad_gateway(error)


async def _send(send: Any, answer: Answer) -> None:
    await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
    await send({"type": "http.response.body", "body": answer.body or b""})


async def _disconnects_within(receive: Any, seconds: float) -> bool:
    """Wait ``seconds``; True when the client disconnected meanwhile."""
    try:
        message = await asyncio.wait_for(receive(), seconds)
    except TimeoutError:
        return False
    return bool(message.get("type") == "http.disconnect")


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

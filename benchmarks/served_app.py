"""ASGI apps for the served benchmark, and a launcher for each candidate server.

``python -m benchmarks.served_app SERVER APP PORT``: SERVER is ``own`` (the emulator's own server,
mocks/http11.py, with no ASGI in between), uvicorn-h11, uvicorn-httptools, hypercorn or granian;
APP is ``trivial`` (a fixed JSON body) or ``emulator`` (a ready account with fixed credentials and
rate limits off).
"""

from __future__ import annotations

import sys
from typing import Any

FIXED = b'{"id":"fixed","userName":"fixed@example.com","active":true}'
CREDENTIALS = {"account_id": "bench-account", "client_id": "bench-client", "client_secret": "bench-secret"}


async def trivial(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(FIXED)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": FIXED})


def emulator(port: int) -> Any:
    from mocks import ZoomEmulator

    zoom = ZoomEmulator()
    url = f"http://127.0.0.1:{port}"
    zoom.set_base_urls(url, url)
    zoom.settings.rate_limits = False
    zoom.ready_account(**CREDENTIALS)
    return zoom


def emulator_app(port: int) -> Any:
    from mocks.serving.asgi import EmulatorASGI

    return EmulatorASGI(emulator(port))


def _serve_own(app_name: str, port: int) -> None:
    """The emulator (or a handler answering a fixed body) on mocks/http11.py, as `serve` runs it."""
    import gc

    from mocks.core.mounting import Mounted, Outcome
    from mocks.core.wire import Answer
    from mocks.serving.server import bind, serve_forever

    class Trivial(Mounted):
        answer = Answer(200, [(b"content-type", b"application/json"), (b"content-length", str(len(FIXED)).encode())],
                        FIXED)  # fmt: skip
        max_body_bytes = 1_000_000  # type: ignore[assignment]

        def dispatch(self, request: Any) -> Outcome:
            return Outcome(self.answer)

    handler = Trivial() if app_name == "trivial" else emulator(port)
    gc.collect()
    gc.freeze()
    serve_forever(handler, bind("127.0.0.1", port))


def _granian_emulator() -> Any:  # granian imports the app by name
    import os

    return emulator_app(int(os.environ["BENCH_PORT"]))


def main() -> None:
    server, app_name, port_text = sys.argv[1:4]
    port = int(port_text)
    if server == "own":
        _serve_own(app_name, port)
        return
    if server == "granian":
        import os

        from granian import Granian
        from granian.constants import Interfaces

        os.environ["BENCH_PORT"] = port_text
        target = "benchmarks.served_app:trivial" if app_name == "trivial" else "benchmarks.served_app:_granian_emulator"
        Granian(
            target, address="127.0.0.1", port=port, interface=Interfaces.ASGI, workers=1,
            factory=app_name != "trivial", log_enabled=False,
        ).serve()  # fmt: skip
        return
    app = trivial if app_name == "trivial" else emulator_app(port)
    if server == "hypercorn":
        import asyncio

        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        config = Config()
        config.bind = [f"127.0.0.1:{port}"]
        config.accesslog = None
        asyncio.run(serve(app, config))
        return
    import uvicorn

    http, loop = ("h11", "asyncio") if server == "uvicorn-h11" else ("httptools", "uvloop")
    uvicorn.run(app, host="127.0.0.1", port=port, http=http, loop=loop, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

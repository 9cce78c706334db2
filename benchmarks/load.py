"""A small HTTP/1.1 keep-alive load generator for loopback benchmarks (bounded in time).

``python -m benchmarks.load --port P --path /x --seconds 3 --connections 32 [--method POST --body T]``
prints ``{"requests": n, "errors": n, "sent": n, "rps": x, "p99_ms": x}``, where requests and rps count
successful answers, errors the failed answers and closed connections, sent every request written, and
p99_ms the 99th percentile of the answers' latency.
``{n}`` in the body template is replaced by a counter, so that each create is a new user.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time


async def _connection(
    args: argparse.Namespace, deadline: float, counter: list[int], errors: list[int], latencies: list[float]
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    done = 0
    headers = "".join(f"{h}\r\n" for h in args.header)
    try:
        while time.monotonic() < deadline:
            counter[0] += 1
            body = args.body.replace("{n}", str(counter[0])).encode() if args.body else b""
            head = (
                f"{args.method} {args.path} HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\n{headers}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            sent = time.perf_counter()
            writer.write(head.encode() + body)
            status_line = await reader.readline()
            if not status_line:  # the server closed the connection: count it and open another
                errors[0] += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
                continue
            length, chunked = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                await _read_chunks(reader)
            elif length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - sent)
            if int(status_line.split()[1]) >= 400:
                errors[0] += 1
            else:
                done += 1
    finally:
        writer.close()
    return done


async def _read_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        await reader.readexactly(size + 2)  # the chunk and its CRLF (the last: just CRLF)
        if size == 0:
            return


async def _run(args: argparse.Namespace) -> dict[str, float]:
    deadline = time.monotonic() + args.seconds
    counter, errors, latencies = [args.start], [0], []
    began = time.monotonic()
    results = await asyncio.gather(
        *(_connection(args, deadline, counter, errors, latencies) for _ in range(args.connections))
    )
    elapsed = time.monotonic() - began
    total = sum(results)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0.0
    return {"requests": total, "errors": errors[0], "sent": counter[0] - args.start, "rps": total / elapsed,
            "p99_ms": p99}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default="")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(_run(args))))


if __name__ == "__main__":
    main()

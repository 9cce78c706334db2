"""Recordings of the exchanges with Zoom, for ``zoom-harness drift``.

A recording is a folder: ``recording.json`` says where Zoom was (token URL, API base URL), and one
or more ``exchanges*.jsonl`` files hold one exchange a line, in the order they happened, with every
secret redacted before it is written (the journal's redaction). Each line is flushed as it is
written, so a run that dies keeps what it had recorded.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx

from harness import __version__
from harness.errors import HarnessError
from mocks.core.journal import redact_body, redact_headers, redact_url

META = "recording.json"


@dataclass(frozen=True)
class RecordedExchange:
    seq: int
    time: float
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int
    response_headers: dict[str, str]
    response_body: str

    def json_body(self, which: str) -> Any:
        text = self.request_body if which == "request" else self.response_body
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text


class Recorder:
    """An httpx response hook that appends each exchange to ``FOLDER/exchanges[-NAME].jsonl``."""

    def __init__(self, folder: Path, *, token_url: str, api_base_url: str, name: str = "") -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            meta = folder / META
            if not meta.exists():
                document = {"token_url": token_url, "api_base_url": api_base_url, "harness": __version__,
                            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
                meta.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
            self._file: TextIO = (folder / f"exchanges{'-' + name if name else ''}.jsonl").open("a", encoding="utf-8")
        except OSError as error:
            raise HarnessError(f"cannot record into {folder}: {error.strerror}") from None
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        with self._lock:
            self._seq += 1
            line = {
                "seq": self._seq,
                "time": time.time(),
                "method": request.method,
                "url": redact_url(str(request.url)),
                "request_headers": redact_headers(request.headers),
                "request_body": redact_body(request.content, request.headers.get("content-type", "")),
                "status": response.status_code,
                "response_headers": redact_headers(response.headers),
                "response_body": redact_body(response.content, response.headers.get("content-type", "")),
            }
            self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self._file.flush()

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class Recording:
    token_url: str
    api_base_url: str
    exchanges: list[RecordedExchange]

    @classmethod
    def load(cls, folder: Path) -> Recording:
        meta = folder / META
        if not meta.is_file():
            raise HarnessError(f"{folder} is not a recording (no {META}); make one with --record {folder}")
        try:
            document = json.loads(meta.read_text(encoding="utf-8"))
            exchanges = []
            for path in sorted(folder.glob("exchanges*.jsonl")):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if line.strip():
                        exchanges.append((path.name, number, RecordedExchange(**json.loads(line))))
        except (OSError, ValueError, TypeError) as error:
            raise HarnessError(f"{folder}: a broken recording ({error})") from None
        if not exchanges:
            raise HarnessError(f"{folder} holds no recorded exchange")
        # Several files (one per test worker) interleave by time.
        exchanges.sort(key=lambda found: (found[2].time, found[0], found[2].seq))
        return cls(document["token_url"], document["api_base_url"], [e for _, _, e in exchanges])

"""The emulator's own readings of a request agree with the standard library's and httpx's: a query
split as ``parse_qsl`` splits it, a header found whatever its case, a SCIM filter read as the
reference expression reads it, a body's JSON read as json reads it; and an answer reaches an
in-process client as httpx's own ``Response(content=...)`` would."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mocks.api.routing import decode_json
from mocks.api.scim import _USER_FILTERS, _parse_filter
from mocks.core.errors import ScimError
from mocks.core.wire import Answer, Headers, QueryParams, to_httpx

#: Pieces a query is made of, encoded or not, valid or not (a stray ``%``, an escape of a UTF-8
#: sequence cut in two, a raw byte past ASCII).
QUERY_PIECES = [b"a", b"B", b"=", b"&", b"+", b"%", b"%2", b"%2B", b"%e9", b"%c3%a9", b"%ZZ", b";", b" ", b"\xe9", b"~"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=14).map(b"".join))
def test_a_query_is_split_and_unquoted_as_parse_qsl_does(query: bytes) -> None:
    expected = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    assert QueryParams.parse(query).multi_items() == expected


def test_a_query_parameter_reads_its_first_value_and_blank_values_are_kept() -> None:
    params = QueryParams.parse(b"filter=userName+eq+%22a%40b.com%22&count=&count=5&flag")
    assert params.get("filter") == 'userName eq "a@b.com"'
    assert params.get("count") == ""
    assert params.get("flag") == ""
    assert params.get("missing", "none") == "none"


@pytest.mark.parametrize("lowered", [False, True])
def test_a_header_is_found_whatever_its_case_and_repeats_are_joined(lowered: bool) -> None:
    raw = [(b"host", b"h"), (b"accept", b"a/b"), (b"x-long-name-too", b"1"), (b"accept", b"c/d")]
    if not lowered:
        raw = [(b"Host", b"h"), (b"ACCEPT", b"a/b"), (b"X-Long-Name-Too", b"1"), (b"Accept", b"c/d")]
    headers = Headers(tuple(raw), lowered=lowered)
    assert headers.get("Accept") == "a/b, c/d"
    assert headers.get("x-long-name-too") == "1"
    assert headers.get("authorization", "none") == "none"


#: The filter expression the emulator's pattern replaced: read case-insensitively, one character
#: at a time; the emulator must read every expression as this one does.
REFERENCE_FILTER = re.compile(r'^\s*(\w+)\s+eq\s+(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$', re.IGNORECASE)
FILTER_PIECES = ['"', "\\", '\\"', " ", "\t", "\n", "a", "x@y.com", "é", "eq", "EQ"]


def _by_reference(expression: str) -> tuple[str, str] | None:
    found = REFERENCE_FILTER.match(expression)
    if found is None or found.group(1).lower() not in _USER_FILTERS:
        return None
    quoted, bare = found.group(2), found.group(3)
    return _USER_FILTERS[found.group(1).lower()], quoted.replace('\\"', '"') if quoted is not None else bare


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from(["userName eq ", " username EQ  ", "externalId\teq\t", "userName", "title eq "]),
    st.lists(st.sampled_from(FILTER_PIECES), max_size=10).map("".join),
)
def test_a_filter_is_read_as_the_reference_expression_reads_it(head: str, tail: str) -> None:
    expression = head + tail
    expected = _by_reference(expression)
    if expected is None:
        with pytest.raises(ScimError) as refused:
            _parse_filter(expression, _USER_FILTERS)
        assert refused.value.status == 400
        assert refused.value.detail == f"The current filter does not support the filter name: {expression}"
    else:
        assert _parse_filter(expression, _USER_FILTERS) == expected


_JSON = b'{"id":"u1","userName":"a@example.com"}'
_GZIPPED = gzip.compress(_JSON)
#: Answers as the emulator and the proxy make them: framed JSON, no body, an empty body, a body
#: Zoom sent gzipped (the proxy keeps the encoding), one without a length, names not lowered.
ANSWERS = {
    "framed": Answer(201, ((b"content-type", b"application/json"), (b"content-length", b"%d" % len(_JSON))), _JSON),
    "no body": Answer(204, ((b"x-zm-trackingid", b"v=2.0"),)),
    "empty": Answer(200, ((b"content-length", b"0"),), b""),
    "gzipped": Answer(200, [(b"Content-Encoding", b"gzip"), (b"content-length", b"%d" % len(_GZIPPED))], _GZIPPED),
    "unframed": Answer(200, [(b"content-type", b"application/json")], _JSON),
    "mixed case": Answer(200, [(b"Content-Type", b"application/json"), (b"Content-Length", b"%d" % len(_JSON))], _JSON),
}


def _as_read(response: httpx.Response) -> dict[str, Any]:
    """What a client can observe of a response it received whole."""
    seen: dict[str, Any] = {
        "status": response.status_code,
        "headers": response.headers.multi_items(),
        "content": response.content,
        "text": response.text,
        "closed": response.is_closed,
        "consumed": response.is_stream_consumed,
        "downloaded": response.num_bytes_downloaded,
        "chunks": list(response.iter_bytes(chunk_size=7)),
    }
    try:
        seen["raw"] = list(response.iter_raw())
    except httpx.StreamConsumed as error:
        seen["raw"] = type(error).__name__
    try:
        seen["elapsed"] = response.elapsed is not None
    except RuntimeError as error:
        seen["elapsed"] = str(error)
    return seen


@pytest.mark.parametrize("name", ANSWERS)
def test_an_answer_reaches_a_client_as_httpx_content_would(name: str) -> None:
    answer = ANSWERS[name]

    def reference(request: httpx.Request) -> httpx.Response:
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

    def emulated(request: httpx.Request) -> httpx.Response:
        return to_httpx(answer, request)

    seen = []
    for handler in (reference, emulated):
        with httpx.Client(transport=httpx.MockTransport(handler)) as client:
            whole = _as_read(client.get("https://api.zoom.us/scim2/Users"))
            with client.stream("GET", "https://api.zoom.us/scim2/Users") as streamed:
                whole["streamed"] = list(streamed.iter_bytes())

        async def read_async(handler: Any = handler) -> tuple[bytes, bool]:
            async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
                response = await client.get("https://api.zoom.us/scim2/Users")
                return await response.aread(), response.is_closed

        whole["async"] = asyncio.run(read_async())
        seen.append(whole)
    assert seen[0] == seen[1]
    assert seen[1]["content"] == (b"" if name in ("no body", "empty") else _JSON)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_a_body_is_read_as_json_reads_it(value: Any) -> None:
    """Integers of any size stay integers of the same value (orjson reads those past 64 bits as
    floats), floats keep their value, text its characters."""
    body = json.dumps(value).encode()
    assert json.dumps(decode_json(body)) == json.dumps(json.loads(body))


def test_a_body_json_reads_and_orjson_refuses_is_read_as_json_reads_it() -> None:
    for body in (b'{"n": NaN}', '{"a": "é"}'.encode("utf-16"), b"[-9223372036854775809, 18446744073709551616]"):
        assert json.dumps(decode_json(body)) == json.dumps(json.loads(body))

"""Routes of the emulator: which handler answers which method and path, and what it needs.

Each handler module declares its routes with :func:`route` into its own :class:`Routes` table;
the emulator joins the tables. A route carries its rate-limit label and the classic and granular
scopes that Zoom accepts for it (reference §2.3), so that checks live in one place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import orjson

from mocks.core.errors import EmulatorError, ScimError, ZoomAPIError
from mocks.core.wire import Answer, QueryParams, WireRequest
from mocks.state.models import Account, Token
from mocks.state.settings import EmulatorSettings
from mocks.state.zoom_state import ZoomState

Family = Literal["oauth", "scim", "rest", "control"]

JSON_TYPE = "application/json;charset=UTF-8"
_JSON_TYPE = JSON_TYPE.encode()


@dataclass(slots=True)
class Reply:
    status: int = 200
    #: A JSON-able body, or ``bytes`` already encoded as JSON (cached renderings).
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    #: The body's media type: JSON, unless a handler answers a page.
    media_type: bytes = _JSON_TYPE


@dataclass(slots=True)
class Call:
    """One request as a handler sees it."""

    request: WireRequest
    state: ZoomState
    params: dict[str, str]
    family: Family
    api_base: str
    token: Token | None = None
    #: The emulator itself, for the control routes (clock, faults, journal).
    emulator: Any = None
    _body: Any = field(default=None, init=False)
    _parsed: bool = field(default=False, init=False)
    _account: Account | None = field(default=None, init=False)

    @property
    def query(self) -> QueryParams:
        return self.request.params

    @property
    def settings(self) -> EmulatorSettings:
        return self.state.settings

    @property
    def account(self) -> Account:
        """The token's account, looked up once per call."""
        if self._account is None:
            assert self.token is not None, "route declared without a token"
            self._account = self.state.account(self.token.account_id)
        return self._account

    def json(self, *, required: bool = True) -> Any:
        """The body as JSON, or the family's 400 when it is not a JSON document."""
        if not self._parsed:
            self._body = self._parse()
            self._parsed = True
        if self._body is None and required:
            raise _bad_body(self.family, "The request JSON must not be empty.")
        return self._body

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if not isinstance(body, dict):
            raise _bad_body(self.family, "The request body must be a JSON object.")
        return body

    def _parse(self) -> Any:
        content = self.request.content
        if not content.strip():
            return None
        content_type = self.request.headers.get("content-type", "application/json").lower()
        if "json" not in content_type:
            raise _bad_body(self.family, "The request body must be in JSON format.")
        try:
            return decode_json(content)
        except (ValueError, UnicodeDecodeError):
            raise _bad_body(self.family, "The request body must be in JSON format.") from None


def _bad_body(family: Family, detail: str) -> EmulatorError:
    if family == "scim":
        return ScimError(400, detail, "invalidSyntax")
    # Zoom's REST wording for any body that is not a JSON object (reference §4).
    return ZoomAPIError(400, 300, "Request Body should be a valid JSON object.")


Handler = Callable[[Call], Reply]


def render(reply: Reply, *first: tuple[bytes, bytes]) -> Answer:
    """A reply as header lines and bytes (``first`` lines lead); a JSON body is encoded and framed."""
    if reply.headers:
        first += tuple((k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in reply.headers.items())
    if reply.body is None:
        return Answer(reply.status, first)
    content = reply.body if isinstance(reply.body, bytes) else encode_json(reply.body)
    return Answer(
        reply.status, (*first, (b"content-type", reply.media_type), (b"content-length", b"%d" % len(content))), content
    )


#: A run of digits that may be an integer past 64 bits (a negative one from 19 digits): orjson
#: reads those as floats, silently, so a body holding one is read by json. Found by turning every
#: digit into a 0 and looking for 19 of them (a regex search cost four times orjson's read).
_ZEROED_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def decode_json(content: bytes) -> Any:
    """A request body's JSON: orjson for the common case (a create's body in a fifth of json's
    time); what it refuses (NaN, UTF-16) or rounds (integers past 64 bits) goes to json, the
    reference."""
    if _LONG_NUMBER not in content.translate(_ZEROED_DIGITS):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return json.loads(content)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as Zoom writes it; orjson is an order of magnitude faster than json on
    the served hot path (a user rendered for every create)."""
    return orjson.dumps(value)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    family: Family
    #: Rate-limit label; ``None`` for routes Zoom does not rate-limit (token host, control).
    label: str | None = None
    #: Scopes that admit a token (any one suffices); empty means no bearer token is needed.
    scopes: frozenset[str] = frozenset()
    #: The granular names, listed in a 4711 answer.
    granular: tuple[str, ...] = ()


class Routes:
    def __init__(self, family: Family) -> None:
        self.family = family
        self.table: list[Route] = []

    def route(
        self,
        method: str,
        template: str,
        name: str,
        *,
        label: str | None = None,
        classic: tuple[str, ...] = (),
        granular: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)

        def register(handler: Handler) -> Handler:
            self.table.append(
                Route(
                    name=name,
                    method=method,
                    template=template,
                    pattern=re.compile(f"^{regex}/?$"),
                    handler=handler,
                    family=self.family,
                    label=label,
                    scopes=frozenset(classic + granular),
                    granular=granular,
                )
            )
            return handler

        return register


_PARAM = re.compile(r"\{(\w+)\}")
_T = TypeVar("_T")


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


class Router:
    """Which route answers a call: the first, in the tables' order, whose method and path match.

    Trying each route's pattern in order is the rule (:meth:`_scan`); two lookups give its answer
    faster for the paths that carry the load: a literal path's matches are found once, when the
    router is made, and a path that ends in an id looks its prefix up (one split); either then
    looks the method up. A path with an id inside (``/v2/users/{user_id}/status``) is scanned.
    """

    def __init__(self, *tables: Routes) -> None:
        self.routes = [route for table in tables for route in table.table]
        self._by_segment: dict[str, list[Route]] = {}
        for route in self.routes:
            self._by_segment.setdefault(_first_segment(route.template), []).append(route)
        self._literal = {r.template: _by_method(self._scan(r.template)) for r in self.routes if "{" not in r.template}
        # Paths as long as a template with an id inside could match it too: those are scanned.
        inner = {r.template.count("/") for r in self.routes if "{" in r.template.rpartition("/")[0]}
        by_prefix: dict[str, list[tuple[Route, str]]] = {}
        for route in self.routes:
            prefix, _, last = route.template.rpartition("/")
            if "{" not in prefix and _PARAM.fullmatch(last) and route.template.count("/") not in inner:
                by_prefix.setdefault(prefix, []).append((route, last[1:-1]))
        self._by_prefix = {prefix: _by_method(pairs) for prefix, pairs in by_prefix.items()}

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], list[str]]:
        """The route for a call and its path parameters, or None and the methods the path allows."""
        # One trailing slash names the same resource (the patterns' ``/?``).
        literal = self._literal.get(path[:-1] if len(path) > 1 and path[-1] == "/" else path)
        if literal is not None:
            chosen, allowed = literal
            hit = chosen.get(method)
            return (hit[0], hit[1], []) if hit is not None else (None, {}, allowed)
        prefix, _, last = path.rpartition("/")
        ids = self._by_prefix.get(prefix) if last else None
        if ids is not None:
            named, allowed = ids
            id_hit = named.get(method)
            return (id_hit[0], {id_hit[1]: last}, []) if id_hit is not None else (None, {}, allowed)
        found = self._scan(path)
        for route, params in found:
            if route.method == method:
                return route, params, []
        return None, {}, [route.method for route, _ in found]

    def _scan(self, path: str) -> list[tuple[Route, dict[str, str]]]:
        """Every route whose pattern matches the path, in order, with its parameters."""
        return [(route, found.groupdict()) for route in self._by_segment.get(_first_segment(path), ())
                if (found := route.pattern.match(path))]  # fmt: skip


def _by_method(matches: list[tuple[Route, _T]]) -> tuple[dict[str, tuple[Route, _T]], list[str]]:
    """The first match of each method, and every method matched, in order."""
    chosen: dict[str, tuple[Route, _T]] = {}
    for route, extra in matches:
        chosen.setdefault(route.method, (route, extra))
    return chosen, [route.method for route, _ in matches]

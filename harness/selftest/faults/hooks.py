"""How faults reach what they break: one emulator route's handler wrapped (its answers read and edited),
or one call of the provisioner's own client while it runs one of its steps."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from harness.provisioner.engine import Provisioner
from harness.selftest.faults.catalogue import Patch
from mocks.api import control, oauth, rest, scim
from mocks.api.routing import Call, Reply, Route

CLASSIC_SCOPES = ("user:master", "user:read:admin", "user:write:admin", "account:master", "account:read:admin",
            "account:write:admin", "scim2")  # fmt: skip

_TABLES = {"scim": scim.routes, "rest": rest.routes, "oauth": oauth.routes, "control": control.routes}


def wrap_route(
    mp: pytest.MonkeyPatch,
    name: str,
    *,
    before: Callable[[Call], None] | None = None,
    after: Callable[[Call, Reply], Reply] | None = None,
    instead: Callable[[Call], Reply] | None = None,
) -> None:
    """Replace the handler of the route called ``name`` (the table entry, so every emulator built
    while the patch holds uses it)."""
    routes = _TABLES[name.split(".", 1)[0]]
    table = list(routes.table)
    index = next(i for i, route in enumerate(table) if route.name == name)
    original: Route = table[index]

    def handler(call: Call) -> Reply:
        if instead is not None:
            return instead(call)
        if before is not None:
            before(call)
        reply = original.handler(call)
        return after(call, reply) if after is not None else reply

    table[index] = dataclasses.replace(original, handler=handler)
    mp.setattr(routes, "table", table)


def handler_of(name: str) -> Callable[[Call], Reply]:
    """A route's own handler, as the emulator has it before any fault."""
    return next(route.handler for route in _TABLES[name.split(".", 1)[0]].table if route.name == name)


def reply_body(reply: Reply) -> Any:
    import json

    return json.loads(reply.body) if isinstance(reply.body, bytes) else reply.body


def edit_body(edit: Callable[[Any], None]) -> Callable[[Call, Reply], Reply]:
    def after(call: Call, reply: Reply) -> Reply:
        body = reply_body(reply)
        if reply.status < 400 and body is not None:
            edit(body)
        return Reply(reply.status, body, reply.headers)

    return after


def within(method: str, attribute: str, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Patch:
    """Patch: while the provisioner runs ``method``, its own client's ``attribute`` is ``wrap`` of
    the real one (the harness's observing clients keep the real one)."""

    def apply(mp: pytest.MonkeyPatch) -> None:
        original = getattr(Provisioner, method)

        def run(self: Provisioner, *args: Any, **kwargs: Any) -> Any:
            setattr(self.client, attribute, wrap(getattr(self.client, attribute)))
            try:
                return original(self, *args, **kwargs)
            finally:
                delattr(self.client, attribute)

        mp.setattr(Provisioner, method, run)

    return apply

"""The router's lookups (literal paths, one split for a trailing id) answer as the rule they speed
up: the first route, in the tables' order, whose pattern matches the path and whose method is the
call's; when no route's method is the call's, the methods of the routes matched are the ones a 405 lists."""

from __future__ import annotations

import itertools
import re

from mocks.api import control, oauth, rest, scim
from mocks.api.routing import Route, Router, Routes

TABLES = (scim.routes, rest.routes, oauth.routes, control.routes)
#: Segments of the route templates, an id, an empty one and one a pattern's ``$`` lets through.
SEGMENTS = ["", "scim2", "Users", "v2", "users", "email", "status", "u1", "marketplace", "apps", "_emulator",
            "oauth", "token", "x\n"]  # fmt: skip
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _by_rule(routes: list[Route], method: str, path: str) -> tuple[str | None, dict[str, str], list[str]]:
    allowed: list[str] = []
    for route in routes:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.method == method:
            return route.name, found.groupdict(), []
        allowed.append(route.method)
    return None, {}, allowed


def _paths(router: Router) -> set[str]:
    """Every path of up to three known segments, and each template with its ids replaced by an id,
    a segment of another template or nothing; each also with one and two trailing slashes."""
    paths = {"/" + "/".join(c) for depth in (1, 2, 3) for c in itertools.product(SEGMENTS, repeat=depth)}
    for route in router.routes:
        parts = re.split(r"\{\w+\}", route.template)
        for values in itertools.product(["u1", "email", "apps", "users", ""], repeat=len(parts) - 1):
            paths.add("".join(p + v for p, v in zip(parts, [*values, ""], strict=True)))
    return {path + tail for path in paths for tail in ("", "/", "//")}


def _assert_routed_by_rule(router: Router, paths: set[str]) -> None:
    for path in paths:
        for method in METHODS:
            route, params, allowed = router.match(method, path)
            assert (route and route.name, params, allowed) == _by_rule(router.routes, method, path), (method, path)


def test_every_path_is_routed_as_the_patterns_route_it() -> None:
    router = Router(*TABLES)
    _assert_routed_by_rule(router, _paths(router))


def test_a_literal_path_still_reaches_an_id_route_for_its_other_methods() -> None:
    router = Router(*TABLES)
    route, _, _ = router.match("GET", "/v2/users/email")
    assert route is not None and route.name == "rest.users.email"
    route, params, _ = router.match("DELETE", "/v2/users/email")
    assert route is not None and route.name == "rest.users.delete" and params == {"user_id": "email"}


def test_a_template_with_an_id_inside_keeps_its_place_before_an_id_route_of_the_same_length() -> None:
    table = Routes("rest")
    declared = [("GET", "/v2/{kind}/summary", "kind.summary"), ("GET", "/v2/users/{user_id}", "user"),
                ("DELETE", "/v2/users/{user_id}", "user.delete")]  # fmt: skip
    for method, template, name in declared:
        table.route(method, template, name)(lambda call: None)  # type: ignore[arg-type,return-value]
    router = Router(table)
    route, params, _ = router.match("GET", "/v2/users/summary")
    assert route is not None and route.name == "kind.summary" and params == {"kind": "users"}
    _assert_routed_by_rule(router, {"/v2/users/summary", "/v2/users/u1", "/v2/groups/summary", "/v2/users/summary/"})

"""The dashboard: one page under the control surface that shows a served emulator (or proxy) as it
works, and what the page reads.

``GET /_emulator/dashboard`` is a self-contained page (no build step, nothing fetched from another
site: the machine may be offline) that polls ``/_emulator/overview`` and the journal's newest
exchanges (``/_emulator/journal?after=N&limit=K``) once a second while it is visible, and injects
or clears faults and moves the clock through the control routes. It carries no token: a browser
reaches it through the login form and its session cookie (:mod:`mocks.core.control_guard`), and
everything it shows is redacted as the journal is (tokens by their app and times, never their
values; no client secret).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict
from importlib import resources
from itertools import chain, islice
from typing import Any

from mocks.api import oauth, rest, scim
from mocks.api.control import clock_view
from mocks.api.faults import Faults
from mocks.api.routing import Call, Reply, Routes
from mocks.core.clock import Clock, iso
from mocks.core.control_guard import CONTROL_PREFIX
from mocks.core.journal import Journal

routes = Routes("control")
DASHBOARD_PATH = f"{CONTROL_PREFIX}/dashboard"
#: Rows of users (and of groups) one overview lists at most; the counts are always whole.
DEFAULT_ROWS, MAX_ROWS = 100, 1_000
#: Tokens listed, newest first.
TOKEN_ROWS = 50

PAGE = resources.files("mocks.api").joinpath("dashboard.html").read_bytes()
_SCRIPT = re.search(rb"<script>(.*?)</script>", PAGE, re.S)
assert _SCRIPT is not None, "dashboard.html has its script inline"
#: The page runs its own inline script and nothing else: the script is allowed by its hash.
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.group(1)).digest()).decode()
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; style-src 'unsafe-inline'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
}
#: The names a fault can take (the form offers them): every route of Zoom's two hosts.
ROUTE_NAMES = sorted({route.name for table in (oauth.routes, scim.routes, rest.routes) for route in table.table})


@routes.route("GET", DASHBOARD_PATH, "control.dashboard")
def dashboard(call: Call) -> Reply:
    return Reply(200, PAGE, PAGE_HEADERS, b"text/html; charset=utf-8")


def rows_asked(call: Call) -> tuple[str, int]:
    """The overview's search text (lower case) and how many rows it lists."""
    limit = call.query.get("limit", "")
    rows = min(int(limit), MAX_ROWS) if limit.isdigit() and int(limit) > 0 else DEFAULT_ROWS
    return call.query.get("q", "").strip().lower(), rows


@routes.route("GET", f"{CONTROL_PREFIX}/overview", "control.overview")
def overview(call: Call) -> Reply:
    """Everything the dashboard shows of an emulator but the journal, in one read."""
    state, emulator = call.state, call.emulator
    now = state.clock.now()
    search, rows = rows_asked(call)
    with state.lock:
        accounts = [_account(call, account) for account in state.accounts.values()]
        apps = [_app(app) for app in state.apps.values() if app.status != "deleted"]
        tokens = list(islice(reversed(state.tokens.values()), TOKEN_ROWS))  # issued order: the newest first
        token_count = len(state.tokens)
        # Newest first; without a search only the rows shown are visited (a load test makes tens of
        # thousands of users, and the page asks every second).
        users = chain.from_iterable(reversed(state.users(account).values()) for account in state.accounts)
        groups = chain.from_iterable(state.groups(account).values() for account in state.accounts)
        user_count = sum(a["users"] for a in accounts)
        group_count = sum(a["groups"] for a in accounts)
        if search:
            found_users = [u for u in users if search in _user_text(u)]
            found_groups = [g for g in groups if search in g.display_name.lower()]
            users_found, groups_found = len(found_users), len(found_groups)
        else:
            found_users, found_groups = list(islice(users, rows)), list(islice(groups, rows))
            users_found, groups_found = user_count, group_count
        plans = {account.id: account.plan for account in state.accounts.values()}
    return Reply(200, {
        **shared_view("emulator", state.clock, emulator.faults, emulator.journal),
        "accounts": accounts,
        "apps": apps,
        "tokens": {"count": token_count, "rows": [_token(t, now) for t in tokens]},
        "users": {"count": user_count, "found": users_found, "rows": [_user(u) for u in found_users[:rows]]},
        "groups": {"count": group_count, "found": groups_found, "rows": [_group(g) for g in found_groups[:rows]]},
        "rate_limits": {"on": state.settings.rate_limits, "counters": emulator.rate_limiter.counters(plans, now)},
        "settings": asdict(state.settings),
    })  # fmt: skip


def shared_view(kind: str, clock: Clock, faults: Faults, journal: Journal) -> dict[str, Any]:
    """What the overview of an emulator and of a proxy both give: which one it is, its clock, the
    faults in force, how many exchanges its journal keeps, and the route names a fault can take."""
    return {"kind": kind, "clock": clock_view(clock), "faults": [fault.to_dict() for fault in faults.rules()],
            "journal": {"kept": len(journal)}, "routes": ROUTE_NAMES}  # fmt: skip


def _account(call: Call, account: Any) -> dict[str, Any]:
    return {"id": account.id, "plan": account.plan, "sso_enabled": account.sso_enabled,
            "managed_domains": account.managed_domains, "users": len(call.state.users(account.id)),
            "groups": len(call.state.groups(account.id))}  # fmt: skip


def _app(app: Any) -> dict[str, Any]:
    return {"id": app.id, "account_id": app.account_id, "name": app.name, "client_id": app.client_id,
            "status": app.status, "scope_family": app.scope_family, "scopes": app.scopes}  # fmt: skip


def _token(token: Any, now: float) -> dict[str, Any]:
    """A token by its app and times: never its value."""
    state = "revoked" if token.revoked else "expired" if token.expires_at <= now else "live"
    return {"app_id": token.app_id, "account_id": token.account_id, "scopes": sorted(token.scopes),
            "issued": iso(token.issued_at), "expires": iso(token.expires_at), "state": state}  # fmt: skip


def _user_text(user: Any) -> str:
    return f"{user.id} {user.user_name} {user.display_name} {user.given_name} {user.family_name}".lower()


def _user(user: Any) -> dict[str, Any]:
    return {"id": user.id, "account_id": user.account_id, "user_name": user.user_name,
            "name": " ".join(n for n in (user.given_name, user.family_name) if n), "user_type": user.user_type,
            "status": user.status, "role": user.role, "created": iso(user.created)}  # fmt: skip


def _group(group: Any) -> dict[str, Any]:
    return {"id": group.id, "account_id": group.account_id, "display_name": group.display_name,
            "members": len(group.members)}  # fmt: skip

"""Who may use the control surface (``/_emulator``): whoever holds its token.

A served emulator or proxy has a control token (generated per server, or given). A program sends it
as ``Authorization: Bearer <token>``; a browser logs in once through the form at
``/_emulator/login`` and then carries a session cookie (HttpOnly, SameSite=Strict, path
``/_emulator``), so the token never appears in a URL or on a page. Control calls are not journaled,
and the journal redacts Authorization and Cookie headers wherever they appear.

An in-process emulator has no token unless one is set: nothing outside its process reaches it.
A refused call changes nothing: the guard answers before any handler runs.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections import OrderedDict
from html import escape
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, quote

from mocks.core.wire import Answer, RawHeaders, WireRequest, json_answer

CONTROL_PREFIX = "/_emulator"
LOGIN_PATH = f"{CONTROL_PREFIX}/login"
LOGOUT_PATH = f"{CONTROL_PREFIX}/logout"
COOKIE_NAME = "zoom_emulator_session"
#: Where a login lands when the form names no page of the control surface: the dashboard.
DEFAULT_LANDING = f"{CONTROL_PREFIX}/dashboard"
#: Browser sessions kept at once; the oldest is forgotten first.
MAX_SESSIONS = 64
_PAGE_HEADERS: RawHeaders = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"),
]
_REALM = (b"www-authenticate", b'Bearer realm="zoom-harness control"')


def bearer_headers(token: str | None) -> dict[str, str]:
    """The headers a call to the control surface carries (none where there is no token)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def new_control_token() -> str:
    """A fresh token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class ControlGuard:
    """The control surface's door: ``check`` lets a call through (None) or answers it."""

    def __init__(self, token: str | None = None) -> None:
        self._token = token
        self._sessions: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ControlGuard({'guarded' if self._token else 'open'})"

    @property
    def guarded(self) -> bool:
        return self._token is not None

    @property
    def token(self) -> str | None:
        """The token itself, for the process that serves (to hand to its own clients)."""
        return self._token

    def set_token(self, token: str | None) -> None:
        """Guard with this token (None: open); every browser session ends."""
        with self._lock:
            self._token = token
            self._sessions.clear()

    # -- the door -------------------------------------------------------------------------

    def check(self, request: WireRequest) -> Answer | None:
        """None when the call under ``/_emulator`` may go on; otherwise the answer to give: the login
        form, a login's result, a logout, or a 401 in the emulator's error shape."""
        path = request.path
        if path == LOGIN_PATH:
            return self._login(request)
        if path == LOGOUT_PATH and request.method == "POST":
            return self._logout(request)
        if self._token is None or self._admits(request):
            return None
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            # A browser asking for a page: the login form first, then back here.
            target = path + (f"?{request.query.decode('latin-1')}" if request.query else "")
            return Answer(303, [(b"location", f"{LOGIN_PATH}?next={quote(target, safe='/')}".encode())])
        sent = request.headers.get("authorization", "")
        why = "the control token sent is not this server's" if sent else "no control token was sent"
        refusal = json_answer(401, {"code": 401, "message": f"The control surface needs its token: {why}. Send "
                                    "it as 'Authorization: Bearer <token>' (zoom-harness serve writes it to a file "
                                    "only its owner can read, and says where)."})  # fmt: skip
        return Answer(401, [*refusal.headers, _REALM], refusal.body)

    def _admits(self, request: WireRequest) -> bool:
        token = self._token
        assert token is not None
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode()):
            return True
        session = _session_of(request)
        with self._lock:
            return session is not None and session in self._sessions

    # -- browser sessions -----------------------------------------------------------------

    def _login(self, request: WireRequest) -> Answer:
        if request.method == "GET":
            landing = _landing(request.params.get("next"))
            if self._token is None or self._admits(request):
                return Answer(303, [(b"location", landing.encode())])
            return _page(200, landing, "")
        if request.method != "POST":
            return json_answer(405, {"code": 405, "message": "Method Not Allowed"})
        form = parse_qs(request.content.decode("utf-8", "replace"), keep_blank_values=True)
        landing = _landing((form.get("next") or [None])[0])
        given = (form.get("token") or [""])[0].strip()
        token = self._token
        if token is not None and not hmac.compare_digest(given.encode(), token.encode()):
            return _page(401, landing, "That is not this server's control token.")
        session = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session] = None
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        secure = "; Secure" if request.base.startswith("https:") else ""
        cookie = f"{COOKIE_NAME}={session}; Path={CONTROL_PREFIX}; HttpOnly; SameSite=Strict{secure}"
        return Answer(303, [(b"location", landing.encode()), (b"set-cookie", cookie.encode()),
                            (b"cache-control", b"no-store")])  # fmt: skip

    def _logout(self, request: WireRequest) -> Answer:
        session = _session_of(request)
        with self._lock:
            if session is not None:
                self._sessions.pop(session, None)
        cookie = f"{COOKIE_NAME}=; Path={CONTROL_PREFIX}; HttpOnly; SameSite=Strict; Max-Age=0"
        return Answer(303, [(b"location", LOGIN_PATH.encode()), (b"set-cookie", cookie.encode())])


def _session_of(request: WireRequest) -> str | None:
    header = request.headers.get("cookie")
    if not header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def _landing(asked: str | None) -> str:
    """Where a login goes next: a page of the control surface, never another site (``//host``)."""
    if asked and asked.startswith(CONTROL_PREFIX + "/") and "//" not in asked and "\\" not in asked:
        return asked
    return DEFAULT_LANDING


def _page(status: int, landing: str, problem: str) -> Answer:
    notice = f'<p class="problem">{escape(problem)}</p>' if problem else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Zoom emulator: control surface</title>
<style>body{{font:15px system-ui,sans-serif;max-width:28em;margin:4em auto;color:#222}}
input{{font:inherit;padding:.4em;width:100%;box-sizing:border-box;margin:.3em 0 1em}}
button{{font:inherit;padding:.4em 1.2em}}.problem{{color:#a00}}</style></head>
<body><h1>Control surface</h1>
<p>Give the control token this server wrote for you (see what <code>zoom-harness serve</code> printed).</p>
{notice}<form method="post" action="{LOGIN_PATH}">
<label for="token">Control token</label>
<input id="token" name="token" type="password" autocomplete="off" autofocus required>
<input type="hidden" name="next" value="{escape(landing)}">
<button type="submit">Sign in</button></form></body></html>
""".encode()
    return Answer(status, [*_PAGE_HEADERS, (b"content-length", b"%d" % len(body))], body)

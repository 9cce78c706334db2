"""``zoom-harness drift``: replay a recording against a fresh emulator and report, per route, where
the emulator no longer agrees with what was recorded.

The recorded requests are sent in order to a new in-process emulator whose account holds an app
with the recorded token's scopes. Recorded ids are mapped to the emulator's as its answers reveal
them (a create's ``id``), and base URLs are compared as ``{api}``. For each exchange it compares
the status, Zoom's error code and wording, the headers Zoom's clients read (rate-limit values
included), the body's shape (keys and types) and its values, leaving out what differs on every
call (ids, tokens, timestamps, versions, page tokens). An unfiltered list is compared by shape
only: a real account holds users the emulator never saw.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from harness.errors import HarnessError
from harness.targets.recording import RecordedExchange, Recording
from mocks import EmulatorSettings, ZoomEmulator
from mocks.api.scim import user_fields
from mocks.core.errors import ScimError

#: Headers Zoom's clients read: compared by presence.
ZOOM_HEADERS = (
    "content-type", "location", "retry-after", "x-ratelimit-category", "x-ratelimit-type", "x-ratelimit-limit",
    "x-ratelimit-remaining", "x-zm-trackingid",
)  # fmt: skip
#: ... and of those, the ones whose values must match.
VALUE_HEADERS = ("content-type", "x-ratelimit-category", "x-ratelimit-type", "x-ratelimit-limit")
#: Zoom's error fields across its three wire shapes (REST, SCIM, OAuth).
ERROR_FIELDS = ("code", "message", "detail", "scimType", "error", "reason")
#: Values that differ on every call; compared by type only.
VOLATILE = frozenset(
    {"id", "access_token", "created", "lastModified", "version", "created_at", "user_created_at", "next_page_token",
     "last_login_time", "app_id", "client_id", "account_id"}
)  # fmt: skip
_LISTS = ("/scim2/Users", "/scim2/Groups", "/v2/users")
_ID_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,}")
_ZOOM_ID = re.compile(r"^[A-Za-z0-9_\-]{16,}$")
MISSING = "absent"
PRESENT = "present"


@dataclass(frozen=True)
class Difference:
    route: str
    kind: str  # status, error, header, shape or value
    path: str
    recorded: Any
    replayed: Any

    def describe(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.kind}{where}: recorded {_show(self.recorded)}, replayed {_show(self.replayed)}"


def _show(value: Any) -> str:
    return value if value in (MISSING, PRESENT) else json.dumps(value, ensure_ascii=False)


@dataclass
class DriftReport:
    replayed: int = 0
    skipped: list[str] = field(default_factory=list)
    #: Route -> how many exchanges of it were replayed.
    routes: dict[str, int] = field(default_factory=dict)
    #: Each difference -> the recorded sequence numbers (in replay order) where it showed.
    differences: dict[Difference, list[int]] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.differences

    def drifting_routes(self) -> dict[str, list[Difference]]:
        found: dict[str, list[Difference]] = {}
        for difference in self.differences:
            found.setdefault(difference.route, []).append(difference)
        return found

    def to_dict(self) -> dict[str, Any]:
        drifting = self.drifting_routes()
        routes = [
            {"route": route, "exchanges": count,
             "differences": [{**asdict(d), "at": self.differences[d]} for d in drifting.get(route, [])]}
            for route, count in self.routes.items()
        ]  # fmt: skip
        return {"clean": self.clean, "replayed": self.replayed, "skipped": self.skipped, "routes": routes}

    def lines(self) -> list[str]:
        out = [f"Replayed {self.replayed} exchanges of {len(self.routes)} routes against a fresh emulator."]
        out += [f"  skipped: {reason}" for reason in self.skipped]
        drifting = self.drifting_routes()
        for route, count in self.routes.items():
            differences = drifting.get(route)
            if not differences:
                out.append(f"  same   {route} ({count} exchanges)")
                continue
            out.append(f"  DRIFT  {route} ({count} exchanges)")
            for difference in differences:
                seen = self.differences[difference]
                out.append(f"         {difference.describe()} (exchange {seen[0]}, {len(seen)} times)")
        out.append("DRIFT: the emulator disagrees with the recording." if drifting else "CLEAN: no route differs.")
        return out


def apply_settings(settings: EmulatorSettings, changes: dict[str, Any]) -> None:
    """Set emulator switches by name, refusing unknown names and values of the wrong type."""
    known = {f.name: type(getattr(settings, f.name)) for f in fields(settings)}
    for name, value in changes.items():
        if name not in known:
            raise HarnessError(f"unknown emulator setting {name!r}; known: {', '.join(sorted(known))}")
        if type(value) is not known[name]:
            raise HarnessError(f"emulator setting {name} takes a {known[name].__name__}, not {value!r}")
        setattr(settings, name, value)


class Replayer:
    def __init__(self, recording: Recording, *, settings: dict[str, Any] | None = None, plan: str = "Business") -> None:
        self.recording = recording
        self.emulator = ZoomEmulator()
        apply_settings(self.emulator.settings, settings or {})
        # The emulator's clock follows the recording's, so that rate-limit windows and token
        # lifetimes see the calls spaced as they were.
        self.emulator.clock.freeze()
        self._last_time: float | None = None
        scopes = _recorded_scopes(recording)
        self.credentials = self.emulator.ready_account(
            plan=plan, domain=_recorded_domain(recording), scopes=scopes or None
        )
        self.http = httpx.Client(transport=self.emulator.transport())
        self.ids: dict[str, str] = {}
        #: Emulator ids of the users the account had before the recording (seen, never created).
        self._adopted: set[str] = set()
        self.token: str | None = None
        self.report = DriftReport()

    def run(self) -> DriftReport:
        for exchange in self.recording.exchanges:
            self._replay(exchange)
        self.http.close()
        return self.report

    # -- one exchange ----------------------------------------------------------------------

    def _replay(self, exchange: RecordedExchange) -> None:
        if self._last_time is not None and exchange.time > self._last_time:
            self.emulator.clock.advance(exchange.time - self._last_time)
        self._last_time = exchange.time
        recorded_url = exchange.url
        if recorded_url.startswith(self.recording.token_url):
            if exchange.status != 200:
                self.report.skipped.append(
                    f"exchange {exchange.seq}: a refused token request (its credentials are redacted)"
                )
                return
            self._map_account(exchange)
            response = self._token_response()
            route = f"{exchange.method} /oauth/token"
        elif recorded_url.startswith(self.recording.api_base_url):
            if exchange.status == 401:
                self.report.skipped.append(f"exchange {exchange.seq}: a refused token cannot be replayed (redacted)")
                return
            if exchange.method == "GET" and exchange.status == 200 and "/scim2/Users" in recorded_url:
                self._adopt(exchange.json_body("response"))
            relative = self._map_ids(recorded_url[len(self.recording.api_base_url) :])
            route = f"{exchange.method} {self._template(urlsplit(relative).path)}"
            response = self._api_response(exchange, relative)
        else:
            self.report.skipped.append(f"exchange {exchange.seq}: {exchange.method} outside Zoom's hosts")
            return
        self.report.replayed += 1
        self.report.routes[route] = self.report.routes.get(route, 0) + 1
        listing = exchange.method == "GET" and urlsplit(recorded_url).path.endswith(_LISTS)
        unfiltered = listing and "filter" not in dict(parse_qsl(urlsplit(recorded_url).query))
        recorded = self._normalized(self._map_ids(exchange.response_body), self.recording.api_base_url)
        replayed = self._normalized(response.text, self.emulator.api_base_url)
        if not unfiltered:
            self._learn(recorded, replayed)
            recorded = self._normalized(self._map_ids(exchange.response_body), self.recording.api_base_url)
        for difference in _compare(route, exchange, response, recorded, replayed, values=not unfiltered):
            self.report.differences.setdefault(difference, []).append(exchange.seq)

    def _token_response(self) -> httpx.Response:
        creds = self.credentials
        data = {"grant_type": "account_credentials", "account_id": creds.account_id}
        response = self.http.post(creds.token_url, data=data, auth=(creds.client_id, creds.client_secret))
        if response.status_code == 200:
            self.token = response.json()["access_token"]
        return response

    def _api_response(self, exchange: RecordedExchange, relative: str) -> httpx.Response:
        headers = {k: v for k, v in exchange.request_headers.items() if k.lower() in ("content-type", "accept")}
        if any(k.lower() == "authorization" for k in exchange.request_headers):
            if self.token is None:
                self._token_response()
            headers["Authorization"] = f"Bearer {self.token}"
        body = self._map_ids(exchange.request_body).encode() if exchange.request_body else None
        return self.http.request(exchange.method, self.emulator.api_base_url + relative, headers=headers, content=body)

    def _adopt(self, answer: Any) -> None:
        """Users a recorded read shows that the replay never created were in the account before
        the recording: the emulator gets them as the recording saw them (a later, fuller read
        completes them)."""
        lenient = EmulatorSettings(strict_unknown_fields=False, single_role=False)
        state, account = self.emulator.state, self.credentials.account_id
        for resource in _user_resources(answer):
            known = self.ids.get(resource["id"])
            if known is not None and known not in self._adopted:
                continue  # created during the replay: its answers are what is compared
            try:
                fields = user_fields(resource, lenient, resource["userName"])
            except ScimError:
                continue
            status = "active" if fields.pop("status", "active") == "active" else "inactive"
            if known is None:
                if state.email_taken(resource["userName"]):
                    continue
                known = state.create_user(account, resource["userName"], **fields).id
                self.ids[resource["id"]] = known
                self._adopted.add(known)
            else:
                state.update_user(account, known, **fields)
            state.user(account, known).status = status  # as seen, whatever the role rules say

    # -- ids and URLs ----------------------------------------------------------------------

    def _map_account(self, exchange: RecordedExchange) -> None:
        query = dict(parse_qsl(urlsplit(exchange.url).query))
        query.update(dict(parse_qsl(exchange.request_body)))
        account = query.get("account_id")
        if account:
            self.ids.setdefault(account, self.credentials.account_id)

    def _map_ids(self, text: str) -> str:
        if not self.ids or not text:
            return text
        return _ID_TOKEN.sub(lambda found: self.ids.get(found.group(0), found.group(0)), text)

    def _learn(self, recorded: Any, replayed: Any) -> None:
        """Pair the ids a recorded answer holds with the replayed answer's, at the same places."""
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            for key, value in recorded.items():
                other = replayed.get(key)
                if key in ("id", "app_id") and isinstance(value, str) and isinstance(other, str):
                    self.ids.setdefault(value, other)
                else:
                    self._learn(value, other)
        elif isinstance(recorded, list) and isinstance(replayed, list):
            for pair in zip(recorded, replayed, strict=False):
                self._learn(*pair)

    def _template(self, path: str) -> str:
        known = set(self.ids.values())
        segments = ["{id}" if s in known or _ZOOM_ID.match(s) else s for s in path.split("/")]
        return "/".join(segments)

    @staticmethod
    def _normalized(text: str, base: str) -> Any:
        text = text.replace(base, "{api}")
        try:
            return json.loads(text) if text else None
        except ValueError:
            return text


def _user_resources(answer: Any) -> list[dict[str, Any]]:
    items = answer.get("Resources", [answer]) if isinstance(answer, dict) else []
    return [
        i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str) and isinstance(i.get("userName"), str)
    ]


def _recorded_scopes(recording: Recording) -> list[str]:
    for exchange in recording.exchanges:
        if exchange.url.startswith(recording.token_url) and exchange.status == 200:
            scope = (exchange.json_body("response") or {}).get("scope")
            if isinstance(scope, str):
                return scope.split()
    return []


def _recorded_domain(recording: Recording) -> str:
    for exchange in recording.exchanges:
        body = exchange.json_body("request")
        if isinstance(body, dict) and isinstance(body.get("userName"), str) and "@" in body["userName"]:
            return body["userName"].rpartition("@")[2]
    return "example.com"


# -- comparing one exchange ------------------------------------------------------------------


def _compare(
    route: str, exchange: RecordedExchange, response: httpx.Response, recorded: Any, replayed: Any, *, values: bool
) -> list[Difference]:
    out: list[Difference] = []
    if exchange.status != response.status_code:
        out.append(Difference(route, "status", "", exchange.status, response.status_code))
    if exchange.status >= 400 or response.status_code >= 400:
        mine = recorded if isinstance(recorded, dict) else {}
        theirs = replayed if isinstance(replayed, dict) else {}
        for name in ERROR_FIELDS:
            if mine.get(name, MISSING) != theirs.get(name, MISSING):
                out.append(Difference(route, "error", name, mine.get(name, MISSING), theirs.get(name, MISSING)))
    if out:
        return out  # the shapes of a different answer tell nothing more
    recorded_headers = {k.lower(): v for k, v in exchange.response_headers.items()}
    for name in ZOOM_HEADERS:
        mine, theirs = recorded_headers.get(name, MISSING), response.headers.get(name, MISSING)
        if (mine == MISSING) != (theirs == MISSING):
            out.append(Difference(route, "header", name, PRESENT if mine != MISSING else MISSING,
                                  PRESENT if theirs != MISSING else MISSING))  # fmt: skip
        elif name in VALUE_HEADERS and _header_value(mine) != _header_value(theirs):
            out.append(Difference(route, "header", name, mine, theirs))
    _walk(route, recorded, replayed, "", values, out)
    return out


def _header_value(value: str) -> str:
    return value.replace(" ", "").lower()


def _kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}.get(
        type(value), "null"
    )


def _walk(route: str, recorded: Any, replayed: Any, path: str, values: bool, out: list[Difference]) -> None:
    if _kind(recorded) != _kind(replayed):
        out.append(Difference(route, "shape", path, _kind(recorded), _kind(replayed)))
        return
    if isinstance(recorded, dict):
        for key in [*recorded, *(k for k in replayed if k not in recorded)]:
            where = f"{path}.{key}" if path else key
            if key not in replayed or key not in recorded:
                out.append(Difference(route, "shape", where, PRESENT if key in recorded else MISSING,
                                      PRESENT if key in replayed else MISSING))  # fmt: skip
            else:
                _walk(route, recorded[key], replayed[key], where, values and key not in VOLATILE, out)
    elif isinstance(recorded, list):
        if values and len(recorded) != len(replayed):
            out.append(Difference(route, "value", f"{path} length", len(recorded), len(replayed)))
        if values:
            for mine, theirs in zip(recorded, replayed, strict=False):
                _walk(route, mine, theirs, f"{path}[]", values, out)
        elif recorded and replayed:
            # Unaligned elements (an unfiltered list): compare the shape of all of them at once.
            _walk(route, _merged(recorded), _merged(replayed), f"{path}[]", values, out)
    elif values and recorded != replayed:
        out.append(Difference(route, "value", path, recorded, replayed))


def _merged(items: list[Any]) -> Any:
    """One value with the shape of every element: objects merge their keys, recursively."""
    if not all(isinstance(item, dict) for item in items):
        return items[0]
    merged: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            merged[key] = _merged([merged[key], value]) if key in merged else value
    return merged


def drift(recording: Recording, *, settings: dict[str, Any] | None = None, plan: str = "Business") -> DriftReport:
    return Replayer(recording, settings=settings, plan=plan).run()

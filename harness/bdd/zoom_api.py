"""What Zoom holds and answers, asked directly through its API, for the steps' assertions: users by
the scenario's names, SCIM and REST calls with Zoom's answer kept, what the system under test sent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from harness.bdd.session import Names
from harness.bdd.zoom_side import ZoomSide
from harness.provisioner.mapping import scim_body
from harness.zoom.scim_names import CORE_USER, PATCH_OP, USERS_PATH, is_control
from mocks.api import scim

if TYPE_CHECKING:
    from harness.certify.evidence import Exchange


@dataclass
class ObservedAnswer:
    """One Zoom answer as a step asserts on it."""

    status: int
    body: Any
    headers: httpx.Headers

    @classmethod
    def of(cls, response: httpx.Response) -> ObservedAnswer:
        try:
            body: Any = response.json() if response.content else None
        except ValueError:
            body = response.text
        return cls(response.status_code, body, response.headers)


class ZoomApi:
    def __init__(self, zoom: ZoomSide, names: Names) -> None:
        self.zoom = zoom
        self.names = names
        #: Zoom's answer to the last call made here.
        self.last_answer: ObservedAnswer | None = None
        #: Users created in Zoom directly, by the scenario's name: their Zoom IDs.
        self.seeded: dict[str, str] = {}
        #: The pages of the last listing.
        self.pages: list[dict[str, Any]] = []
        #: The Zoom ID of the last user deleted through the API.
        self.deleted_id: str | None = None

    # -- users by the scenario's names ----------------------------------------------------

    def user(self, name: str) -> dict[str, Any] | None:
        """What Zoom holds for a user: found by username, then read whole (list results are thinner)."""
        listed = self.zoom.client.find_user(self.names.email(name))
        return None if listed is None else self.zoom.client.get_user(listed["id"])

    def user_id(self, name: str) -> str:
        listed = self.zoom.client.find_user(self.names.email(name))
        assert listed is not None, f"{name} is not in Zoom"
        return str(listed["id"])

    def seed_user(self, name: str, /, **attributes: Any) -> dict[str, Any]:
        """A user created in Zoom directly, as if someone had made it before the connector."""
        body = {"schemas": [CORE_USER], "userName": self.names.email(name), **attributes}
        user = self.zoom.client.create_user(body)
        self.seeded[name] = user["id"]
        return user

    def seed_user_with(self, name: str, fields: dict[str, str]) -> dict[str, Any]:
        """A user created in Zoom directly, holding the supported fields given by their labels."""
        body = scim_body(dict(fields))
        body.pop("schemas")
        return self.seed_user(name, **body)

    def give_role(self, name: str, role: str) -> None:
        """Make a user an Admin or Owner: in the emulator's state; in front of a real Zoom, the
        proxy answers every write to the user as Zoom answers one to an Admin or Owner."""
        user = self.user(name)
        assert user is not None, f"{name} is not in Zoom"
        if self.zoom.control is not None:
            self.zoom.control.set_user(self.zoom.target.account_id, user["id"], role=role)
            return
        for method in ("PATCH", "PUT", "DELETE"):
            self.zoom.answer_as(scim.protected_role_refusal(role), route="scim.users.*", method=method,
                                path=f"{USERS_PATH}/{user['id']}")  # fmt: skip

    def delete(self, name: str) -> ObservedAnswer:
        """Delete a user through SCIM, keeping its ID to ask for it afterwards."""
        self.deleted_id = self.user_id(name)
        return self.scim("DELETE", f"{USERS_PATH}/{self.deleted_id}")

    # -- calls with Zoom's answer kept ----------------------------------------------------

    def scim(self, method: str, path: str, **kwargs: Any) -> ObservedAnswer:
        self.last_answer = ObservedAnswer.of(self.zoom.client.send(method, path, **kwargs))
        return self.last_answer

    def scim_set_active(self, name: str, active: bool) -> ObservedAnswer:
        """PATCH ``active`` as the connector does, keeping Zoom's answer whatever it is."""
        patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": {"active": active}}]}
        return self.scim("PATCH", f"{USERS_PATH}/{self.user_id(name)}", json=patch)

    def scim_set_roles(self, name: str, roles: list[dict[str, Any]]) -> ObservedAnswer:
        body = {"schemas": [CORE_USER], "roles": roles}
        return self.scim("PUT", f"{USERS_PATH}/{self.user_id(name)}", json=body)

    def scim_user(self, name: str) -> ObservedAnswer:
        return self.scim("GET", f"{USERS_PATH}/{self.user_id(name)}")

    def rest_user(self, name: str) -> ObservedAnswer:
        return self.scim("GET", f"/v2/users/{self.user_id(name)}")

    def rest_update_with_own_id(self, name: str, **fields: str) -> ObservedAnswer:
        """A REST update as third-party clients send it: the user's own id in the body."""
        user_id = self.user_id(name)
        return self.scim("PATCH", f"/v2/users/{user_id}", json={"id": user_id, **fields})

    def list_pages(self, count: int, *, attempts: int = 5) -> list[dict[str, Any]]:
        """Every page of SCIM users, ``count`` at a time from index 1. On a real account other
        processes may add or remove users meanwhile, shifting the pages: a listing whose pages
        disagree on the total is taken again, so that the pages are one view of the account."""
        for _ in range(attempts):
            pages, start = [], 1
            while True:
                page = self.scim("GET", USERS_PATH, params={"startIndex": start, "count": count}).body
                assert page["startIndex"] == start, page
                pages.append(page)
                start += count
                if start > page["totalResults"] or not page["Resources"]:
                    break
            if len({page["totalResults"] for page in pages}) == 1:
                break
        self.pages = pages
        return pages

    def raw(self, method: str, path: str, *, token: str | None, **kwargs: Any) -> ObservedAnswer:
        """An API call with a chosen bearer token (or none), bypassing the client's auth."""
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        response = self.zoom.client.http.request(
            method, f"{self.zoom.target.api_base_url}{path}", headers=headers, auth=None, **kwargs
        )  # fmt: skip
        self.last_answer = ObservedAnswer.of(response)
        return self.last_answer

    # -- what was sent --------------------------------------------------------------------

    def exchanges(self, since: int = 0) -> list[Exchange]:
        """Exchanges with Zoom itself, not with the emulator's control surface."""
        return [e for e in self.zoom.evidence.exchanges[since:] if not is_control(e.url)]

    def writes_since(self, since: int) -> list[Exchange]:
        recent = self.exchanges(since)
        return [e for e in recent if e.method in ("POST", "PUT", "PATCH", "DELETE") and "/oauth/" not in e.url]

    def sent_for(self, name: str, method: str = "POST") -> list[dict[str, Any]]:
        """The JSON bodies of the SCIM user requests sent for a user (creations by default)."""
        email = self.names.email(name)
        bodies = []
        for exchange in self.exchanges():
            if exchange.method != method or USERS_PATH not in exchange.url or not exchange.request_body:
                continue
            body = json.loads(exchange.request_body)
            if method == "POST" and body.get("userName") != email:
                continue
            bodies.append(body)
        return bodies

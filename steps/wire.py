"""What Zoom's SCIM2 API calls each supported field: the test oracle of the steps, written from
Zoom's SCIM2 reference independently of the harness's own mapping code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
#: Where each supported field travels in a SCIM user body, as Zoom's SCIM2 API names it: the
#: top-level attribute that carries it, and the field's value in a body.
WIRE: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "Username": ("userName", lambda b: b.get("userName")),
    "Email": ("emails", lambda b: next((e.get("value") for e in b.get("emails", []) if e.get("primary")), None)),
    "Given Name": ("name", lambda b: b.get("name", {}).get("givenName")),
    "Family Name": ("name", lambda b: b.get("name", {}).get("familyName")),
    "Title": ("title", lambda b: b.get("title")),
    "Locale": ("locale", lambda b: b.get("locale")),
    "User Type": ("userType", lambda b: b.get("userType")),
    "Phone": ("phoneNumbers", lambda b: [p.get("value") for p in b.get("phoneNumbers", [])]),
    "Roles": ("roles", lambda b: [r.get("value") for r in b.get("roles", [])]),
    "Department": (ENTERPRISE, lambda b: b.get(ENTERPRISE, {}).get("department")),
    "Organization": (ENTERPRISE, lambda b: b.get(ENTERPRISE, {}).get("organization")),
}
#: Fields Zoom holds as a list: the Gherkin's one value is the list's only one.
LISTED = {"Phone", "Roles"}


def on_wire(field: str, value: str) -> Any:
    return [value] if field in LISTED else value

"""SCIM's names as Zoom's SCIM2 API uses them (RFC 7643/7644), and what tells a call's kind apart.

The emulator keeps its own copy (``mocks`` imports nothing of the harness) and the steps theirs
(``steps/wire.py``, an oracle written apart from the harness on purpose).
"""

from __future__ import annotations

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USERS_PATH = "/scim2/Users"
#: The served emulator's and the proxy's control surface: not a call to Zoom.
CONTROL_PATH = "/_emulator/"


def is_user_create(method: str, url_or_path: str) -> bool:
    """A SCIM user creation: ``POST /scim2/Users``."""
    return method == "POST" and url_or_path.endswith(USERS_PATH)


def is_control(url: str) -> bool:
    """A call to the emulator's or the proxy's control surface, not to Zoom itself."""
    return CONTROL_PATH in url

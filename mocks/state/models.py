"""The emulator's state: accounts, Marketplace apps, tokens, users and groups.

No HTTP here (moto's split): these classes hold Zoom's data and its rules, raise
:class:`StateError` subclasses when a rule refuses, and know nothing of wire shapes.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

PLANS = ("Free", "Pro", "Business", "Enterprise", "Education")
#: Zoom's SCIM2 API needs a Business or Education account; Enterprise is Business and above.
SCIM_PLANS = frozenset({"Business", "Enterprise", "Education"})
USER_TYPES = ("Basic", "Licensed", "On-Prem")
#: REST ``type`` numbers; 3 is the legacy On-Prem ("Corp") value, 4 and 99 have no SCIM name.
USER_TYPE_CODES = {"Basic": 1, "Licensed": 2, "On-Prem": 3}
#: The built-in roles and their ids; the Owner and Admin roles are protected (reference §3.8).
ROLES = ("Owner", "Admin", "Member")
ROLE_IDS = {"Owner": "0", "Admin": "1", "Member": "2"}
PROTECTED_ROLES = frozenset({"Owner", "Admin"})
USER_STATUSES = ("active", "inactive", "pending")
APP_STATUSES = ("created", "activated", "deactivated", "deleted")


def role_id(role: str) -> str:
    """A role's id: "0", "1" or "2" for the built-in roles; [I] a custom role's id is its name."""
    return ROLE_IDS.get(role, role)


def builtin_role(value: str) -> str | None:
    """The built-in role a value names, by name (any case) or by id; None for any other value."""
    for name, number in ROLE_IDS.items():
        if value == number or value.lower() == name.lower():
            return name
    return None


def new_id() -> str:
    """A 22-character id shaped like Zoom's (URL-safe base64 of 16 random bytes). An id is no
    secret: random bits serve (``os.urandom`` is a system call, dear on a served create); client
    secrets and tokens stay with ``secrets``."""
    return base64.urlsafe_b64encode(random.getrandbits(128).to_bytes(16, "little")).rstrip(b"=").decode()


class StateError(Exception):
    """A Zoom rule refused an operation; the HTTP layer picks the wire shape."""


class NotFound(StateError):
    pass


class AlreadyExists(StateError):
    pass


class ProtectedRole(StateError):
    """Zoom will not deactivate or delete an Owner or Admin."""


class Invalid(StateError):
    def __init__(self, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class ActivationRefused(StateError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__("The app cannot be activated; missing: " + ", ".join(missing))
        self.missing = missing


@dataclass
class Account:
    id: str
    plan: str = "Business"
    sso_enabled: bool = True
    managed_domains: list[str] = field(default_factory=list)
    name: str = "Zoom account"
    owner_id: str | None = None

    @property
    def scim_ready(self) -> bool:
        return self.sso_enabled and self.plan in SCIM_PLANS


@dataclass
class App:
    """A Server-to-Server OAuth app as the Marketplace build flow leaves it."""

    id: str
    account_id: str
    name: str
    client_id: str
    client_secret: str = field(repr=False)
    created_at: float
    description: str = ""
    company_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    features: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    status: str = "created"
    #: Apps built before early 2024 hold classic scopes, apps built since then granular ones.
    scope_family: str = "classic"

    def missing_for_activation(self) -> list[str]:
        missing = []
        if not self.company_name.strip():
            missing.append("company name")
        if not self.contact_name.strip():
            missing.append("developer contact name")
        if not self.contact_email.strip():
            missing.append("developer contact email")
        if not self.scopes:
            missing.append("scopes")
        return missing


@dataclass
class Token:
    value: str = field(repr=False)
    app_id: str
    account_id: str
    scopes: frozenset[str]
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass
class User:
    id: str
    account_id: str
    user_name: str
    created: float
    last_modified: float
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    user_type: str = "Basic"
    status: str = "active"
    #: One role per user, shared by SCIM and REST: a built-in role's name or a custom role's.
    role: str = "Member"
    title: str = ""
    locale: str = ""
    phone_numbers: list[dict[str, str]] = field(default_factory=list)
    department: str = ""
    organization: str = ""
    cost_center: str = ""
    employee_number: str = ""
    manager: str = ""
    login_sso: bool = True
    login_work_email: bool = False
    #: The licence taken away by deactivation, kept for a later restore.
    held_user_type: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # Any change bumps the revision, which is the SCIM ``meta.version`` and keys cached
        # renderings (a field set directly from a script is seen as surely as one set by the API).
        # A field goes straight into the instance's dict (a create sets two dozen of them).
        if name not in _USER_FIELD_NAMES:
            object.__setattr__(self, name, value)
            return
        attributes = self.__dict__
        attributes[name] = value
        attributes["revision"] = attributes.get("revision", 0) + 1

    @classmethod
    def new(cls, **values: Any) -> User:
        """A user as ``User(...)`` makes it, without a ``__setattr__`` call per field (a create
        sets two dozen), at revision 1."""
        user = object.__new__(cls)
        attributes = user.__dict__
        attributes.update(_USER_DEFAULTS)
        for name, factory in _USER_FACTORIES:
            attributes[name] = factory()
        attributes.update(values)
        attributes["revision"] = 1
        return user

    @property
    def version(self) -> int:
        return int(self.__dict__["revision"])

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def protected(self) -> bool:
        return self.role in PROTECTED_ROLES

    def refresh_display_name(self) -> None:
        given, family = self.given_name, self.family_name
        self.display_name = f"{given} {family}" if given and family else given or family


_USER_FIELD_NAMES = frozenset(f.name for f in fields(User))
#: The fields' defaults and default factories, for ``User.new``.
_USER_DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(User) if f.default is not MISSING}
_USER_FACTORIES: list[tuple[str, Callable[[], Any]]] = [
    (f.name, f.default_factory) for f in fields(User) if f.default_factory is not MISSING
]


@dataclass
class Group:
    id: str
    account_id: str
    display_name: str
    created: float
    last_modified: float
    email_alias: str = ""
    members: list[str] = field(default_factory=list)


#: Fields a caller may set on a user, with the type each takes.
USER_FIELDS: dict[str, type | tuple[type, ...]] = {
    "given_name": str,
    "family_name": str,
    "display_name": str,
    "user_type": str,
    "role": str,
    "title": str,
    "locale": str,
    "phone_numbers": list,
    "department": str,
    "organization": str,
    "cost_center": str,
    "employee_number": str,
    "manager": str,
    "login_sso": bool,
    "login_work_email": bool,
}


def check_email(value: str, field_name: str) -> None:
    local, _, domain = value.partition("@")
    malformed = "@" in domain or "." not in domain or domain.startswith(".") or domain.endswith(".")
    if not local or malformed or " " in value:
        raise Invalid(f"{field_name} must be an email address", (field_name,))

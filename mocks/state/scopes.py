"""Zoom's two scope families (reference §2): classic names, and the granular names of apps built
since early 2024. An app holds scopes of one family; an endpoint admits a token holding any
listed scope of either family (the routes carry both)."""

from __future__ import annotations

from typing import Literal

ScopeFamily = Literal["classic", "granular"]
SCOPE_FAMILIES: tuple[ScopeFamily, ...] = ("classic", "granular")

#: The seven classic scopes the PingFederate setup page asks for, in its order.
PROVISIONING_SCOPES = (
    "user:master",
    "user:read:admin",
    "user:write:admin",
    "account:master",
    "account:read:admin",
    "account:write:admin",
    "scim2",
)

#: [I] The granular scopes that grant what each classic provisioning scope grants: the granular
#: names Zoom lists for the endpoints the classic scope covers (reference §2.2 and §2.3). The Ping
#: page names classic scopes only; a granular app needs every name of a row to do that row's work.
GRANULAR_EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "user:master": ("user:read:list_users:master", "user:read:user:master", "user:write:user:master"),
    "user:read:admin": ("user:read:list_users:admin", "user:read:user:admin"),
    "user:write:admin": (
        "user:write:user:admin",
        "user:update:user:admin",
        "user:update:status:admin",
        "user:delete:user:admin",
    ),
    "account:master": ("account:read:list_sub_accounts:master", "account:write:sub_account:master"),
    "account:read:admin": ("account:read:settings:admin",),
    "account:write:admin": ("account:update:settings:admin",),
    "scim2": ("scim2:admin",),
}

#: Classic names the emulator knows beyond the seven (user-level and Marketplace ones).
CLASSIC_SCOPES = frozenset(
    {*PROVISIONING_SCOPES, "user:read", "user:write", "marketplace_app:master", "meeting:read:admin"}
)
#: Granular names the emulator knows: the equivalents above and the names its routes accept.
GRANULAR_SCOPES = frozenset(
    {
        *(name for names in GRANULAR_EQUIVALENTS.values() for name in names),
        "user:read:user", "user:update:user", "user:delete:user", "user:update:status", "user:read:email",
        "user:read:email:admin", "user:read:summary:admin", "account:read:settings:master",
        "account:read:managed_domains:master", "marketplace:read:app", "marketplace:read:app:admin",
        "marketplace:read:list_apps:admin", "marketplace:write:app", "marketplace:write:app:admin",
        "marketplace:write:app:master", "marketplace:update:client_secret",
    }
)  # fmt: skip


def granular_provisioning_scopes() -> list[str]:
    """The granular equivalents of the seven classic scopes, in the page's order."""
    return [name for scope in PROVISIONING_SCOPES for name in GRANULAR_EQUIVALENTS[scope]]


def family_of(scope: str) -> ScopeFamily | None:
    """The family a scope name belongs to, or None for a name the emulator does not know."""
    if scope in CLASSIC_SCOPES:
        return "classic"
    if scope in GRANULAR_SCOPES:
        return "granular"
    return None


def infer_family(scopes: list[str] | tuple[str, ...]) -> ScopeFamily:
    """The family of an app built with these scopes: granular when it names a granular scope."""
    return "granular" if any(family_of(scope) == "granular" for scope in scopes) else "classic"

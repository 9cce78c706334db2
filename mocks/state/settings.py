"""Switches for the behaviours the reference leaves open or that tests want to change.

Every field marked [I] is an inference from ``zoom-api.md``: the default is the documented
inference, and the switch lets a run model the other reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _token_errors() -> dict[str, list[str]]:
    return {
        # [I] Zoom answers 400 for an unknown account ID (reported); the body is not captured.
        "wrong_account": ["invalid_request", "Invalid account_id"],
        # [I] The wording of Zoom's code 4717; the wire shape for a disabled app is not captured.
        "app_disabled": ["invalid_client", "The app has been disabled"],
        # [I] Code 4706's message; its wire shape is not captured.
        "client_missing": ["invalid_client", "Client ID or client secret is missing."],
    }


@dataclass
class EmulatorSettings:
    #: Seconds a token lives; Zoom documents 3600, and 3599 is also seen on the wire.
    token_ttl: int = 3600
    #: [I] Before Sep 2023 a new token invalidated the app's earlier ones; now several live at once.
    legacy_single_token: bool = False
    #: [I] Largest SCIM ``count``; undocumented, a public client pages by 100.
    scim_max_count: int = 100
    #: SCIM default page size when ``count`` is absent [I].
    scim_default_count: int = 100
    #: Largest REST ``page_size`` (300 historically documented).
    rest_max_page_size: int = 300
    #: REST ``next_page_token`` lifetime in seconds (documented: 15 minutes).
    next_page_token_ttl: int = 900
    #: Per-account rate limits by label and plan; off makes every call free.
    rate_limits: bool = True
    #: SSO enabled and a plan with SCIM (Business, Education, Enterprise) before any SCIM call.
    enforce_scim_prerequisites: bool = True
    #: [I] Zoom releases the licence on deactivation; whether activation alone restores it is
    #: unknown (the connector restores it itself since 1.2), so by default it does not.
    restore_licence_on_activate: bool = False
    #: [I] Refuse unknown top-level fields in SCIM user bodies with a 400 instead of ignoring them.
    strict_unknown_fields: bool = True
    #: REST ``PATCH /v2/users/{id}`` answered 204 to a body carrying ``id`` and ``email`` and left
    #: them alone (zoomus issue 124): fields it does not take are ignored. On: refused with a 400.
    strict_rest_update_fields: bool = False
    #: [I] Zoom holds one Roles value; more than one in a SCIM body is refused rather than cut.
    single_role: bool = True
    #: [I] A SCIM roles value that names no built-in role (Owner, Admin, Member, by name or id) is
    #: held as a custom role of that name; off: refused with a 400.
    custom_roles: bool = True
    #: [I] A Zoom user has one email, its userName. Other email values in a SCIM body are dropped
    #: (as Zoom drops email changes, reference §3.7); on: refused with a 400.
    refuse_extra_emails: bool = False
    #: ListUsers results leave out enterprise fields other than department that GetUser returns
    #: (devforum thread "Zoom SCIM API GetUser, ListUsers, CreateUser user profile consistency",
    #: 2024). On: list results carry every attribute, as GetUser does.
    scim_list_full_attributes: bool = False
    #: [I] Largest request body accepted (Zoom documents 100,000 characters for group PATCH).
    max_body_bytes: int = 1_000_000
    #: Entries kept in the request journal (oldest dropped first).
    journal_size: int = 10_000
    #: The token host's ``[error, reason]`` for the cases whose wire shape is not captured.
    token_errors: dict[str, list[str]] = field(default_factory=_token_errors)

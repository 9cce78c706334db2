"""Zoom's state as one store: accounts and their apps, tokens, users and groups, indexed for O(1)
lookups by id and by userName, and the rules Zoom applies when they change (no HTTP here)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from mocks.core.clock import Clock
from mocks.state.models import (
    PLANS,
    USER_FIELDS,
    USER_STATUSES,
    USER_TYPES,
    Account,
    ActivationRefused,
    AlreadyExists,
    App,
    Group,
    Invalid,
    NotFound,
    ProtectedRole,
    Token,
    User,
    check_email,
    new_id,
)
from mocks.state.scopes import SCOPE_FAMILIES, family_of, infer_family
from mocks.state.settings import EmulatorSettings


class ZoomState:
    """Everything the emulator knows, behind one lock so that threads may share it."""

    def __init__(self, clock: Clock | None = None, settings: EmulatorSettings | None = None) -> None:
        self.clock = clock or Clock()
        self.settings = settings or EmulatorSettings()
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.accounts: dict[str, Account] = {}
            self.apps: dict[str, App] = {}
            self._apps_by_client: dict[str, App] = {}
            self.tokens: dict[str, Token] = {}
            self._users: dict[str, dict[str, User]] = {}
            #: userName is unique across Zoom, case-insensitively (an email owned by another
            #: account conflicts too, reference §3.6).
            self._users_by_name: dict[str, User] = {}
            self._groups: dict[str, dict[str, Group]] = {}
            #: REST ``next_page_token`` -> (offset, expiry on the emulator clock).
            self.page_tokens: dict[str, tuple[int, float]] = {}

    # -- accounts -------------------------------------------------------------------------

    def create_account(
        self,
        *,
        account_id: str | None = None,
        plan: str = "Business",
        sso_enabled: bool = True,
        managed_domains: Iterable[str] = (),
        name: str = "Zoom account",
        owner_email: str | None = None,
    ) -> Account:
        if plan not in PLANS:
            raise Invalid(f"unknown plan {plan!r}; expected one of {', '.join(PLANS)}", ("plan",))
        with self.lock:
            account_id = account_id or new_id()
            if account_id in self.accounts:
                raise AlreadyExists(f"account {account_id} exists")
            account = Account(account_id, plan, sso_enabled, list(managed_domains), name)
            self.accounts[account_id] = account
            self._users[account_id] = {}
            self._groups[account_id] = {}
            if owner_email:
                owner = self.create_user(account_id, owner_email, role="Owner", user_type="Licensed")
                account.owner_id = owner.id
            return account

    def account(self, account_id: str) -> Account:
        try:
            return self.accounts[account_id]
        except KeyError:
            raise NotFound(f"account {account_id} does not exist") from None

    # -- Marketplace apps -----------------------------------------------------------------

    def create_app(self, account_id: str, name: str, **info: Any) -> App:
        if not name or not name.strip():
            raise Invalid("the app needs a name", ("app_name",))
        with self.lock:
            self.account(account_id)
            app = App(
                id=new_id(),
                account_id=account_id,
                name=name,
                client_id=info.pop("client_id", None) or new_id(),
                client_secret=info.pop("client_secret", None) or secrets.token_urlsafe(24),
                created_at=self.clock.now(),
            )
            if app.client_id in self._apps_by_client:
                raise AlreadyExists(f"client ID {app.client_id} is taken")
            self.apps[app.id] = app
            self._apps_by_client[app.client_id] = app
            info.setdefault("scope_family", infer_family(info.get("scopes", ())))
            self.update_app(app.id, **info)
            return app

    _APP_INFO = ("description", "company_name", "contact_name", "contact_email", "features", "scopes", "scope_family")

    def update_app(self, app_id: str, **info: Any) -> App:
        with self.lock:
            app = self.app(app_id)
            changes: dict[str, Any] = {}
            for key, value in info.items():
                if key not in self._APP_INFO:
                    raise Invalid(f"unknown app field {key!r}", (key,))
                changes[key] = list(dict.fromkeys(value)) if key in ("features", "scopes") else value
            family = changes.get("scope_family", app.scope_family)
            if family not in SCOPE_FAMILIES:
                raise Invalid(f"scope_family must be one of {', '.join(SCOPE_FAMILIES)}", ("scope_family",))
            _check_scope_family(changes.get("scopes", app.scopes), family)
            for key, value in changes.items():
                setattr(app, key, value)
            return app

    def app(self, app_id: str) -> App:
        app = self.apps.get(app_id)
        if app is None or app.status == "deleted":
            raise NotFound(f"app {app_id} does not exist")
        return app

    def app_by_client_id(self, client_id: str) -> App | None:
        return self._apps_by_client.get(client_id)

    def activate_app(self, app_id: str) -> App:
        with self.lock:
            app = self.app(app_id)
            missing = app.missing_for_activation()
            if missing:
                raise ActivationRefused(missing)
            app.status = "activated"
            return app

    def deactivate_app(self, app_id: str) -> App:
        with self.lock:
            app = self.app(app_id)
            app.status = "deactivated"
            self._revoke_app_tokens(app.id)
            return app

    def delete_app(self, app_id: str) -> None:
        with self.lock:
            app = self.app(app_id)
            app.status = "deleted"
            self._revoke_app_tokens(app.id)
            del self._apps_by_client[app.client_id]

    def rotate_secret(self, app_id: str) -> App:
        with self.lock:
            app = self.app(app_id)
            app.client_secret = secrets.token_urlsafe(24)
            return app

    def _revoke_app_tokens(self, app_id: str) -> None:
        for token in self.tokens.values():
            if token.app_id == app_id:
                token.revoked = True

    # -- tokens ---------------------------------------------------------------------------

    def issue_token(self, app: App) -> Token:
        with self.lock:
            if self.settings.legacy_single_token:
                self._revoke_app_tokens(app.id)
            now = self.clock.now()
            token = Token(
                # Zoom's tokens look like JWTs; clients must treat them as opaque strings.
                value="eyJ" + secrets.token_urlsafe(48),
                app_id=app.id,
                account_id=app.account_id,
                scopes=frozenset(app.scopes),
                issued_at=now,
                expires_at=now + self.settings.token_ttl,
            )
            self.tokens[token.value] = token
            return token

    def revoke_token(self, value: str) -> bool:
        with self.lock:
            token = self.tokens.get(value)
            if token is None:
                return False
            token.revoked = True
            return True

    def revoke_all_tokens(self) -> int:
        with self.lock:
            live = [t for t in self.tokens.values() if not t.revoked]
            for token in live:
                token.revoked = True
            return len(live)

    # -- users ----------------------------------------------------------------------------

    def users(self, account_id: str) -> dict[str, User]:
        try:
            return self._users[account_id]
        except KeyError:
            raise NotFound(f"account {account_id} does not exist") from None

    def iter_users(self, account_id: str, statuses: Iterable[str] | None = None) -> Iterator[User]:
        wanted = None if statuses is None else frozenset(statuses)
        for user in self.users(account_id).values():
            if wanted is None or user.status in wanted:
                yield user

    def user(self, account_id: str, user_id: str) -> User:
        user = self.users(account_id).get(user_id)
        if user is None:
            raise NotFound(user_id)
        return user

    def user_by_name(self, account_id: str, user_name: str) -> User | None:
        user = self._users_by_name.get(user_name.lower())
        if user is None or user.account_id != account_id:
            return None
        return user

    def email_taken(self, user_name: str) -> bool:
        return user_name.lower() in self._users_by_name

    def create_user(self, account_id: str, user_name: str, **fields: Any) -> User:
        check_email(user_name, "userName")
        with self.lock:
            users = self.users(account_id)
            if self.email_taken(user_name):
                raise AlreadyExists(user_name)
            now = self.clock.now()
            user = User.new(id=new_id(), account_id=account_id, user_name=user_name, created=now, last_modified=now)
            self._assign(user, fields)
            if "display_name" not in fields:
                user.refresh_display_name()
            users[user.id] = user
            self._users_by_name[user_name.lower()] = user
            return user

    def update_user(self, account_id: str, user_id: str, **fields: Any) -> User:
        with self.lock:
            user = self.user(account_id, user_id)
            status = fields.pop("status", None)
            # Reactivate before assigning, so that a licence sent with the reactivation lands on
            # the active user; deactivate after, so that it is held for a later restore.
            if status == "active":
                self.set_status(account_id, user_id, status)
            self._assign(user, fields)
            if ("given_name" in fields or "family_name" in fields) and "display_name" not in fields:
                user.refresh_display_name()
            if status is not None and status != "active":
                self.set_status(account_id, user_id, status)
            self._touch(user)
            return user

    def set_status(self, account_id: str, user_id: str, status: str) -> User:
        if status not in USER_STATUSES:
            raise Invalid(f"unknown status {status!r}", ("status",))
        with self.lock:
            user = self.user(account_id, user_id)
            if status == user.status:
                return user
            if user.protected and "inactive" in (status, user.status):
                raise ProtectedRole(user.role)
            if status == "inactive":
                # Deactivation releases the licence; keep it so that a later restore can use it.
                user.held_user_type = user.user_type
                user.user_type = "Basic"
            elif user.status == "inactive" and self.settings.restore_licence_on_activate:
                user.user_type = user.held_user_type or user.user_type
                user.held_user_type = None
            user.status = status
            self._touch(user)
            return user

    def delete_user(self, account_id: str, user_id: str) -> None:
        with self.lock:
            user = self.user(account_id, user_id)
            if user.protected:
                raise ProtectedRole(user.role)
            del self._users[account_id][user_id]
            del self._users_by_name[user.user_name.lower()]
            for group in self._groups[account_id].values():
                if user_id in group.members:
                    group.members.remove(user_id)

    def _assign(self, user: User, fields: dict[str, Any]) -> None:
        for key, value in fields.items():
            expected = USER_FIELDS.get(key)
            if expected is None:
                raise Invalid(f"unknown user field {key!r}", (key,))
            if not isinstance(value, expected):
                raise Invalid(f"{key} has the wrong type", (key,))
            if key == "user_type" and value not in USER_TYPES:
                raise Invalid(f"userType must be one of {', '.join(USER_TYPES)}", ("userType",))
            if key == "role" and not value.strip():
                raise Invalid("role must name a role", ("role",))
            setattr(user, key, value)
        if user.status == "inactive" and "user_type" in fields:
            # A licence given to a deactivated user is what a later reactivation restores.
            user.held_user_type = user.user_type
            user.user_type = "Basic"

    def _touch(self, user: User) -> None:
        user.last_modified = self.clock.now()

    # -- groups ---------------------------------------------------------------------------

    def groups(self, account_id: str) -> dict[str, Group]:
        self.account(account_id)
        return self._groups[account_id]

    def group(self, account_id: str, group_id: str) -> Group:
        group = self.groups(account_id).get(group_id)
        if group is None:
            raise NotFound(group_id)
        return group

    def create_group(
        self, account_id: str, display_name: str, *, email_alias: str = "", members: Iterable[str] = ()
    ) -> Group:
        if not display_name.strip():
            raise Invalid('The "DisplayName" of the request is invalid.', ("displayName",))
        with self.lock:
            groups = self.groups(account_id)
            if any(g.display_name.lower() == display_name.lower() for g in groups.values()):
                raise AlreadyExists(display_name)
            now = self.clock.now()
            group = Group(new_id(), account_id, display_name, now, now, email_alias)
            groups[group.id] = group
            self.set_members(account_id, group.id, add=members)
            return group

    def set_members(
        self, account_id: str, group_id: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> Group:
        with self.lock:
            group = self.group(account_id, group_id)
            for user_id in add:
                self.user(account_id, user_id)
                if user_id not in group.members:
                    group.members.append(user_id)
            for user_id in remove:
                if user_id in group.members:
                    group.members.remove(user_id)
            group.last_modified = self.clock.now()
            return group

    def delete_group(self, account_id: str, group_id: str) -> None:
        with self.lock:
            self.group(account_id, group_id)
            del self._groups[account_id][group_id]


def _check_scope_family(scopes: list[str], family: str) -> None:
    """An app holds scopes of its own family only, as the Marketplace's scope picker offers."""
    for scope in scopes:
        other = family_of(scope)
        if other is not None and other != family:
            raise Invalid(f"{scope} is a {other} scope; this app uses {family} scopes", ("scopes",))

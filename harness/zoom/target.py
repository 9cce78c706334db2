"""Where Zoom is and how to reach it: the three endpoint knobs plus the app's credentials.

Like PingOne's Zoom connection: a token URL, an API base URL and an account ID, with the client ID
and secret. Defaults are Zoom's real URLs; values come from arguments, a credentials file written
by ``zoom-harness serve``, the environment (``ZOOM_*``) or a ``.env`` file, in that order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.errors import HarnessError
from mocks.core.urls import TOKEN_PATH, ZOOM_API_BASE, ZOOM_TOKEN_BASE

ZOOM_TOKEN_URL = f"{ZOOM_TOKEN_BASE}{TOKEN_PATH}"
ZOOM_API_BASE_URL = ZOOM_API_BASE
ENVIRONMENT = {
    "account_id": "ZOOM_ACCOUNT_ID",
    "client_id": "ZOOM_CLIENT_ID",
    "client_secret": "ZOOM_CLIENT_SECRET",
    "token_url": "ZOOM_TOKEN_URL",
    "api_base_url": "ZOOM_API_BASE_URL",
}


#: The Target tab's credential fields, as PingFederate labels them.
CREDENTIAL_LABELS = {"account_id": "Account ID", "client_id": "Client ID", "client_secret": "Client Secret"}


@dataclass(frozen=True)
class Target:
    account_id: str
    client_id: str
    client_secret: str = field(repr=False)
    token_url: str = ZOOM_TOKEN_URL
    api_base_url: str = ZOOM_API_BASE_URL

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base_url", self.api_base_url.rstrip("/"))

    @property
    def scim_url(self) -> str:
        return f"{self.api_base_url}/scim2"

    def with_credentials(self, **changes: str) -> Target:
        return replace(self, **changes)

    @classmethod
    def resolve(
        cls,
        *,
        explicit: Mapping[str, str | None] | None = None,
        credentials_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        dotenv: str | Path | None = ".env",
    ) -> Target:
        """Merge the sources; a missing credential is a :class:`HarnessError` naming what to set."""
        values: dict[str, str] = {}
        if dotenv and Path(dotenv).is_file():
            from dotenv import dotenv_values

            file_values = dotenv_values(dotenv)
            values.update({k: v for k, env in ENVIRONMENT.items() if (v := file_values.get(env))})
        environ = os.environ if environ is None else environ
        values.update({k: environ[env] for k, env in ENVIRONMENT.items() if environ.get(env)})
        if credentials_file:
            values.update(_read_credentials_file(Path(credentials_file)))
        values.update({k: v for k, v in (explicit or {}).items() if v})
        missing = [ENVIRONMENT[k] for k in ("account_id", "client_id", "client_secret") if not values.get(k)]
        if missing:
            raise HarnessError(
                "missing Zoom credentials: set " + ", ".join(missing) + " (environment or .env), "
                "or pass --credentials-file from `zoom-harness serve`"
            )
        return cls(**values)


def require_real_account(email_domain: str | None) -> Target:
    """What a run on a real Zoom account needs: its credentials, and a domain of test mailboxes."""
    target = Target.resolve()
    if not email_domain:
        raise HarnessError("the zoom target needs ZOOM_TEST_EMAIL_DOMAIN, a domain of test mailboxes")
    return target


def _read_credentials_file(path: Path) -> dict[str, str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HarnessError(f"cannot read credentials file {path}: {error.strerror}") from None
    except ValueError:
        raise HarnessError(f"credentials file {path} is not JSON") from None
    if not isinstance(document, dict):
        raise HarnessError(f"credentials file {path} must hold a JSON object")
    return {k: str(v) for k, v in document.items() if k in ENVIRONMENT and v}

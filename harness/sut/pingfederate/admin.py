"""PingFederate's Administrative API: where it is, how to log in, and its refusals in one line."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness.errors import HarnessError
from mocks.core.client_tls import shared_tls

API_PATH = "/pf-admin-api/v1"
PROVISIONING_SETTINGS = "/serverSettings/outboundProvisioning"


class PingFederateError(HarnessError):
    """PingFederate refused a call; the message is PingFederate's, with the field it names."""


@dataclass(frozen=True)
class AdminAddress:
    """Where PingFederate's Administrative API is and how to log in (HTTP Basic)."""

    url: str
    user: str
    password: str = field(repr=False)
    #: True, False (``--pf-insecure``, said aloud) or a CA file for PingFederate's certificate.
    verify: bool | str = True

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> AdminAddress:
        env = os.environ if environ is None else environ
        missing = [name for name in ("PF_ADMIN_URL", "PF_ADMIN_USER", "PF_ADMIN_PASSWORD") if not env.get(name)]
        if missing:
            raise HarnessError(f"set {', '.join(missing)} for PingFederate's Administrative API")
        verify: bool | str = env.get("PF_CA_FILE") or env.get("PF_INSECURE", "") not in ("1", "true", "yes")
        return cls(env["PF_ADMIN_URL"].rstrip("/"), env["PF_ADMIN_USER"], env["PF_ADMIN_PASSWORD"], verify)

    def environment(self) -> dict[str, str]:
        """The variables that carry this address to a pytest run of the features."""
        env = {"PF_ADMIN_URL": self.url, "PF_ADMIN_USER": self.user, "PF_ADMIN_PASSWORD": self.password}
        if isinstance(self.verify, str):
            env["PF_CA_FILE"] = self.verify
        elif not self.verify:
            env["PF_INSECURE"] = "1"
        return env

    def client(self, transport: httpx.BaseTransport | None = None) -> AdminClient:
        return AdminClient(self, transport)

    def check(self) -> str:
        """PingFederate's version once its provisioning prerequisites hold, or one line saying why not."""
        with self.client() as admin:
            check_prerequisites(admin)
            return admin.version()


class AdminClient:
    def __init__(self, address: AdminAddress, transport: httpx.BaseTransport | None = None) -> None:
        self.address = address
        self.http = httpx.Client(
            base_url=address.url + API_PATH,
            auth=(address.user, address.password),
            verify=shared_tls() if address.verify is True else address.verify,
            timeout=30,
            transport=transport,
            # Every call carries it (PingFederate's CSRF guard); writes are JSON.
            headers={"X-XSRF-Header": "PingFederate", "Accept": "application/json"},
        )

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def call(self, method: str, path: str, body: Any = None, *, bypass: bool = False) -> Any:
        """One call; ``bypass`` only on the operations that declare ``X-BypassExternalValidation``
        (POST /dataStores, POST and PUT of data stores and SP connections)."""
        headers = {"X-BypassExternalValidation": "true"} if bypass else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            response = self.http.request(method, path, content=None if body is None else json.dumps(body),
                                         headers=headers)  # fmt: skip
        except httpx.TransportError as error:
            raise PingFederateError(f"cannot reach PingFederate's admin API at {self.address.url}: "
                                    f"{type(error).__name__}") from None  # fmt: skip
        if response.status_code == 401:
            raise PingFederateError(f"PingFederate refused the admin login of {self.address.user} (401)")
        if response.status_code == 403:
            raise PingFederateError(f"the admin {self.address.user} may not {method} {path} (403): "
                                    f"{_message(response) or 'give it the Administrator role'}")  # fmt: skip
        if response.status_code in (400, 422):
            raise PingFederateError(_validation(response))
        if response.status_code == 404 and method in ("GET", "DELETE"):
            return None
        if response.status_code >= 400:
            raise PingFederateError(f"PingFederate answered {method} {path} with {response.status_code}: "
                                    f"{response.text[:300]}")  # fmt: skip
        return response.json() if response.content else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def version(self) -> str:
        return str((self.get("/version") or {}).get("version", "unknown"))


def check_prerequisites(admin: AdminClient) -> None:
    """What PingFederate needs before a provisioning connection can run, each missing one a line
    saying how to set it: the server's SAML 2.0 entity ID, and a provisioning database."""
    federation = (admin.get("/serverSettings") or {}).get("federationInfo") or {}
    if not federation.get("saml2EntityId"):
        raise PingFederateError(
            "PingFederate has no SAML 2.0 entity ID, which every connection needs: set it in System > Protocol "
            "Settings > Federation Info (PUT /serverSettings with federationInfo.saml2EntityId)"
        )
    if not (admin.get(PROVISIONING_SETTINGS) or {}).get("dataStoreRef"):
        raise PingFederateError(
            "PingFederate has no provisioning database (no dataStoreRef): set one in System > Server > Provisioning "
            f"(PUT {PROVISIONING_SETTINGS} with dataStoreRef, e.g. ProvisionerDS), then run again"
        )


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message") or "")
    except (ValueError, AttributeError):
        return ""


def _validation(response: httpx.Response) -> str:
    """PingFederate's 400 or 422: its message and each field it names."""
    try:
        body = response.json()
    except ValueError:
        return f"PingFederate refused the configuration ({response.status_code}): {response.text[:300]}"
    parts = [str(body.get("message") or "validation failed")]
    for error in body.get("validationErrors") or []:
        where = error.get("fieldPath") or error.get("errorId") or "?"
        parts.append(f"{where}: {error.get('message', '')}")
    return "PingFederate refused the configuration: " + "; ".join(parts)

"""What the stand-in checks outside itself when a save does not carry ``X-BypassExternalValidation:
true``: that an LDAP data store binds, and that an active channel's target accepts its credentials
(PingFederate contacts the LDAP server and Zoom while saving)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.directory.ldap import LdapAddress
from harness.errors import HarnessError
from harness.provisioner.channel_file import CREDENTIAL_SETTINGS
from harness.standin.provisioning import ZoomEndpoints
from harness.zoom.client import ZoomClient
from harness.zoom.preflight import check_target
from harness.zoom.target import Target


def ldap_reachable(store: dict[str, Any]) -> str | None:
    if store.get("type") != "LDAP" or not store.get("hostnames"):
        return None
    scheme = "ldaps" if store.get("useSsl") else "ldap"
    address = LdapAddress(f"{scheme}://{store['hostnames'][0]}", store.get("userDN", ""), store.get("password", ""))
    try:
        address.connect().unbind()
    except HarnessError as error:
        return str(error)
    return None


def zoom_accepts(zoom: ZoomEndpoints) -> Callable[[dict[str, Any], dict[str, Any]], str | None]:
    def check(descriptor: dict[str, Any], settings: dict[str, Any]) -> str | None:
        by_label = {f["label"]: settings.get(f["name"]) or "" for f in descriptor["configDescriptor"]["fields"]}
        credentials = {key: by_label.get(label, "") for label, key in CREDENTIAL_SETTINGS.items()}
        target = Target(**credentials, token_url=zoom.token_url, api_base_url=zoom.api_base_url)
        client = ZoomClient(target, timeout=30)
        try:
            readiness = check_target(client)
        finally:
            client.close()
        return None if readiness.ready else "Zoom refused the channel's target: " + "; ".join(readiness.causes)

    return check

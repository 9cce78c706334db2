"""PingFederate's Administrative API client on its own: where it logs in, what every call carries, and
each refusal in one line (pingfederate-admin-api.md: Basic auth, the ``X-XSRF-Header`` every call
needs, ``X-BypassExternalValidation`` only where declared, ``ApiResult`` bodies with
``validationErrors`` and ``fieldPath``)."""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import Callable

import httpx
import pytest

from harness.errors import HarnessError
from harness.sut.pingfederate.admin import AdminAddress, AdminClient, PingFederateError, check_prerequisites
from mocks.core.client_tls import shared_tls

URL = "https://pf.test:9999"
ENVIRONMENT = {"PF_ADMIN_URL": URL + "/", "PF_ADMIN_USER": "Administrator", "PF_ADMIN_PASSWORD": "pw-secret"}


def _client(answer: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request] | None = None) -> AdminClient:
    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        if seen is not None:
            seen.append(request)
        return answer(request)

    return AdminAddress(URL, "Administrator", "pw-secret").client(httpx.MockTransport(handler))


def _refusal(status: int, body: object = None, text: str | None = None, method: str = "PUT") -> str:
    content = text.encode() if text is not None else b"" if body is None else json.dumps(body).encode()
    with (
        _client(lambda _: httpx.Response(status, content=content)) as admin,
        pytest.raises(PingFederateError) as caught,
    ):
        admin.call(method, "/idp/spConnections/zoom", {"id": "zoom"})
    return str(caught.value)


def test_the_address_comes_from_the_environment_and_says_which_variables_are_missing() -> None:
    address = AdminAddress.from_environment(ENVIRONMENT)
    assert (address.url, address.user, address.password, address.verify) == (URL, "Administrator", "pw-secret", True)
    assert "pw-secret" not in repr(address)
    with pytest.raises(HarnessError) as missing:
        AdminAddress.from_environment({"PF_ADMIN_USER": "Administrator"})
    assert str(missing.value) == "set PF_ADMIN_URL, PF_ADMIN_PASSWORD for PingFederate's Administrative API"
    with pytest.raises(HarnessError) as empty:
        AdminAddress.from_environment({**ENVIRONMENT, "PF_ADMIN_USER": ""})
    assert str(empty.value) == "set PF_ADMIN_USER for PingFederate's Administrative API"


@pytest.mark.parametrize(
    ("extra", "verify", "carried"),
    [
        ({}, True, {}),
        ({"PF_INSECURE": "1"}, False, {"PF_INSECURE": "1"}),
        ({"PF_INSECURE": "true"}, False, {"PF_INSECURE": "1"}),
        ({"PF_INSECURE": "yes"}, False, {"PF_INSECURE": "1"}),
        ({"PF_INSECURE": "0"}, True, {}),
        ({"PF_CA_FILE": "/etc/pf-ca.pem"}, "/etc/pf-ca.pem", {"PF_CA_FILE": "/etc/pf-ca.pem"}),
        ({"PF_CA_FILE": "/etc/pf-ca.pem", "PF_INSECURE": "1"}, "/etc/pf-ca.pem", {"PF_CA_FILE": "/etc/pf-ca.pem"}),
    ],
)
def test_certificate_checking_is_on_unless_said_and_travels_to_the_features(
    extra: dict[str, str], verify: bool | str, carried: dict[str, str]
) -> None:
    address = AdminAddress.from_environment({**ENVIRONMENT, **extra})
    assert address.verify == verify
    assert address.environment() == {"PF_ADMIN_URL": URL, "PF_ADMIN_USER": "Administrator",
                                     "PF_ADMIN_PASSWORD": "pw-secret", **carried}  # fmt: skip


def _context(verify: bool) -> ssl.SSLContext:
    client = AdminAddress(URL, "Administrator", "pw", verify).client()
    try:
        return client.http._transport._pool._ssl_context  # type: ignore[attr-defined]
    finally:
        client.http.close()


def test_the_client_checks_pingfederates_certificate_with_the_shared_context() -> None:
    assert _context(True) is shared_tls()


def test_said_aloud_the_client_checks_no_certificate_and_waits_30_seconds_a_call() -> None:
    insecure = _context(False)
    assert insecure.verify_mode is ssl.CERT_NONE and insecure.check_hostname is False
    # Saving a connection has PingFederate check Zoom and the directory first: seconds, not httpx's 5.
    with AdminAddress(URL, "Administrator", "pw").client() as admin:
        assert admin.http.timeout == httpx.Timeout(30)


def test_every_call_logs_in_carries_the_csrf_header_and_json_only_with_a_body() -> None:
    seen: list[httpx.Request] = []
    with _client(lambda _: httpx.Response(200, json={"version": "12.1.0.4"}), seen) as admin:
        assert admin.version() == "12.1.0.4"
        admin.call("PUT", "/dataStores/dir", {"id": "dir", "name": "dir"}, bypass=True)
        admin.call("POST", "/idp/spConnections", {"id": "zoom"})
    get, put, post = seen
    assert str(get.url) == f"{URL}/pf-admin-api/v1/version" and get.method == "GET"
    basic = "Basic " + base64.b64encode(b"Administrator:pw-secret").decode()
    for request in seen:
        assert request.headers["Authorization"] == basic
        assert request.headers["X-XSRF-Header"] == "PingFederate"
        assert request.headers["Accept"] == "application/json"
    assert "Content-Type" not in get.headers and get.content == b""
    assert put.headers["Content-Type"] == "application/json" and json.loads(put.content) == {"id": "dir", "name": "dir"}
    assert put.headers["X-BypassExternalValidation"] == "true"
    assert "X-BypassExternalValidation" not in post.headers and "X-BypassExternalValidation" not in get.headers


def test_answers_are_read_as_json_and_a_missing_resource_is_none_only_when_reading_or_deleting() -> None:
    with _client(lambda request: httpx.Response(204 if request.method == "DELETE" else 200, json=[1, 2])) as admin:
        assert admin.get("/x") == [1, 2]
    with _client(lambda _: httpx.Response(204)) as admin:
        assert admin.call("DELETE", "/x") is None
    with _client(lambda _: httpx.Response(404, json={"message": "gone"})) as admin:
        assert admin.get("/idp/spConnections/zoom") is None
        assert admin.call("DELETE", "/idp/spConnections/zoom") is None
    assert _refusal(404, text="Not Found") == "PingFederate answered PUT /idp/spConnections/zoom with 404: Not Found"
    with _client(lambda _: httpx.Response(200, json={})) as admin:
        assert admin.version() == "unknown"
    with _client(lambda _: httpx.Response(404)) as admin:
        assert admin.version() == "unknown"


def test_each_refusal_is_one_line_in_pingfederates_words() -> None:
    assert _refusal(401) == "PingFederate refused the admin login of Administrator (401)"
    assert _refusal(403, {"message": "Not an Administrator."}) == (
        "the admin Administrator may not PUT /idp/spConnections/zoom (403): Not an Administrator."
    )
    assert _refusal(403, text="<html>") == (
        "the admin Administrator may not PUT /idp/spConnections/zoom (403): give it the Administrator role"
    )
    assert _refusal(403, ["not", "an", "object"]).endswith("(403): give it the Administrator role")
    assert _refusal(403, {"resultId": "forbidden"}).endswith("(403): give it the Administrator role")
    validation = {"resultId": "validation_error", "message": "Validation error(s) occurred.",
                  "validationErrors": [{"fieldPath": "active", "message": "Only inactive connections can be deleted."},
                                       {"errorId": "unique_name", "message": "The name must be unique."},
                                       {"message": "Something else."}, {"fieldPath": "name"}]}  # fmt: skip
    expected = (
        "PingFederate refused the configuration: Validation error(s) occurred.; active: Only inactive connections "
        "can be deleted.; unique_name: The name must be unique.; ?: Something else.; name: "
    )
    assert _refusal(422, validation) == expected and _refusal(400, validation) == expected
    assert _refusal(422, {}) == "PingFederate refused the configuration: validation failed"
    assert _refusal(400, text="x" * 400) == f"PingFederate refused the configuration (400): {'x' * 300}"
    assert _refusal(500, text="y" * 400, method="POST") == (
        f"PingFederate answered POST /idp/spConnections/zoom with 500: {'y' * 300}"
    )


def test_an_unreachable_server_is_named_with_the_kind_of_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with _client(refuse) as admin, pytest.raises(PingFederateError) as caught:
        admin.get("/version")
    assert str(caught.value) == f"cannot reach PingFederate's admin API at {URL}: ReadTimeout"


@pytest.mark.parametrize(
    ("server", "provisioning", "expected"),
    [
        ({}, {"dataStoreRef": {"id": "ProvisionerDS"}}, "PingFederate has no SAML 2.0 entity ID"),
        ({"federationInfo": {}}, {"dataStoreRef": {"id": "ProvisionerDS"}}, "PingFederate has no SAML 2.0 entity ID"),
        ({"federationInfo": {"saml2EntityId": "pf"}}, {}, "PingFederate has no provisioning database"),
        ({"federationInfo": {"saml2EntityId": "pf"}}, None, "PingFederate has no provisioning database"),
        ({"federationInfo": {"saml2EntityId": "pf"}}, {"dataStoreRef": {"id": "ProvisionerDS"}}, None),
    ],
)
def test_the_prerequisites_are_the_entity_id_and_the_provisioning_database(
    server: dict[str, object], provisioning: dict[str, object] | None, expected: str | None
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/serverSettings"):
            return httpx.Response(200, json=server)
        return httpx.Response(404) if provisioning is None else httpx.Response(200, json=provisioning)

    with _client(answer) as admin:
        if expected is None:
            check_prerequisites(admin)
            return
        with pytest.raises(PingFederateError) as caught:
            check_prerequisites(admin)
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message
    if "entity ID" in expected:
        assert message.endswith("(PUT /serverSettings with federationInfo.saml2EntityId)")
    else:
        assert message.endswith(
            "(PUT /serverSettings/outboundProvisioning with dataStoreRef, e.g. ProvisionerDS), then run again"
        )

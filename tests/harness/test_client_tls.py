"""The clients the harness makes share one TLS context, and it still verifies what Zoom presents."""

from __future__ import annotations

import ssl

import httpx

from harness.zoom.client import ZoomClient
from harness.zoom.target import Target
from mocks.core.client_tls import shared_tls
from mocks.proxy.zoom_proxy import ZoomProxy


def _context(transport: httpx.HTTPTransport) -> ssl.SSLContext:
    return transport._pool._ssl_context  # httpcore's pool keeps the context it wraps sockets with


def test_every_client_shares_one_context_that_verifies_certificates_and_names() -> None:
    target = Target(account_id="a", client_id="c", client_secret="s")
    first, second = ZoomClient(target), ZoomClient(target)
    contexts = {id(_context(client.http._transport)) for client in (first, second)}
    contexts.add(id(_context(ZoomProxy()._transport)))
    assert contexts == {id(shared_tls())}
    context = shared_tls()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname is True
    assert context.get_ca_certs(), "no trust anchors: every Zoom certificate would be refused"
    first.close()
    second.close()

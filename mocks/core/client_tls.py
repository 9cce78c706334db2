"""One client TLS context per process, for every HTTP client the emulator, the proxy and the harness make.

httpx builds a new context for each transport it makes and reads certifi's CA bundle into it:
about 17 ms each, paid even by a client that only speaks plain HTTP to a loopback port. A scenario
makes several clients, so a feature run paid seconds for contexts it never used. One context is
safe to share between clients and threads: it holds settings and trust anchors, no connection.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def shared_tls() -> ssl.SSLContext:
    """httpx's own default context (certifi's bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` as set
    when it is first asked for), made once."""
    return httpx.create_ssl_context()

"""Certificates for serving the emulator over HTTPS under Zoom's own names.

The Zoom connector calls ``https://zoom.us`` and ``https://api.zoom.us`` and has no URL settings, so
a PingFederate pointed at the emulator needs the emulator to answer as those names, with a
certificate its JVM trusts. A folder keeps a CA of the harness's own (made once, reused after), a
server certificate for ``zoom.us``, ``api.zoom.us``, ``localhost`` and ``127.0.0.1``, the CA as PEM,
and the CA as a PKCS12 trust store a JVM reads (``-Djavax.net.ssl.trustStore``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ZOOM_NAMES = ("zoom.us", "api.zoom.us", "localhost", "127.0.0.1")
#: The JVM's customary trust-store password; the store holds a public certificate only.
TRUSTSTORE_PASSWORD = "changeit"


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca_pem(self) -> Path:
        return self.folder / "zoom-harness-ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "zoom-harness-ca.key"

    @property
    def certificate(self) -> Path:
        return self.folder / "zoom-emulator.pem"

    @property
    def key(self) -> Path:
        return self.folder / "zoom-emulator.key"

    @property
    def truststore(self) -> Path:
        return self.folder / "zoom-harness-truststore.p12"

    @property
    def truststore_password(self) -> str:
        return TRUSTSTORE_PASSWORD


def ensure_certificates(folder: str | Path, names: tuple[str, ...] = ZOOM_NAMES) -> TlsFiles:
    """The CA (reused when the folder has one), a fresh server certificate and the trust store."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    files = TlsFiles(Path(folder))
    files.folder.mkdir(parents=True, exist_ok=True)
    if files.ca_pem.exists() and files.ca_key.exists():
        ca = trustme.CA.from_pem(files.ca_pem.read_bytes(), files.ca_key.read_bytes())
    else:
        ca = trustme.CA(organization_name="zoom-harness", organization_unit_name="test CA for the Zoom emulator")
        ca.cert_pem.write_to_path(str(files.ca_pem))
        _write_private(files.ca_key, ca.private_key_pem.bytes())
    issued = ca.issue_cert(*names)
    files.certificate.write_bytes(b"".join(blob.bytes() for blob in issued.cert_chain_pems))
    _write_private(files.key, issued.private_key_pem.bytes())
    ca_certificate = x509.load_pem_x509_certificate(files.ca_pem.read_bytes())
    store = pkcs12.serialize_java_truststore(
        [pkcs12.PKCS12Certificate(ca_certificate, b"zoom-harness-ca")],
        BestAvailableEncryption(TRUSTSTORE_PASSWORD.encode()),
    )
    files.truststore.write_bytes(store)
    return files


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)

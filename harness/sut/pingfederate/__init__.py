"""A real PingFederate as the system under test, driven through its Administrative API: the address
and client (``admin``), the Zoom connector's descriptor (``connector``), what is sent
(``payloads``), what its provisioner logs (``logs``) and the system itself (``system``)."""

from harness.sut.pingfederate.admin import AdminAddress, AdminClient, PingFederateError, check_prerequisites
from harness.sut.pingfederate.connector import ZoomConnector
from harness.sut.pingfederate.system import PingFederateSystem, pace_cycles

__all__ = ["AdminAddress", "AdminClient", "PingFederateError", "PingFederateSystem", "ZoomConnector",
           "check_prerequisites", "pace_cycles"]  # fmt: skip

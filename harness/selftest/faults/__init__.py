"""The catalogue of deliberately faulty systems the selftest runs the features against.

Each fault breaks one documented behaviour and names the requirements it violates. A fault lives
here, outside the product's code: it patches one decision of the reference provisioner, the Zoom
client, the preflight or the mapping, or wraps one route of the emulator so that it answers as a
faulty Zoom would. Applying a fault is a ``pytest.MonkeyPatch``; undoing it restores everything.
"""

# Each module registers its faults as it is imported: the catalogue lists them in this order.
# isort: off
from harness.selftest.faults import app  # noqa: F401
from harness.selftest.faults import zoom_wire  # noqa: F401
from harness.selftest.faults import connection  # noqa: F401
from harness.selftest.faults import options  # noqa: F401
from harness.selftest.faults import attributes  # noqa: F401
from harness.selftest.faults import mapping  # noqa: F401
from harness.selftest.faults import user_management  # noqa: F401
from harness.selftest.faults import limitations  # noqa: F401
from harness.selftest.faults import changelog  # noqa: F401
from harness.selftest.faults import engine  # noqa: F401

# isort: on
from harness.selftest.faults.catalogue import FAULTS, Fault

__all__ = ["FAULTS", "Fault"]

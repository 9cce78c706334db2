"""The client side of the certification harness: Zoom client, reference provisioner, CLI."""

__version__ = "0.1.0"

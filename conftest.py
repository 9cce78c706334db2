"""Registers the step definitions for every test and feature. The emulator's fixtures and the
harness's plugin load by the package's pytest11 entry points (``pip install -e .`` sets them up)."""

pytest_plugins = [
    "steps.app_setup",
    "steps.provisioning",
    "steps.zoom_api",
]

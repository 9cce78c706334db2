"""Registers the emulator's fixtures and the harness's plugin for every test and feature."""

pytest_plugins = [
    "mocks.pytest_plugin",
    "harness.pytest_plugin",
    "steps.app_setup",
    "steps.provisioning",
    "steps.zoom_api",
]

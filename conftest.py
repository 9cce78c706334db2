"""Registers the emulator's fixtures for every test and feature of the project."""

pytest_plugins = ["mocks.pytest_plugin"]

"""Binds every scenario of features/ to pytest; the steps live in the step modules."""

from pytest_bdd import scenarios

scenarios(".")

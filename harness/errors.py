"""Errors a user can cause: the CLI prints them as one line, never as a traceback."""


class HarnessError(Exception):
    """A mistake in input or environment, with a message that says what to do."""

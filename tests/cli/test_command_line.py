"""The command line as argparse reads it: Zoom's IDs are URL-safe base64, and one in 64 begins with
"-" (the emulator's too), which argparse took for the next option: the command failed with
"expected one argument" (a signal test failed that way once in 80 runs, waiting 30 s for users)."""

from __future__ import annotations

from harness.cli import build_parser, glued


def test_an_id_or_secret_that_begins_with_a_dash_is_its_options_value() -> None:
    words = ["serve", "--account-id", "-Ab3", "--client-id", "--x9Q", "--client-secret", "-_x", "--port", "0"]
    args = build_parser().parse_args(glued(words))
    assert (args.account_id, args.client_id, args.client_secret, args.port) == ("-Ab3", "--x9Q", "-_x", 0)


def test_only_the_id_options_are_joined_and_nothing_after_the_pytest_separator() -> None:
    words = ["run", "--target", "emulator", "--", "--client-id", "-k", "not slow"]
    assert glued(words) == words
    assert glued(["serve", "--client-id"]) == ["serve", "--client-id"]  # argparse then says what is missing
    assert glued(["serve", "--account-id", "abc"]) == ["serve", "--account-id=abc"]

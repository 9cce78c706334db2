"""Zoom's state with no HTTP in it: accounts, apps, tokens, users and groups, seeds, settings, scopes
and rate limits.
"""

"""Zoom's side as a client sees it: where Zoom is (Target), Server-to-Server OAuth, the SCIM client,
retries, errors, the preflight and SCIM's names.
"""

"""Zoom's HTTP API over the state: routing, OAuth, SCIM2, REST v2, the control surface, faults, and the
emulator that joins them.
"""

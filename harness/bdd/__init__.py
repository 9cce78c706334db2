"""pytest-bdd's side: the harness's pytest plugin, the step lookup, the session's target and World, the
scenario's parts.
"""

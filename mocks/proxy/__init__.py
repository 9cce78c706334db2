"""In front of a real Zoom: the proxy (faults and a journal on real answers) and the pacing that keeps
a run within Zoom's limits.
"""

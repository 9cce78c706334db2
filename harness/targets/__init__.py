"""The Zoom targets a run meets, as the harness drives them: the emulator's control surface, the guard
and cleanup on a real account, the proxy, recordings and drift.
"""

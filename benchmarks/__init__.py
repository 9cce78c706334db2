"""Performance figures of the harness, each a ratio against a baseline measured in the same run."""

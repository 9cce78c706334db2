"""The certification: requirements, evidence, the report in its formats, shards and their merge, and
the run of the features.
"""

"""The reference provisioner: the engine, its sync state, its records, the attribute mapping and the channel file."""

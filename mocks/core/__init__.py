"""The emulator's foundations: wire types, errors, the clock, the journal, mountings and Zoom's URLs."""

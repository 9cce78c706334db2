"""The source directory: a private OpenLDAP server (``slapd``) and reading it as PingFederate does."""

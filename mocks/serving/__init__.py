"""Serving a mounted emulator or proxy: the HTTP/1.1 server, ASGI, TLS under Zoom's names."""

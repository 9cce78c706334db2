"""Where Zoom answers: its token host and its API host, as the emulator and the proxy default to them."""

ZOOM_TOKEN_BASE = "https://zoom.us"
ZOOM_API_BASE = "https://api.zoom.us"
#: The token endpoint's path on the token host (Server-to-Server OAuth).
TOKEN_PATH = "/oauth/token"

"""Errors the emulator answers with, one class per wire shape Zoom uses.

Zoom has three error shapes (reference zoom-api.md): the token host answers
``{"reason", "error"}``, the REST API and the API gateway ``{"code", "message"}``, and the SCIM2
handlers the RFC 7644 error ``{"schemas", "detail", "status"}``. State operations raise these; the
HTTP layer renders them.
"""

from __future__ import annotations

from typing import Any

SCIM_ERROR_URN = "urn:ietf:params:scim:api:messages:2.0:Error"


class EmulatorError(Exception):
    """Base of every error that becomes an HTTP answer."""

    status: int = 400

    def body(self) -> dict[str, Any]:
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {}


class OAuthError(EmulatorError):
    """Token host errors: HTTP 400 ``{"reason": ..., "error": ...}``."""

    def __init__(self, error: str, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"reason": self.reason, "error": self.error}


class ZoomAPIError(EmulatorError):
    """REST v2 and gateway errors: ``{"code": ..., "message": ...}`` (plus ``errors`` for 300)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self._headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body

    def headers(self) -> dict[str, str]:
        return self._headers


class ScimError(EmulatorError):
    """SCIM2 errors: RFC 7644 shape with a numeric ``status`` as Zoom sends it."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"schemas": [SCIM_ERROR_URN], "detail": self.detail, "status": self.status}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def validation_failed(*fields: str) -> ZoomAPIError:
    """Zoom's code 300 validation error naming each offending field."""
    return ZoomAPIError(
        400,
        300,
        "Validation Failed.",
        errors=[{"field": field, "message": "Invalid field."} for field in fields],
    )


def invalid_token(message: str = "Invalid access token.") -> ZoomAPIError:
    return ZoomAPIError(401, 124, message)


def user_not_found(user_id: str) -> ZoomAPIError:
    return ZoomAPIError(404, 1001, f"User does not exist: {user_id}.")

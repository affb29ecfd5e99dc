"""One error hierarchy for services; the API turns it into one response shape.

Every error carries a stable machine ``code`` and a Chinese ``message`` for people, plus an
optional ``field`` naming the input at fault and ``details`` for structured context.
"""

from __future__ import annotations

from typing import Any


class BanhaoError(Exception):
    """Base of every expected, user-facing failure."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailed(BanhaoError):
    status_code = 422
    code = "validation_failed"


class Forbidden(BanhaoError):
    """The caller may see the object but not do this with it (403)."""

    status_code = 403
    code = "forbidden"


class NotFound(BanhaoError):
    """Missing and forbidden look the same to the caller."""

    status_code = 404
    code = "not_found"


class Conflict(BanhaoError):
    status_code = 409
    code = "conflict"

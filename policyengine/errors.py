"""The error hierarchy: every error about bad input says where it is.

Each error carries the JSON path inside the document (``Statement/0/Effect``) and, when known,
the file, line and column. ``str(error)`` renders ``file:line:col: message (at path)``.
"""

from __future__ import annotations


def json_kind(value) -> str:
    """How messages name a JSON value's type ("a string", "the number 5", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


class PolicyEngineError(Exception):
    """Base class for errors about unusable input."""

    def __init__(
        self,
        message: str,
        *,
        json_path: str = "",
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.json_path = json_path
        self.file = file
        self.line = line
        self.column = column

    def located(self, *, file: str | None = None, line: int | None = None,
                column: int | None = None) -> "PolicyEngineError":
        """Fill in the position where it is still unknown; returns self."""
        self.file = self.file or file
        if self.line is None:
            self.line, self.column = line, column
        return self

    def __str__(self) -> str:
        where = ":".join(
            str(part) for part in (self.file, self.line, self.column) if part is not None
        )
        text = f"{where}: {self.message}" if where else self.message
        if self.json_path:
            text += f" (at {self.json_path})"
        return text


class PolicySyntaxError(PolicyEngineError):
    """The text is not valid JSON (or holds duplicate keys)."""


class PolicyValidationError(PolicyEngineError):
    """The document is JSON but not a policy AWS would accept."""

    def __init__(self, message: str, *, violations: tuple = (), **where) -> None:
        super().__init__(message, **where)
        self.violations = tuple(violations)


class ScenarioError(PolicyEngineError):
    """A scenario file cannot be read or does not follow the format."""

"""BinaryEquals: byte-for-byte comparison against a base64 value."""

from __future__ import annotations

import base64
import binascii
import operator

from .base import Comparison, Family


def to_bytes(value) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise ValueError(f"{value!r} is not base64") from None
    raise ValueError(f"expected base64 text, got {type(value).__name__}")


BINARY = Family("Binary", prepare=to_bytes, coerce=to_bytes)

COMPARISONS = [Comparison("BinaryEquals", BINARY, operator.eq)]

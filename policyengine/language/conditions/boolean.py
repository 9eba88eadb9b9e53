"""Bool: ``true`` / ``false`` (JSON booleans or strings, any letter case)."""

from __future__ import annotations

import operator

from .base import Comparison, Family


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f"{value!r} is not true or false")


BOOL = Family("Bool", prepare=to_bool, coerce=to_bool)

COMPARISONS = [Comparison("Bool", BOOL, operator.eq, equality=True)]

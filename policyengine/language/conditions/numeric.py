"""Numeric operators: integers and decimals, compared exactly."""

from __future__ import annotations

import operator
from decimal import Decimal, InvalidOperation

from .base import Comparison, Family


def to_number(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not number.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return number
    raise ValueError(f"expected a number, got {type(value).__name__}")


NUMBER = Family("Numeric", prepare=to_number, coerce=to_number)

COMPARISONS = [
    Comparison("NumericEquals", NUMBER, operator.eq),
    Comparison("NumericNotEquals", NUMBER, operator.eq, negated=True),
    Comparison("NumericLessThan", NUMBER, operator.lt),
    Comparison("NumericLessThanEquals", NUMBER, operator.le),
    Comparison("NumericGreaterThan", NUMBER, operator.gt),
    Comparison("NumericGreaterThanEquals", NUMBER, operator.ge),
]

"""Date operators: W3C ISO 8601 forms or epoch seconds, compared as instants (UTC)."""

from __future__ import annotations

import operator
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from .base import Comparison, Family, remembered

# W3C profile of ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, and date-times with a time zone
# designator; seconds and fractions optional. A date-time without a zone is read as UTC.
_W3C = re.compile(
    r"(?P<y>\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?P<f>\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?"
)


def to_instant(value) -> Decimal:
    """Seconds since the epoch, as a Decimal (fractions kept)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return Decimal(str(moment.timestamp()))
    if not isinstance(value, str):
        raise ValueError(f"expected a date, got {type(value).__name__}")
    text = value.strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text) and len(text.split(".")[0].lstrip("-")) > 4:
        try:
            return Decimal(text)  # epoch seconds
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValueError(f"{value!r} is not a date") from None
    found = _W3C.fullmatch(text)
    if not found:
        raise ValueError(f"{value!r} is not an ISO 8601 date or epoch time")
    parts = found.groupdict()
    try:
        moment = datetime(
            int(parts["y"]), int(parts["mo"] or 1), int(parts["d"] or 1),
            int(parts["h"] or 0), int(parts["mi"] or 0), int(parts["s"] or 0),
            tzinfo=timezone.utc,
        )
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date") from None
    seconds = Decimal(int(moment.timestamp()))
    if parts["f"]:
        seconds += Decimal("0" + parts["f"])
    zone = parts["tz"]
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        seconds -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return seconds


DATE = Family("Date", prepare=to_instant, coerce=remembered(to_instant))

COMPARISONS = [
    Comparison("DateEquals", DATE, operator.eq),
    Comparison("DateNotEquals", DATE, operator.eq, negated=True),
    Comparison("DateLessThan", DATE, operator.lt),
    Comparison("DateLessThanEquals", DATE, operator.le),
    Comparison("DateGreaterThan", DATE, operator.gt),
    Comparison("DateGreaterThanEquals", DATE, operator.ge),
]

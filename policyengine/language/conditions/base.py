"""What every operator family provides, and the one rule for policy values written as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True, slots=True)
class Family:
    """An operator family: how policy values are prepared and request values read.

    ``prepare`` turns one policy value into the form ``compare`` takes and raises ValueError for a
    value the family cannot read; for families that take policy variables it receives the value
    as text runs ``[(text, literal), ...]``. ``coerce`` reads a request value, raising ValueError
    when the value is not of the family's type (it then matches nothing).
    """

    name: str
    prepare: Callable[[Any], Any]
    coerce: Callable[[Any], Any]
    variables: bool = False


@dataclass(frozen=True, slots=True)
class Comparison:
    """A base operator: its family and how one request value compares with one policy value."""

    name: str
    family: Family
    compare: Callable[[Any, Any], bool]
    negated: bool = False
    equality: bool = False  # compare is ``==`` on hashable values (a set lookup will do)


def scalar_text(value: Any) -> str:
    """Policy and request values may be JSON booleans or numbers written without quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string, got {type(value).__name__}")


def joined(runs) -> str:
    return "".join(text for text, _literal in runs)


def remembered(convert: Callable[[Any], Any], size: int = 4096) -> Callable[[Any], Any]:
    """``convert`` with its results for text values remembered: requests repeat the same
    addresses and times, and parsing them is the slow part of an IP or date test."""
    seen: dict[str, tuple[bool, Any]] = {}

    def coerce(value: Any) -> Any:
        if type(value) is not str:
            return convert(value)
        found = seen.get(value)
        if found is None:
            if len(seen) >= size:
                seen.clear()
            try:
                found = (True, convert(value))
            except ValueError as error:
                found = (False, str(error))
            seen[value] = found
        if found[0]:
            return found[1]
        raise ValueError(found[1])

    return coerce

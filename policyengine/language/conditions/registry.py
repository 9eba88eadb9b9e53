"""The one table of condition operators, and how an operator name is read.

A name is ``[ForAllValues:|ForAnyValue:]<Base>[IfExists]``. ``Null`` takes neither ``IfExists``
nor a set qualifier. Names are matched without regard to letter case; AWS does not document
whether operator names are case-sensitive (the validator reports non-canonical spellings).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import arn, binary, boolean, dates, ip, numeric, strings
from .base import Comparison, Family
from .boolean import to_bool

NULL = Comparison("Null", Family("Null", prepare=to_bool, coerce=to_bool), compare=None)

COMPARISONS: dict[str, Comparison] = {
    comparison.name.lower(): comparison
    for module in (strings, numeric, dates, boolean, binary, ip, arn)
    for comparison in module.COMPARISONS
}
COMPARISONS["null"] = NULL

QUALIFIERS = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}


@dataclass(frozen=True, slots=True)
class Operator:
    """A fully read operator name."""

    name: str  # canonical spelling, e.g. "ForAnyValue:StringNotEqualsIfExists"
    comparison: Comparison
    qualifier: str = ""  # "", "ForAllValues" or "ForAnyValue"
    if_exists: bool = False

    @property
    def negated(self) -> bool:
        return self.comparison.negated

    @property
    def is_null(self) -> bool:
        return self.comparison is NULL


@lru_cache(maxsize=512)
def resolve_operator(name: str) -> Operator | None:
    """Read an operator name; None when it is not a condition operator AWS knows."""
    if not isinstance(name, str):
        return None
    qualifier = ""
    base = name
    if ":" in name:
        prefix, _, base = name.partition(":")
        qualifier = QUALIFIERS.get(prefix.lower(), None)
        if qualifier is None:
            return None
    if_exists = False
    comparison = COMPARISONS.get(base.lower())
    if comparison is None and base.lower().endswith("ifexists"):
        comparison = COMPARISONS.get(base.lower()[: -len("ifexists")])
        if_exists = comparison is not None
    if comparison is None or (comparison is NULL and (if_exists or qualifier)):
        return None
    canonical = (qualifier + ":" if qualifier else "") + comparison.name
    canonical += "IfExists" if if_exists else ""
    return Operator(canonical, comparison, qualifier, if_exists)


def operator_names() -> list[str]:
    """Every base operator name (without qualifiers or IfExists)."""
    return sorted(comparison.name for comparison in COMPARISONS.values())

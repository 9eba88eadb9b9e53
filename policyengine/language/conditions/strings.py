"""String operators: exact, case-insensitive, and ``*``/``?`` globs (StringLike)."""

from __future__ import annotations

from ..matching import compile_glob_runs
from .base import Comparison, Family, joined, scalar_text

EXACT = Family("String", prepare=joined, coerce=scalar_text, variables=True)
FOLDED = Family(
    "String",
    prepare=lambda runs: joined(runs).lower(),
    coerce=lambda value: scalar_text(value).lower(),
    variables=True,
)
GLOB = Family("String", prepare=compile_glob_runs, coerce=scalar_text, variables=True)


def _equal(actual, expected) -> bool:
    return actual == expected


def _glob(actual, matcher) -> bool:
    return matcher(actual)


COMPARISONS = [
    Comparison("StringEquals", EXACT, _equal, equality=True),
    Comparison("StringNotEquals", EXACT, _equal, negated=True, equality=True),
    Comparison("StringEqualsIgnoreCase", FOLDED, _equal, equality=True),
    Comparison("StringNotEqualsIgnoreCase", FOLDED, _equal, negated=True, equality=True),
    Comparison("StringLike", GLOB, _glob),
    Comparison("StringNotLike", GLOB, _glob, negated=True),
]

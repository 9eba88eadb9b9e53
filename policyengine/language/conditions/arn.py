"""ARN operators: the six colon-separated components matched one by one, case-sensitively.

ArnEquals and ArnLike behave identically (both take ``*`` and ``?`` in each component), and so
do their negated forms (IAM User Guide, condition operators).
"""

from __future__ import annotations

from ..matching import compile_arn_like
from .base import Comparison, Family, scalar_text


def _match(actual, matcher) -> bool:
    return matcher(actual)


ARN = Family("ARN", prepare=compile_arn_like, coerce=scalar_text, variables=True)

COMPARISONS = [
    Comparison("ArnEquals", ARN, _match),
    Comparison("ArnLike", ARN, _match),
    Comparison("ArnNotEquals", ARN, _match, negated=True),
    Comparison("ArnNotLike", ARN, _match, negated=True),
]

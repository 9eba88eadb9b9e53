"""The condition operator does not fit the key's type, or a value the operator cannot read.

## What it checks

Operators of the wrong family for the condition key's type (from the KMS catalogue): `Bool` on
`kms:CallerAccount`, `Numeric*` on a string key, `String*` on a Boolean or numeric key, `Date*`
on a key that is not a date; values the operator cannot read (`Bool` with `"yes"`, a `Date`
that is not ISO 8601 or epoch seconds, a malformed CIDR in `IpAddress`); and several values for
one key under `Bool`. (`ARN` operators are accepted on string keys whose values are ARNs, such as
`kms:GranteePrincipal`.)

## Why it matters

A request value that the operator cannot read matches nothing, and a policy value it cannot
read makes the condition false for every request (policyengine reports such a condition as
not evaluable, like AWS). An Allow with such a condition never applies; a Deny never protects.

## Example

```json
{"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
 "Condition": {"StringLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}
```

## Use instead

```json
{"Effect": "Deny", "Principal": "*", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
 "Condition": {"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}
```

## References

- Condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- KMS condition keys and their types: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
- Access Analyzer TYPE_MISMATCH, INVALID_CONDITION_MULTIPLE_BOOLEAN: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms import catalog
from ...model import Hit
from .._common import clauses

ID = "POL009"

_FAMILIES = {
    "String": {"String"}, "ArrayOfString": {"String"}, "ARN": {"ARN", "String"},
    "Bool": {"Bool"}, "Numeric": {"Numeric"}, "Date": {"Date"}, "IPAddress": {"IPAddress"},
    "Binary": {"Binary"},
}
_OPERATOR_FAMILY = {"String": "String*", "ARN": "Arn*", "Bool": "Bool", "Numeric": "Numeric*",
                    "Date": "Date*", "IPAddress": "IpAddress / NotIpAddress",
                    "Binary": "BinaryEquals"}


def check(doc, ctx):
    for statement, clause in clauses(doc):
        operator = clause.operator
        if operator is None or operator.is_null:
            continue
        family = operator.comparison.family.name
        if clause.problem is not None:
            if "${" in clause.problem or "variable" in clause.problem.lower():
                continue  # POL021 reports malformed variables
            yield Hit(f"{clause.problem}: the condition can never be evaluated, so it is false "
                      "for every request", clause.path)
            continue
        if family == "Bool" and len(clause.values) > 1:
            yield Hit(f"Bool with several values for {clause.key!r}: a Boolean key has one value; "
                      "write one value (true or false)", clause.path)
        info = catalog.condition_key(clause.key)
        if info is None:
            continue
        allowed = set(_FAMILIES.get(info.type, {family})) | set(info.alt_types)
        if family == "ARN" and info.type == "String" and _holds_arns(clause.key):
            allowed.add("ARN")
        if family not in allowed:
            wanted = " or ".join(sorted(_OPERATOR_FAMILY.get(f, f) for f in allowed))
            yield Hit(f"{operator.name} compares {family} values, but {clause.key!r} is a "
                      f"{info.type} key: use {wanted}; as written the request value is never "
                      "read as the operator expects", clause.path)


def _holds_arns(key: str) -> bool:
    lowered = key.lower()
    return lowered.endswith(("principal", "arn")) or lowered.startswith(
        "kms:encryptioncontext:")

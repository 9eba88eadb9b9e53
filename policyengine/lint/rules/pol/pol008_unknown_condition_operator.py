"""A condition operator that does not exist, or an illegal combination (NullIfExists).

## What it checks

Condition operators that are not IAM operators (`StringEqual`, `ArnEqual`, `StringEqualsLike`,
`ForAnyValues:StringEquals`), and `Null` combined with `IfExists`.

## Why it matters

AWS refuses the policy when it is saved. Tools that skip unknown operators instead show a
condition that AWS would never evaluate, so what you review is not what would be enforced.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEqual": {"kms:CallerAccount": "111122223333"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"}}}
```

## References

- Condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- Access Analyzer INVALID_CONDITION_OPERATOR, NULL_WITH_IF_EXISTS: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from .._common import violation_hits

ID = "POL008"


def check(doc, ctx):
    yield from violation_hits(doc, ID)

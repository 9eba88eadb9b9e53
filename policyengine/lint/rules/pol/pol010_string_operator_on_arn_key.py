"""A String wildcard operator on a key that holds ARNs.

## What it checks

`StringLike` / `StringNotLike` (or an `IgnoreCase` string operator) on an ARN-valued key:
`aws:SourceArn`, `aws:PrincipalArn`, `kms:GrantConstraintSourceArn`, and encryption-context keys
that carry ARNs (`kms:EncryptionContext:aws:logs:arn`, `...:aws:cloudtrail:arn`). Exact
`StringEquals` on a full ARN compares the same way as `ArnEquals` and is not reported.

## Why it matters

`ArnLike` matches each of the six colon-separated parts of an ARN on its own; a `*` in
`StringLike` runs across colons. `arn:aws:cloudtrail:*:111122223333:trail/*` as `StringLike`
also matches `arn:aws:cloudtrail:us-east-1:444455556666:trail/x:111122223333:trail/y`, and
`IgnoreCase` operators ignore the case that ARNs keep. The ARN operators say what is meant.

## Example

```json
{"Effect": "Allow", "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
 "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"StringLike": {"kms:EncryptionContext:aws:logs:arn":
                              "arn:aws:logs:eu-west-1:111122223333:log-group:*"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
 "Action": ["kms:Encrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                           "arn:aws:logs:eu-west-1:111122223333:log-group:*"}}}
```

## References

- ARN condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
- CloudWatch Logs key policy: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
- Access Analyzer STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms import catalog
from ...model import Hit
from .._common import clauses, has_wildcard

ID = "POL010"


def check(doc, ctx):
    for statement, clause in clauses(doc):
        operator = clause.operator
        if operator is None or operator.comparison.family.name != "String":
            continue
        if not _arn_key(clause.key):
            continue
        name = operator.comparison.name
        like = "Like" in name
        if like and not any(has_wildcard(v) for v in clause.values):
            continue
        if not like and "IgnoreCase" not in name:
            continue
        better = "ArnNotLike" if operator.negated else "ArnLike"
        why = ("its * also runs across the colons between ARN parts" if like
               else "ARNs are case-sensitive")
        yield Hit(f"{operator.name} on the ARN-valued key {clause.key!r}: {why}; use {better}",
                  clause.path)


def _arn_key(key) -> bool:
    if not isinstance(key, str):
        return False
    info = catalog.condition_key(key)
    if info is not None and info.type == "ARN":
        return True
    lowered = key.lower()
    return lowered.startswith("kms:encryptioncontext:") and lowered.endswith(":arn")

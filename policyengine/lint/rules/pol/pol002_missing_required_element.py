"""A statement (or the policy) lacks an element it needs.

## What it checks

The policy has no `Statement` (or an empty one); a statement has no `Effect`, no `Action` /
`NotAction`, or no `Resource` / `NotResource`. IAM, STS and Organizations refuse such
documents. KMS accepts a key-policy statement without `Action` or `Resource`, but the statement
then has no effect at all, which is reported here too. An empty `Action` or `Resource` list,
which IAM refuses, is reported as missing. (A statement without a principal in a key policy is
reported by POL017.)

## Why it matters

A refused document breaks the deployment that carries it. A key-policy statement that KMS
accepts but never applies is worse: the policy looks as if it grants (or denies) something and
silently does not, so a Deny guardrail without `Action` protects nothing.

## Example

```json
{"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Resource": "*",
 "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## Use instead

```json
{"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "kms:*",
 "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## References

- Policy elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
- PutKeyPolicy ("the request succeeds, even though the policy statement is ineffective"): https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
- Access Analyzer MISSING_ACTION, MISSING_RESOURCE, MISSING_EFFECT: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ...model import Hit
from .._common import violation_hits

ID = "POL002"


def check(doc, ctx):
    yield from violation_hits(doc, ID)
    if doc.policy_type != "key" or not isinstance(doc.value, dict):
        return
    raw = doc.value.get("Statement")
    items = [(raw, "Statement")] if isinstance(raw, dict) else (
        [(item, f"Statement/{i}") for i, item in enumerate(raw)] if isinstance(raw, list) else [])
    for statement, path in items:
        if not isinstance(statement, dict):
            continue
        for element, negated in (("Action", "NotAction"), ("Resource", "NotResource")):
            if element not in statement and negated not in statement:
                yield Hit(f"the statement has neither {element} nor {negated}: KMS accepts the "
                          "key policy, but the statement has no effect", f"{path}/{element}")

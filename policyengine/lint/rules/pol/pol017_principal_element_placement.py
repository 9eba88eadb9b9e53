"""Principal where it cannot be, or missing where it must be.

## What it checks

A `Principal` or `NotPrincipal` element in an identity policy, permissions boundary, session
policy or SCP (the principal of those is the identity they are attached to), and a statement
without `Principal` / `NotPrincipal` in a key policy, a VPC endpoint policy or an RCP.

## Why it matters

AWS refuses both when the policy is saved. A key-policy statement must say whom it applies to:
KMS requires "one or more principals" in every statement, and without one the statement could
not apply to anyone anyway. In an identity policy a `Principal` usually means a key-policy
statement was pasted into the wrong place.

## Example

```json
{"Version": "2012-10-17",
 "Statement": [{"Sid": "KeyUsers", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17",
 "Statement": [{"Sid": "KeyUsers", "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
                "Action": "kms:Decrypt", "Resource": "*"}]}
```

## References

- Principal element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- PutKeyPolicy, Policy parameter: https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
- Access Analyzer UNSUPPORTED_PRINCIPAL, MISSING_PRINCIPAL: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from .._common import violation_hits

ID = "POL017"


def check(doc, ctx):
    yield from violation_hits(doc, ID)

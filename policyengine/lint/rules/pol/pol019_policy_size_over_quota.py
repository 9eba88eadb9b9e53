"""The document is larger than the service accepts.

## What it checks

The size limit of the policy type, as the saving API counts it: key policies 32,768 bytes;
managed identity policies and permissions boundaries 6,144 characters not counting white space;
session policies 2,048 characters; SCPs and RCPs 5,120 characters; VPC endpoint policies 20,480
characters.

## Why it matters

The API refuses the document (`LimitExceededException`, `LimitExceeded`,
`ConstraintViolationException`), so the deployment fails, often long after the policy was
reviewed. Key policies cannot grow past 32 KB at all: large ones are usually a sign that access
should move to IAM policies (enabled by the account-principal statement) or to grants.

## Example

A key policy that lists hundreds of role ARNs in its key-user statement.

## Use instead

Keep the key policy small: delegate to the account and grant use through IAM policies on the
roles, or match roles with one `ArnLike` condition on `aws:PrincipalArn` instead of listing them.

## References

- KMS quotas (key policy document size): https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
- IAM and STS quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
- Organizations quotas: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
"""

from __future__ import annotations

from .._common import violation_hits

ID = "POL019"


def check(doc, ctx):
    yield from violation_hits(doc, ID)

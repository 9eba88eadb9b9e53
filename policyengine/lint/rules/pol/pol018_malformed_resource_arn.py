"""A Resource ARN in an identity policy that cannot name what it seems to.

## What it checks

Each `Resource` / `NotResource` ARN of an identity policy: fewer than six colon-separated
fields, an unknown partition, a service name with capitals, and for KMS ARNs a missing or
malformed Region or account, and a resource part that is neither `key/<key-id>` nor
`alias/<name>` (`arn:aws:kms:eu-west-1:111122223333:1234abcd-...`,
`arn:aws:kms:eu-west-1:111122223333:key/alias/app`). Wildcards and policy variables are
accepted where AWS accepts them.

## Why it matters

IAM accepts many malformed resource ARNs, and a pattern that no real ARN can match makes the
statement useless: an Allow that never applies (the application fails with AccessDenied), or a
Deny that protects nothing. A key named by its bare ID or by `key/alias/...` never matches the
key ARN a KMS request is authorised against.

## Example

```json
{"Effect": "Allow", "Action": "kms:Decrypt",
 "Resource": "arn:aws:kms:eu-west-1:111122223333:1234abcd-12ab-34cd-56ef-1234567890ab"}
```

## Use instead

```json
{"Effect": "Allow", "Action": "kms:Decrypt",
 "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
```

## References

- ARN format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
- KMS key and alias ARNs: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
- Access Analyzer INVALID_ARN_*, MISSING_ARN_FIELD, INVALID_KMS_KEY_VALUE: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import re

from ...analysis import element_values
from ...model import Hit

ID = "POL018"
_PARTITIONS = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
               "aws-eusc"}
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCOUNT = re.compile(r"\d{12}")
_KEY_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                     r"|mrk-[0-9a-fA-F]{32}")
_LOOSE = ("*", "?", "${")


def _loose(text: str) -> bool:
    return any(mark in text for mark in _LOOSE)


def check(doc, ctx):
    for statement in doc.statements:
        for entry in element_values(doc, statement, "Resource", "NotResource"):
            value = entry.value
            if isinstance(value, str) and value.startswith("arn:"):
                problem = _problem(value)
                if problem:
                    yield Hit(problem, entry.json_path)


def _problem(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return f"{arn!r} has {len(parts)} of the 6 colon-separated ARN fields, so it matches no " \
               "resource"
    _, partition, service, region, account, resource = parts
    if not _loose(partition) and partition not in _PARTITIONS:
        return f"{arn!r}: {partition!r} is not an AWS partition (aws, aws-cn, aws-us-gov, ...)"
    if service != service.lower():
        return f"{arn!r}: service names are lower case ({service.lower()!r}); as written the " \
               "ARN matches no resource"
    if service != "kms":
        return None
    if not region:
        return f"{arn!r}: KMS ARNs include the Region; as written the ARN matches no key"
    if not _loose(region) and not _REGION.fullmatch(region):
        return f"{arn!r}: {region!r} is not a Region name"
    if not account:
        return f"{arn!r}: KMS ARNs include the account ID; as written the ARN matches no key"
    if not _loose(account) and not _ACCOUNT.fullmatch(account):
        return f"{arn!r}: {account!r} is not a 12-digit account ID"
    if _loose(resource[:4]) or resource.startswith("alias/"):
        return None
    if resource.startswith("key/"):
        key_id = resource[4:]
        if _loose(key_id) or _KEY_ID.fullmatch(key_id):
            return None
        return f"{arn!r}: {key_id!r} is not a key ID (a UUID or mrk-<32 hex digits>); a key " \
               "named by alias must use an alias ARN (see IAM005 for what that controls)"
    return f"{arn!r}: a KMS ARN names key/<key-id> or alias/<alias-name>; {resource!r} is " \
           "neither, so the ARN matches nothing"

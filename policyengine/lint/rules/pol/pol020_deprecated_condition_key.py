"""A deprecated condition key.

## What it checks

Condition keys that AWS has replaced: `kms:CustomerMasterKeySpec` (now `kms:KeySpec`),
`kms:CustomerMasterKeyUsage` (now `kms:KeyUsage`) and the global key `aws:ARN` (use
`aws:PrincipalArn`).

## Why it matters

Deprecated keys keep working for now but are documented only as aliases, new tooling and
Access Analyzer flag them, and readers may not know what they mean. Writing the current name
keeps the policy clear and safe from a future removal.

## Example

```json
{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*",
 "Condition": {"StringNotEquals": {"kms:CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"}}}
```

## Use instead

```json
{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*",
 "Condition": {"StringNotEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT"}}}
```

## References

- kms:CustomerMasterKeySpec (deprecated): https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
- Access Analyzer DEPRECATED_GLOBAL_CONDITION_KEY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms import catalog
from ...knowledge import DEPRECATED_GLOBAL_KEYS
from ...model import Hit
from .._common import condition_entries

ID = "POL020"


def check(doc, ctx):
    for statement, entry in condition_entries(doc):
        if not isinstance(entry.key, str):
            continue
        replacement = DEPRECATED_GLOBAL_KEYS.get(entry.key.lower())
        if replacement is None:
            info = catalog.condition_key(entry.key)
            replacement = info.deprecated_for if info is not None else None
        if replacement:
            yield Hit(f"{entry.key!r} is deprecated; use {replacement!r}", entry.path)

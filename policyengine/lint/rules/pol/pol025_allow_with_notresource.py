"""Allow with NotResource in an identity policy: grants the actions on everything else.

## What it checks

Allow statements of identity policies that use `NotResource`. The engine's resource matcher
says whether a key in another account is among what the statement grants (it almost always is).

## Why it matters

`NotResource` grants the listed actions on every resource that is not listed, which for KMS
includes every key of every other account whose key policy trusts your account, and keys
created later. It is rarely what the author meant ("everything except the production key").

## Example

```json
{"Effect": "Allow", "Action": "kms:Decrypt",
 "NotResource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
```

## Use instead

```json
{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*"},
{"Effect": "Deny", "Action": "kms:Decrypt",
 "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
```

## References

- NotResource element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
- KMS: Resource "*" in IAM policies includes other accounts' keys: https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html
"""

from __future__ import annotations

from ...analysis import compiled_statements, outsider_account
from ...model import Hit

ID = "POL025"


def check(doc, ctx):
    other = (f"arn:aws:kms:us-east-1:{outsider_account(doc)}:"
             "key/00000000-0000-0000-0000-000000000000")
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.allow or node.resource is None or not node.resource.negated:
            continue
        text = "Allow with NotResource grants the actions on every resource that is not listed"
        if statement.matches_resource(other, lambda name: None):
            text += ", including keys in other accounts that trust yours"
        yield Hit(text, node.resource.path)

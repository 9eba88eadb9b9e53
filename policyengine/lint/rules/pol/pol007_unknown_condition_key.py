"""A condition key that does not exist (or is not allowed in this policy type).

## What it checks

Condition keys with the `kms:` or `aws:` prefix that are neither KMS condition keys nor global
condition keys: misspellings (`kms:ViaServices`, `kms:CallerAcount`), a prefix without its
embedded name (`kms:EncryptionContext` without `:<context-key>`, `aws:ResourceTag/` without a
tag name), and keys without a service prefix. In key policies, `aws:ResourceTag/*`,
`kms:ResourceTag/*` and `kms:ResourceAliases`, which KMS refuses there, are reported too. Keys
of other services are not checked.

## Why it matters

A key that never appears in a request is absent, and an absent key makes every ordinary
condition operator false and every negated one true. An Allow that tests a misspelled key never
applies; a Deny that tests it with `StringNotEquals` applies to every request, and one that
tests it with `StringEquals` to none, so the guardrail silently does nothing.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaServices": "s3.eu-west-1.amazonaws.com"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
```

## References

- KMS condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
- Global condition keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- Access Analyzer INVALID_GLOBAL_CONDITION_KEY, INVALID_SERVICE_CONDITION_KEY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import difflib

from ....kms import catalog
from ...knowledge import DEPRECATED_GLOBAL_KEYS, OTHER_GLOBAL_KEYS
from ...model import Hit
from .._common import condition_entries, violation_hits

ID = "POL007"


def check(doc, ctx):
    reported = set()
    for hit in violation_hits(doc, ID):
        reported.add(hit.json_path)
        yield hit
    for statement, entry in condition_entries(doc):
        key = entry.key
        if not isinstance(key, str) or entry.path in reported:
            continue
        prefix = key.split(":", 1)[0].lower()
        if prefix not in ("kms", "aws") or ":" not in key:
            continue
        lowered = key.lower()
        if catalog.condition_key(key) is not None or lowered in OTHER_GLOBAL_KEYS \
                or lowered in DEPRECATED_GLOBAL_KEYS:
            continue
        yield Hit(_message(key), entry.path)


def _message(key: str) -> str:
    lowered = key.lower()
    for info in catalog.catalog().embedded_keys:
        stem = info.prefix.lower()
        if lowered == stem or lowered == stem.rstrip(":/"):
            return (f"{key!r} needs a name after the prefix ({info.name}): as written the key is "
                    "never present, so the condition never matches (or, negated, always does)")
    names = [info.name for info in catalog.all_condition_keys() if not info.embedded]
    close = difflib.get_close_matches(lowered, [n.lower() for n in names], n=1, cutoff=0.8)
    hint = ""
    if close:
        hint = "; did you mean " + repr(next(n for n in names if n.lower() == close[0])) + "?"
    return (f"{key!r} is not a KMS or global condition key: it is never present in a request, "
            f"so the condition never matches (or, negated, always does){hint}")

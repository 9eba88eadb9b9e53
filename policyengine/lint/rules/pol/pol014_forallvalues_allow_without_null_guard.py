"""An Allow restricts a multivalued key with ForAllValues but does not require the key.

## What it checks

Allow statements with a `ForAllValues:` condition on a multivalued key
(`kms:EncryptionContextKeys`, `kms:GrantOperations`, `aws:TagKeys`, ...) and nothing in the same
statement that requires the key to be present: no `"Null": {"<key>": "false"}`, no
`ForAnyValue:` test and no plain positive test of the same key.

## Why it matters

`ForAllValues` asks "is every value in the request one of these?", and for a request without
the key (no encryption context, a grant request without operations) the answer is vacuously
yes. An Allow meant to permit only certain encryption-context keys therefore also permits
requests with no encryption context at all, which is usually what it was written to prevent.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["Project"]}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["Project"]},
               "Null": {"kms:EncryptionContextKeys": "false"}}}
```

## References

- Multivalued context keys and the Null guard: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- KMS kms:EncryptionContextKeys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys
- Access Analyzer, ForAllValues with an empty array: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms import catalog
from ....language.conditions.registry import resolve_operator
from ...model import Hit

ID = "POL014"


def check(doc, ctx):
    for statement in doc.statements:
        if statement.effect != "Allow" or not statement.condition:
            continue
        guarded: set[str] = set()
        candidates = []
        for entry in statement.condition:
            if not isinstance(entry.key, str):
                continue
            key = entry.key.lower()
            operator = resolve_operator(entry.operator)
            if operator is None:
                continue
            if operator.is_null:
                if any(str(v).lower() == "false" for v in entry.values):
                    guarded.add(key)
            elif operator.qualifier == "ForAllValues":
                candidates.append((key, entry, operator))
            elif not operator.if_exists and not operator.negated:
                guarded.add(key)  # ForAnyValue or a plain positive test needs the key present
        for key, entry, operator in candidates:
            info = catalog.condition_key(entry.key)
            if key in guarded or (info is not None and not info.multi_valued):
                continue  # single-valued keys: POL013
            yield Hit(f"{operator.name} on {entry.key!r} is true when the request has no "
                      f"{entry.key}, so this Allow also applies to such requests; add "
                      f'"Null": {{"{entry.key}": "false"}}', entry.path)

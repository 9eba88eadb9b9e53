"""A key policy lists actions of other services, which never apply to a KMS key.

## What it checks

`Action` values of key policy statements whose service prefix is not `kms` and that match no
KMS permission: `s3:GetObject`, `iam:PassRole`, `ec2:*`, `logs:CreateLogGroup`. Values that
cover KMS too (`"*"`, `*:Get*`) and misspelled KMS actions (POL006) are not reported.

## Why it matters

A key policy is evaluated only for requests to AWS KMS on its key; actions of other services
never match there, whoever the principal. Such values usually mean a statement was copied from
a bucket or role policy, and that the permission it was meant to give (reading the bucket,
passing the role) is missing where it belongs, or that the author believed the key policy
controls more than it does.

## Example

```json
{"Sid": "AppData", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "s3:GetObject"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "AppData", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*"}
```

and grant `s3:GetObject` in the bucket policy or the role's IAM policy.

## References

- Key policies in AWS KMS: https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
- Access Analyzer UNSUPPORTED_ACTION_IN_POLICY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache

from ...analysis import actions_named, compiled_statements, element_values
from ...model import Hit

ID = "KP023"


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if node.action is None or node.action.negated:
            continue
        foreign = _foreign(node.action.values)
        if not foreign:
            continue
        entries = element_values(doc, node, "Action")
        for index, service in foreign:
            value = entries[index]
            yield Hit(f"{statement.label} lists {value.value}, an action of {service}, not of AWS "
                      "KMS: it never applies to a KMS key; remove it and grant it in a policy of "
                      f"that service's resource or in an IAM policy", value.json_path)


@lru_cache(maxsize=1024)
def _foreign(values: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """(index, service) of each value naming another service's action (Action lists repeat
    between statements and policies)."""
    found = []
    for index, text in enumerate(values):
        if ":" not in text or actions_named(text):
            continue
        service = text.split(":", 1)[0]
        if fnmatch.fnmatchcase("kms", service.lower()):
            continue  # a KMS name that does not exist: POL006
        found.append((index, service))
    return tuple(found)

"""A wildcard inside the service prefix of an action or resource ARN.

## What it checks

Actions whose service prefix contains `*` or `?` (`k*:*`, `*ms:Decrypt`, `*:Get*`), and resource
ARNs whose service field does (`arn:aws:k*:*:*:*`). The bare `"*"` is not reported.

## Why it matters

A wildcard in the service name matches services that exist today and any service AWS adds
later whose name fits, so the statement's reach grows without anyone changing it. `k*:*` covers
KMS and also Kinesis, Kendra and Keyspaces.

## Example

```json
{"Effect": "Allow", "Action": "k*:Decrypt", "Resource": "*"}
```

## Use instead

```json
{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*"}
```

## References

- Action element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
- Access Analyzer WILDCARD_IN_SERVICE_NAME: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from functools import lru_cache

from ...analysis import element_values
from ...model import Hit

ID = "POL026"


def check(doc, ctx):
    for statement in doc.statements:
        if not (_any_suspect(statement.action.values if statement.action else ())
                or _any_suspect(statement.resource.values if statement.resource else ())):
            continue
        for entry in element_values(doc, statement, "Action", "NotAction"):
            value = entry.value
            if isinstance(value, str) and value != "*" and ":" in value:
                prefix = value.split(":", 1)[0]
                if "*" in prefix or "?" in prefix:
                    yield Hit(f"{value!r} has a wildcard in the service prefix; it matches "
                              "every service whose name fits, future ones included",
                              entry.json_path)
        for entry in element_values(doc, statement, "Resource", "NotResource"):
            value = entry.value
            if isinstance(value, str) and value.startswith("arn:"):
                fields = value.split(":")
                if len(fields) > 2 and ("*" in fields[2] or "?" in fields[2]):
                    yield Hit(f"{value!r} has a wildcard in the service field of the ARN; it "
                              "matches every service whose name fits", entry.json_path)


@lru_cache(maxsize=1024)
def _any_suspect(values: tuple[str, ...]) -> bool:
    """Is there a wildcard in a service prefix or an ARN's service field? (Action and Resource
    lists repeat between statements and policies.)"""
    return any(("*" in v or "?" in v) and _suspect(v) for v in values)


def _suspect(value: str) -> bool:
    if value.startswith("arn:"):
        fields = value.split(":")
        return len(fields) > 2 and ("*" in fields[2] or "?" in fields[2])
    prefix = value.split(":", 1)[0]
    return value != "*" and ":" in value and ("*" in prefix or "?" in prefix)

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

from ...analysis import element_values, source_text
from ...model import Hit

ID = "POL026"


def _mentioned(text: str) -> bool:
    """Is there a string with a wildcard before its first colon, or in an ARN's service field?
    (A quick look at the text, wildcard by wildcard, before walking the statements.)"""
    for mark in "*?":
        at = text.find(mark)
        while at != -1:
            start = text.rfind('"', 0, at) + 1
            end = text.find('"', at)
            if _suspect(text[start:end if end != -1 else len(text)]):
                return True
            at = text.find(mark, at + 1)
    return False


def check(doc, ctx):
    if not _mentioned(source_text(doc)):
        return
    for statement in doc.statements:
        values = list(statement.action.values if statement.action else ()) + list(
            statement.resource.values if statement.resource else ())
        if not any(isinstance(v, str) and ("*" in v or "?" in v) and _suspect(v) for v in values):
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


def _suspect(value: str) -> bool:
    if value.startswith("arn:"):
        fields = value.split(":")
        return len(fields) > 2 and ("*" in fields[2] or "?" in fields[2])
    prefix = value.split(":", 1)[0]
    return value != "*" and ":" in value and ("*" in prefix or "?" in prefix)

"""A policy variable that is malformed or used where it is not substituted.

## What it checks

`${...}` that is not a well-formed policy variable (missing brace, spaces, empty name, a bad
default), and well-formed variables where AWS does not substitute them: in `Action` /
`NotAction` and principal values, in the Region or account field of a resource ARN (variables
work only in the resource part, after the fifth colon), in the name of an
`kms:EncryptionContext:<k>` key, in the values of operators that take no variables (Numeric,
Date, Bool, IpAddress, Binary, Null), and variables naming multivalued keys
(`${aws:TagKeys}`, `${kms:EncryptionContextKeys}`), which have no single value to substitute.

## Why it matters

Where a variable is not substituted, `${aws:username}` is compared as those 16 characters, so
the statement matches nothing (or, with a negated operator, everything). A malformed variable
makes AWS refuse the policy.

## Example

```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
  "Resource": "arn:aws:kms:${aws:RequestedRegion}:111122223333:key/*"}]}
```

## Use instead

```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
  "Resource": "arn:aws:kms:*:111122223333:key/*",
  "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}
```

## References

- Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- Resource element (variables in the resource part only): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- Access Analyzer MISSING_BRACE_IN_VARIABLE, VARIABLE_UNSUPPORTED_IN_ELEMENT, INVALID_VARIABLE_FOR_OPERATOR: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import re

from ....kms import catalog
from ....language.conditions.registry import resolve_operator
from ...analysis import element_values, principal_entries, source_text
from ...model import Hit
from .._common import condition_entries, violation_hits

ID = "POL021"
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*", "?", "$"}


def _names(text) -> list[str]:
    if not isinstance(text, str):
        return []
    return [m.group(1).split(",", 1)[0].strip() for m in _VARIABLE.finditer(text)
            if m.group(1).strip() not in _ESCAPES]


def check(doc, ctx):
    reported = set()
    for hit in violation_hits(doc, ID):
        reported.add(hit.json_path)
        yield hit
    if "${" not in source_text(doc):
        return
    for statement in doc.statements:
        for entry in element_values(doc, statement, "Action", "NotAction"):
            if _names(entry.value):
                yield Hit(f"{entry.value!r}: policy variables are not substituted in actions",
                          entry.json_path)
        for entry in principal_entries(doc, statement):
            if _names(entry.value):
                yield Hit(f"{entry.value!r}: policy variables are not substituted in "
                          "principals; use a condition on aws:PrincipalArn", entry.json_path)
        for entry in element_values(doc, statement, "Resource", "NotResource"):
            value = entry.value
            if not isinstance(value, str) or entry.json_path in reported:
                continue
            fields = value.split(":", 5)
            if len(fields) == 6 and _names(":".join(fields[:5])):
                yield Hit(f"{value!r}: variables are substituted only in the resource part of "
                          "an ARN (after the fifth colon); here the ARN matches nothing",
                          entry.json_path)
            yield from _multivalued(value, entry.json_path)
    for statement, entry in condition_entries(doc):
        if entry.path in reported:
            continue
        if isinstance(entry.key, str) and entry.key.lower().startswith(
                "kms:encryptioncontext:") and _names(entry.key):
            yield Hit(f"{entry.key!r}: variables may appear in encryption-context values, never "
                      "in the context key's name", entry.path)
        operator = resolve_operator(entry.operator)
        values = [v for v in entry.values if _names(v)]
        if not values or operator is None:
            continue
        if not operator.comparison.family.variables or operator.is_null:
            yield Hit(f"{operator.name} does not substitute policy variables: {values[0]!r} is "
                      "compared as literal text; only String and ARN operators take variables",
                      entry.path)
            continue
        for value in values:
            yield from _multivalued(value, entry.path)


def _multivalued(value, path):
    for name in _names(value):
        info = catalog.condition_key(name)
        if info is not None and info.multi_valued:
            yield Hit(f"${{{name}}} names a multivalued key, which has no single value to "
                      "substitute: the variable never resolves", path)

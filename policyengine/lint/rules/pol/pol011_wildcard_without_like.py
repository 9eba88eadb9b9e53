"""A wildcard in a value compared with an Equals operator, which takes it literally.

## What it checks

`StringEquals`, `StringNotEquals` and their `IgnoreCase` forms (with or without `IfExists` or a
set qualifier) whose values contain `*` or `?`. Those operators compare exactly; only
`StringLike` / `StringNotLike` (and the ARN operators) read wildcards. `${*}` and `${?}`, the
escapes for literal characters, are not reported.

## Why it matters

`"StringEquals": {"kms:ViaService": "*.eu-west-1.amazonaws.com"}` matches only a request whose
value is literally that text, so an Allow never applies. With `StringNotEquals` in a Deny, the
Deny applies to every request, which locks out exactly the callers it meant to let through.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports/*"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports/*"}}}
```

## References

- String condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
- Access Analyzer WILDCARD_WITHOUT_LIKE_OPERATOR: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....language.conditions.registry import resolve_operator
from ...model import Hit
from .._common import condition_entries, has_wildcard

ID = "POL011"


def check(doc, ctx):
    for statement, entry in condition_entries(doc):
        operator = resolve_operator(entry.operator)
        if operator is None or operator.comparison.family.name != "String":
            continue
        if "Like" in operator.comparison.name:
            continue
        wild = [v for v in entry.values if has_wildcard(v)]
        if wild:
            better = operator.name.replace("EqualsIgnoreCase", "Like").replace("Equals", "Like")
            yield Hit(f"{operator.name} compares {wild[0]!r} literally (no wildcards with Equals "
                      f"operators); use {better} if the * or ? is meant as a wildcard",
                      entry.path)

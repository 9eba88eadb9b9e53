"""A permission that no key is involved in is listed with key ARNs, so the statement never
matches it.

## What it checks

Statements of identity policies that name, in `Action`, a KMS permission that is not
authorised on a key (`kms:CreateKey`, `kms:ListKeys`, `kms:ListAliases`, `kms:GenerateRandom`,
`kms:ListRetirableGrants` and the custom key store permissions, as the KMS catalogue lists them),
while the statement's `Resource` does not match `"*"`, the resource those requests are
authorised on (the engine's resource matcher decides: key ARNs, alias ARNs and
`arn:aws:kms:*:*:*` do not match it). Names covered only by a wildcard (`kms:List*`) are not
reported: the wildcard has other, key-level, permissions to match.

## Why it matters

The statement silently does nothing for these permissions: an Allow does not allow them (the
user gets `AccessDenied` for `CreateKey` and wonders why), a Deny does not deny them (a guardrail
with a hole). AWS evaluates these requests against `"*"` only.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:ListAliases"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:CreateKey", "kms:ListAliases"], "Resource": "*"}]}
```

## References

- Specifying KMS keys in IAM policy statements ("use * for operations that don't use a particular KMS key"): https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
- KMS permissions reference (resource of each permission): https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
"""

from __future__ import annotations

from ....kms import catalog
from ...analysis import compiled_statements, element_values
from ...model import Hit

ID = "IAM004"


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.effective or node.action is None or node.action.negated \
                or node.resource is None:
            continue
        if statement.matches_resource("*", lambda _name: None):
            continue
        for entry in element_values(doc, node, "Action"):
            info = catalog.action(entry.value) if isinstance(entry.value, str) \
                and entry.value[:4].lower() == "kms:" else None
            if info is None or info.internal or info.resource != "none":
                continue
            element = "NotResource" if node.resource.negated else "Resource"
            verb = "allows" if statement.allow else "denies"
            yield Hit(f"{statement.label} never {verb} kms:{info.name}: its requests are "
                      f'authorised on "*", which {element} {list(node.resource.values)!r} does '
                      f'not match; move kms:{info.name} to a statement with "Resource": "*"',
                      entry.json_path)

"""A key policy lists actions that only IAM policies can grant.

## What it checks

`Action` values of key policy statements that name only permissions a key policy cannot grant:
the IAM-only KMS permissions (`kms:CreateKey`, `kms:ListKeys`, `kms:ListAliases`,
`kms:GenerateRandom`, `kms:ListRetirableGrants`, and the custom key store actions
`kms:CreateCustomKeyStore`, `kms:ConnectCustomKeyStore`, ...), which involve no key, and, in
Allow statements, `kms:RetireGrant`, which is authorised by the grant itself. Patterns that also
name key permissions (`kms:Create*`, `kms:List*` in AWS's default policy) are not reported.

## Why it matters

These permissions are not authorised against a key, so a key policy statement listing them
never takes effect: the principal still gets AccessDenied when it calls `CreateKey` or
`ListAliases`. The statement suggests an access model that does not exist and hides the IAM
policy that is really needed.

## Example

```json
{"Sid": "Provisioner", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Provisioner"},
 "Action": ["kms:CreateKey", "kms:ListAliases", "kms:DescribeKey"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "Provisioner", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Provisioner"},
 "Action": "kms:DescribeKey", "Resource": "*"}
```

and grant `kms:CreateKey` and `kms:ListAliases` in the role's IAM policy.

## References

- Default key policy ("kms:CreateKey is valid only in an IAM policy"): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
- AWS KMS permissions reference (policy type of each permission): https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
- Retiring grants (kms:RetireGrant in a key policy has no effect): https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html
"""

from __future__ import annotations

from functools import lru_cache

from ....kms import catalog
from ...analysis import actions_named, compiled_statements, element_values, short_list
from ...model import Hit

ID = "KP022"


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if node.action is None or node.action.negated:
            continue
        flagged = _flagged(node.action.values, statement.allow)
        if not flagged:
            continue
        entries = element_values(doc, node, "Action")
        for index, (named, where) in flagged:
            value = entries[index]
            what = value.value if named == (value.value,) else \
                f"{value.value} ({short_list(named)})"
            yield Hit(f"{statement.label} lists {what}, which only {where} can authorise, so it "
                      "has no effect in a key policy; grant it in the principal's IAM policy "
                      "instead", value.json_path)


@lru_cache(maxsize=1024)
def _flagged(values: tuple[str, ...], allow: bool) -> tuple:
    """(index, what :func:`_only_elsewhere` says) for each value it flags (Action lists repeat
    between statements and policies)."""
    return tuple((index, found) for index, value in enumerate(values)
                 if (found := _only_elsewhere(value, allow)))


@lru_cache(maxsize=1024)
def _only_elsewhere(value: str, allow: bool) -> tuple[tuple[str, ...], str] | None:
    """(the permissions, who can authorise them) when every KMS permission the Action value
    names is one a key policy statement cannot grant (or, for a Deny, deny); else None."""
    named = actions_named(value)
    if not named or not all(_not_here(a, allow) for a in named):
        return None
    where = "IAM policies" if any(catalog.action(a).policy == "iam" for a in named) \
        else "the grant itself"
    return tuple(sorted(named)), where


def _not_here(action: str, allow: bool) -> bool:
    """Is the permission one a key policy statement cannot grant (or, for a Deny, deny)?"""
    policy = catalog.action(action).policy
    return policy == "iam" or (policy == "grant" and allow)

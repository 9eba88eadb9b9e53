"""Principals of another account are granted actions KMS never allows across accounts.

## What it checks

`Action` values of Allow statements that name only KMS permissions that do not work on a key in
another account (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:EnableKeyRotation`,
`kms:TagResource`, `kms:Put*`, ...), when the statement names a principal of another account
(its account, a role or a user) and the engine finds the key policy allows it that action.
Only cryptographic operations, `DescribeKey`, `GetKeyRotationStatus`, `GetPublicKey`,
`CreateGrant`, `ListGrants`, `RetireGrant` and `RevokeGrant` work across accounts. Patterns
that also cover such operations (`kms:*`, `kms:Get*`) are not reported; IAM-only actions are
KP022's.

## Why it matters

KMS refuses these operations for callers outside the key's account whatever the key policy says,
so the statement does not do what it promises: the partner who was meant to rotate, tag or
administer the key cannot, and the policy misleads every reviewer about who can manage the key.
Management of a shared key has to happen in the key's own account.

## Example

```json
{"Sid": "PartnerAdmin", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:role/KeyAdmin"},
 "Action": ["kms:Decrypt", "kms:EnableKeyRotation", "kms:TagResource"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "PartnerUse", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:role/KeyAdmin"},
 "Action": "kms:Decrypt", "Resource": "*"}
```

(and key management by a role of the key's own account)

## References

- Allowing users in other accounts to use a KMS key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- AWS KMS permissions reference (cross-account use column): https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
"""

from __future__ import annotations

from ....kms import catalog
from ...analysis import (actions_named, element_values, insider_probe, is_external,
                         iter_allow_statements, owner_account, principal_entries,
                         probe_resource, short_list, statement_allows)
from ...model import Hit

ID = "KP010"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    if owner is None:
        return
    for statement in iter_allow_statements(doc):
        node = statement.node
        if node.principal.negated or node.action is None or node.action.negated:
            continue
        external = [e for e in principal_entries(doc, node)
                    if e.caller is not None and not e.caller.is_service
                    and is_external(e, owner)]
        if not external:
            continue
        resource = probe_resource(doc, statement, config)
        for value in element_values(doc, node, "Action"):
            named = sorted(actions_named(value.value))
            if not named or any(_works_elsewhere(a) for a in named):
                continue
            who = [e.value for e in external if any(
                statement_allows(compiled, statement, insider_probe(e.caller, config), a,
                                 resource) for a in named)]
            if who:
                yield Hit(f"{statement.label} grants {value.value} to {short_list(who)} in "
                          f"another account, but KMS never allows {short_list(named)} on a key "
                          f"of account {owner} to other accounts: remove it, and manage the key "
                          f"from account {owner}", value.json_path)


def _works_elsewhere(action: str) -> bool:
    """Does the permission work across accounts, or is it not a key-policy permission at all
    (IAM-only: KP022)?"""
    info = catalog.action(action)
    return info is None or info.cross_account or info.policy == "iam"

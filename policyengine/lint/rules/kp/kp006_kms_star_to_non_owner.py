"""kms:* (or "*") granted to something other than the owning account's root.

## What it checks

Allow statements whose actions cover every KMS permission (`kms:*`, `*`, or a `NotAction` that
leaves all of KMS in, as the engine's action matchers find) granted to a principal other than
the owning account: an IAM user or role, another account, a service, or a wildcard principal
restricted by conditions (unrestricted wildcards are KP001/KP002). Statements whose conditions
no request of that principal can meet are not reported.

## Why it matters

`kms:*` combines administration (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`,
`kms:CreateGrant`, tagging) with every cryptographic use, so the principal can rewrite the key
policy, hand the key to anyone, or destroy all data encrypted under it. The account-principal
statement is the one place where `kms:*` belongs: it only delegates to IAM, where the account's
own policies decide. For another account, `kms:*` also signals a key shared far more broadly
than needed.

## Example

```json
{"Sid": "AppRole", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"}, "Action": "kms:*", "Resource": "*"}
```

## Use instead

```json
{"Sid": "AppRole", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
 "Resource": "*"}
```

## References

- AWS KMS best practices (least privilege, separation of duties): https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
- Default key policy: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
"""

from __future__ import annotations

from ...analysis import (covers_all_kms, entry_caller, insider_probe, iter_allow_statements,
                         names_owner, owner_account, principal_entries, probe_resource,
                         public_statements, statement_allows)
from ...model import Hit

ID = "KP006"
_CHECKED = ("kms:Decrypt", "kms:PutKeyPolicy", "kms:DescribeKey")


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    owner = owner_account(doc, ctx.config)
    public = public_statements(doc, ctx.config)
    for statement in iter_allow_statements(doc):
        if statement.path in public or not covers_all_kms(doc, statement):
            continue
        resource = probe_resource(doc, statement, ctx.config)
        for entry in principal_entries(doc, statement.node):
            caller = entry_caller(entry, owner)
            if entry.negated or names_owner(entry, owner) or caller is None:
                continue
            probe = insider_probe(caller, ctx.config)
            if not any(statement_allows(compiled, statement, probe, a, resource)
                       for a in _CHECKED):
                continue
            yield Hit(f"{statement.label} grants kms:* to {_who(entry, owner)}: administration "
                      "(PutKeyPolicy, CreateGrant, ScheduleKeyDeletion) and every use of the "
                      "key together; grant only the actions it needs", entry.json_path)


def _who(entry, owner) -> str:
    if entry.wildcard:
        return "every principal that meets its conditions"
    if entry.kind == "Service":
        return f"the service {entry.value}"
    if entry.account_principal:
        return f"account {entry.account} (another account)" if owner else \
            f"account {entry.account}"
    if owner is not None and entry.account != owner:
        return f"{entry.value} (another account)"
    return entry.value

"""The same principal administers the key and uses it to decrypt or sign.

## What it checks

Principals of the key's account (users, roles, sessions) that the key policy allows both key
management (`kms:PutKeyPolicy`, `kms:CreateAlias`, `kms:DisableKey`, `kms:DisableKeyRotation`,
`kms:ScheduleKeyDeletion`, `kms:TagResource`, `kms:UntagResource`) and use of the key's secret
material (`kms:Decrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Sign`,
`kms:GenerateMac`, `kms:DeriveSharedSecret`), in one statement or across several. The engine
evaluates each permission for that principal, conditions and Deny statements included.

Left out: the owning account's principal (it delegates to IAM), services, wildcard principals
(KP001/KP002), statements that grant `kms:*` (KP006), and `kms:CreateGrant`, which AWS's console
policy gives key users to attach AWS resources (KP013 and KP015 judge it).

## Why it matters

Separation of duties: the console's default key policy gives key administrators and key users
separate statements for a reason. An administrator that can also decrypt needs no one else to
read protected data, and a compromised application role that can also rewrite the key policy,
disable the key or schedule its deletion can lock everyone else out or destroy the data.

## Example

```json
{"Sid": "Ops", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
 "Action": ["kms:Put*", "kms:Disable*", "kms:ScheduleKeyDeletion", "kms:Decrypt"],
 "Resource": "*"}
```

## Use instead

```json
{"Sid": "KeyAdministrators", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
 "Action": ["kms:Put*", "kms:Disable*", "kms:ScheduleKeyDeletion"], "Resource": "*"},
{"Sid": "KeyUsers", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}
```

## References

- Default key policy (separate administrator and user statements): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- AWS KMS best practices, least privilege: https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
- AWS KMS Best Practices whitepaper (separation of duties): https://docs.aws.amazon.com/whitepapers/latest/kms-best-practices/identity-and-access-management.html
"""

from __future__ import annotations

from ...analysis import (covered, covers_all_kms, insider_probe, is_external, named_allows,
                         names_owner, owner_account, principal_entries, probe_resource, short_list,
                         statement_allows)
from ...knowledge import KEY_MANAGEMENT_ACTIONS, SECRET_USE_ACTIONS
from ...model import Hit

ID = "KP007"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    # The statements' action lists first: only a caller named for both kinds needs the engine.
    named = []  # (statement, caller, entry, {"manage": actions, "use": actions})
    for statement in named_allows(doc, config):
        if covers_all_kms(doc, statement):
            continue
        kinds = {"manage": covered(doc, statement, KEY_MANAGEMENT_ACTIONS),
                 "use": covered(doc, statement, SECRET_USE_ACTIONS)}
        if not kinds["manage"] and not kinds["use"]:
            continue
        for entry in principal_entries(doc, statement.node):
            caller = entry.caller
            if entry.negated or caller is None or caller.is_service \
                    or names_owner(entry, owner) or is_external(entry, owner):
                continue  # key management does not work across accounts (KP010)
            named.append((statement, caller, entry, kinds))
    both = ({caller.role_arn or caller.arn for _, caller, _, kinds in named if kinds["manage"]}
            & {caller.role_arn or caller.arn for _, caller, _, kinds in named if kinds["use"]})
    rights: dict[str, dict] = {}  # caller ARN -> {"manage": {...}, "use": {...}, "value": ...}
    for statement, caller, entry, kinds in named:
        key = caller.role_arn or caller.arn
        if key not in both:
            continue
        resource = probe_resource(doc, statement, config)
        probe = insider_probe(caller, config)
        mine = rights.setdefault(key, {"manage": {}, "use": {}, "value": entry.value})
        for kind, actions in kinds.items():
            for action in actions:
                if action not in mine[kind] and statement_allows(
                        compiled, statement, probe, action, resource):
                    mine[kind][action] = (statement.label, entry.json_path)
    for mine in rights.values():
        if not mine["manage"] or not mine["use"]:
            continue
        where_manage, path = next(iter(mine["manage"].values()))
        where_use = next(iter(mine["use"].values()))[0]
        places = (f"in {where_manage}" if where_manage == where_use
                  else f"in {where_manage} and {where_use}")
        yield Hit(f"{mine['value']} can both manage the key ({short_list(mine['manage'])}) "
                  f"and use its secret material ({short_list(mine['use'])}) {places}: give "
                  "administration and use to separate principals", path)

"""A principal outside the key administrators can schedule the key's deletion unguarded.

## What it checks

Principals of the key's account that the key policy allows `kms:ScheduleKeyDeletion` (named, or
covered by a pattern such as `kms:Schedule*`; `kms:Delete*` does not cover it) where the engine
allows the request:

* without multi-factor authentication (`aws:MultiFactorAuthPresent` absent, as for long-term
  access keys, or false), and
* with the shortest waiting period AWS accepts (7 days,
  `kms:ScheduleKeyDeletionPendingWindowInDays`),

Deny statements of the key policy included and, in scenario files, the organization's SCPs (a
guardrail there counts). Left out: the owning account's principal (deletion is then delegated
to IAM, where IAM007 checks it) and the key administrators: the configured
`key-administrators` and `break-glass-principals`, or, without configuration, the principals of
the policy's key-administration statements (those granting `kms:PutKeyPolicy` and no
cryptographic use). AWS's console offers "Allow key administrators to delete this key" as a
deliberate choice and its default policy does so; this rule reports deletion rights that
reach further: application roles, key users, wildcard principals. Statements that grant
`kms:*` to such a principal are reported by KP006, whose message names deletion.

## Why it matters

Deleting a key destroys every piece of data encrypted under it once the waiting period ends,
with no way back (Security Hub KMS.3 is critical for keys pending deletion). A role that only
needs to use the key, or a stolen credential of it, should not be able to start that clock;
when deletion must be possible outside the administrators, requiring MFA and a long waiting
period keeps it deliberate.

## Example

```json
{"Sid": "AppRole", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ScheduleKeyDeletion"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "AppRole", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
{"Sid": "CleanupWithMfa", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Cleanup"},
 "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
               "NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}
```

## References

- Deleting AWS KMS keys (waiting period, controlling access): https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
- kms:ScheduleKeyDeletionPendingWindowInDays: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-schedule-key-deletion-pending-window-in-days
- Security Hub KMS.3: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3
- Default key policy, key administrators: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
"""

from __future__ import annotations

from ...analysis import (SHORTEST_DELETION_WINDOW, covered, covers_all_kms, entry_caller,
                         insider_probe, is_administrator, is_external, named_allows,
                         names_owner, owner_account, principal_entries, probe_resource,
                         scp_blocks, statement_allows, unguarded_requests)
from ...model import Hit

ID = "KP008"
ACTION = "kms:ScheduleKeyDeletion"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    world = getattr(doc, "world", None)
    for statement in named_allows(doc, config):
        if covers_all_kms(doc, statement) or not covered(doc, statement, (ACTION,)):
            continue  # kms:* to a principal: KP006
        resource = probe_resource(doc, statement, config)
        for entry in principal_entries(doc, statement.node):
            caller = entry_caller(entry, owner)
            if entry.negated or caller is None or caller.is_service \
                    or names_owner(entry, owner) or is_external(entry, owner):
                continue  # deletion does not work across accounts (KP010)
            if not entry.wildcard and is_administrator(doc, config, entry):
                continue
            probes = [insider_probe(caller, config).fix(request)
                      for request in unguarded_requests(ACTION)]
            if not any(statement_allows(compiled, statement, probe, ACTION, resource)
                       and not scp_blocks(world, probe, ACTION, resource) for probe in probes):
                continue
            who = ("every principal that meets the statement's conditions" if entry.wildcard
                   else f"{entry.value}, which is not a key administrator,")
            yield Hit(f"{statement.label} lets {who} schedule this key's deletion without MFA "
                      f"and with a {SHORTEST_DELETION_WINDOW}-day waiting period; remove "
                      f"{ACTION} or require aws:MultiFactorAuthPresent and a minimum "
                      "kms:ScheduleKeyDeletionPendingWindowInDays", entry.json_path)

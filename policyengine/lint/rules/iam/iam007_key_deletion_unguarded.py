"""An identity policy lets its holder schedule key deletion or disable keys with no guard.

## What it checks

Allow statements of identity policies that grant `kms:ScheduleKeyDeletion` or `kms:DisableKey`
on a key (one they name, or one a wildcard reaches) where the engine finds the request allowed,
Deny statements of the policy included:

* without multi-factor authentication (`aws:MultiFactorAuthPresent` absent, as for long-term
  access keys, or false, as for sessions created without MFA),
* for `ScheduleKeyDeletion`, with the shortest waiting period AWS accepts (7 days,
  `kms:ScheduleKeyDeletionPendingWindowInDays`),
* whatever the key's tags and aliases: both for a key without any and for one carrying the tag
  values and aliases the policy's conditions name, so a statement limited to keys tagged for
  deletion, or a Deny for protected keys, counts as a guard.

Statements that grant every KMS permission are IAM002's; guards in other policies (SCPs, key
policies) are not seen from a single identity policy.

## Why it matters

Deleting a key destroys every piece of data encrypted under it, irrecoverably, once the waiting
period ends; disabling it stops every application at once. A stolen access key or a script with
a wrong key ID should not be enough: requiring MFA, a long waiting period, or a tag on the keys
that may be deleted keeps these actions deliberate (Security Hub KMS.3 reports keys scheduled
for deletion unintentionally).

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Cleanup", "Effect": "Allow",
   "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Cleanup", "Effect": "Allow",
   "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
   "Condition": {
     "Bool": {"aws:MultiFactorAuthPresent": "true"},
     "NumericGreaterThanEquals": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}]}
```

## References

- Deleting AWS KMS keys (waiting period, controlling access): https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
- kms:ScheduleKeyDeletionPendingWindowInDays: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-schedule-key-deletion-pending-window-in-days
- Security Hub KMS.3: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3
- aws:MultiFactorAuthPresent: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent
"""

from __future__ import annotations

from ...analysis import (SHORTEST_DELETION_WINDOW, allows_of, key_probe, reachable_keys,
                         short_list, statement_allows, unguarded_requests)
from ...model import Hit

ID = "IAM007"
ACTIONS = ("kms:ScheduleKeyDeletion", "kms:DisableKey")


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    account = ctx.config.owner_account if ctx.config is not None else None
    states = _attribute_states(compiled)
    for statement, actions in allows_of(doc, ACTIONS):
        node = statement.node
        keys = reachable_keys(statement, account)
        unguarded = [a for a in actions if any(
            all(statement_allows(compiled, statement, _probe(compiled, key, request, state), a,
                                 key, resource_policy=False) for state in states)
            for key in keys for request in unguarded_requests(a))]
        if unguarded:
            yield Hit(f"{statement.label} allows {short_list(unguarded)} without MFA"
                      + (f", with a {SHORTEST_DELETION_WINDOW}-day waiting period"
                         if "kms:ScheduleKeyDeletion" in unguarded else "")
                      + ", whatever the key's tags; require aws:MultiFactorAuthPresent, a "
                      "minimum kms:ScheduleKeyDeletionPendingWindowInDays or a tag on the keys "
                      "that may be deleted", node.action.path)


def _probe(compiled, key, request, attributes):
    return key_probe((compiled,), key, attributes=attributes).fix(request)


def _attribute_states(compiled) -> list[dict]:
    """Key tags and aliases to try: none, and those the policy's conditions name."""
    named: dict = {}
    for clause in (c for statement in compiled.statements for c in statement.clauses):
        key = clause.key_lower
        if not key.startswith(("aws:resourcetag/", "kms:resourcealiases")) or key in named:
            continue
        literal = next((v for v in clause.values if isinstance(v, str) and "${" not in v), None)
        if literal is not None:
            value = literal.replace("*", "x").replace("?", "x")
            named[key] = [value] if key == "kms:resourcealiases" else value
    return [{}, named] if named else [{}]

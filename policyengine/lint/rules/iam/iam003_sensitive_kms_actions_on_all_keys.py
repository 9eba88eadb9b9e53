"""An identity policy allows key administration or access control on every key.

## What it checks

Allow statements of identity policies that grant a permission which changes a key or who can
use it (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:CreateGrant`,
`kms:RevokeGrant`, `kms:RetireGrant`, `kms:TagResource`, `kms:UntagResource`, `kms:UpdateAlias`,
`kms:ImportKeyMaterial`, `kms:DeleteImportedKeyMaterial`) on keys the policy does not name: the
engine matches the statement against a key with an ID no statement lists, in the account and
Region of each `Resource` pattern (`"*"`, `arn:aws:kms:*:111122223333:key/*`, `NotResource`),
with the key's account bound and its tags and aliases absent, so a statement scoped by
`aws:ResourceTag/...` or `kms:ResourceAliases` conditions is not reported; Deny statements of the
same policy that would still apply are taken into account. Statements that grant every KMS
permission are IAM002's.

## Why it matters

These permissions decide who can use a key and whether it keeps existing. Granted in an IAM
policy on `"*"`, they reach every key whose key policy delegates to the account, including keys
created later and keys of other teams: one compromised role can rewrite key policies, hand out
grants or schedule deletions everywhere. The KMS guide recommends granting them in the key
policy of each key instead, where they affect that key only.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Ops", "Effect": "Allow",
   "Action": ["kms:DisableKey", "kms:ScheduleKeyDeletion"], "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Ops", "Effect": "Allow",
   "Action": ["kms:DisableKey", "kms:ScheduleKeyDeletion"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}
```

or grant the permissions to the role in the key policy of each key it manages.

## References

- KMS IAM policy best practices ("Use key policies"): https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html
- Specifying KMS keys in IAM policy statements: https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
- Checkov CKV_AWS_109 / CKV_AWS_111 (permissions management and writes without constraints): https://www.checkov.io/5.Policy%20Index/all.html
"""

from __future__ import annotations

from ...analysis import (allows_of, element_values, key_probe, short_list, statement_allows,
                         unnamed_keys)
from ...model import Hit

ID = "IAM003"
SENSITIVE = ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant",
             "kms:RevokeGrant", "kms:RetireGrant", "kms:TagResource", "kms:UntagResource",
             "kms:UpdateAlias", "kms:ImportKeyMaterial", "kms:DeleteImportedKeyMaterial")


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    account = ctx.config.owner_account if ctx.config is not None else None
    for statement, actions in allows_of(doc, SENSITIVE):
        node = statement.node
        found = None
        for index, key in unnamed_keys(statement, account):
            probe = key_probe((compiled,), key)
            allowed = [a for a in actions if statement_allows(compiled, statement, probe, a, key,
                                                              resource_policy=False)]
            if allowed:
                found = index, allowed
                break
        if found is None:
            continue
        index, allowed = found
        if index is None:
            where, shown = node.resource.path, f"NotResource {list(node.resource.values)!r}"
        else:
            where = element_values(doc, node, "Resource")[index].json_path
            shown = repr(node.resource.values[index])
        yield Hit(f"{statement.label} allows {short_list(allowed)} on keys it does not name "
                  f"({shown}), so on every key whose key policy lets the account's IAM policies "
                  "apply; grant these permissions in the key policies of the keys concerned, or "
                  "list their key ARNs", where)

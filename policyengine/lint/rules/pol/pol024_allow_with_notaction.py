"""Allow with NotAction: grants everything that is not listed.

## What it checks

Allow statements that use `NotAction`. The message says what the statement grants through the
engine's matchers: in a key policy, every other KMS permission on the key (naming
`kms:PutKeyPolicy` and `kms:ScheduleKeyDeletion` when they are among them); in other policies,
every action of every service that is not listed (restricted only by `Resource`).

## Why it matters

`NotAction` with `Allow` is an allow-list written as a deny-list: new actions that AWS adds
later are granted automatically, and it is easy to forget what "everything else" includes.
`"NotAction": "kms:ScheduleKeyDeletion"` still grants `kms:PutKeyPolicy`, so the principal can
rewrite the policy and give itself the action that was left out.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
 "NotAction": ["kms:ScheduleKeyDeletion", "kms:Decrypt"], "Resource": "*"}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Ops"},
 "Action": ["kms:DescribeKey", "kms:EnableKeyRotation", "kms:GetKeyRotationStatus",
            "kms:TagResource", "kms:UntagResource"], "Resource": "*"}
```

## References

- NotAction element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
- cfn-nag W14-W20 (Allow with NotAction): https://github.com/stelligent/cfn_nag
"""

from __future__ import annotations

from ...analysis import compiled_statements, covered, key_actions
from ...model import Hit

ID = "POL024"
_DANGEROUS = ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:CreateGrant")


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.allow or node.action is None or not node.action.negated:
            continue
        if doc.policy_type == "key":
            granted = covered(doc, statement, key_actions())
            risky = [a for a in _DANGEROUS if a in granted]
            text = (f"Allow with NotAction grants {len(granted)} KMS permissions on this key "
                    "(every one not listed)")
            if risky:
                text += ", including " + ", ".join(risky)
        else:
            text = ("Allow with NotAction grants every action of every service that is not "
                    "listed, including actions AWS adds later; list the actions to allow")
        yield Hit(text, node.action.path)

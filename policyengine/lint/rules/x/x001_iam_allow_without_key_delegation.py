"""An IAM policy allows use of a key whose key policy ignores IAM: the Allow has no effect.

## What it checks

In a scenario world, every Allow statement of an identity policy attached to a principal is
matched against every customer managed key of the principal's own account. For each key
permission the statement could allow the principal on the key (the engine evaluates the
statement with what the world says about the principal and the key, conditions on values the
request carries taken as met, Deny statements of the same policy taken into account), the rule
reports the statement when

* the key policy has no Allow statement for that permission that names the principal's account
  (`arn:aws:iam::ACCOUNT:root`, the delegation to IAM) or the principal itself, whatever their
  conditions, and
* the engine (`authorize`) denies the principal's request implicitly (so no grant lets it
  through either).

AWS managed keys are skipped (their policies are AWS's; X003), and so are keys in other
accounts (X002).

## Why it matters

For a KMS key, an IAM policy is only effective if the key policy allows it: an identity-policy
Allow counts only when the key policy gives the permission to the account principal. Without
that statement the IAM Allow looks like access in every IAM review and in the IAM policy
simulator, yet every request gets `AccessDeniedException`. The usual cause is a key policy
written without the default "Enable IAM User Permissions" statement.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    policy: {Version: "2012-10-17", Statement: [{Sid: KeyAdmin, Effect: Allow,
      Principal: {AWS: "arn:aws:iam::111122223333:role/KeyAdmin"}, Action: "kms:*",
      Resource: "*"}]}
principals:
  - arn: arn:aws:iam::111122223333:role/App
    policies: [{Version: "2012-10-17", Statement: [{Effect: Allow, Action: kms:Decrypt,
      Resource: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}]
```

## Use instead

Enable IAM policies in the key policy (or name the role in it):

```json
{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}
```

## References

- Default key policy, allowing IAM policies: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
- Using IAM policies with AWS KMS: https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies.html
"""

from __future__ import annotations

from ....decision import Effect
from ....kms.requests import authorize
from ....kms.world import Request
from ...analysis import (covered, identity_allow_statements, key_actions, short_list,
                         statement_allows, world_probe)
from ...model import Hit

ID = "X001"


def check(doc, ctx):
    world = doc.world
    for item in identity_allow_statements(doc):
        principal = item.principal
        for key in world.keys:
            if key.account != principal.account or key.aws_managed or key.policy.compiled is None:
                continue
            probe = world_probe(world, principal.arn, key, [item.compiled])
            dead = [action for action in covered(item.document, item.statement, key_actions())
                    if statement_allows(item.compiled, item.statement, probe, action, key.arn,
                                        resource_policy=False)
                    and not _named(key.policy.compiled, probe.caller, action)
                    and authorize(world, Request(principal.arn, action=action, key=key.arn))
                    .effect is Effect.IMPLICIT_DENY]
            if not dead:
                continue
            yield Hit(f"{item.statement.label} of {item.document.label} allows "
                      f"{short_list(dead)} on {key.arn}, but that key's policy neither enables "
                      f"IAM policies for account {key.account} nor names {principal.arn}, so "
                      "KMS denies these requests; add a statement for "
                      f"arn:aws:iam::{key.account}:root (\"Enable IAM User Permissions\") or "
                      "for the principal to the key policy",
                      item.path("Resource"), sid=item.statement.sid)


def _named(compiled, caller, action: str) -> bool:
    """Does an Allow statement of the key policy name the caller or its account for
    ``action`` (whatever its conditions)?"""
    return any(statement.allow and statement.principal is not None
               and statement.principal.match(caller) is not None
               for statement in compiled.statements_for(action))

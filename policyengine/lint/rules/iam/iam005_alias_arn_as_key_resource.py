"""An alias ARN in `Resource` is meant to reach the key behind the alias; it never does.

## What it checks

Statements of identity policies that list an alias ARN (`arn:aws:kms:...:alias/...`) in
`Resource` and cover key-level permissions (`kms:Decrypt`, `kms:Encrypt`, `kms:DescribeKey`,
`kms:ScheduleKeyDeletion`, ... everything the KMS catalogue authorises on the key alone), while
the statement reaches no key of the alias's account and Region through its other `Resource`
values (the engine's resource matcher is asked about a key with an ID the policy does not name).
A statement that also grants alias operations (`kms:CreateAlias`, `kms:UpdateAlias`,
`kms:DeleteAlias`) and names keys in `Resource` is the documented way to manage an alias and is
not reported.

## Why it matters

In an IAM policy an alias ARN is the alias resource itself: it authorises alias operations on
that alias, never the key the alias points to. The statement therefore allows (or denies)
nothing for the key: applications get `AccessDenied` when they use the alias, and a Deny written
this way does not protect the key.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:alias/app"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
   "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": "alias/app"}}}]}
```

or name the key's ARN.

## References

- Specifying KMS keys in IAM policy statements (alias ARNs only for alias operations): https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
- Controlling access to aliases: https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html
- ABAC for AWS KMS (kms:ResourceAliases, kms:RequestAlias): https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
"""

from __future__ import annotations

import fnmatch

from ...analysis import (UNNAMED_KEY_ID, compiled_statements, covered, element_values,
                         key_only_actions, short_list)
from ...model import Hit

ID = "IAM005"
_ALIAS_ACTIONS = ("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias")


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.effective or node.resource is None or node.resource.negated:
            continue
        entries = element_values(doc, node, "Resource")
        aliases = [(e, parts) for e in entries if (parts := _alias_arn(e.value))]
        if not aliases:
            continue
        actions = covered(doc, statement, key_only_actions())
        if not actions:
            continue
        names_keys = len(aliases) < len(entries)
        if names_keys and covered(doc, statement, _ALIAS_ACTIONS):
            continue  # alias management: the alias ARN and the key ARN are both needed
        verb = "allow" if statement.allow else "deny"
        for entry, (partition, region, account) in aliases:
            key = f"arn:{partition}:kms:{region}:{account}:key/{UNNAMED_KEY_ID}"
            if statement.matches_resource(key, lambda _name: None):
                continue  # the statement reaches the keys there through another value
            yield Hit(f"{statement.label} lists the alias ARN {entry.value!r} for "
                      f"{short_list(actions)}, but an alias ARN only stands for the alias, so "
                      f"the statement does not {verb} them on the key behind it; name the key "
                      "ARN, or match the alias with a kms:ResourceAliases condition",
                      entry.json_path)


def _alias_arn(value) -> tuple[str, str, str] | None:
    """(partition, Region, account) to probe, for a KMS alias ARN pattern; else None."""
    if not isinstance(value, str):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not fnmatch.fnmatchcase("kms", parts[2]):
        return None
    if not parts[5].startswith("alias/"):
        return None
    fill = (lambda text, default: default if not text or any(c in text for c in "*?$")
            else text)
    return fill(parts[1], "aws"), fill(parts[3], "us-east-1"), fill(parts[4], "111111111111")

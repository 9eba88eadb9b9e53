"""Access depends on a key's tags or aliases, and the same principal can change them.

## What it checks

Statements of identity policies whose conditions decide access by the key's attributes,
`aws:ResourceTag/<tag>` or `kms:ResourceAliases`, when the policy's holder (in a scenario world:
the principal the policy is attached to, with all its identity policies) may also change that
attribute on the keys the statement covers. The engine is asked, for a key the statement reaches:

* where the condition grants access when the attribute is present (an Allow with
  `StringEquals`, or a Deny with a negated operator): whether `kms:TagResource` with that tag
  key (`aws:TagKeys`, and `aws:RequestTag/<tag>` set to a value no policy names or to the value
  the condition wants) is allowed on an untagged key, or `kms:CreateAlias` / `kms:UpdateAlias`
  for an alias the condition names;
* where access is granted when the attribute is absent (a Deny with `StringEquals`, an Allow
  with a negated operator): whether `kms:UntagResource` of that tag key is allowed on a key that
  carries it, or `kms:DeleteAlias` / `kms:UpdateAlias` for the alias.

A tagging permission limited by `aws:TagKeys` or `aws:RequestTag/<tag>` conditions to values
the holder may have is not reported.

## Why it matters

Attribute-based access control is only as strong as the control over the attributes. A role
that may use "keys tagged `team=payments`" and may also tag keys can tag any key `payments` and
use it; a role kept away from "keys tagged `protected`" can remove the tag. The KMS ABAC
documentation warns that tag and alias permissions are then access-control permissions.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "UseTeamKeys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
   "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}},
  {"Sid": "TagKeys", "Effect": "Allow", "Action": "kms:TagResource", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "UseTeamKeys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
   "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}},
  {"Sid": "TagKeys", "Effect": "Allow", "Action": "kms:TagResource", "Resource": "*",
   "Condition": {"ForAllValues:StringNotEquals": {"aws:TagKeys": "team"}}}]}
```

## References

- ABAC for AWS KMS (tags and aliases as access control): https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
- Using tags to control access to KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html
- Using aliases to control access to KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
"""

from __future__ import annotations

from ....kms.world import KEY_ARN
from ...analysis import (compiled_statements, holder_policies, holder_principal, identity_allows,
                         key_probe, reachable_keys)
from ...model import Hit

ID = "IAM008"
_UNNAMED_VALUE = "lint-probe-value"


def check(doc, ctx):
    policies = holder_policies(doc)
    principal = holder_principal(doc)
    account = principal.account if principal is not None else (
        ctx.config.owner_account if ctx.config is not None else None)
    candidates = list(dict.fromkeys(key for policy in policies for statement in policy.statements
                                    for key in reachable_keys(statement, account)))
    for statement in compiled_statements(doc):
        if not statement.effective or statement.node.resource is None:
            continue
        keys = [k for k in candidates if statement.matches_resource(k, lambda _name: None)]
        for clause in statement.clauses:
            name = clause.key_lower
            if clause.operator is None or clause.operator.is_null or not (
                    name.startswith("aws:resourcetag/") or name == "kms:resourcealiases"):
                continue
            adds = statement.allow != clause.operator.negated  # access comes with the attribute
            literals = [v for v in clause.values if isinstance(v, str) and "${" not in v]
            for key in keys:
                found = (_tag_change(policies, key, clause, adds, literals)
                         if name.startswith("aws:resourcetag/")
                         else _alias_change(policies, key, adds, literals))
                if found:
                    yield Hit(f"{statement.label} decides access by {clause.key}, and the "
                              f"policy's holder may also call {found} on the keys it covers, so "
                              "it can change its own access; deny that change (aws:TagKeys or "
                              "aws:RequestTag conditions for tags, alias ARNs for aliases) or "
                              "leave it to key administrators", clause.path)
                    break


def _tag_change(policies, key, clause, adds, literals) -> str | None:
    written = clause.key.split("/", 1)[1]
    tag = clause.key_lower
    request_tag = f"aws:requesttag/{written.lower()}"
    if adds:
        for value in [_UNNAMED_VALUE] + [_filled(v) for v in literals]:
            probe = key_probe(policies, key).fix({"aws:tagkeys": [written], request_tag: value})
            if identity_allows(policies, probe, "kms:TagResource", key):
                return f"kms:TagResource with the tag {written!r}"
        return None
    value = _filled(literals[0]) if literals else _UNNAMED_VALUE
    probe = key_probe(policies, key, attributes={tag: value}).fix({"aws:tagkeys": [written]})
    if identity_allows(policies, probe, "kms:UntagResource", key):
        return f"kms:UntagResource of the tag {written!r}"
    return None


def _alias_change(policies, key, adds, literals) -> str | None:
    names = [_filled(v) for v in literals if v.startswith("alias/")]
    if not names:
        return None
    partition, region, account = KEY_ARN.fullmatch(key).groups()[:3]
    alias = f"arn:{partition}:kms:{region}:{account}:{names[0]}"
    attributes = None if adds else {"kms:resourcealiases": [names[0]]}
    probe = key_probe(policies, key, attributes=attributes)
    actions = ("kms:CreateAlias", "kms:UpdateAlias") if adds else ("kms:DeleteAlias",
                                                                   "kms:UpdateAlias")
    for action in actions:
        if identity_allows(policies, probe, action, alias) and identity_allows(
                policies, probe, action, key):
            return f"{action} for {names[0]}"
    return None


def _filled(value: str) -> str:
    return value.replace("*", "x").replace("?", "x")

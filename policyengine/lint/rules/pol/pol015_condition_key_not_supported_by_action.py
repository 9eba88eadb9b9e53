"""A condition key that the statement's actions never carry.

## What it checks

For each condition of a statement, which of the KMS permissions the statement lists can carry
the condition key (KMS catalogue: the request keys of each permission; the key-property keys
such as `kms:KeySpec` and `aws:ResourceTag/*` for permissions on a key; `aws:RequestTag/*` and
`aws:TagKeys` only where tags are passed; global keys everywhere). It reports permissions named
explicitly that never carry the key (`kms:EncryptionContext:*` on `kms:DescribeKey` or
`kms:PutKeyPolicy`, `kms:GrantIsForAWSResource` on `kms:Decrypt`, `aws:ResourceTag/*` on
`kms:CreateKey`...), and statements whose actions (wildcards included) never carry it at all.
HIGH in a Deny, MEDIUM in an Allow.

## Why it matters

A key the request does not carry is absent. In a Deny with a positive operator the guardrail
then silently never applies to those actions; with a negated operator (or `...IfExists`) it
applies to every such request, denying more than intended. In an Allow with a positive operator
the statement is dead for those actions; with a negated operator it passes without checking
anything.

## Example

```json
{"Sid": "OnlyAppContext", "Effect": "Deny", "Principal": "*",
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
 "Condition": {"StringNotEquals": {"kms:EncryptionContext:app": "payments"}}}
```

## Use instead

```json
{"Sid": "OnlyAppContext", "Effect": "Deny", "Principal": "*",
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringNotEquals": {"kms:EncryptionContext:app": "payments"}}}
```

## References

- Actions, resources and condition keys for AWS KMS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
- KMS condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
- Access Analyzer UNSUPPORTED_ACTION_FOR_CONDITION_KEY, MISSING_ACTION_FOR_CONDITION_KEY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from functools import lru_cache

from ....kms import catalog
from ...analysis import all_kms_actions, compiled_statements, covered, short_list
from ...model import Hit
from .._common import has_wildcard

ID = "POL015"
_ALWAYS = ("kms:calleraccount", "kms:viaservice")
_TAG_REQUEST = ("aws:RequestTag/${TagKey}", "aws:TagKeys")


@lru_cache(maxsize=1024)
def _everywhere(key: str) -> bool:
    """Keys every KMS request can carry (global keys that are not about tags or the resource;
    kms:CallerAccount and kms:ViaService)."""
    if key in _ALWAYS:
        return True
    if not key.startswith("aws:"):
        return False
    info = catalog.condition_key(key)
    return info is not None and info.name not in _TAG_REQUEST and not info.key_property


@lru_cache(maxsize=1024)
def _never(actions: tuple[str, ...], key: str) -> list[str]:
    """The actions whose requests never carry ``key`` (policies repeat their action lists)."""
    return [a for a in actions if _supports(a, key) is False]


@lru_cache(maxsize=8192)
def _supports(action: str, key: str) -> bool | None:
    return supports(catalog.action(action), key)


def supports(action_info, key: str) -> bool | None:
    """Can a request for this permission carry ``key``? None when the catalogue cannot say."""
    lowered = key.lower()
    prefix = lowered.split(":", 1)[0]
    if prefix not in ("kms", "aws"):
        return None
    info = catalog.condition_key(key)
    if info is None:
        return None
    listed = info.name in action_info.condition_keys
    if prefix == "aws":
        if info.name in _TAG_REQUEST:
            return listed
        if info.key_property:
            return listed or action_info.resource != "none"
        return True
    if lowered in _ALWAYS:
        return True
    if info.key_property:
        return listed or action_info.resource != "none"
    return listed


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.clauses or node.action is None:
            continue
        actions = covered(doc, statement, all_kms_actions())
        if not actions:
            continue
        explicit = frozenset() if node.action.negated else _named(node.action.values)
        for clause in statement.clauses:
            operator = clause.operator
            if operator is None or operator.is_null or not isinstance(clause.key, str):
                continue
            if _everywhere(clause.key_lower):
                continue
            never = _never(actions, clause.key)
            if not never:
                continue
            if len(never) == len(actions):
                affected = never
            else:
                affected = [a for a in never if a in explicit]
            if not affected:
                continue
            yield Hit(_message(statement, clause, affected, len(never) == len(actions)),
                      clause.path, severity="MEDIUM" if statement.allow else "HIGH")


@lru_cache(maxsize=1024)
def _named(values: tuple[str, ...]) -> frozenset[str]:
    """The KMS permissions an Action list names without wildcards (lists repeat)."""
    return frozenset(f"kms:{catalog.action(v).name}" for v in values
                     if not has_wildcard(v) and catalog.action(v))


def _message(statement, clause, affected, all_actions: bool) -> str:
    operator = clause.operator
    vacuous = operator.negated or operator.if_exists or operator.qualifier == "ForAllValues"
    which = "any of its actions" if all_actions else short_list(affected)
    if statement.allow:
        effect = ("passes without testing anything" if vacuous
                  else "is false, so the statement never applies")
    else:
        effect = ("is always true, so the Deny applies to every such request" if vacuous
                  else "is false, so the Deny never applies")
    return f"{clause.key!r} is never present on requests for {which}: for them the " \
           f"{operator.name} condition {effect}"

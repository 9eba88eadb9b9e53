"""kms:CreateGrant is allowed for any grant operation, including CreateGrant itself.

## What it checks

Principals other than the owning account (which delegates to IAM) and the key's administrators
(the configured `key-administrators` and `break-glass-principals`, else the principals of the
policy's key-administration statements) that the key policy allows to call `kms:CreateGrant`
directly (not through an AWS service) for a grant whose operations are not limited: the engine
evaluates the statement for a `CreateGrant` request listing every grant operation, and, when
that is refused, for one listing `CreateGrant` (re-delegation), unless a `kms:GrantOperations`
condition of the statement names `CreateGrant` on purpose. Statements granting `kms:*` are
KP006's, wildcard principals that anyone can use KP001's and KP002's. Grants that AWS services
create for your resources (`kms:GrantIsForAWSResource`) are left to the service.

## Why it matters

A grant gives its grantee use of the key outside the key policy. Without a
`kms:GrantOperations` limit, the principal can create grants for decryption, signing or data-key
generation, and for `CreateGrant` itself, so that grantees can hand the key on again. Creating
grants is as sensitive as editing the key policy; limit it to the operations the workflow
needs, written as `ForAllValues:StringEquals` together with a `Null` guard.

## Example

```json
{"Sid": "GrantForBatch", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Scheduler"},
 "Action": "kms:CreateGrant", "Resource": "*"}
```

## Use instead

```json
{"Sid": "GrantForBatch", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Scheduler"},
 "Action": "kms:CreateGrant", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "DescribeKey"]},
               "Null": {"kms:GrantOperations": "false"}}}
```

## References

- kms:GrantOperations: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-operations
- Grants in AWS KMS (granting CreateGrant permission): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- Controlling access to grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html
"""

from __future__ import annotations

from ...analysis import (ABSENT, anyone_could, covered, covers_all_kms, delegates,
                         insider_probe, named_allows, owner_account, probe_resource,
                         statement_allows)
from ...knowledge import ALL_GRANT_OPERATIONS
from ...model import Hit

ID = "KP014"
ACTION = "kms:CreateGrant"
_DIRECT = {"kms:grantisforawsresource": False, "kms:viaservice": ABSENT}  # not for an AWS service
_EVERYTHING = {**_DIRECT, "kms:grantoperations": list(ALL_GRANT_OPERATIONS)}
_REDELEGATION = {**_DIRECT, "kms:grantoperations": ["CreateGrant", "Decrypt"]}


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    for statement in named_allows(doc, config):
        if not covered(doc, statement, (ACTION,)) or covers_all_kms(doc, statement):
            continue
        callers = delegates(doc, config, statement, owner)
        if not callers:
            continue
        resource = probe_resource(doc, statement, config)
        questions = [(_EVERYTHING, "for every grant operation, CreateGrant included")]
        if not _names_creategrant(statement):
            questions.append((_REDELEGATION, "that include CreateGrant (re-delegation)"))
        questions = [(q, text) for q, text in questions
                     if anyone_could(statement, ACTION, resource, q)]
        if not questions:
            continue
        for entry, caller in callers:
            probe = insider_probe(caller, config)
            text = next((t for q, t in questions
                         if statement_allows(compiled, statement, probe.fix(q), ACTION,
                                             resource)), None)
            if text is None:
                continue
            who = ("every principal that meets the statement's conditions" if entry.wildcard
                   else entry.value)
            yield Hit(f"{statement.label} lets {who} create grants {text}; limit them with "
                      '"ForAllValues:StringEquals": {"kms:GrantOperations": [...]} and "Null": '
                      '{"kms:GrantOperations": "false"}', entry.json_path)


def _names_creategrant(statement) -> bool:
    """Does a positive kms:GrantOperations condition list CreateGrant (a deliberate choice)?"""
    return any(c.key_lower == "kms:grantoperations" and c.operator is not None
               and not c.operator.negated
               and any(str(v).lower() == "creategrant" for v in c.values)
               for c in statement.clauses)

"""kms:CreateGrant allowed without kms:GrantIsForAWSResource.

## What it checks

Principals other than the owning account (which delegates to IAM) and the key's
administrators (the configured `key-administrators`, else the principals of the policy's
key-administration statement) that the key policy allows to call `kms:CreateGrant` directly,
not through an AWS service: the engine evaluates the statement for a `CreateGrant` request by
that principal with `kms:GrantIsForAWSResource` false and no `kms:ViaService`. External
accounts are the most serious case. Statements granting `kms:*` are KP006's, wildcard
principals that anyone can use KP001's and KP002's.

## Why it matters

A grant gives its grantee use of the key without any change to the key policy, and grants do
not show up where people review access. A principal that may create grants freely can give
the key to anyone, in any account. AWS's console key policy allows key users `CreateGrant` only
with `"kms:GrantIsForAWSResource": "true"`, so that grants are created by integrated services
(EBS, RDS, ...) for the resources they manage (Control Tower CT.KMS.PR.3).

## Example

```json
{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:Decrypt", "kms:CreateGrant"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": "kms:Decrypt", "Resource": "*"},
{"Sid": "PartnerGrantsForAwsResources", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
 "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
```

## References

- kms:GrantIsForAWSResource: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
- Default key policy, allowing key users to use the key with AWS services: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-service-integration
- Control Tower CT.KMS.PR.3: https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
"""

from __future__ import annotations

from ...analysis import (ABSENT, anyone_could, covered, covers_all_kms, delegates,
                         insider_probe, named_allows, owner_account, probe_resource,
                         statement_allows)
from ...model import Hit

ID = "KP013"
ACTION = "kms:CreateGrant"
_DIRECT = {"kms:grantisforawsresource": False, "kms:viaservice": ABSENT}  # not for an AWS service


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    for statement in named_allows(doc, config):
        if not covered(doc, statement, (ACTION,)):
            continue
        if covers_all_kms(doc, statement):
            continue  # kms:* to a principal: KP006
        callers = delegates(doc, config, statement, owner)
        if not callers:
            continue
        resource = probe_resource(doc, statement, ctx.config)
        if not anyone_could(statement, ACTION, resource, _DIRECT):
            continue
        for entry, caller in callers:
            probe = insider_probe(caller, config).fix(_DIRECT)
            if not statement_allows(compiled, statement, probe, ACTION, resource):
                continue
            external = owner is not None and entry.account not in (None, owner)
            who = ("every principal that meets the statement's conditions" if entry.wildcard
                   else entry.value + (" (another account)" if external else ""))
            yield Hit(f"{statement.label} lets {who} create grants on this key directly, not "
                      "only for AWS services acting on its resources; add "
                      '"Bool": {"kms:GrantIsForAWSResource": "true"}', entry.json_path)

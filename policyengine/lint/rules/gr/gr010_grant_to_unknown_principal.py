"""A grant's grantee is not one of the principals the inventory knows.

## What it checks

In a scenario world, the inventory is the world's principals (`principals:`). A grant whose
grantee is an IAM user or role (or a session of a role) of an account the world lists
principals for, but which is not among them, is reported: the world describes that account's
identities and this one is not there. Account and service-principal grantees
are not checked, nor accounts the world lists no principal for. ListGrants output carries no
inventory, so the rule runs on scenario worlds only.

## Why it matters

A grant to a principal that no longer exists is dead weight at best. At worst it is a trap:
as with key policies, AWS identifies the principal by its unique ID, not by its name, so a role
deleted and recreated under the same name is a new principal that should not be expected to
inherit the grant, and the failures that follow are hard to explain. Grants to unknown
principals are also how typos in a grantee ARN hide.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    grants:
      - id: grant-1
        grantee: arn:aws:iam::111122223333:role/OldWorker   # not among the principals
        operations: [Decrypt]
principals:
  - arn: arn:aws:iam::111122223333:role/Worker
```

## Use instead

Revoke grants of principals that are gone, and create the grant for the principal that exists
(`arn:aws:iam::111122223333:role/Worker`).

## References

- Grants in AWS KMS (grantee principal): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- Retiring and revoking grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html
- IAM unique identifiers (recreated principals are new principals): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
"""

from __future__ import annotations

from ....language.principals import caller_from_arn
from ...analysis import grant_field, grant_label
from ...model import Hit

ID = "GR010"


def check(doc, ctx):
    world = getattr(doc, "world", None)
    if world is None or not world.principals:
        return
    known = {p.arn for p in world.principals}
    accounts = {p.account for p in world.principals}
    for entry in doc.entries:
        grant = entry.grant
        if grant is None or not grant.grantee:
            continue
        identity = _identity(grant.grantee)
        if identity is None or identity.endswith(":root"):
            continue
        account = identity.split(":")[4]
        if account not in accounts or identity in known:
            continue
        _, path = grant_field(entry, "grantee")
        yield Hit(f"{grant_label(entry)} is for {grant.grantee}, which is not among the "
                  f"principals of account {account} in this world; revoke the grant if the "
                  "principal is gone, or correct the grantee", path)


def _identity(principal: str) -> str | None:
    """The IAM identity a principal stands for (a session stands for its role)."""
    try:
        caller = caller_from_arn(principal)
    except ValueError:
        return None
    if caller.is_service:
        return None
    return caller.role_arn if caller.kind == "role-session" else caller.arn

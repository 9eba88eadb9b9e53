"""A grant's grantee is a whole account or a service principal, not one role.

## What it checks

Grants whose grantee stands for more than one identity, by the engine's grant semantics
(`policyengine.kms.grants.covers`):

* an account (`arn:aws:iam::111122223333:root` or the bare account ID): the grant then covers
  the account's root user and every user and role of that account whose IAM policies allow the
  operation (the engine is asked about a role the grant does not name);
* an AWS service principal (`GranteeServicePrincipal`, or a service name as `GranteePrincipal`)
  with neither a `SourceArn` constraint nor an encryption-context constraint (which services
  such as DynamoDB and EBS set to the resource's own context): the service then uses the grant
  whatever resource, and whichever customer, it acts for.

## Why it matters

A grant is meant to give one principal the use of a key for one purpose. Given to an account,
its reach depends on IAM policies that the key owner does not see and that can change any day
(in another account, on someone else's schedule); given to a service without a `SourceArn`, it
serves every request the service makes, not only those for your resource (the confused-deputy
problem).

## Example

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::444455556666:root", "Operations": ["Decrypt"]}]}
```

## Use instead

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::444455556666:role/Reader", "Operations": ["Decrypt"]}]}
```

## References

- Grants in AWS KMS (grantee principal, grantee service principal): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- Best practices for AWS KMS grants ("Use a specific grantee principal"): https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- CreateGrant, GranteeServicePrincipal and SourceArn: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
"""

from __future__ import annotations

from ....kms.grants import covers
from ....language.principals import Caller
from ...analysis import account_of, grant_field, grant_label, is_service_principal
from ...model import Hit

ID = "GR005"


def check(doc, ctx):
    for entry in doc.entries:
        grant = entry.grant
        if grant is None:
            continue
        service = grant.grantee_service or (grant.grantee if is_service_principal(grant.grantee)
                                            else None)
        _, path = grant_field(entry, "grantee_service" if grant.grantee_service else "grantee")
        if service is not None:
            if grant.source_arn or grant.constraint_type:
                continue  # bound to a resource
            yield Hit(f"{grant_label(entry)} is for the service principal {service} with no "
                      "SourceArn or encryption-context constraint, so the service may use it "
                      "for any resource it acts for; add a SourceArn constraint naming your "
                      "resource", path)
            continue
        account = account_of(grant.grantee)
        if account is None:
            continue
        someone = Caller("role-session", f"arn:aws:sts::{account}:assumed-role/AnyRole/s",
                         account, role_arn=f"arn:aws:iam::{account}:role/AnyRole")
        if covers(grant, someone, delegated=lambda: True)[0]:
            yield Hit(f"{grant_label(entry)} is for the account {grant.grantee}, so it covers "
                      f"every principal of account {account} whose IAM policies allow the "
                      "operations; name the role or user that needs the key", path)

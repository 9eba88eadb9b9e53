"""A grant includes CreateGrant, so its grantee can hand the key on.

## What it checks

Grants whose operations include `CreateGrant`. The engine's grant semantics
(`policyengine.kms.grants.check_grant`) let such a grantee create further grants, to any
principal of any account, for any of the grant's own operations, with constraints at least as
strict as the grant's; the finding names what can be passed on.

## Why it matters

Re-delegation takes the key out of the key owner's view: the new grants are not in the key
policy, their grantees can be in other accounts, and each one is a separate grant to find and
revoke. Key users rarely need to create grants themselves; when an AWS service must create
grants for them, allow `kms:CreateGrant` in the key policy with `kms:GrantIsForAWSResource`
instead.

## Example

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker",
  "Operations": ["Decrypt", "CreateGrant"]}]}
```

## Use instead

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker", "Operations": ["Decrypt"]}]}
```

## References

- Grants in AWS KMS (CreateGrant in a grant): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- Best practices for AWS KMS grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- CreateGrant API: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html
"""

from __future__ import annotations

from ...analysis import grant_field, grant_label, short_list
from ...model import Hit

ID = "GR003"
OPERATION = "CreateGrant"


def check(doc, ctx):
    for entry in doc.entries:
        grant = entry.grant
        if grant is None or OPERATION not in grant.operations:
            continue
        operations, path = grant_field(entry, "operations")
        if isinstance(operations, list) and OPERATION in operations:
            path = f"{path}/{operations.index(OPERATION)}"
        passed_on = sorted(grant.operations - {OPERATION, "RetireGrant"})
        what = f"for {short_list(passed_on)}" if passed_on else "for its own operations"
        kept = (f", keeping its {grant.constraint_type} constraint" if grant.constraint_type
                else "")
        who = grant.grantee or grant.grantee_service
        yield Hit(f"{grant_label(entry)} lets {who} create grants {what} to any principal"
                  f"{kept}; remove CreateGrant from the grant's operations unless the grantee "
                  "must re-delegate", path or entry.json_path)

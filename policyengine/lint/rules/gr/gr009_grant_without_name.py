"""A grant has no name, so a retried CreateGrant makes a duplicate.

## What it checks

Grants without a `Name` (absent or empty), other than grants for AWS service principals, which
the services create and manage themselves.

## Why it matters

`CreateGrant` is not idempotent unless the request names the grant: a retry after a timeout or
a throttling error then creates a second, identical grant instead of returning the first, and
the copy survives when the original is revoked (GR006). A name also tells the next reader what
the grant is for, which a 64-character grant ID does not.

## Example

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker", "Operations": ["Decrypt"]}]}
```

## Use instead

```sh
aws kms create-grant --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --grantee-principal arn:aws:iam::111122223333:role/Worker --operations Decrypt \
    --name worker-decrypt
```

## References

- Best practices for AWS KMS grants ("use the Name parameter"): https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- CreateGrant, Name parameter: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html#KMS-CreateGrant-request-Name
"""

from __future__ import annotations

from ...analysis import grant_label, is_service_principal
from ...model import Hit

ID = "GR009"


def check(doc, ctx):
    for entry in doc.entries:
        grant = entry.grant
        if grant is None or grant.name:
            continue
        if grant.grantee_service or is_service_principal(grant.grantee):
            continue  # created and managed by the AWS service
        yield Hit(f"{grant_label(entry)} for {grant.grantee} has no name, so a retried "
                  "CreateGrant would create a duplicate; give grants a Name (--name)",
                  entry.json_path)

"""Two or more grants are the same grant.

## What it checks

Grants of one document (a ListGrants output, or one scenario key's grants) that have the same
key, grantee, operations, constraints (`EncryptionContextEquals`, `EncryptionContextSubset`,
`SourceArn`) and name as an earlier grant, the definition of a duplicate in the KMS grant best
practices. Each duplicate after the first is reported, naming the first.

## Why it matters

Duplicates usually come from retried `CreateGrant` calls made without a `Name`. They look
harmless until the access is withdrawn: revoking or retiring the grant you know about leaves the
copies in place, and the grantee keeps using the key, an unintended escalation of privilege.

## Example

```json
{"Grants": [
  {"KeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
   "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
   "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker", "Operations": ["Decrypt"]},
  {"KeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
   "GrantId": "6f1bcfe0f3c94cd1a8a1c5c3d0d2e6b7a4b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2",
   "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker", "Operations": ["Decrypt"]}]}
```

## Use instead

Revoke the copies (`aws kms revoke-grant --key-id ... --grant-id 6f1bcfe0...`), and pass
`--name` to `create-grant` so that retries return the existing grant instead of making another.

## References

- Best practices for AWS KMS grants ("Delete duplicate grants"): https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- CreateGrant, Name parameter: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html#KMS-CreateGrant-request-Name
"""

from __future__ import annotations

from ...analysis import grant_label
from ...model import Hit

ID = "GR006"


def check(doc, ctx):
    key = getattr(doc, "key", None)
    first: dict = {}
    for entry in doc.entries:
        grant = entry.grant
        if grant is None:
            continue
        identity = (key.arn if key is not None else entry.key_arn,
                    grant.grantee, grant.grantee_service, grant.operations, grant.name,
                    _pairs(grant.encryption_context_equals),
                    _pairs(grant.encryption_context_subset), grant.source_arn)
        original = first.setdefault(identity, entry)
        if original is entry:
            continue
        yield Hit(f"{grant_label(entry)} duplicates {grant_label(original)} (same key, grantee, "
                  "operations, constraints and name): revoking one leaves the other's access in "
                  "place; revoke the duplicate", entry.json_path)


def _pairs(context):
    return None if context is None else frozenset((str(k), str(v)) for k, v in context.items())

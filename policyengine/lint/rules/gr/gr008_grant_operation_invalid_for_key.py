"""A grant lists an operation its key does not support.

## What it checks

Grant operations that are not valid for the key the grant is on: for a scenario key, those
outside the grant operations the KMS catalogue gives for its key spec and usage
(`catalog.valid_grant_operations`: `Sign` on a symmetric key, `Encrypt` on an HMAC key,
`GenerateDataKey` on an RSA key); for any grant, names that are no grant operation at all
(`Decrypt*`, `ScheduleKeyDeletion`, a typo). ListGrants output does not say what kind of key a
grant is on, so only the second check applies to it.

## Why it matters

`CreateGrant` refuses the whole grant with a `ValidationException` when one operation is not
supported by the key, so a template or script that writes such a grant fails to deploy, or, in
a hand-written inventory, the grant described cannot exist and the access it suggests is not
there.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    spec: HMAC_256
    usage: GENERATE_VERIFY_MAC
    grants:
      - id: grant-1
        grantee: arn:aws:iam::111122223333:role/App
        operations: [GenerateMac, Encrypt]
```

## Use instead

```yaml
    grants:
      - id: grant-1
        grantee: arn:aws:iam::111122223333:role/App
        operations: [GenerateMac, VerifyMac]
```

## References

- Grants in AWS KMS ("grant operations must be supported by the KMS key"): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- Grant operations by key type: https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations
- CreateGrant, Operations: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html#KMS-CreateGrant-request-Operations
"""

from __future__ import annotations

from ....kms import catalog
from ...analysis import grant_field, grant_label
from ...model import Hit

ID = "GR008"


def check(doc, ctx):
    key = getattr(doc, "key", None)
    valid = catalog.valid_grant_operations(key.spec, key.usage) if key is not None \
        else catalog.grant_operations()
    kind = f"a key of spec {key.spec} and usage {key.usage}" if key is not None else "any key"
    for entry in doc.entries:
        operations, path = grant_field(entry, "operations")
        if not isinstance(operations, list):
            continue
        for index, operation in enumerate(operations):
            if not isinstance(operation, str) or operation in valid:
                continue  # a value of the wrong type is a format problem, not this rule's
            known = operation in catalog.grant_operations()
            what = ("is not a grant operation" if not known
                    else f"is not a grant operation of {kind}")
            allowed = ", ".join(sorted(valid)) if key is not None \
                else "GrantOperation values such as Decrypt, Encrypt or DescribeKey"
            yield Hit(f"{grant_label(entry)} lists {operation!r}, which {what}, so CreateGrant "
                      f"rejects the grant (ValidationException); use only {allowed}",
                      f"{path}/{index}")

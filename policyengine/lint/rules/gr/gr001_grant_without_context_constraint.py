"""A grant for cryptographic operations on a symmetric key has no encryption-context constraint.

## What it checks

Grants (`aws kms list-grants` output, or the grants of a scenario's keys) that list operations
taking an encryption context (`Decrypt`, `Encrypt`, `GenerateDataKey*`, `ReEncrypt*`, as the
KMS catalogue marks them) on a symmetric encryption key, when the engine's grant-constraint
check (`policyengine.kms.grants.context_satisfies`) lets a request with an arbitrary encryption
context through: no `EncryptionContextEquals` or `EncryptionContextSubset`, or an empty one.
A scenario key gives the key spec; for ListGrants output, which does not carry it, the key is
taken to be symmetric when every operation of the grant is valid for a symmetric key (encryption
context constraints are not accepted on other keys).

## Why it matters

Without a constraint the grantee can use the key for any data encrypted under it, not only for
the resource the grant was made for. A constraint binds the grant to the encryption context of
that resource (a volume ID, a table, a tenant), so a compromised grantee cannot decrypt other
data with it. KMS lists this among its grant best practices.

## Example

```json
{"Grants": [{"KeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker",
  "Operations": ["Decrypt", "GenerateDataKey"]}]}
```

## Use instead

```sh
aws kms create-grant --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --grantee-principal arn:aws:iam::111122223333:role/Worker \
    --operations Decrypt GenerateDataKey \
    --constraints EncryptionContextEquals={tenant=acme}
```

## References

- Best practices for AWS KMS grants: https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- Using grant constraints: https://docs.aws.amazon.com/kms/latest/developerguide/create-grant-overview.html#grant-constraints
- GrantConstraints (symmetric keys only): https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html
"""

from __future__ import annotations

from ....kms import catalog
from ....kms.grants import context_satisfies
from ...analysis import grant_label, short_list
from ...model import Hit

ID = "GR001"
SYMMETRIC = ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
_ANY_CONTEXT = {"lint-probe-context": "any data"}


def check(doc, ctx):
    key = getattr(doc, "key", None)
    valid = catalog.valid_grant_operations(*SYMMETRIC)
    for entry in doc.entries:
        grant = entry.grant
        if grant is None:
            continue
        if key is not None and (key.spec, key.usage) != SYMMETRIC:
            continue
        if key is None and not grant.operations <= valid:
            continue  # an operation a symmetric key does not take: another kind of key
        operations = sorted(op for op in grant.operations
                            if (info := catalog.action(op)) is not None
                            and info.encryption_context)
        if not operations or not context_satisfies(grant, _ANY_CONTEXT)[0]:
            continue
        yield Hit(f"{grant_label(entry)} allows {short_list(operations)} with any encryption "
                  f"context; add an EncryptionContextEquals constraint that binds it to the "
                  "data it is for", entry.json_path)

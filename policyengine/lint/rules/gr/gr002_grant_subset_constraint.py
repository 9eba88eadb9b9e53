"""A grant uses an EncryptionContextSubset constraint.

## What it checks

Grants whose constraint is a non-empty `EncryptionContextSubset`. The engine's constraint check
(`policyengine.kms.grants.context_satisfies`) is asked whether a request carrying the
constraint's pairs plus one more pair passes: with a subset constraint it does, so the grant
also serves any context that merely contains those pairs. (An empty or missing constraint is
GR001's.)

## Why it matters

`EncryptionContextSubset` is easy to get wrong: it matches every encryption context that
contains the listed pairs, whatever else is in it, and its keys compare without regard to case
while values compare exactly. KMS recommends `EncryptionContextEquals` whenever possible, and
testing a subset constraint carefully when it is needed (AWS services such as Amazon EBS use
it deliberately, adding their own pairs).

## Example

```json
{"Grants": [{"GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::111122223333:role/Worker", "Operations": ["Decrypt"],
  "Constraints": {"EncryptionContextSubset": {"tenant": "acme"}}}]}
```

## Use instead

```sh
aws kms create-grant --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --grantee-principal arn:aws:iam::111122223333:role/Worker --operations Decrypt \
    --constraints EncryptionContextEquals={tenant=acme}
```

## References

- Best practices for AWS KMS grants (use EncryptionContextEquals whenever possible): https://docs.aws.amazon.com/kms/latest/developerguide/grant-best-practices.html
- GrantConstraints: https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html
"""

from __future__ import annotations

from ....kms.grants import context_satisfies
from ...analysis import grant_field, grant_label
from ...model import Hit

ID = "GR002"


def check(doc, ctx):
    for entry in doc.entries:
        grant = entry.grant
        if grant is None or not grant.encryption_context_subset:
            continue
        wider = {**grant.encryption_context_subset, "lint-probe-extra": "anything"}
        if not context_satisfies(grant, wider)[0]:
            continue
        _, path = grant_field(entry, "constraints/encryption_context_subset")
        yield Hit(f"{grant_label(entry)} uses EncryptionContextSubset "
                  f"{grant.encryption_context_subset}, which also matches any context that "
                  "adds pairs to it; use EncryptionContextEquals with the exact context",
                  path or entry.json_path)

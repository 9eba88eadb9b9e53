"""Automatic rotation is requested for a key that KMS cannot rotate automatically.

## What it checks

Keys recorded with automatic rotation enabled (`rotation: {enabled: true}` in a scenario file,
`"KeyRotationEnabled": true` merged into `describe-key` output) whose key spec and origin do not
support it, per the KMS catalogue: asymmetric keys, HMAC keys, keys with imported key material
(`EXTERNAL`) and keys in a custom key store (`AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`). Only
symmetric encryption keys with KMS-generated material rotate automatically. Replica
multi-Region keys are skipped: their rotation is set on the primary key.

## Why it matters

`EnableKeyRotation` fails with `UnsupportedOperationException` for these keys, so a template or
script that asks for rotation either fails to deploy or (with providers that ignore the
setting) leaves the key unrotated while its configuration says otherwise. Rotation then has to
be done another way: on demand (`RotateKeyOnDemand`, for symmetric keys with imported
material) or by creating a new key and moving the alias to it.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    spec: RSA_3072
    usage: SIGN_VERIFY
    rotation: {enabled: true}
```

## Use instead

Leave automatic rotation off and rotate manually: create a new key and point the application's
alias at it.

```sh
aws kms create-key --key-spec RSA_3072 --key-usage SIGN_VERIFY
aws kms update-alias --alias-name alias/signing --target-key-id <new-key-id>
```

## References

- Rotating KMS keys (supported key types, manual rotation): https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
- EnableKeyRotation: https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
- RotateKeyOnDemand: https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
"""

from __future__ import annotations

from ....kms import catalog
from ...analysis import multi_region_type
from ...model import Hit

ID = "KEY003"


def check(doc, ctx):
    if doc.rotation_enabled is not True or doc.manager == "AWS" \
            or multi_region_type(doc) == "REPLICA" or catalog.can_rotate(doc.spec, doc.origin):
        return
    if catalog.can_rotate(doc.spec, doc.origin, on_demand=True):
        instead = "rotate it on demand (RotateKeyOnDemand) or move its alias to a new key"
    else:
        instead = "rotate it manually by moving its alias to a new key"
    yield Hit(f"automatic rotation is enabled for {doc.arn or 'this key'}, but KMS cannot "
              f"rotate a {doc.spec} key with {doc.origin} key material automatically "
              f"(EnableKeyRotation fails); turn it off and {instead}",
              doc.field_path("rotation_enabled"))

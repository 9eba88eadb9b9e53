"""Automatic rotation is off for a key that could rotate.

## What it checks

Customer managed symmetric encryption keys with KMS-generated key material (the keys KMS can
rotate automatically, per the catalogue's key specs and origins) whose rotation is recorded as
disabled: `rotation: {enabled: false}` in a scenario file, or `"KeyRotationEnabled": false` next
to `describe-key` output. Keys whose rotation state is not given are not reported; AWS managed
keys (rotated by AWS), replica keys (rotated with their primary) and keys pending deletion
(KEY005) are skipped.

## Why it matters

Rotation limits how much data depends on one key version and is required by most compliance
frameworks (CIS AWS Foundations 3.6, Security Hub KMS.4). It is free of operational cost: KMS
keeps old key material to decrypt old ciphertexts, and key ARNs and policies do not change.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    rotation: {enabled: false}
```

## Use instead

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    rotation: {enabled: true, period_days: 365}
```

## References

- Rotating KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
- Security Hub KMS.4: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-4
"""

from __future__ import annotations

from ....kms import catalog
from ...model import Hit

ID = "KEY001"
_GONE = ("PendingDeletion", "PendingReplicaDeletion")


def check(doc, ctx):
    if doc.rotation_enabled is not False or doc.manager == "AWS" or doc.state in _GONE:
        return
    key = getattr(doc, "key", None)
    if key is not None and key.multi_region_type == "REPLICA":
        return
    if not catalog.can_rotate(doc.spec, doc.origin):
        return
    yield Hit(f"automatic rotation is disabled for {doc.arn or 'this key'}, a {doc.spec} key "
              f"with {doc.origin} key material that KMS can rotate; enable it "
              "(EnableKeyRotation)", doc.field_path("rotation_enabled"))

"""Automatic rotation is on, but the key rotates less often than once a year.

## What it checks

Keys with automatic rotation enabled whose rotation period (`RotationPeriodInDays`) is longer
than 365 days, the period KMS uses by default: `rotation: {enabled: true, period_days: N}` in a
scenario file, or `"RotationPeriodInDays": N` merged into `describe-key` output from
`get-key-rotation-status`. AWS accepts 90 to 2560 days. Keys whose rotation is off are KEY001's,
keys that cannot rotate KEY003's; AWS managed keys (rotated yearly by AWS) are skipped.

## Why it matters

A custom period lets up to seven years of data depend on one version of the key material, and
most compliance frameworks that require rotation expect it at least yearly (CIS AWS Foundations
3.6, Security Hub KMS.4). Rotating more often costs nothing operationally: KMS keeps the old
key material to decrypt old ciphertexts, and the key's ARN and policy stay the same.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    rotation: {enabled: true, period_days: 1825}
```

## Use instead

```sh
aws kms enable-key-rotation --key-id 1234abcd-12ab-34cd-56ef-1234567890ab \
    --rotation-period-in-days 365
```

## References

- Rotating KMS keys (custom rotation period): https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
- EnableKeyRotation, RotationPeriodInDays: https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
"""

from __future__ import annotations

from ....kms import catalog
from ...model import Hit

ID = "KEY002"
MAX_ROTATION_PERIOD_DAYS = 365  # KMS's default period


def check(doc, ctx):
    period = doc.rotation_period
    if doc.rotation_enabled is False or doc.manager == "AWS" or not isinstance(period, int):
        return
    if period <= MAX_ROTATION_PERIOD_DAYS or not catalog.can_rotate(doc.spec, doc.origin):
        return  # within the limit, or a key that cannot rotate (KEY003)
    yield Hit(f"{doc.arn or 'this key'} rotates its key material only every {period} days; "
              f"set RotationPeriodInDays to {MAX_ROTATION_PERIOD_DAYS} or less",
              doc.field_path("rotation_period"))

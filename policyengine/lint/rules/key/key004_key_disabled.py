"""The key is disabled.

## What it checks

Keys whose state is `Disabled`, in a scenario file (`state: Disabled`) or in `describe-key`
output (`"KeyState": "Disabled"`). Keys pending deletion are KEY005's.

## Why it matters

A disabled key cannot be used for any cryptographic operation: every `Decrypt` of data
encrypted under it fails with `DisabledException` until someone enables it again, and the
services that depend on it (S3, EBS, RDS, Secrets Manager, ...) fail the same way. A key that
is disabled on purpose, as a step before deletion, should be scheduled for deletion once nothing
needs it; one disabled by mistake should be re-enabled. Either way, a disabled key lingering in
an inventory is usually forgotten state.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    state: Disabled
```

## Use instead

```sh
aws kms enable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
# or, once nothing needs it:
aws kms schedule-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --pending-window-in-days 30
```

## References

- Enabling and disabling keys: https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
- Key states of KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
"""

from __future__ import annotations

from ...model import Hit

ID = "KEY004"


def check(doc, ctx):
    if doc.state == "Disabled":
        yield Hit(f"{doc.arn or 'the key'} is disabled, so data encrypted under it cannot be "
                  "decrypted; enable it if it is still needed, else schedule its deletion",
                  doc.field_path("state"))

"""The key is scheduled for deletion.

## What it checks

Keys whose state is `PendingDeletion` (or `PendingReplicaDeletion`), in a scenario file or in
`describe-key` output.

## Why it matters

When the waiting period ends, KMS deletes the key material, and every ciphertext encrypted under
the key can never be decrypted again: there is no recovery. While the key is pending deletion
it cannot be used, so the applications that depend on it already fail (Security Hub KMS.3,
critical). If the deletion is not intended, cancel it; if it is, make sure nothing still needs
the key (CloudTrail shows its recent use).

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    state: PendingDeletion
```

## Use instead

```sh
aws kms cancel-key-deletion --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
aws kms enable-key --key-id 1234abcd-12ab-34cd-56ef-1234567890ab
```

## References

- Deleting KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
- Security Hub KMS.3: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-3
"""

from __future__ import annotations

from ...model import Hit

ID = "KEY005"


def check(doc, ctx):
    if doc.state in ("PendingDeletion", "PendingReplicaDeletion"):
        yield Hit(f"{doc.arn or 'the key'} is {doc.state}: when the waiting period ends its key "
                  "material is deleted and everything encrypted under it is lost; cancel the "
                  "deletion unless nothing needs the key", doc.field_path("state"))

"""An RSA key used for encryption is only 2048 bits long.

## What it checks

Keys whose key spec is RSA (per the KMS catalogue's key specs) with a modulus of 2048 bits or
less and whose key usage is `ENCRYPT_DECRYPT`, in a scenario file or `describe-key` output.
RSA keys for signing (`SIGN_VERIFY`) are not reported.

## Why it matters

Data encrypted under an asymmetric key is meant to stay confidential for as long as the key
protects it, and ciphertexts can be harvested today and attacked later. RSA-2048 offers about
112 bits of security, the lowest level current guidance still accepts; policies such as AWS
Control Tower's CT.KMS.PR.2 require RSA encryption keys longer than 2048 bits. The key spec
cannot be changed after the key is created, so the fix is a new key.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    spec: RSA_2048
    usage: ENCRYPT_DECRYPT
```

## Use instead

```sh
aws kms create-key --key-spec RSA_3072 --key-usage ENCRYPT_DECRYPT
```

## References

- AWS Control Tower CT.KMS.PR.2: https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
- Asymmetric key specs (RSA): https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
"""

from __future__ import annotations

from ....kms import catalog
from ...model import Hit

ID = "KEY009"
MIN_RSA_BITS = 3072  # longer than 2048 bits (CT.KMS.PR.2); the next RSA key spec KMS offers


def check(doc, ctx):
    spec = catalog.key_spec(doc.spec)
    if spec is None or spec.family != "rsa" or doc.usage != "ENCRYPT_DECRYPT":
        return
    bits = int(spec.name.rsplit("_", 1)[-1])  # RSA_2048, RSA_3072, RSA_4096
    if bits >= MIN_RSA_BITS:
        return
    yield Hit(f"{doc.arn or 'this key'} encrypts with {spec.name}, a {bits}-bit RSA key; create "
              f"an RSA_{MIN_RSA_BITS} or RSA_4096 key for encryption and move the data to it",
              doc.field_path("spec"))

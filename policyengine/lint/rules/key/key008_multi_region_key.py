"""A multi-Region key: its key material can be used in more than one Region.

## What it checks

Customer managed keys with `MultiRegion: true` (`multi_region: true` in a scenario file), so
that related keys in other Regions share their key material. Replica keys are skipped: the
decision was made for the primary key, which carries the finding. The rule has no allow-list
of its own: a multi-Region key that is justified is accepted with a suppression in the lint
configuration, whose `reason` records the justification (and `expires` when to review it).

## Why it matters

Data encrypted under a multi-Region key can be decrypted in every Region that holds a related
key, each with its own key policy, grants and aliases (which can drift apart, KP024). That
widens the blast radius of a leaked ciphertext or a too-broad policy, and it can move the
ability to decrypt regulated data out of the Region it must stay in. AWS advises using a
multi-Region key only when a use case (sharing, moving or backing up protected data across
Regions, identical signatures in several Regions) needs one.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
    multi_region: true
    multi_region_type: PRIMARY
```

## Use instead

A single-Region key, or the multi-Region key accepted with its reason:

```toml
[[tool.policyengine.lint.suppress]]
rule = "KEY008"
path = "keys/orders-primary.json"
reason = "DynamoDB global table orders is replicated to us-east-1 (ARCH-112)"
```

## References

- Security considerations for multi-Region keys: https://docs.aws.amazon.com/kms/latest/developerguide/mrk-when-to-use.html
- Multi-Region keys: https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
- Controlling access to multi-Region keys: https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html
"""

from __future__ import annotations

from ...analysis import multi_region_type
from ...model import Hit

ID = "KEY008"


def check(doc, ctx):
    if not doc.multi_region or doc.manager == "AWS" or multi_region_type(doc) == "REPLICA":
        return
    yield Hit(f"{doc.arn or 'this key'} is a multi-Region key: its key material is shared with "
              "every Region that holds a related key; use a single-Region key unless a "
              "cross-Region use case needs it, and record that reason in a suppression",
              doc.field_path("multi_region"))

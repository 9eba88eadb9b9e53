"""A key is defined without a key policy of its own.

## What it checks

Customer managed keys defined without an explicit key policy, so that the policy they get is the
default the API (or an infrastructure-as-code provider) fills in. The linter reads no
infrastructure-as-code files yet; it applies the rule to the keys of scenario files, which
follow the same convention as `CreateKey`: a key without `policy` gets the default key policy
(one statement giving `kms:*` to the account principal). `describe-key` output says nothing
about the policy and is not checked; AWS managed keys, whose policy AWS writes, are skipped.
The default key policy itself is not a finding (written out, it is explicit).

## Why it matters

Who can administer and use a key is then decided by whatever default the tool in use applies,
not by anything a reviewer can see next to the key: the API default delegates everything to
IAM, the console default adds separate administrator and user statements, and a provider or a
later version of it may choose differently. Writing the policy out makes the key's access
reviewable, diffable and lintable (the KP rules only see policies that are written).

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
```

## Use instead

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: Enable IAM User Permissions
          Effect: Allow
          Principal: {AWS: "arn:aws:iam::111122223333:root"}
          Action: kms:*
          Resource: "*"
```

## References

- Default key policy: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- CreateKey, Policy parameter: https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
- AWS::KMS::Key KeyPolicy (the default when it is omitted): https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html#cfn-kms-key-keypolicy
"""

from __future__ import annotations

from ...model import Hit

ID = "KEY007"


def check(doc, ctx):
    key = getattr(doc, "key", None)
    raw = doc.value if isinstance(doc.value, dict) else None
    if key is None or raw is None or doc.manager == "AWS" or raw.get("policy") is not None:
        return  # describe-key output (no policy to see), an AWS managed key, or a policy given
    yield Hit(f"{doc.arn} has no key policy of its own, so it gets the default one "
              f"(kms:* for account {key.account}, delegated to IAM); write the intended key "
              "policy out next to the key", "")

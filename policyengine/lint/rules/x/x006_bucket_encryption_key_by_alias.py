"""S3 encryption names the KMS key by alias or key ID while another account writes or reads.

## What it checks

In a scenario world, requests Amazon S3 makes to KMS for a bucket (their encryption context has
`aws:s3:arn`) whose `key` is an alias name (`alias/app`) or a bare key ID, as bucket default
encryption or an S3 client configures it, made by a principal of one account while the key
that name stands for belongs to another account of the world. The engine resolves such names
the way KMS does, in the requester's account (and Region); the rule reports the request when
that finds no key, or a different key than the one the name was meant for.

## Why it matters

An alias or key ID is only meaningful in one account. When a writer from another account
uploads to a bucket whose default encryption says `alias/app`, KMS looks the alias up in the
writer's account: the upload fails, or, worse, succeeds with a key the writer owns and the
bucket owner cannot use, so the bucket owner cannot read the object. The S3 API reference
therefore asks for a fully qualified key ARN whenever encryption is used across accounts.

## Example

```yaml
requests:
  - principal: arn:aws:iam::444455556666:role/Uploader
    action: kms:GenerateDataKey
    key: alias/exports
    encryption_context: {"aws:s3:arn": "arn:aws:s3:::shared-exports/2026/06/data.csv"}
    context: {kms:ViaService: s3.eu-west-1.amazonaws.com}
```

## Use instead

Configure the bucket's default encryption (and any client) with the key ARN:

```sh
aws s3api put-bucket-encryption --bucket shared-exports --server-side-encryption-configuration \
  '{"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
    "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]}'
```

## References

- ServerSideEncryptionByDefault, KMSMasterKeyID: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html
- Cross-account S3 access with a customer managed key: https://repost.aws/knowledge-center/cross-account-access-denied-error-s3
- Using KMS keys in other accounts (key names resolve in the caller's account): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
"""

from __future__ import annotations

from ...analysis import s3_bucket, world_requests
from ...model import Hit

ID = "X006"


def check(doc, ctx):
    world = doc.world
    for item in world_requests(doc):
        name = item.request.key
        bucket = s3_bucket(item.request)
        if bucket is None or not name or name.startswith("arn:") or item.caller.is_service:
            continue
        account = item.caller.account
        meant = [key for key in world.keys if key.account != account
                 and (name in key.aliases or name == key.key_id)]
        if not meant:
            continue
        found = world.key(item.parts[0].resource)  # the key the engine resolved the name to
        if found is not None and found in meant:
            continue
        outcome = ("finds no key there, so the request fails" if found is None
                   else f"finds {found.arn} there instead, so the object is encrypted with the "
                        "writer's own key")
        yield Hit(f"request {item.index}: S3 names the key of bucket {bucket} as {name!r}, "
                  f"which KMS resolves in the requester's account {account} and "
                  f"{outcome}, not {meant[0].arn}; configure the bucket's encryption with "
                  "the key ARN", f"requests/{item.index}/key")

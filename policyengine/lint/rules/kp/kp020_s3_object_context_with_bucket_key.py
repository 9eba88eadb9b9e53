"""A key-policy condition names S3 objects, but the bucket uses S3 Bucket Keys.

## What it checks

Conditions on `kms:EncryptionContext:aws:s3:arn` that name objects of a bucket
(`arn:aws:s3:::reports/*`) in the key policy of a key that bucket uses with S3 Bucket Keys. With
Bucket Keys, Amazon S3 asks KMS for a bucket-level key and sets the encryption context to the
bucket ARN (`arn:aws:s3:::reports`), not the object ARN. The engine evaluates each such
condition for the bucket ARN and for an object of the bucket; the rule reports it when the two
differ.

The bucket configuration is read from scenario files: an S3 request to the key whose encryption
context `aws:s3:arn` is a bucket ARN shows that the bucket uses Bucket Keys. Standalone policy
files carry no bucket configuration, so the rule has nothing to check there.

## Why it matters

An Allow written for object ARNs never matches once Bucket Keys are enabled, so uploads and
downloads through S3 fail with AccessDenied the moment someone turns on Bucket Keys to save KMS
costs; a Deny written as "anything but these objects" starts denying every request of the
bucket. Conditions have to name the bucket ARN (or both forms during a transition).

## Example

```json
{"Sid": "ReportsBucket", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reports"},
 "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
 "Condition": {"ArnLike": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports/*"}}}
```

## Use instead

```json
{"Sid": "ReportsBucket", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reports"},
 "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
 "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::reports"}}}
```

## References

- Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys (encryption context): https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
- Amazon S3 encryption context: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
"""

from __future__ import annotations

from ...analysis import s3_arn, world_requests
from ...model import Hit

ID = "KP020"
_KEY = "kms:encryptioncontext:aws:s3:arn"


def check(doc, ctx):
    world = doc.world
    bucket_keys = {}  # key ARN -> {bucket ARN: index of the request that shows it}
    for item in world_requests(doc):
        arn = s3_arn(item.request)
        if arn is None or "/" in arn.split(":", 5)[5]:
            continue  # an object ARN: no Bucket Key
        for part in item.parts:
            if world.key(part.resource) is not None:
                bucket_keys.setdefault(part.resource, {}).setdefault(arn, item.index)
    for key_arn, buckets in bucket_keys.items():
        policy = doc.key_policy_document(key_arn)
        if policy is None or policy.compiled is None:
            continue
        base = policy.prefix[len(doc.prefix):].lstrip("/")
        for statement in policy.compiled.statements:
            for clause in statement.clauses:
                if clause.key_lower != _KEY or clause.operator is None:
                    continue
                for bucket, index in buckets.items():
                    hit = _differs(clause, bucket)
                    if hit is None:
                        continue
                    effect = ("never matches S3's requests for it" if statement.allow and hit
                              else "applies to every S3 request for it" if not statement.allow
                              else "matches S3's requests differently than intended")
                    yield Hit(f"{statement.label} (key policy of {key_arn}) matches "
                              f"kms:EncryptionContext:aws:s3:arn against objects of {bucket}, but "
                              f"the bucket uses S3 Bucket Keys (request {index} sends the bucket "
                              "ARN), so the statement "
                              f"{effect}; name the bucket ARN {bucket}",
                              f"{base}/{clause.path}", sid=statement.sid)


def _differs(clause, bucket: str) -> bool | None:
    """None when the clause names no object of the bucket or holds alike for the bucket ARN and
    for such an object; else whether it holds for the object (and not for the bucket)."""
    objects = [str(v).replace("*", "x").replace("?", "x") for v in clause.values
               if str(v).startswith(bucket + "/")]
    if not objects:
        return None
    on_object = clause.decide({_KEY: objects[0]})[0]
    on_bucket = clause.decide({_KEY: bucket})[0]
    return None if on_object == on_bucket else on_object

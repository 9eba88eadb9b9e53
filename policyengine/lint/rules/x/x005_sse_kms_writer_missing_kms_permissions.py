"""Principals that write to an SSE-KMS bucket cannot use the bucket's key.

## What it checks

In a scenario world, a bucket's key is known from the requests Amazon S3 makes to KMS for it:
requests whose encryption context has `aws:s3:arn` (S3 sets it to the object ARN, or to the
bucket ARN with S3 Bucket Keys) name the bucket, and the key they resolve to is its key. The
bucket's writers are the principals whose identity policies can allow `s3:PutObject` on its
objects (the engine evaluates the statements) and the callers of its `kms:GenerateDataKey`
requests (uploads). For each writer the engine (`authorize`) decides the requests S3 would
make on its behalf, with the same context as the observed S3 request:

* `kms:GenerateDataKey` denied: every upload fails;
* `kms:Decrypt` denied: multipart uploads (what the AWS CLI and SDKs use for large files)
  fail, because S3 must decrypt the data key of earlier parts.

## Why it matters

S3 calls KMS with the writer's own credentials: permission on the bucket is not enough, and
`kms:Encrypt` is not what S3 asks for. The failure shows up as `AccessDenied` on `PutObject`,
or only on large files, which makes it look like an S3 problem.

## Example

```yaml
principals:
  - arn: arn:aws:iam::111122223333:role/Uploader
    policies: [{Version: "2012-10-17", Statement: [
      {Effect: Allow, Action: s3:PutObject, Resource: "arn:aws:s3:::uploads/*"},
      {Effect: Allow, Action: kms:Encrypt, Resource: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}]
```

## Use instead

```json
{"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
 "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
```

## References

- Using SSE-KMS (permissions S3 needs): https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
- Access denied uploading large files with a KMS key: https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key
"""

from __future__ import annotations

from ....kms.requests import authorize, resolve_caller
from ....kms.world import Request
from ...analysis import (identity_allow_statements, s3_arn, s3_bucket, statement_allows,
                         world_probe, world_requests)
from ...model import Hit

ID = "X005"
_OBJECT = "lint-probe/object"  # an object of the bucket when S3 names only the bucket


def check(doc, ctx):
    world = doc.world
    buckets = {}  # bucket -> (its key, the S3 request that shows it)
    for item in world_requests(doc):
        bucket = s3_bucket(item.request)
        for part in item.parts if bucket is not None else ():
            if world.key(part.resource) is not None:
                buckets.setdefault(bucket, (world.key(part.resource), item))
    seen = set()
    for arn, bucket, where, sid, label in _writers(doc, buckets):
        who = resolve_caller(world, Request(arn)).caller
        identity = who.role_arn or who.arn
        if (identity, bucket) in seen:
            continue
        seen.add((identity, bucket))
        key, observed = buckets[bucket]
        denied = [action for action in ("kms:GenerateDataKey", "kms:Decrypt")
                  if not authorize(world, Request(
                      arn, action=action, key=key.arn,
                      encryption_context=observed.request.encryption_context,
                      context=observed.request.context)).allowed]
        if not denied:
            continue
        effect = ("every upload fails" if "kms:GenerateDataKey" in denied
                  else "multipart uploads (large files) fail")
        yield Hit(f"{label}: {identity} writes to bucket {bucket}, encrypted with {key.arn} "
                  f"(SSE-KMS), but is denied {' and '.join(denied)} on that key, so {effect}; "
                  "allow kms:GenerateDataKey and kms:Decrypt on the key to it (in the key "
                  "policy, and in an IAM policy)", where, sid=sid)


def _writers(doc, buckets):
    """(principal ARN, bucket, JSON path, Sid, label) for each way a principal writes."""
    world = doc.world
    for item in identity_allow_statements(doc):
        probe = world_probe(world, item.principal.arn, None, [item.compiled])
        for bucket, (_, observed) in buckets.items():
            if statement_allows(item.compiled, item.statement, probe, "s3:PutObject",
                                _object_arn(observed.request, bucket), resource_policy=False):
                yield (item.principal.arn, bucket, item.path("Action"), item.statement.sid,
                       f"{item.statement.label} of {item.document.label}")
    for item in world_requests(doc):
        name = (item.request.operation or item.request.action or "").split(":")[-1]
        bucket = s3_bucket(item.request)
        if name == "GenerateDataKey" and bucket in buckets and not item.caller.is_service:
            yield (item.request.principal, bucket, f"requests/{item.index}", None,
                   f"request {item.index}")


def _object_arn(request, bucket: str) -> str:
    """The object the observed S3 request was for (with S3 Bucket Keys S3 names only the
    bucket: then a made-up object of it)."""
    arn = s3_arn(request)
    return arn if "/" in arn.split(":", 5)[5] else f"arn:aws:s3:::{bucket}/{_OBJECT}"

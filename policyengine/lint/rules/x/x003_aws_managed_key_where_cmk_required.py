"""An AWS managed key protects a resource that another account or a service principal uses.

## What it checks

In a scenario world, requests on an AWS managed key (`manager: AWS`, the `alias/aws/...` keys
that services create) made by an AWS service principal (`cloudwatch.amazonaws.com`,
`s3.amazonaws.com`, ...) or by a principal of another account, and implicitly denied by the
engine (`authorize`). A denial by an explicit Deny (an SCP, an identity policy) is not this
rule's business.

## Why it matters

The key policy of an AWS managed key lets only principals of its own account use it, and only
through the service that created it (`kms:CallerAccount` and `kms:ViaService`); nobody can
change it or add grants for other accounts. A design that needs another account or a service
principal to use the key therefore cannot work, whatever IAM policies say: an encrypted RDS
snapshot cannot be shared, a secret cannot be read from another account, an SNS topic
encrypted with `aws/sns` drops the CloudWatch alarms and S3 event notifications sent to it.
The resource must be re-created (or its data re-encrypted) under a customer managed key.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/aaaa1111-2222-3333-4444-555566667777
    manager: AWS
    aliases: [alias/aws/sns]
requests:
  - principal: cloudwatch.amazonaws.com
    action: kms:GenerateDataKey
    key: arn:aws:kms:eu-west-1:111122223333:key/aaaa1111-2222-3333-4444-555566667777
```

## Use instead

Encrypt the topic (snapshot, secret, queue) with a customer managed key whose policy allows
the service or the other account, for example:

```json
{"Sid": "AllowCloudWatchAlarms", "Effect": "Allow",
 "Principal": {"Service": "cloudwatch.amazonaws.com"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
```

## References

- AWS managed keys: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
- Sharing encrypted RDS snapshots: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html
- Secrets Manager, access from another account: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html
- CloudWatch alarms with an encrypted SNS topic: https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
"""

from __future__ import annotations

from ....decision import Effect
from ...analysis import world_requests
from ...model import Hit

ID = "X003"


def check(doc, ctx):
    world = doc.world
    seen = set()
    for item in world_requests(doc):
        caller = item.caller
        for part in item.parts:
            key = world.key(part.resource)
            if key is None or not key.aws_managed or part.effect is not Effect.IMPLICIT_DENY \
                    or part.invalid:
                continue
            if not caller.is_service and caller.account == key.account:
                continue  # the key's own account: it may use the key through the service
            who = caller.arn if caller.is_service else (caller.role_arn or caller.arn)
            if (key.arn, who) in seen:
                continue
            seen.add((key.arn, who))
            name = next((a for a in key.aliases if a.startswith("alias/aws/")), key.arn)
            reason = ("a service principal" if caller.is_service
                      else f"a principal of account {caller.account}")
            where = f"requests/{item.index}/key" if item.request.key else \
                f"requests/{item.index}"
            yield Hit(f"request {item.index}: {who} is denied {part.action} on the AWS managed "
                      f"key {name}, whose policy nobody can change and which never allows "
                      f"{reason}; protect the resource with a customer managed key whose policy "
                      "allows it", where)

"""A service the world relies on is denied the key: the key policy has no statement for it.

## What it checks

In a scenario world, every request made by an AWS service principal
(`sns.amazonaws.com`, `logs.eu-west-1.amazonaws.com`, `cloudtrail.amazonaws.com`, ...) or by a
service-linked role (`.../role/aws-service-role/...`, or a principal marked `service_linked`)
on a customer managed key is decided by the engine (`authorize`). When the decision is an
implicit deny and the key policy has no Allow statement naming that service (or role) for the
permission at all (and no grant on the key lists the operation for it), the integration is
missing its key-policy statement. Requests denied by a
Deny, or by a statement that names the service but whose conditions fail, are other rules'
business (KP018, KP011); AWS managed keys are X003's.

## Why it matters

This is the most common reason an encrypted integration silently fails: S3 event
notifications to an SQS queue or SNS topic encrypted with a customer managed key, CloudWatch
alarms publishing to an encrypted topic, CloudWatch Logs or CloudTrail writing with a key, EC2
Auto Scaling launching instances with encrypted volumes. The caller gets `AccessDenied`, often
in a place nobody watches, and the data is dropped.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    policy: {Version: "2012-10-17", Statement: [{Sid: Root, Effect: Allow,
      Principal: {AWS: "arn:aws:iam::111122223333:root"}, Action: "kms:*", Resource: "*"}]}
requests:
  - principal: s3.amazonaws.com
    action: kms:GenerateDataKey
    key: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
```

## Use instead

Add the statement the service's documentation gives, scoped to your resources:

```json
{"Sid": "AllowS3EventNotifications", "Effect": "Allow",
 "Principal": {"Service": "s3.amazonaws.com"},
 "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}
```

## References

- S3 event notifications to encrypted destinations: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
- CloudWatch Logs, encrypting log data: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
- EC2 Auto Scaling, required KMS key policy: https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
"""

from __future__ import annotations

import re

from ...model import Hit

ID = "X004"
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")


def check(doc, ctx):
    from ....decision import Effect
    from ....errors import PolicyEngineError
    from ....kms.requests import authorize
    from ....language.principals import caller_from_arn
    from ....scenario.build import to_request

    world = doc.world
    seen = set()
    for index, spec in enumerate(doc.scenario.requests):
        principal = spec.principal
        try:
            caller = caller_from_arn(principal)
        except ValueError:
            continue
        record = world.role(caller.account, caller.role_name) if caller.kind == "role-session" \
            else world.principal(principal)
        service_linked = "/aws-service-role/" in (caller.role_arn or principal) or bool(
            record is not None and getattr(record, "service_linked", False))
        if not (caller.is_service or service_linked):
            continue
        request = to_request(spec)
        try:
            decision = authorize(world, request)
        except PolicyEngineError:
            continue
        if decision.effect is not Effect.IMPLICIT_DENY or decision.invalid:
            continue
        for part in decision.parts or [decision]:
            if part.allowed or part.effect is not Effect.IMPLICIT_DENY:
                continue
            key = world.key(part.resource)
            if key is None or key.aws_managed or key.policy.compiled is None:
                continue
            action = part.action
            if _named(key.policy.compiled, caller, action) or _granted(key, caller, action):
                continue
            marker = (key.arn, caller.role_arn or caller.arn, action)
            if marker in seen:
                continue
            seen.add(marker)
            key_index = doc.key_index(key.arn)
            where = f"keys/{key_index}/policy" if doc.scenario.keys[key_index].policy is not None \
                else f"keys/{key_index}"
            who = caller.arn if caller.is_service else (caller.role_arn or caller.arn)
            what = "the service" if caller.is_service else "the service-linked role"
            yield Hit(f"request {index}: {who} is denied {action} on {key.arn} because its key "
                      f"policy has no statement allowing {what}; add one (scoped with "
                      "aws:SourceAccount or aws:SourceArn for a service principal)", where)


def _granted(key, caller, action: str) -> bool:
    """Is there a grant for the caller on the key that lists the operation (its constraints
    may fail: then the integration is configured, just not for this request)?"""
    operation = action.split(":", 1)[-1]
    for grant in key.grants:
        grantee = grant.grantee_service if caller.is_service else grant.grantee
        if grantee in (caller.arn, caller.role_arn) and operation in grant.operations:
            return True
    return False


def _named(compiled, caller, action: str) -> bool:
    """Does an Allow statement of the key policy name the caller for ``action`` (whatever its
    conditions)? Account-principal statements do not count for services."""
    for statement in compiled.statements_for(action):
        if not statement.allow or statement.principal is None:
            continue
        match = statement.principal.match(caller)
        if match is not None and (match.direct or not caller.is_service):
            return True
    return False

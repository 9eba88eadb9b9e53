"""A service principal may use the key for any customer's resources (confused deputy).

## What it checks

Allow statements naming an AWS service principal (`cloudtrail.amazonaws.com`,
`logs.<region>.amazonaws.com`, `sns.amazonaws.com`, `delivery.logs.amazonaws.com`, ...). The
engine evaluates the statement for that service acting on behalf of a resource in an unrelated
account: if the request would be allowed, nothing binds the service to your resources. What
binds it: `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` / `aws:SourceOrgPaths`, or the
encryption-context keys the service sets from the resource it works for
(`kms:EncryptionContext:aws:cloudtrail:arn`, `kms:EncryptionContext:aws:logs:arn`).

## Why it matters

A service principal acts for every AWS customer. Without a condition naming your account or
resources, another customer can point the service at your key (a trail, a log group or a topic
in their account configured with your key ARN) and the service will use the key on their
behalf: the confused-deputy problem. They can then encrypt with, or make the service decrypt
with, your key.

## Example

```json
{"Sid": "AllowCloudTrail", "Effect": "Allow",
 "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:GenerateDataKey*", "Resource": "*"}
```

## Use instead

```json
{"Sid": "AllowCloudTrail", "Effect": "Allow",
 "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:GenerateDataKey*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"},
               "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*"}}}
```

## References

- The confused deputy problem: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
- CloudTrail key policy: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
- CloudWatch Logs key policy: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
- Access Analyzer RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ...analysis import (statement_allows, covered, iter_allow_statements, key_actions,
                         principal_entries, probe_resource, reach, service_probe,
                         short_list)
from ...model import Hit

ID = "KP011"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    for statement in iter_allow_statements(doc):
        if not statement.node.principal.values("Service"):
            continue
        actions = covered(doc, statement, key_actions())
        if not actions:
            continue
        resource = probe_resource(doc, statement, ctx.config)
        for entry in principal_entries(doc, statement.node):
            if entry.kind != "Service" or entry.caller is None or entry.negated:
                continue
            for probe in service_probe(doc, entry.value):
                if not reach(statement, probe, actions[0], resource)[0]:
                    continue  # the conditions bind it (they do not depend on the action)
                allowed = [a for a in actions
                           if statement_allows(compiled, statement, probe, a, resource)]
                if allowed:
                    yield Hit(f"{statement.label} lets {entry.value} use {short_list(allowed)} "
                              "for resources of any account: nothing ties it to yours; add "
                              "aws:SourceAccount or aws:SourceArn (or the service's "
                              "encryption-context ARN key)", entry.json_path)
                    break

"""kms:* (or "*") in an identity policy.

## What it checks

Allow statements of identity policies whose actions cover every KMS permission (`kms:*`, `*`,
a wildcard pattern or a `NotAction` that leaves all of KMS in, as the engine's action matchers
find) on at least one KMS key: the statement's resources are matched against a key ARN shaped
from each of its `Resource` patterns and against a key in another account.

## Why it matters

The principal gets administration (`kms:PutKeyPolicy`, `kms:ScheduleKeyDeletion`,
`kms:CreateGrant`, `kms:DisableKey`) and every cryptographic use of every key whose key policy
delegates to the account, so one compromised role can read all data, grant the keys away, or
schedule them for deletion. Administrators and applications should get the permissions they
use.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}
```

## References

- AWS KMS best practices, least privilege: https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
- Checkov CKV_AWS_63 ("*" actions) and CKV_AWS_1 (full admin): https://www.checkov.io/5.Policy%20Index/all.html
"""

from __future__ import annotations

import re

from ....language.principals import Caller
from ...analysis import Probe, statement_allows, covers_all_kms, outsider_account
from ...model import Hit

ID = "IAM002"
_KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+")


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    other = f"arn:aws:kms:us-east-1:{outsider_account(doc)}:key/00000000-0000-0000-0000-0000000"
    probe = Probe(Caller("user", "arn:aws:iam::111111111111:user/holder", "111111111111"), {},
                  "the policy's holder")
    for statement in compiled.statements:
        node = statement.node
        if not statement.allow or node.action is None or not covers_all_kms(doc, statement):
            continue
        keys = [other] + [_shape(v) for v in (node.resource.values if node.resource else ())]
        keys = [k for k in keys if k and _KEY_ARN.fullmatch(k)]
        if not any(statement_allows(compiled, statement, probe, "kms:PutKeyPolicy", key,
                                    resource_policy=False) for key in keys):
            continue
        element = "NotAction" if node.action.negated else "Action"
        yield Hit(f"{statement.label} grants every KMS permission ({element} "
                  f"{list(node.action.values)!r}): administration and use of every key it "
                  "reaches; list the actions the principal needs", node.action.path)


def _shape(pattern: str) -> str | None:
    if not isinstance(pattern, str) or not pattern.startswith("arn:"):
        return None
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return None
    fill = lambda text, default: re.sub(r"\$\{[^}]*\}", default, text).replace(  # noqa: E731
        "*", default).replace("?", default[:1])
    partition = parts[1] if parts[1] and "*" not in parts[1] else "aws"
    region = fill(parts[3], "us-east-1") or "us-east-1"
    account = fill(parts[4], "111111111111") if parts[4] else "111111111111"
    resource = parts[5]
    if resource in ("*", "key*", "key/*") or resource.startswith("*"):
        resource = "key/00000000-0000-0000-0000-000000000000"
    return f"arn:{partition}:kms:{region}:{account}:{fill(resource, '0')}" \
        if fill(parts[2], "kms") == "kms" else None

"""The policy's Version is missing, invalid, or the legacy 2008-10-17.

## What it checks

`Version` is absent, is not one of `2012-10-17` and `2008-10-17` (reported as HIGH: AWS
refuses it), or is the legacy `2008-10-17`. The message says so when the policy uses policy
variables (`${aws:username}`, `${aws:PrincipalTag/team}`), because under an old or missing
Version they are compared as literal text. SCPs and RCPs must carry `2012-10-17` (HIGH when
missing).

## Why it matters

Without `"Version": "2012-10-17"`, IAM and KMS treat `${...}` as ordinary characters: a
condition such as `"aws:userid": "${aws:userid}"` or a resource such as
`arn:aws:kms:*:111122223333:key/${aws:PrincipalTag/key}` then matches nothing (or, with a
negated operator, everything). The policy reads correctly and behaves differently.

## Example

```json
{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
  "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
  "Condition": {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}}}]}
```

## Use instead

```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
  "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*",
  "Condition": {"StringEquals": {"kms:EncryptionContext:user": "${aws:username}"}}}]}
```

## References

- Version element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
- Policy variables need Version 2012-10-17: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
- Access Analyzer MISSING_VERSION, INVALID_VERSION: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import json

from ...model import Hit
from .._common import rule_for_violation, refused

ID = "POL003"
_REFUSED_LEVEL = "HIGH"


def _uses_variables(doc) -> bool:
    text = doc.text if isinstance(doc.text, str) else json.dumps(doc.value, default=str)
    return "${" in text


def check(doc, ctx):
    for violation in doc.violations:
        if rule_for_violation(violation, doc.policy_type) == ID:
            yield Hit(refused(violation), violation.json_path, severity=_REFUSED_LEVEL)
    if not isinstance(doc.value, dict) or doc.policy_type in ("scp", "rcp"):
        return
    version = doc.value.get("Version")
    if "Version" not in doc.value:
        if _uses_variables(doc):
            yield Hit('Version is missing, so the policy variables (${...}) in this policy are '
                      'compared as literal text; add "Version": "2012-10-17"', "Version")
        else:
            yield Hit('Version is missing: AWS reads the policy with the legacy language '
                      'version; add "Version": "2012-10-17"', "Version")
    elif version == "2008-10-17":
        if _uses_variables(doc):
            yield Hit('Version 2008-10-17 does not support policy variables: the ${...} in this '
                      'policy are compared as literal text; use "2012-10-17"', "Version")
        else:
            yield Hit('Version 2008-10-17 is the legacy policy language; use "2012-10-17"',
                      "Version")

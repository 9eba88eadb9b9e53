"""An element is unknown, of the wrong JSON type, or combined with one it excludes.

## What it checks

What AWS refuses about the shape of a policy: an element that does not exist (`Actions`,
`Condtion`), `Effect` other than exactly `Allow` or `Deny` (the value is case-sensitive), a
value of the wrong JSON type (a number where a string is expected, a Condition that is not an
object), mutually exclusive elements in one statement (`Action` with `NotAction`, `Principal`
with `NotPrincipal`, `Resource` with `NotResource`), an action without a service prefix, a
resource that is neither `"*"` nor an ARN, characters outside what the service accepts, and
elements a policy type does not support (`Id` in an identity policy, `Allow` or `NotAction` in
an RCP, a principal that is malformed in a policy type other than a key policy).

## Why it matters

AWS refuses the document (`MalformedPolicyDocument[Exception]`), so the change that carries it
fails to deploy. When a tool is lenient about the shape, what it shows differs from what AWS
would enforce: `"Effect": "allow"` is not an Allow.

## Example

```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "allow", "Actions": ["kms:Decrypt"], "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"],
                "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}
```

## References

- IAM JSON policy grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
- Access Analyzer INVALID_EFFECT, INVALID_POLICY_ELEMENT, DATA_TYPE_MISMATCH, UNSUPPORTED_ELEMENT_COMBINATION: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
- RCP syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
"""

from __future__ import annotations

from .._common import violation_hits

ID = "POL004"


def check(doc, ctx):
    yield from violation_hits(doc, ID)

"""A key ARN in an identity policy has a wildcard for the account.

## What it checks

`Resource` values of Allow statements in identity policies that are KMS ARNs whose account
field is a wildcard (`arn:aws:kms:*:*:key/*`, `arn:aws:kms:eu-west-1:*:key/*`,
`arn:aws:kms:*:1111*:*`), when the engine finds the statement allows a KMS permission that works
across accounts (cryptographic operations, `DescribeKey`, `CreateGrant`, `GetPublicKey`, ...) on
a key that pattern matches in an account the policy does not mention, outside the caller's
organization: conditions on `aws:ResourceAccount`, `aws:ResourceOrgID` or
`aws:ResourceOrgPaths` that keep the statement to your own keys are honoured, and Deny
statements of the policy are taken into account.

## Why it matters

For cross-account reach a wildcard account is the same as `"Resource": "*"`: the principal can
use every key of every account whose key policy trusts its account, including partners' keys
and keys an attacker sets up to receive data. Writing the account ID (and the Region) in the
ARN keeps the permission to keys you own; it costs nothing, since key ARNs of one account are
easy to match with `key/*`.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"],
   "Resource": "arn:aws:kms:eu-west-1:*:key/*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:DescribeKey"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/*"}]}
```

## References

- KMS IAM policy best practices ("Specify KMS keys in IAM policies"): https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html
- Specifying KMS keys in IAM policy statements: https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html
- aws:ResourceAccount: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceaccount
"""

from __future__ import annotations

from ...analysis import (ABSENT, covered, cross_account_key_actions, element_values, key_probe,
                         outsider_account, short_list, statement_allows, unnamed_keys)
from ...model import Hit

ID = "IAM010"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    other = outsider_account(doc)
    organizations = (ABSENT, f"o-other{other[:6]}")  # no organization, another one
    for statement in compiled.statements:
        node = statement.node
        if not statement.allow or node.resource is None or node.resource.negated:
            continue
        actions = covered(doc, statement, cross_account_key_actions())
        if not actions:
            continue
        entries = element_values(doc, node, "Resource")
        for index, key in unnamed_keys(statement, other):
            value = node.resource.values[index]
            account = value.split(":")[4] if value.count(":") >= 5 else ""
            if not any(c in account for c in "*?") or key.split(":")[4] != other:
                continue  # "*" is IAM001's; a named account is not a wildcard
            allowed = []
            for org in organizations:
                probe = key_probe((compiled,), key, attributes={
                    "aws:resourceorgid": org,
                    "aws:resourceorgpaths": ABSENT if org is ABSENT else [f"{org}/r-0/"]})
                allowed = [a for a in actions if statement_allows(
                    compiled, statement, probe, a, key, resource_policy=False)]
                if allowed:
                    break
            if allowed:
                yield Hit(f"{statement.label} allows {short_list(allowed)} on {value!r}, whose "
                          "wildcard account matches keys of every account, including those "
                          "whose key policies trust yours; put your account ID in the ARN",
                          entries[index].json_path)

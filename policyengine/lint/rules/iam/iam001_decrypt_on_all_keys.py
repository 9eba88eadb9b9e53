"""An identity policy allows decryption (or other key use) on every key it can reach.

## What it checks

Allow statements of identity policies that grant `kms:Decrypt`, `kms:ReEncryptFrom`, another
cryptographic permission or `kms:CreateGrant` on keys of any account: the engine matches the
statement against a key in an unrelated account (with conditions the caller chooses taken as
met and conditions on `aws:ResourceAccount` / `aws:ResourceOrgID` evaluated for that key), and
Deny statements of the same policy that would still apply are taken into account.
`"Resource": "*"`, `arn:aws:kms:*:*:key/*` and `NotResource` are the usual causes.

## Why it matters

In an IAM policy, `"Resource": "*"` for KMS means every key the principal can reach, and that
includes keys in other accounts whose key policies trust this account. A compromised role can
then decrypt data protected by other teams' or partners' keys, and nothing in the policy shows
it. Security Hub KMS.1 and KMS.2 flag exactly this for `kms:Decrypt` and `kms:ReEncryptFrom`.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
   "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}
```

## References

- Security Hub KMS.1 / KMS.2: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html
- KMS IAM policy best practices ("avoid Resource *"): https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html
"""

from __future__ import annotations

from ....language.principals import Caller
from ...analysis import (ABSENT, Probe, statement_allows, covered, outsider_account,
                         short_list)
from ...knowledge import CRYPTO_AND_GRANT_ACTIONS
from ...model import Hit

ID = "IAM001"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    other = outsider_account(doc)
    key = f"arn:aws:kms:us-east-1:{other}:key/00000000-0000-0000-0000-000000000000"
    caller = Caller("user", "arn:aws:iam::111111111111:user/holder", "111111111111")
    probes = [Probe(caller, {"aws:resourceaccount": other, "aws:resourceorgid": org,
                             "aws:resourceorgpaths": ABSENT if org is ABSENT else [f"{org}/r"]},
                    "a key in another account")
              for org in (ABSENT, f"o-other{other[:6]}")]
    for statement in compiled.statements:
        node = statement.node
        if not statement.allow or node.resource is None:
            continue
        actions = covered(doc, statement, CRYPTO_AND_GRANT_ACTIONS)
        if not actions:
            continue
        allowed = []
        for probe in probes:
            allowed = [a for a in actions if statement_allows(
                compiled, statement, probe, a, key, resource_policy=False)]
            if allowed:
                break
        if not allowed:
            continue
        element = "NotResource" if node.resource.negated else "Resource"
        yield Hit(f"{statement.label} allows {short_list(allowed)} on every KMS key the "
                  f"principal can reach ({element} {_shown(node.resource.values)}), including "
                  "keys in other accounts whose key policies trust this account; name the keys",
                  node.resource.path)


def _shown(values) -> str:
    values = list(values)
    return repr(values[0]) if len(values) == 1 else repr(values)

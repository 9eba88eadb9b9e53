"""kms:CreateKey is allowed for any kind of key, untagged.

## What it checks

Allow statements of identity policies that let their holder call `kms:CreateKey` with no
restriction on what is created: the engine evaluates the policy for two very different
`CreateKey` requests, both without tags (`aws:RequestTag/*`, `aws:TagKeys` absent) and without
bypassing the lockout safety check: a multi-Region `ECC_SECG_P256K1` signing key with imported
key material, and a single-Region symmetric encryption key made by KMS. A statement that allows
both (and no Deny statement of the policy stops them) places no condition on `kms:KeySpec`,
`kms:KeyUsage`, `kms:KeyOrigin`, `kms:MultiRegion` or the request's tags (conditions on the
key's own tags, `aws:ResourceTag/*`, never hold for a key that does not exist yet).
Statements that grant every KMS permission are IAM002's; whether the lockout bypass is denied
is KP026's question.

## Why it matters

Whoever creates a key writes its initial key policy, so they can give themselves, or anyone,
every right on it, and can create the kinds of keys the organisation does not want (multi-Region
keys that copy key material to other Regions, imported material, untagged keys nobody owns).
The KMS guide recommends giving `kms:CreateKey` only to the principals who need it, limited by
conditions.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "CreateKeys", "Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "CreateKeys", "Effect": "Allow", "Action": ["kms:CreateKey", "kms:TagResource"],
   "Resource": "*",
   "Condition": {"StringEquals": {"kms:KeySpec": "SYMMETRIC_DEFAULT",
                                  "aws:RequestTag/team": "${aws:PrincipalTag/team}"},
                 "Bool": {"kms:MultiRegion": "false"}}}]}
```

## References

- KMS IAM policy best practices ("Limit CreateKey permission"): https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html
- IAM policy example, allowing a user to create KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/customer-managed-policies.html#iam-policy-example-create-key
- kms:KeySpec and related condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-key-spec
"""

from __future__ import annotations

from ...analysis import ABSENT, covered, covers_all_kms, holder, key_probe, statement_allows
from ...model import Hit

ID = "IAM006"
ACTION = "kms:CreateKey"
#: Two requests as unlike as CreateKey allows, neither tagged nor bypassing the safety check.
_REQUESTS = (
    {"kms:keyspec": "ECC_SECG_P256K1", "kms:customermasterkeyspec": "ECC_SECG_P256K1",
     "kms:keyusage": "SIGN_VERIFY", "kms:customermasterkeyusage": "SIGN_VERIFY",
     "kms:keyorigin": "EXTERNAL", "kms:multiregion": True, "kms:multiregionkeytype": "PRIMARY"},
    {"kms:keyspec": "SYMMETRIC_DEFAULT", "kms:customermasterkeyspec": "SYMMETRIC_DEFAULT",
     "kms:keyusage": "ENCRYPT_DECRYPT", "kms:customermasterkeyusage": "ENCRYPT_DECRYPT",
     "kms:keyorigin": "AWS_KMS", "kms:multiregion": False, "kms:multiregionkeytype": ABSENT},
)


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    untagged = {"aws:tagkeys": ABSENT, "kms:bypasspolicylockoutsafetycheck": False}
    for statement in compiled.statements:
        for clause in statement.clauses:
            if clause.key_lower.startswith("aws:requesttag/"):
                untagged[clause.key_lower] = ABSENT
    # no key exists yet: conditions on its tags or aliases are absent
    probes = [key_probe((compiled,), "*", caller=holder()).fix({**untagged, **request})
              for request in _REQUESTS]
    for statement in compiled.statements:
        node = statement.node
        if not statement.allow or not covered(doc, statement, (ACTION,)) \
                or covers_all_kms(doc, statement):
            continue  # kms:* is IAM002's
        if all(statement_allows(compiled, statement, probe, ACTION, "*", resource_policy=False)
               for probe in probes):
            yield Hit(f"{statement.label} allows kms:CreateKey for any key spec, usage, origin "
                      "and Region setting, without tags, and the creator writes the new key's "
                      "policy; limit it with kms:KeySpec, kms:KeyUsage, kms:MultiRegion or "
                      "aws:RequestTag conditions", node.action.path)

"""A grant gives key use to (or lets a retiring principal in) an account you do not trust.

## What it checks

Grants whose grantee principal or retiring principal belongs to an account other than the
key's own account (the scenario key's, or the account of the ListGrants entry's `KeyId`, else
its `IssuingAccount`; grants with neither are skipped), the configured `trusted-accounts`, and,
in a scenario world, the accounts of its organization. Service principals belong to no
account and are GR005's business.

## Why it matters

A grant needs no IAM policy in the key's account and no key-policy statement: it is a direct,
easily overlooked path to the key for another account, whose administrators then decide which of
their principals use it. IAM Access Analyzer reports KMS grants to external principals as
external access for the same reason. An external retiring principal can delete the grant,
breaking whatever relies on it.

## Example

```json
{"Grants": [{"KeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  "GrantId": "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60",
  "GranteePrincipal": "arn:aws:iam::444455556666:role/Partner", "Operations": ["Decrypt"]}]}
```

## Use instead

Revoke the grant (`aws kms revoke-grant`), or, if the partner is meant to have access, list its
account in `trusted-accounts` and give it a constrained grant:

```toml
[tool.policyengine.lint]
trusted-accounts = ["444455556666"]
```

## References

- Grants in AWS KMS (grantees can be in other accounts): https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
- IAM Access Analyzer, KMS keys and grants: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-kms-key
"""

from __future__ import annotations

from ...analysis import account_of, grant_field, grant_key_account, grant_label
from ...model import Hit

ID = "GR004"
_ROLES = (("grantee", "grantee", "use the key"), ("retiring", "retiring principal",
                                                  "retire the grant"))


def check(doc, ctx):
    world = getattr(doc, "world", None)
    trusted = set(ctx.config.trusted_accounts if ctx.config is not None else ())
    if world is not None and world.organization is not None:
        trusted |= set(world.organization.accounts)
    for entry in doc.entries:
        owner = grant_key_account(doc, entry)
        if owner is None:
            continue  # no KeyId or IssuingAccount: whose key it is cannot be told
        for field, role, right in _ROLES:
            principal, path = grant_field(entry, field)
            account = account_of(principal)
            if account is None or account == owner or account in trusted:
                continue
            yield Hit(f"{grant_label(entry)} makes {principal}, of account {account}, its "
                      f"{role}: that account can {right} without any policy of the key's account "
                      f"{owner}; revoke the grant, or add {account} to "
                      "trusted-accounts if it is a partner you trust", path)

"""The key policy lets principals of any AWS account use the key.

## What it checks

Allow statements with a wildcard principal (`"*"` or `{"AWS": "*"}`) through which a request
from an arbitrary outside principal would be allowed once conditions are taken into account.
The linter asks the engine: it evaluates the compiled key policy for a made-up role in an
account the policy does not mention (outside any organization, and inside an organization of
its own) and for an AWS service acting for that account, with every condition key the caller
can choose (network origin, user agent, encryption context, the service it calls through) set
as the caller likes and every key it cannot choose (its account, organization, ARN) set to its
true value; Deny statements that would still apply are taken into account. This rule reports
statements that make no attempt to bound the caller's identity (no condition on
`aws:PrincipalAccount`, `kms:CallerAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
`aws:SourceAccount`, `aws:SourceArn`, ...): no conditions at all, or only network or request
conditions such as `aws:SourceIp`. Statements that try and fail are KP002.

## Why it matters

Anyone with an AWS account can then encrypt, decrypt or re-encrypt with your key, describe it
and create grants on it, needing nothing but an IAM policy in their own account, which they
control. `aws:SourceIp` or `aws:SourceVpce` narrow the network path, not who is calling. This
is the most damaging KMS misconfiguration (Security Hub KMS.5, critical).

## Example

```json
{"Sid": "AllowOfficeUse", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
```

## Use instead

```json
{"Sid": "AllowOfficeUse", "Effect": "Allow", "Principal": {"AWS": "*"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:CallerAccount": "111122223333"},
               "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
```

## References

- Security Hub KMS.5, KMS keys should not be publicly accessible: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-5
- Allowing users in other accounts to use a KMS key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- kms:CallerAccount: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
"""

from __future__ import annotations

from ...analysis import principal_entries, public_statements, short_list
from ...knowledge import NETWORK_KEYS
from ...model import Hit

ID = "KP001"


def check(doc, ctx):
    for exposure in public_statements(doc, ctx.config).values():
        if exposure.identity_clauses:
            continue  # KP002
        statement = exposure.statement
        path = next((e.json_path for e in principal_entries(doc, statement.node) if e.wildcard),
                    f"{statement.path}/Principal")
        text = (f"{statement.label} allows {short_list(exposure.actions)} to any AWS "
                f"principal, for example {exposure.probe.label}")
        keys = sorted({c.key for c in statement.clauses})
        if keys:
            network = [k for k in keys if k.lower() in NETWORK_KEYS]
            text += f"; its conditions ({', '.join(keys)}) do not restrict who the caller is"
            if network:
                text += f" ({', '.join(network)} limits only where the request comes from)"
        else:
            text += "; nothing restricts the caller's account or organization"
        yield Hit(text + ": add kms:CallerAccount, aws:PrincipalOrgID or aws:PrincipalArn",
                  path)

"""No durable principal can change the key policy: the key may become unmanageable.

## What it checks

Whether the owning account's root user, or a configured break-glass principal
(`break-glass-principals`), can call `kms:PutKeyPolicy` on the key. The linter builds that
request and evaluates the compiled key policy with the engine (Deny statements included;
conditions on keys the caller chooses, such as MFA, taken as satisfiable). When none can, it
reports who can: nobody (KMS's policy lockout safety check refuses such a policy unless it is
bypassed), a single IAM user or role, or several principals none of which is durable. The owning
account is the key's (scenario files), the configured `owner-account`, or inferred from the
policy (the account whose root gets `kms:*`, else the account its principals name most).

## Why it matters

A key policy is the root of trust of a KMS key: nobody, not even the account's root user, can
use or manage a key the policy does not allow. If the only principals that can change the policy
are deleted, renamed or lose their credentials, the key can no longer be managed and only AWS
Support can restore access. The account-principal statement of AWS's default key policy exists
to prevent exactly this.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "OnlyTheDeployRole", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deploy"},
   "Action": "kms:*", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "KeyAdministration", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/Deploy"},
   "Action": ["kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*"], "Resource": "*"}]}
```

## References

- Default key policy, allowing access to the AWS account: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
- Policy lockout safety check (BypassPolicyLockoutSafetyCheck): https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
- Unmanageable KMS keys: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
"""

from __future__ import annotations

from ....language.principals import Caller, caller_from_arn
from ...analysis import (allowing_statements, insider_probe, iter_allow_statements,
                         owner_account, principal_entries, probe_resource, short_list)
from ...model import Hit

ID = "KP005"
ACTION = "kms:PutKeyPolicy"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    resource = probe_resource(doc, None, ctx.config)
    if owner is not None:
        root = Caller("root", f"arn:aws:iam::{owner}:root", owner)
        if allowing_statements(compiled, insider_probe(root, config), ACTION, resource):
            return
    for arn in getattr(config, "break_glass_principals", ()):
        try:
            caller = caller_from_arn(arn) if arn.startswith("arn:") else Caller(
                "root", f"arn:aws:iam::{arn}:root", arn)
        except ValueError:
            continue
        if allowing_statements(compiled, insider_probe(caller, config), ACTION, resource):
            return
    able: dict[str, str] = {}
    first_path = None
    for statement in iter_allow_statements(doc):
        if not statement.matches_action(ACTION):
            continue
        for entry in principal_entries(doc, statement.node):
            if entry.caller is None or entry.caller.is_service or entry.negated:
                continue
            if owner is not None and entry.account != owner:
                continue  # PutKeyPolicy does not work across accounts
            if allowing_statements(compiled, insider_probe(entry.caller, config), ACTION,
                                   resource):
                able.setdefault(entry.value, entry.json_path)
                first_path = first_path or entry.json_path
    who = f"the account root user ({owner})" if owner else "the owning account's root user"
    if not able:
        yield Hit(f"no principal can call {ACTION}, not even {who}: KMS's lockout safety "
                  "check refuses this policy unless it is bypassed, and a key saved with it "
                  "can only be recovered by AWS Support", "Statement")
    elif len(able) == 1:
        (name, path), = able.items()
        yield Hit(f"only {name} can change this key policy ({who} cannot): if it is deleted "
                  "or loses access, only AWS Support can recover the key; keep the "
                  "account-principal statement or designate a break-glass principal", path)
    else:
        yield Hit(f"{who} cannot change this key policy; management rests on "
                  f"{short_list(able)}, none of them a designated break-glass principal "
                  "(configure break-glass-principals, or keep the account-principal statement)",
                  first_path)

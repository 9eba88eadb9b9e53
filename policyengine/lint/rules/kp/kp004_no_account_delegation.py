"""No statement allows the owning account: IAM policies have no effect on the key.

## What it checks

Whether some Allow statement names the owning account's principal (`arn:aws:iam::<owner>:root`
or the bare account ID) and can allow it a permission on the key: the engine evaluates each such
statement for the account's root user and for a role of the account (whose name may be the one
an `aws:PrincipalArn` condition asks for), conditions and Deny statements included. When none can,
the key is not delegated to the account's IAM: only the principals the key policy names can use
or manage it. The owning account is the key's (scenario files), the configured `owner-account`,
or inferred from the policy.

A policy that deliberately names its managers, key administrators plus a break-glass principal
(configured as `break-glass-principals`, or a role or user whose name says "break glass" or
"emergency") that can call `kms:PutKeyPolicy`, is reported at INFO instead of MEDIUM.

## Why it matters

Without the account-principal statement, (a) IAM policies in the account that allow this key
are silently ineffective (the classic "my role has kms:Decrypt on * and still gets
AccessDenied"), and (b) recovery depends on the named principals surviving: if they are deleted
or lose their credentials, only AWS Support can restore access. The account's root user cannot
be deleted, which is why AWS's default key policy gives it `kms:*`.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "AppOnly", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
   "Action": ["kms:Decrypt", "kms:PutKeyPolicy"], "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
  {"Sid": "AppUse", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
   "Action": "kms:Decrypt", "Resource": "*"}]}
```

## References

- Default key policy, allowing access to the AWS account and enabling IAM policies: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
- Key policies (IAM policies alone are not enough): https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
- Troubleshooting key access: https://docs.aws.amazon.com/kms/latest/developerguide/policy-evaluation.html
"""

from __future__ import annotations

import re

from ....kms.world import KEY_ARN
from ....language.principals import Caller
from ...analysis import (PrincipalEntry, Probe, covered, entry_caller, insider_probe,
                         iter_allow_statements, key_actions, key_managers, names_owner,
                         owner_account, principal_entries, probe_resource, short_list,
                         statement_allows)
from ...model import Hit

ID = "KP004"
_BREAK_GLASS = re.compile(r"break[-_ .]?glass|emergency", re.IGNORECASE)


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    if owner is None:
        return  # no account named at all: KP005 says nobody can manage the key
    root = insider_probe(Caller("root", f"arn:aws:iam::{owner}:root", owner), config)
    if _delegated(doc, config, owner, root):
        return
    role = insider_probe(entry_caller(PrincipalEntry("*", "*", ""), owner), config)
    if _delegated(doc, config, owner, Probe(role.caller, role.known, role.label, shapes=True)):
        return
    managers = key_managers(doc, config, owner)
    configured = set(getattr(config, "break_glass_principals", ()) or ())
    glass = [m for m in managers if m in configured or _BREAK_GLASS.search(m.rsplit("/", 1)[-1])]
    others = [m for m in managers if m not in glass]
    head = ("no statement that applies to this key allows the account principal "
            f"arn:aws:iam::{owner}:root, so IAM policies in account {owner} have no effect on it")
    if glass and others:
        yield Hit(f"{head}; key management rests on {short_list(others)} with "
                  f"{short_list(glass)} as break-glass, which looks deliberate: keep it so "
                  "only if IAM policies are not meant to grant access", "Statement",
                  severity="INFO")
        return
    who = short_list(managers) if managers else "nobody (no principal can change the policy)"
    yield Hit(f"{head} and recovery depends on {who}; add the account-principal statement "
              f'("Principal": {{"AWS": "arn:aws:iam::{owner}:root"}}) or name an '
              "administrator and a break-glass principal", "Statement")


def _delegated(doc, config, owner: str, probe) -> bool:
    """Does a statement naming the owner's account allow the probe's caller (the account's
    root user, or a role of the account) a key permission?"""
    compiled = doc.compiled
    key = probe_resource(doc, None, config)
    for statement in iter_allow_statements(doc):
        if not any(names_owner(e, owner) and not e.negated
                   for e in principal_entries(doc, statement.node)):
            continue
        resource = probe_resource(doc, statement, config)  # a key ARN it names may be this key
        if not KEY_ARN.fullmatch(resource):
            resource = key  # an alias or another service's ARN is never the key
        if any(statement_allows(compiled, statement, probe, action, resource)
               for action in covered(doc, statement, key_actions())):
            return True
    return False

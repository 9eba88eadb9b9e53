"""The key policy trusts an account outside the configured trusted accounts and organization.

## What it checks

Allow statements that let a principal of another account use the key: an account, role or user
of another account named in `Principal`, or a wildcard principal whose conditions admit another
account (`kms:CallerAccount`, `aws:PrincipalAccount`, `aws:PrincipalArn` values) or another
organization (`aws:PrincipalOrgID`). For each, the engine evaluates the permissions that work
across accounts for a principal of that account outside your organization.

The trust list is the configuration's `trusted-accounts` and `organization-id` (in scenario
files also the organization's member accounts). A principal of a listed account, or one the
statement admits only from inside the organization (an `aws:PrincipalOrgID` condition), is
reported at INFO, so that every cross-account trust stays visible; any other at MEDIUM. With no
trust list configured the rule reports nothing: which accounts are "external" is yours to say,
and AWS's own console policy for sharing a key with another account would otherwise be a
finding. Wildcard principals that anyone can use are KP001's and KP002's.

## Why it matters

Every account a key policy trusts can delegate the key to all of its users and roles through
its own IAM policies, which you do not see or control. Trusting an account that is not on your
list (a former vendor, a typo in an account ID, a personal test account) is how data encrypted
under the key leaves your control (Security Hub KMS.5, IAM Access Analyzer external access).

## Example

```json
{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
```

## Use instead

```toml
[tool.policyengine.lint]
trusted-accounts = ["444455556666"]   # after review: the partner is trusted
```

or remove the statement, or restrict it to your organization:

```json
{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## References

- Allowing users in other accounts to use a KMS key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- IAM Access Analyzer, KMS keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-kms-key
- Security Hub KMS.5: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-5
- aws:PrincipalOrgID: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
"""

from __future__ import annotations

from ....language.principals import Caller, caller_from_arn
from ...analysis import (ABSENT, covered, cross_account_key_actions, insider_probe, is_external,
                         is_wildcard_principal, named_allows, organization, outsider_account,
                         owner_account, principal_entries, probe_resource, short_list,
                         statement_allows, with_known)
from ...model import Hit

ID = "KP009"
_ACCOUNT_KEYS = ("kms:calleraccount", "aws:principalaccount", "aws:principalarn")
_OUTSIDE = {"aws:principalorgid": ABSENT, "aws:principalorgpaths": ABSENT}


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    trusted = set(getattr(config, "trusted_accounts", ()) or ())
    org, members = organization(doc, config)
    owner = owner_account(doc, config)
    if (not trusted and not org) or owner is None:
        return
    trusted |= members
    for statement in named_allows(doc, config):
        if statement.node.principal.negated:
            continue
        actions = covered(doc, statement, cross_account_key_actions())
        if not actions:
            continue
        resource = probe_resource(doc, statement, config)

        def allowed(probe):
            return [a for a in actions
                    if statement_allows(compiled, statement, probe, a, resource)]

        for caller, who, path in _trusted_callers(doc, statement, owner):
            probe = insider_probe(caller, config)
            outside = allowed(with_known(probe, _OUTSIDE))
            if outside and caller.account not in trusted:
                yield Hit(f"{statement.label} lets {who} use the key ({short_list(outside)}); "
                          f"account {caller.account} is not in trusted-accounts"
                          + (f" and nothing limits it to organization {org}" if org else "")
                          + ": remove it, restrict it with aws:PrincipalOrgID, or add the "
                          "account to trusted-accounts once reviewed", path)
            elif outside or (org and allowed(with_known(probe, {"aws:principalorgid": org}))):
                reason = ("a trusted account" if caller.account in trusted
                          else f"admitted only from organization {org}")
                yield Hit(f"{statement.label} lets {who} use the key from another account "
                          f"({reason})", path, severity="INFO")
        if org and is_wildcard_principal(doc, statement):
            for other, path in _other_organizations(statement, org):
                stranger = caller_from_arn(
                    f"arn:aws:iam::{outsider_account(doc)}:role/AnyRoleOfTheOrganization")
                probe = with_known(insider_probe(stranger, config),
                                   {"aws:principalorgid": other})
                granted = allowed(probe)
                if granted:
                    yield Hit(f"{statement.label} lets every principal of organization {other} "
                              f"use the key ({short_list(granted)}); it is not organization "
                              f"{org}: remove it or restrict it to your organization", path)


def _trusted_callers(doc, statement, owner):
    """(caller, how to name it, JSON path) for each other account the statement names: in
    Principal, or, for a wildcard principal, in its account and principal-ARN conditions."""
    for entry in principal_entries(doc, statement.node):
        if entry.caller is not None and not entry.caller.is_service \
                and is_external(entry, owner):
            yield entry.caller, entry.value, entry.json_path
    if not is_wildcard_principal(doc, statement):
        return
    seen = set()
    for clause in statement.clauses:
        if clause.key_lower not in _ACCOUNT_KEYS or clause.operator is None \
                or clause.operator.negated:
            continue
        for value in clause.values:
            caller = _caller(str(value))
            if caller is not None and caller.account != owner and caller.arn not in seen:
                seen.add(caller.arn)
                who = (f"principals of account {caller.account}" if caller.kind == "root"
                       else caller.role_arn or caller.arn)
                yield caller, who, clause.path


def _caller(value: str):
    """The caller a condition value names: an account ID, or a user/role ARN without
    wildcards (a session of the role); None for anything else."""
    if value.isdigit() and len(value) == 12:
        return Caller("root", f"arn:aws:iam::{value}:root", value)
    if any(c in value for c in "*?$"):
        return None
    try:
        return caller_from_arn(value)
    except ValueError:
        return None


def _other_organizations(statement, org):
    """(organization ID, JSON path) for each other organization an aws:PrincipalOrgID
    condition of the statement names."""
    for clause in statement.clauses:
        if clause.key_lower == "aws:principalorgid" and clause.operator is not None \
                and not clause.operator.negated:
            for value in clause.values:
                if isinstance(value, str) and value.startswith("o-") and value != org:
                    yield value, clause.path

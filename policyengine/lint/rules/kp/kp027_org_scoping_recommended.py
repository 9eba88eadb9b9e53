"""Cross-account access to the key does not depend on membership of your organization.

## What it checks

Only when your AWS Organization is known: the configured `organization-id` (its member
accounts are taken to be the owner account and the `trusted-accounts`), or the organization of
a scenario world (its `accounts`). For each Allow statement of the key policy that trusts
another member account, by naming the account or one of its principals, or through a wildcard
principal bounded to member accounts (`aws:PrincipalAccount`, `kms:CallerAccount`,
`aws:PrincipalArn` values), the linter asks the engine whether a principal of that account
would still be allowed once the account is no longer in the organization (its
`aws:PrincipalOrgID` is another organization's), Deny statements included. If it would, the
statement could be bounded by `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` and is not.
Accounts outside the organization (partners) are KP009's; wildcard statements open to any
account are KP001/KP002's; service principals are KP011's.

## Why it matters

The data-perimeter pattern makes every cross-account grant conditional on the caller belonging
to your organization: an account that is closed, moved to another organization or taken over
keeps no access, and a mistyped account ID grants nothing. A condition on
`aws:PrincipalOrgID` also scales better than lists of account IDs. This is a recommendation
(INFO): the statement works as intended today.

## Example

```json
{"Sid": "AllowAnalyticsAccount", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "AllowAnalyticsAccount", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## References

- Establish permissions guardrails using data perimeters: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_data-perimeters.html
- aws:PrincipalOrgID: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
- Allowing users in other accounts to use a KMS key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
"""

from __future__ import annotations

from ....language.principals import Caller
from ...analysis import (Probe, account_of, covered, cross_account_key_actions, insider_probe,
                         is_wildcard_principal, iter_allow_statements, organization,
                         owner_account, principal_entries, probe_resource, public_statements,
                         short_list, statement_allows)
from ...model import Hit

ID = "KP027"
_FOREIGN_ORG = "o-lintnotyours"
_ACCOUNT_KEYS = ("aws:principalaccount", "kms:calleraccount", "aws:principalarn")


def check(doc, ctx):
    config = ctx.config
    org, members = _organization(doc, config)
    if org is None or doc.compiled is None:
        return
    owner = owner_account(doc, config)
    members = members - {owner}
    if not members:
        return
    public = None
    for statement in iter_allow_statements(doc):
        actions = covered(doc, statement, cross_account_key_actions())
        if not actions:
            continue
        wildcard = is_wildcard_principal(doc, statement)
        if wildcard:
            public = public_statements(doc, config) if public is None else public
            if statement.path in public:
                continue  # open to any account: KP001 / KP002
            path = next(e.json_path for e in principal_entries(doc, statement.node) if e.wildcard)
            accounts = sorted(a for a in _condition_accounts(statement) if a in members)
            targets = [(path, Caller("role-session", f"arn:aws:sts::{a}:assumed-role/"
                                     f"AnyRole/lint", a, f"arn:aws:iam::{a}:role/AnyRole"))
                       for a in accounts]
        else:
            targets = [(e.json_path, e.caller) for e in principal_entries(doc, statement.node)
                       if e.kind == "AWS" and e.caller is not None and e.account in members
                       and not e.negated]
        resource = probe_resource(doc, statement, config)
        reported = set()
        for path, caller in targets:
            if path in reported:
                continue
            probe = _outside_the_organization(caller, wildcard)
            allowed = [a for a in actions
                       if statement_allows(doc.compiled, statement, probe, a, resource)]
            if allowed:
                reported.add(path)
                yield Hit(f"{statement.label} allows {short_list(allowed)} to account "
                          f"{caller.account} whether or not it still belongs to organization "
                          f"{org}; add a StringEquals aws:PrincipalOrgID {org} condition (data "
                          "perimeter) so that the access ends when the account leaves it", path)


def _organization(doc, config) -> tuple[str | None, frozenset]:
    """(organization ID, member accounts): a scenario world's members, else the trusted
    accounts of the configuration."""
    org, members = organization(doc, config)
    if org is not None and not members and config is not None:
        members = frozenset(config.trusted_accounts)
    return org, members


def _condition_accounts(statement) -> set[str]:
    """The accounts a wildcard statement's identity conditions name."""
    found = set()
    for clause in statement.clauses:
        if clause.key_lower in _ACCOUNT_KEYS:
            found.update(a for a in map(account_of, clause.values) if a)
    return found


def _outside_the_organization(caller: Caller, shapes: bool) -> Probe:
    """The caller, its account now in another organization."""
    probe = insider_probe(caller)
    known = dict(probe.known)
    known.update({"aws:principalorgid": _FOREIGN_ORG,
                  "aws:principalorgpaths": [f"{_FOREIGN_ORG}/r-lint/ou-lint-{caller.account}/"]})
    return Probe(caller, known, probe.label, shapes=shapes)

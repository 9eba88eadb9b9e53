"""Cryptographic use is granted to a broad set of principals with nothing narrowing it.

## What it checks

Allow statements granting cryptographic use (`kms:Decrypt`, `kms:Encrypt`,
`kms:GenerateDataKey*`, `kms:ReEncrypt*`, `kms:Sign`, ...) to principals that stand for many
identities:

* a wildcard principal bounded by its conditions (unbounded ones are KP001/KP002), such as
  every role whose ARN matches a pattern;
* two or more other accounts as a whole (each account principal lets that account's IAM hand
  the key to all of its users and roles);
* five or more users and roles in one statement;

where the engine allows the use for one of them on a direct request with no `kms:ViaService`, no
encryption context, and `kms:CallerAccount` / `aws:PrincipalOrgID` not available to satisfy a
condition: no condition narrows how or from where the key is used. The owning account's
principal (delegation to IAM) and statements granting `kms:*` (KP006) are left out. A single
other account is not reported: that is AWS's own console policy for sharing a key (KP009 judges
whom you trust).

## Why it matters

The wider the set of principals, the more a key grant behaves like "anyone with a foothold in
those accounts can decrypt". KMS lets you narrow use without naming every role: `kms:ViaService`
limits the key to requests made through a service (S3, EBS, Secrets Manager),
`kms:EncryptionContext:*` to data of a particular resource, `kms:CallerAccount` and
`aws:PrincipalOrgID` to known accounts. This is a suggestion, reported at LOW.

## Example

```json
{"Sid": "AnalyticsAccounts", "Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"]},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "AnalyticsAccounts", "Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"]},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
```

## References

- kms:ViaService: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
- Encryption context as an authorization condition: https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html#encryption-context-authorization
- AWS KMS best practices, least privilege: https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
"""

from __future__ import annotations

from ...analysis import (ABSENT, Probe, admits, anyone_could, arn_blind, covered,
                         covers_all_kms, entry_caller, insider_probe, is_external, named_allows,
                         names_owner, owner_account, principal_entries, probe_resource,
                         short_list, statement_allows)
from ...knowledge import USAGE_ACTIONS
from ...model import Hit

ID = "KP016"
MANY = 5  # users and roles in one statement that count as a broad set
_USAGE = sorted(USAGE_ACTIONS)
_UNSCOPED = {"kms:viaservice": ABSENT, "kms:encryptioncontextkeys": ABSENT,
             "kms:calleraccount": ABSENT, "aws:principalorgid": ABSENT,
             "aws:principalorgpaths": ABSENT}


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    for statement in named_allows(doc, config):
        node = statement.node
        if node.principal.negated or covers_all_kms(doc, statement):
            continue
        use = covered(doc, statement, _USAGE)
        if not use:
            continue
        candidates = [(entry, caller) for entry in principal_entries(doc, node)
                      if not entry.negated and not names_owner(entry, owner)
                      and (caller := entry_caller(entry, owner)) is not None
                      and not caller.is_service]
        if _broad([entry for entry, _ in candidates], owner) is None:
            continue  # too few principals to be broad even if every one is reached
        resource = probe_resource(doc, statement, config)
        unscoped = dict(_UNSCOPED)
        unscoped.update({c.key_lower: ABSENT for c in statement.clauses
                         if c.key_lower.startswith("kms:encryptioncontext:")})
        if not anyone_could(statement, use[0], resource, unscoped):
            continue  # its conditions ask for scoping whoever calls
        # Callers of one account and kind that the same Deny statements name get the same
        # answers when the policy is blind to their ARNs: one probe answers for them all.
        blind = arn_blind(doc)
        denies = [s for s in compiled.statements if not s.allow and s.principal is not None]
        reached, allowed, verdicts = [], set(), {}
        for entry, caller in candidates:
            twin = (caller.account, caller.kind, tuple(
                deny.principal.match(caller) is not None for deny in denies)) \
                if blind and not entry.wildcard else id(entry)
            found = verdicts.get(twin)
            if found is None:
                probe = insider_probe(caller, config)
                if entry.wildcard:  # a role of the account, named as the conditions ask
                    probe = Probe(probe.caller, probe.known, probe.label, shapes=True)
                probe = probe.fix(unscoped)  # calling with nothing narrowing the use
                found = verdicts[twin] = {a for a in use if statement_allows(
                    compiled, statement, probe, a, resource)} if admits(statement, probe) else ()
            if found:
                reached.append(entry)
                allowed |= found
        who = _broad(reached, owner)
        if who is None:
            continue
        actions = [a for a in use if a in allowed]
        yield Hit(f"{statement.label} lets {who} use the key ({short_list(actions)}) with "
                  "nothing narrowing it; add kms:ViaService, a kms:EncryptionContext condition, "
                  "kms:CallerAccount or aws:PrincipalOrgID", node.principal.path)


def _broad(entries, owner) -> str | None:
    """How to name the principal entries when they are a broad set, else None."""
    if any(entry.wildcard for entry in entries):
        return "every principal that meets its conditions"
    accounts = sorted({e.account for e in entries if e.account_principal and is_external(e, owner)})
    if len(accounts) >= 2:
        return f"the whole of accounts {short_list(accounts)}"
    identities = [e for e in entries if not e.account_principal]
    if len(identities) >= MANY:
        return f"{len(identities)} users and roles"
    return None

"""The replicas of a multi-Region key do not allow the same things as its primary key.

## What it checks

Scenario worlds that hold several related multi-Region keys (`multi_region: true`, the same
`mrk-` key ID in the same account, in different Regions). Key policies are not shared between
related multi-Region keys, so each replica is compared with its primary key (the one whose
`multi_region_type` is `PRIMARY`, else the first listed): for every principal either key policy
names (an account principal stands for the account, a wildcard for a role of the owner
account) and every permission a key policy can grant, the engine decides whether that
principal can be allowed on each key by the key policy alone, through a statement that names
it rather than its account (Deny statements and conditions included; condition keys
the caller chooses, such as `kms:ViaService`, taken as satisfiable, so Region-specific values
like `s3.eu-west-1.amazonaws.com` are not drift). Every difference is reported on the replica.
A standalone key policy does not say which keys it belongs to, so only scenario worlds are
checked.

## Why it matters

Ciphertext made under one related multi-Region key can be decrypted with any of the others:
the keys share key material. If the replica's key policy allows a principal what the
primary's refuses (or the other way round), the same data is protected differently depending on
the Region it is decrypted in, and the weakest key policy decides who can read it. Grants and
aliases are per key as well.

## Example

```yaml
keys:
  - arn: arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
    multi_region: true
    multi_region_type: PRIMARY
    policy: {...}   # AppRole may Decrypt
  - arn: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
    multi_region: true
    multi_region_type: REPLICA
    policy: {...}   # AppRole and ReportingRole may Decrypt
```

## Use instead

Give every related multi-Region key the same key policy (apply it with `PutKeyPolicy` to each
Region from one template, or pass it to `ReplicateKey`), varying only Region names inside
conditions such as `kms:ViaService`.

## References

- Multi-Region keys, shared and independent properties: https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html#mrk-sync-properties
- Control access to multi-Region keys (key policies are not synchronized): https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-auth.html
- ReplicateKey (Policy parameter): https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html
"""

from __future__ import annotations

from ....language.principals import Caller, caller_from_arn
from ...analysis import allowing_statements, insider_probe, key_actions, short_list
from ...model import Hit

ID = "KP024"


def check(doc, ctx):
    groups: dict[tuple, list] = {}
    for key in doc.world.keys:
        if key.multi_region and key.key_id.startswith("mrk-"):
            groups.setdefault((key.partition, key.account, key.key_id), []).append(key)
    for keys in groups.values():
        if len(keys) < 2:
            continue
        primary = next((k for k in keys if k.multi_region_type == "PRIMARY"), keys[0])
        for replica in keys:
            if replica is primary:
                continue
            differences = _differences(doc, ctx.config, primary, replica)
            if not differences:
                continue
            index = doc.key_index(replica.arn)
            where = f"keys/{index}/policy" if doc.scenario.keys[index].policy is not None \
                else f"keys/{index}"
            yield Hit(f"the key policy of replica {replica.arn} differs from its primary key "
                      f"{primary.arn} in what it allows ({short_list(differences, 3)}) although "
                      "both decrypt the same ciphertext; give related multi-Region keys the "
                      "same key policy", where)


def _differences(doc, config, primary, replica) -> list[str]:
    """``"kms:Decrypt for ROLE only on the replica"`` for each (principal, permission) that one
    key policy can allow and the other cannot."""
    policies = {primary.arn: primary.policy.compiled, replica.arn: replica.policy.compiled}
    if None in policies.values():
        return []
    callers = {}
    for key in (primary, replica):
        for statement in policies[key.arn].statements:
            callers.update(_named(statement.principal, key.account))
    out = []
    for name, caller in callers.items():
        probe = insider_probe(caller, config)
        shown = "any principal of the account" if name == "*" else name
        only = {True: [], False: []}  # on the replica only / on the primary only
        for action in key_actions():
            on_primary = _allows(policies[primary.arn], probe, action, primary.arn)
            on_replica = _allows(policies[replica.arn], probe, action, replica.arn)
            if on_primary != on_replica:
                only[on_replica].append(action)
        for replica_only, place in ((True, "replica"), (False, "primary key")):
            if only[replica_only]:
                out.append(f"{short_list(only[replica_only], 2)} for {shown} only on the {place}")
    return out


def _allows(policy, probe, action: str, arn: str) -> bool:
    """Can the key policy allow the caller ``action`` by itself: through a statement that names
    the caller, not the caller's account (that one leaves the decision to IAM policies)?"""
    caller = probe.caller
    return any(caller.kind == "root" or statement.principal.match(caller).direct
               for statement in allowing_statements(policy, probe, action, arn))


def _named(principal, owner: str) -> dict[str, Caller]:
    """The callers a compiled Principal element names (a wildcard: a role of the owner)."""
    if principal is None or principal.negated:
        return {}
    found = {}
    if principal.wildcard or principal.aws_wildcard:
        found["*"] = caller_from_arn(f"arn:aws:iam::{owner}:role/AnyRoleOfTheAccount")
    for account in principal.accounts:
        found[account] = Caller("root", f"arn:aws:iam::{account}:root", account)
    for arn in (*principal.users, *principal.roles, *principal.sessions, *principal.services):
        try:
            found[arn] = caller_from_arn(arn)
        except ValueError:
            continue
    return found

"""Principals outside the key's administrators can change who has access to the key.

## What it checks

For each principal the key policy names (apart from the owning account, the configured
`key-administrators` and `break-glass-principals`, or, without configuration, the principals
of the policy's key-administration statements: those granting `kms:PutKeyPolicy` and no
cryptographic use), whether the engine allows it, directly:

* `kms:PutKeyPolicy` (it can rewrite the policy);
* `kms:CreateGrant` for any grantee and any operation, not for an AWS service (it can hand the
  key to anyone);
* `kms:TagResource` / `kms:UntagResource` when tags grant access (`abac = true`, or identity
  policies of the scenario that test `aws:ResourceTag`);
* `kms:CreateAlias` / `kms:UpdateAlias` when aliases grant access (`alias-access = true`, or
  identity policies that test `kms:ResourceAliases` / `kms:RequestAlias`).

Statements that grant `kms:*` are reported by KP006, wildcard principals by KP001/KP002/KP003.

## Why it matters

Whoever can change access can give themselves, or anyone, every other right: access-control
permissions are privilege escalation in disguise. KMS recommends keeping them with a small set
of key administrators, separate from the principals that use the key.

## Example

```json
{"Sid": "AppUsesAndManages", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt", "kms:PutKeyPolicy"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "AppUses", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
{"Sid": "KeyAdministrators", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
 "Action": ["kms:Describe*", "kms:Put*", "kms:Enable*", "kms:Disable*", "kms:Revoke*"],
 "Resource": "*"}
```

## References

- Key administrators in the default key policy: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
- ABAC for KMS (tags and aliases grant access): https://docs.aws.amazon.com/kms/latest/developerguide/abac.html
- cloudsplaining, Resource Exposure actions: https://github.com/salesforce/cloudsplaining
"""

from __future__ import annotations

from ...analysis import (ABSENT, anyone_could, covered, covers_all_kms, insider_probe,
                         is_administrator, named_allows, names_owner, outsider_account,
                         owner_account, principal_entries, probe_resource, statement_allows)
from ...knowledge import ALL_GRANT_OPERATIONS
from ...model import Hit

ID = "KP015"
_WATCHED = ("kms:PutKeyPolicy", "kms:CreateGrant", "kms:TagResource", "kms:UntagResource",
            "kms:CreateAlias", "kms:UpdateAlias")


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    config = ctx.config
    owner = owner_account(doc, config)
    abac, aliases = _access_by_attributes(doc, config)
    grantee = f"arn:aws:iam::{outsider_account(doc)}:role/AnyGrantee"
    for statement in named_allows(doc, config):
        if covers_all_kms(doc, statement):
            continue
        watched = covered(doc, statement, _WATCHED)
        if not watched:
            continue
        entries = [e for e in principal_entries(doc, statement.node)
                   if not (e.negated or e.wildcard or e.caller is None or e.kind == "Service"
                           or names_owner(e, owner) or is_administrator(doc, config, e))]
        if not entries:
            continue  # only administrators (and the owner) hold these rights here
        resource = probe_resource(doc, statement, ctx.config)
        worst = _worst_grant(grantee)
        if "kms:CreateGrant" in watched and not anyone_could(statement, "kms:CreateGrant",
                                                             resource, worst):
            watched = tuple(a for a in watched if a != "kms:CreateGrant")
        if not (set(watched) & {"kms:PutKeyPolicy", "kms:CreateGrant"}) and not (
                abac or aliases):
            continue
        for entry in entries:
            probe = insider_probe(entry.caller, config)
            local = owner is None or entry.account == owner
            rights = []

            def allowed(action, question=probe):
                return statement_allows(compiled, statement, question, action, resource)

            if "kms:PutKeyPolicy" in watched and local and allowed("kms:PutKeyPolicy"):
                rights.append("kms:PutKeyPolicy (it can rewrite the key policy)")
            if "kms:CreateGrant" in watched and allowed("kms:CreateGrant", probe.fix(worst)):
                rights.append("kms:CreateGrant for any grantee and operation")
            if abac and local:
                rights += [a for a in ("kms:TagResource", "kms:UntagResource")
                           if a in watched and allowed(a)]
            if aliases and local:
                rights += [a for a in ("kms:CreateAlias", "kms:UpdateAlias")
                           if a in watched and allowed(a)]
            if rights:
                yield Hit(f"{statement.label} lets {entry.value}, which is not a key "
                          f"administrator, change who can use the key: {'; '.join(rights)}",
                          entry.json_path)


def _worst_grant(grantee: str) -> dict:
    """A CreateGrant request that gives away everything: any operation, to an outsider, not
    for an AWS service, with no constraint and no retiring principal."""
    return {"kms:grantisforawsresource": False, "kms:viaservice": ABSENT,
            "kms:granteeprincipal": grantee, "kms:grantoperations": list(ALL_GRANT_OPERATIONS),
            "kms:retiringprincipal": ABSENT, "kms:grantconstrainttype": ABSENT}


def _access_by_attributes(doc, config) -> tuple[bool, bool]:
    abac = bool(getattr(config, "abac", False))
    aliases = bool(getattr(config, "alias_access", False))
    world = getattr(doc, "world", None)
    if world is not None and not (abac and aliases):
        for principal in world.principals:
            for policy in principal.policies:
                text = str(policy.compiled.policy.value if policy.compiled else "").lower()
                abac = abac or "aws:resourcetag/" in text
                aliases = aliases or "kms:resourcealiases" in text or "kms:requestalias" in text
    return abac, aliases

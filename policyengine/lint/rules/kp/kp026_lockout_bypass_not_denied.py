"""Whoever may create keys or change key policies may also bypass the lockout safety check.

## What it checks

Allow statements of identity policies that let their holder call `kms:CreateKey` or
`kms:PutKeyPolicy` (on any key the statement reaches) when the request sets
`BypassPolicyLockoutSafetyCheck` to true. The engine evaluates the request with
`kms:BypassPolicyLockoutSafetyCheck` = true; a Deny statement that applies to it, in the same
policy or, in a scenario, in the holder's other identity policies, its permissions boundary or
the organization's SCPs for its account, is the guardrail working and silences the rule.

Key policies are not checked: the guardrail belongs with the identity that makes the call (an
IAM policy or, better, an SCP such as Control Tower's CT.KMS.PV.3), which covers every key the
principal can manage, and AWS's own default key policies, which the administrators statement
gives `kms:Put*`, do not deny the bypass either.

## Why it matters

The lockout safety check is what stops `CreateKey` and `PutKeyPolicy` from saving a key policy
that does not let the caller manage the key again. With the bypass, one call (a typo in a
principal, a missing account statement) can leave a key that nobody can manage, and only AWS
Support can help. There is hardly ever a reason to bypass it, so deny it outright.

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "ManageKeys", "Effect": "Allow",
   "Action": ["kms:CreateKey", "kms:PutKeyPolicy"], "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "ManageKeys", "Effect": "Allow",
   "Action": ["kms:CreateKey", "kms:PutKeyPolicy"], "Resource": "*"},
  {"Sid": "NeverBypassTheLockoutCheck", "Effect": "Deny",
   "Action": ["kms:CreateKey", "kms:PutKeyPolicy"], "Resource": "*",
   "Condition": {"Bool": {"kms:BypassPolicyLockoutSafetyCheck": "true"}}}]}
```

## References

- kms:BypassPolicyLockoutSafetyCheck: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check
- PutKeyPolicy, BypassPolicyLockoutSafetyCheck: https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
- Control Tower CT.KMS.PV.3 (SCP that denies the bypass): https://docs.aws.amazon.com/controltower/latest/controlreference/ct-kms-pv-3.html
"""

from __future__ import annotations

from ...analysis import (covered, holder, holder_policies, holder_principal, key_probe, reach,
                         reachable_keys, world_probe)
from ...model import Hit

ID = "KP026"
_ACTIONS = ("kms:CreateKey", "kms:PutKeyPolicy")
_BYPASS = {"kms:bypasspolicylockoutsafetycheck": True}


def check(doc, ctx):
    if doc.policy_type != "identity" or doc.compiled is None:
        return
    candidates = [(s, covered(doc, s, _ACTIONS)) for s in doc.compiled.statements if s.allow]
    candidates = [(s, actions) for s, actions in candidates if actions]
    if not candidates:
        return
    principal = holder_principal(doc)
    policies = holder_policies(doc)
    guards = policies + _guardrails(doc, principal)
    account = principal.account if principal is not None else None
    for statement, actions in candidates:
        bypassing = []
        for action in actions:
            resources = ("*",) if action == "kms:CreateKey" else reachable_keys(statement, account)
            for resource in resources:
                if principal is not None:
                    key = doc.world.key(resource) if resource != "*" else None
                    probe = world_probe(doc.world, principal.arn, key, policies).fix(_BYPASS)
                else:
                    probe = key_probe(policies, resource, caller=holder(account)).fix(_BYPASS)
                if reach(statement, probe, action, resource, resource_policy=False)[0] \
                        and not _denied(guards, probe, action, resource):
                    bypassing.append(action)
                    break
        if bypassing:
            yield Hit(f"{statement.label} allows {' and '.join(bypassing)} with "
                      "BypassPolicyLockoutSafetyCheck=true and nothing denies it, so its holder "
                      "can save a key policy that locks everyone out of the key; deny "
                      "kms:CreateKey and kms:PutKeyPolicy when kms:BypassPolicyLockoutSafetyCheck "
                      "is true (in this policy or an SCP)", statement.node.action.path)


def _guardrails(doc, principal) -> tuple:
    """The compiled permissions boundary of a scenario principal and the SCPs of its account."""
    if principal is None:
        return ()
    found = [principal.boundary.compiled] if principal.boundary is not None else []
    organization = doc.world.organization
    if organization is not None and organization.member(principal.account) \
            and principal.account != organization.management_account \
            and not principal.service_linked:
        found += [scp.compiled for level in organization.scps for scp in level]
    return tuple(policy for policy in found if policy is not None)


def _denied(policies, probe, action: str, resource: str) -> bool:
    """Does a Deny statement of ``policies`` apply whatever the caller does?"""
    return any(not statement.allow
               and reach(statement, probe, action, resource, resource_policy=False)[1]
               for policy in policies for statement in policy.statements_for(action))

"""Cross-account use of a key where only one of the two required sides is configured.

## What it checks

Across accounts, KMS allows a request only when both the key policy (in the key's account) and
an identity policy (in the caller's account) allow it. In a scenario world the rule looks for
the cases where exactly one side does, and the engine (`authorize`) then denies the request
implicitly:

* **key policy only**: a key-policy Allow statement names another account (or a principal of
  it) for permissions that work across accounts, the statement can allow them to the
  principals of that account the world knows (its listed principals and the callers of its
  requests), but no identity policy of those principals allows any of them on the key. The
  finding points at the account or principal in the key policy.
* **identity policy only**: an identity-policy Allow statement targets a key of another
  account (it allows key permissions on that key, but not on a key of an arbitrary account:
  `"Resource": "*"` does not target anything, IAM001 covers it), and the key policy allows
  none of them to the principal. The finding points at the statement's `Resource`.

Conditions are evaluated by the engine with what the world says about the principal and the
key; values the request carries are taken as the caller would choose them. AWS managed keys are
X003's.

## Why it matters

Half of a cross-account configuration looks like access from the side that wrote it: the key
owner sees the partner account in its key policy, the partner sees the key in its IAM policy.
Every request still fails with `AccessDeniedException`, typically far from both policies (an
S3 download, a Lambda function reading a secret), and each team blames the other's account.

## Example

```yaml
keys:
  - arn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    policy: {Version: "2012-10-17", Statement: [
      {Sid: Root, Effect: Allow, Principal: {AWS: "arn:aws:iam::111122223333:root"},
       Action: "kms:*", Resource: "*"},
      {Sid: Partner, Effect: Allow, Principal: {AWS: "arn:aws:iam::444455556666:root"},
       Action: [kms:Decrypt, kms:DescribeKey], Resource: "*"}]}
principals:
  - arn: arn:aws:iam::444455556666:role/Reader
    policies: [{Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject,
      Resource: "arn:aws:s3:::exports/*"}]}]
```

## Use instead

Configure the missing side: in account 444455556666, an identity policy for the role

```json
{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"],
 "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
```

(or, for the other case, a key-policy statement naming the account or the principal).

## References

- Allowing users in other accounts to use a KMS key: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- Cross-account policy evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
- S3 cross-account AccessDenied with SSE-KMS: https://repost.aws/knowledge-center/cross-account-access-denied-error-s3
"""

from __future__ import annotations

from ....decision import Effect
from ....kms.requests import authorize, resolve_caller
from ....kms.world import Key, Request
from ...analysis import (allowing_statements, covered, cross_account_key_actions,
                         identity_allow_statements, outsider_account, principal_entries,
                         short_list, statement_allows, world_probe, world_requests)
from ...model import Hit

ID = "X002"


def check(doc, ctx):
    yield from _key_policy_only(doc)
    yield from _identity_policy_only(doc)


# -- the key policy trusts another account, which does nothing with it -------------------------


def _key_policy_only(doc):
    world = doc.world
    actions = cross_account_key_actions()
    for account, arns in _known_principals(doc).items():
        for key in world.keys:
            kp = doc.key_policy_document(key.arn)
            if account == key.account or key.aws_managed or kp is None or kp.compiled is None:
                continue
            trusts = []  # (statement, principals it names, the permissions it can allow them)
            for statement in kp.compiled.statements:
                if not statement.allow or statement.principal is None \
                        or statement.node.principal.negated:
                    continue
                named = [arn for arn in arns if _names(statement, _who(world, arn).caller)]
                allowed = [a for a in covered(kp, statement, actions)
                           if any(statement_allows(kp.compiled, statement, _probe(doc, arn, key),
                                                   a, key.arn) for arn in named)]
                if allowed:
                    trusts.append((statement, named, allowed))
            if not trusts:
                continue
            named = list(dict.fromkeys(arn for _, who, _ in trusts for arn in who))
            allowed = list(dict.fromkeys(a for _, _, what in trusts for a in what))
            if any(_identity_allows(doc, arn, key, a) for arn in named for a in actions):
                continue  # the other side exists (for these permissions or others)
            if not _all_implicitly_denied(world, named, allowed, key):
                continue
            statement = trusts[0][0]
            entry = next((e for e in principal_entries(kp, statement.node)
                          if e.account == account), None)
            path = entry.json_path if entry is not None else f"{statement.path}/Principal"
            trusted = entry.value if entry is not None else f"account {account}"
            yield Hit(f"{statement.label} of the key policy of {key.arn} trusts {trusted} "
                      f"with {short_list(allowed)}, but no identity policy of "
                      f"{short_list(named, 3)} allows anything on the key, so their requests "
                      f"are denied; attach an IAM policy in {account} that allows what they "
                      f"need on {key.arn}, or remove the trust",
                      f"keys/{doc.key_index(key.arn)}/policy/{path}", sid=statement.sid)


def _known_principals(doc) -> dict[str, list[str]]:
    """The identities of each account the world describes: its listed principals and the
    callers of its requests (account -> ARNs; a role stands for its sessions)."""
    found: dict[str, list[str]] = {}
    arns = [p.arn for p in doc.world.principals]
    arns += [item.caller.role_arn or item.caller.arn for item in world_requests(doc)
             if not item.caller.is_service]
    for arn in arns:
        account = arn.split(":")[4]
        if arn not in found.setdefault(account, []):
            found[account].append(arn)
    return found


def _names(statement, caller) -> bool:
    """Does the statement name this caller or its account (not through a wildcard)?"""
    match = statement.principal.match(caller)
    return match is not None and match.kind != "any"


def _identity_allows(doc, arn: str, key, action: str) -> bool:
    """Can an identity policy of the principal allow ``action`` on the key (the root user of
    an account needs none)?"""
    who = _who(doc.world, arn)
    if who.caller.kind == "root":
        return True
    probe = _probe(doc, arn, key)
    return any(allowing_statements(policy.compiled, probe, action, key.arn, resource_policy=False)
               for policy in _policies(who))


# -- an identity policy targets a key of another account that does not trust it ----------------


def _identity_policy_only(doc):
    world = doc.world
    decoy = None
    for item in identity_allow_statements(doc):
        principal = item.principal
        for key in world.keys:
            if key.account == principal.account or key.aws_managed or key.policy.compiled is None:
                continue
            probe = _probe(doc, principal.arn, key)
            actions = [a for a in covered(item.document, item.statement,
                                          cross_account_key_actions())
                       if statement_allows(item.compiled, item.statement, probe, a, key.arn,
                                           resource_policy=False)]
            if not actions:
                continue
            decoy = decoy or Key(f"arn:aws:kms:{key.region}:{outsider_account(doc)}:key/"
                                 "00000000-0000-0000-0000-000000000000")
            if any(statement_allows(item.compiled, item.statement,
                                    world_probe(world, principal.arn, decoy, [item.compiled]),
                                    a, decoy.arn, resource_policy=False) for a in actions):
                continue  # not aimed at this key: it allows keys of any account (IAM001)
            if any(allowing_statements(key.policy.compiled, probe, a, key.arn)
                   for a in cross_account_key_actions()):
                continue  # the other side exists (for these permissions or others)
            if not _all_implicitly_denied(world, [principal.arn], actions, key):
                continue
            yield Hit(f"{item.statement.label} of {item.document.label} allows "
                      f"{short_list(actions)} on {key.arn} in account {key.account}, but that "
                      f"key's policy trusts neither account {principal.account} nor "
                      f"{principal.arn} with them, so KMS denies these requests; add a "
                      "key-policy statement naming the account or the principal, or remove "
                      "this one", item.path("Resource"), sid=item.statement.sid)


# -- shared --------------------------------------------------------------------------------------


def _probe(doc, arn: str, key):
    cache = doc.cache.setdefault("x002-probes", {})
    found = cache.get((arn, key.arn))
    if found is None:
        policies = [key.policy.compiled] + [p.compiled for p in _policies(_who(doc.world, arn))]
        found = cache[(arn, key.arn)] = world_probe(doc.world, arn, key, policies)
    return found


def _who(world, arn: str):
    """The caller as the engine resolves it, with its identity record (cached by the engine)."""
    return resolve_caller(world, Request(arn))


def _policies(who) -> tuple:
    return who.record.policies if who.record is not None and not who.caller.is_service else ()


def _all_implicitly_denied(world, arns, actions, key) -> bool:
    """Does the engine deny every one of these requests implicitly (no grant lets one through,
    no Deny statement is the real reason)?"""
    return all(authorize(world, Request(arn, action=a, key=key.arn)).effect
               is Effect.IMPLICIT_DENY for arn in arns for a in actions)

"""Deny with NotPrincipal meant to exempt a role still denies the role's sessions.

## What it checks

`"Effect": "Deny"` statements with `NotPrincipal` that list an IAM role (or one of its
sessions, or an IAM user) to exempt it. For each one the linter builds the caller that really
makes the requests: a session of the role (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`,
with a session name the policy does not list, or each session it does list), or the user. The
engine's principal matcher then decides whether the statement still covers that caller, and the
engine evaluates the statement's conditions for it (the caller's account and ARN bound, every
other key free): a finding means the Deny can still apply to the caller the statement meant to
exempt. A caller is exempted only when `NotPrincipal` lists every identity it carries: its
account, the role and the session ARN (IAM User Guide, NotPrincipal).

## Why it matters

Nobody calls KMS as a role: requests come from role sessions, whose ARN is the assumed-role
ARN. A `NotPrincipal` that lists only `arn:aws:iam::111122223333:role/Admin` does not exempt
`arn:aws:sts::111122223333:assumed-role/Admin/alice`, so the "exempted" administrators are
denied too, often discovered only when they need the key. Listing the session ARN instead
exempts that one session name, and without the account ARN even that session is denied. The
guardrail meant here is written with `"Principal": "*"` and a condition on
`aws:PrincipalArn`, which is the role's ARN for every session of the role.

## Example

```json
{"Sid": "DenyAllButAdmin", "Effect": "Deny",
 "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"},
 "Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], "Resource": "*"}
```

## Use instead

```json
{"Sid": "DenyAllButAdmin", "Effect": "Deny", "Principal": "*",
 "Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], "Resource": "*",
 "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/KeyAdmin"}}}
```

## References

- NotPrincipal with Deny (list the account, the role and the session): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
- aws:PrincipalArn (the role ARN for role sessions): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
- Role session principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session
"""

from __future__ import annotations

from ....language.principals import Caller
from ...analysis import (compiled_statements, covered, covers_all_kms, insider_probe, key_actions,
                         principal_entries, probe_resource, reach, short_list)
from ...model import Hit

ID = "KP028"
_SESSION = "lint-probe-session"  # a session name no policy lists


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if statement.allow or node.principal is None or not node.principal.negated:
            continue
        entries = [e for e in principal_entries(doc, node)
                   if e.kind == "AWS" and e.caller is not None
                   and e.caller.kind in ("role-session", "user")]
        if not entries:
            continue
        actions = covered(doc, statement, key_actions())
        everything = covers_all_kms(doc, statement)
        resource = probe_resource(doc, statement, ctx.config)
        done = set()
        for entry in sorted(entries, key=lambda e: e.value != e.caller.role_arn):  # roles first
            caller = entry.caller
            identity = caller.role_arn or caller.arn
            if identity in done:
                continue
            done.add(identity)
            for who in _callers(entry, entries):
                if statement.principal.match(who) is None:
                    continue  # really exempted
                probe = insider_probe(who, ctx.config)
                denied = [a for a in actions if reach(statement, probe, a, resource)[0]]
                if denied:
                    yield Hit(_message(statement, who, identity, denied, everything),
                              entry.json_path)
                    break


def _callers(entry, entries) -> list[Caller]:
    """Who makes the requests the entry means to exempt: the user; the sessions of a role that
    the statement lists, else a session it does not list; a listed session of an unlisted
    role."""
    caller = entry.caller
    if caller.kind == "user":
        return [caller]
    role = caller.role_arn
    sessions = [e.caller for e in entries
                if e.caller.kind == "role-session" and e.caller.role_arn == role
                and e.value == e.caller.arn]
    if sessions:
        return sessions
    account, name = caller.account, role.rsplit("/", 1)[-1]
    arn = f"arn:{caller.partition}:sts::{account}:assumed-role/{name}/{_SESSION}"
    return [Caller("role-session", arn, account, role_arn=role, partition=caller.partition)]


def _message(statement, who: Caller, identity: str, denied, everything: bool) -> str:
    fresh = who.arn.endswith(f"/{_SESSION}")
    missing = [i for i in who.identities()
               if i not in statement.principal.listed and not (fresh and i == who.arn)]
    if fresh:
        missing.append("the ARN of each session")
        subject = f"every session of {identity} (such as {who.arn}) is still denied"
    elif who.kind == "user":
        subject = f"IAM user {who.arn} is still denied"
    else:
        subject = f"session {who.arn} is still denied"
    what = "every KMS action" if everything else short_list(denied)
    return (f"{statement.label} means to exempt {identity} from its Deny of {what}, but "
            f"{subject} because NotPrincipal does not list {' or '.join(missing)}; use "
            f"\"Principal\": \"*\" with ArnNotEquals on aws:PrincipalArn {identity} instead")

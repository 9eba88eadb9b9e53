"""What would allow this: the smallest changes that turn a denied request into an allowed one.

Candidates come from the decision (the deny statement that blocked it, the statements that
almost matched, the mechanisms KMS offers: a key-policy statement naming the caller, an IAM
statement where the key policy enables IAM, a grant, the account trust plus an IAM allow across
accounts). Every candidate is applied to a copy of the world and kept only if re-evaluating the
request then allows it — nothing here is guessed. Changes are written as scenario change
operations, so they can be pasted into a question's options.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any, Iterator

from ..decision import Decision
from ..language.principals import caller_from_arn
from . import catalog
from .world import Grant, Key, Principal, Request, World


@dataclass(frozen=True)
class Fix:
    text: str
    changes: tuple[dict, ...]  # scenario change operations
    decision: Decision  # the decision once the changes are made


def suggest_fixes(world: World, request: Request, decision: Decision,
                  limit: int = 4) -> list[Fix]:
    """Verified changes that make ``request`` allowed, fewest changes first."""
    from .requests import authorize

    if decision.allowed:
        return []
    found: list[Fix] = []
    seen: set[str] = set()
    for text, changes, changed_world, changed_request in _candidates(world, request, decision):
        if text in seen:
            continue
        seen.add(text)
        after = authorize(changed_world, changed_request, cache=False)
        if after.allowed and not after.invalid:
            found.append(Fix(text, tuple(changes), after))
    found.sort(key=lambda fix: len(fix.changes))
    return found[:limit]


# -- candidates ---------------------------------------------------------------------------------


def _candidates(world: World, request: Request, decision: Decision) -> Iterator[tuple]:
    caller = caller_from_arn(request.principal)
    identity = _identity_arn(world, caller)
    parts = decision.parts or [decision]
    denied = [part for part in parts if not part.allowed]
    keys = [world.key(part.resource) for part in denied]
    actions = sorted({part.action for part in denied})

    # an explicit deny: remove the statements that deny
    for ref in decision.matched:
        if ref.effect == "Deny" and ref.sid:
            target = _owner(world, ref.policy)
            if target is not None:
                kind, arn = target
                changed = _remove_statement(world, kind, arn, ref.sid)
                if changed is not None:
                    yield (f"remove the Deny statement {ref.sid!r} from the {ref.policy}",
                           [{"remove_statement": {kind: arn, "sid": ref.sid}}], changed, request)
    if any(part.blocked_by and "key policy" not in part.blocked_by for part in denied):
        return  # guardrails (SCP, RCP, boundary, ...) block it: no allow can help
    # a context value that a near-miss statement needs
    for miss in decision.near_misses:
        change = _context_change(miss, request)
        if change is not None:
            field_name, value, text = change
            yield (text, [{"set_request": {field_name: value}}], world,
                   dataclasses.replace(request, **{field_name: value}))
    for key in {k.arn: k for k in keys if k is not None}.values():
        for grant in key.grants:
            pairs = grant.encryption_context_equals or grant.encryption_context_subset
            if pairs and grant.grantee in (identity, request.principal):
                context = dict(pairs) if grant.encryption_context_equals else {
                    **(request.encryption_context or {}), **pairs}
                yield (f"send the encryption context {context} that grant {grant.id} requires",
                       [{"set_request": {"encryption_context": context}}], world,
                       dataclasses.replace(request, encryption_context=context))
    iam_only = [a for a in actions if (catalog.action(a) is None
                                       or catalog.action(a).policy == "iam")]
    key_actions = [a for a in actions if a not in iam_only]
    if iam_only and identity:
        statement = _statement(iam_only, "*")
        yield (f"allow {', '.join(iam_only)} in an identity policy of {identity}",
               [{"add_statement": {"principal": identity, "statement": statement}}],
               _add_identity_statement(world, identity, statement), request)
    if not key_actions or caller.is_service:
        return
    for key in {k.arn: k for k in keys if k is not None}.values():
        mine = [a for a, part in ((p.action, p) for p in denied) if world.key(part.resource)
                is key and a in key_actions]
        if not mine:
            continue
        iam_statement = _statement(mine, key.arn)
        same_account = caller.account == key.account
        if identity:
            yield (f"allow {', '.join(mine)} on {key.arn} in an identity policy of {identity}",
                   [{"add_statement": {"principal": identity, "statement": iam_statement}}],
                   _add_identity_statement(world, identity, iam_statement), request)
        named = identity or request.principal
        direct = dict(_statement(mine, "*"), Principal={"AWS": named})
        if same_account:
            enable = dict(_statement(mine, "*"),
                          Principal={"AWS": f"arn:aws:iam::{caller.account}:root"})
            yield (f"enable IAM policies for account {caller.account} in the key policy of "
                   f"{key.arn} (an account-principal statement for {', '.join(mine)})",
                   [{"add_statement": {"key": key.arn, "statement": enable}}],
                   _add_key_statement(world, key, enable), request)
            yield (f"add a statement to the key policy of {key.arn} that allows {named} "
                   f"{', '.join(mine)}",
                   [{"add_statement": {"key": key.arn, "statement": direct}}],
                   _add_key_statement(world, key, direct), request)
        elif identity:
            trust = dict(_statement(mine, "*"),
                         Principal={"AWS": f"arn:aws:iam::{caller.account}:root"})
            both = _add_identity_statement(_add_key_statement(world, key, trust), identity,
                                           iam_statement)
            yield (f"trust account {caller.account} for {', '.join(mine)} in the key policy of "
                   f"{key.arn}, and allow it in an identity policy of {identity}",
                   [{"add_statement": {"key": key.arn, "statement": trust}},
                    {"add_statement": {"principal": identity, "statement": iam_statement}}],
                   both, request)
        operations = [a.split(":", 1)[1] for a in mine]
        if all(catalog.action(a).grant_operation for a in mine) and identity:
            grant = {"id": "suggested-grant", "grantee": identity, "operations": operations}
            yield (f"create a grant on {key.arn} for {identity} with {', '.join(operations)}",
                   [{"add_grant": {"key": key.arn, "grant": grant}}],
                   _add_grant(world, key, Grant("suggested-grant", frozenset(operations),
                                                grantee=identity)), request)


def _identity_arn(world: World, caller) -> str | None:
    """Where identity policies of the caller live: the user, or the role of a session."""
    if caller.kind == "role-session":
        return caller.role_arn
    if caller.kind == "user":
        return caller.arn
    return None


def _statement(actions: list[str], resource: str) -> dict:
    return {"Effect": "Allow", "Action": actions if len(actions) > 1 else actions[0],
            "Resource": resource}


def _context_change(miss, request: Request) -> tuple[str, Any, str] | None:
    """A request value that would satisfy a near-miss condition (equality operators only)."""
    element = miss.element
    if not element.startswith("Condition ") or miss.statement.effect != "Allow":
        return None
    _, operator, key = element.split(" ", 2)
    if operator not in ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "Bool"):
        return None
    values = miss.expected if isinstance(miss.expected, list) else [miss.expected]
    if len(values) != 1 or (operator == "StringLike" and any(c in str(values[0]) for c in "*?")):
        return None
    value = values[0]
    prefix = "kms:encryptioncontext:"
    if key.lower().startswith(prefix):
        name = key[len(prefix):]
        context = dict(request.encryption_context or {})
        context[name] = str(value)
        return ("encryption_context", context,
                f"send the encryption context pair {name}={value}")
    return None  # other keys describe the caller or the path, not something to just send


# -- changed worlds ------------------------------------------------------------------------------


def _rebuild(world: World, keys=None, principals=None) -> World:
    return World(world.keys if keys is None else keys,
                 world.principals if principals is None else principals,
                 world.organization, world.now)


def _policy_value(doc) -> dict | None:
    if doc is None or doc.compiled is None:
        return None
    value = copy.deepcopy(doc.compiled.policy.value)
    statements = value.get("Statement", [])
    value["Statement"] = statements if isinstance(statements, list) else [statements]
    return value


def _add_key_statement(world: World, key: Key, statement: dict) -> World:
    value = _policy_value(key.policy) or {"Version": "2012-10-17", "Statement": []}
    value["Statement"].append(statement)
    changed = dataclasses.replace(key, policy=value)
    return _rebuild(world, keys=tuple(changed if k is key else k for k in world.keys))


def _add_grant(world: World, key: Key, grant: Grant) -> World:
    changed = dataclasses.replace(key, policy=key.policy, grants=key.grants + (grant,))
    return _rebuild(world, keys=tuple(changed if k is key else k for k in world.keys))


def _add_identity_statement(world: World, arn: str, statement: dict) -> World:
    record = world.principal(arn)
    if record is None:
        return _rebuild(world, principals=world.principals + (
            Principal(arn, policies=({"Version": "2012-10-17", "Statement": [statement]},)),))
    first = _policy_value(record.policies[0]) if record.policies else None
    first = first or {"Version": "2012-10-17", "Statement": []}
    first["Statement"].append(statement)
    changed = dataclasses.replace(record, policies=(first,) + tuple(record.policies[1:]))
    return _rebuild(world, principals=tuple(changed if p is record else p
                                            for p in world.principals))


def _owner(world: World, label: str) -> tuple[str, str] | None:
    """The key or principal a policy label ("key policy of ARN", ...) belongs to."""
    arn = label.rsplit(" of ", 1)[-1]
    if world.key(arn) is not None:
        return "key", arn
    if world.principal(arn) is not None and " of " in label and "identity policy" in label:
        return "principal", arn
    return None


def _remove_statement(world: World, kind: str, arn: str, sid: str) -> World | None:
    def without(doc):
        value = _policy_value(doc)
        if value is None:
            return None
        value["Statement"] = [s for s in value["Statement"]
                              if not (isinstance(s, dict) and s.get("Sid") == sid)]
        return value

    if kind == "key":
        key = world.key(arn)
        changed = dataclasses.replace(key, policy=without(key.policy))
        return _rebuild(world, keys=tuple(changed if k is key else k for k in world.keys))
    record = world.principal(arn)
    policies = tuple(v for v in (without(doc) for doc in record.policies) if v is not None)
    changed = dataclasses.replace(record, policies=policies, boundary=record.boundary)
    return _rebuild(world, principals=tuple(changed if p is record else p
                                            for p in world.principals))

"""``authorize(world, request)``: the front door of the KMS decision.

A request names one permission (``action``) or one API call (``operation``). An operation may
need several authorisations (ReEncrypt: ReEncryptFrom on the source key and ReEncryptTo on the
destination; UpdateAlias: the alias, the current key and the new key); each is decided by
:func:`policyengine.kms.authorizer.decide` and the results combine: any explicit deny makes
the whole call an explicit deny, all must allow for it to be allowed.
"""

from __future__ import annotations

import functools
import time

from ..decision import Decision, Effect
from ..errors import PolicyEngineError
from ..language.principals import caller_from_arn
from . import catalog
from .authorizer import Part, Who, decide, plan_of
from .context import caller_keys, now_of, temporary_credentials, time_keys
from .operations import (action_parts, check_parameters, context_for, operation_parts,
                         operation_rules, requested_region)
from .world import Request, World, load_policy


CACHE_SIZE = 4096  # decisions remembered per world (more only slows the garbage collector)
ROUTE_CACHE_SIZE = 256  # decisions remembered per route of plain requests


def authorize(world: World, request: Request, *, trace: bool = False,
              cache: bool = True) -> Decision:
    """Decide ``request`` in ``world`` exactly as AWS KMS would.

    Returns a :class:`~policyengine.decision.Decision`: its ``effect`` (Allow, ExplicitDeny or
    ImplicitDeny), the API error the call ends with (or None), and why. ``trace=True`` also
    collects the step ladder, near misses and absent condition keys (slower).

    A decision depends only on the world and the request, so repeated requests are answered
    from a per-world cache, and a request whose conditions and grants come out as an earlier
    one's shares that one's decision (the plan's memo). Such decisions are shared: treat them
    as read-only. ``cache=False`` decides afresh and returns a decision of its own.
    """
    if trace or not cache:
        return _authorize(world, request, trace)
    if _plain(world, request):
        return _authorize_plain(world, request)
    signature = _signature(world, request)
    if signature is None:
        return _authorize(world, request, False, memo=True)
    decisions = world.cache.get("decisions")
    if decisions is None:
        decisions = world.cache["decisions"] = {}
    found = decisions.get(signature)
    if found is None:
        found = _authorize(world, request, False, memo=True)
        if len(decisions) >= CACHE_SIZE:
            decisions.clear()
        decisions[signature] = found
    return found


def _signature(world: World, request: Request):
    """Everything about a request a decision can depend on, as a hashable value (or None)."""
    try:
        return (request.principal, request.action, request.operation, request.key,
                request.resource, request.credentials, _frozen(request.encryption_context),
                tuple(request.grant_tokens), _frozen(request.params), _frozen(request.context),
                _frozen(request.session_policy), _frozen(request.vpc_endpoint_policy),
                None if world.now else int(time.time()))
    except TypeError:
        return None


def _frozen(value):
    """A hashable stand-in for a JSON-like value (dicts and lists tagged apart; a dict whose
    values are hashable keeps its order: an equal dict in another order only misses)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        items = tuple(value.items())
        try:
            hash(items)
            return ("{", items)
        except TypeError:
            return ("{}", tuple(sorted((str(k), _frozen(v)) for k, v in items)))
    if isinstance(value, (list, tuple)):
        return ("[", tuple(_frozen(v) for v in value))
    raise TypeError(f"cannot freeze {type(value).__name__}")


def _authorize(world: World, request: Request, trace: bool, memo: bool = False) -> Decision:
    """``memo``: decisions of single permissions may come from their plans' memos (shared)."""
    who = resolve_caller(world, request)
    if request.operation:
        parts = operation_parts(world, who, request)
    else:
        if not request.action:
            raise PolicyEngineError("a request needs an action or an operation")
        parts = action_parts(world, who, request, canonical_action(request.action))
    return _decide_parts(world, who, request, parts, trace, memo)


def _decide_parts(world: World, who: Who, request: Request, parts: list[Part], trace: bool,
                  memo: bool) -> Decision:
    decisions = [decide(world, who, part, request, trace=trace, memo=memo) for part in parts]
    decision = combine(decisions)
    if memo and len(decisions) == 1 and (request.params or request.operation):
        decision = decision.copy()  # a shared decision: the call's own rules change a copy
    check_parameters(world, who, request, decision)
    if decision.invalid:
        decision.error = decision.error or "MalformedPolicyDocumentException"
    elif not decision.allowed:
        decision.error = decision.error or "AccessDeniedException"
    elif request.operation:
        operation_rules(world, who, request, parts, decision)
    return decision


def _plain(world: World, request: Request) -> bool:
    """A permission request without parameters, session or endpoint policy, at the world's
    fixed time: who asks and on what depend only on the principal, action and key named."""
    return bool(world.now and request.action and not request.operation and not request.params
                and request.session_policy is None and request.vpc_endpoint_policy is None)


class _Route:
    """A plain request's caller and authorisations, and the decisions of the requests that
    took this route, by what else they carry."""

    __slots__ = ("who", "parts", "decisions")

    def __init__(self, who: Who, parts: list[Part]) -> None:
        self.who, self.parts, self.decisions = who, parts, {}


def _authorize_plain(world: World, request: Request) -> Decision:
    index = ("route", request.principal, request.credentials, request.action, request.key,
             request.resource, requested_region(request))
    route = world.cache.get(index)
    if route is None:
        who = resolve_caller(world, request)
        parts = action_parts(world, who, request, canonical_action(request.action))
        for part in parts:
            if not part.missing:
                part.plan = plan_of(world, who, part)
        route = world.cache[index] = _Route(who, parts)
    try:
        signature = (_frozen(request.encryption_context), _frozen(request.context),
                     tuple(request.grant_tokens))
        found = route.decisions.get(signature)
    except TypeError:  # a value that cannot be frozen: decide without remembering
        signature = found = None
    if found is None:
        parts = [part.with_context(context_for(request, part.action)) for part in route.parts]
        found = _decide_parts(world, route.who, request, parts, False, True)
        if signature is not None:
            if len(route.decisions) >= ROUTE_CACHE_SIZE:
                route.decisions.clear()
            route.decisions[signature] = found
    return found


def resolve_caller(world: World, request: Request) -> Who:
    """Who makes the request, with its identity's condition keys (cached per world; with the
    session and endpoint policies it carries and the time keys of the moment, per request)."""
    index = ("caller", request.principal, request.credentials)
    cached = world.cache.get(index)
    if cached is None:
        caller, record = _identify(world, request.principal)
        temporary = temporary_credentials(caller, request)
        cached = world.cache[index] = Who(caller, record, caller_keys(world, caller, record),
                                          _time_keys(world, temporary), None, None)
    if world.now and request.session_policy is None and request.vpc_endpoint_policy is None:
        return cached  # nothing of it depends on this request
    session = (load_policy(request.session_policy, "session")
               if request.session_policy is not None else None)
    endpoint = (load_policy(request.vpc_endpoint_policy, "endpoint")
                if request.vpc_endpoint_policy is not None else None)
    times = _time_keys(world, temporary_credentials(cached.caller, request))
    return Who(cached.caller, cached.record, cached.keys, times, session, endpoint)


def _identify(world: World, principal: str):
    try:
        caller = caller_from_arn(principal)
    except ValueError as error:
        raise PolicyEngineError(str(error), json_path="principal") from None
    record = None
    if caller.kind == "role-session":
        record = world.role(caller.account, caller.role_name)
        if record is not None:
            caller = caller_from_arn(caller.arn, role_arn=record.arn)
    elif caller.kind in ("user", "federated-user"):
        record = world.principal(caller.arn)
    return caller, record


def _time_keys(world: World, temporary: bool) -> dict:
    """Time keys: fixed by the world's ``now``, else the current second (cached for it)."""
    if world.now:
        found = world.cache.get(("time", temporary))
        if found is None:
            found = world.cache[("time", temporary)] = time_keys(now_of(world), temporary)
        return found
    second = int(time.time())
    found = world.cache.get(("time-now", temporary))
    if found is None or found[0] != second:
        found = world.cache[("time-now", temporary)] = (second, time_keys(now_of(world),
                                                                           temporary))
    return found[1]


@functools.lru_cache(maxsize=1024)
def canonical_action(action: str) -> str:
    """``KMS:decrypt`` -> ``kms:Decrypt`` for KMS permissions; other actions as given."""
    info = catalog.action(action)
    return f"kms:{info.name}" if info is not None else action


def combine(decisions: list[Decision]) -> Decision:
    """Any explicit deny wins; every part must allow; otherwise an implicit deny."""
    if len(decisions) == 1:
        return decisions[0]
    if any(d.effect is Effect.EXPLICIT_DENY for d in decisions):
        effect = Effect.EXPLICIT_DENY
    elif all(d.allowed for d in decisions):
        effect = Effect.ALLOW
    else:
        effect = Effect.IMPLICIT_DENY
    combined = Decision(effect, action=", ".join(d.action for d in decisions),
                        resource=", ".join(d.resource for d in decisions), parts=decisions)
    for part in decisions:
        if effect is Effect.ALLOW:
            combined.allowed_by.extend(part.allowed_by)
        elif not part.allowed:
            combined.notes.extend(f"{part.action} on {part.resource}: {note}"
                                  for note in part.notes)
            combined.blocked_by.extend(b for b in part.blocked_by if b not in combined.blocked_by)
        combined.matched.extend(part.matched)
        combined.absent_keys.extend(k for k in part.absent_keys if k not in combined.absent_keys)
        combined.near_misses.extend(part.near_misses)
        combined.unevaluated.extend(u for u in part.unevaluated if u not in combined.unevaluated)
        combined.invalid.extend(i for i in part.invalid if i not in combined.invalid)
        combined.assumptions.extend(a for a in part.assumptions if a not in combined.assumptions)
        combined.steps.extend(part.steps)
        if part.error and not combined.error and not part.allowed:
            combined.error = part.error if part.error != "AccessDeniedException" else None
    return combined


__all__ = ["authorize", "combine", "canonical_action", "resolve_caller", "Part"]

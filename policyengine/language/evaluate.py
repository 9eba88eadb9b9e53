"""Evaluate a compiled policy against a request context.

:func:`evaluate_policy` is the fast path: it looks only at the statements indexed under the
request's action and stops at the first element that fails. :func:`trace_policy` checks every
element and every condition of every statement and says why each one did or did not apply —
the raw material of explanations. Both use the same matchers, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .compile import CompiledPolicy, CompiledStatement
from .conditions import ABSENT, single_value
from .context import RequestContext
from .principals import SELF, PrincipalMatch

SELF_MATCH = PrincipalMatch(SELF, "")


@dataclass(frozen=True, slots=True)
class StatementHit:
    """A statement that applies to the request, and how its principal element named the caller."""

    statement: CompiledStatement
    principal: PrincipalMatch


@dataclass(frozen=True, slots=True)
class PolicyOutcome:
    denies: tuple[StatementHit, ...] = ()
    allows: tuple[StatementHit, ...] = ()
    unevaluated: tuple[CompiledStatement, ...] = ()

    @property
    def allowed(self) -> bool:
        return bool(self.allows) and not self.denies


NOTHING = PolicyOutcome()


def lookup_for(ctx: RequestContext):
    keys = ctx.keys
    return lambda name: single_value(keys.get(name))


@dataclass(frozen=True, slots=True)
class Prepared:
    """What of one policy can apply to one caller, action and resource.

    Action, principal and variable-free resources depend on nothing else, so they are matched
    once; a request then only needs the conditions (and resources with policy variables,
    flagged ``True``) checked. Statements that cannot be evaluated are listed apart.
    """

    entries: tuple[tuple[CompiledStatement, PrincipalMatch, bool], ...]
    unevaluated: tuple[CompiledStatement, ...]
    constant: tuple[bool, ...] | None = None  # what :func:`applying` says when nothing varies


NOTHING_PREPARED = Prepared((), (), ())


def prepare_policy(policy: CompiledPolicy, caller, action: str, resource: str, *,
                   resource_policy: bool = False) -> Prepared:
    """The statements of ``policy`` that can apply to ``caller`` doing ``action`` on
    ``resource`` (see :class:`Prepared`)."""
    candidates = policy.statements_for(action)
    if not candidates:
        return NOTHING_PREPARED
    entries = []
    for statement in candidates:
        if resource_policy:
            if statement.principal is None:
                continue
            match = statement.principal.match(caller)
            if match is None:
                continue
        else:
            match = SELF_MATCH
        dynamic = not all(pattern.matcher for pattern in statement.resources)
        if not dynamic and not statement.matches_resource(resource, None):
            continue
        entries.append((statement, match, dynamic))
    varies = any(dynamic or statement.clauses for statement, _match, dynamic in entries)
    return Prepared(tuple(entries), tuple(s for s in candidates if s.problems),
                    None if varies else (True,) * len(entries))


def applying(prepared: Prepared, ctx: RequestContext) -> tuple[bool, ...]:
    """For each prepared statement: does it apply to ``ctx``? (Its conditions, and its
    resources with policy variables, are checked here.)"""
    if prepared.constant is not None:
        return prepared.constant
    keys = ctx.keys
    lookup = None  # clauses make their own when a value holds a policy variable
    result = []
    for statement, _match, dynamic in prepared.entries:
        clauses = statement.clauses
        if not (dynamic or clauses):
            result.append(True)
            continue
        if dynamic and lookup is None:
            lookup = lookup_for(ctx)
        applies = not dynamic or statement.matches_resource(ctx.resource, lookup)
        for clause in clauses:
            if not applies:
                break
            applies = clause.test(keys, lookup)
        result.append(applies)
    return tuple(result)


def outcome_of(prepared: Prepared, applies: tuple[bool, ...]) -> PolicyOutcome:
    """The outcome of a prepared policy, from :func:`applying`."""
    allows, denies = [], []
    for (statement, match, _dynamic), applied in zip(prepared.entries, applies):
        if applied:
            (allows if statement.allow else denies).append(StatementHit(statement, match))
    if not (allows or denies or prepared.unevaluated):
        return NOTHING
    return PolicyOutcome(tuple(denies), tuple(allows), prepared.unevaluated)


def evaluate_prepared(prepared: Prepared, ctx: RequestContext) -> PolicyOutcome:
    """Which prepared statements apply to ``ctx``."""
    return outcome_of(prepared, applying(prepared, ctx))


def evaluate_policy(policy: CompiledPolicy, ctx: RequestContext, *,
                    resource_policy: bool = False) -> PolicyOutcome:
    """Which statements of ``policy`` apply to ``ctx``.

    ``resource_policy``: statements must name the caller in Principal / NotPrincipal (a key
    policy); otherwise the policy is attached to the caller and principals are not consulted.
    """
    return evaluate_prepared(prepare_policy(policy, ctx.caller, ctx.action, ctx.resource,
                                            resource_policy=resource_policy), ctx)


# -- tracing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    """One element or one condition of a statement, checked against the request."""

    element: str  # "Effect", "Principal", "Action", "Resource" or "Condition"
    path: str
    passed: bool
    expected: Any
    actual: Any
    note: str = ""
    absent: bool = False  # a condition key the request does not carry
    key: str = ""  # for conditions: the condition key as written
    operator: str = ""


@dataclass(slots=True)
class StatementTrace:
    statement: CompiledStatement
    checks: list[Check]
    principal: PrincipalMatch | None = None

    @property
    def applies(self) -> bool:
        return self.statement.effective and all(check.passed for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @property
    def near_miss(self) -> bool:
        """Would have applied but for exactly one element or condition."""
        return self.statement.effective and len(self.failures) == 1


def trace_policy(policy: CompiledPolicy, ctx: RequestContext, *,
                 resource_policy: bool = False) -> list[StatementTrace]:
    lookup = lookup_for(ctx)
    return [trace_statement(statement, ctx, lookup, resource_policy)
            for statement in policy.statements]


def trace_statement(statement: CompiledStatement, ctx: RequestContext, lookup,
                    resource_policy: bool) -> StatementTrace:
    node = statement.node
    checks: list[Check] = []
    match = SELF_MATCH
    if resource_policy:
        if statement.principal is None:
            match = None
            checks.append(Check("Principal", f"{node.path}/Principal", False, None,
                                ctx.caller.arn, "the statement names no principal"))
        else:
            match = statement.principal.match(ctx.caller)
            element = node.principal
            expected = "*" if element.wildcard else {k: list(v) for k, v in element.entries}
            note = "" if match is None else f"matched {match.value!r} ({match.kind})"
            checks.append(Check("NotPrincipal" if element.negated else "Principal", element.path,
                                match is not None, expected, ctx.caller.arn, note))
    if node.action is None:
        checks.append(Check("Action", f"{node.path}/Action", False, None, ctx.action,
                            "the statement has no Action or NotAction"))
    else:
        checks.append(Check("NotAction" if node.action.negated else "Action", node.action.path,
                            statement.matches_action(ctx.action), list(node.action.values),
                            ctx.action))
    if node.resource is None:
        checks.append(Check("Resource", f"{node.path}/Resource", False, None, ctx.resource,
                            "the statement has no Resource or NotResource"))
    else:
        checks.append(Check("NotResource" if node.resource.negated else "Resource",
                            node.resource.path,
                            statement.matches_resource(ctx.resource, lookup),
                            list(node.resource.values), ctx.resource))
    for clause in statement.clauses:
        passed, note = clause.decide(ctx.keys, lookup)
        actual = ctx.keys.get(clause.key_lower, ABSENT)
        checks.append(Check(
            "Condition", clause.path, passed, list(clause.values),
            None if actual is ABSENT else actual,
            clause.problem or note, absent=actual is ABSENT, key=clause.key,
            operator=clause.operator.name if clause.operator else clause.operator_name))
    return StatementTrace(statement, checks, match)

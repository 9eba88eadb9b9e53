"""Compile a policy once into immutable matchers, with statements indexed by action.

Compilation is cached by the policy's content, so a world that holds the same policy many
times (or an emulator that asks again and again) compiles it once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from .ast import Policy, Statement
from .conditions import Clause, compile_clause
from .matching import compile_actions, compile_resource
from .parsing import build_policy
from .principals import CompiledPrincipal, compile_principal
from .variables import VariableSyntaxError, has_variables, parse_template, substitute

Matcher = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One entry of ``Resource``; a pattern with policy variables is resolved per request."""

    text: str
    matcher: Matcher | None = None  # without variables
    prefix: str = ""  # with variables: the ARN up to the resource part (no variables there)
    template: tuple = ()

    def matches(self, resource: str, lookup) -> bool:
        if self.matcher is not None:
            return self.matcher(resource)
        runs = substitute(self.template, lookup)
        if runs is None:
            return False  # a variable without a value matches no resource
        pattern = [(self.prefix, False)] + [
            (part, False) if isinstance(part, str) else (part.text, True) for part in runs]
        return compile_resource(pattern)(resource)


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    node: Statement
    allow: bool
    principal: CompiledPrincipal | None  # None: no Principal element
    actions: Matcher  # does the Action / NotAction list name the action?
    not_action: bool
    resources: tuple[ResourcePattern, ...]
    not_resource: bool
    clauses: tuple[Clause, ...]
    effective: bool  # False when Effect, Action or Resource is missing or unusable
    problems: tuple[str, ...] = ()
    _action_hits: dict = field(default_factory=dict, compare=False, repr=False)
    _resource_hits: dict = field(default_factory=dict, compare=False, repr=False)
    # what callers derive from the statement and keep with it (the linter's analyses)
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def sid(self) -> str | None:
        return self.node.sid

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def path(self) -> str:
        return self.node.path

    def matches_action(self, action: str) -> bool:
        known = self._action_hits.get(action)
        if known is None:
            known = self.actions(action) != self.not_action
            if len(self._action_hits) < 1024:
                self._action_hits[action] = known
        return known

    def matches_resource(self, resource: str, lookup) -> bool:
        known = self._resource_hits.get(resource)
        if known is not None:
            return known
        hit = any(pattern.matches(resource, lookup) for pattern in self.resources)
        result = hit != self.not_resource
        if len(self._resource_hits) < 1024 and all(p.matcher for p in self.resources):
            self._resource_hits[resource] = result  # no variables: depends on the ARN alone
        return result


@dataclass(eq=False)
class CompiledPolicy:
    policy: Policy
    statements: tuple[CompiledStatement, ...]
    _by_action: dict = field(default_factory=dict, repr=False)
    _denies_by_action: dict = field(default_factory=dict, repr=False)

    @property
    def has_problems(self) -> bool:
        return any(statement.problems for statement in self.statements)

    def statements_for(self, action: str) -> tuple[CompiledStatement, ...]:
        """The effective statements whose Action / NotAction covers ``action`` (cached)."""
        found = self._by_action.get(action)
        if found is None:
            found = tuple(s for s in self.statements if s.effective and s.matches_action(action))
            if len(self._by_action) < 4096:
                self._by_action[action] = found
        return found

    def denies_for(self, action: str) -> tuple[CompiledStatement, ...]:
        """The effective Deny statements whose Action / NotAction covers ``action`` (cached)."""
        found = self._denies_by_action.get(action)
        if found is None:
            found = tuple(s for s in self.statements_for(action) if not s.allow)
            if len(self._denies_by_action) < 4096:
                self._denies_by_action[action] = found
        return found


def compile_policy(policy: Policy, *, cache: bool = True) -> CompiledPolicy:
    """Compile an AST (cached by the policy's JSON content, unless ``cache`` is false: a
    caller that compiles each policy once, like the linter, saves the cache key and keeps the
    cache from holding, and the garbage collector from walking, every policy it saw)."""
    if cache and policy.value is not None:
        return _compile_cached(_canonical(policy.value), policy)
    return _compile(policy)


def compile_value(value: Any) -> CompiledPolicy:
    """Build and compile a policy from its JSON value (cached by content)."""
    return _compile_cached(_canonical(value), None, value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_CACHE: dict[str, CompiledPolicy] = {}


def _compile_cached(key: str, policy: Policy | None, value: Any = None) -> CompiledPolicy:
    compiled = _CACHE.get(key)
    if compiled is None:
        compiled = _compile(policy if policy is not None else build_policy(value))
        if len(_CACHE) > 4096:
            _CACHE.clear()
        _CACHE[key] = compiled
    return compiled


def _compile(policy: Policy) -> CompiledPolicy:
    variables = policy.variables_enabled
    return CompiledPolicy(policy, tuple(_statement(s, variables) for s in policy.statements))


def _statement(node: Statement, variables: bool) -> CompiledStatement:
    problems: list[str] = []
    effective = True
    if node.effect not in ("Allow", "Deny"):
        problems.append(f"Effect must be exactly Allow or Deny, not {node.effect!r}")
        effective = False
    if node.action is None:
        problems.append("no Action or NotAction: the statement has no effect")
        effective = False
    if node.resource is None:
        problems.append("no Resource or NotResource: the statement has no effect")
        effective = False
    actions = compile_actions(tuple(node.action.values) if node.action else ())
    resources = []
    for value in node.resource.values if node.resource else ():
        try:
            resources.append(_resource(value, variables))
        except VariableSyntaxError as error:
            problems.append(f"Resource {value!r}: {error}")
    clauses = tuple(
        _clause(entry.operator, entry.key, tuple(entry.values), entry.path, variables)
        for entry in node.condition)
    problems.extend(f"{clause.path}: {clause.problem}" for clause in clauses if clause.problem)
    return CompiledStatement(
        node=node,
        allow=node.effect == "Allow",
        principal=compile_principal(node.principal) if node.principal is not None else None,
        actions=actions,
        not_action=bool(node.action and node.action.negated),
        resources=tuple(resources),
        not_resource=bool(node.resource and node.resource.negated),
        clauses=clauses,
        effective=effective,
        problems=tuple(problems),
    )


def _resource(value: str, variables: bool) -> ResourcePattern:
    """Variables are substituted only in the resource part of an ARN (after the fifth colon)."""
    if variables and has_variables(value):
        parts = value.split(":", 5)
        if len(parts) == 6:
            prefix = ":".join(parts[:5]) + ":"
            return ResourcePattern(value, prefix=prefix, template=parse_template(parts[5]))
    return _plain_resource(value)


def _clause(operator: str, key: str, values: tuple, path: str, variables: bool) -> Clause:
    if all(type(value) is str for value in values):  # (True, 1 and 1.0 are equal keys)
        return _text_clause(operator, key, values, path, variables)
    return compile_clause(operator, key, list(values), path, variables)


@lru_cache(maxsize=4096)
def _text_clause(operator: str, key: str, values: tuple, path: str, variables: bool) -> Clause:
    """Clauses repeat between policies (a statement copied from the console's or AWS's
    examples), so their compiled form is kept; a clause is immutable."""
    return compile_clause(operator, key, list(values), path, variables)


@lru_cache(maxsize=4096)
def _plain_resource(value: str) -> ResourcePattern:
    return ResourcePattern(value, matcher=compile_resource(value))

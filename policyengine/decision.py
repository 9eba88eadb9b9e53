"""What a decision says: the effect, the API error, what allowed it, what blocked it, and why."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any


class Effect(str, Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement that took part in a decision, and where it is."""

    policy: str  # e.g. "key policy of arn:aws:kms:...", "identity policy 0 of arn:aws:iam::..."
    effect: str  # "Allow" or "Deny"
    label: str  # Sid 'x' or statement #n
    json_path: str
    sid: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"{self.effect} {self.label} of the {self.policy}{where}"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why access was allowed: the mechanism and the statements or grant behind it."""

    mechanism: str  # "key-policy", "key-policy+iam", "grant", "iam", "retiring-principal", ...
    text: str
    statements: tuple[StatementRef, ...] = ()
    grant_id: str | None = None


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A statement that would have applied but for one element or condition."""

    statement: StatementRef
    element: str
    expected: Any
    actual: Any
    note: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the explanation ladder."""

    name: str  # "explicit deny", "RCP", "SCP", "key policy (caller)", ...
    outcome: str  # "pass", "fail", "allow", "deny", "skip"
    detail: str
    deciding: bool = False


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One line of a statement's match table (explanations only)."""

    element: str  # Principal, Action, Resource, or "Condition <operator> <key>"
    expected: Any
    actual: Any
    passed: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class StatementTable:
    """How one statement compared with the request, element by element."""

    statement: StatementRef
    applies: bool
    rows: tuple[CheckRow, ...]


@dataclass
class Decision:
    effect: Effect
    error: str | None = None
    action: str = ""
    resource: str = ""
    allowed_by: list[Reason] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    matched: list[StatementRef] = field(default_factory=list)
    absent_keys: list[str] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    unevaluated: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # what AWS would reject before deciding
    assumptions: list[str] = field(default_factory=list)  # ambiguity rows relied upon
    notes: list[str] = field(default_factory=list)
    parts: list["Decision"] = field(default_factory=list)  # one per authorisation of an operation
    steps: list[Step] = field(default_factory=list)  # filled when traced
    tables: list[StatementTable] = field(default_factory=list)  # traced: relevant statements
    context: dict[str, Any] = field(default_factory=dict)  # traced: the request context used

    @property
    def allowed(self) -> bool:
        return self.effect is Effect.ALLOW

    @property
    def outcome(self) -> str:
        """What a scenario's ``expect`` compares with: the effect, or ``Invalid``."""
        return "Invalid" if self.invalid else self.effect.value

    @property
    def summary(self) -> str:
        if self.invalid:
            return self.invalid[0]
        if self.allowed:
            why = "; ".join(reason.text for reason in self.allowed_by) or "allowed"
            return f"{why}; then {self.notes[-1]}" if self.error and self.notes else why
        if self.notes:
            return self.notes[0]
        return "; ".join(self.blocked_by) or "no policy or grant allows it"

    def copy(self) -> "Decision":
        """A copy whose lists and context can change without touching this decision (cached
        decisions are shared)."""
        return replace(self, **{f.name: type(value)(value) for f in fields(self)
                                if isinstance(value := getattr(self, f.name), (list, dict))})

    def to_dict(self) -> dict:
        return {
            "decision": self.outcome,
            "effect": self.effect.value,
            "error": self.error,
            "action": self.action,
            "resource": self.resource,
            "summary": self.summary,
            "allowed_by": [
                {"mechanism": r.mechanism, "text": r.text, "grant_id": r.grant_id,
                 "statements": [_ref(s) for s in r.statements]} for r in self.allowed_by],
            "blocked_by": list(self.blocked_by),
            "matched": [_ref(s) for s in self.matched],
            "absent_keys": list(self.absent_keys),
            "near_misses": [
                {"statement": _ref(n.statement), "element": n.element, "expected": n.expected,
                 "actual": n.actual, "note": n.note} for n in self.near_misses],
            "unevaluated": list(self.unevaluated),
            "invalid": list(self.invalid),
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
            "steps": [{"name": s.name, "outcome": s.outcome, "detail": s.detail,
                       "deciding": s.deciding} for s in self.steps],
            "statements": [
                {"statement": _ref(t.statement), "applies": t.applies,
                 "checks": [{"element": r.element, "expected": r.expected, "actual": r.actual,
                             "passed": r.passed, "note": r.note} for r in t.rows]}
                for t in self.tables],
            "context": dict(self.context),
            "parts": [part.to_dict() for part in self.parts],
        }


def _ref(ref: StatementRef) -> dict:
    return {"policy": ref.policy, "effect": ref.effect, "statement": ref.label, "sid": ref.sid,
            "json_path": ref.json_path, "line": ref.line, "column": ref.column}

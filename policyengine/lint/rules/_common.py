"""What several rule modules share: the save-time violations each POL rule reports."""

from __future__ import annotations

import re

from ..analysis import compiled_statements
from ..model import Hit

_VARIABLE = re.compile(r"\$\{[^}]*\}")

# Every code of policyengine.language.validation, and the rule that reports it. A code that
# depends on the policy type maps to a dict (type -> rule; "*" for the others).
VIOLATION_RULES = {
    "invalid-json": "POL001",
    "duplicate-element": "POL001",
    "missing-effect": "POL002",
    "missing-action": "POL002",
    "missing-resource": "POL002",
    "missing-statement": "POL002",
    "empty-statement-list": "POL002",
    "empty-element": "POL002",
    "missing-version": "POL003",
    "invalid-version": "POL003",
    "unknown-element": "POL004",
    "invalid-effect": "POL004",
    "invalid-type": "POL004",
    "action-and-notaction": "POL004",
    "resource-and-notresource": "POL004",
    "principal-and-notprincipal": "POL004",
    "id-not-allowed": "POL004",
    "allow-not-supported": "POL004",
    "notaction-not-allowed": "POL004",
    "invalid-characters": "POL004",
    "invalid-action": "POL004",
    "invalid-resource": "POL004",
    "sid-invalid-characters": "POL005",
    "duplicate-sid": "POL005",
    "invalid-condition-key": "POL007",
    "condition-key-not-allowed-in-key-policy": "POL007",
    "unknown-condition-operator": "POL008",
    "null-with-qualifier": "null",  # POL008 for ...IfExists, POL013 for a set qualifier
    "overly-permissive-condition": "POL013",
    "invalid-principal": {"key": "POL016", "*": "POL004"},
    "group-principal": {"key": "POL016", "*": "POL004"},
    "partial-wildcard-principal": {"key": "POL016", "*": "POL004"},
    "principal-not-allowed": "POL017",
    "notprincipal-not-allowed": "POL017",
    "missing-principal": "POL017",
    "policy-too-large": "POL019",
    "malformed-variable": "POL021",
    "notprincipal-with-allow": {"key": "KP003", "*": "POL004"},
}


def rule_for_violation(violation, policy_type: str | None) -> str | None:
    target = VIOLATION_RULES.get(violation.code)
    if isinstance(target, dict):
        return target.get(policy_type or "", target["*"])
    if target == "null":
        operator = violation.json_path.rsplit("/", 1)[-1]
        return "POL013" if ":" in operator else "POL008"
    return target


def violation_hits(doc, rule_id: str):
    """Hits for the save-time violations that belong to ``rule_id``."""
    for violation in doc.violations:
        if rule_for_violation(violation, doc.policy_type) == rule_id:
            yield Hit(refused(violation), violation.json_path)


def refused(violation) -> str:
    return f"{violation.message}; AWS refuses to save the policy ({violation.aws_error})"


def condition_entries(doc):
    """(statement, condition entry) for every ``"Operator": {"key": values}`` of the AST."""
    for statement in doc.statements:
        for entry in statement.condition:
            yield statement, entry


def clauses(doc):
    """(compiled statement, clause) for every condition of the compiled policy."""
    for statement in compiled_statements(doc):
        for clause in statement.clauses:
            yield statement, clause


def has_wildcard(value) -> bool:
    """``*`` or ``?`` outside policy variables (``${*}`` is a literal star)."""
    if not isinstance(value, str) or ("*" not in value and "?" not in value):
        return False
    if "${" not in value:
        return True
    stripped = _VARIABLE.sub("", value)
    return "*" in stripped or "?" in stripped

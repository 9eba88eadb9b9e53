"""Rule documentation: each rule module's docstring, with fixed headings.

A rule's docstring is its documentation page: a one-line summary, then the sections

    ## What it checks
    ## Why it matters
    ## Example
    ## Use instead
    ## References

in this order (Markdown; examples in fenced code blocks). ``policyengine lint --explain ID``
prints it, and the SARIF output carries it as each rule's help text.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from .registry import POLICY_TYPES_OF_SCOPE, RuleInfo, load_rule

__all__ = ["HEADINGS", "RuleDoc", "documentation", "explain"]

HEADINGS = ("What it checks", "Why it matters", "Example", "Use instead", "References")

_SCOPE_TEXT = {
    "any": "every policy type",
    "key-policy": "key policies",
    "identity": "IAM identity policies",
    "grant": "grants",
    "key-config": "key configuration (scenario keys, describe-key output)",
    "cross-document": "scenario worlds (several documents together)",
}


@dataclass(frozen=True)
class RuleDoc:
    info: RuleInfo
    summary: str
    sections: dict  # heading -> Markdown text
    markdown: str  # the whole docstring

    @property
    def what(self) -> str:
        return self.sections.get("What it checks", self.summary)


def documentation(info: RuleInfo) -> RuleDoc:
    """The documentation of an implemented rule (ValueError if its docstring lacks a heading)."""
    module = load_rule(info.id)
    text = inspect.cleandoc(module.__doc__ or "")
    summary, _, body = text.partition("\n")
    sections: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in body.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = line[3:].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    found = [h for h in sections if h in HEADINGS]
    if tuple(found) != HEADINGS:
        raise ValueError(f"{info.id}: the docstring must have the headings "
                         f"{', '.join(HEADINGS)} in this order (has {', '.join(sections)})")
    return RuleDoc(info, summary.strip(), sections, text)


def applies_to(info: RuleInfo) -> str:
    return _SCOPE_TEXT.get(info.scope, info.scope)


def explain(info: RuleInfo) -> str:
    """The text ``policyengine lint --explain`` prints."""
    head = (f"{info.id} {info.name}\n"
            f"Severity: {info.severity}    Category: {info.category}    "
            f"Applies to: {applies_to(info)}")
    if not info.implemented:
        return head + "\n\nThis rule is in the catalogue but not implemented yet."
    doc = documentation(info)
    return f"{head}\n\n{doc.markdown}"


def policy_types(info: RuleInfo) -> tuple[str, ...]:
    return POLICY_TYPES_OF_SCOPE.get(info.scope, ())

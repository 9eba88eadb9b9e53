"""Text renderings of check results and explanations."""

from __future__ import annotations

import json

from ..decision import Decision

VERDICTS = {"Allow": "ALLOW", "ExplicitDeny": "EXPLICIT DENY", "ImplicitDeny": "IMPLICIT DENY",
            "Invalid": "INVALID"}


def render_check(results, summary: dict, *, quiet: bool = False) -> str:
    lines = []
    for result in results:
        title = f"  {result.scenario}" if result.scenario else ""
        if result.status == "error":
            lines.append(f"ERROR {result.path}: {result.message}")
            continue
        if result.status == "passed" and quiet:
            continue
        lines.append(f"{'PASS ' if result.status == 'passed' else 'FAIL '} {result.path}{title}")
        for request in result.requests:
            if request.passed and quiet:
                continue
            mark = "ok  " if request.passed else "FAIL"
            got = request.decision + (f" ({request.error})" if request.error else "")
            wanted = request.expected or "-"
            if request.expected_error:
                wanted += f" ({request.expected_error})"
            lines.append(f"      {mark} request {request.index}: {got}"
                         + ("" if request.passed else f", expected {wanted}")
                         + f" — {request.summary}")
        if result.question is not None:
            q = result.question
            mark = "ok  " if q["passed"] else "FAIL"
            lines.append(f"      {mark} question: options reaching {q.get('want', 'Allow')}: "
                         f"{', '.join(q['reaching']) or 'none'}; answer key: "
                         f"{', '.join(q['answer']) or 'none'}")
            for label, option in sorted((q.get("options") or {}).items()):
                text = f" {option['text']}" if option.get("text") else ""
                lines.append(f"           {label}.{text}")
                lines.append(f"              → {option['decision']} — {option['summary']}")
    wrong = sum(1 for r in results if r.question is not None and not r.question["passed"])
    lines.append(
        f"{summary['files']} scenario(s), {summary['requests']} request(s): "
        f"{summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['errors']} unusable"
        + (f"; {wrong} question(s) whose answer key is wrong" if wrong else ""))
    return "\n".join(lines)


def render_decision(decision: Decision, indent: str = "", card: list[str] = ()) -> str:
    """The decision as a learner reads it: verdict first, then why, then the step ladder."""
    out = []
    verdict = VERDICTS[decision.outcome]
    error = f" — {decision.error}" if decision.error else ""
    out.append(f"{indent}Verdict: {verdict}{error}")
    out.append(f"{indent}Why: {decision.summary}")
    out.extend(card)
    if decision.invalid:
        out.append(f"{indent}Rejected before any authorisation:")
        out.extend(f"{indent}  - {item}" for item in decision.invalid)
    if decision.parts:
        for number, part in enumerate(decision.parts):
            out.append(f"{indent}Authorisation {number + 1}: {part.action} on {part.resource}")
            out.append(render_decision(part, indent + "  "))
        return "\n".join(out)
    if decision.steps:
        out.append(f"{indent}Steps:")
        for step in decision.steps:
            marker = "▶" if step.deciding else " "
            out.append(f"{indent} {marker} {step.name:<34} {step.outcome:<6} {step.detail}")
    if decision.matched:
        out.append(f"{indent}Statements that decided it:")
        out.extend(f"{indent}  - {ref}" for ref in decision.matched)
    if decision.near_misses:
        out.append(f"{indent}Near misses (would have applied but for one thing):")
        for miss in decision.near_misses:
            expected = json.dumps(miss.expected, default=str)
            actual = json.dumps(miss.actual, default=str)
            note = f" ({miss.note})" if miss.note else ""
            out.append(f"{indent}  - {miss.statement}: {miss.element} expected {expected}, "
                       f"got {actual}{note}")
    if decision.absent_keys:
        out.append(f"{indent}Condition keys the request does not carry: "
                   + ", ".join(decision.absent_keys))
    if decision.unevaluated:
        out.append(f"{indent}Not evaluated:")
        out.extend(f"{indent}  - {item}" for item in decision.unevaluated)
    if decision.assumptions:
        out.append(f"{indent}Where AWS documentation is ambiguous, this decision assumes:")
        out.extend(f"{indent}  - {item}" for item in decision.assumptions)
    return "\n".join(out)


def render_card(decision: Decision, spec) -> list[str]:
    """The request as AWS sees it: caller, accounts, how the key was named, via which service,
    which context keys were present."""
    keys = decision.context
    caller = spec.principal
    kind = keys.get("aws:principaltype", "AWS service" if "aws:principalservicename" in keys
                    else "")
    lines = ["The request as AWS sees it:",
             f"  caller     {caller} ({kind}"
             + (f", role {keys['aws:principalarn']}" if kind == "AssumedRole" else "")
             + (f", account {keys['aws:principalaccount']})" if "aws:principalaccount" in keys
                else ")")]
    target = spec.action or f"operation {spec.operation}"
    lines.append(f"  asks for   {target}")
    resource = decision.parts[0].resource if decision.parts else decision.resource
    named = spec.key or spec.resource or "*"
    where = ""
    if "aws:resourceaccount" in keys and "aws:principalaccount" in keys:
        where = (" — same account" if keys["aws:resourceaccount"] == keys["aws:principalaccount"]
                 else f" — another account ({keys['aws:resourceaccount']})")
    resolved = f" → {resource}" if resource and resource != named else ""
    lines.append(f"  key        named as {named}{resolved}{where}")
    via = keys.get("kms:viaservice")
    lines.append("  via        " + (f"{via} (kms:ViaService)" if via else
                                     "a direct call (no kms:ViaService)"))
    shown = {k: v for k, v in sorted(keys.items())
             if k.startswith(("kms:encryptioncontext", "kms:requestalias", "aws:sourceip",
                              "aws:sourcevpc", "aws:sourcearn", "aws:multifactor"))}
    if shown:
        lines.append("  carries    " + ", ".join(f"{k}={json.dumps(v)}" for k, v in shown.items()))
    if decision.absent_keys:
        lines.append("  lacks      " + ", ".join(decision.absent_keys)
                     + " (tested by a policy, absent from the request)")
    return lines


def render_tables(decision: Decision) -> list[str]:
    """For each statement that covers the action: a match table, element by element."""
    lines = []
    for table in decision.tables:
        verdict = "applies" if table.applies else "does not apply"
        lines.append(f"  {table.statement} — {verdict}")
        for row in table.rows:
            mark = "✓" if row.passed else "✗"
            note = f"  ({row.note})" if row.note else ""
            lines.append(f"    {mark} {row.element}: expected {json.dumps(row.expected)}, "
                         f"actual {json.dumps(row.actual, default=str)}{note}")
    return lines


def render_explanation(scenario, index: int, spec, decision: Decision, fixes=()) -> str:
    """A learner's explanation: verdict, the request card, the ladder, the match tables, and
    what would change the answer."""
    target = spec.action or f"operation {spec.operation}"
    on = f" on {spec.key}" if spec.key else (f" on {spec.resource}" if spec.resource else "")
    card = render_card(decision, spec) if decision.context else []
    lines = [f"Scenario: {scenario.scenario}",
             f"Request {index}: {spec.principal} → {target}{on}",
             render_decision(decision, card=card)]
    if decision.tables:
        lines.append("How each statement covering the action compared:")
        lines.extend(render_tables(decision))
    if decision.allowed and decision.allowed_by:
        lines.append("What opens it:")
        lines.extend(f"  - {reason.text}" for reason in decision.allowed_by)
    if fixes:
        lines.append("What would allow this (each checked by deciding again):")
        for fix in fixes:
            lines.append(f"  - {fix.text}")
            lines.extend(f"      {json.dumps(change)}" for change in fix.changes)
    if spec.expect is not None or spec.expect_error is not None:
        holds = (spec.expect in (None, decision.outcome)
                 and spec.expect_error in (None, decision.error))
        wanted = spec.expect or ""
        if spec.expect_error:
            wanted += f" ({spec.expect_error})"
        lines.append(f"Expected: {wanted.strip()} — {'holds' if holds else 'DOES NOT HOLD'}")
    return "\n".join(lines)

"""Exam questions: each option changes its own copy of the world; which reach ``want``?

The question passes when the set of options whose decision equals ``want`` is exactly the
answer key. A question whose answer key is wrong is reported with each option's decision and
one line of why.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ScenarioError
from ..kms.requests import authorize
from ..kms.world import default_key_policy
from .build import to_request, to_world


def check_question(scenario, world=None) -> dict:
    question = scenario.question
    options: dict[str, dict] = {}
    for label, option in question.options.items():
        variant = scenario.model_copy(deep=True)
        request = variant.requests[question.request]
        for number, change in enumerate(option.changes):
            where = f"question/options/{label}/changes/{number}"
            request = apply_change(variant, request, change, where)
        decision = authorize(to_world(variant), to_request(request))
        options[label] = {"decision": decision.outcome, "error": decision.error,
                          "summary": decision.summary, "text": option.text}
    reaching = sorted(label for label, result in options.items()
                      if result["decision"] == question.want)
    answer = sorted(question.answer)
    return {"answer": answer, "reaching": reaching, "passed": reaching == answer,
            "want": question.want, "options": options}


# -- change operations -----------------------------------------------------------------------


def apply_change(scenario, request, change, where: str):
    """Apply one change to ``scenario`` (a deep copy); returns the (possibly new) request."""
    operation, body = change.operation, change.body
    if operation == "set_request":
        return request.model_copy(update=_request_updates(request, body.updates()))
    if operation == "set_organization":
        scenario.organization = None if body is None else _merged_organization(scenario, body)
        return request
    if operation in ("add_statement", "remove_statement", "set_policy") and body.key:
        key = _key(scenario, body.key, where)
        if operation == "add_statement":
            policy = _policy_value(key.policy, key.arn)
            policy["Statement"].append(body.statement)
            key.policy = policy
        elif operation == "remove_statement":
            key.policy = _without_sid(_policy_value(key.policy, key.arn), body.sid)
        else:
            key.policy = body.policy
        return request
    if operation in ("add_statement", "remove_statement", "set_policy", "set_boundary"):
        principal = _principal(scenario, body.principal)
        if operation == "add_statement":
            if not principal.policies:
                principal.policies = [{"Version": "2012-10-17", "Statement": []}]
            first = _policy_value(principal.policies[0], None)
            first["Statement"].append(body.statement)
            principal.policies[0] = first
        elif operation == "remove_statement":
            principal.policies = [_without_sid(_policy_value(p, None), body.sid)
                                  for p in principal.policies]
        elif operation == "set_policy":
            if "policies" in body.model_fields_set:
                principal.policies = list(body.policies or [])
            else:
                principal.policies = [body.policy] if body.policy is not None else []
        else:
            principal.boundary = body.policy
        return request
    if operation == "add_grant":
        _key(scenario, body.key, where).grants.append(body.grant)
        return request
    if operation == "remove_grant":
        key = _key(scenario, body.key, where)
        remaining = [grant for grant in key.grants if grant.id != body.id]
        if len(remaining) == len(key.grants):
            raise ScenarioError(f"key {key.arn} has no grant {body.id!r}", json_path=where)
        key.grants = remaining
        return request
    if operation == "set_key":
        key = _key(scenario, body.key, where)
        for name, value in body.updates().items():
            setattr(key, name, value)
        return request
    raise ScenarioError(f"unknown change {operation!r}", json_path=where)  # pragma: no cover


def _key(scenario, arn: str, where: str):
    for key in scenario.keys:
        if key.arn == arn:
            return key
    raise ScenarioError(f"the world has no key {arn}", json_path=where)


def _principal(scenario, arn: str):
    for principal in scenario.principals:
        if principal.arn == arn:
            return principal
    from .models import Principal

    created = Principal(arn=arn)
    scenario.principals.append(created)
    return created


def _policy_value(policy: Any, key_arn: str | None) -> dict:
    """A policy as a fresh dict with a list of statements (strings parsed, default filled in)."""
    if policy is None:
        account = key_arn.split(":")[4] if key_arn else None
        policy = default_key_policy(account) if account else {"Version": "2012-10-17",
                                                              "Statement": []}
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"cannot change a policy that is not JSON: {error.msg}") from None
    policy = json.loads(json.dumps(policy))
    statements = policy.get("Statement", [])
    policy["Statement"] = statements if isinstance(statements, list) else [statements]
    return policy


def _without_sid(policy: dict, sid: str) -> dict:
    policy["Statement"] = [s for s in policy["Statement"]
                           if not (isinstance(s, dict) and s.get("Sid") == sid)]
    return policy


def _request_updates(request, updates: dict) -> dict:
    if "action" in updates:
        updates.setdefault("operation", None)
    if "operation" in updates:
        updates.setdefault("action", None)
    return updates


def _merged_organization(scenario, body):
    from .models import Organization

    current = scenario.organization.model_dump() if scenario.organization is not None else {}
    current.update(body.updates())
    return Organization.model_validate(current)

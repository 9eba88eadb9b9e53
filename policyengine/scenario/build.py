"""Scenario models (pydantic, the file format) → the engine's World and Requests."""

from __future__ import annotations

from typing import Any, Callable

from ..kms.world import Grant, Key, Organization, Principal, Request, World

Locator = Callable[[str], "tuple[int, int] | None"]


def to_world(scenario, position: Locator | None = None) -> World:
    """Build the World a scenario describes; ``position`` maps file JSON paths to lines."""
    keys = []
    for index, key in enumerate(scenario.keys or ()):
        built = Key(
            arn=key.arn, policy=key.policy, aliases=tuple(key.aliases or ()),
            tags=dict(key.tags or {}), spec=key.spec, usage=key.usage, origin=key.origin,
            state=key.state, manager=key.manager, multi_region=key.multi_region,
            multi_region_type=key.multi_region_type,
            rotation=key.rotation.model_dump() if key.rotation is not None else None,
            grants=tuple(to_grant(grant, key.arn) for grant in key.grants or ()),
        )
        if key.policy is not None:
            _locate(built.policy, position, f"keys/{index}/policy", key.policy)
        keys.append(built)
    principals = []
    for index, principal in enumerate(scenario.principals or ()):
        built = Principal(arn=principal.arn, policies=tuple(principal.policies or ()),
                          boundary=principal.boundary, tags=dict(principal.tags or {}),
                          id=principal.id, service_linked=bool(principal.service_linked))
        for number, doc in enumerate(built.policies):
            _locate(doc, position, f"principals/{index}/policies/{number}",
                    principal.policies[number])
        if built.boundary is not None:
            _locate(built.boundary, position, f"principals/{index}/boundary", principal.boundary)
        principals.append(built)
    return World(keys, principals, to_organization(scenario.organization), scenario.now)


def to_grant(grant, key_arn: str) -> Grant:
    constraints = grant.constraints
    return Grant(
        id=grant.id, name=grant.name, operations=frozenset(grant.operations or ()),
        grantee=grant.grantee, grantee_service=grant.grantee_service,
        retiring=grant.retiring, retiring_service=grant.retiring_service,
        encryption_context_equals=_pairs(constraints, "encryption_context_equals"),
        encryption_context_subset=_pairs(constraints, "encryption_context_subset"),
        source_arn=getattr(constraints, "source_arn", None) if constraints else None,
        issuing_account=grant.issuing_account, token=grant.token, pending=bool(grant.pending),
    )


def _pairs(constraints, name: str) -> dict | None:
    value = getattr(constraints, name, None) if constraints is not None else None
    return dict(value) if value is not None else None


def to_organization(organization) -> Organization | None:
    if organization is None:
        return None
    return Organization(id=organization.id, management_account=organization.management_account,
                        accounts=frozenset(organization.accounts or ()),
                        scps=_levels(organization.scps), rcps=_levels(organization.rcps))


def _levels(value: Any):
    if value is None:
        return ()
    levels = getattr(value, "levels", None)
    if levels is not None:
        return {"levels": [list(level) for level in levels]}
    return list(value)


def to_request(request) -> Request:
    return Request(
        principal=request.principal, action=request.action, operation=request.operation,
        key=request.key, resource=request.resource,
        encryption_context=dict(request.encryption_context)
        if request.encryption_context is not None else None,
        grant_tokens=tuple(request.grant_tokens or ()), params=dict(request.params or {}),
        context=dict(request.context or {}), credentials=request.credentials,
        session_policy=request.session_policy, vpc_endpoint_policy=request.vpc_endpoint_policy,
    )


def _locate(doc, position: Locator | None, prefix: str, source: Any) -> None:
    """Point the policy's JSON paths into the scenario file (objects written inline)."""
    if position is None or isinstance(source, str):
        return
    doc.locate = lambda json_path: position(f"{prefix}/{json_path}" if json_path else prefix)

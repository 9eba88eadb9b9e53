"""Grants: who a grant covers, what it allows, and its constraints (§6 of the semantics).

* A grant allows only; explicit denies elsewhere override it (handled by the authorizer).
* Encryption-context constraints apply only to operations that take an encryption context;
  keys compare without regard to case, values exactly (API ``GrantConstraints``; ambiguity 1).
* ``SourceArn`` requires ``aws:SourceArn`` to equal it, for every operation but RetireGrant.
* A pending grant (not yet consistent) works only when the request carries its token.
* ``CreateGrant`` from a grant: the child's operations must be a subset of the parent's and its
  constraints at least as strict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..language.principals import Caller
from . import catalog
from .world import Grant, Key, Request

NO_CONSTRAINT_OPERATIONS = {"DescribeKey", "RetireGrant"}  # constraints are ignored for these


@dataclass(frozen=True, slots=True)
class GrantCheck:
    grant: Grant
    allows: bool
    why: str  # why it does or does not allow


def covers(grant: Grant, caller: Caller, *, delegated: Callable[[], bool]) -> tuple[bool, str]:
    """Does the grant's grantee cover the caller?

    A role grantee covers the role's sessions; an account grantee covers its root user, and its
    other principals when their IAM policies allow the operation (``delegated``; ambiguity 8).
    """
    if grant.grantee_service is not None:
        return caller.is_service and caller.arn == grant.grantee_service, "grantee service"
    grantee = grant.grantee or ""
    if caller.is_service:
        return False, "the caller is a service principal"
    if grantee == caller.arn:
        return True, "the caller is the grantee"
    if caller.kind == "role-session" and grantee == caller.role_arn:
        return True, "the grantee is the caller's role"
    if grantee == caller.root_arn or grantee == caller.account:
        if caller.kind == "root":
            return True, "the grantee is the caller's account"
        if delegated():
            return True, "the grantee is the caller's account, whose IAM policy allows it"
        return False, "the grantee is the caller's account, but no IAM policy delegates it"
    return False, f"the grantee is {grantee or grant.grantee_service}"


def _fold(context: dict | None) -> dict[str, str]:
    return {str(k).lower(): v for k, v in (context or {}).items()}


def context_satisfies(grant: Grant, context: dict | None) -> tuple[bool, str]:
    request = _fold(context)
    if grant.encryption_context_equals is not None:
        wanted = _fold(grant.encryption_context_equals)
        if request == wanted:
            return True, ""
        return False, (f"EncryptionContextEquals {grant.encryption_context_equals} does not equal "
                       f"the request's context {context or {}}")
    if grant.encryption_context_subset is not None:
        wanted = _fold(grant.encryption_context_subset)
        missing = {k: v for k, v in wanted.items() if request.get(k) != v}
        if not missing:
            return True, ""
        return False, (f"EncryptionContextSubset {grant.encryption_context_subset}: the request's "
                       f"context {context or {}} lacks {missing}")
    return True, ""


def at_least_as_strict(parent: Grant, child: dict) -> tuple[bool, str]:
    """Are a requested grant's constraints at least as strict as its parent grant's?"""
    constraints = child.get("Constraints") or {}
    equals = constraints.get("EncryptionContextEquals")
    subset = constraints.get("EncryptionContextSubset")
    if parent.source_arn and constraints.get("SourceArn") != parent.source_arn:
        return False, f"the parent grant's SourceArn {parent.source_arn} is not kept"
    if parent.encryption_context_equals is not None:
        if equals is None or _fold(equals) != _fold(parent.encryption_context_equals):
            return False, "the parent's EncryptionContextEquals must be kept exactly"
        return True, ""
    if parent.encryption_context_subset is not None:
        pairs = equals if equals is not None else subset
        if pairs is None:
            return False, "the parent's EncryptionContextSubset cannot be dropped"
        have = _fold(pairs)
        if any(have.get(k) != v for k, v in _fold(parent.encryption_context_subset).items()):
            return False, "the child must keep every pair of the parent's constraint"
    return True, ""


def check_grant(grant: Grant, key: Key, caller: Caller, operation: str, request: Request,
                context: dict | None, keys: dict, *,
                delegated: Callable[[], bool]) -> GrantCheck:
    """Does ``grant`` allow ``caller`` the grant operation ``operation`` on ``key``?"""
    if grant.pending and grant.token not in request.grant_tokens:
        return GrantCheck(grant, False, "the grant is not yet effective and the request does "
                                        "not carry its grant token")
    if operation not in grant.operations:
        return GrantCheck(grant, False, f"the grant does not list {operation}")
    covered, why = covers(grant, caller, delegated=delegated)
    if not covered:
        return GrantCheck(grant, False, why)
    if operation == "CreateGrant":
        params = request.params or {}
        requested = set(params.get("Operations") or ())
        extra = requested - grant.operations
        if extra:
            return GrantCheck(grant, False, "a grant can only create grants for its own "
                                            f"operations; {sorted(extra)} are not in it")
        strict, why = at_least_as_strict(grant, params)
        if not strict:
            return GrantCheck(grant, False, why)
    elif operation not in NO_CONSTRAINT_OPERATIONS:
        info = catalog.action("kms:" + operation)
        if info is not None and info.encryption_context:
            ok, why = context_satisfies(grant, context)
            if not ok:
                return GrantCheck(grant, False, why)
    if grant.source_arn and operation != "RetireGrant":
        source = keys.get("aws:sourcearn")
        if source != grant.source_arn:
            return GrantCheck(grant, False, f"SourceArn constraint {grant.source_arn} does not "
                                            f"match aws:SourceArn {source!r}")
    return GrantCheck(grant, True, f"grant {grant.id} allows {operation}")

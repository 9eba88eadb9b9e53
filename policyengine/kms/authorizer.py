"""The decision procedure for one KMS permission on one resource (§4.7 of the semantics).

    explicit Deny in any layer (key policy, identity policies, boundary, session policy, SCPs,
    RCPs, VPC endpoint policy)                                  -> ExplicitDeny, over grants too
    RCP levels, SCP levels, VPC endpoint policy must allow      -> else ImplicitDeny
    IAM-only permission:   identity policy allows (capped by boundary and session policy)
    key permission, same account:
        key policy names the caller (a role: capped by boundary / session policy), or
        key policy names the account AND an identity policy allows (capped), or
        a grant allows
    key permission, other account (only for operations that work across accounts):
        key policy names the caller, its account or "*" AND an identity policy in the caller's
        account allows (capped), or a grant allows (ambiguity 7)
    kms:RetireGrant: the grant's retiring principal, its grantee when it lists RetireGrant, or
        the issuing account and the principals it delegates to through IAM (§6.6)

There is one procedure: explanations re-run it with ``trace=True`` to collect near misses,
absent keys and the step ladder, which the fast path never computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..decision import (CheckRow, Decision, Effect, NearMiss, Reason, StatementRef,
                        StatementTable, Step)
from ..language.context import RequestContext
from ..language.evaluate import (NOTHING_PREPARED, PolicyOutcome, Prepared, StatementHit,
                                 applying, outcome_of, prepare_policy, trace_policy)
from ..language.principals import ACCOUNT, Caller
from . import catalog
from .context import key_keys, request_keys
from .grants import check_grant
from .world import Key, PolicyDoc, Principal, Request, World


@dataclass(slots=True)
class Part:
    """One authorisation an API call needs: a permission on a resource."""

    action: str  # "kms:Decrypt"
    key: Key | None  # the key, for permissions on a key
    resource: str  # key ARN, alias ARN or "*"
    alias: str | None = None  # kms:RequestAlias, when the key was named by an alias
    encryption_context: dict | None = None
    same_key: bool | None = None  # kms:ReEncryptOnSameKey
    missing: str | None = None  # why the resource could not be found
    role: str = "key"  # which resource of the operation (catalogue: source_key, new_key, ...)
    plan: Any = field(default=None, repr=False, compare=False)  # its _Plan, once known

    def with_context(self, encryption_context: dict | None) -> "Part":
        """The same authorisation, asked with ``encryption_context``."""
        return Part(self.action, self.key, self.resource, self.alias, encryption_context,
                    self.same_key, self.missing, self.role, self.plan)


@dataclass(slots=True)
class Who:
    """The caller of a request, with what is attached to it (computed once per request)."""

    caller: Caller
    record: Principal | None
    keys: dict  # the caller's condition keys
    times: dict  # aws:CurrentTime and the other keys that depend on the moment
    session: PolicyDoc | None
    endpoint: PolicyDoc | None


@dataclass
class _Layers:
    """The outcome of every policy in play for one part."""

    key_policy: PolicyOutcome | None = None
    identity: list[tuple[PolicyDoc, PolicyOutcome]] = field(default_factory=list)
    boundary: PolicyOutcome | None = None
    session: PolicyOutcome | None = None
    scps: list[list[tuple[PolicyDoc, PolicyOutcome]]] = field(default_factory=list)
    rcps: list[list[tuple[PolicyDoc, PolicyOutcome]]] = field(default_factory=list)
    endpoint: PolicyOutcome | None = None


def ref(doc: PolicyDoc, hit_or_statement, *, positions: bool = False) -> StatementRef:
    statement = getattr(hit_or_statement, "statement", hit_or_statement)
    line = column = None
    if positions:
        where = doc.position(statement.path)
        if where:
            line, column = where
    return StatementRef(doc.label, "Allow" if statement.allow else "Deny", statement.label,
                        statement.path, statement.sid, line, column)


def decide(world: World, who: Who, part: Part, request: Request, *,
           trace: bool = False, memo: bool = False) -> Decision:
    """Decide one permission on one resource.

    ``memo``: the decision may come from the plan's memo, shared with earlier requests whose
    conditions and grants came out the same (treat it as read-only).
    """
    info = catalog.action(part.action)
    if part.missing:
        decision = Decision(Effect.IMPLICIT_DENY, action=part.action, resource=part.resource)
        decision.notes.append(part.missing)
        decision.error = "NotFoundException"
        return decision
    plan = part.plan or _plan(world, who, part, info)
    ctx = _context(plan, who, part, request, info)
    applies = tuple([None if found is None else applying(found, ctx) for found in plan.slots])
    grants = _Grants(who, part, request, ctx, info, lambda: _iam_allowed(
        who.caller, plan, applies)) if plan.grantable else ()
    if not memo or trace or plan.memo is None or part.action == "kms:RetireGrant":
        return _interpret(world, who, part, request, plan, _layers(plan, applies), grants, ctx,
                          info, trace)
    # Everything else _interpret reads is fixed by the plan: which statements applied decide,
    # and, when the policies leave it to the grants, the grants' verdicts.
    found = plan.memo.get(applies)
    if found is None:
        if len(plan.memo) >= 256:
            plan.memo.clear()
        decision = _interpret(world, who, part, request, plan, _layers(plan, applies), grants,
                              ctx, info, False)
        found = plan.memo[applies] = ({grants.verdicts(): decision} if grants and grants.used
                                      else decision)
    if isinstance(found, Decision):
        return found
    verdicts = grants.verdicts()
    decision = found.get(verdicts)
    if decision is None:
        if len(found) >= 256:
            found.clear()
        decision = found[verdicts] = _interpret(world, who, part, request, plan,
                                                _layers(plan, applies), grants, ctx, info, False)
    return decision


class _Grants:
    """The verdict of each grant of the key, checked when the decision first needs them."""

    __slots__ = ("_args", "_checks", "used")

    def __init__(self, who: Who, part: Part, request: Request, ctx: RequestContext, info,
                 delegated) -> None:
        self._args = (who, part, request, ctx, info, delegated)
        self._checks: tuple | None = None
        self.used = False

    def __iter__(self):
        """(grant, check) for each grant, when grants can allow the permission."""
        self.used = True
        if self._checks is None:
            self._checks = _grant_checks(*self._args)
        return iter(self._checks)

    def verdicts(self) -> tuple:
        return tuple((check.allows, check.why) for _grant, check in self)


def _interpret(world: World, who: Who, part: Part, request: Request, plan: _Plan,
               layers: _Layers, grants, ctx: RequestContext, info, trace: bool) -> Decision:
    """The decision, from the outcome of every policy in play and of the grants."""
    docs = plan.docs
    decision = Decision(Effect.IMPLICIT_DENY, action=part.action, resource=part.resource)
    _record_invalid(decision, docs)
    if trace:
        _trace(decision, docs, ctx)
    else:
        for doc, outcome in _all_outcomes(docs, layers):
            decision.unevaluated.extend(f"{doc.label} {st.label}: {'; '.join(st.problems)}"
                                        for st in outcome.unevaluated)

    # 1. explicit deny anywhere
    denies = _denies(docs, layers)
    if denies:
        decision.effect = Effect.EXPLICIT_DENY
        for doc, hit in denies:
            decision.matched.append(ref(doc, hit, positions=trace))
            layer = _layer_name(doc)
            if layer not in decision.blocked_by:
                decision.blocked_by.append(layer)
        decision.notes.append(f"explicitly denied by {denies[0][0].label} "
                              f"({denies[0][1].statement.label})")
        _step(decision, trace, "explicit deny", "deny", decision.notes[-1], deciding=True)
        return decision
    _step(decision, trace, "explicit deny", "pass", "no Deny statement applies")

    # 2. organization guardrails and the VPC endpoint policy must allow
    for name, levels in (("RCP", layers.rcps), ("SCP", layers.scps)):
        for depth, level in enumerate(levels):
            if not any(outcome.allows for _doc, outcome in level):
                decision.blocked_by.append(name)
                decision.notes.append(f"no {name} at level {depth} of the organization allows "
                                      f"{part.action}")
                if name == "SCP":
                    decision.assumptions.append("13: an SCP without a matching Allow is an "
                                                "implicit deny")
                _step(decision, trace, name, "deny", decision.notes[-1], deciding=True)
                return decision
        applies = bool(levels)
        _step(decision, trace, name, "pass" if applies else "skip",
              f"every {name} level allows" if applies else f"no {name} applies")
    if docs.get("endpoint") is not None and not layers.endpoint.allows:
        decision.blocked_by.append("VPC endpoint policy")
        decision.notes.append("the VPC endpoint policy does not allow the request")
        _step(decision, trace, "VPC endpoint policy", "deny", decision.notes[-1], deciding=True)
        return decision

    # 3. the granting mechanisms
    iam = _iam_allows(who.caller, layers)
    capped = _caps_allow(layers)
    if not _on_key(part, info):
        _decide_iam_only(decision, docs, layers, iam, capped, trace)
    elif part.action == "kms:RetireGrant":
        _decide_retire(decision, world, who, part, request, docs, layers, iam, capped, ctx, trace)
    else:
        _decide_key(decision, who, part, docs, layers, iam, capped, grants, info, trace)
    if trace and not any(step.deciding for step in decision.steps):
        _step(decision, trace, "implicit deny", "deny",
              "no key-policy statement, IAM policy or grant allows the request", deciding=True)
    return decision


# -- context and policies -----------------------------------------------------------------------


def _on_key(part: Part, info) -> bool:
    """A key permission on a key: the key policy, grants and key-property keys take part."""
    return part.key is not None and info is not None and info.policy != "iam"


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a decision needs that depends only on the caller, the permission and the resource:
    the policies in play, their statements matched on action, principal and resource (only
    conditions are left for each request), and the condition keys of the caller and the key."""

    docs: dict[str, Any]
    slots: tuple[Prepared | None, ...]  # key, identity..., boundary, session, endpoint, SCPs, RCPs
    base: dict[str, Any]
    grantable: bool  # the key has grants and they can allow the permission
    memo: dict | None  # outcome -> decision (None: the plan is not cached)


def plan_of(world: World, who: Who, part: Part) -> _Plan:
    """The plan of ``part`` (see :class:`_Plan`)."""
    return _plan(world, who, part, catalog.action(part.action))


def _plan(world: World, who: Who, part: Part, info) -> _Plan:
    """The plan of ``part`` for ``who`` (cached per world, except for requests that carry their
    own session or VPC endpoint policy)."""
    if who.session is not None or who.endpoint is not None:
        return _make_plan(world, who, part, info, memo=None)
    index = ("plan", who.caller.arn, part.key.arn if part.key else None, part.action,
             part.resource)
    found = world.cache.get(index)
    if found is None:
        found = world.cache[index] = _make_plan(world, who, part, info, memo={})
    return found


def _make_plan(world: World, who: Who, part: Part, info, memo: dict | None) -> _Plan:
    docs = _find_docs(world, who, part, info)

    def prepare(doc: PolicyDoc | None, resource_policy: bool = False) -> Prepared | None:
        if doc is None or doc.compiled is None:
            return None if doc is None else NOTHING_PREPARED
        return prepare_policy(doc.compiled, who.caller, part.action, part.resource,
                              resource_policy=resource_policy)

    slots = (prepare(docs.get("key"), True), *(prepare(doc) for doc in docs["identity"]),
             prepare(docs.get("boundary")), prepare(docs.get("session")),
             prepare(docs.get("endpoint"), True),
             *(prepare(doc) for level in docs["scps"] for doc in level),
             *(prepare(doc, True) for level in docs["rcps"] for doc in level))
    base = dict(who.keys)
    if _on_key(part, info):
        base.update(key_keys(world, part.key))
    grantable = bool(_on_key(part, info) and info.grant_operation and part.key.grants
                     and part.action != "kms:RetireGrant")
    return _Plan(docs, slots, base, grantable, memo)


def _context(plan: _Plan, who: Who, part: Part, request: Request, info) -> RequestContext:
    """The request context: the plan's caller and key keys, the time keys, the request's own
    keys, then what the request gives explicitly (the time keys share no name with the key's,
    so the order of the layers is the documented one)."""
    keys = {**plan.base, **who.times, **request_keys(
        part.action, request, alias=part.alias, encryption_context=part.encryption_context,
        takes_context=bool(info and info.encryption_context), same_key=part.same_key)}
    for name, value in (request.context or {}).items():
        keys[name.lower()] = value
    return RequestContext(who.caller, part.action, part.resource, keys)


def _find_docs(world: World, who: Who, part: Part, info) -> dict[str, Any]:
    caller, record = who.caller, who.record
    key = part.key
    docs: dict[str, Any] = {"identity": [], "scps": [], "rcps": []}
    if _on_key(part, info):
        docs["key"] = key.policy
    if record is not None and not caller.is_service:
        docs["identity"] = list(record.policies)
        docs["boundary"] = record.boundary
    if caller.kind in ("role-session", "federated-user"):
        docs["session"] = who.session
    docs["endpoint"] = who.endpoint
    org = world.organization
    service_linked = bool(record and record.service_linked)
    if org is not None:
        if (org.member(caller.account) and caller.account != org.management_account
                and not service_linked and not caller.is_service):
            docs["scps"] = [list(level) for level in org.scps]
        if (key is not None and docs.get("key") is not None and org.member(key.account)
                and key.account != org.management_account and not key.aws_managed
                and part.action != "kms:RetireGrant" and not service_linked):
            docs["rcps"] = [list(level) for level in org.rcps]
    return docs


def _layers(plan: _Plan, applies: tuple) -> _Layers:
    """The outcome of every policy in play, from which of its statements apply."""
    docs = plan.docs
    outcomes = iter([None if found is None else outcome_of(found, applied)
                     for found, applied in zip(plan.slots, applies)])
    layers = _Layers()
    layers.key_policy = next(outcomes)
    layers.identity = [(doc, next(outcomes)) for doc in docs["identity"]]
    layers.boundary, layers.session, layers.endpoint = next(outcomes), next(outcomes), next(
        outcomes)
    layers.scps = [[(doc, next(outcomes)) for doc in level] for level in docs["scps"]]
    layers.rcps = [[(doc, next(outcomes)) for doc in level] for level in docs["rcps"]]
    return layers


def _iam_allowed(caller: Caller, plan: _Plan, applies: tuple) -> bool:
    """Does an identity policy allow (what :func:`_iam_allows` finds, without building it)?"""
    if caller.kind == "root":
        return True
    end = 1 + len(plan.docs["identity"])
    return any(applied and statement.allow
               for found, bits in zip(plan.slots[1:end], applies[1:end])
               for (statement, _match, _dynamic), applied in zip(found.entries, bits))


def _all_outcomes(docs: dict, layers: _Layers):
    if layers.key_policy is not None:
        yield docs["key"], layers.key_policy
    yield from layers.identity
    for name in ("boundary", "session", "endpoint"):
        outcome = getattr(layers, name)
        if outcome is not None:
            yield docs[name], outcome
    for level in layers.scps + layers.rcps:
        yield from level


def _denies(docs: dict, layers: _Layers) -> list[tuple[PolicyDoc, StatementHit]]:
    return [(doc, hit) for doc, outcome in _all_outcomes(docs, layers) for hit in outcome.denies
            if not (doc.policy_type == "key" and hit.principal.kind == "self")]


def _layer_name(doc: PolicyDoc) -> str:
    return {"key": "key policy", "identity": "identity policy", "boundary":
            "permissions boundary", "session": "session policy", "scp": "SCP", "rcp": "RCP",
            "endpoint": "VPC endpoint policy"}[doc.policy_type]


def _record_invalid(decision: Decision, docs: dict) -> None:
    seen = []
    for name in ("key", "boundary", "session", "endpoint"):
        if docs.get(name) is not None:
            seen.append(docs[name])
    seen += docs["identity"] + [d for level in docs["scps"] + docs["rcps"] for d in level]
    for doc in seen:
        for violation in doc.violations:
            where = f" at {violation.json_path}" if violation.json_path else ""
            decision.invalid.append(f"{doc.label}{where}: {violation.message} "
                                    f"({violation.aws_error})")


def _iam_allows(caller: Caller, layers: _Layers) -> list[tuple[PolicyDoc, StatementHit]]:
    """Identity-policy allows; the root user's identity allows everything (it has no policies)."""
    hits = [(doc, hit) for doc, outcome in layers.identity for hit in outcome.allows]
    if caller.kind == "root" and not hits:
        return [(None, None)]
    return hits


def _caps_allow(layers: _Layers) -> tuple[bool, list[str]]:
    """Do the permissions boundary and the session policy (where present) allow?"""
    blocked = []
    if layers.boundary is not None and not layers.boundary.allows:
        blocked.append("permissions boundary")
    if layers.session is not None and not layers.session.allows:
        blocked.append("session policy")
    return not blocked, blocked


def _iam_reason(docs, iam) -> tuple[StatementRef, ...]:
    return tuple(ref(doc, hit) for doc, hit in iam if doc is not None)


def _decide_iam_only(decision: Decision, docs, layers, iam, capped, trace) -> None:
    ok, caps = capped
    if iam and ok:
        decision.effect = Effect.ALLOW
        refs = _iam_reason(docs, iam)
        text = (f"IAM allows {decision.action}" if refs else
                f"the account root user may {decision.action} (IAM-only permission)")
        decision.allowed_by.append(Reason("iam", text, refs))
        decision.matched.extend(refs)
        _step(decision, trace, "IAM", "allow", text, deciding=True)
        return
    if iam:
        decision.blocked_by.extend(caps)
        decision.notes.append(f"an identity policy allows {decision.action}, but the "
                              f"{' and the '.join(caps)} does not")
    else:
        decision.notes.append(f"{decision.action} is an IAM permission and no identity policy "
                              "allows it")
    _step(decision, trace, "IAM", "deny", decision.notes[-1], deciding=True)


def _decide_key(decision: Decision, who: Who, part: Part, docs, layers, iam, capped, grants,
                info, trace) -> None:
    caller = who.caller
    key = part.key
    kp = layers.key_policy or _empty()
    direct = [h for h in kp.allows if h.principal.direct]
    account = [h for h in kp.allows if h.principal.kind == ACCOUNT]
    ok, caps = capped
    cross = not caller.is_service and caller.account != key.account
    kp_doc = docs["key"]

    if cross and not info.cross_account:
        decision.notes.append(f"{part.action} cannot be used on a KMS key in another account")
        _step(decision, trace, "cross-account", "deny", decision.notes[-1], deciding=True)
        return

    if not cross:
        usable = [h for h in direct if h.principal.kind != "role" or ok]
        if usable:
            hit = usable[0]
            text = (f"the key policy allows {hit.principal.value} ({hit.statement.label})")
            _allow(decision, "key-policy", text, (ref(kp_doc, hit, positions=trace),))
            _step(decision, trace, "key policy (caller)", "allow", text, deciding=True)
            return
        if direct:
            decision.notes.append(f"the key policy allows the caller's role, but the "
                                  f"{' and the '.join(caps)} does not")
            decision.blocked_by.extend(c for c in caps if c not in decision.blocked_by)
        _step(decision, trace, "key policy (caller)", "fail",
              "no key-policy statement names the caller" if not direct else decision.notes[-1])
    if cross:
        trusted = direct + account
        if trusted and iam and ok:
            hit = trusted[0]
            refs = (ref(kp_doc, hit, positions=trace),) + _iam_reason(docs, iam)
            text = (f"the key policy trusts {hit.principal.value} ({hit.statement.label}) and "
                    f"an identity policy in account {caller.account} allows {part.action}")
            _allow(decision, "key-policy+iam", text, refs)
            _step(decision, trace, "key policy + IAM (other account)", "allow", text,
                  deciding=True)
            return
        if trusted and not iam:
            decision.notes.append(f"the key policy trusts the caller, but no identity policy in "
                                  f"account {caller.account} allows {part.action} (across "
                                  "accounts both are needed)")
        elif trusted:
            decision.blocked_by.extend(c for c in caps if c not in decision.blocked_by)
            decision.notes.append(f"the {' and the '.join(caps)} does not allow {part.action}")
        elif iam:
            decision.notes.append(f"an identity policy allows {part.action}, but the key policy "
                                  f"does not trust the caller or account {caller.account}")
        _step(decision, trace, "key policy + IAM (other account)", "fail",
              decision.notes[-1] if decision.notes else "the key policy does not trust the "
              "caller")
    else:
        if account and iam and ok:
            refs = (ref(kp_doc, account[0], positions=trace),) + _iam_reason(docs, iam)
            who_text = ("the account root user" if caller.kind == "root"
                        else "an identity policy")
            text = (f"the key policy enables IAM policies for account {caller.account} "
                    f"({account[0].statement.label}) and {who_text} allows {part.action}")
            _allow(decision, "key-policy+iam", text, refs)
            _step(decision, trace, "key policy (account) + IAM", "allow", text, deciding=True)
            return
        if iam and not account:
            decision.notes.append(
                f"the IAM allow has no effect: the key policy does not enable IAM policies for "
                f"account {caller.account} for {part.action}")
        elif account and not iam:
            decision.notes.append(
                f"the key policy enables IAM policies for account {caller.account}, but no "
                f"identity policy allows {part.action} on this key")
        elif account:
            decision.blocked_by.extend(c for c in caps if c not in decision.blocked_by)
            decision.notes.append(f"an identity policy allows {part.action}, but the "
                                  f"{' and the '.join(caps)} does not")
        _step(decision, trace, "key policy (account) + IAM", "fail",
              decision.notes[-1] if decision.notes else
              "the key policy does not enable IAM policies for the caller's account")

    if info.grant_operation:
        if _decide_grants(decision, grants, cross, trace):
            return
    elif trace:
        _step(decision, trace, "grants", "skip", f"{part.action} cannot be granted")
    if not decision.notes:
        decision.notes.append(f"no key-policy statement, IAM policy or grant allows "
                              f"{part.action}")


def _grant_checks(who: Who, part: Part, request: Request, ctx: RequestContext, info,
                  delegated) -> tuple:
    """(grant, check) for each grant of the key (the plan says whether they can allow)."""
    operation = part.action.split(":", 1)[1]
    return tuple((grant, check_grant(grant, part.key, who.caller, operation, request,
                                     part.encryption_context, ctx.keys, delegated=delegated))
                 for grant in part.key.grants)


def _decide_grants(decision, grants, cross, trace) -> bool:
    reasons = []
    for grant, check in grants:
        if check.allows:
            text = check.why
            _allow(decision, "grant", text, (), grant.id)
            if cross:
                decision.assumptions.append("7: a grant allows a grantee in another account "
                                            "without an IAM allow there")
            if grant.grantee and grant.grantee.endswith(":root"):
                decision.assumptions.append("8: an account grantee covers principals whose IAM "
                                            "policies allow the operation")
            _step(decision, trace, "grants", "allow", text, deciding=True)
            return True
        reasons.append(f"grant {grant.id}: {check.why}")
    if reasons:
        decision.notes.append("no grant applies (" + "; ".join(reasons) + ")")
    _step(decision, trace, "grants", "fail", "; ".join(reasons) or "the key has no grants")
    return False


def _decide_retire(decision, world: World, who: Who, part: Part, request: Request, docs,
                   layers, iam, capped, ctx, trace) -> None:
    from .grants import covers

    caller = who.caller
    key = part.key
    params = request.params or {}
    grant = None
    if params.get("GrantId"):
        grant = key.grant(params["GrantId"])
    elif params.get("GrantToken"):
        grant = next((g for g in key.grants if g.token == params["GrantToken"]), None)
    delegated = bool(iam) and capped[0]
    if grant is None:
        decision.notes.append("the request names no grant of this key")
        decision.error = "NotFoundException" if params.get("GrantId") else None
        _step(decision, trace, "RetireGrant", "deny", decision.notes[-1], deciding=True)
        return
    ways = []
    if grant.retiring_service and caller.is_service and caller.arn == grant.retiring_service:
        ways.append("the caller is the grant's retiring service principal")
    if grant.retiring and not caller.is_service:
        if grant.retiring in (caller.arn, caller.role_arn):
            ways.append("the caller is the grant's retiring principal")
        elif grant.retiring in (caller.root_arn, caller.account) and (
                caller.kind == "root" or delegated):
            ways.append("the retiring principal is the caller's account, which delegates "
                        "kms:RetireGrant through IAM")
    if "RetireGrant" in grant.operations and covers(grant, caller, delegated=lambda: delegated)[0]:
        # a pending grant is usable with its token; RetireGrant's GrantToken parameter is one
        if not grant.pending or grant.token in request.grant_tokens or (
                grant.token == params.get("GrantToken")):
            ways.append("the caller is the grantee of a grant that lists RetireGrant")
    issuing = grant.issuing_account or key.account
    if caller.account == issuing and (caller.kind == "root" or delegated):
        ways.append(f"the caller is in account {issuing}, which created the grant, and "
                    "IAM delegates kms:RetireGrant to it")
        decision.assumptions.append("25: the issuing account delegates kms:RetireGrant through "
                                    "IAM")
    if ways:
        _allow(decision, "retire-grant", ways[0], _iam_reason(docs, iam) if "IAM" in ways[0]
               else (), grant.id)
        _step(decision, trace, "RetireGrant", "allow", ways[0], deciding=True)
        return
    kp = layers.key_policy
    if kp is not None and kp.allows:
        decision.notes.append("kms:RetireGrant in a key policy has no effect; only the grant's "
                              "retiring principal, its grantee (with RetireGrant) or the "
                              "issuing account can retire it")
    else:
        decision.notes.append(f"the caller may not retire grant {grant.id}")
    _step(decision, trace, "RetireGrant", "deny", decision.notes[-1], deciding=True)


def _allow(decision: Decision, mechanism: str, text: str, refs, grant_id=None) -> None:
    decision.effect = Effect.ALLOW
    decision.allowed_by.append(Reason(mechanism, text, tuple(refs), grant_id))
    decision.matched.extend(refs)
    decision.notes.clear()


def _empty() -> PolicyOutcome:
    return PolicyOutcome()


def _step(decision: Decision, trace: bool, name: str, outcome: str, detail: str,
          deciding: bool = False) -> None:
    if trace:
        decision.steps.append(Step(name, outcome, detail, deciding))


# -- tracing ------------------------------------------------------------------------------------


def _trace(decision: Decision, docs: dict, ctx: RequestContext) -> None:
    """Near misses, absent condition keys and unevaluated statements of every policy in play."""
    absent: list[str] = []
    for doc, resource_policy in _docs_flat(docs):
        if doc.compiled is None:
            continue
        for st in trace_policy(doc.compiled, ctx, resource_policy=resource_policy):
            if st.statement.problems:
                decision.unevaluated.extend(f"{doc.label} {st.statement.label}: {p}"
                                            for p in st.statement.problems)
            action_ok = all(c.passed for c in st.checks if c.element in ("Action", "NotAction"))
            if not action_ok:
                continue
            for check in st.checks:
                if check.element == "Condition" and check.absent and check.key not in absent:
                    absent.append(check.key)
            decision.tables.append(StatementTable(
                ref(doc, st.statement, positions=True), st.applies,
                tuple(CheckRow(_element(check), check.expected,
                               "absent" if check.absent else check.actual, check.passed,
                               check.note) for check in st.checks)))
            if st.near_miss:
                miss = st.failures[0]
                decision.near_misses.append(NearMiss(
                    ref(doc, st.statement, positions=True), _element(miss), miss.expected,
                    "absent" if miss.absent else miss.actual, miss.note))
    decision.absent_keys = absent
    decision.context = dict(ctx.keys)


def _element(check) -> str:
    return check.element if check.element != "Condition" else (
        f"Condition {check.operator} {check.key}")


def _docs_flat(docs: dict):
    if docs.get("key") is not None:
        yield docs["key"], True
    for doc in docs["identity"]:
        yield doc, False
    for name in ("boundary", "session"):
        if docs.get(name) is not None:
            yield docs[name], False
    if docs.get("endpoint") is not None:
        yield docs["endpoint"], True
    for level in docs["scps"]:
        for doc in level:
            yield doc, False
    for level in docs["rcps"]:
        for doc in level:
            yield doc, True

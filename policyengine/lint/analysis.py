"""Engine-based reasoning the rules share.

Security rules do not look for string patterns: they ask the engine's compiled statements
whether a request could be allowed. A :class:`Probe` describes a caller (an engine
:class:`~policyengine.language.principals.Caller`) and splits the condition keys of its
requests in two:

* **bound** keys, whose value the caller cannot choose: who it is (account, ARN, organization),
  on whose behalf a service acts (``aws:SourceAccount``), and, for a particular question, the
  request parameters the question is about (a grant that is *not* for an AWS resource). A
  condition on a bound key is evaluated by the engine's own clause evaluator
  (:meth:`policyengine.language.conditions.clause.Clause.decide`) against the probe's values.
  For the parts of an identity the caller does shape (the name of its role, the resource its
  service request is for), the probe also tries the value the policy's own pattern asks for,
  placed in the caller's account: an ``ArnLike aws:PrincipalArn arn:aws:iam::*:role/Admin`` is
  satisfied by a role the outsider names ``Admin``;
* **free** keys, which the caller chooses (network origin, user agent, encryption context,
  the service it calls through, ...): a condition on one can be made true (for an Allow) and
  false (to dodge a Deny).

:func:`allowing_statements` then answers "could this caller be allowed ``action`` on
``resource``?": some Allow statement applies once the caller picks its free values, and no Deny
statement applies whatever it picks. Conditions on bound keys are judged one at a time (each
with the caller's best value), which can only make the answer more permissive, never less.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator, Mapping, NamedTuple

from ..kms import catalog
from ..language.compile import CompiledStatement
from ..language.conditions.clause import single_value
from ..language.principals import Caller, caller_from_arn
from .knowledge import IDENTITY_KEYS, USAGE_ACTIONS

__all__ = [
    "Probe", "PrincipalEntry", "ValueEntry", "clause_range", "reach", "allowing_statements",
    "statement_allows", "kms_actions_of", "source_text", "anyone_could",
    "outsider_account", "outsider_probes", "service_probe", "insider_probe", "owner_account",
    "principal_entries", "element_values", "key_actions", "all_kms_actions", "covers_all_kms",
    "covered", "administrators", "public_statements", "Exposure", "probe_resource",
    "is_wildcard_principal", "ABSENT", "admits", "named_allows", "compiled_statements",
    "allows_of", "delegates", "arn_blind", "SHORTEST_DELETION_WINDOW", "unguarded_requests",
]

ABSENT = object()  # in Probe.known: the caller cannot make this key present
_ANYONE = Caller("user", "arn:aws:iam::000000000000:user/anyone", "000000000000")
_ACCOUNT = re.compile(r"\d{12}")
_VARIABLE = re.compile(r"\$\{[^}]*\}")
_OUTSIDERS = ("210987654321", "314159265358", "271828182845", "161803398874")
_DEFAULT_REGION = "us-east-1"


# -- actions ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def all_kms_actions() -> tuple[str, ...]:
    """Every public KMS permission, ``kms:Name``."""
    return tuple(f"kms:{a.name}" for a in catalog.all_actions() if not a.internal)


@lru_cache(maxsize=1)
def key_actions() -> tuple[str, ...]:
    """Permissions a key policy can grant (not IAM-only; kms:RetireGrant has no effect there)."""
    return tuple(f"kms:{a.name}" for a in catalog.all_actions()
                 if not a.internal and a.policy == "key")


@lru_cache(maxsize=1)
def cross_account_key_actions() -> tuple[str, ...]:
    return tuple(a for a in key_actions() if catalog.action(a).cross_account)


def kms_actions_of(doc, statement) -> frozenset[str]:
    """Every KMS permission the statement's Action / NotAction covers (cached per statement).

    Literal action names are looked up in the catalogue; patterns and NotAction go through the
    engine's matchers (:meth:`CompiledStatement.matches_action`)."""
    return _actions(statement).kms


class _Actions:
    """What a statement's Action / NotAction covers (kept in the compiled statement's memo)."""

    __slots__ = ("kms", "everything", "covered")

    def __init__(self, kms: frozenset[str]) -> None:
        self.kms = kms
        self.everything = len(kms) == len(all_kms_actions())
        self.covered: dict[int, tuple] = {}  # id(list of actions) -> (the list, covered ones)


def _actions(statement) -> _Actions:
    found = statement.memo.get(_Actions)  # (kept with the compiled statement)
    if found is None:
        action = statement.node.action
        found = statement.memo[_Actions] = _Actions(
            _kms_actions_of_list(action.values, action.negated) if action else frozenset())
    return found


@lru_cache(maxsize=1024)
def _kms_actions_of_list(values: tuple[str, ...], negated: bool) -> frozenset[str]:
    """The KMS permissions an Action (or NotAction) list covers (lists repeat)."""
    names: set[str] = set()
    for value in values:
        names |= _kms_actions_matching(value)
    return frozenset(set(all_kms_actions()) - names if negated else names)


@lru_cache(maxsize=4096)
def _kms_actions_matching(value: str) -> frozenset[str]:
    """The KMS permissions one Action value names (the engine's action matcher)."""
    if "*" not in value and "?" not in value:
        info = catalog.action(value) if value[:4].lower() == "kms:" else None
        return frozenset({f"kms:{info.name}"}) if info is not None and not info.internal \
            else frozenset()
    from ..language.matching import compile_action

    matcher = compile_action(value)
    return frozenset(a for a in all_kms_actions() if matcher(a))


def covered(doc, statement, actions) -> tuple[str, ...]:
    """The ``actions`` (KMS permissions) the statement's Action / NotAction covers (cached per
    statement and list of actions: rules ask with the same constant lists)."""
    facts = _actions(statement)
    if not facts.kms:
        return ()
    found = facts.covered.get(id(actions))
    if found is None or found[0] is not actions:  # (kept alive with it: its id is not reused)
        found = (actions, tuple(filter(facts.kms.__contains__, actions)))
        if len(facts.covered) < 64:  # rules ask with a few constant lists
            facts.covered[id(actions)] = found
    return found[1]


def covers_all_kms(doc, statement) -> bool:
    """Does the statement cover every KMS permission (``kms:*``, ``*``, ``kms:*`` patterns, a
    NotAction that leaves all of KMS in)?"""
    return _actions(statement).everything


# -- probes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """A caller and what it cannot choose about its requests (see the module docstring)."""

    caller: Caller
    known: Mapping[str, Any]  # bound keys: lower-case name -> value, or ABSENT
    label: str  # "a role in another account", for messages
    fixed: Mapping[str, Any] = field(default_factory=dict)  # bound request keys of a question
    shapes: bool = False  # the caller picks its own names (an outsider creating roles, ...)

    def bound(self, key: str) -> bool:
        return key in self.known or key in self.fixed

    def value(self, key: str) -> Any:
        if key in self.fixed:
            return self.fixed[key]
        return self.known.get(key, ABSENT)

    @property
    def account(self) -> str | None:
        return self.caller.account

    def with_fixed(self, **values) -> "Probe":
        fixed = dict(self.fixed)
        fixed.update({k.replace("__", ":").lower(): v for k, v in values.items()})
        return Probe(self.caller, self.known, self.label, fixed, self.shapes)

    def fix(self, values: Mapping[str, Any]) -> "Probe":
        fixed = dict(self.fixed)
        fixed.update({k.lower(): v for k, v in values.items()})
        return Probe(self.caller, self.known, self.label, fixed, self.shapes)


def _context(probe: Probe) -> dict:
    found = probe.__dict__.get("_context")
    if found is None:
        found = {k: v for k, v in probe.known.items() if v is not ABSENT}
        for k, v in probe.fixed.items():
            if v is ABSENT:
                found.pop(k, None)
            else:
                found[k] = v
        probe.__dict__["_context"] = found  # a cache on a frozen object
    return found


def _lookup(keys: Mapping[str, Any]):
    return lambda name: single_value(keys.get(name.lower()))


def _probe_lookup(probe: Probe):
    """The policy-variable lookup of the probe's request, which it makes on the first variable
    looked up (most resources have none)."""
    return lambda name: single_value(_context(probe).get(name.lower()))


def clause_range(clause, probe: Probe) -> tuple[bool, bool]:
    """(can the clause hold, can it fail) for requests the probe's caller can make."""
    if clause.operator is None or clause.problem is not None:
        return False, True  # the engine never lets an unevaluable clause pass
    key = clause.key_lower
    if not probe.bound(key):
        return True, True
    value = probe.value(key)
    shaper = _SHAPERS.get(key) if probe.shapes and key not in probe.fixed \
        and value is not ABSENT else None
    if shaper is None and not clause.templates:  # the usual case: one value, read alone
        held = clause.decide({} if value is ABSENT else {key: value})[0]
        return held, not held
    candidates = [value]
    if shaper is not None:
        for written in clause.values:
            shaped = shaper(written, probe)
            if shaped is not None:
                candidates.append(shaped)
    # A clause without policy variables reads its own key only; one with variables reads the
    # probe's whole request.
    base = _context(probe) if clause.templates else {}
    results = set()
    for candidate in candidates:
        keys = dict(base)
        if candidate is ABSENT:
            keys.pop(key, None)
        else:
            keys[key] = candidate
        results.add(clause.decide(keys, _lookup(keys) if clause.templates else None)[0])
        if len(results) == 2:
            break
    return True in results, False in results


def reach(statement, probe: Probe, action: str, resource: str, *,
          resource_policy: bool = True) -> tuple[bool, bool]:
    """(can the statement apply to a request of the probe's caller, must it apply)."""
    if not statement.effective or not statement.matches_action(action):
        return False, False
    can, must = _standing(statement, probe, resource_policy)
    if not can or not statement.matches_resource(resource, _probe_lookup(probe)):
        return False, False
    return can, must


def admits(statement, probe: Probe, *, resource_policy: bool = True) -> bool:
    """Can the statement's principal and conditions admit the probe's caller at all (whatever
    the action)? A cheap filter before asking about actions one by one."""
    return _standing(statement, probe, resource_policy)[0]


def _standing(statement, probe: Probe, resource_policy: bool) -> tuple[bool, bool]:
    """(can the statement's principal and conditions admit the probe's caller, must they). The
    same for every action and resource, so it is kept on the probe: rules probe one statement
    for many actions."""
    ranges = probe.__dict__.get("_standing")
    if ranges is None:
        ranges = probe.__dict__["_standing"] = {}  # a cache on a frozen object
    index = (id(statement), resource_policy)
    found = ranges.get(index)
    if found is None or found[0] is not statement:  # (kept alive with it: its id is not reused)
        can = must = True
        if resource_policy and (statement.principal is None
                                or statement.principal.match(probe.caller) is None):
            can = must = False
        for clause in statement.clauses if can else ():
            hold, fail = clause_range(clause, probe)
            must = must and not fail
            if not hold:
                can = must = False
                break
        found = ranges[index] = (statement, can, must)
    return found[1], found[2]


def arn_blind(doc) -> bool:
    """Does the policy judge two callers of one account alike, apart from whom its statements'
    principals name? It does unless a condition tests ``aws:PrincipalArn`` or a condition or
    Resource holds a policy variable (which can read it): the caller's ARN is the one value the
    probes of two such callers differ in. (Rules probing each of many named roles use it to
    probe one of each kind.)"""
    found = doc.cache.get("arn-blind")
    if found is None:
        statements = compiled_statements(doc)
        found = doc.cache["arn-blind"] = not any(
            clause.templates or clause.key_lower == "aws:principalarn"
            for statement in statements for clause in statement.clauses) and not any(
            pattern.template for statement in statements for pattern in statement.resources)
    return found


SHORTEST_DELETION_WINDOW = 7  # days, the minimum ScheduleKeyDeletion accepts


def unguarded_requests(action: str) -> tuple[dict, ...]:
    """The bound request keys of ``action`` made without MFA (long-term credentials, or a
    session created without MFA) and, for kms:ScheduleKeyDeletion, with the shortest waiting
    period: the requests that rules on unguarded key deletion ask about."""
    window = ({"kms:schedulekeydeletionpendingwindowindays": SHORTEST_DELETION_WINDOW}
              if action == "kms:ScheduleKeyDeletion" else {})
    return tuple({"aws:multifactorauthpresent": mfa, "aws:multifactorauthage": ABSENT, **window}
                 for mfa in (ABSENT, False))


def anyone_could(statement, action: str, resource: str, fixed: Mapping[str, Any]) -> bool:
    """Could the statement apply to ``action`` for some caller whose request has the ``fixed``
    values (identity unknown: every other key free)? A cheap filter before probing the
    statement's principals one by one."""
    probe = Probe(_ANYONE, {}, "anyone", dict(fixed))
    return reach(statement, probe, action, resource, resource_policy=False)[0]


def statement_allows(compiled, statement, probe: Probe, action: str, resource: str, *,
                     resource_policy: bool = True) -> bool:
    """Can this Allow statement allow the probe's caller ``action`` on ``resource``, with no
    Deny statement of the policy applying whatever the caller does?"""
    if not statement.allow:
        return False
    can, _ = reach(statement, probe, action, resource, resource_policy=resource_policy)
    if not can:
        return False
    for deny in compiled.denies_for(action):
        if reach(deny, probe, action, resource, resource_policy=resource_policy)[1]:
            return False
    return True


def allowing_statements(compiled, probe: Probe, action: str, resource: str, *,
                        resource_policy: bool = True) -> tuple:
    """The Allow statements that can allow the probe's caller ``action`` on ``resource`` (empty
    when none can, or when a Deny statement applies whatever the caller does)."""
    if compiled is None:
        return ()
    allows = []
    for statement in compiled.statements_for(action):
        can, must = reach(statement, probe, action, resource, resource_policy=resource_policy)
        if statement.allow:
            if can:
                allows.append(statement)
        elif must:
            return ()
    return tuple(allows)


def source_text(doc) -> str:
    """The document's text (its JSON when it came as a value), for quick "is X mentioned at
    all" tests before any real work."""
    found = doc.cache.get("text")
    if found is None:
        import json

        found = doc.text if isinstance(doc.text, str) else json.dumps(doc.value, default=str)
        doc.cache["text"] = found
    return found


# -- who the probes are -------------------------------------------------------------------------


def outsider_account(doc) -> str:
    """A made-up account ID that the document does not mention."""
    found = doc.cache.get("outsider")
    if found is None:
        text = doc.text if isinstance(doc.text, str) else repr(doc.value)
        found = next((a for a in _OUTSIDERS if a not in text), _OUTSIDERS[-1])
        doc.cache["outsider"] = found
    return found


def outsider_probes(doc, resource_account: str | None = None) -> tuple[Probe, ...]:
    """Callers from an account that is neither the owner's nor mentioned anywhere: a role
    outside any organization, the same role inside an organization of its own, and an AWS
    service acting for a resource of that account."""
    out = outsider_account(doc)
    session = caller_from_arn(f"arn:aws:sts::{out}:assumed-role/ProbeRole/probe-session")
    resource = {"aws:resourceaccount": resource_account} if resource_account else {}
    common_absent = {k: ABSENT for k in ("aws:sourceaccount", "aws:sourcearn",
                                         "aws:sourceorgid", "aws:sourceorgpaths",
                                         "aws:principalservicename",
                                         "aws:principalservicenameslist")}
    person = {"aws:principalaccount": out, "kms:calleraccount": out,
              "aws:principalarn": session.role_arn, "aws:principalisawsservice": False,
              "aws:userid": f"AROAPROBEPROBEPROBE{out[:4]}:probe-session", **resource}
    no_org = Probe(session, {**person, **common_absent, "aws:principalorgid": ABSENT,
                             "aws:principalorgpaths": ABSENT}, "a role in another account",
                   shapes=True)
    org = f"o-probe{out[:6]}"
    with_org = Probe(session, {**person, **common_absent, "aws:principalorgid": org,
                               "aws:principalorgpaths": [f"{org}/r-prb0/ou-prb0-{out[:8]}/"]},
                     "a role in another account's organization", shapes=True)
    service = Probe(
        caller_from_arn("probe.amazonaws.com"),
        {"aws:principalisawsservice": True, "aws:principalservicename": "probe.amazonaws.com",
         "aws:sourceaccount": out, "aws:sourcearn": f"arn:aws:sqs:{_DEFAULT_REGION}:{out}:probe",
         "aws:sourceorgid": ABSENT, "aws:sourceorgpaths": ABSENT,
         "aws:principalaccount": ABSENT, "kms:calleraccount": ABSENT,
         "aws:principalarn": ABSENT, "aws:userid": ABSENT, "aws:principalorgid": ABSENT,
         "aws:principalorgpaths": ABSENT, **resource},
        "an AWS service acting for a resource in another account", shapes=True)
    return no_org, with_org, service


def service_probe(doc, service: str) -> tuple[Probe, ...]:
    """The service principal ``service`` acting for a resource of an outside account (the
    confused deputy): in and out of an organization."""
    out = outsider_account(doc)
    name = service.split(".")[0]
    known = {"aws:principalisawsservice": True, "aws:principalservicename": service,
             "aws:sourceaccount": out,
             "aws:sourcearn": f"arn:aws:{name}:{_DEFAULT_REGION}:{out}:probe",
             "kms:encryptioncontext:aws:cloudtrail:arn":
                 f"arn:aws:cloudtrail:{_DEFAULT_REGION}:{out}:trail/probe",
             "kms:encryptioncontext:aws:logs:arn":
                 f"arn:aws:logs:{_DEFAULT_REGION}:{out}:log-group:probe",
             "aws:principalaccount": ABSENT, "kms:calleraccount": ABSENT,
             "aws:principalarn": ABSENT, "aws:userid": ABSENT, "aws:principalorgid": ABSENT,
             "aws:principalorgpaths": ABSENT}
    caller = Caller("service", service)
    org = f"o-probe{out[:6]}"
    return (Probe(caller, {**known, "aws:sourceorgid": ABSENT, "aws:sourceorgpaths": ABSENT},
                  f"{service} acting for a resource in another account", shapes=True),
            Probe(caller, {**known, "aws:sourceorgid": org,
                           "aws:sourceorgpaths": [f"{org}/r-prb0/ou-prb0-{out[:8]}/"]},
                  f"{service} acting for a resource in another organization", shapes=True))


def insider_probe(caller: Caller, config=None) -> Probe:
    """A caller named in the policy (or the account's root user): its identity is bound, its
    organization is bound when the configuration names one, and it calls directly (no
    aws:Source* keys)."""
    if caller.is_service:
        known = {"aws:principalisawsservice": True, "aws:principalservicename": caller.arn,
                 "aws:principalaccount": ABSENT, "kms:calleraccount": ABSENT,
                 "aws:principalarn": ABSENT}
        return Probe(caller, known, caller.arn)
    arn = caller.role_arn if caller.kind == "role-session" else caller.arn
    known = {"aws:principalaccount": caller.account, "kms:calleraccount": caller.account,
             "aws:principalarn": arn, "aws:principalisawsservice": False,
             "aws:sourceaccount": ABSENT, "aws:sourcearn": ABSENT, "aws:sourceorgid": ABSENT,
             "aws:sourceorgpaths": ABSENT, "aws:principalservicename": ABSENT}
    if config is not None and config.organization_id and (
            config.trusted(caller.account) or caller.account == config.owner_account):
        known["aws:principalorgid"] = config.organization_id
    return Probe(caller, known, arn)


# -- shaping the values an identity can take -----------------------------------------------------


def _fill(text: str, filler: str = "x") -> str:
    return _VARIABLE.sub(filler, text).replace("*", filler).replace("?", filler)


def _glob_matches(value: str, pattern: str) -> bool:
    if "${" in pattern:
        return True  # a policy variable: assume the caller can satisfy it
    return fnmatch.fnmatchcase(value, pattern)


def _shape_arn(value: Any, probe: Probe) -> str | None:
    """An ARN of the caller's own account (or a globally named resource it can create) that
    matches the pattern ``value``; None if there is none."""
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    _, partition, service, region, account, rest = parts
    owner = probe.account or probe.known.get("aws:sourceaccount")
    if not isinstance(owner, str):
        return None
    if account == "":
        if not any(ch in rest for ch in "*?") and "${" not in rest:
            return None  # a named global resource (an S3 bucket) someone else already owns
        shaped_account = ""
    elif _glob_matches(owner, account):
        shaped_account = owner
    else:
        return None
    service_part = service if not any(c in service for c in "*?$") else "iam"
    region_part = _fill(region, _DEFAULT_REGION) if region else ""
    partition_part = partition if not any(c in partition for c in "*?$") else "aws"
    return f"arn:{partition_part}:{service_part}:{region_part}:{shaped_account}:{_fill(rest)}"


def _shape_account(value: Any, probe: Probe) -> str | None:
    """Another account than the probe's: one the pattern matches, when it has wildcards."""
    if not isinstance(value, str) or not any(c in value for c in "*?$"):
        return None
    digits = _VARIABLE.sub("", value).replace("?", "0")
    if "*" in digits:
        head, _, tail = digits.partition("*")
        tail = tail.replace("*", "")
        digits = head + "0" * max(0, 12 - len(head) - len(tail)) + tail
    return digits if _ACCOUNT.fullmatch(digits) else None


def _shape_wildcard(value: Any, probe: Probe) -> str | None:
    if not isinstance(value, str) or not any(c in value for c in "*?$"):
        return None
    return _fill(value, "probe")


def _shape_org_paths(value: Any, probe: Probe) -> list | None:
    if not isinstance(value, str):
        return None
    head = value.split("/", 1)[0]
    if not any(c in head for c in "*?$"):
        return None
    return [_fill(value, "probe")]


def _shape_userid(value: Any, probe: Probe) -> str | None:
    mine = probe.known.get("aws:userid")
    if not isinstance(value, str) or not isinstance(mine, str) or ":" not in value:
        return None
    prefix, _, suffix = value.partition(":")
    own_prefix = mine.partition(":")[0]
    if not _glob_matches(own_prefix, prefix):
        return None
    return f"{own_prefix}:{_fill(suffix)}"


_SHAPERS = {
    "aws:principalarn": _shape_arn,
    "aws:sourcearn": _shape_arn,
    "kms:encryptioncontext:aws:cloudtrail:arn": _shape_arn,
    "kms:encryptioncontext:aws:logs:arn": _shape_arn,
    "aws:principalaccount": _shape_account,
    "kms:calleraccount": _shape_account,
    "aws:sourceaccount": _shape_account,
    "aws:principalorgid": _shape_wildcard,
    "aws:sourceorgid": _shape_wildcard,
    "aws:principalorgpaths": _shape_org_paths,
    "aws:sourceorgpaths": _shape_org_paths,
    "aws:userid": _shape_userid,
}


# -- principals and element values ---------------------------------------------------------------


class PrincipalEntry(NamedTuple):  # (a tuple: rules make thousands of them a second)
    """One principal named in Principal / NotPrincipal, with where it is written."""

    kind: str  # "AWS", "Service", "Federated", "CanonicalUser"; "*" for the bare wildcard
    value: str
    json_path: str  # relative to the document
    account: str | None = None
    caller: Caller | None = None  # who it stands for when probing (None: nobody/anybody)
    negated: bool = False

    @property
    def wildcard(self) -> bool:
        return self.value == "*" and self.kind in ("*", "AWS")

    @property
    def account_principal(self) -> bool:
        return self.caller is not None and self.caller.kind == "root"


def principal_entries(doc, statement) -> list[PrincipalEntry]:
    """The principals a statement (AST node) names, with their paths (cached)."""
    cache = doc.cache.setdefault("principals", {})
    found = cache.get(statement.path)
    if found is None:
        found = cache[statement.path] = _principal_entries(doc, statement)
    return found


def _principal_entries(doc, statement) -> list[PrincipalEntry]:
    raw = doc.raw_statement(statement)
    element = "NotPrincipal" if "NotPrincipal" in raw and "Principal" not in raw else "Principal"
    value = raw.get(element)
    base = f"{statement.path}/{element}"
    negated = element == "NotPrincipal"
    if value is None:
        return []
    if value == "*":
        return [PrincipalEntry("*", "*", base, negated=negated)]
    if not isinstance(value, dict):
        return []
    entries = []
    for kind, items in value.items():
        listed = [(items, f"{base}/{kind}")] if isinstance(items, str) else (
            [(item, f"{base}/{kind}/{i}") for i, item in enumerate(items)]
            if isinstance(items, list) else [])
        for item, path in listed:
            if not isinstance(item, str):
                continue
            entries.append(_entry(kind, item, path, negated))
    return entries


def _entry(kind: str, value: str, path: str, negated: bool) -> PrincipalEntry:
    if kind == "Service":
        try:
            return PrincipalEntry(kind, value, path, None, caller_from_arn(value), negated)
        except ValueError:
            return PrincipalEntry(kind, value, path, None, None, negated)
    if kind != "AWS" or value == "*":
        return PrincipalEntry(kind, value, path, None, None, negated)
    if not value.startswith("arn:") and _ACCOUNT.fullmatch(value):  # (most are ARNs)
        return PrincipalEntry(kind, value, path, value,
                              Caller("root", f"arn:aws:iam::{value}:root", value), negated)
    try:
        caller = caller_from_arn(value)
    except ValueError:
        account = value.split(":")[4] if value.count(":") >= 5 else None
        return PrincipalEntry(kind, value, path, account, None, negated)
    return PrincipalEntry(kind, value, path, caller.account, caller, negated)


def is_wildcard_principal(doc, statement) -> bool:
    """Principal ``"*"`` or ``{"AWS": "*"}`` (not NotPrincipal)."""
    node = statement.node if isinstance(statement, CompiledStatement) else statement
    element = node.principal
    if element is None or element.negated:
        return False
    return element.wildcard or "*" in element.values("AWS")


class ValueEntry(NamedTuple):
    value: Any
    json_path: str


def element_values(doc, statement, *elements: str) -> list[ValueEntry]:
    """The values of Action/NotAction/Resource/NotResource as written, with their paths
    (cached: many rules read them)."""
    cache = doc.cache.get("values")
    if cache is None:
        cache = doc.cache["values"] = {}
    index = (statement.path, elements)
    found = cache.get(index)
    if found is None:
        found = cache[index] = _element_values(doc, statement, elements)
    return found


def _element_values(doc, statement, elements) -> list[ValueEntry]:
    raw = doc.raw_statement(statement)
    out = []
    for element in elements:
        if element not in raw:
            continue
        value = raw[element]
        base = f"{statement.path}/{element}"
        if isinstance(value, list):
            out.extend(ValueEntry(item, f"{base}/{i}") for i, item in enumerate(value))
        else:
            out.append(ValueEntry(value, base))
    return out


# -- the owner of a key policy, and its administrators ------------------------------------------


def owner_account(doc, config) -> str | None:
    """The account that owns the key a key policy belongs to: the key's (scenario worlds), the
    configured ``owner-account``, the account whose root is given ``kms:*`` (the "Enable IAM
    policies" statement), or else the account named most often by the policy's principals."""
    configured = config.owner_account if config is not None else None
    index = ("owner", configured)
    if index in doc.cache:
        return doc.cache[index]
    found = None
    if getattr(doc, "key", None) is not None:
        found = doc.key.account
    elif config is not None and config.owner_account:
        found = config.owner_account
    else:
        found = _root_with_everything(doc)
    if found is None and getattr(doc, "key", None) is None and not (
            config is not None and config.owner_account):
        counts, order = Counter(), []
        for statement in doc.statements:
            if statement.effect != "Allow" or statement.principal is None \
                    or statement.principal.negated:
                continue
            for value in statement.principal.values("AWS"):
                account = value if _ACCOUNT.fullmatch(value) else (
                    value.split(":")[4] if value.startswith("arn:") and value.count(":") >= 5
                    else None)
                if not account or not _ACCOUNT.fullmatch(account):
                    continue
                counts[account] += 1
                if account not in order:
                    order.append(account)
        if counts:
            top = max(counts.values())
            found = next(a for a in order if counts[a] == top)
    doc.cache[index] = found
    return found


def _root_with_everything(doc) -> str | None:
    """The account whose account principal an Allow statement gives ``kms:*`` (or ``*``)."""
    for statement in doc.statements:
        if statement.effect != "Allow" or statement.principal is None \
                or statement.principal.negated or statement.action is None \
                or statement.action.negated:
            continue
        if not any(a == "*" or a.lower() == "kms:*" for a in statement.action.values):
            continue
        for value in statement.principal.values("AWS"):
            if _ACCOUNT.fullmatch(value):
                return value
            if value.startswith("arn:") and value.endswith(":root"):
                parts = value.split(":")
                if len(parts) == 6 and _ACCOUNT.fullmatch(parts[4]):
                    return parts[4]
    return None


def administrators(doc, config) -> frozenset[str]:
    """Principals (ARNs, and account IDs for account principals) designated to administer the
    key: the owner's root, the configured key administrators and break-glass principals; without
    configured administrators, the owner-account principals of statements that grant
    kms:PutKeyPolicy and no cryptographic use (the console's "key administrators" statement)."""
    if "admins" in doc.cache:
        return doc.cache["admins"]
    owner = owner_account(doc, config)
    admins: set[str] = set()
    if owner:
        admins.update({owner, f"arn:aws:iam::{owner}:root"})
    configured = list(config.key_administrators) if config is not None else []
    admins.update(configured)
    if config is not None:
        admins.update(config.break_glass_principals)
    if not configured and doc.compiled is not None:
        for statement in doc.compiled.statements:
            if not statement.allow or statement.principal is None or statement.node.principal \
                    is None or statement.node.principal.negated:
                continue
            actions = kms_actions_of(doc, statement)
            if "kms:PutKeyPolicy" not in actions or not actions.isdisjoint(USAGE_ACTIONS):
                continue
            for entry in principal_entries(doc, statement.node):
                if entry.caller is not None and entry.account == owner:
                    admins.add(entry.value)
    doc.cache["admins"] = frozenset(admins)
    return doc.cache["admins"]


def names_owner(entry: PrincipalEntry, owner: str | None) -> bool:
    """Does the entry name the owning account itself (its root: the trust of the default key
    policy, which enables IAM policies)?"""
    return entry.account_principal and owner is not None and entry.account == owner


def entry_caller(entry: PrincipalEntry, owner: str | None) -> Caller | None:
    """The caller a principal entry stands for; a wildcard stands for a role of the owning
    account (any principal: the one with the most the statement can give)."""
    if entry.wildcard:
        return caller_from_arn(f"arn:aws:iam::{owner or '111111111111'}:role/AnyRoleOfTheAccount")
    return entry.caller


def delegates(doc, config, statement, owner: str | None) -> list[tuple[PrincipalEntry, Caller]]:
    """The principals a statement names that are neither the owner's root nor key
    administrators (a wildcard counts, whatever the administrators), nor services nor
    NotPrincipal entries, each with the caller it stands for: whom rules on delegated key
    management (CreateGrant) probe. (Cached: several rules ask.)"""
    cache = doc.cache.setdefault("delegates", {})
    index = (statement.path, owner, id(config))
    found = cache.get(index)
    if found is None:
        found = cache[index] = [
            (entry, caller) for entry in principal_entries(doc, statement.node)
            if not (entry.negated or entry.kind == "Service" or names_owner(entry, owner)
                    or (not entry.wildcard and is_administrator(doc, config, entry)))
            and (caller := entry_caller(entry, owner)) is not None]
    return found


def is_administrator(doc, config, entry: PrincipalEntry) -> bool:
    admins = administrators(doc, config)
    if entry.value in admins:
        return True
    caller = entry.caller
    if caller is not None and caller.kind == "role-session" and caller.role_arn in admins:
        return True
    return False


def probe_resource(doc, statement=None, config=None) -> str:
    """The key ARN to ask about: the key's (scenario worlds), else a made-up key of the owner
    account (a key policy's ``"*"`` means its own key)."""
    key = getattr(doc, "key", None)
    if key is not None:
        return key.arn
    owner = owner_account(doc, config) or "111111111111"
    arn = f"arn:aws:kms:{_DEFAULT_REGION}:{owner}:key/00000000-lint-probe-0000-000000000000"
    if statement is not None and statement.node.resource is not None and \
            not statement.matches_resource(arn, lambda name: None):
        for value in statement.node.resource.values:
            if value.startswith("arn:") and ":kms:" in value:
                return _fill(value)
    return arn


# -- public statements (KP001 / KP002, and the rules that defer to them) ------------------------


@dataclass(frozen=True)
class Exposure:
    """An Allow statement of a key policy that an outside caller can use."""

    statement: Any  # CompiledStatement
    probe: Probe
    actions: tuple[str, ...]  # key permissions that work across accounts, allowed to the probe
    identity_clauses: tuple  # the statement's conditions on identity keys (they did not bound it)


def public_statements(doc, config) -> dict[str, Exposure]:
    """Statements with a wildcard principal through which a caller of another account, in or
    out of an organization, or a service acting for it, is allowed key permissions that work
    across accounts (Deny statements and conditions taken into account). Keyed by path."""
    if "public" in doc.cache:
        return doc.cache["public"]
    found: dict[str, Exposure] = {}
    compiled = doc.compiled
    candidates = [] if compiled is None or doc.policy_type != "key" else [
        s for s in compiled.statements if s.allow and is_wildcard_principal(doc, s)]
    if candidates:
        owner = owner_account(doc, config)
        probes = outsider_probes(doc, owner)
        actions = cross_account_key_actions()
        for statement in candidates:
            resource = probe_resource(doc, statement, config)
            for probe in probes:
                allowed = tuple(
                    a for a in covered(doc, statement, actions)
                    if statement_allows(compiled, statement, probe, a, resource))
                if allowed:
                    clauses = tuple(c for c in statement.clauses if c.key_lower in IDENTITY_KEYS)
                    found[statement.path] = Exposure(statement, probe, allowed, clauses)
                    break
    doc.cache["public"] = found
    return found


def compiled_statements(doc) -> tuple:
    """The compiled policy's statements (none when the policy does not compile)."""
    compiled = doc.compiled
    return () if compiled is None else compiled.statements


def allows_of(doc, actions) -> Iterator[tuple]:
    """(statement, the ``actions`` it covers) for each Allow statement with a Resource that
    covers some of ``actions`` but not all of KMS (statements granting kms:* are IAM002's)."""
    for statement in compiled_statements(doc):
        if not statement.allow or statement.node.resource is None \
                or covers_all_kms(doc, statement):
            continue
        found = covered(doc, statement, actions)
        if found:
            yield statement, found


def iter_allow_statements(doc) -> Iterator:
    """Compiled Allow statements that name principals (key policies)."""
    compiled = doc.compiled
    if compiled is None:
        return
    for statement in compiled.statements:
        if statement.allow and statement.principal is not None:
            yield statement


def named_allows(doc, config) -> tuple:
    """The Allow statements that name principals, apart from those open to other accounts
    through a wildcard principal (KP001 and KP002 report those): the statements whose principals
    rules probe one by one. (Cached, like :func:`public_statements`.)"""
    found = doc.cache.get("named")
    if found is None:
        public = public_statements(doc, config)
        found = doc.cache["named"] = tuple(
            s for s in iter_allow_statements(doc) if s.path not in public)
    return found


def short_list(items, limit: int = 4) -> str:
    items = list(items)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


# -- scenario worlds (the cross-document rules) --------------------------------------------------

#: Caller and key attributes a world describes completely: when the engine derives no value for
#: one of them (the principal has no such tag, the key no alias), the request has none either.
_WORLD_ATTRIBUTE_KEYS = frozenset({
    "aws:principalorgid", "aws:principalorgpaths", "aws:username", "aws:resourceorgid",
    "aws:resourceorgpaths", "kms:resourcealiases", "kms:multiregionkeytype",
})
_WORLD_ATTRIBUTE_PREFIXES = ("aws:principaltag/", "aws:resourcetag/")


@dataclass(frozen=True)
class WorldRequest:
    """A request of a scenario world with the engine's decision on it."""

    index: int
    request: Any  # policyengine.kms.world.Request
    caller: Caller  # as the engine resolves it (a role session knows its role)
    decision: Any  # policyengine.decision.Decision (shared: read-only)

    @property
    def parts(self) -> list:
        """The decision of each authorisation the request needs (one for an ``action:``)."""
        return self.decision.parts or [self.decision]


def world_requests(doc) -> tuple[WorldRequest, ...]:
    """The requests of a world document, each decided by the engine (``authorize``); requests
    the engine cannot decide (an unknown operation, a malformed principal) are left out."""
    found = doc.cache.get("world-requests")
    if found is None:
        from ..errors import PolicyEngineError
        from ..kms.requests import authorize, resolve_caller
        from ..scenario.build import to_request

        out = []
        for index, spec in enumerate(doc.scenario.requests):
            request = to_request(spec)
            try:
                caller = resolve_caller(doc.world, request).caller
                decision = authorize(doc.world, request)
            except PolicyEngineError:
                continue
            out.append(WorldRequest(index, request, caller, decision))
        found = doc.cache["world-requests"] = tuple(out)
    return found


@dataclass(frozen=True)
class IdentityStatement:
    """An Allow statement of an identity policy of a world's principal."""

    principal: Any  # policyengine.kms.world.Principal
    document: Any  # the PolicyDocument linted for that policy
    statement: Any  # CompiledStatement
    base: str  # the policy's JSON path, relative to the world document

    @property
    def compiled(self):
        return self.document.compiled

    def path(self, element: str | None = None) -> str:
        """The JSON path of the statement (or of its Resource / Action ... element)."""
        node = self.statement.node
        target = getattr(node, element.lower(), None) if element else None
        return f"{self.base}/{target.path if target is not None else node.path}"


def identity_allow_statements(doc) -> tuple[IdentityStatement, ...]:
    """The Allow statements of the identity policies attached to a world's principals."""
    found = doc.cache.get("identity-allows")
    if found is None:
        from .model import PolicyDocument, join_path

        documents = {d.prefix: d for d in doc.documents if isinstance(d, PolicyDocument)}
        out = []
        for i, principal in enumerate(doc.world.principals):
            for j in range(len(principal.policies)):
                base = f"principals/{i}/policies/{j}"
                document = documents.get(join_path(doc.prefix, base))
                if document is None or document.compiled is None:
                    continue
                out.extend(IdentityStatement(principal, document, statement, base)
                           for statement in document.compiled.statements
                           if statement.allow and statement.effective)
        found = doc.cache["identity-allows"] = tuple(out)
    return found


def world_probe(world, principal: str, key=None, policies=()) -> Probe:
    """A principal of a scenario world as a probe: what the engine derives about it (ARN,
    account, tags, organization) and about ``key`` (account, spec, tags, aliases) is bound;
    a tag or other attribute the world does not give it, but a condition of ``policies``
    (compiled) asks about, is bound as absent; what the request carries is free."""
    from ..kms.context import key_keys
    from ..kms.requests import resolve_caller
    from ..kms.world import Request

    who = resolve_caller(world, Request(principal))
    known = {k: v for k, v in who.keys.items() if k != "aws:viaawsservice"}
    if key is not None:
        known.update(key_keys(world, key))
    for policy in policies:
        for statement in (policy.statements if policy is not None else ()):
            for clause in statement.clauses:
                name = clause.key_lower
                if name not in known and (name in _WORLD_ATTRIBUTE_KEYS
                                          or name.startswith(_WORLD_ATTRIBUTE_PREFIXES)):
                    known[name] = ABSENT
    return Probe(who.caller, known, principal)


def s3_arn(request) -> str | None:
    """The S3 resource of a request Amazon S3 makes to KMS for SSE-KMS: S3 sets the encryption
    context ``aws:s3:arn`` to the object ARN (or, with S3 Bucket Keys, the bucket ARN)."""
    for name, value in (request.encryption_context or {}).items():
        if name.lower() == "aws:s3:arn" and isinstance(value, str) \
                and value.startswith("arn:") and value.count(":") >= 5:
            return value
    return None


def s3_bucket(request) -> str | None:
    """The bucket of a request Amazon S3 makes to KMS for SSE-KMS (see :func:`s3_arn`)."""
    arn = s3_arn(request)
    if arn is None:
        return None
    return arn.split(":", 5)[5].split("/", 1)[0] or None


def multi_region_type(doc) -> str | None:
    """``PRIMARY`` or ``REPLICA`` for the configuration of a multi-Region key (a scenario key's
    ``multi_region_type``, ``MultiRegionConfiguration`` of describe-key output), else None."""
    key = getattr(doc, "key", None)
    if key is not None:
        return key.multi_region_type
    meta = doc.value.get("KeyMetadata") if isinstance(doc.value, dict) else None
    config = meta.get("MultiRegionConfiguration") if isinstance(meta, dict) else None
    return config.get("MultiRegionKeyType") if isinstance(config, dict) else None


# -- identity policies: the keys a statement reaches and who holds it (IAM rules) ---------------

#: A key ID that no policy names: the key a wildcard reaches although no statement lists it.
UNNAMED_KEY_ID = "0000aaaa-lint-4000-8000-unnamed00key"
#: Condition keys that describe a key's attributes (its tags, its aliases).
_KEY_ATTRIBUTE_PREFIXES = ("aws:resourcetag/", "kms:resourcealiases")


def holder(account: str | None = None) -> Caller:
    """The holder of an identity policy: a user of ``account`` (111111111111 by default)."""
    account = account or "111111111111"
    return Caller("user", f"arn:aws:iam::{account}:user/holder", account)


def unnamed_keys(statement, account: str | None = None) -> tuple[tuple[int | None, str], ...]:
    """For each ``Resource`` pattern of an identity statement that can name KMS keys: (its index,
    a key ARN of the pattern's partition, Region and account with a key ID the policy does not
    name), when the pattern matches that key (the engine's resource matcher; a pattern with
    policy variables is left out). Wildcards in the Region become us-east-1, in the account
    ``account`` (else 111111111111) when the pattern allows it. ``"*"`` gives a key of that
    account; ``NotResource`` gives (None, such a key), for the engine to decide."""
    default = f"arn:aws:kms:{_DEFAULT_REGION}:{account or '111111111111'}:key/{UNNAMED_KEY_ID}"
    node = statement.node
    if node.resource is None:
        return ()
    if node.resource.negated:
        return ((None, default),)
    out = []
    for index, value in enumerate(node.resource.values):
        if value == "*":
            out.append((index, default))
            continue
        parts = value.split(":", 5) if isinstance(value, str) else []
        if len(parts) < 6 or parts[0] != "arn" or not _glob_matches("kms", parts[2]):
            continue
        partition = parts[1] if parts[1] and not any(c in parts[1] for c in "*?$") else "aws"
        region = _fill(parts[3], _DEFAULT_REGION) if any(c in parts[3] for c in "*?$") \
            else parts[3] or _DEFAULT_REGION
        wanted = account or "111111111111"
        if _ACCOUNT.fullmatch(parts[4]):
            owner = parts[4]
        elif _glob_matches(wanted, parts[4]):
            owner = wanted
        else:
            owner = _shape_account(parts[4], None) or wanted
        key = f"arn:{partition}:kms:{region}:{owner}:key/{UNNAMED_KEY_ID}"
        if index < len(statement.resources) and statement.resources[index].matches(
                key, lambda _name: None):
            out.append((index, key))
    return tuple(out)


def reachable_keys(statement, account: str | None = None) -> tuple[str, ...]:
    """Keys an identity statement is about: the key ARNs it names, and the keys with an ID it
    does not name that its patterns reach (:func:`unnamed_keys`)."""
    from ..kms.world import KEY_ARN

    node = statement.node
    named = () if node.resource is None or node.resource.negated else tuple(
        v for v in node.resource.values
        if KEY_ARN.fullmatch(v) and not any(c in v for c in "*?$"))
    return named + tuple(key for _, key in unnamed_keys(statement, account))


def key_probe(policies, key_arn: str, *, caller: Caller | None = None,
              attributes: Mapping[str, Any] | None = None) -> Probe:
    """The holder of identity ``policies`` (compiled) asking about the key ``key_arn``: the key's
    account (``aws:ResourceAccount``) is bound, and so are its tags and aliases: ``attributes``
    gives values (lower-case condition keys), and every other ``aws:ResourceTag/*`` or
    ``kms:ResourceAliases`` key a condition of the policies asks about is absent (a key that is
    not tagged for it). Who the holder is and what its request carries are free (fix request
    keys with :meth:`Probe.fix`)."""
    account = key_arn.split(":")[4] if key_arn.count(":") >= 5 else None
    known: dict[str, Any] = {"aws:resourceaccount": account} if account else {}
    for policy in policies:
        for statement in (policy.statements if policy is not None else ()):
            for clause in statement.clauses:
                if clause.key_lower.startswith(_KEY_ATTRIBUTE_PREFIXES):
                    known.setdefault(clause.key_lower, ABSENT)
    known.update({k.lower(): v for k, v in (attributes or {}).items()})
    return Probe(caller or holder(account), known, "the policy's holder")


def identity_allows(policies, probe: Probe, action: str, resource: str) -> bool:
    """Do the identity policies of one principal (compiled) allow the probe ``action`` on
    ``resource``: an Allow statement of one of them can apply, and no Deny statement of any of
    them must (the caller choosing its free keys)?"""
    allowed = False
    for policy in policies:
        if policy is None:
            continue
        for statement in policy.statements_for(action):
            can, must = reach(statement, probe, action, resource, resource_policy=False)
            if statement.allow:
                allowed = allowed or can
            elif must:
                return False
    return allowed


def holder_principal(doc):
    """The scenario-world principal the identity policy ``doc`` is attached to, else None."""
    world, engine = getattr(doc, "world", None), getattr(doc, "engine", None)
    if world is None or engine is None:
        return None
    return next((p for p in world.principals if any(policy is engine for policy in p.policies)),
                None)


def holder_policies(doc) -> tuple:
    """The compiled identity policies of whoever holds the identity policy ``doc``: in a scenario
    world every identity policy of the principal it is attached to, else the document alone."""
    principal = holder_principal(doc)
    if principal is not None:
        return tuple(p.compiled for p in principal.policies if p.compiled is not None)
    return (doc.compiled,) if doc.compiled is not None else ()


def key_only_actions() -> tuple[str, ...]:
    """KMS permissions authorised on the key alone (not on an alias, not on ``"*"``)."""
    return tuple(f"kms:{a.name}" for a in catalog.all_actions()
                 if not a.internal and a.resource == "key")


# -- grants (GR rules) ---------------------------------------------------------------------------

_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")

#: The scenario format's grant fields and their ListGrants spellings (both are accepted).
_GRANT_FIELDS = {
    "id": "GrantId", "name": "Name", "grantee": "GranteePrincipal",
    "grantee_service": "GranteeServicePrincipal", "retiring": "RetiringPrincipal",
    "retiring_service": "RetiringServicePrincipal", "operations": "Operations",
    "constraints": "Constraints", "encryption_context_equals": "EncryptionContextEquals",
    "encryption_context_subset": "EncryptionContextSubset", "source_arn": "SourceArn",
    "issuing_account": "IssuingAccount", "creation_date": "CreationDate",
}


def grant_field(entry, name: str) -> tuple[Any, str | None]:
    """(value, JSON path) of a grant's field as written, by its scenario name, either spelling
    accepted at each level (``"constraints/encryption_context_subset"`` finds
    ``Constraints/EncryptionContextSubset`` too). (None, None) when absent."""
    value, path = entry.raw, entry.json_path
    for part in name.split("/"):
        if not isinstance(value, dict):
            return None, None
        written = next((s for s in (part, _GRANT_FIELDS.get(part)) if s in value), None)
        if written is None:
            return None, None
        value, path = value[written], f"{path}/{written}"
    return value, path


def grant_label(entry) -> str:
    """``grant 0c237476b39f... ('app-decrypt')`` for messages (long IDs shortened)."""
    grant = entry.grant
    if grant is None:
        return f"the grant at {entry.json_path}"
    name = f" ({grant.name!r})" if grant.name else ""
    shown = grant.id if len(grant.id) <= 20 else grant.id[:12] + "..."
    return f"grant {shown}{name}"


def account_of(principal: Any) -> str | None:
    """The account of a principal ARN (``arn:aws:iam::ACCOUNT:...``, ``arn:aws:sts::...``) or an
    account ID; None for service principals and anything else."""
    if not isinstance(principal, str):
        return None
    if _ACCOUNT.fullmatch(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT.fullmatch(parts[4]):
        return parts[4]
    return None


def is_service_principal(principal: Any) -> bool:
    """``logs.eu-west-1.amazonaws.com`` and the like."""
    return isinstance(principal, str) and bool(_SERVICE_PRINCIPAL.fullmatch(principal))


def grant_key_account(doc, entry) -> str | None:
    """The account of the key a grant is on: the scenario key's, else the ``KeyId`` ARN's of the
    ListGrants entry, else its ``IssuingAccount``."""
    key = getattr(doc, "key", None)
    if key is not None:
        return key.account
    found = account_of(entry.key_arn)
    if found is None and entry.grant is not None:
        found = account_of(entry.grant.issuing_account)
    return found


def timestamp(value: Any):
    """A ``datetime`` (UTC-aware) from an AWS CLI time: ISO 8601 text or epoch seconds."""
    from datetime import datetime, timezone

    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip():
        text = value.strip()
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        return None
    try:
        return datetime.fromtimestamp(float(text), timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- key policies: action values, other accounts, the organization, managers (KP rules) ---------


def actions_named(value: Any) -> frozenset[str]:
    """The KMS permissions one ``Action`` value (a name or a pattern) names (the engine's
    action matcher); empty for values of other services and for names KMS does not have."""
    return _kms_actions_matching(value) if isinstance(value, str) else frozenset()


def is_external(entry: PrincipalEntry, owner: str | None) -> bool:
    """Does the entry name a principal of an account other than the key's owner?"""
    return owner is not None and entry.account is not None and entry.account != owner


def organization(doc, config) -> tuple[str | None, frozenset[str]]:
    """The organization the key's owner belongs to: (its ID, its member accounts). The ID is the
    configured ``organization-id``, else a scenario world's; members are known from a world
    (the same organization) only."""
    org = getattr(getattr(doc, "world", None), "organization", None)
    configured = config.organization_id if config is not None else None
    same = org is not None and (configured is None or org.id == configured)
    return configured or (org.id if org is not None else None), (
        frozenset(org.accounts) if same else frozenset())


def with_known(probe: Probe, values: Mapping[str, Any]) -> Probe:
    """The probe with more facts about its caller bound (``known``): an organization, the
    absence of a key, ..."""
    known = dict(probe.known)
    known.update({k.lower(): v for k, v in values.items()})
    return Probe(probe.caller, known, probe.label, probe.fixed, probe.shapes)


def key_managers(doc, config, owner: str | None, action: str = "kms:PutKeyPolicy",
                 fixed: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The principals of the owner's account that the key policy names and the engine allows
    ``action`` (the caller's free keys chosen, Deny statements included; ``fixed`` request keys
    bound): their value as written -> the JSON path of their first entry. Services, NotPrincipal
    and other accounts (key management does not work across accounts) are left out."""
    compiled = doc.compiled
    found: dict[str, str] = {}
    if compiled is None:
        return found
    resource = probe_resource(doc, None, config)
    for statement in iter_allow_statements(doc):
        if not statement.matches_action(action):
            continue
        for entry in principal_entries(doc, statement.node):
            if entry.caller is None or entry.caller.is_service or entry.negated \
                    or entry.value in found or is_external(entry, owner):
                continue
            probe = insider_probe(entry.caller, config).fix(fixed or {})
            if allowing_statements(compiled, probe, action, resource):
                found[entry.value] = entry.json_path
    return found


def scp_blocks(world, probe: Probe, action: str, resource: str) -> bool:
    """Do the SCPs of a scenario world's organization stop the probe's caller from ``action``
    whatever it chooses: a Deny statement that must apply, or a level where no Allow statement
    can? (SCPs do not apply to service principals and to the management account.)"""
    org = getattr(world, "organization", None)
    caller = probe.caller
    if org is None or caller.is_service or not org.member(caller.account) \
            or caller.account == org.management_account:
        return False
    for level in org.scps:
        allowed = False
        for policy in level:
            if policy.compiled is None:
                continue
            for statement in policy.compiled.statements_for(action):
                can, must = reach(statement, probe, action, resource, resource_policy=False)
                if statement.allow:
                    allowed = allowed or can
                elif must:
                    return True
        if not allowed:
            return True
    return False


def key_region(doc) -> str | None:
    """The Region of the key a key policy belongs to (scenario worlds), else None."""
    key = getattr(doc, "key", None)
    return key.region if key is not None else None

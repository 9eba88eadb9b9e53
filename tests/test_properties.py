"""Property tests of the policy language core (semantics §1.3-§1.5, §2) and of the KMS decision.

The compiled engine is compared with ``tests/reference_evaluator.py``, a literal evaluator
written from the IAM documentation, and checked against algebraic laws of IAM evaluation
(explicit deny wins, statement order is irrelevant, action names are case-insensitive, ...).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policyengine.language.compile import compile_value
from policyengine.language.context import RequestContext
from policyengine.language.evaluate import evaluate_policy
from policyengine.language.principals import caller_from_arn

import reference_evaluator as ref
from strategies import (A1, A2, ACTIONS, KEY1, not_principals, policies, requests,
                        statement_list, statements)

FAST = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scaled(examples: int) -> int:
    """Example counts sized for a run well under a minute; PROPERTY_SCALE=20 for a long soak."""
    return max(1, int(examples * float(os.environ.get("PROPERTY_SCALE", "1"))))


def engine(policy: dict, caller: str, action: str, resource: str, ctx: dict,
           resource_policy: bool = False):
    """(allow indexes, deny indexes, how the principal matched) according to the engine."""
    compiled = compile_value(policy)
    outcome = evaluate_policy(
        compiled, RequestContext(caller_from_arn(caller), action, resource, dict(ctx)),
        resource_policy=resource_policy)
    allows = frozenset(hit.statement.node.index for hit in outcome.allows)
    denies = frozenset(hit.statement.node.index for hit in outcome.denies)
    how = {} if not resource_policy else {
        hit.statement.node.index: "account" if hit.principal.kind == "account" else "direct"
        for hit in outcome.allows + outcome.denies}
    return allows, denies, how


def applying(policy: dict, request, resource_policy: bool = False):
    """The applying statements by content: (sorted allow statements, sorted deny statements)."""
    allows, denies, _ = engine(policy, *request, resource_policy=resource_policy)
    body = statement_list(policy)

    def canon(indexes):
        return sorted(json.dumps(body[i], sort_keys=True) for i in indexes)

    return canon(allows), canon(denies)


def with_statements(policy: dict, body: list) -> dict:
    out = {k: v for k, v in policy.items() if k != "Statement"}
    out["Statement"] = body
    return out


# -- a. the engine agrees with the reference evaluator --------------------------------------------


@settings(max_examples=scaled(500), **FAST)
@given(policy=policies(), request=requests())
def test_identity_policy_agrees_with_reference(policy, request):
    """Identity policies: the same Allow and Deny statements apply as in the reference."""
    allows, denies, _ = engine(policy, *request)
    expected = ref.evaluate(policy, *request)
    assert (allows, denies) == (expected.allows, expected.denies)


@settings(max_examples=scaled(500), **FAST)
@given(policy=policies(resource_policy=True), request=requests(resource_policy=True))
def test_resource_policy_agrees_with_reference(policy, request):
    """Resource (key) policies: same statements, and the principal named the same way."""
    allows, denies, how = engine(policy, *request, resource_policy=True)
    expected = ref.evaluate(policy, *request, resource_policy=True)
    assert (allows, denies) == (expected.allows, expected.denies)
    assert how == expected.how


@settings(max_examples=scaled(700), **FAST)
@given(data=st.data(), focus=st.sampled_from(["principals", "resources", "conditions"]))
def test_focused_policies_agree_with_reference(data, focus):
    """Statements that vary in one element only, so that element decides far more often."""
    resource_policy = focus == "principals" or data.draw(st.booleans())
    policy = data.draw(policies(resource_policy, focus=focus))
    request = data.draw(requests(resource_policy))
    allows, denies, how = engine(policy, *request, resource_policy=resource_policy)
    expected = ref.evaluate(policy, *request, resource_policy=resource_policy)
    assert (allows, denies) == (expected.allows, expected.denies)
    assert how == expected.how


@settings(max_examples=100, **FAST)  # fails on its first examples; not scaled
@given(data=st.data())
def test_not_principal_wildcards_agree_with_reference(data):
    """NotPrincipal "*" / {"AWS": "*"} except every principal (every AWS identity)."""
    statement = {"Effect": data.draw(st.sampled_from(["Allow", "Deny"])),
                 "NotPrincipal": data.draw(not_principals(wildcards=True)),
                 "Action": "*", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    request = data.draw(requests(resource_policy=True))
    allows, denies, how = engine(policy, *request, resource_policy=True)
    expected = ref.evaluate(policy, *request, resource_policy=True)
    assert (allows, denies) == (expected.allows, expected.denies)


@pytest.mark.parametrize("not_principal", ["*", {"AWS": "*"}])
def test_deny_with_not_principal_wildcard_denies_no_one(not_principal):
    """NotPrincipal takes the Principal syntax: "*" excepts everyone, so the Deny applies to
    no one (a bug the reference evaluator found)."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "NotPrincipal": not_principal, "Action": "kms:Decrypt",
         "Resource": "*"}]}
    _, denies, _ = engine(policy, f"arn:aws:iam::{A1}:user/alice", "kms:Decrypt", KEY1, {},
                          resource_policy=True)
    assert not denies


# -- b. an explicit Deny is never overridden ------------------------------------------------------


@st.composite
def applying_deny(draw, request, resource_policy: bool):
    """A Deny statement built to apply to ``request``."""
    caller, action, resource, _ = request
    statement = {"Effect": "Deny",
                 "Action": draw(st.sampled_from([action, action.upper(), "*",
                                                 action.split(":")[0] + ":*"])),
                 "Resource": draw(st.sampled_from(["*", resource]))}
    if resource_policy:
        named = ({"Service": caller} if caller.endswith(".amazonaws.com")
                 else {"AWS": caller} if caller.split(":")[2] != "iam" or ":user/" in caller
                 else {"AWS": caller.split(":")[4]})
        statement["Principal"] = draw(st.sampled_from(["*", named]))
    return statement


@settings(max_examples=scaled(150), **FAST)
@given(data=st.data(), resource_policy=st.booleans())
def test_explicit_deny_is_never_overridden(data, resource_policy):
    """Adding Allow statements anywhere keeps every applying Deny applying."""
    policy = data.draw(policies(resource_policy))
    request = data.draw(requests(resource_policy))
    body = statement_list(policy)
    if data.draw(st.booleans()):  # make sure some Deny applies more often than by chance
        body.insert(data.draw(st.integers(0, len(body))),
                    data.draw(applying_deny(request, resource_policy)))
        policy = with_statements(policy, body)
    before = applying(policy, request, resource_policy)
    assume(before[1])
    body = statement_list(policy)
    for extra in data.draw(st.lists(statements(resource_policy, effect="Allow"), min_size=1,
                                    max_size=4)):
        body.insert(data.draw(st.integers(0, len(body))), extra)
    after = applying(with_statements(policy, body), request, resource_policy)
    assert after[1] == before[1]  # the same Deny statements still apply
    _, denies, _ = engine(with_statements(policy, body), *request,
                          resource_policy=resource_policy)
    assert denies


# -- c. adding a Deny never turns a non-allow into an allow ---------------------------------------


@settings(max_examples=scaled(200), **FAST)
@given(data=st.data(), resource_policy=st.booleans())
def test_adding_a_deny_never_grants(data, resource_policy):
    """Adding a Deny statement never adds an applying Allow, and never makes `allowed` true."""
    policy = data.draw(policies(resource_policy))
    request = data.draw(requests(resource_policy))
    body = statement_list(policy)
    allows_before, denies_before, _ = engine(policy, *request, resource_policy=resource_policy)
    before_canon = applying(policy, request, resource_policy)
    body.insert(data.draw(st.integers(0, len(body))),
                data.draw(statements(resource_policy, effect="Deny")))
    changed = with_statements(policy, body)
    allows_after, denies_after, _ = engine(changed, *request, resource_policy=resource_policy)
    if not allows_before:
        assert not allows_after
    if not (allows_before and not denies_before):
        assert not (allows_after and not denies_after)  # `allowed` never goes False -> True
    assert applying(changed, request, resource_policy)[0] == before_canon[0]


# -- d. statement order does not matter -----------------------------------------------------------


@settings(max_examples=scaled(200), **FAST)
@given(data=st.data(), resource_policy=st.booleans())
def test_statement_order_is_irrelevant(data, resource_policy):
    """Shuffling the statements leaves the same statements (by content) applying."""
    policy = data.draw(policies(resource_policy, min_statements=2))
    request = data.draw(requests(resource_policy))
    shuffled = data.draw(st.permutations(statement_list(policy)))
    assert (applying(with_statements(policy, shuffled), request, resource_policy)
            == applying(policy, request, resource_policy))


# -- e. the letter case of action names does not matter -------------------------------------------


def recase(text: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if f else c for c, f in zip(text, flips + [False] * len(text)))


@settings(max_examples=scaled(200), **FAST)
@given(data=st.data(), resource_policy=st.booleans())
def test_action_case_is_irrelevant(data, resource_policy):
    """Random letter case in Action / NotAction and in the request's action changes nothing."""
    policy = data.draw(policies(resource_policy))
    caller, action, resource, ctx = data.draw(requests(resource_policy))
    flips = st.lists(st.booleans(), max_size=30)
    body = copy.deepcopy(statement_list(policy))
    for statement in body:
        for element in ("Action", "NotAction"):
            if element in statement:
                values = statement[element]
                statement[element] = (recase(values, data.draw(flips)) if isinstance(values, str)
                                       else [recase(v, data.draw(flips)) for v in values])
    changed_action = recase(action, data.draw(flips))
    expected = engine(policy, caller, action, resource, ctx, resource_policy)
    got = engine(with_statements(policy, body), caller, changed_action, resource, ctx,
                 resource_policy)
    assert got == expected


# -- f. splitting an Action list into one statement per action changes nothing --------------------


@settings(max_examples=scaled(200), **FAST)
@given(data=st.data(), resource_policy=st.booleans())
def test_splitting_action_lists(data, resource_policy):
    """One statement per Action entry (all else equal) allows / denies exactly as the list."""
    policy = data.draw(policies(resource_policy))
    request = data.draw(requests(resource_policy))
    split = []
    for statement in statement_list(policy):
        actions = statement.get("Action")
        if isinstance(actions, list) and len(actions) > 1:
            split.extend(dict(statement, Action=action) for action in actions)
        else:
            split.append(statement)
    allows, denies, _ = engine(policy, *request, resource_policy=resource_policy)
    allows2, denies2, _ = engine(with_statements(policy, split), *request,
                                 resource_policy=resource_policy)
    assert (bool(allows), bool(denies)) == (bool(allows2), bool(denies2))


# -- g. the two JSON parsers agree ----------------------------------------------------------------

JSON_LAYOUT = dict(
    indent=st.sampled_from([None, 0, 1, 2, 4, "\t", " \n "]),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
    separators=st.sampled_from([None, (",", ":"), (" , ", " : "), (",\n", ": ")]),
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


def both_parsers(text: str):
    from policyengine.language.parsing import parse_json
    from policyengine.language.source import parse_with_positions

    return parse_json(text), parse_with_positions(text).value


@settings(max_examples=scaled(150), **FAST)
@given(policy=st.one_of(policies(), policies(resource_policy=True)), **JSON_LAYOUT)
def test_parsers_agree_on_policies(policy, indent, sort_keys, ensure_ascii, separators):
    """parse_json and the positioned parser read any layout of a policy as the same value."""
    text = json.dumps(policy, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                      separators=separators)
    fast, positioned = both_parsers(text)
    assert fast == positioned == policy


@settings(max_examples=scaled(200), **FAST)
@given(value=json_values, **JSON_LAYOUT)
def test_parsers_agree_on_any_json(value, indent, sort_keys, ensure_ascii, separators):
    """The same for arbitrary JSON: unicode strings, big integers, floats, nesting."""
    text = json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii,
                      separators=separators)
    fast, positioned = both_parsers(text)
    assert fast == positioned
    assert json.dumps(fast, sort_keys=True) == json.dumps(positioned, sort_keys=True)


# -- KMS: explicit denies and the key policy ------------------------------------------------------

CATALOG = Path(__file__).resolve().parents[1] / "policyengine" / "kms" / "data" / "catalog.json"
needs_catalog = pytest.mark.skipif(not CATALOG.exists(),
                                   reason="policyengine/kms/data/catalog.json is not there yet")

KMS_CALLERS = [f"arn:aws:iam::{A1}:user/alice", f"arn:aws:sts::{A1}:assumed-role/admin/s1",
               f"arn:aws:iam::{A2}:user/carol"]
KMS_ACTIONS = [a for a in ACTIONS if a.startswith("kms:") and a != "kms:ListAliases"]


@st.composite
def grants(draw, caller: str):
    from policyengine.kms.world import Grant

    account = caller.split(":")[4]
    grantee = draw(st.sampled_from(
        [caller, f"arn:aws:iam::{account}:root", f"arn:aws:iam::{A1}:role/admin"]))
    operations = draw(st.sets(st.sampled_from(
        ["Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "ReEncryptFrom",
         "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey"]), min_size=1))
    return [Grant(id=f"g{i}", operations=operations, grantee=grantee)
            for i in range(draw(st.integers(1, 2)))]


@st.composite
def kms_worlds(draw, identity_deny: bool):
    """(key policy value, identity policies, grants, caller, action) for one key, KEY1."""
    caller = draw(st.sampled_from(KMS_CALLERS))
    action = draw(st.sampled_from(KMS_ACTIONS))
    key_policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{A1}:root"}, "Action": "kms:*", "Resource": "*"}]}
    key_policy["Statement"] += draw(st.lists(statements(True), max_size=3))
    identity = [draw(policies())] if draw(st.booleans()) else []
    identity.append({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": draw(st.sampled_from(["kms:*", action])), "Resource": "*"}]})
    if identity_deny:
        identity.append({"Version": "2012-10-17", "Statement": {
            "Effect": "Deny",
            "Action": draw(st.sampled_from(["kms:*", "*", action, action.upper()])),
            "Resource": draw(st.sampled_from(["*", KEY1, "arn:aws:kms:*"]))}})
    return key_policy, identity, draw(grants(caller)), caller, action


def kms_decide(key_policy, identity, grant_list, caller, action):
    from policyengine.kms.requests import authorize
    from policyengine.kms.world import Key, Principal, Request, World

    holder = caller if ":user/" in caller else f"arn:aws:iam::{A1}:role/admin"
    world = World(keys=[Key(KEY1, policy=key_policy, grants=tuple(grant_list))],
                  principals=[Principal(holder, policies=tuple(identity))])
    return authorize(world, Request(principal=caller, action=action, key=KEY1))


@needs_catalog
@settings(max_examples=scaled(150), **FAST)
@given(world=kms_worlds(identity_deny=True))
def test_kms_identity_deny_is_always_explicit_deny(world):
    """An applying identity-policy Deny wins over key-policy statements and grants."""
    from policyengine.decision import Effect

    assert kms_decide(*world).effect is Effect.EXPLICIT_DENY


@needs_catalog
@settings(max_examples=scaled(150), **FAST)
@given(world=kms_worlds(identity_deny=False), data=st.data())
def test_kms_key_policy_deny_never_allows(world, data):
    """A Deny added to the key policy never turns a denial into Allow, nor an ExplicitDeny
    into anything else."""
    from policyengine.decision import Effect

    key_policy, identity, grant_list, caller, action = world
    before = kms_decide(*world)
    denied = copy.deepcopy(key_policy)
    denied["Statement"].insert(data.draw(st.integers(0, len(denied["Statement"]))),
                               data.draw(statements(True, effect="Deny")))
    after = kms_decide(denied, identity, grant_list, caller, action)
    if before.effect is not Effect.ALLOW:
        assert after.effect is not Effect.ALLOW
    if before.effect is Effect.EXPLICIT_DENY:
        assert after.effect is Effect.EXPLICIT_DENY

"""Hypothesis strategies for well-formed IAM / KMS policies drawn from small pools.

The pools are small on purpose: actions, resources, principals and condition values collide
often, so statements apply (and fail to apply) for interesting reasons.
"""

from __future__ import annotations

import copy
from functools import lru_cache

from hypothesis import strategies as st

A1, A2 = "111122223333", "444455556666"
KEY1 = f"arn:aws:kms:us-west-2:{A1}:key/1111aaaa-11aa-11aa-11aa-111111111111"
KEY2 = f"arn:aws:kms:us-east-1:{A1}:key/2222bbbb-22bb-22bb-22bb-222222222222"
KEY3 = f"arn:aws:kms:us-west-2:{A2}:key/3333cccc-33cc-33cc-33cc-333333333333"
ALIAS = f"arn:aws:kms:us-west-2:{A1}:alias/app"

# -- actions --------------------------------------------------------------------------------------

ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
           "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant", "kms:RetireGrant",
           "kms:DescribeKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:ListAliases",
           "s3:GetObject"]
ACTION_PATTERNS = ACTIONS[:-1] + [
    "kms:*", "kms:Gen*", "kms:?ecrypt", "*", "kms:ReEncrypt*", "KMS:decrypt", "kms:*Key",
    "kms:Re?ncrypt*", "s3:*", "kms:Create*", "kms:ReEncrypt", "kms:*crypt*", "kms:G*K?y*"]

# -- resources ------------------------------------------------------------------------------------

LOGS = "arn:aws:s3:::logs/a:b"  # colons inside the resource part
RESOURCES = [KEY1, KEY2, KEY3, ALIAS, "*", LOGS]
RESOURCE_PATTERNS = [
    KEY1, KEY2, KEY3, ALIAS, "*", f"arn:aws:kms:*:{A1}:key/*", "arn:aws:kms:us-west-2:*",
    "arn:aws:kms:us-?est-2:*:key/*", "arn:aws:kms:*", f"arn:aws:kms:us-west-2:{A1}:alias/*",
    KEY1.upper(), "arn:aws:kms:*:*:key/1111*", "arn:aws:kms:us-*-2:*:*",
    f"arn:aws:kms:us-west-2:{A1}:key/${{aws:PrincipalTag/keyid}}",
    f"arn:aws:kms:*:{A1}:key/${{aws:PrincipalTag/keyid, '2222bbbb-22bb-22bb-22bb-222222222222'}}",
    f"arn:aws:kms:us-west-2:{A1}:key/${{*}}", "arn:aws:kms:*:*:key/?111*",
    "arn:aws:s3:::logs/*", "arn:aws:s3:::logs/a*b", "arn:aws:s3:::logs/a?b", "arn:aws:s3:::*:b",
    "arn:aws:s3:::logs/*:b", "arn:aws:s3:*:*:logs/a*", "arn:aws:s3:::logs/${aws:username}:b",
]

# -- principals -----------------------------------------------------------------------------------

CALLERS = [
    f"arn:aws:iam::{A1}:user/alice", f"arn:aws:iam::{A1}:user/Alice", f"arn:aws:iam::{A1}:root",
    f"arn:aws:sts::{A1}:assumed-role/admin/s1", f"arn:aws:sts::{A1}:assumed-role/admin/s2",
    f"arn:aws:sts::{A2}:assumed-role/admin/s1", f"arn:aws:sts::{A1}:federated-user/bob",
    f"arn:aws:iam::{A2}:user/carol", f"arn:aws:iam::{A2}:root", "cloudtrail.amazonaws.com",
]
AWS_PRINCIPALS = [
    "*", A1, A2, f"arn:aws:iam::{A1}:root", f"arn:aws:iam::{A2}:root",
    f"arn:aws:iam::{A1}:user/alice", f"arn:aws:iam::{A1}:user/ALICE",
    f"arn:aws:iam::{A2}:user/carol", f"arn:aws:iam::{A1}:role/admin",
    f"arn:aws:iam::{A2}:role/admin", f"arn:aws:sts::{A1}:assumed-role/admin/s1",
    f"arn:aws:sts::{A1}:federated-user/bob", "arn:aws:iam::*:root", f"arn:aws:iam::{A1}:user/*",
]
SERVICES = ["cloudtrail.amazonaws.com", "logs.amazonaws.com"]

# -- condition keys: name as written in policies, families, policy values, request values ---------

TAGKEYS = ["env", "team", "owner", "Cost"]
CTXKEYS = ["app", "tenant", "App"]

KEYS = {
    "aws:PrincipalTag/team": (
        ["String"],
        ["dev", "ops", "DEV", "d*", "?ps", "${aws:username}", "${aws:username, 'ops'}", "a${*}",
         "${aws:TagKeys}", "${aws:PrincipalTag/team}", "${AWS:UserName}", "${$}{x}",
         "${aws:MultiFactorAuthAge}", "${aws:SecureTransport}", 30, True],
        ["dev", "ops", "Dev", "d*", "a*", "${aws:username}", "30", "true", "${x}"]),
    "aws:username": (["String"], ["alice", "dev", "ALICE", "al*"], ["alice", "dev"]),
    "kms:ViaService": (
        ["String"],
        ["ec2.*.amazonaws.com", "s3.us-west-2.amazonaws.com", "EC2.US-WEST-2.AMAZONAWS.COM"],
        ["ec2.us-west-2.amazonaws.com", "s3.us-west-2.amazonaws.com"]),
    "aws:MultiFactorAuthAge": (
        ["Numeric"], ["30", 3600, "30.0", "-1", "0"], [0, 30, 3600, "30", 7200]),
    "aws:SecureTransport": (
        ["Bool", "String"], ["true", "false", True, False, "TRUE"], [True, False, "true"]),
    "aws:MultiFactorAuthPresent": (["Bool"], ["true", "false", True], [True, False]),
    "aws:SourceIp": (
        ["Ip"], ["10.0.0.0/8", "10.1.2.3", "192.168.0.0/16", "203.0.113.0/24", "2001:db8::/32"],
        ["10.1.2.3", "10.200.0.1", "192.168.1.1", "203.0.113.5", "2001:db8::1"]),
    "aws:CurrentTime": (
        ["Date"],
        ["2024-01-01T00:00:00Z", "2024-01-01", "1704067200", "2024-01-01T01:00:00+01:00",
         "2025-01-01T00:00:00Z"],
        ["2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", "2025-06-01T12:00:00Z", 1704067200,
         "2024-01-01T00:00:00.000Z"]),
    "aws:PrincipalArn": (
        ["Arn", "String"],
        [f"arn:aws:iam::{A1}:role/admin", f"arn:aws:iam::{A1}:*", "arn:aws:iam::*:role/a?min",
         f"arn:aws:iam::{A1}:user/${{aws:username}}", "arn:aws:*:*:*:*", "arn:aws:iam:*",
         f"arn:aws:iam::{A1}:role/*"],
        [f"arn:aws:iam::{A1}:role/admin", f"arn:aws:iam::{A2}:role/admin",
         f"arn:aws:iam::{A1}:user/alice", f"arn:aws:iam::{A1}:user/dev", "not-an-arn"]),
    "aws:SourceArn": (
        ["Arn", "String"],
        ["arn:aws:s3:::logs/*", f"arn:aws:cloudtrail:*:{A1}:trail/*", "arn:aws:s3:::*:b",
         "arn:aws:s3:::logs/a?b", "arn:aws:s3:*"],
        ["arn:aws:s3:::logs/a:b", f"arn:aws:cloudtrail:us-east-1:{A1}:trail/t1",
         "arn:aws:s3:::logs/x"]),
    "aws:TagKeys": (["String"], ["env", "team", "own*", "cost"], None),
    "kms:EncryptionContextKeys": (["String"], ["app", "tenant", "t*", "APP"], None),
    "test:Blob": (["Binary"], ["aGVsbG8=", "d29ybGQ="], ["aGVsbG8=", "d29ybGQ="]),
    "aws:PrincipalTag/keyid": (
        ["String"], ["1111aaaa-11aa-11aa-11aa-111111111111"],
        ["1111aaaa-11aa-11aa-11aa-111111111111", "2222bbbb-22bb-22bb-22bb-222222222222",
         "1111*"]),
}
MULTIVALUED = {"aws:TagKeys": TAGKEYS, "kms:EncryptionContextKeys": CTXKEYS}

OPERATORS = {
    "String": ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
               "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    "Numeric": ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
                "NumericGreaterThan", "NumericGreaterThanEquals"],
    "Date": ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
             "DateGreaterThan", "DateGreaterThanEquals"],
    "Bool": ["Bool"],
    "Binary": ["BinaryEquals"],
    "Ip": ["IpAddress", "NotIpAddress"],
    "Arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
}


_BUILT: dict = {}


def _once(kind: str, pool, build):
    """Strategies are built once per pool (building them per draw is slow). Keyed by repr, as
    ``True == 1`` would make equal-looking pools share an entry."""
    key = (kind, repr(list(pool)))
    if key not in _BUILT:
        _BUILT[key] = build()
    return _BUILT[key]


def sampled(pool):
    return _once("sampled", pool, lambda: st.sampled_from(list(pool)))


def one_or_list(pool, max_size=3):
    """A single value or a list of 1..max_size values (AWS accepts either)."""
    return _once(f"one_or_list{max_size}", pool, lambda: st.one_of(
        st.sampled_from(list(pool)),
        st.lists(st.sampled_from(list(pool)), min_size=1, max_size=max_size)))


ints = lru_cache(maxsize=None)(st.integers)
BOOLS = st.booleans()
CASE_STYLES = sampled(["as-is", "as-is", "lower", "upper", "mixed"])
BITS = st.integers(0, 2**64 - 1)


@st.composite
def key_case(draw, name: str) -> str:
    """The condition key name in a random letter case (key names are case-insensitive)."""
    style = draw(CASE_STYLES)
    if style == "lower":
        return name.lower()
    if style == "upper":
        return name.upper()
    if style == "mixed":
        bits = draw(BITS)
        return "".join(c.swapcase() if bits >> i & 1 else c for i, c in enumerate(name))
    return name


@st.composite
def condition_entries(draw):
    """(operator, key as written, values) triples."""
    key = draw(sampled(sorted(KEYS)))
    families, policy_pool, _ = KEYS[key]
    written = draw(key_case(key))
    if draw(ints(0, 9)) == 0:
        return "Null", written, draw(one_or_list(["true", "false", True, False], 2))
    family = draw(sampled(families))
    base = draw(sampled(OPERATORS[family]))
    qualifier = draw(sampled(
        ["", "ForAllValues:", "ForAnyValue:"] if key in MULTIVALUED else
        ["", "", "", "", "ForAllValues:", "ForAnyValue:"]))
    suffix = "IfExists" if draw(ints(0, 3)) == 0 else ""
    return qualifier + base + suffix, written, draw(one_or_list(policy_pool))


@st.composite
def conditions(draw):
    block: dict = {}
    for operator, key, values in draw(CONDITION_LISTS):
        block.setdefault(operator, {})[key] = values
    return block


CONDITION_LISTS = st.lists(condition_entries(), min_size=1, max_size=3)
MULTI_VALUES = {key: st.lists(st.sampled_from(pool), max_size=3, unique=True)
                for key, pool in MULTIVALUED.items()}


@st.composite
def contexts(draw):
    """Lower-cased condition keys to request values; each key present or absent."""
    ctx = {}
    for key, (_, _, request_pool) in KEYS.items():
        if not draw(BOOLS):
            continue
        if key in MULTIVALUED:
            ctx[key.lower()] = draw(MULTI_VALUES[key])
        else:
            ctx[key.lower()] = draw(sampled(request_pool))
    return ctx


@st.composite
def principals(draw):
    form = draw(sampled(["star", "aws", "aws", "aws", "service", "both"]))
    if form == "star":
        return "*"
    element = {}
    if form in ("aws", "both"):
        element["AWS"] = draw(one_or_list(AWS_PRINCIPALS, 4))
    if form in ("service", "both"):
        element["Service"] = draw(one_or_list(SERVICES, 2))
    return element


WILDCARD_NOT_PRINCIPALS = ["*", {"AWS": "*"}, {"AWS": ["*", f"arn:aws:iam::{A1}:root"]},
                           {"AWS": "*", "Service": "logs.amazonaws.com"}]


@st.composite
def not_principals(draw, wildcards: bool = False):
    """NotPrincipal elements; ``wildcards``: only the forms that name every principal (``"*"``)
    or every AWS identity (``{"AWS": "*"}``), kept apart because the engine gets them wrong."""
    if wildcards:
        return copy.deepcopy(WILDCARD_NOT_PRINCIPALS[draw(ints(0, 3))])
    element = {"AWS": draw(one_or_list([p for p in AWS_PRINCIPALS if p != "*"], 4))}
    if draw(BOOLS):
        element["Service"] = draw(one_or_list(SERVICES, 2))
    return element


@st.composite
def statements(draw, resource_policy: bool = False, effect=None, focus: str | None = None):
    """A well-formed statement. ``focus`` ("principals", "resources" or "conditions") keeps
    every other element trivially matching (``*``), so that all the variety is in one element."""
    statement = {}
    if draw(ints(0, 3)) == 0:
        statement["Sid"] = draw(sampled(["A", "B", "Stmt1"]))
    statement["Effect"] = effect or draw(sampled(["Allow", "Deny"]))
    if resource_policy:
        if focus not in (None, "principals"):
            statement["Principal"] = "*"
        elif draw(ints(0, 4 if focus is None else 2)) == 0:
            statement["NotPrincipal"] = draw(not_principals())
        else:
            statement["Principal"] = draw(principals())
    if focus is None:
        action_element = "NotAction" if draw(ints(0, 4)) == 0 else "Action"
        statement[action_element] = draw(one_or_list(ACTION_PATTERNS, 4))
    else:
        statement["Action"] = "*"
    if focus in (None, "resources"):
        resource_element = "NotResource" if draw(ints(0, 4)) == 0 else "Resource"
        statement[resource_element] = draw(one_or_list(RESOURCE_PATTERNS, 3))
    else:
        statement["Resource"] = "*"
    if focus == "conditions" or (focus is None and draw(BOOLS)):
        statement["Condition"] = draw(conditions())
    return statement


@lru_cache(maxsize=None)
def _statement_lists(resource_policy: bool, min_size: int, max_size: int, focus):
    return st.lists(statements(resource_policy, focus=focus), min_size=min_size,
                    max_size=max_size)


@st.composite
def policies(draw, resource_policy: bool = False, min_statements: int = 1,
             max_statements: int = 4, focus: str | None = None):
    policy = {}
    version = draw(sampled(["2012-10-17", "2012-10-17", "2008-10-17", None]))
    if version:
        policy["Version"] = version
    body = draw(_statement_lists(resource_policy, min_statements, max_statements, focus))
    if len(body) == 1 and draw(st.booleans()):
        policy["Statement"] = body[0]  # a single statement object without a list
    else:
        policy["Statement"] = body
    return policy


@st.composite
def requests(draw, resource_policy: bool = False):
    """(caller ARN, action, resource, context)."""
    caller = draw(sampled(CALLERS)) if resource_policy else CALLERS[0]
    return (caller, draw(sampled(ACTIONS)), draw(sampled(RESOURCES)),
            draw(contexts()))


def statement_list(policy: dict) -> list:
    body = policy["Statement"]
    return [body] if isinstance(body, dict) else list(body)

"""Condition operators, table-driven (semantics §2.1–§2.4, IAM condition operators page).

Each row: operator, condition key, policy values, request keys (absent when missing), result.
"""

import pytest

from policyengine.language.conditions import compile_clause, resolve_operator

K = "aws:PrincipalTag/team"


def holds(operator, key, values, keys, variables=True):
    clause = compile_clause(operator, key, values, "Condition", variables)
    assert clause.problem is None, clause.problem
    return clause.holds({name.lower(): value for name, value in keys.items()})


CASES = [
    # strings
    ("StringEquals", K, "red", {K: "red"}, True),
    ("StringEquals", K, "red", {K: "Red"}, False),
    ("StringEquals", K, ["blue", "red"], {K: "red"}, True),  # values OR'ed
    ("StringEquals", K, "r*", {K: "red"}, False),  # no wildcards in StringEquals
    ("StringEquals", K, "red", {}, False),  # absent key: positive operator false
    ("StringNotEquals", K, "red", {}, True),  # absent key: negated operator true
    ("StringNotEquals", K, ["red", "blue"], {K: "red"}, False),  # negated: AND across values
    ("StringNotEquals", K, ["red", "blue"], {K: "green"}, True),
    ("StringEqualsIgnoreCase", K, "RED", {K: "red"}, True),
    ("StringNotEqualsIgnoreCase", K, "RED", {K: "red"}, False),
    ("StringLike", K, "r?d*", {K: "rods"}, True),
    ("StringLike", K, "r?d*", {K: "Rods"}, False),  # case-sensitive
    ("StringNotLike", K, ["r*", "b*"], {K: "green"}, True),
    ("StringNotLike", K, ["r*", "b*"], {K: "blue"}, False),
    ("StringEquals", "aws:SecureTransport", "true", {"aws:SecureTransport": True}, True),
    # key names are case-insensitive, including the embedded name
    ("StringEquals", "KMS:encryptioncontext:APPNAME", "x",
     {"kms:EncryptionContext:AppName": "x"}, True),
    # numbers
    ("NumericLessThan", "kms:RotationPeriodInDays", "180", {"kms:RotationPeriodInDays": 90}, True),
    ("NumericLessThan", "kms:RotationPeriodInDays", 180, {"kms:RotationPeriodInDays": 365}, False),
    ("NumericEquals", "n", "1.50", {"n": "1.5"}, True),
    ("NumericNotEquals", "n", ["1", "2"], {"n": 3}, True),
    ("NumericGreaterThanEquals", "n", "7", {"n": 7}, True),
    ("NumericGreaterThan", "n", "7", {"n": "x"}, False),  # unreadable request value
    ("NumericLessThanEquals", "n", "7", {}, False),
    # dates, ISO 8601 or epoch
    ("DateLessThan", "aws:CurrentTime", "2026-01-01T00:00:00Z",
     {"aws:CurrentTime": "2025-12-31T23:59:59Z"}, True),
    ("DateLessThan", "aws:CurrentTime", "2026-01-01",
     {"aws:CurrentTime": "2026-06-01T12:00:00Z"}, False),
    ("DateGreaterThan", "aws:CurrentTime", "1767225600",
     {"aws:CurrentTime": "2026-06-01T12:00:00Z"}, True),
    ("DateEquals", "t", "2026-01-01T01:00:00+01:00", {"t": "2026-01-01T00:00:00Z"}, True),
    ("DateNotEquals", "t", "2026-01-01T00:00:00Z", {}, True),
    ("NumericLessThan", "aws:EpochTime", "1893456000", {"aws:EpochTime": 1780315200}, True),
    # booleans
    ("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": False}, True),
    ("Bool", "aws:SecureTransport", "FALSE", {"aws:SecureTransport": False}, True),
    ("Bool", "aws:SecureTransport", True, {"aws:SecureTransport": "true"}, True),
    ("Bool", "aws:MultiFactorAuthPresent", "false", {}, False),  # absent: false
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", {}, True),  # IfExists: true
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false",
     {"aws:MultiFactorAuthPresent": True}, False),
    # binary
    ("BinaryEquals", "b", "QmluYXJ5", {"b": "QmluYXJ5"}, True),
    ("BinaryEquals", "b", "QmluYXJ5", {"b": b"Binary"}, True),
    ("BinaryEquals", "b", "QmluYXJ5", {"b": b"binary"}, False),
    # IP addresses
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.9"}, True),
    ("IpAddress", "aws:SourceIp", "203.0.113.5", {"aws:SourceIp": "203.0.113.6"}, False),  # /32
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:SourceIp": "2001:db8::1"}, True),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", {"aws:SourceIp": "203.0.113.1"}, False),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", {}, False),  # via a VPC endpoint
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", {}, True),  # deny-all pitfall
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8", "203.0.113.0/24"],
     {"aws:SourceIp": "203.0.113.9"}, False),
    # ARNs
    ("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:*:111122223333:trail/*",
     {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}, True),
    ("ArnEquals", "aws:SourceArn", "arn:aws:cloudtrail:*:111122223333:trail/*",
     {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}, True),
    ("ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/Admin",
     {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Admin"}, False),
    ("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/*", {}, True),
    # Null
    ("Null", "aws:TokenIssueTime", "true", {}, True),
    ("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, False),
    ("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, True),
    ("Null", "kms:EncryptionContextKeys", "false", {}, False),
    # set operators on multivalued keys
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a"]}, True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], {"aws:TagKeys": ["a", "c"]}, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {}, True),  # vacuously true
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {"aws:TagKeys": []}, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], {}, False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], {"aws:TagKeys": ["c", "a"]}, True),
    ("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:TagKeys": ["key2:audit"]}, True),
    ("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {"aws:TagKeys": ["key1:legal"]}, False),
    ("ForAllValues:StringNotLike", "aws:TagKeys", "key1*", {}, True),
    ("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ["a", "b"],
     {"kms:EncryptionContextKeys": ["a", "c"]}, True),
    ("ForAnyValue:StringNotEquals", "kms:EncryptionContextKeys", ["a", "b"],
     {"kms:EncryptionContextKeys": ["a"]}, False),
    ("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", ["a"], {}, True),
    # an operator without a set qualifier on a multivalued key: any value for positive tests
    ("StringEquals", "aws:TagKeys", "a", {"aws:TagKeys": ["b", "a"]}, True),
    ("StringNotEquals", "aws:TagKeys", "a", {"aws:TagKeys": ["b", "a"]}, False),
]


@pytest.mark.parametrize("operator, key, values, keys, expected", CASES)
def test_operator(operator, key, values, keys, expected):
    assert holds(operator, key, values, keys) is expected


@pytest.mark.parametrize("name, canonical", [
    ("StringEquals", "StringEquals"),
    ("stringequals", "StringEquals"),
    ("ForAllValues:StringLikeIfExists", "ForAllValues:StringLikeIfExists"),
    ("foranyvalue:arnlike", "ForAnyValue:ArnLike"),
    ("Null", "Null"),
])
def test_operator_names(name, canonical):
    assert resolve_operator(name).name == canonical


@pytest.mark.parametrize("name", ["StringEqual", "NullIfExists", "ForAllValues:Null",
                                  "ForSomeValues:StringEquals", "", "IfExists"])
def test_unknown_operators_are_reported_not_passed(name):
    clause = compile_clause(name, "k", "v", "Condition/x/k", True)
    assert resolve_operator(name) is None
    assert clause.problem and "unknown" in clause.problem
    assert clause.holds({"k": "v"}) is False
    # a negated-looking unknown operator does not pass on an absent key either
    assert clause.holds({}) is False


@pytest.mark.parametrize("operator, value", [
    ("NumericEquals", "ten"), ("DateLessThan", "yesterday"), ("Bool", "yes"),
    ("IpAddress", "300.1.1.1/8"), ("BinaryEquals", "not base64!"),
    ("StringEquals", {"nested": "object"}),
])
def test_unreadable_policy_values_are_unevaluated(operator, value):
    clause = compile_clause(operator, "k", value, "Condition/x/k", True)
    assert clause.problem
    assert clause.holds({"k": "anything"}) is False

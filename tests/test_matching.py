"""Wildcard matching: actions, resources, ARN operators (semantics §1.4, §1.5, §2.3)."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policyengine.language.matching import (
    compile_action, compile_actions, compile_arn_like, compile_glob, compile_glob_runs,
    compile_resource)

KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("pattern, action, expected", [
    ("kms:Decrypt", "kms:Decrypt", True),
    ("KMS:decrypt", "kms:Decrypt", True),  # prefix and name are case-insensitive
    ("kms:*", "kms:ScheduleKeyDeletion", True),
    ("*", "s3:GetObject", True),
    ("kms:ReEncrypt*", "kms:ReEncryptFrom", True),
    ("kms:ReEncrypt", "kms:ReEncryptFrom", False),  # a literal ReEncrypt names no permission
    ("kms:Delete*", "kms:ScheduleKeyDeletion", False),
    ("kms:Create*", "kms:CreateGrant", True),
    ("kms:?ecrypt", "kms:Decrypt", True),  # '?' is one character
    ("kms:?ecrypt", "kms:ecrypt", False),
    ("kms:*crypt", "kms:EncryptX", False),
    ("kms:Gen*Key", "kms:GenerateDataKey", True),
    ("kms:Gen*Key", "kms:GenerateDataKeyPair", False),
    ("s3:*", "kms:Decrypt", False),
])
def test_actions(pattern, action, expected):
    assert compile_action(pattern)(action) is expected


ACTION_TEXT = st.text(alphabet="kmsKMS:dDeE*?.İı", max_size=8)


@given(st.lists(ACTION_TEXT, max_size=4), ACTION_TEXT)
def test_a_list_of_actions_matches_as_its_patterns_do(patterns, action):
    """compile_actions (names, prefixes and the rest sorted apart) answers like compile_action
    on each pattern of the list."""
    expected = any(compile_action(p)(action) for p in patterns)
    assert compile_actions(tuple(patterns))(action) is expected


@pytest.mark.parametrize("patterns, action, expected", [
    ((), "kms:Decrypt", False),
    (("kms:Encrypt", "KMS:DECRYPT"), "kms:Decrypt", True),
    (("kms:Create*", "kms:Describe*"), "kms:describekey", True),
    (("kms:Create*", "kms:?escribeKey"), "kms:DescribeKey", True),
    (("kms:Create*", "kms:*Key"), "kms:DescribeKeys", False),
    (("s3:GetObject", "*"), "kms:Decrypt", True),
])
def test_action_lists(patterns, action, expected):
    assert compile_actions(patterns)(action) is expected


@pytest.mark.parametrize("pattern, resource, expected", [
    ("*", KEY, True),
    (KEY, KEY, True),
    (KEY.upper(), KEY, False),  # ARNs in Resource are case-sensitive (ambiguity 18)
    ("arn:aws:kms:*:111122223333:key/*", KEY, True),
    ("arn:aws:kms:*:444455556666:key/*", KEY, False),
    ("arn:aws:kms:us-west-2:111122223333:*", KEY, True),
    ("arn:aws:kms:*", KEY, True),  # a '*' ending a segment may cross colons
    ("arn:aws:kms:us-*-2:111122223333:key/*", KEY, True),
    ("arn:aws:kms:us-west-?:111122223333:key/*", KEY, True),
    ("arn:aws:kms:us-west-2:111122223333:alias/*", KEY, False),
    ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", True),  # '*' crosses '/'
    ("arn:aws:s3:::bucket/*/x", "arn:aws:s3:::bucket/a:b/x", False),  # mid-segment '*' stops at ':'
    ("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890a.",
     KEY, False),  # '.' is literal
])
def test_resources(pattern, resource, expected):
    assert compile_resource(pattern)(resource) is expected


@pytest.mark.parametrize("pattern, value, expected", [
    ("arn:aws:cloudtrail:*:111122223333:trail/*",
     "arn:aws:cloudtrail:us-east-1:111122223333:trail/finance", True),
    ("arn:aws:cloudtrail:*:111122223333:trail/*",
     "arn:aws:cloudtrail:us-east-1:444455556666:trail/finance", False),
    # ArnLike matches component by component: '*' cannot swallow colons (IAM docs example)
    ("arn:aws:someservice:*:111122223333:*",
     "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt", False),
    ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket", True),
    ("arn:aws:s3:::bucket", "not-an-arn", False),
    ("too:short", "arn:aws:s3:::bucket", False),
])
def test_arn_like(pattern, value, expected):
    assert compile_arn_like(pattern)(value) is expected


def test_string_like_crosses_colons_where_arn_like_does_not():
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/doc.txt"
    assert compile_glob("arn:aws:someservice:*:111122223333:*")(value)


@pytest.mark.parametrize("special", [".", "+", "[", "]", "(", ")", "^", "$", "|", "\\", "{"])
def test_no_regular_expression_injection(special):
    pattern = f"a{special}b"
    assert compile_glob(pattern)(pattern)
    assert not compile_glob(pattern)("axb")
    assert compile_glob(f"*{special}*")(f"xx{special}yy")


def test_literal_runs_are_never_wildcards():
    matcher = compile_glob_runs([("reports/", False), ("*", True)])
    assert matcher("reports/*")
    assert not matcher("reports/x")


@pytest.mark.parametrize("pattern", ["*a*a*a*a*a*b", "*a?a*a?a*a*b", "a*" * 30 + "b"])
def test_no_catastrophic_backtracking(pattern):
    text = "a" * 200_000
    started = time.perf_counter()
    assert compile_glob(pattern)(text) is False
    assert time.perf_counter() - started < 2.0

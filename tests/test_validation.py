"""Save-time validation per policy type (policyengine.language.validation)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.language.validation import (
    POLICY_TYPES,
    Violation,
    validate_policy,
    validate_text,
)

ACCT = "111122223333"
ROOT = f"arn:aws:iam::{ACCT}:root"
KEY_ARN = f"arn:aws:kms:us-west-2:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# -- AWS's own default key policies (semantics §5.3) ------------------------------------------

PROGRAMMATIC_DEFAULT = {
    "Version": "2012-10-17",
    "Id": "key-default-1",
    "Statement": [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": ROOT},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}

CONSOLE_DEFAULT = {
    "Version": "2012-10-17",
    "Id": "key-consolepolicy-3",
    "Statement": [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": ROOT},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "Allow access for Key Administrators",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/KMSAdminRole"},
            "Action": [
                "kms:Create*",
                "kms:Describe*",
                "kms:Enable*",
                "kms:List*",
                "kms:Put*",
                "kms:Update*",
                "kms:Revoke*",
                "kms:Disable*",
                "kms:Get*",
                "kms:Delete*",
                "kms:TagResource",
                "kms:UntagResource",
                "kms:ScheduleKeyDeletion",
                "kms:CancelKeyDeletion",
                "kms:RotateKeyOnDemand",
            ],
            "Resource": "*",
        },
        {
            "Sid": "Allow use of the key",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/KMSUserRole"},
            "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            "Resource": "*",
        },
        {
            "Sid": "Allow attachment of persistent resources",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/KMSUserRole"},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ],
}


def test_programmatic_default_key_policy_is_valid():
    assert validate_policy(PROGRAMMATIC_DEFAULT, "key") == []
    assert validate_text(json.dumps(PROGRAMMATIC_DEFAULT, indent=2), "key") == []


def test_console_default_key_policy_is_valid():
    assert validate_policy(CONSOLE_DEFAULT, "key") == []
    assert validate_text(json.dumps(CONSOLE_DEFAULT, indent=4), "key") == []


def test_key_policy_statement_without_resource_or_action_is_accepted():
    # PutKeyPolicy succeeds; the statement simply has no effect (the linter reports it).
    doc = copy.deepcopy(PROGRAMMATIC_DEFAULT)
    doc["Statement"].append({"Effect": "Allow", "Principal": {"AWS": ROOT},
                             "Action": "kms:Decrypt"})
    doc["Statement"].append({"Effect": "Allow", "Principal": {"AWS": ROOT}, "Resource": "*"})
    assert validate_policy(doc, "key") == []


# -- well-formed documents of every type --------------------------------------------------------

IDENTITY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "AllowDecrypt1", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"],
     "Resource": KEY_ARN,
     "Condition": {"StringEquals": {"kms:EncryptionContext:app": "${aws:username}"}}},
    {"Effect": "Deny", "NotAction": "kms:Describe*", "NotResource": KEY_ARN},
]}
SCP = {"Version": "2012-10-17", "Statement": [
    {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "DenyOutsideEU", "Effect": "Deny", "NotAction": ["iam:*", "kms:Describe*"],
     "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}},
]}
RCP_FULL_ACCESS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
RCP = {"Version": "2012-10-17", "Statement": [
    {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": "kms:*",
     "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-exampleorgid"},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}
ENDPOINT_DEFAULT = {"Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
ENDPOINT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Deny", "NotPrincipal": {"AWS": ROOT}, "Action": "kms:Decrypt", "Resource": "*"}]}
SESSION = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}
KEY_WITH_CONDITIONS = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Enable IAM policies", "Effect": "Allow", "Principal": {"AWS": ACCT},
     "Action": "kms:*", "Resource": "*"},
    {"Sid": "Context keys", "Effect": "Allow",
     "Principal": {"AWS": [f"arn:aws:iam::{ACCT}:user/Alice", "AIDAJQABLZS4A3QDU576Q"],
                   "Service": "cloudtrail.amazonaws.com"},
     "Action": "kms:Encrypt", "Resource": "*",
     "Condition": {
         "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["app", "team"],
                                       "aws:TagKeys": ["Project"]},
         "ForAnyValue:StringEquals": {"kms:EncryptionContext:app": "billing"},
         "StringEquals": {"aws:RequestTag/Project": "x", "kms:EncryptionContext:team": "a"},
         "Null": {"kms:EncryptionContextKeys": "false"},
         "NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": 30},
         "Bool": {"kms:GrantIsForAWSResource": True}}},
    {"Sid": "Deny except admins", "Effect": "Deny", "NotPrincipal": {"AWS": ROOT},
     "Action": "kms:ScheduleKeyDeletion", "Resource": "*"},
]}


@pytest.mark.parametrize("policy_type, doc", [
    ("identity", IDENTITY), ("boundary", IDENTITY), ("session", SESSION), ("session", IDENTITY),
    ("scp", SCP), ("rcp", RCP), ("rcp", RCP_FULL_ACCESS), ("endpoint", ENDPOINT_DEFAULT),
    ("endpoint", ENDPOINT), ("key", KEY_WITH_CONDITIONS),
    ("identity", {"Version": "2008-10-17", "Statement": {
        "Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/${unterminated"}}),
    ("identity", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    ("key", {"Statement": {"Effect": "Deny", "Principal": "*", "Action": "kms:*",
                           "Resource": KEY_ARN}}),
])
def test_valid_documents(policy_type, doc):
    assert validate_policy(doc, policy_type) == []


# -- one violating document per rule ------------------------------------------------------------

MPDE = "MalformedPolicyDocumentException"
MPD = "MalformedPolicyDocument"


def key_stmt(**extra):
    stmt = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
    stmt.update(extra)
    return {k: v for k, v in stmt.items() if v is not None}


def key_doc(*statements, **top):
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


def iam_stmt(**extra):
    stmt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    stmt.update(extra)
    return {k: v for k, v in stmt.items() if v is not None}


def iam_doc(*statements, **top):
    return {"Version": "2012-10-17", **top, "Statement": list(statements)}


def cond(operator, key, value):
    return {operator: {key: value}}


CASES = [
    # (id, type, document, code, json_path, aws_error)
    # top level
    ("not-an-object", "key", ["x"], "invalid-type", "", MPDE),
    ("unknown-top-element", "identity", iam_doc(iam_stmt(), Extra=1), "unknown-element",
     "Extra", MPD),
    ("invalid-version", "key", key_doc(key_stmt(), Version="2012-10-18"), "invalid-version",
     "Version", MPDE),
    ("version-not-string", "identity", iam_doc(iam_stmt(), Version=2012), "invalid-type",
     "Version", MPD),
    ("scp-version-2008", "scp", {"Version": "2008-10-17", "Statement": [iam_stmt()]},
     "invalid-version", "Version", MPDE),
    ("scp-missing-version", "scp", {"Statement": [iam_stmt()]}, "missing-version", "Version",
     MPDE),
    ("rcp-missing-version", "rcp", {"Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]},
     "missing-version", "Version", MPDE),
    ("id-in-identity", "identity", iam_doc(iam_stmt(), Id="x"), "id-not-allowed", "Id", MPD),
    ("id-in-session", "session", iam_doc(iam_stmt(), Id="x"), "id-not-allowed", "Id", MPD),
    ("missing-statement", "key", {"Version": "2012-10-17"}, "missing-statement", "Statement",
     MPDE),
    ("empty-statement-list", "key", key_doc(), "empty-statement-list", "Statement", MPDE),
    ("statement-wrong-type", "identity", {"Statement": "Allow"}, "invalid-type", "Statement",
     MPD),
    ("statement-item-wrong-type", "identity", {"Statement": [iam_stmt(), 7]}, "invalid-type",
     "Statement/1", MPD),
    # statement elements
    ("unknown-statement-element", "key", key_doc(key_stmt(Principals="*")), "unknown-element",
     "Statement/0/Principals", MPDE),
    ("lowercase-element-name", "identity", iam_doc({"effect": "Allow", "Effect": "Allow",
                                                   "Action": "*", "Resource": "*"}),
     "unknown-element", "Statement/0/effect", MPD),
    ("missing-effect", "key", key_doc(key_stmt(Effect=None)), "missing-effect",
     "Statement/0/Effect", MPDE),
    ("invalid-effect-case", "identity", iam_doc(iam_stmt(Effect="allow")), "invalid-effect",
     "Statement/0/Effect", MPD),
    ("invalid-effect", "key", key_doc(key_stmt(), key_stmt(Effect="Permit")), "invalid-effect",
     "Statement/1/Effect", MPDE),
    ("effect-not-string", "scp", iam_doc(iam_stmt(Effect=True)), "invalid-type",
     "Statement/0/Effect", MPDE),
    # Sid
    ("sid-with-space-identity", "identity", iam_doc(iam_stmt(Sid="Allow decrypt")),
     "sid-invalid-characters", "Statement/0/Sid", MPD),
    ("sid-with-dash-scp", "scp", iam_doc(iam_stmt(Sid="allow-all")), "sid-invalid-characters",
     "Statement/0/Sid", MPDE),
    ("duplicate-sid-identity", "identity", iam_doc(iam_stmt(Sid="A1"), iam_stmt(Sid="A1")),
     "duplicate-sid", "Statement/1/Sid", MPD),
    ("duplicate-sid-boundary", "boundary", iam_doc(iam_stmt(Sid="A"), iam_stmt(Sid="A")),
     "duplicate-sid", "Statement/1/Sid", MPD),
    ("sid-not-string", "key", key_doc(key_stmt(Sid=1)), "invalid-type", "Statement/0/Sid",
     MPDE),
    # Principal / NotPrincipal
    ("key-missing-principal", "key", key_doc(key_stmt(), key_stmt(Principal=None)),
     "missing-principal", "Statement/1/Principal", MPDE),
    ("endpoint-missing-principal", "endpoint", iam_doc(iam_stmt()), "missing-principal",
     "Statement/0/Principal", "InvalidPolicyDocument"),
    ("rcp-missing-principal", "rcp", iam_doc(iam_stmt(Effect="Deny")), "missing-principal",
     "Statement/0/Principal", MPDE),
    ("principal-in-identity", "identity", iam_doc(iam_stmt(Principal="*")),
     "principal-not-allowed", "Statement/0/Principal", MPD),
    ("principal-in-boundary", "boundary", iam_doc(iam_stmt(Principal={"AWS": ROOT})),
     "principal-not-allowed", "Statement/0/Principal", MPD),
    ("principal-in-session", "session", iam_doc(iam_stmt(Principal="*")),
     "principal-not-allowed", "Statement/0/Principal", MPD),
    ("principal-in-scp", "scp", iam_doc(iam_stmt(Principal="*")), "principal-not-allowed",
     "Statement/0/Principal", MPDE),
    ("notprincipal-in-identity", "identity",
     iam_doc(iam_stmt(Effect="Deny", NotPrincipal={"AWS": ROOT})), "notprincipal-not-allowed",
     "Statement/0/NotPrincipal", MPD),
    ("notprincipal-in-scp", "scp", iam_doc(iam_stmt(Effect="Deny", NotPrincipal={"AWS": ROOT})),
     "notprincipal-not-allowed", "Statement/0/NotPrincipal", MPDE),
    ("notprincipal-in-rcp", "rcp", iam_doc(iam_stmt(Effect="Deny", NotPrincipal={"AWS": ROOT})),
     "notprincipal-not-allowed", "Statement/0/NotPrincipal", MPDE),
    ("rcp-principal-not-star", "rcp", iam_doc(iam_stmt(Effect="Deny", Principal={"AWS": ROOT})),
     "invalid-principal", "Statement/0/Principal", MPDE),
    ("principal-and-notprincipal", "key",
     key_doc(key_stmt(Effect="Deny", NotPrincipal={"AWS": ROOT})),
     "principal-and-notprincipal", "Statement/0/NotPrincipal", MPDE),
    ("notprincipal-with-allow-key", "key",
     key_doc(key_stmt(), key_stmt(Principal=None, NotPrincipal={"AWS": ROOT})),
     "notprincipal-with-allow", "Statement/1/NotPrincipal", MPDE),
    ("notprincipal-with-allow-endpoint", "endpoint",
     iam_doc(iam_stmt(NotPrincipal={"AWS": ROOT})), "notprincipal-with-allow",
     "Statement/0/NotPrincipal", "InvalidPolicyDocument"),
    ("principal-bad-string", "key", key_doc(key_stmt(Principal=ROOT)), "invalid-principal",
     "Statement/0/Principal", MPDE),
    ("principal-wrong-type", "key", key_doc(key_stmt(Principal=[ROOT])), "invalid-type",
     "Statement/0/Principal", MPDE),
    ("principal-empty-object", "key", key_doc(key_stmt(Principal={})), "invalid-principal",
     "Statement/0/Principal", MPDE),
    ("principal-unknown-kind", "key", key_doc(key_stmt(Principal={"IAM": ROOT})),
     "invalid-principal", "Statement/0/Principal/IAM", MPDE),
    ("principal-value-wrong-type", "key", key_doc(key_stmt(Principal={"AWS": [ROOT, 5]})),
     "invalid-type", "Statement/0/Principal/AWS/1", MPDE),
    ("group-principal", "key",
     key_doc(key_stmt(Principal={"AWS": f"arn:aws:iam::{ACCT}:group/Admins"})),
     "group-principal", "Statement/0/Principal/AWS", MPDE),
    ("group-principal-endpoint", "endpoint",
     iam_doc(iam_stmt(Principal={"AWS": [ROOT, f"arn:aws:iam::{ACCT}:group/Admins"]})),
     "group-principal", "Statement/0/Principal/AWS/1", "InvalidPolicyDocument"),
    ("partial-wildcard-account", "key",
     key_doc(key_stmt(Principal={"AWS": "arn:aws:iam::*:root"})),
     "partial-wildcard-principal", "Statement/0/Principal/AWS", MPDE),
    ("partial-wildcard-user", "key",
     key_doc(key_stmt(Principal={"AWS": [ROOT, f"arn:aws:iam::{ACCT}:user/*"]})),
     "partial-wildcard-principal", "Statement/0/Principal/AWS/1", MPDE),
    ("aws-principal-not-arn", "key", key_doc(key_stmt(Principal={"AWS": "Alice"})),
     "invalid-principal", "Statement/0/Principal/AWS", MPDE),
    # Action / NotAction
    ("missing-action", "identity", iam_doc(iam_stmt(Action=None)), "missing-action",
     "Statement/0/Action", MPD),
    ("missing-action-scp", "scp", iam_doc(iam_stmt(Action=None)), "missing-action",
     "Statement/0/Action", MPDE),
    ("action-and-notaction", "identity", iam_doc(iam_stmt(NotAction="kms:Encrypt")),
     "action-and-notaction", "Statement/0/NotAction", MPD),
    ("action-and-notaction-key", "key", key_doc(key_stmt(NotAction="kms:Encrypt")),
     "action-and-notaction", "Statement/0/NotAction", MPDE),
    ("notaction-in-rcp", "rcp",
     iam_doc({"Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "Resource": "*"}),
     "notaction-not-allowed", "Statement/0/NotAction", MPDE),
    ("action-wrong-type", "identity", iam_doc(iam_stmt(Action={"kms": "Decrypt"})),
     "invalid-type", "Statement/0/Action", MPD),
    ("action-item-wrong-type", "key", key_doc(key_stmt(Action=["kms:Decrypt", None])),
     "invalid-type", "Statement/0/Action/1", MPDE),
    ("action-without-service", "identity", iam_doc(iam_stmt(Action=["kms:Decrypt", "Encrypt"])),
     "invalid-action", "Statement/0/Action/1", MPD),
    ("empty-action-list", "identity", iam_doc(iam_stmt(Action=[])), "empty-element",
     "Statement/0/Action", MPD),
    # Resource / NotResource
    ("missing-resource-identity", "identity", iam_doc(iam_stmt(Resource=None)),
     "missing-resource", "Statement/0/Resource", MPD),
    ("missing-resource-session", "session", iam_doc(iam_stmt(Resource=None)),
     "missing-resource", "Statement/0/Resource", MPD),
    ("resource-and-notresource", "key", key_doc(key_stmt(NotResource=KEY_ARN)),
     "resource-and-notresource", "Statement/0/NotResource", MPDE),
    ("resource-not-arn", "identity", iam_doc(iam_stmt(Resource="key/1234")),
     "invalid-resource", "Statement/0/Resource", MPD),
    ("resource-wrong-type", "key", key_doc(key_stmt(Resource=7)), "invalid-type",
     "Statement/0/Resource", MPDE),
    # RCP effect
    ("rcp-allow", "rcp", iam_doc({"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                 "Resource": "*"}),
     "allow-not-supported", "Statement/0/Effect", MPDE),
    # conditions
    ("condition-wrong-type", "key", key_doc(key_stmt(Condition=["x"])), "invalid-type",
     "Statement/0/Condition", MPDE),
    ("condition-block-wrong-type", "identity",
     iam_doc(iam_stmt(Condition={"StringEquals": "aws:SourceIp"})), "invalid-type",
     "Statement/0/Condition/StringEquals", MPD),
    ("condition-value-object", "key",
     key_doc(key_stmt(Condition=cond("StringEquals", "kms:ViaService", {"a": "b"}))),
     "invalid-type", "Statement/0/Condition/StringEquals/kms:ViaService", MPDE),
    ("condition-value-null-in-list", "identity",
     iam_doc(iam_stmt(Condition=cond("StringEquals", "aws:SourceVpc", ["vpc-1", None]))),
     "invalid-type", "Statement/0/Condition/StringEquals/aws:SourceVpc/1", MPD),
    ("unknown-operator", "key",
     key_doc(key_stmt(Condition=cond("StringEqualz", "kms:ViaService", "x"))),
     "unknown-condition-operator", "Statement/0/Condition/StringEqualz", MPDE),
    ("unknown-qualifier", "identity",
     iam_doc(iam_stmt(Condition=cond("ForEachValue:StringEquals", "aws:TagKeys", "x"))),
     "unknown-condition-operator", "Statement/0/Condition/ForEachValue:StringEquals", MPD),
    ("null-if-exists", "identity",
     iam_doc(iam_stmt(Condition=cond("NullIfExists", "aws:TokenIssueTime", "true"))),
     "null-with-qualifier", "Statement/0/Condition/NullIfExists", MPD),
    ("forallvalues-null", "key",
     key_doc(key_stmt(Condition=cond("ForAllValues:Null", "aws:TagKeys", "false"))),
     "null-with-qualifier", "Statement/0/Condition/ForAllValues:Null", MPDE),
    ("condition-key-without-prefix", "identity",
     iam_doc(iam_stmt(Condition=cond("IpAddress", "SourceIp", "203.0.113.0/24"))),
     "invalid-condition-key", "Statement/0/Condition/IpAddress/SourceIp", MPD),
    ("overly-permissive-context", "key",
     key_doc(key_stmt(Condition=cond("ForAllValues:StringEquals",
                                     "kms:EncryptionContext:AppName", "ExampleApp"))),
     "overly-permissive-condition",
     "Statement/0/Condition/ForAllValues:StringEquals/kms:EncryptionContext:AppName", MPDE),
    ("overly-permissive-requesttag-case", "key",
     key_doc(key_stmt(Condition=cond("ForAllValues:StringLike", "AWS:requestTag/Project",
                                     "x*"))),
     "overly-permissive-condition",
     "Statement/0/Condition/ForAllValues:StringLike/AWS:requestTag/Project", MPDE),
    ("resource-tag-in-key-policy", "key",
     key_doc(key_stmt(Condition=cond("StringEquals", "aws:ResourceTag/Project", "x"))),
     "condition-key-not-allowed-in-key-policy",
     "Statement/0/Condition/StringEquals/aws:ResourceTag/Project", MPDE),
    ("kms-resource-tag-in-key-policy", "key",
     key_doc(key_stmt(Condition=cond("StringEquals", "kms:ResourceTag/Project", "x"))),
     "condition-key-not-allowed-in-key-policy",
     "Statement/0/Condition/StringEquals/kms:ResourceTag/Project", MPDE),
    ("resource-aliases-in-key-policy", "key",
     key_doc(key_stmt(Condition=cond("ForAnyValue:StringLike", "KMS:ResourceAliases",
                                     "alias/app-*"))),
     "condition-key-not-allowed-in-key-policy",
     "Statement/0/Condition/ForAnyValue:StringLike/KMS:ResourceAliases", MPDE),
    # policy variables (Version 2012-10-17)
    ("malformed-variable-resource", "identity",
     iam_doc(iam_stmt(Resource=["*", "arn:aws:s3:::bucket/${aws:username"])),
     "malformed-variable", "Statement/0/Resource/1", MPD),
    ("malformed-variable-notresource", "boundary",
     iam_doc(iam_stmt(Resource=None, NotResource="arn:aws:s3:::b/${ aws:username}")),
     "malformed-variable", "Statement/0/NotResource", MPD),
    ("malformed-variable-string-condition", "key",
     key_doc(key_stmt(Condition=cond("StringEquals", "kms:EncryptionContext:user",
                                     "${aws:username, default}"))),
     "malformed-variable", "Statement/0/Condition/StringEquals/kms:EncryptionContext:user", MPDE),
    ("malformed-variable-arn-condition", "scp",
     iam_doc(iam_stmt(Effect="Deny", Condition=cond("ArnNotLike", "aws:PrincipalArn",
                                                     ["arn:aws:iam::*:role/a", "${}"]))),
     "malformed-variable", "Statement/0/Condition/ArnNotLike/aws:PrincipalArn/1", MPDE),
]


@pytest.mark.parametrize("case_id, policy_type, doc, code, json_path, aws_error", CASES,
                         ids=[case[0] for case in CASES])
def test_rule_violations(case_id, policy_type, doc, code, json_path, aws_error):
    violations = validate_policy(doc, policy_type)
    assert Violation(code, _message(violations, code, json_path), json_path, aws_error) \
        in violations, violations
    # the violation is reported once
    assert sum(1 for v in violations if (v.code, v.json_path) == (code, json_path)) == 1


def _message(violations, code, json_path):
    for violation in violations:
        if (violation.code, violation.json_path) == (code, json_path):
            assert violation.message
            return violation.message
    return "<missing>"


def test_single_violation_for_simple_cases():
    # A violating document carries nothing but the violation under test.
    doc = key_doc(key_stmt(), key_stmt(Effect="Permit"))
    assert [(v.code, v.json_path) for v in validate_policy(doc, "key")] == \
        [("invalid-effect", "Statement/1/Effect")]


@pytest.mark.parametrize("action, expected", [
    (["kms:Decrypt", "Decrypt", ":Encrypt", "*"],
     [("invalid-action", "Statement/0/Action/1"), ("invalid-action", "Statement/0/Action/2")]),
    ("Decrypt", [("invalid-action", "Statement/0/Action")]),
    ([], [("empty-element", "Statement/0/Action")]),
    ([1], [("invalid-type", "Statement/0/Action/0"), ("empty-element", "Statement/0/Action")]),
    ([1, "Decrypt"], [("invalid-type", "Statement/0/Action/0"),
                      ("invalid-action", "Statement/0/Action/1")]),
])
def test_action_lists(action, expected):
    """Action lists of strings are checked by list (cached: lists repeat); any other shape by
    item, with the same violations."""
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": "*"}]}
    for _ in range(2):  # (the second time from the cache)
        assert [(v.code, v.json_path) for v in validate_policy(doc, "identity")] == expected


# -- what is accepted where ---------------------------------------------------------------------


def test_key_policy_sids_may_hold_spaces_and_repeat():
    doc = key_doc(key_stmt(Sid="Allow use of the key"), key_stmt(Sid="Allow use of the key"))
    assert validate_policy(doc, "key") == []


def test_endpoint_policy_sids_are_not_restricted():
    doc = iam_doc(iam_stmt(Sid="Allow all", Principal="*"), iam_stmt(Sid="Allow all",
                                                                    Principal="*"))
    assert validate_policy(doc, "endpoint") == []


def test_id_is_allowed_in_resource_policies():
    assert validate_policy(key_doc(key_stmt(), Id="key-policy-1"), "key") == []
    assert validate_policy(iam_doc(iam_stmt(Principal="*"), Id="e"), "endpoint") == []


def test_condition_key_checks_are_key_policy_only():
    stmt = iam_stmt(Condition={
        "ForAllValues:StringEquals": {"kms:EncryptionContext:AppName": "x"},
        "StringEquals": {"aws:ResourceTag/Project": "x"},
        "ForAnyValue:StringLike": {"kms:ResourceAliases": "alias/x*"}})
    for policy_type in ("identity", "boundary", "session", "scp"):
        assert validate_policy(iam_doc(stmt), policy_type) == [], policy_type


def test_forallvalues_on_multivalued_keys_is_fine_in_key_policies():
    doc = key_doc(key_stmt(Condition={
        "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["a"],
                                      "aws:TagKeys": ["Project"]},
        "ForAnyValue:StringEquals": {"kms:EncryptionContext:a": "b"}}))
    assert validate_policy(doc, "key") == []


def test_variables_are_literal_without_version_2012():
    for version in (None, "2008-10-17"):
        doc = {"Statement": [iam_stmt(Resource="arn:aws:s3:::b/${oops",
                                      Condition=cond("StringLike", "s3:prefix", "${"))]}
        if version:
            doc["Version"] = version
        assert validate_policy(doc, "identity") == []


def test_variables_in_non_string_operators_are_not_parsed():
    doc = iam_doc(iam_stmt(Condition=cond("NumericLessThan", "s3:max-keys", "${oops")))
    assert [v.code for v in validate_policy(doc, "identity")] == []


def test_well_formed_variables_pass():
    doc = iam_doc(iam_stmt(
        Resource=["arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${*}${?}${$}"],
        Condition=cond("StringLike", "s3:prefix", "home/${aws:PrincipalTag/team, 'none'}/*")))
    assert validate_policy(doc, "identity") == []


def test_condition_key_names_are_case_insensitive_in_key_policy_checks():
    doc = key_doc(key_stmt(Condition=cond("forallvalues:stringequals",
                                          "KMS:ENCRYPTIONCONTEXT:app", "x")))
    assert [v.code for v in validate_policy(doc, "key")] == ["overly-permissive-condition"]


def test_scp_accepts_full_iam_language():
    # Since September 2025 SCPs accept conditions, ARNs and NotAction in Allow statements,
    # and NotResource.
    doc = iam_doc({"Effect": "Allow", "NotAction": "ec2:*", "NotResource": KEY_ARN,
                   "Condition": cond("StringEquals", "aws:RequestedRegion", "eu-west-1")})
    assert validate_policy(doc, "scp") == []


# -- size and characters ------------------------------------------------------------------------


def _padded_key_policy(size: int) -> str:
    base = json.dumps(key_doc(key_stmt(Sid="")))
    text = base.replace('"Sid": ""', '"Sid": "' + "x" * (size - len(base)) + '"')
    assert len(text.encode()) == size
    return text


def test_key_policy_at_32kb_is_accepted_and_one_byte_more_refused():
    assert validate_text(_padded_key_policy(32768), "key") == []
    violations = validate_text(_padded_key_policy(32769), "key")
    assert [(v.code, v.json_path, v.aws_error) for v in violations] == \
        [("policy-too-large", "", "LimitExceededException")]


def test_key_policy_size_counts_utf8_bytes():
    text = _padded_key_policy(32768).replace("xx", "\u00e9", 1)  # 2 bytes, 1 character
    assert len(text.encode()) == 32768 and len(text) == 32767
    assert validate_text(text, "key") == []
    text = text.replace("x", "\u00e9", 1)  # one byte more, still fewer than 32,768 characters
    assert len(text.encode()) == 32769 and len(text) == 32767
    assert [v.code for v in validate_text(text, "key")] == ["policy-too-large"]


def test_key_policy_size_without_text_uses_the_dumped_json():
    doc = key_doc(key_stmt(Sid="x" * 33000))
    assert [(v.code, v.aws_error) for v in validate_policy(doc, "key")] == \
        [("policy-too-large", "LimitExceededException")]


def test_identity_policy_size_ignores_whitespace():
    stmt = iam_stmt(Resource=["arn:aws:s3:::" + "b" * 1000 + f"/{i}" for i in range(5)])
    doc = iam_doc(stmt)
    compact = json.dumps(doc, separators=(",", ":"))
    assert len(compact) > 5000
    assert validate_text(json.dumps(doc, indent=8), "identity") == []
    big = iam_doc(iam_stmt(Resource=["arn:aws:s3:::" + "b" * 1000 + f"/{i}" for i in range(7)]))
    violations = validate_text(json.dumps(big), "identity")
    assert [(v.code, v.aws_error) for v in violations] == [("policy-too-large", "LimitExceeded")]


@pytest.mark.parametrize("policy_type, limit, error", [
    ("scp", 5120, "ConstraintViolationException"),
    ("rcp", 5120, "ConstraintViolationException"),
    ("session", 2048, "ValidationError"),
    ("endpoint", 20480, "InvalidPolicyDocument"),
])
def test_size_limits_counting_whitespace(policy_type, limit, error):
    stmt = {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}
    if policy_type in ("rcp", "endpoint"):
        stmt["Principal"] = "*"
    body = json.dumps({"Version": "2012-10-17", "Statement": [stmt]})
    pad = limit - len(body)
    at_limit = body[:-1] + " " * pad + "}"
    assert len(at_limit) == limit
    assert validate_text(at_limit, policy_type) == []
    over = body[:-1] + " " * (pad + 1) + "}"
    assert [(v.code, v.aws_error) for v in validate_text(over, policy_type)] == \
        [("policy-too-large", error)]


def test_key_policy_characters():
    ok = key_doc(key_stmt(Sid="Caf\u00e9 \u00ff\tkey"))
    assert validate_policy(ok, "key") == []
    bad = key_doc(key_stmt(), key_stmt(Sid="Caf\u00e9 \u2603"))
    violations = validate_policy(bad, "key")
    assert [(v.code, v.json_path, v.aws_error) for v in violations] == \
        [("invalid-characters", "Statement/1/Sid", "ValidationException")]
    assert "U+2603" in violations[0].message


def test_characters_are_checked_on_the_text_as_sent():
    # An escaped character reaches AWS as ASCII text; a literal one does not pass the pattern.
    escaped = json.dumps(key_doc(key_stmt(Sid="snow \u2603")))  # ensure_ascii: \\u2603
    assert validate_text(escaped, "key") == []
    literal = json.dumps(key_doc(key_stmt(Sid="snow \u2603")), ensure_ascii=False)
    assert [v.code for v in validate_text(literal, "key")] == ["invalid-characters"]


@pytest.mark.parametrize("policy_type, error", [
    ("identity", "ValidationError"), ("boundary", "ValidationError"),
    ("session", "ValidationError"), ("key", "ValidationException")])
def test_control_and_non_latin1_characters(policy_type, error):
    doc = iam_doc(iam_stmt(Resource="arn:aws:s3:::b/\u0100"))
    if policy_type == "key":
        doc["Statement"][0]["Principal"] = "*"
    violations = validate_policy(doc, policy_type)
    assert [(v.code, v.json_path, v.aws_error) for v in violations] == \
        [("invalid-characters", "Statement/0/Resource", error)]
    # The documented range is U+0020-U+00FF whole (the API pattern), DEL and C1 included.
    doc["Statement"][0]["Resource"] = "arn:aws:s3:::b/\u007f\u0085\u00a0\u00ff"
    assert validate_policy(doc, policy_type) == []
    # A control character must be escaped in JSON; the escape is ASCII text and passes.
    text = '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", ' \
        '"Resource": "arn:aws:s3:::b/\\u0001"}]}'
    assert "invalid-characters" not in [v.code for v in validate_text(text, policy_type)]


def test_character_set_is_not_checked_for_organizations_and_endpoint_policies():
    doc = iam_doc(iam_stmt(Sid="Snow", Resource="arn:aws:s3:::b/\u2603", Effect="Deny"))
    assert validate_policy(doc, "scp") == []


# -- validate_text --------------------------------------------------------------------------------


def test_invalid_json_keeps_line_and_column():
    violations = validate_text('{\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}', "key")
    assert len(violations) == 1
    violation = violations[0]
    assert violation.code == "invalid-json"
    assert violation.aws_error == MPDE
    assert violation.message.startswith("line 3, column 24: ")


def test_duplicate_element_is_reported():
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Effect": "Deny"}}'
    violations = validate_text(text, "identity")
    assert [(v.code, v.aws_error) for v in violations] == [("duplicate-element", MPD)]
    assert violations[0].json_path == "Statement/Effect"
    assert violations[0].message.startswith("line 1, column ")


def test_validate_text_passes_the_text_on():
    text = json.dumps(key_doc(key_stmt(Sid="\u00e9" * 20000)), ensure_ascii=False)
    assert len(text) < 32768 < len(text.encode())
    assert [v.code for v in validate_text(text, "key")] == ["policy-too-large"]


def test_all_violations_in_document_order():
    doc = {
        "Version": "1.0",
        "Statement": [
            {"Sid": "a b", "Effect": "allow", "Action": "kms:Decrypt", "Resource": "x",
             "Principal": "*"},
            {"Sid": "a b", "Effect": "Deny"},
        ],
        "Bogus": 1,
    }
    got = [(v.code, v.json_path) for v in validate_policy(doc, "identity")]
    assert got == [
        ("invalid-version", "Version"),
        ("sid-invalid-characters", "Statement/0/Sid"),
        ("invalid-effect", "Statement/0/Effect"),
        ("invalid-resource", "Statement/0/Resource"),
        ("principal-not-allowed", "Statement/0/Principal"),
        ("sid-invalid-characters", "Statement/1/Sid"),
        ("duplicate-sid", "Statement/1/Sid"),
        ("missing-action", "Statement/1/Action"),
        ("missing-resource", "Statement/1/Resource"),
        ("unknown-element", "Bogus"),
    ]


def test_unknown_policy_type_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_policy({}, "bucket")
    with pytest.raises(ValueError):
        validate_text("{}", "bucket")


def test_violation_is_frozen():
    violation = Violation("c", "m", "", "E")
    with pytest.raises(Exception):
        violation.code = "d"


def test_policy_types():
    assert POLICY_TYPES == ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint")


# -- robustness -----------------------------------------------------------------------------------

json_scalars = st.none() | st.booleans() | st.integers() | \
    st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
policy_words = st.sampled_from(
    ["Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action",
     "NotAction", "Resource", "NotResource", "Condition", "AWS", "Service", "Allow", "Deny",
     "*", "2012-10-17", "StringEquals", "ForAllValues:StringLike", "NullIfExists",
     "kms:EncryptionContext:a", "aws:ResourceTag/x", "${aws:username", "arn:aws:iam::*:root"])
json_values = st.recursive(
    json_scalars | policy_words,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10) | policy_words, children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, policy_type=st.sampled_from(POLICY_TYPES))
def test_validate_policy_never_raises(value, policy_type):
    violations = validate_policy(value, policy_type)
    assert all(isinstance(v, Violation) and v.code and isinstance(v.json_path, str)
               for v in violations)


statement_values = st.fixed_dictionaries({}, optional={
    "Sid": json_values, "Effect": st.sampled_from(["Allow", "Deny"]) | json_values,
    "Principal": json_values, "NotPrincipal": json_values, "Action": json_values,
    "NotAction": json_values, "Resource": json_values, "NotResource": json_values,
    "Condition": st.dictionaries(policy_words | st.text(max_size=8),
                                 st.dictionaries(policy_words | st.text(max_size=8),
                                                 json_values, max_size=3), max_size=3)
    | json_values,
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements=st.lists(statement_values, max_size=3),
       version=st.sampled_from(["2012-10-17", "2008-10-17"]) | json_values,
       policy_type=st.sampled_from(POLICY_TYPES))
def test_validate_policy_never_raises_on_policy_shaped_values(statements, version, policy_type):
    doc = {"Version": version, "Statement": statements}
    for violation in validate_policy(doc, policy_type, text=None):
        assert isinstance(violation, Violation)
    validate_text(json.dumps(doc), policy_type)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), policy_type=st.sampled_from(POLICY_TYPES))
def test_validate_text_never_raises(text, policy_type):
    for violation in validate_text(text, policy_type):
        assert isinstance(violation, Violation)

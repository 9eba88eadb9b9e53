"""The KMS catalogue: the data file and catalog.py must agree with each other and with the spec.

Expected sets are written out literally from semantics.md (§4.3, §4.5, §6.2, §7, §10, §11), so a
change to the data that drifts from the spec fails here.
"""

import dataclasses
import json
import re
import sys

import pytest

from policyengine.kms import catalog
from policyengine.resources import data_path

RAW = json.loads(data_path("kms", "data", "catalog.json").read_text(encoding="utf-8"))

STATES = ["Enabled", "Disabled", "PendingDeletion", "PendingImport", "PendingReplicaDeletion",
          "Unavailable", "Creating", "Updating"]
USAGES = {"ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"}
OUTCOMES = {"ok", "DisabledException", "KMSInvalidStateException", "UnsupportedOperationException"}
TYPES = {"String", "ArrayOfString", "Bool", "Numeric", "Date", "ARN", "IPAddress", "Binary"}
ROLES = {"*", "key", "source_key", "destination_key", "alias", "current_key", "target_key",
         "new_key", "replica_key", "replica_region", "tags"}

# §11, every row, literally.
SECTION_11_ACTIONS = {
    "CancelKeyDeletion", "ConnectCustomKeyStore", "CreateAlias", "CreateCustomKeyStore",
    "CreateGrant", "CreateKey", "Decrypt", "DeleteAlias", "DeleteCustomKeyStore",
    "DeleteImportedKeyMaterial", "DeriveSharedSecret", "DescribeCustomKeyStores", "DescribeKey",
    "DisableKey", "DisableKeyRotation", "DisconnectCustomKeyStore", "EnableKey",
    "EnableKeyRotation", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac",
    "GenerateRandom", "GetKeyLastUsage", "GetKeyPolicy", "GetKeyRotationStatus",
    "GetParametersForImport", "GetPublicKey", "ImportKeyMaterial", "ListAliases", "ListGrants",
    "ListKeyPolicies", "ListKeyRotations", "ListKeys", "ListResourceTags", "ListRetirableGrants",
    "PutKeyPolicy", "ReEncryptFrom", "ReEncryptTo", "ReplicateKey", "RetireGrant", "RevokeGrant",
    "RotateKeyOnDemand", "ScheduleKeyDeletion", "Sign", "SynchronizeMultiRegionKey",
    "TagResource", "UntagResource", "UpdateAlias", "UpdateCustomKeyStore",
    "UpdateKeyDescription", "UpdatePrimaryRegion", "Verify", "VerifyMac",
}

# KMS API operations (API reference, 2026).
API_OPERATIONS = (SECTION_11_ACTIONS - {"ReEncryptFrom", "ReEncryptTo",
                                        "SynchronizeMultiRegionKey"}) | {"ReEncrypt"}

# §4.3
IAM_ONLY = {"CreateKey", "GenerateRandom", "ListAliases", "ListKeys", "ListRetirableGrants",
            "ConnectCustomKeyStore", "CreateCustomKeyStore", "DeleteCustomKeyStore",
            "DescribeCustomKeyStores", "DisconnectCustomKeyStore", "UpdateCustomKeyStore"}

# §4.5
CROSS_ACCOUNT = {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
                 "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
                 "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign",
                 "Verify", "DeriveSharedSecret", "GetPublicKey", "DescribeKey",
                 "GetKeyRotationStatus", "CreateGrant", "ListGrants", "RetireGrant",
                 "RevokeGrant"}

# §6.2
GRANT_OPERATIONS = {"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
                    "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GenerateMac", "VerifyMac",
                    "DeriveSharedSecret", "GetPublicKey", "DescribeKey", "CreateGrant",
                    "RetireGrant"}

# §7 and §2.7
KMS_CONDITION_KEYS = {
    "kms:BypassPolicyLockoutSafetyCheck", "kms:CallerAccount", "kms:CustomerMasterKeySpec",
    "kms:CustomerMasterKeyUsage", "kms:DataKeyPairSpec", "kms:EncryptionAlgorithm",
    "kms:EncryptionContext:${EncryptionContextKey}", "kms:EncryptionContextKeys",
    "kms:ExpirationModel", "kms:GrantConstraintSourceArn", "kms:GrantConstraintType",
    "kms:GrantIsForAWSResource", "kms:GrantOperations", "kms:GranteePrincipal",
    "kms:GranteeServicePrincipal", "kms:KeyAgreementAlgorithm", "kms:KeyOrigin", "kms:KeySpec",
    "kms:KeyUsage", "kms:MacAlgorithm", "kms:MessageType", "kms:MultiRegion",
    "kms:MultiRegionKeyType", "kms:PrimaryRegion", "kms:ReEncryptOnSameKey",
    "kms:RecipientAttestation:ImageSha384", "kms:RecipientAttestation:PCR${PCR_ID}",
    "kms:RecipientAttestation:NitroTPMPCR${PCR_ID}", "kms:ReplicaRegion", "kms:RequestAlias",
    "kms:ResourceAliases", "kms:RetiringPrincipal", "kms:RetiringServicePrincipal",
    "kms:RotationPeriodInDays", "kms:ScheduleKeyDeletionPendingWindowInDays",
    "kms:SigningAlgorithm", "kms:TrailingDaysWithoutKeyUsage", "kms:ValidTo", "kms:ViaService",
    "kms:WrappingAlgorithm", "kms:WrappingKeySpec",
}
GLOBAL_CONDITION_KEYS = {
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalTag/${TagKey}", "aws:PrincipalType", "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:userid", "aws:username",
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp", "aws:SecureTransport",
    "aws:CurrentTime", "aws:EpochTime", "aws:TokenIssueTime", "aws:MultiFactorAuthPresent",
    "aws:MultiFactorAuthAge", "aws:RequestedRegion", "aws:ResourceTag/${TagKey}",
    "aws:RequestTag/${TagKey}", "aws:TagKeys", "aws:ViaAWSService", "aws:CalledVia",
    "aws:CalledViaFirst", "aws:CalledViaLast", "aws:SourceArn", "aws:SourceAccount",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:ResourceAccount", "aws:ResourceOrgID",
    "aws:ResourceOrgPaths", "aws:UserAgent", "aws:referer",
}
MULTI_VALUED = {"kms:EncryptionContextKeys", "kms:GrantOperations", "kms:ResourceAliases",
                "aws:TagKeys", "aws:CalledVia", "aws:PrincipalOrgPaths", "aws:ResourceOrgPaths",
                "aws:SourceOrgPaths", "aws:PrincipalServiceNamesList"}
KEY_PROPERTIES = {"kms:KeySpec", "kms:KeyUsage", "kms:KeyOrigin", "kms:MultiRegion",
                  "kms:MultiRegionKeyType", "kms:ResourceAliases", "aws:ResourceTag/${TagKey}",
                  "kms:CustomerMasterKeySpec", "kms:CustomerMasterKeyUsage"}
KEY_SPECS = {"SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
             "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519",
             "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65",
             "ML_DSA_87"}


# -- the data file -------------------------------------------------------------------------------


def test_top_level_fields():
    assert {"source", "taken", "notes", "actions", "operations", "grant_operations",
            "condition_keys", "key_specs"} <= set(RAW)
    assert RAW["source"] and all(url.startswith("https://") for url in RAW["source"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", RAW["taken"])
    assert RAW["states"] == STATES
    for topic in ("resource", "policy", "state_rules", "operations"):
        assert RAW["notes"][topic]


def _unique(rows):
    names = [row["name"] for row in rows]
    assert len(names) == len(set(names)), "duplicate names"
    return set(names)


@pytest.mark.parametrize("row", RAW["actions"], ids=lambda row: row["name"])
def test_action_rows(row):
    assert set(row) == {"name", "resource", "policy", "cross_account", "grant_operation",
                        "internal", "condition_keys", "accepts_grant_tokens",
                        "encryption_context", "key_usages", "state_rules", "state_notes"}
    assert row["resource"] in {"key", "alias+key", "none"}
    assert row["policy"] in {"key", "iam", "grant"}
    for flag in ("cross_account", "grant_operation", "internal", "accepts_grant_tokens",
                 "encryption_context"):
        assert isinstance(row[flag], bool)
    assert set(row["key_usages"]) <= USAGES
    assert list(row["state_rules"]) == STATES
    assert set(row["state_rules"].values()) <= OUTCOMES
    assert row["state_rules"]["Enabled"] == "ok" or row["name"] == "CancelKeyDeletion"
    assert (row["policy"] == "iam") == (row["resource"] == "none")
    if row["resource"] == "none":  # no key: key state, key usage and key properties do not apply
        assert set(row["state_rules"].values()) == {"ok"}
        assert not row["key_usages"] and not row["grant_operation"]
    assert row["encryption_context"] <= row["grant_operation"]
    assert row["accepts_grant_tokens"] == row["grant_operation"]


@pytest.mark.parametrize("row", RAW["operations"], ids=lambda row: row["name"])
def test_operation_rows(row):
    assert set(row) == {"name", "permissions", "key_usages", "key_specs", "key_origins", "notes"}
    assert row["permissions"]
    for permission in row["permissions"]:
        assert set(permission) == {"action", "on", "checks_state"}
        assert permission["on"] in ROLES
        assert catalog.action(permission["action"]) is not None, permission["action"]
        if permission["on"] in {"*", "alias", "tags", "replica_region"}:
            assert permission["checks_state"] is False
    assert set(row["key_usages"]) <= USAGES
    assert set(row["key_specs"]) <= KEY_SPECS
    assert set(row["key_origins"]) <= {"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}


@pytest.mark.parametrize("row", RAW["condition_keys"], ids=lambda row: row["name"])
def test_condition_key_rows(row):
    assert set(row) == {"name", "type", "alt_types", "multi_valued", "in_key_policy",
                        "deprecated_for", "key_property", "embedded_pattern", "description"}
    assert row["type"] in TYPES and set(row["alt_types"]) <= TYPES
    assert row["multi_valued"] == (row["type"] == "ArrayOfString")
    assert row["description"]
    if row["deprecated_for"]:
        assert catalog.condition_key(row["deprecated_for"]) is not None
    if row["embedded_pattern"] is not None:
        assert "${" in row["name"]
        re.compile(row["embedded_pattern"])


def test_names_are_unique():
    for part in ("actions", "operations", "condition_keys", "key_specs"):
        _unique(RAW[part])


# -- the spec's lists ----------------------------------------------------------------------------


def test_every_section_11_action_is_present():
    assert _unique(RAW["actions"]) == SECTION_11_ACTIONS
    assert {a.name for a in catalog.all_actions()} == SECTION_11_ACTIONS


def test_every_api_operation_is_present():
    assert _unique(RAW["operations"]) == API_OPERATIONS
    assert {o.name for o in catalog.all_operations()} == API_OPERATIONS


def test_only_synchronize_is_internal():
    assert {a.name for a in catalog.all_actions() if a.internal} == {"SynchronizeMultiRegionKey"}


def test_iam_only_actions():
    assert catalog.iam_only_actions() == IAM_ONLY


def test_cross_account_actions():
    assert catalog.cross_account_actions() == CROSS_ACCOUNT


def test_grant_operations():
    assert catalog.grant_operations() == GRANT_OPERATIONS
    assert set(RAW["grant_operations"]["enum"]) == GRANT_OPERATIONS
    assert {a.name for a in catalog.all_actions() if a.grant_operation} == GRANT_OPERATIONS


def test_retire_grant_is_special():
    assert catalog.action("RetireGrant").policy == "grant"
    assert {a.name for a in catalog.all_actions() if a.policy == "grant"} == {"RetireGrant"}


def test_alias_actions_need_alias_and_key():
    assert {a.name for a in catalog.all_actions() if a.resource == "alias+key"} == {
        "CreateAlias", "UpdateAlias", "DeleteAlias"}


def test_encryption_context_actions():
    assert {a.name for a in catalog.all_actions() if a.encryption_context} == {
        "Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom",
        "ReEncryptTo"}


def test_condition_key_set():
    assert _unique(RAW["condition_keys"]) == KMS_CONDITION_KEYS | GLOBAL_CONDITION_KEYS


def test_multi_valued_keys():
    assert {k.name for k in catalog.all_condition_keys() if k.multi_valued} == MULTI_VALUED


def test_key_property_keys():
    assert {k.name for k in catalog.all_condition_keys() if k.key_property} == KEY_PROPERTIES


def test_keys_not_allowed_in_key_policies():
    assert {k.name for k in catalog.all_condition_keys() if not k.in_key_policy} == {
        "kms:ResourceAliases", "aws:ResourceTag/${TagKey}"}


def test_deprecated_keys():
    assert catalog.condition_key("kms:CustomerMasterKeySpec").deprecated_for == "kms:KeySpec"
    assert catalog.condition_key("kms:CustomerMasterKeyUsage").deprecated_for == "kms:KeyUsage"


def test_date_keys_accepting_numbers():
    for name in ("kms:ValidTo", "aws:EpochTime"):
        info = catalog.condition_key(name)
        assert info.type == "Date" and "Numeric" in info.alt_types


def test_condition_key_types_from_section_7():
    expected = {"kms:GrantConstraintSourceArn": "ARN", "kms:MultiRegion": "Bool",
                "kms:RotationPeriodInDays": "Numeric", "kms:TrailingDaysWithoutKeyUsage": "Numeric",
                "kms:ScheduleKeyDeletionPendingWindowInDays": "Numeric",
                "kms:BypassPolicyLockoutSafetyCheck": "Bool", "kms:ReEncryptOnSameKey": "Bool",
                "kms:GrantIsForAWSResource": "Bool", "aws:SourceIp": "IPAddress",
                "aws:PrincipalArn": "ARN", "aws:CurrentTime": "Date"}
    assert {name: catalog.condition_key(name).type for name in expected} == expected


def test_action_condition_keys_resolve():
    for info in catalog.all_actions():
        for name in info.condition_keys:
            found = catalog.condition_key(name)
            assert found is not None and found.name == name, (info.name, name)


def test_section_11_condition_keys_spot_checks():
    assert set(catalog.action("CreateGrant").condition_keys) == {
        "kms:EncryptionContext:${EncryptionContextKey}", "kms:EncryptionContextKeys",
        "kms:GrantConstraintSourceArn", "kms:GrantConstraintType", "kms:GranteePrincipal",
        "kms:GranteeServicePrincipal", "kms:GrantIsForAWSResource", "kms:GrantOperations",
        "kms:RetiringPrincipal", "kms:RetiringServicePrincipal"}
    assert set(catalog.action("ScheduleKeyDeletion").condition_keys) == {
        "kms:ScheduleKeyDeletionPendingWindowInDays", "kms:TrailingDaysWithoutKeyUsage"}
    assert "kms:BypassPolicyLockoutSafetyCheck" in catalog.action("PutKeyPolicy").condition_keys
    assert "kms:RecipientAttestation:ImageSha384" in catalog.action("GenerateRandom").condition_keys
    assert "kms:RecipientAttestation:ImageSha384" not in catalog.action("Encrypt").condition_keys
    assert set(catalog.action("UntagResource").condition_keys) == {"aws:TagKeys"}
    assert catalog.action("ListKeys").condition_keys == ()


# -- look-ups ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name",
                         ["kms:Decrypt", "Decrypt", "KMS:decrypt", "decrypt", " kms:DECRYPT "])
def test_action_lookup_forms(name):
    assert catalog.action(name).name == "Decrypt"
    assert catalog.action(name).permission == "kms:Decrypt"


@pytest.mark.parametrize("name", ["kms:Nope", "s3:GetObject", "kms:*", "", None])
def test_unknown_actions(name):
    assert catalog.action(name) is None


@pytest.mark.parametrize("written, entry", [
    ("kms:encryptioncontext:AppName", "kms:EncryptionContext:${EncryptionContextKey}"),
    ("kms:EncryptionContext:aws:cloudtrail:arn", "kms:EncryptionContext:${EncryptionContextKey}"),
    ("KMS:ENCRYPTIONCONTEXTKEYS", "kms:EncryptionContextKeys"),
    ("aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}"),
    ("aws:principaltag/Team", "aws:PrincipalTag/${TagKey}"),
    ("aws:RequestTag/env", "aws:RequestTag/${TagKey}"),
    ("aws:ResourceTag/env", "aws:ResourceTag/${TagKey}"),
    ("kms:RecipientAttestation:PCR3", "kms:RecipientAttestation:PCR${PCR_ID}"),
    ("kms:recipientattestation:pcr31", "kms:RecipientAttestation:PCR${PCR_ID}"),
    ("kms:RecipientAttestation:NitroTPMPCR4", "kms:RecipientAttestation:NitroTPMPCR${PCR_ID}"),
    ("kms:RecipientAttestation:ImageSha384", "kms:RecipientAttestation:ImageSha384"),
    ("kms:viaservice", "kms:ViaService"),
    ("aws:SourceIP", "aws:SourceIp"),
    ("kms:EncryptionContext:${EncryptionContextKey}",
     "kms:EncryptionContext:${EncryptionContextKey}"),
])
def test_condition_key_resolution(written, entry):
    assert catalog.condition_key(written).name == entry


@pytest.mark.parametrize("written", [
    "kms:EncryptionContext:", "aws:PrincipalTag/", "kms:RecipientAttestation:PCR32",
    "kms:RecipientAttestation:PCRx", "kms:RecipientAttestation:NitroTPMPCR24", "kms:Nope",
    "kms:ResourceTag/env", "", None])
def test_condition_key_unknown(written):
    assert catalog.condition_key(written) is None


def test_operation_lookup():
    assert catalog.operation("reencrypt").name == "ReEncrypt"
    assert catalog.operation("Nope") is None
    assert catalog.operation(None) is None


def _perms(name):
    return [(p.action, p.on) for p in catalog.operation(name).permissions]


def test_multi_resource_operations():
    assert _perms("ReEncrypt") == [("kms:ReEncryptFrom", "source_key"),
                                   ("kms:ReEncryptTo", "destination_key")]
    assert _perms("UpdateAlias") == [("kms:UpdateAlias", "alias"),
                                     ("kms:UpdateAlias", "current_key"),
                                     ("kms:UpdateAlias", "new_key")]
    assert _perms("CreateAlias") == [("kms:CreateAlias", "alias"),
                                     ("kms:CreateAlias", "target_key")]
    assert _perms("DeleteAlias") == [("kms:DeleteAlias", "alias"),
                                     ("kms:DeleteAlias", "current_key")]
    assert _perms("UpdatePrimaryRegion") == [("kms:UpdatePrimaryRegion", "key"),
                                             ("kms:UpdatePrimaryRegion", "replica_key")]
    assert _perms("CreateKey") == [("kms:CreateKey", "*"), ("kms:TagResource", "tags")]
    assert _perms("ReplicateKey") == [("kms:ReplicateKey", "key"),
                                      ("kms:CreateKey", "replica_region"),
                                      ("kms:TagResource", "tags")]
    assert _perms("Decrypt") == [("kms:Decrypt", "key")]
    assert _perms("ListRetirableGrants") == [("kms:ListRetirableGrants", "*")]


def test_single_permission_operations_use_their_own_action():
    for info in catalog.all_operations():
        if len(info.permissions) == 1:
            permission = info.permissions[0]
            assert permission.action == f"kms:{info.name}"
            expected = "*" if catalog.action(info.name).policy == "iam" else "key"
            assert permission.on == expected, info.name


def test_iam_only_permissions_are_never_on_a_key():
    for info in catalog.all_operations():
        for permission in info.permissions:
            if catalog.action(permission.action).policy == "iam":
                assert permission.on in {"*", "replica_region"}, (info.name, permission)


def test_import_operations_need_imported_key_material():
    imports = {o.name for o in catalog.all_operations() if o.key_origins}
    assert imports == {"GetParametersForImport", "ImportKeyMaterial", "DeleteImportedKeyMaterial"}
    assert all(catalog.operation(name).key_origins == ("EXTERNAL",) for name in imports)


def test_operation_key_usages_match_actions():
    for info in catalog.all_operations():
        usages = set()
        for permission in info.permissions:
            usages |= set(catalog.action(permission.action).key_usages)
        assert set(info.key_usages) == usages, info.name


# -- key state (§10) -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, state, outcome", [
    ("Decrypt", "Enabled", None),
    ("Decrypt", "Disabled", "DisabledException"),
    ("kms:Decrypt", "Disabled", "DisabledException"),
    ("Decrypt", "PendingDeletion", "KMSInvalidStateException"),
    ("Decrypt", "PendingImport", "KMSInvalidStateException"),
    ("Decrypt", "Unavailable", "KMSInvalidStateException"),
    ("Encrypt", "Disabled", "DisabledException"),
    ("Sign", "Disabled", "DisabledException"),
    ("GetPublicKey", "Disabled", "DisabledException"),
    ("CreateGrant", "Disabled", "DisabledException"),
    ("ReEncrypt", "Disabled", "DisabledException"),
    ("kms:ReEncryptTo", "Disabled", "DisabledException"),
    ("ReplicateKey", "Disabled", "DisabledException"),
    ("UpdatePrimaryRegion", "Disabled", "DisabledException"),
    ("ScheduleKeyDeletion", "PendingDeletion", "KMSInvalidStateException"),
    ("ScheduleKeyDeletion", "Disabled", None),
    ("EnableKey", "PendingDeletion", "KMSInvalidStateException"),
    ("DisableKey", "Disabled", None),
    ("TagResource", "PendingDeletion", "KMSInvalidStateException"),
    ("UntagResource", "PendingDeletion", "KMSInvalidStateException"),
    ("UpdateKeyDescription", "PendingDeletion", "KMSInvalidStateException"),
    ("CreateAlias", "PendingDeletion", "KMSInvalidStateException"),
    ("GetKeyRotationStatus", "PendingImport", "UnsupportedOperationException"),
    ("CancelKeyDeletion", "Enabled", "KMSInvalidStateException"),
    ("CancelKeyDeletion", "Disabled", "KMSInvalidStateException"),
    ("CancelKeyDeletion", "PendingDeletion", None),
    ("UpdateAlias", "PendingDeletion", "KMSInvalidStateException"),  # the new target key
    ("kms:UpdateAlias", "PendingDeletion", "KMSInvalidStateException"),
    ("Nope", "Disabled", None),
    ("Decrypt", None, None),
    (None, "Disabled", None),
])
def test_state_outcome(name, state, outcome):
    assert catalog.state_outcome(name, state) == outcome


@pytest.mark.parametrize("name", ["DescribeKey", "GetKeyPolicy", "PutKeyPolicy", "ListGrants",
                                  "ListResourceTags", "RetireGrant", "RevokeGrant", "DeleteAlias",
                                  "ListAliases", "ListKeys", "CreateKey", "GetKeyLastUsage"])
def test_always_ok(name):
    assert all(catalog.state_outcome(name, state) is None for state in STATES)


def test_cancel_key_deletion_only_when_pending_deletion():
    works = {s for s in STATES if catalog.state_outcome("CancelKeyDeletion", s) is None}
    assert works == {"PendingDeletion", "PendingReplicaDeletion"}


def test_update_alias_checks_only_the_new_key():
    assert catalog.state_outcome("UpdateAlias", "PendingDeletion", role="current_key") is None
    assert catalog.state_outcome("UpdateAlias", "PendingDeletion", role="new_key") == (
        "KMSInvalidStateException")
    assert catalog.state_outcome("UpdateAlias", "PendingDeletion", role="alias") is None


def test_state_outcome_by_role_for_reencrypt():
    for role in ("source_key", "destination_key"):
        assert catalog.state_outcome("ReEncrypt", "Disabled", role=role) == "DisabledException"


def test_crypto_actions_share_one_row():
    crypto = {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey",
              "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
              "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "Sign", "Verify",
              "DeriveSharedSecret"}
    rows = {catalog.action(name).state_rules for name in crypto}
    assert len(rows) == 1


# -- grant operations per key type, key specs, rotation ------------------------------------------


def test_valid_grant_operations():
    symmetric = catalog.valid_grant_operations("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    assert "Sign" not in symmetric and "GetPublicKey" not in symmetric
    assert {"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "ReEncryptFrom",
            "ReEncryptTo", "DescribeKey", "CreateGrant", "RetireGrant"} <= symmetric
    rsa = catalog.valid_grant_operations("RSA_2048", "ENCRYPT_DECRYPT")
    assert rsa == {"Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey",
                   "DescribeKey", "CreateGrant", "RetireGrant"}
    assert catalog.valid_grant_operations("ECC_NIST_P256", "SIGN_VERIFY") == {
        "Sign", "Verify", "GetPublicKey", "DescribeKey", "CreateGrant", "RetireGrant"}
    assert catalog.valid_grant_operations("HMAC_256", "GENERATE_VERIFY_MAC") == {
        "GenerateMac", "VerifyMac", "DescribeKey", "CreateGrant", "RetireGrant"}
    assert catalog.valid_grant_operations("ECC_NIST_P384", "KEY_AGREEMENT") == {
        "DeriveSharedSecret", "GetPublicKey", "DescribeKey", "CreateGrant", "RetireGrant"}
    assert catalog.valid_grant_operations("SYMMETRIC_DEFAULT", "SIGN_VERIFY") == frozenset()
    assert catalog.valid_grant_operations("NOPE", "ENCRYPT_DECRYPT") == frozenset()


def test_grant_table_is_consistent():
    for row in RAW["grant_operations"]["by_key_type"]:
        assert set(row["operations"]) <= GRANT_OPERATIONS
        assert {"DescribeKey", "CreateGrant", "RetireGrant"} <= set(row["operations"])
        for spec in row["key_specs"]:
            assert row["key_usage"] in catalog.key_spec(spec).key_usages
    for spec in catalog.catalog().key_specs.values():  # every spec/usage pair has a grant row
        for usage in spec.key_usages:
            assert catalog.valid_grant_operations(spec.name, usage), (spec.name, usage)
    for (spec, usage), operations in catalog.catalog().grant_operations_by_type.items():
        for name in operations:  # each granted operation works with that key usage
            usages = catalog.action(name).key_usages
            assert not usages or usage in usages, (spec, usage, name)


def test_key_specs():
    assert set(catalog.catalog().key_specs) == KEY_SPECS
    assert catalog.key_spec("SYMMETRIC_DEFAULT").key_usages == ("ENCRYPT_DECRYPT",)
    assert set(catalog.key_spec("RSA_4096").key_usages) == {"ENCRYPT_DECRYPT", "SIGN_VERIFY"}
    assert set(catalog.key_spec("ECC_NIST_P521").key_usages) == {"SIGN_VERIFY", "KEY_AGREEMENT"}
    assert catalog.key_spec("ECC_SECG_P256K1").key_usages == ("SIGN_VERIFY",)
    assert set(catalog.key_spec("SM2").key_usages) == {"ENCRYPT_DECRYPT", "SIGN_VERIFY",
                                                        "KEY_AGREEMENT"}
    assert catalog.key_spec("ML_DSA_65").key_usages == ("SIGN_VERIFY",)
    assert catalog.key_spec("HMAC_512").key_usages == ("GENERATE_VERIFY_MAC",)
    for spec in catalog.catalog().key_specs.values():
        assert set(spec.key_usages) <= USAGES and spec.key_usages
        assert spec.asymmetric == (spec.family not in {"symmetric", "hmac"})


def test_rotation():
    assert catalog.can_rotate("SYMMETRIC_DEFAULT", "AWS_KMS")
    for origin in ("EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        assert not catalog.can_rotate("SYMMETRIC_DEFAULT", origin)
    for spec in KEY_SPECS - {"SYMMETRIC_DEFAULT"}:
        assert not catalog.can_rotate(spec, "AWS_KMS")
        assert not catalog.can_rotate(spec, "AWS_KMS", on_demand=True)
    assert catalog.can_rotate("SYMMETRIC_DEFAULT", "EXTERNAL", on_demand=True)
    assert not catalog.can_rotate("SYMMETRIC_DEFAULT", "AWS_CLOUDHSM", on_demand=True)
    assert not catalog.can_rotate("NOPE", "AWS_KMS")


# -- the module ----------------------------------------------------------------------------------


def test_objects_are_immutable():
    info = catalog.action("Decrypt")
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.name = "Encrypt"
    assert not hasattr(info, "__dict__")  # slots
    with pytest.raises(TypeError):
        catalog.catalog().actions["x"] = info
    assert catalog.catalog() is catalog.catalog()


def test_no_heavy_imports():
    source = data_path("kms", "catalog.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+(pydantic|lark)\b", source, re.M)
    assert "policyengine.kms.catalog" in sys.modules

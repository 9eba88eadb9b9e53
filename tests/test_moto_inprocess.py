"""moto enforcing KMS key policies, IAM policies and grants through policyengine — in-process.

Every scenario is a function of an :class:`Aws` (boto3 clients against moto); this module runs
them under ``mock_aws`` and ``tests/test_moto_server.py`` runs the same functions against
``python -m policyengine.integrations.moto``. Assertions are on what AWS answers: the error code
and the shape of its message.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

pytest.importorskip("moto")

from moto import mock_aws  # noqa: E402

from policyengine.integrations import moto as enforcement  # noqa: E402
from policyengine.integrations.moto import enforcing  # noqa: E402

ACCOUNT = "123456789012"
OTHER = "444455556666"
REGION = "us-east-1"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ALLOW_ALL_KMS = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}


def allow(*actions: str, resource: str = "*", condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def deny(*actions: str, resource: str = "*") -> dict:
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": list(actions), "Resource": resource}]}


def key_policy(*statements: dict, root: bool = True, account: str = ACCOUNT) -> str:
    body = []
    if root:
        body.append({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                     "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*",
                     "Resource": "*"})
    body.extend(statements)
    return json.dumps({"Version": "2012-10-17", "Statement": body})


class Aws:
    """boto3 clients against moto: in-process (``endpoint=None``) or a moto server."""

    def __init__(self, endpoint: str | None = None, grant_delay: float = 0.0) -> None:
        self.endpoint = endpoint
        self.grant_delay = grant_delay

    def client(self, service: str, creds: dict | None = None, region: str = REGION):
        creds = creds or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
        options = dict(region_name=region, aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds.get("SessionToken"),
                       config=Config(retries={"max_attempts": 1}))
        if self.endpoint:
            options["endpoint_url"] = self.endpoint
        return boto3.client(service, **options)

    # -- principals ------------------------------------------------------------------------------

    def user(self, name: str, policy: dict | None = None, creds: dict | None = None) -> dict:
        """An IAM user with access keys (in the account of ``creds``)."""
        iam = self.client("iam", creds)
        iam.create_user(UserName=name)
        if policy is not None:
            iam.put_user_policy(UserName=name, PolicyName="inline",
                                PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}

    def assume(self, role_arn: str, creds: dict | None = None, policy: dict | None = None,
               session: str = "session") -> dict:
        options = {"RoleArn": role_arn, "RoleSessionName": session}
        if policy is not None:
            options["Policy"] = json.dumps(policy)
        return self.client("sts", creds).assume_role(**options)["Credentials"]

    def role(self, name: str, policy: dict | None = None, creds: dict | None = None,
             boundary: str | None = None) -> str:
        iam = self.client("iam", creds)
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        options = {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(trust)}
        if boundary:
            options["PermissionsBoundary"] = boundary
        arn = iam.create_role(**options)["Role"]["Arn"]
        if policy is not None:
            iam.put_role_policy(RoleName=name, PolicyName="inline",
                                PolicyDocument=json.dumps(policy))
        return arn

    def account_admin(self, account: str) -> dict:
        """Credentials acting in ``account`` (moto lets STS assume a role in any account)."""
        return self.assume(f"arn:aws:iam::{account}:role/Admin", session="admin")


def failure(call, *args, **kwargs) -> tuple[str, str]:
    """Run a call that must fail; its (error code, message)."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error.get("Message", "")


def assert_denied(call, *args, caller: str, action: str, resource: str, why: str,
                  **kwargs) -> str:
    """The call fails with AWS's AccessDeniedException message shape."""
    code, message = failure(call, *args, **kwargs)
    assert code == "AccessDeniedException", message
    assert message.startswith(f"User: {caller} is not authorized to perform: {action} on "
                              f"{resource} "), message
    assert why in message, message
    return message


def no_identity(action: str) -> str:
    return f"because no identity-based policy allows the {action} action"


def no_resource(action: str) -> str:
    return f"because no resource-based policy allows the {action} action"


# -- scenarios (shared with tests/test_moto_server.py) -------------------------------------------


def scenario_default_key_policy(aws: Aws) -> None:
    """The default key policy delegates to IAM: a user needs an IAM allow — inline, managed or
    through a group."""
    kms = aws.client("kms")
    key = kms.create_key(Description="default policy")["KeyMetadata"]
    arn = key["Arn"]
    alice = aws.user("alice")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert_denied(aws.client("kms", alice).encrypt, KeyId=key["KeyId"], Plaintext=b"secret",
                  caller=alice_arn, action="kms:Encrypt", resource=f"resource: {arn}",
                  why=no_identity("kms:Encrypt"))
    assert_denied(aws.client("kms", alice).list_keys, caller=alice_arn, action="kms:ListKeys",
                  resource="resource: *", why=no_identity("kms:ListKeys"))

    iam = aws.client("iam")
    managed = iam.create_policy(PolicyName="UseKey", PolicyDocument=json.dumps(
        allow("kms:Encrypt", "kms:Decrypt", resource=arn)))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=managed)
    blob = aws.client("kms", alice).encrypt(KeyId=key["KeyId"], Plaintext=b"secret")
    assert blob["KeyId"] == arn
    plain = aws.client("kms", alice).decrypt(CiphertextBlob=blob["CiphertextBlob"])
    assert plain["Plaintext"] == b"secret" and plain["KeyId"] == arn
    # the allow names this key only
    other = kms.create_key()["KeyMetadata"]
    assert_denied(aws.client("kms", alice).encrypt, KeyId=other["Arn"], Plaintext=b"x",
                  caller=alice_arn, action="kms:Encrypt", resource=f"resource: {other['Arn']}",
                  why=no_identity("kms:Encrypt"))

    # a group's policy counts as the user's
    bob = aws.user("bob")
    iam.create_group(GroupName="crypto")
    iam.put_group_policy(GroupName="crypto", PolicyName="use",
                         PolicyDocument=json.dumps(allow("kms:Encrypt", resource=arn)))
    iam.add_user_to_group(GroupName="crypto", UserName="bob")
    aws.client("kms", bob).encrypt(KeyId=arn, Plaintext=b"x")


def scenario_key_policy_alone(aws: Aws) -> None:
    """A key policy that names a user allows it without any IAM policy; a key policy without the
    account statement makes IAM allows useless; the lockout safety check guards CreateKey."""
    kms = aws.client("kms")
    alice = aws.user("alice")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    only_alice = key_policy({"Sid": "Alice", "Effect": "Allow",
                             "Principal": {"AWS": alice_arn}, "Action": "kms:*",
                             "Resource": "*"}, root=False)
    code, message = failure(kms.create_key, Policy=only_alice)
    assert code == "MalformedPolicyDocumentException", message
    assert "will not allow you to update the key policy" in message
    key = kms.create_key(Policy=only_alice, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    aws.client("kms", alice).encrypt(KeyId=key["Arn"], Plaintext=b"x")  # no IAM policy at all
    # the account root (moto's default credentials) is not named: denied
    assert_denied(kms.describe_key, KeyId=key["KeyId"], caller=ROOT,
                  action="kms:DescribeKey", resource=f"resource: {key['Arn']}",
                  why=no_resource("kms:DescribeKey"))
    # an IAM allow has no effect when the key policy does not enable IAM
    carol = aws.user("carol", policy=ALLOW_ALL_KMS)
    assert_denied(aws.client("kms", carol).encrypt, KeyId=key["Arn"], Plaintext=b"x",
                  caller=f"arn:aws:iam::{ACCOUNT}:user/carol", action="kms:Encrypt",
                  resource=f"resource: {key['Arn']}", why=no_resource("kms:Encrypt"))


def scenario_key_policy_deny(aws: Aws) -> None:
    """A Deny in the key policy wins over an IAM allow; an IAM Deny names its managed policy."""
    kms = aws.client("kms")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    alice = aws.user("alice", policy=ALLOW_ALL_KMS)
    key = kms.create_key(Policy=key_policy({
        "Sid": "NoDecryptForAlice", "Effect": "Deny", "Principal": {"AWS": alice_arn},
        "Action": "kms:Decrypt", "Resource": "*"}))["KeyMetadata"]
    blob = aws.client("kms", alice).encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert_denied(aws.client("kms", alice).decrypt, CiphertextBlob=blob, KeyId=key["KeyId"],
                  caller=alice_arn, action="kms:Decrypt", resource=f"resource: {key['Arn']}",
                  why="with an explicit deny in a resource-based policy")
    # the Deny names alice only: the root user decrypts (moto alone would refuse DescribeKey
    # to everyone for any Deny; with enforcement only the principal named is denied)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    kms.describe_key(KeyId=key["KeyId"])

    iam = aws.client("iam")
    denying = iam.create_policy(PolicyName="NoEncrypt",
                                PolicyDocument=json.dumps(deny("kms:Encrypt")))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=denying)
    message = assert_denied(aws.client("kms", alice).encrypt, KeyId=key["KeyId"], Plaintext=b"x",
                            caller=alice_arn, action="kms:Encrypt",
                            resource=f"resource: {key['Arn']}",
                            why="with an explicit deny in an identity-based policy")
    assert message.endswith(f": {denying}"), message


def scenario_cross_account_role(aws: Aws) -> None:
    """A role in 444455556666 uses a key in 123456789012 by key ARN: the key policy trusts its
    account, and its own IAM policy must allow the call too."""
    kms = aws.client("kms")
    external = {"Sid": "External", "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
    key = kms.create_key(Policy=key_policy(external))["KeyMetadata"]
    kms.create_alias(AliasName="alias/shared", TargetKeyId=key["KeyId"])
    arn = key["Arn"]

    admin = aws.account_admin(OTHER)
    role_arn = aws.role("app", creds=admin)
    assert role_arn == f"arn:aws:iam::{OTHER}:role/app"
    session = aws.assume(role_arn, creds=admin, session="worker")
    caller = f"arn:aws:sts::{OTHER}:assumed-role/app/worker"
    assert_denied(aws.client("kms", session).encrypt, KeyId=arn, Plaintext=b"x", caller=caller,
                  action="kms:Encrypt", resource=f"resource: {arn}",
                  why=no_identity("kms:Encrypt"))

    aws.client("iam", admin).put_role_policy(
        RoleName="app", PolicyName="use-shared-key",
        PolicyDocument=json.dumps(allow("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey",
                                        resource=arn)))
    other_kms = aws.client("kms", session)
    blob = other_kms.encrypt(KeyId=arn, Plaintext=b"across")
    assert blob["KeyId"] == arn
    assert other_kms.decrypt(CiphertextBlob=blob["CiphertextBlob"])["Plaintext"] == b"across"
    assert other_kms.describe_key(KeyId=arn)["KeyMetadata"]["Arn"] == arn
    # a key ID or alias name is looked up in the caller's own account
    code, _ = failure(other_kms.describe_key, KeyId=key["KeyId"])
    assert code == "NotFoundException"
    code, _ = failure(other_kms.describe_key, KeyId="alias/shared")
    assert code == "NotFoundException"
    # the key policy does not trust the other account for GenerateDataKey
    aws.client("iam", admin).put_role_policy(RoleName="app", PolicyName="all",
                                             PolicyDocument=json.dumps(ALLOW_ALL_KMS))
    assert_denied(other_kms.generate_data_key, KeyId=arn, KeySpec="AES_256", caller=caller,
                  action="kms:GenerateDataKey", resource=f"resource: {arn}",
                  why=no_resource("kms:GenerateDataKey"))


def scenario_grant_constraints(aws: Aws) -> None:
    """A grant allows its grantee without any policy, only with the encryption context its
    constraint requires."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    alice = aws.user("alice")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=alice_arn,
                             Operations=["Encrypt", "Decrypt", "DescribeKey"],
                             Constraints={"EncryptionContextEquals": {"purpose": "billing"}})
    tokens = [grant["GrantToken"]]
    alice_kms = aws.client("kms", alice)
    blob = alice_kms.encrypt(KeyId=key["Arn"], Plaintext=b"x", GrantTokens=tokens,
                             EncryptionContext={"purpose": "billing"})["CiphertextBlob"]
    plain = alice_kms.decrypt(CiphertextBlob=blob, GrantTokens=tokens,
                              EncryptionContext={"purpose": "billing"})
    assert plain["Plaintext"] == b"x"
    alice_kms.describe_key(KeyId=key["Arn"], GrantTokens=tokens)  # constraints do not apply
    for context in ({}, {"purpose": "other"}, {"purpose": "billing", "extra": "1"}):
        assert_denied(alice_kms.encrypt, KeyId=key["Arn"], Plaintext=b"x", GrantTokens=tokens,
                      EncryptionContext=context, caller=alice_arn, action="kms:Encrypt",
                      resource=f"resource: {key['Arn']}", why=no_identity("kms:Encrypt"))
    # the grant does not list GenerateDataKey
    assert_denied(alice_kms.generate_data_key, KeyId=key["Arn"], KeySpec="AES_256",
                  GrantTokens=tokens, EncryptionContext={"purpose": "billing"},
                  caller=alice_arn, action="kms:GenerateDataKey",
                  resource=f"resource: {key['Arn']}", why=no_identity("kms:GenerateDataKey"))
    # revoked: gone
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    assert_denied(alice_kms.encrypt, KeyId=key["Arn"], Plaintext=b"x",
                  EncryptionContext={"purpose": "billing"}, caller=alice_arn,
                  action="kms:Encrypt", resource=f"resource: {key['Arn']}",
                  why=no_identity("kms:Encrypt"))


def scenario_grant_tokens(aws: Aws) -> None:
    """With ``grant_delay`` (eventual consistency), a new grant works only with its token; the
    grantee can retire a grant that lists RetireGrant, by its token."""
    assert aws.grant_delay > 0
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    bob = aws.user("bob")
    bob_arn = f"arn:aws:iam::{ACCOUNT}:user/bob"
    grant = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=bob_arn,
                             Operations=["GenerateDataKey", "Decrypt", "RetireGrant"])
    bob_kms = aws.client("kms", bob)
    assert_denied(bob_kms.generate_data_key, KeyId=key["Arn"], KeySpec="AES_256",
                  caller=bob_arn, action="kms:GenerateDataKey",
                  resource=f"resource: {key['Arn']}", why=no_identity("kms:GenerateDataKey"))
    data_key = bob_kms.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256",
                                         GrantTokens=[grant["GrantToken"]])
    assert len(data_key["Plaintext"]) == 32
    bob_kms.retire_grant(GrantToken=grant["GrantToken"])
    assert_denied(bob_kms.generate_data_key, KeyId=key["Arn"], KeySpec="AES_256",
                  GrantTokens=[grant["GrantToken"]], caller=bob_arn,
                  action="kms:GenerateDataKey", resource=f"resource: {key['Arn']}",
                  why=no_identity("kms:GenerateDataKey"))
    # retiring needs the grant to say so: a grantee without RetireGrant cannot
    other = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=bob_arn, Operations=["Decrypt"])
    code, message = failure(bob_kms.retire_grant, KeyId=key["Arn"], GrantId=other["GrantId"])
    assert code == "AccessDeniedException" and "kms:RetireGrant" in message


def scenario_reencrypt(aws: Aws) -> None:
    """ReEncrypt needs ReEncryptFrom on the source key and ReEncryptTo on the destination; Decrypt
    without a key ID finds the key in the ciphertext."""
    kms = aws.client("kms")
    source = kms.create_key()["KeyMetadata"]
    target = kms.create_key()["KeyMetadata"]
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    alice = aws.user("alice", policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Encrypt", "kms:ReEncryptFrom", "kms:Decrypt"],
         "Resource": source["Arn"]}]})
    alice_kms = aws.client("kms", alice)
    blob = alice_kms.encrypt(KeyId=source["KeyId"], Plaintext=b"move me",
                             EncryptionContext={"app": "a"})["CiphertextBlob"]
    assert_denied(alice_kms.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"app": "a"},
                  DestinationKeyId=target["KeyId"], caller=alice_arn,
                  action="kms:ReEncryptTo", resource=f"resource: {target['Arn']}",
                  why=no_identity("kms:ReEncryptTo"))
    aws.client("iam").put_user_policy(UserName="alice", PolicyName="to", PolicyDocument=json.dumps(
        allow("kms:ReEncryptTo", resource=target["Arn"])))
    moved = alice_kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"app": "a"},
                                 DestinationKeyId=target["KeyId"])
    assert moved["SourceKeyId"] == source["Arn"] and moved["KeyId"] == target["Arn"]
    # the new ciphertext is under the target key, which alice may not decrypt
    message = assert_denied(alice_kms.decrypt, CiphertextBlob=moved["CiphertextBlob"],
                            caller=alice_arn, action="kms:Decrypt",
                            resource="the resource associated with this ciphertext",
                            why=no_identity("kms:Decrypt"))
    assert target["Arn"] not in message
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == b"move me"
    # naming another key than the ciphertext's: IncorrectKeyException (moto alone says
    # AccessDeniedException)
    code, _ = failure(kms.decrypt, CiphertextBlob=moved["CiphertextBlob"],
                      KeyId=source["KeyId"])
    assert code == "IncorrectKeyException"
    # the wrong encryption context: moto's own cryptographic check
    code, _ = failure(alice_kms.decrypt, CiphertextBlob=blob, EncryptionContext={"app": "b"})
    assert code == "InvalidCiphertextException"


def scenario_aliases(aws: Aws) -> None:
    """Keys named by alias: kms:RequestAlias conditions, and alias operations need permission on
    the alias (IAM) and on the key."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    alice = aws.user("alice", policy=allow(
        "kms:Encrypt", "kms:DescribeKey",
        condition={"StringEquals": {"kms:RequestAlias": "alias/app"}}))
    alice_kms = aws.client("kms", alice)
    assert alice_kms.encrypt(KeyId="alias/app", Plaintext=b"x")["KeyId"] == key["Arn"]
    assert alice_kms.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"] == key["KeyId"]
    assert_denied(alice_kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", caller=alice_arn,
                  action="kms:Encrypt", resource=f"resource: {key['Arn']}",
                  why=no_identity("kms:Encrypt"))

    bob_arn = f"arn:aws:iam::{ACCOUNT}:user/bob"
    bob = aws.user("bob", policy=allow("kms:CreateAlias", "kms:DeleteAlias",
                                       resource=key["Arn"]))
    bob_kms = aws.client("kms", bob)
    assert_denied(bob_kms.create_alias, AliasName="alias/bob", TargetKeyId=key["KeyId"],
                  caller=bob_arn, action="kms:CreateAlias",
                  resource=f"resource: arn:aws:kms:{REGION}:{ACCOUNT}:alias/bob",
                  why=no_identity("kms:CreateAlias"))
    aws.client("iam").put_user_policy(
        UserName="bob", PolicyName="aliases",
        PolicyDocument=json.dumps(allow("kms:CreateAlias", "kms:DeleteAlias",
                                        resource=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/bob*")))
    bob_kms.create_alias(AliasName="alias/bob", TargetKeyId=key["KeyId"])
    bob_kms.delete_alias(AliasName="alias/bob")
    code, message = failure(bob_kms.describe_key, KeyId="alias/nothing")
    assert code == "NotFoundException"


def scenario_key_states(aws: Aws) -> None:
    """Authorised calls on disabled and pending-deletion keys fail with the key-state errors."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    arn = key["Arn"]
    kms.disable_key(KeyId=key["KeyId"])
    code, message = failure(kms.encrypt, KeyId=arn, Plaintext=b"x")
    assert (code, message) == ("DisabledException", f"{arn} is disabled.")
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Disabled"
    # authorisation comes first: a caller without permission is denied, not told the state
    nobody = aws.user("nobody")
    assert_denied(aws.client("kms", nobody).encrypt, KeyId=arn, Plaintext=b"x",
                  caller=f"arn:aws:iam::{ACCOUNT}:user/nobody", action="kms:Encrypt",
                  resource=f"resource: {arn}", why=no_identity("kms:Encrypt"))
    kms.enable_key(KeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=arn, Plaintext=b"x")["CiphertextBlob"]

    code, message = failure(kms.cancel_key_deletion, KeyId=key["KeyId"])
    assert code == "KMSInvalidStateException", message
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    for call, kwargs in ((kms.encrypt, {"KeyId": arn, "Plaintext": b"x"}),
                         (kms.decrypt, {"CiphertextBlob": blob}),
                         (kms.create_grant, {"KeyId": arn, "Operations": ["Decrypt"],
                                             "GranteePrincipal": ROOT}),
                         (kms.enable_key, {"KeyId": key["KeyId"]})):
        code, message = failure(call, **kwargs)
        assert (code, message) == ("KMSInvalidStateException", f"{arn} is pending deletion.")
    code, message = failure(kms.schedule_key_deletion, KeyId=key["KeyId"])
    assert code == "KMSInvalidStateException"
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=key["KeyId"])
    kms.enable_key(KeyId=key["KeyId"])
    kms.encrypt(KeyId=arn, Plaintext=b"x")
    # a window outside 7-30 days is refused (moto alone accepts it silently)
    code, _ = failure(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=3)
    assert code == "ValidationException"


def scenario_unknown_credentials_are_root(aws: Aws) -> None:
    """Credentials moto does not know act as the account's root user."""
    strangers = {"AccessKeyId": "FOOBARKEY", "SecretAccessKey": "FOOBARSECRET"}
    kms = aws.client("kms", strangers)
    key = kms.create_key()["KeyMetadata"]
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    aws.user("alice")
    locked = kms.create_key(BypassPolicyLockoutSafetyCheck=True, Policy=key_policy({
        "Effect": "Allow", "Principal": {"AWS": alice_arn}, "Action": "kms:*",
        "Resource": "*"}, root=False))["KeyMetadata"]
    assert_denied(kms.encrypt, KeyId=locked["Arn"], Plaintext=b"x", caller=ROOT,
                  action="kms:Encrypt", resource=f"resource: {locked['Arn']}",
                  why=no_resource("kms:Encrypt"))


def scenario_boundary_and_session_policy(aws: Aws) -> None:
    """A role's permissions boundary and an AssumeRole session policy cap its IAM allows."""
    iam = aws.client("iam")
    boundary = iam.create_policy(PolicyName="OnlyDecrypt", PolicyDocument=json.dumps(
        allow("kms:Decrypt", "kms:DescribeKey")))["Policy"]["Arn"]
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    capped = aws.role("capped", policy=ALLOW_ALL_KMS, boundary=boundary)
    session = aws.assume(capped, session="s1")
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/capped/s1"
    assert_denied(aws.client("kms", session).encrypt, KeyId=key["Arn"], Plaintext=b"x",
                  caller=caller, action="kms:Encrypt", resource=f"resource: {key['Arn']}",
                  why="because no permissions boundary allows the kms:Encrypt action")
    aws.client("kms", session).describe_key(KeyId=key["Arn"])

    free = aws.role("free", policy=ALLOW_ALL_KMS)
    aws.client("kms", aws.assume(free, session="s2")).encrypt(KeyId=key["Arn"], Plaintext=b"x")
    narrow = aws.assume(free, session="s3", policy=allow("kms:DescribeKey"))
    assert_denied(aws.client("kms", narrow).encrypt, KeyId=key["Arn"], Plaintext=b"x",
                  caller=f"arn:aws:sts::{ACCOUNT}:assumed-role/free/s3", action="kms:Encrypt",
                  resource=f"resource: {key['Arn']}",
                  why="because no session policy allows the kms:Encrypt action")
    aws.client("kms", narrow).describe_key(KeyId=key["Arn"])


def scenario_service_control_policy(aws: Aws) -> None:
    """SCPs from moto's Organizations: a Deny attached to a member account stops its principals;
    the management account is not affected."""
    org = aws.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    member = org.create_account(AccountName="member", Email="member@example.com")
    member_id = member["CreateAccountStatus"]["AccountId"]
    scp = org.create_policy(Name="NoKmsEncrypt", Type="SERVICE_CONTROL_POLICY",
                            Description="", Content=json.dumps(deny("kms:Encrypt")))
    scp_arn = scp["Policy"]["PolicySummary"]["Arn"]
    org.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=member_id)

    admin = aws.account_admin(member_id)
    role = aws.role("worker", policy=ALLOW_ALL_KMS, creds=admin)
    session = aws.assume(role, creds=admin, session="worker")
    member_kms = aws.client("kms", session)
    key = member_kms.create_key()["KeyMetadata"]
    assert key["AWSAccountId"] == member_id
    message = assert_denied(member_kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x",
                            caller=f"arn:aws:sts::{member_id}:assumed-role/worker/worker",
                            action="kms:Encrypt", resource=f"resource: {key['Arn']}",
                            why="with an explicit deny in a service control policy")
    assert message.endswith(scp_arn)
    member_kms.describe_key(KeyId=key["KeyId"])
    # the management account's own calls are not subject to SCPs
    management_key = aws.client("kms").create_key()["KeyMetadata"]
    aws.client("kms").encrypt(KeyId=management_key["KeyId"], Plaintext=b"x")


def scenario_regions(aws: Aws) -> None:
    """An alias name or key ID means the key of the Region the call is sent to: the same alias
    in two Regions names two keys, decided by their own key policies."""
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    alice = aws.user("alice", policy=ALLOW_ALL_KMS)
    east = aws.client("kms")
    west = aws.client("kms", region="eu-west-1")
    east_key = east.create_key()["KeyMetadata"]
    west_key = west.create_key(Policy=key_policy(
        {"Sid": "NoAlice", "Effect": "Deny", "Principal": {"AWS": alice_arn},
         "Action": "kms:Encrypt", "Resource": "*"},
        {"Sid": "AliasFixed", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": "kms:UpdateAlias", "Resource": "*"}))["KeyMetadata"]
    east.create_alias(AliasName="alias/app", TargetKeyId=east_key["KeyId"])
    west.create_alias(AliasName="alias/app", TargetKeyId=west_key["KeyId"])
    assert aws.client("kms", alice).encrypt(KeyId="alias/app",
                                            Plaintext=b"x")["KeyId"] == east_key["Arn"]
    assert_denied(aws.client("kms", alice, region="eu-west-1").encrypt, KeyId="alias/app",
                  Plaintext=b"x", caller=alice_arn, action="kms:Encrypt",
                  resource=f"resource: {west_key['Arn']}",
                  why="with an explicit deny in a resource-based policy")
    # UpdateAlias is decided on the alias's current key in its own Region
    east_new = east.create_key()["KeyMetadata"]
    east.update_alias(AliasName="alias/app", TargetKeyId=east_new["KeyId"])
    west_new = west.create_key()["KeyMetadata"]
    assert_denied(west.update_alias, AliasName="alias/app", TargetKeyId=west_new["KeyId"],
                  caller=ROOT, action="kms:UpdateAlias", resource=f"resource: {west_key['Arn']}",
                  why="with an explicit deny in a resource-based policy")


def scenario_tags(aws: Aws) -> None:
    """ABAC: key tags (aws:ResourceTag) against principal tags (aws:PrincipalTag); tagging the
    key changes the decision at once."""
    kms = aws.client("kms")
    key = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "blue"}])["KeyMetadata"]
    iam = aws.client("iam")
    role_arn = aws.role("teamrole", policy=allow(
        "kms:Encrypt", condition={"StringEquals": {
            "aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}))
    iam.tag_role(RoleName="teamrole", Tags=[{"Key": "team", "Value": "blue"}])
    session = aws.client("kms", aws.assume(role_arn, session="abac"))
    session.encrypt(KeyId=key["Arn"], Plaintext=b"x")
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "team", "TagValue": "red"}])
    assert_denied(session.encrypt, KeyId=key["Arn"], Plaintext=b"x",
                  caller=f"arn:aws:sts::{ACCOUNT}:assumed-role/teamrole/abac",
                  action="kms:Encrypt", resource=f"resource: {key['Arn']}",
                  why=no_identity("kms:Encrypt"))
    iam.tag_role(RoleName="teamrole", Tags=[{"Key": "team", "Value": "red"}])
    session.encrypt(KeyId=key["Arn"], Plaintext=b"x")


SCENARIOS = [scenario_default_key_policy, scenario_key_policy_alone, scenario_key_policy_deny,
             scenario_cross_account_role, scenario_grant_constraints, scenario_grant_tokens,
             scenario_reencrypt, scenario_aliases, scenario_key_states,
             scenario_unknown_credentials_are_root, scenario_boundary_and_session_policy,
             scenario_service_control_policy, scenario_regions, scenario_tags]


# -- in-process ------------------------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(), enforcing(grant_delay=600) as enforcer:
        harness = Aws(grant_delay=600)
        harness.enforcer = enforcer
        yield harness
    assert enforcement.active() is None


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__[len("scenario_"):])
def test_scenario(aws, scenario):
    scenario(aws)


def test_decisions_are_recorded(aws):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    nobody = aws.user("nobody")
    with pytest.raises(ClientError):
        aws.client("kms", nobody).decrypt(CiphertextBlob=kms.encrypt(
            KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"])
    denied = aws.enforcer.denials[-1]
    assert (denied.operation, denied.caller, denied.effect) == (
        "Decrypt", f"arn:aws:iam::{ACCOUNT}:user/nobody", "ImplicitDeny")
    assert "no identity policy allows kms:Decrypt" in denied.decision.summary
    assert aws.enforcer.stats["calls"] >= 3


def test_world_is_cached_between_reads(aws):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    builds = aws.enforcer.stats["world builds"]
    for _ in range(5):
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
        kms.describe_key(KeyId=key["KeyId"])
    assert aws.enforcer.stats["world builds"] == builds
    # a policy change is seen at once
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=key_policy({
        "Effect": "Deny", "Principal": {"AWS": ROOT}, "Action": "kms:Encrypt",
        "Resource": "*"}))
    code, _ = failure(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert code == "AccessDeniedException"
    assert aws.enforcer.stats["world builds"] == builds + 1


def test_put_key_policy_is_validated(aws):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    code, _ = failure(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default",
                      Policy="not a policy")
    assert code == "MalformedPolicyDocumentException"
    code, message = failure(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default",
                            Policy=key_policy(root=False))
    assert code == "MalformedPolicyDocumentException", message


def test_dry_run(aws):
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    code, _ = failure(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True)
    assert code == "DryRunOperationException"
    nobody = aws.client("kms", aws.user("nobody"))
    code, _ = failure(nobody.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True)
    assert code == "AccessDeniedException"


def test_moto_iam_authentication_setting_does_not_matter(aws):
    """With moto's own IAM authentication on, KMS calls are still decided by policyengine: a
    key policy naming a user is enough (moto's IAM check would refuse a user without IAM
    policies)."""
    from moto.core import set_initial_no_auth_action_count

    kms = aws.client("kms")
    alice_arn = f"arn:aws:iam::{ACCOUNT}:user/alice"
    alice = aws.user("alice")
    key = kms.create_key(Policy=key_policy({"Effect": "Allow", "Principal": {"AWS": alice_arn},
                                            "Action": "kms:Encrypt", "Resource": "*"}))
    key_id = key["KeyMetadata"]["KeyId"]

    @set_initial_no_auth_action_count(0)
    def with_moto_authentication():
        aws.client("kms", alice).encrypt(KeyId=key_id, Plaintext=b"x")
        code, _ = failure(aws.client("kms", alice).decrypt,
                          CiphertextBlob=kms.encrypt(KeyId=key_id,
                                                     Plaintext=b"x")["CiphertextBlob"])
        assert code == "AccessDeniedException"

    with_moto_authentication()


def test_inactive_access_key(aws):
    iam = aws.client("iam")
    alice = aws.user("alice", policy=ALLOW_ALL_KMS)
    iam.update_access_key(UserName="alice", AccessKeyId=alice["AccessKeyId"], Status="Inactive")
    code, _ = failure(aws.client("kms", alice).list_keys)
    assert code == "UnrecognizedClientException"


def test_reserved_aliases(aws):
    """moto creates the keys behind alias/aws/* on first use; they are decided like any key."""
    kms = aws.client("kms")
    described = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert described["KeyState"] == "Enabled"
    nobody = aws.client("kms", aws.user("nobody"))
    code, message = failure(nobody.describe_key, KeyId="alias/aws/ebs")
    assert code == "AccessDeniedException", message


def test_audit_mode_records_without_failing():
    with mock_aws(), enforcing(audit=True) as enforcer:
        aws = Aws()
        kms = aws.client("kms")
        key = kms.create_key()["KeyMetadata"]
        nobody = aws.client("kms", aws.user("nobody"))
        nobody.encrypt(KeyId=key["KeyId"], Plaintext=b"x")  # would fail in AWS
        record = enforcer.denials[-1]
        assert record.operation == "Encrypt"
        assert record.message.startswith(
            f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: "
            "kms:Encrypt")


def test_uninstall_restores_moto():
    """Off, moto behaves as it always did: no key-policy or IAM enforcement, and its own
    DescribeKey Deny check is back."""
    with mock_aws():
        aws = Aws()
        kms = aws.client("kms")
        key = kms.create_key(Policy=key_policy({
            "Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/x"},
            "Action": "kms:DescribeKey", "Resource": "*"}))["KeyMetadata"]
        nobody = aws.client("kms", aws.user("nobody"))

        enforcement.install()
        try:
            assert enforcement.active() is not None
            code, _ = failure(nobody.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
            assert code == "AccessDeniedException"
            kms.describe_key(KeyId=key["KeyId"])  # the Deny names user x, not the root
        finally:
            enforcement.uninstall()
        assert enforcement.active() is None
        nobody.encrypt(KeyId=key["KeyId"], Plaintext=b"x")  # moto does not enforce
        code, _ = failure(kms.describe_key, KeyId=key["KeyId"])  # moto's own check
        assert code == "AccessDeniedException"

        from moto.core.base_backend import BackendDict
        from moto.core.responses import BaseResponse
        from moto.kms.responses import KmsResponse

        assert "_authenticate_and_authorize_normal_action" not in KmsResponse.__dict__
        assert KmsResponse.__dict__["_validate_key_policy"].__module__ == "moto.kms.responses"
        assert BaseResponse.__dict__["call_action"].__module__ == "moto.core.responses"
        assert BackendDict.__dict__["reset"].__func__.__module__ == "moto.core.base_backend"


def test_enforcing_nests():
    with enforcing() as outer:
        with enforcing(audit=True) as inner:
            assert enforcement.active() is inner
        assert enforcement.active() is outer
    assert enforcement.active() is None


from policyengine.integrations.moto import kms_enforcement  # noqa: E402,F401  (the fixture)


def test_pytest_fixture(kms_enforcement):
    assert enforcement.active() is kms_enforcement
    with mock_aws():
        kms = Aws().client("kms")
        key = kms.create_key()["KeyMetadata"]
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert [r.operation for r in kms_enforcement.log] == ["CreateKey", "Encrypt"]

"""Facts the lint rules share that the KMS catalogue does not hold.

Condition keys are lower-case here (condition-key names are case-insensitive). Sources are
AWS's IAM User Guide, "AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html) and
the KMS Developer Guide pages named at each set.
"""

from __future__ import annotations

import ipaddress

#: Keys that say WHO the caller is (or, for service principals, on whose behalf it acts) and
#: that the caller cannot choose: a condition on one of them can bound a wildcard principal.
IDENTITY_KEYS = frozenset({
    "aws:principalaccount", "kms:calleraccount", "aws:principalorgid", "aws:principalorgpaths",
    "aws:principalarn", "aws:userid", "aws:principalisawsservice", "aws:principalservicename",
    "aws:principalservicenameslist", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid",
    "aws:sourceorgpaths",
})

#: Keys about where the request comes from on the network. They restrict the path, not the
#: caller: anyone who can reach the network (or whose traffic an AWS service relays) passes.
NETWORK_KEYS = frozenset({
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip", "aws:sourcevpcarn",
})

#: Keys whose value the caller writes into the request as it likes (HTTP headers).
CALLER_CONTROLLED_KEYS = frozenset({"aws:useragent", "aws:referer"})

#: Service-specific encryption-context keys that the integrating service sets from the
#: resource it acts for (CloudTrail and CloudWatch Logs key-policy documentation); for that
#: service's requests they bind the request to a resource, like aws:SourceArn.
SERVICE_CONTEXT_KEYS = {
    "kms:encryptioncontext:aws:cloudtrail:arn": "cloudtrail",
    "kms:encryptioncontext:aws:logs:arn": "logs",
}

#: Global condition keys the KMS catalogue does not list (it lists those relevant to KMS
#: requests); a policy naming them is not using an unknown key.
OTHER_GLOBAL_KEYS = frozenset({
    "aws:sourceidentity", "aws:federatedprovider", "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4", "aws:sourcevpcarn", "aws:vpceaccount", "aws:vpceorgid",
    "aws:vpceorgpaths", "aws:assumedroot", "aws:chatbotsourcearn", "aws:resourceorgpaths",
    "aws:principalservicenameslist", "aws:calledviafirst", "aws:calledvialast",
    "aws:requestedregion", "aws:sourceowner", "aws:isMcpServiceAction".lower(),
})

#: Deprecated global keys and what replaces them (Access Analyzer DEPRECATED_GLOBAL_CONDITION_KEY).
DEPRECATED_GLOBAL_KEYS = {"aws:arn": "aws:PrincipalArn"}

#: Addresses KMS never sees as aws:SourceIp through its public endpoint (RFC 1918, RFC 4193,
#: loopback, link-local, shared address space, unspecified).
PRIVATE_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "0.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128"))

#: Cryptographic permissions (KMS "cryptographic operations") plus CreateGrant, which hands
#: them out: what IAM001 looks for on keys of any account.
CRYPTO_AND_GRANT_ACTIONS = (
    "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Encrypt", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext", "kms:Sign", "kms:Verify", "kms:GenerateMac",
    "kms:VerifyMac", "kms:DeriveSharedSecret", "kms:CreateGrant",
)

#: Cryptographic use of a key (no management): the console's "key users" permissions.
USAGE_ACTIONS = frozenset(a for a in CRYPTO_AND_GRANT_ACTIONS if a != "kms:CreateGrant")

#: Grant operations (the GrantOperation enum) a worst-case grant lists.
ALL_GRANT_OPERATIONS = (
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "ReEncryptFrom",
    "ReEncryptTo", "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    "GetPublicKey", "DescribeKey", "CreateGrant", "RetireGrant",
)


def is_private(network_text: str) -> bool:
    """Does an aws:SourceIp value lie entirely in a private range? False for bad values."""
    try:
        network = ipaddress.ip_network(str(network_text).strip(), strict=False)
    except ValueError:
        return False
    return any(network.version == private.version and network.subnet_of(private)
               for private in PRIVATE_NETWORKS)

# -- the KP rules (KP007, KP012, KP017, KP019, KP025) ------------------------------------------

#: Key management a key administrator needs and a key user does not: the spec's Put*, Create*,
#: Disable*, ScheduleKeyDeletion and TagResource families, as KMS permissions (KP007). Create*
#: stands for kms:CreateAlias: kms:CreateKey is IAM-only, and kms:CreateGrant is how key users
#: attach AWS resources (the console's key-user statement; KP013/KP014/KP015 judge it).
KEY_MANAGEMENT_ACTIONS = (
    "kms:PutKeyPolicy", "kms:CreateAlias", "kms:DisableKey", "kms:DisableKeyRotation",
    "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
)

#: Cryptographic use of the key's secret material: decrypting, producing data keys, signing,
#: MACs, key agreement (KP007). Encrypt, Verify and VerifyMac are left out: they reveal nothing.
SECRET_USE_ACTIONS = (
    "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext", "kms:Sign", "kms:GenerateMac",
    "kms:DeriveSharedSecret",
)

#: Keys about the calling principal that a request made by a service principal does not carry
#: (Access Analyzer UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL; IAM global condition keys,
#: "Properties of the principal"), plus every ``aws:PrincipalTag/`` key (KP012).
PRINCIPAL_ONLY_KEYS = frozenset({
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:userid", "aws:username", "kms:calleraccount",
})
PRINCIPAL_TAG_PREFIX = "aws:principaltag/"

#: Services whose kms:ViaService name AWS KMS documents, ``<name>.<region>.amazonaws.com``
#: (KMS Developer Guide, "Services that support the kms:ViaService condition key",
#: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#viaService_table;
#: ``ec2`` is Amazon EBS, ``rds`` also Aurora, Neptune and RDS Performance Insights,
#: ``elasticache`` and ``dax`` the two names of ElastiCache, ``bedrock`` Bedrock model copy).
VIA_SERVICE_NAMES = frozenset({
    "apprunner", "appflow", "mgn", "athena", "auditmanager", "rds", "backup", "backup-gateway",
    "codeartifact", "codeguru-reviewer", "comprehend", "connect", "profile", "wisdom", "dms",
    "directoryservice", "dynamodb", "ssm", "ec2", "ecr", "elasticfilesystem", "eks",
    "elasticache", "dax", "es", "mediatailor", "finspace", "forecast", "fsx", "glue",
    "healthlake", "iotsitewise", "kendra", "cassandra", "kinesis", "firehose", "kinesisvideo",
    "lambda", "lex", "license-manager", "geo", "lookoutequipment", "lookoutmetrics",
    "lookoutvision", "managedblockchain", "kafka", "airflow", "memorydb", "monitron", "mq",
    "nimble", "proton", "qldb", "redshift", "sqlworkbench", "rekognition", "secretsmanager",
    "ses", "sns", "sqs", "s3", "importexport", "storagegateway", "ssm-incidents",
    "ssm-contacts", "timestream", "workmail", "workspaces", "xray", "bedrock",
})

#: The encryption context an integrated service sets on the KMS requests it makes for you, by
#: its kms:ViaService name (context keys as AWS spells them; compare them case-insensitively).
#: Only services whose whole context is documented: S3 (object or, with S3 Bucket Keys, bucket
#: ARN; directory buckets), EBS (volume or snapshot ID), Secrets Manager, DynamoDB, SQS and SNS
#: (their KMS pages) (KP019).
SERVICE_ENCRYPTION_CONTEXT = {
    "s3": ("aws:s3:arn", "aws:s3express:arn"),
    "ec2": ("aws:ebs:id",),
    "secretsmanager": ("SecretARN", "SecretVersionId"),
    "dynamodb": ("aws:dynamodb:tableName", "aws:dynamodb:subscriberId"),
    "sqs": ("aws:sqs:arn",),
    "sns": ("aws:sns:topicArn",),
}

#: Operations an enclave calls with a signed attestation document (kms:RecipientAttestation:*
#: keys; KMS "Condition keys for AWS Nitro Enclaves"), as key-policy permissions (KP025).
#: kms:GenerateRandom is IAM-only, so it cannot be bounded by a key policy.
ENCLAVE_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
                   "kms:DeriveSharedSecret")
ATTESTATION_PREFIX = "kms:recipientattestation:"

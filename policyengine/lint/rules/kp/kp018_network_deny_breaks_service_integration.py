"""A network-based Deny also blocks the requests AWS services make to KMS for you.

## What it checks

Deny statements of a key policy with a condition on `aws:SourceIp`, `aws:SourceVpc`,
`aws:SourceVpce`, `aws:SourceVpcArn` or `aws:VpcSourceIp`. The engine evaluates each for two
kinds of request that come from an AWS service rather than from your network:

* a request an integrated service (S3 for SSE-KMS, EBS, Secrets Manager, ...) makes with a
  principal's credentials: `aws:ViaAWSService` true, `kms:ViaService` and `aws:CalledVia` set,
  no VPC keys, and an AWS address as `aws:SourceIp`;
* a request made by a service principal (CloudTrail, CloudWatch Logs, ...), when the Deny
  covers service principals: `aws:PrincipalIsAWSService` true, an AWS address, no VPC keys.

It reports the statement when the Deny must apply to one of them for a cryptographic operation,
`CreateGrant` or `DescribeKey`, that is, when nothing exempts service requests
(`aws:ViaAWSService`, `aws:CalledVia`, `kms:ViaService`, `aws:PrincipalIsAWSService`).

## Why it matters

Integrated services call KMS from AWS's own network, so these keys are absent (VPC) or hold an
AWS address (IP). A "deny unless from our network" statement without an exemption therefore
stops S3 from reading SSE-KMS objects, EBS from attaching encrypted volumes, CloudTrail from
writing logs: failures that appear far from the key policy that causes them.

## Example

```json
{"Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": "*", "Action": "kms:*",
 "Resource": "*",
 "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}}
```

## Use instead

```json
{"Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": "*", "Action": "kms:*",
 "Resource": "*",
 "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"},
               "Bool": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"}}}
```

## References

- aws:SourceIp, aws:SourceVpce, aws:ViaAWSService (global condition keys): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- Forward access sessions: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html
- Connecting to AWS KMS through a VPC endpoint (policy conditions): https://docs.aws.amazon.com/kms/latest/developerguide/vpce-policy-condition.html
- Denying access based on source IP (service calls): https://repost.aws/knowledge-center/iam-restrict-calls-ip-addresses
"""

from __future__ import annotations

import ipaddress

from ....language.principals import Caller
from ...analysis import (ABSENT, PrincipalEntry, Probe, compiled_statements, entry_caller,
                         insider_probe, key_region, owner_account, principal_entries,
                         probe_resource, reach, short_list, with_known)
from ...knowledge import NETWORK_KEYS
from ...model import Hit

ID = "KP018"
ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:CreateGrant",
           "kms:ReEncryptFrom", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey")
#: Addresses AWS services call from (published AWS ranges); the first one outside every
#: aws:SourceIp range of the statement is used.
_SERVICE_ADDRESSES = ("52.94.133.131", "54.239.28.85", "3.5.140.2", "15.177.0.10")
_NO_VPC = {key: ABSENT for key in NETWORK_KEYS if key != "aws:sourceip"}


def check(doc, ctx):
    config = ctx.config
    owner = owner_account(doc, config) or "111111111111"
    region = key_region(doc) or "us-east-1"
    for statement in compiled_statements(doc):
        network = [c for c in statement.clauses if c.key_lower in NETWORK_KEYS]
        if statement.allow or not statement.effective or not network:
            continue
        address = _outside(network)
        if address is None:
            continue
        resource = probe_resource(doc, statement, config)
        broken = {}
        for who, probe in _probes(doc, statement, owner, region, address):
            denied = [a for a in ACTIONS if reach(statement, probe, a, resource)[1]]
            if denied:
                broken[who] = denied
        if not broken:
            continue
        keys = ", ".join(sorted({c.key for c in network}))
        actions = sorted({a for denied in broken.values() for a in denied}, key=ACTIONS.index)
        who = " and ".join(label for label, _ in broken)
        fails = " and ".join(fails for _, fails in broken)
        yield Hit(f"{statement.label} denies {short_list(actions)} to {who}: they come from "
                  f"AWS's network, not with your {keys}, so {fails} fail; exempt them with "
                  '"Bool": {"aws:ViaAWSService": "false", "aws:PrincipalIsAWSService": "false"}',
                  network[0].path)


def _probes(doc, statement, owner, region, address):
    """(what it stands for, probe): the requests a service makes for your principals, and
    those of a service principal when the statement can name one."""
    entries = [e for e in principal_entries(doc, statement.node)
               if not e.negated and e.kind != "Service"]
    caller = entry_caller(entries[0], owner) if entries else None
    if caller is None or caller.is_service:  # NotPrincipal, services only: a role of the owner
        caller = entry_caller(PrincipalEntry("*", "*", ""), owner)
    service = f"s3.{region}.amazonaws.com"
    yield (("requests services make with your principals' credentials",
            "SSE-KMS, EBS and other integrations"),
           with_known(insider_probe(caller), {
               **_NO_VPC, "aws:sourceip": address, "aws:viaawsservice": True,
               "kms:viaservice": service, "aws:calledvia": ["s3.amazonaws.com"],
               "aws:calledviafirst": "s3.amazonaws.com", "aws:calledvialast": "s3.amazonaws.com"}))
    logs = Caller("service", f"logs.{region}.amazonaws.com")
    yield (("requests of service principals", "CloudTrail, CloudWatch Logs and other services"),
           Probe(logs, {**insider_probe(logs).known, **_NO_VPC, "aws:sourceip": address,
                        "aws:viaawsservice": False, "kms:viaservice": ABSENT,
                        "aws:sourceaccount": owner,
                        "aws:sourcearn": f"arn:aws:logs:{region}:{owner}:log-group:app"},
                 "CloudWatch Logs"))


def _outside(clauses) -> str | None:
    """An AWS service address outside every aws:SourceIp range the clauses name."""
    ranges = []
    for clause in clauses:
        if clause.key_lower != "aws:sourceip":
            continue
        for value in clause.values:
            try:
                ranges.append(ipaddress.ip_network(str(value).strip(), strict=False))
            except ValueError:
                continue
    for address in _SERVICE_ADDRESSES:
        ip = ipaddress.ip_address(address)
        if not any(ip.version == r.version and ip in r for r in ranges):
            return address
    return None

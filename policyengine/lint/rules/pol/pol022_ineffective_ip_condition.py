"""An IP-address condition that cannot work as written.

## What it checks

`aws:SourceIp` values in private or reserved ranges (10/8, 172.16/12, 192.168/16, 100.64/10,
127/8, 169.254/16, fc00::/7, fe80::/10), CIDR blocks with host bits set (`10.0.0.1/8`, which AWS
reads as `10.0.0.0/8`), and `aws:VpcSourceIp` in a statement that does not also test
`aws:SourceVpc` or `aws:SourceVpce`.

## Why it matters

Requests that reach KMS through its public endpoint carry the caller's public address; requests
through a VPC endpoint carry no `aws:SourceIp` at all. A private range in `aws:SourceIp`
therefore never matches: an Allow with it never applies, and a Deny with `NotIpAddress` on it
denies every caller, including the ones it meant to let in. `aws:VpcSourceIp` alone matches the
same private address in any VPC, including other accounts' VPCs that use the same range.

## Example

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"},
               "IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}}
```

## References

- aws:SourceIp and aws:VpcSourceIp: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip
- KMS through VPC endpoints: https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html
- Access Analyzer PRIVATE_IP_ADDRESS, IMPROVE_IP_RANGE, MISSING_PAIRED_CONDITION_KEYS: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import ipaddress

from ...knowledge import is_private
from ...model import Hit

ID = "POL022"


def check(doc, ctx):
    for statement in doc.statements:
        keys = {e.key.lower() for e in statement.condition if isinstance(e.key, str)}
        for entry in statement.condition:
            if not isinstance(entry.key, str):
                continue
            key = entry.key.lower()
            if key == "aws:sourceip":
                for value in entry.values:
                    text = str(value).strip()
                    if is_private(text):
                        yield Hit(f"aws:SourceIp {text!r} is a private or reserved range: "
                                  "requests to KMS never carry such an address (through a VPC "
                                  "endpoint aws:SourceIp is absent); test aws:SourceVpce or "
                                  "aws:VpcSourceIp instead", entry.path)
                    yield from _host_bits(text, entry.path)
            elif key == "aws:vpcsourceip":
                for value in entry.values:
                    yield from _host_bits(str(value).strip(), entry.path)
                if not keys & {"aws:sourcevpc", "aws:sourcevpce"}:
                    yield Hit("aws:VpcSourceIp without aws:SourceVpc or aws:SourceVpce matches "
                              "that private range in every VPC, other accounts' included; pair "
                              "it with the VPC or VPC endpoint", entry.path)


def _host_bits(text: str, path: str):
    if "/" not in text:
        return
    try:
        ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return  # not an address at all: POL009
        yield Hit(f"{text!r} has host bits set; it is read as {str(network)!r}", path)

"""A kms:ViaService value can never equal the service name KMS puts in a request.

## What it checks

Every value a condition compares `kms:ViaService` with (any operator but `Null`), in key
policies and identity policies:

* it must have the form `<service>.<region>.amazonaws.com` (`.amazonaws.com.cn` in China);
  `s3.amazonaws.com`, `arn:aws:s3:::bucket` or a service principal such as
  `logs.amazonaws.com` never match;
* the service must be one AWS KMS documents as supporting `kms:ViaService` (`ec2` for EBS, `rds`
  for RDS, Aurora and Neptune, `s3`, `secretsmanager`, ...);
* the Region must be the key's: the scenario key's Region, or for identity policies the Region
  of the key ARNs the statement names. A key is only ever used through a service in its own
  Region.

Values with wildcards under a `...Like` operator are reported when no valid value (a supported
service in the key's Region, or in any Region when it is unknown) matches them.

## Why it matters

`kms:ViaService` is compared as text with names like `s3.eu-west-1.amazonaws.com`. A value in
another form, for another Region or for a service that never calls KMS on your behalf matches
no request: an Allow meant for "only through S3" is dead (uploads start failing with
AccessDenied), and a Deny meant to block everything but S3 blocks S3 too, or, when negated,
never applies.

## Example

```json
{"Sid": "OnlyThroughS3", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.amazonaws.com"}}}
```

## Use instead

```json
{"Sid": "OnlyThroughS3", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
```

## References

- kms:ViaService: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
- Services that support kms:ViaService: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#viaService_table
- Access Analyzer INVALID_SERVICE_PRINCIPAL_FORMAT: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import fnmatch
import re

from ....kms.world import KEY_ARN
from ...analysis import compiled_statements, key_region
from ...knowledge import VIA_SERVICE_NAMES
from ...model import Hit

ID = "KP017"
_NAME = re.compile(r"([a-z0-9-]+)\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
#: Regions tried for a pattern when the key's Region is unknown (one per partition and a few).
_SOME_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2",
                 "ap-northeast-1", "sa-east-1", "cn-north-1", "us-gov-west-1")


def check(doc, ctx):
    for statement in compiled_statements(doc):
        clauses = [c for c in statement.clauses if c.key_lower == "kms:viaservice"
                   and c.operator is not None and not c.operator.is_null]
        if not clauses:
            continue
        regions = _key_regions(doc, statement)
        for clause in clauses:
            name = clause.operator.comparison.name.lower()
            like, folded = "like" in name, "ignorecase" in name
            effect = (f"so {clause.operator_name} on it is always true" if clause.operator.negated
                      else "so it never matches a request")
            for value, path in _values(doc, statement, clause):
                if not isinstance(value, str) or "${" in value:
                    continue  # POL009 / POL021
                text = value.lower() if folded else value
                problem = (_pattern_problem(text, regions) if like and any(
                    c in text for c in "*?") else _problem(text, regions))
                if problem:
                    yield Hit(f"{statement.label}: the kms:ViaService value {value!r} {problem}, "
                              f"{effect}; write "
                              "<service>.<region>.amazonaws.com for a service that supports "
                              "kms:ViaService, in the key's Region", path)


def _problem(value: str, regions) -> str | None:
    found = _NAME.fullmatch(value)
    if found is None:
        return "is not of the form <service>.<region>.amazonaws.com"
    service, region = found.group(1), found.group(2)
    if not _REGION.fullmatch(region):
        return f"has no valid Region ({region!r})"
    if service not in VIA_SERVICE_NAMES:
        return (f"names {service!r}, which is not a service AWS KMS lists as supporting "
                "kms:ViaService")
    if regions and region not in regions:
        return f"names Region {region}, but the key is in {', '.join(sorted(regions))}"
    return None


def _pattern_problem(pattern: str, regions) -> str | None:
    for region in sorted(regions) if regions else _SOME_REGIONS:
        suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
        if any(fnmatch.fnmatchcase(f"{service}.{region}{suffix}", pattern)
               for service in VIA_SERVICE_NAMES):
            return None
    where = f" in Region {', '.join(sorted(regions))}" if regions else ""
    return f"matches no supported <service>.<region>.amazonaws.com name{where}"


def _key_regions(doc, statement) -> frozenset | None:
    """The Regions of the keys the statement is about: the scenario key's, else (identity
    policies) those of the key ARNs in Resource; None when unknown or unbounded."""
    region = key_region(doc)
    if region is not None:
        return frozenset({region})
    node = statement.node
    if doc.policy_type != "identity" or node.resource is None or node.resource.negated:
        return None
    regions = set()
    for value in node.resource.values:
        found = KEY_ARN.fullmatch(value) if isinstance(value, str) else None
        if found is None or any(c in found.group(2) for c in "*?$"):
            return None
        regions.add(found.group(2))
    return frozenset(regions) or None


def _values(doc, statement, clause):
    """(value, JSON path) of each value of the clause as written."""
    condition = doc.raw_statement(statement.node).get("Condition")
    block = condition.get(clause.operator_name) if isinstance(condition, dict) else None
    raw = block.get(clause.key) if isinstance(block, dict) else None
    if isinstance(raw, list):
        return [(v, f"{clause.path}/{i}") for i, v in enumerate(raw)]
    return [(raw if raw is not None else (clause.values[0] if clause.values else None),
             clause.path)]

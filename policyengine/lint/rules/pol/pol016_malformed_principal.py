"""A principal in a key policy that is not a valid principal.

## What it checks

Each value under `Principal` / `NotPrincipal` of a key policy: values that are neither an
account ID nor an IAM/STS principal ARN (`arn:aws:iam::12345:root`, `111122223333:root`), IAM
groups, partial wildcards (`arn:aws:iam::111122223333:role/App*`,
`arn:aws:iam::*:root`), unique IDs such as `AROA...` (what a policy shows after the principal
was deleted), `Federated` and `CanonicalUser` principals (key policies name AWS principals and
services only), and service principals that are not `<service>.amazonaws.com` names
(`"Service": "cloudtrail"`, `"Service": "*"`).

## Why it matters

KMS validates principals when the policy is saved and refuses most of these
(`MalformedPolicyDocumentException`). Those it accepts name nobody: there is no wildcard
matching inside a principal, and a unique ID stays bound to a principal that no longer exists
(re-creating a role of the same name does not bring the access back). The statement does
nothing while looking as if it grants or denies.

## Example

```json
{"Effect": "Allow",
 "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app-*", "AROAEXAMPLEID12345678"]},
 "Action": "kms:Decrypt", "Resource": "*"}
```

## Use instead

```json
{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}}
```

## References

- Principal element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
- KMS key policy principals: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
- Access Analyzer INVALID_PRINCIPAL_FORMAT, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, FEDERATED_PRINCIPAL_NOT_SUPPORTED: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...analysis import principal_entries
from ...model import Hit
from .._common import violation_hits

ID = "POL016"
_ACCOUNT = re.compile(r"\d{12}")
_UNIQUE_ID = re.compile(r"A(?:ROA|IDA|GPA|IPA|NPA|NVA|SIA|KIA|CCA)[A-Z0-9]{12,}")
_IAM = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:(root|user/.+|role/.+|group/.+)")
_STS = re.compile(r"arn:aws[a-z-]*:sts::\d{12}:(assumed-role/[^/]+/.+|federated-user/.+)")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?")


def check(doc, ctx):
    reported = set()
    for hit in violation_hits(doc, ID):
        reported.add(hit.json_path)
        yield hit
    for statement in doc.statements:
        element = statement.principal
        if element is None or element.wildcard or all(
                _plain_ok(kind, v) for kind, values in element.entries for v in values):
            continue
        for entry in principal_entries(doc, statement):
            if entry.json_path in reported or entry.kind == "*":
                continue
            problem = _problem(entry)
            if problem:
                yield Hit(problem, entry.json_path)


@lru_cache(maxsize=4096)  # (policies name the same principals often)
def _plain_ok(kind: str, value: str) -> bool:
    """A quick test that a principal value is fine (most are)."""
    if kind == "AWS":
        return value == "*" or bool(_ACCOUNT.fullmatch(value) or _IAM.fullmatch(value)
                                    or _STS.fullmatch(value))
    return kind == "Service" and bool(_SERVICE.fullmatch(value))


def _problem(entry) -> str | None:
    value, kind = entry.value, entry.kind
    if kind == "Federated":
        return (f"federated principal {value!r}: key policies cannot name identity providers; "
                "name the role the federated users assume")
    if kind == "CanonicalUser":
        return f"CanonicalUser {value!r} is an Amazon S3 identity; key policies cannot name it"
    if kind == "Service":
        if not _SERVICE.fullmatch(value):
            return (f"{value!r} is not a service principal (<service>.amazonaws.com); the "
                    "statement names no service")
        return None
    if kind != "AWS" or value == "*":
        return None
    if _UNIQUE_ID.fullmatch(value):
        return (f"{value!r} is the unique ID of a principal that was deleted: it names nobody, "
                "and a principal re-created with the same name does not get the access back")
    if _ACCOUNT.fullmatch(value) or _IAM.fullmatch(value) or _STS.fullmatch(value):
        return None
    if "*" in value or "?" in value:
        return None  # partial wildcards: reported from the save-time validation
    return (f"{value!r} is neither a 12-digit account ID nor an IAM or STS principal ARN; the "
            "statement names nobody with it")

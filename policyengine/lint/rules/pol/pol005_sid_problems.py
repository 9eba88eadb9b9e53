"""Sids are duplicated, empty, or use characters the policy type does not allow.

## What it checks

Two statements with the same `Sid`, an empty `Sid`, and, in IAM, STS and Organizations
policies (which accept only `A-Z`, `a-z` and `0-9`), Sids with other characters. Key policies
may use spaces in Sids (AWS's default key policies do: `"Enable IAM User Permissions"`), so only
duplicates and empty Sids are reported there.

## Why it matters

IAM refuses duplicate or malformed Sids. Where the service accepts them, duplicates still
defeat everything that names a statement by its Sid: change reviews, explanations, the
linter's suppressions (which are scoped to a Sid) and its SARIF fingerprints (which follow a
statement by its Sid when it moves).

## Example

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowUse", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
  {"Sid": "AllowUse", "Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}
```

## Use instead

```json
{"Version": "2012-10-17", "Statement": [
  {"Sid": "AllowDecrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
  {"Sid": "AllowEncrypt", "Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}
```

## References

- Sid element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
- Access Analyzer UNIQUE_SIDS_REQUIRED, UNIQUE_SIDS_RECOMMENDED, EMPTY_SID_VALUE: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
- Default key policy (Sids with spaces): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
"""

from __future__ import annotations

from ...model import Hit
from .._common import violation_hits

ID = "POL005"
_VALIDATED = ("identity", "boundary", "session", "scp", "rcp")  # the validator checks these


def check(doc, ctx):
    yield from violation_hits(doc, ID)
    raw = doc.value.get("Statement") if isinstance(doc.value, dict) else None
    items = [(raw, "Statement")] if isinstance(raw, dict) else (
        [(item, f"Statement/{i}") for i, item in enumerate(raw)] if isinstance(raw, list) else [])
    seen: dict[str, str] = {}
    for statement, path in items:
        if not isinstance(statement, dict) or not isinstance(statement.get("Sid"), str):
            continue
        sid = statement["Sid"]
        if sid == "":
            yield Hit("the Sid is empty: give the statement a name or remove the Sid",
                      f"{path}/Sid")
        elif doc.policy_type not in _VALIDATED:
            if sid in seen:
                yield Hit(f"Sid {sid!r} is also used by {seen[sid]}: explanations, suppressions "
                          "and fingerprints that name a statement by its Sid become ambiguous",
                          f"{path}/Sid")
            else:
                seen[sid] = path.replace("Statement/", "statement #") if "/" in path \
                    else "the statement"

"""A wildcard principal whose identity conditions do not bound who can call.

## What it checks

Allow statements with a wildcard principal that do test the caller's identity (a condition on
`kms:CallerAccount`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
`aws:SourceAccount`, ...) but still let a caller from an arbitrary other account through, as
the engine finds by evaluating the statement for such a caller (see KP001 for how): the test
uses `...IfExists` or `ForAllValues` (true when the key is absent), a negated operator
(`StringNotEquals aws:PrincipalAccount 444455556666` lets every other account in), a wildcard
or policy variable in the account or ARN (`arn:aws:iam::*:role/Deploy`, which any account can
create), or a key that the caller's kind of request does not carry.

## Why it matters

The statement looks restricted, and reviewers and condition-blind scanners accept it, but the
key is as public as with no condition. Security Hub KMS.5 treats wildcard and variable
conditions as public for the same reason.

## Example

```json
{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/DataPipeline"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/DataPipeline"}}}
```

## References

- Security Hub KMS.5: https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-5
- Condition operators, ...IfExists and negated operators on absent keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- Access Analyzer UNTRUSTWORTHY_CONDITION_KEY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ...analysis import principal_entries, public_statements, short_list
from ...model import Hit
from .._common import has_wildcard

ID = "KP002"


def check(doc, ctx):
    for exposure in public_statements(doc, ctx.config).values():
        if not exposure.identity_clauses:
            continue  # KP001
        statement = exposure.statement
        path = next((e.json_path for e in principal_entries(doc, statement.node) if e.wildcard),
                    f"{statement.path}/Principal")
        reasons = "; ".join(_why(c) for c in exposure.identity_clauses)
        yield Hit(f"{statement.label} allows {short_list(exposure.actions)} to a wildcard "
                  f"principal, and its identity conditions still let {exposure.probe.label} "
                  f"through: {reasons}", path)


def _why(clause) -> str:
    operator = clause.operator
    name = operator.name if operator else clause.operator_name
    where = f"{name} {clause.key}"
    if operator is None:
        return f"{where} is not a condition"
    if operator.if_exists:
        return f"{where} passes when the key is absent"
    if operator.qualifier == "ForAllValues":
        return f"{where} passes when the key is absent (ForAllValues)"
    if operator.negated:
        return f"{where} passes for every value it does not list"
    values = [str(v) for v in clause.values]
    if any("${" in v for v in values):
        return f"{where} compares with a policy variable the caller's own request fills in"
    if any(has_wildcard(v) for v in values):
        return f"{where} has a wildcard that another account's principals can match"
    return f"{where} holds for a caller in another account"

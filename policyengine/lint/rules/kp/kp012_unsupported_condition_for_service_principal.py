"""A condition on a service principal's statement tests a key that services never carry.

## What it checks

Statements (Allow or Deny) that name an AWS service principal (`"Service": "..."`) and have a
condition on a key that describes an IAM principal: `aws:PrincipalOrgID`,
`aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalTag/*`,
`aws:userid`, `aws:username`, `kms:CallerAccount`. A service principal's request carries none of
them, so the engine evaluates the condition with the key absent:

* a condition that can then never hold (`StringEquals`, `ArnLike`, ...) makes the statement
  never apply to the service: an Allow the service needs is dead, a Deny meant for it never
  applies;
* a condition that then always holds (`StringNotEquals`, `...IfExists`) restricts nothing for
  the service: an Allow admits it whatever the value, a Deny applies to all its requests.

Use `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` or `aws:SourceOrgPaths` for the
account or resource a service acts for.

## Why it matters

These conditions look like a perimeter ("only our organization") but, for a service principal,
decide nothing the author intended: CloudTrail or CloudWatch Logs silently lose access to the
key (logs stop being delivered), or a restriction meant to contain a service does not exist.
IAM Access Analyzer reports this as an error (UNSUPPORTED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL).

## Example

```json
{"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:GenerateDataKey*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## Use instead

```json
{"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
 "Action": "kms:GenerateDataKey*", "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}
```

## References

- Access Analyzer, unsupported condition key for service principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-condition-key-for-service-principal
- Properties of the principal (global condition keys): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principal-properties
- aws:SourceOrgID and aws:SourceAccount for service principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
"""

from __future__ import annotations

from ...analysis import (ABSENT, clause_range, compiled_statements, insider_probe,
                         principal_entries, with_known)
from ...knowledge import PRINCIPAL_ONLY_KEYS, PRINCIPAL_TAG_PREFIX
from ...model import Hit

ID = "KP012"


def check(doc, ctx):
    for statement in compiled_statements(doc):
        node = statement.node
        if not statement.effective or node.principal is None or node.principal.negated:
            continue
        services = [e for e in principal_entries(doc, node)
                    if e.kind == "Service" and e.caller is not None]
        clauses = [c for c in statement.clauses
                   if c.operator is not None and c.problem is None  # else POL008/POL009
                   and (c.key_lower in PRINCIPAL_ONLY_KEYS
                        or c.key_lower.startswith(PRINCIPAL_TAG_PREFIX))]
        if not services or not clauses:
            continue
        names = ", ".join(e.value for e in services)
        probe = insider_probe(services[0].caller)
        for clause in clauses:
            hold, fail = clause_range(clause, with_known(probe, {clause.key_lower: ABSENT}))
            if hold and fail:
                continue
            if not hold:
                effect = ("the service is never allowed by it" if statement.allow
                          else "the Deny never applies to the service")
                what = "never true"
            else:
                effect = ("it admits the service whatever the value" if statement.allow
                          else "the Deny applies to every request of the service")
                what = "always true"
            yield Hit(f"{statement.label} names {names}, whose requests never carry "
                      f"{clause.key}: the condition is {what} for it, so {effect}; use "
                      "aws:SourceAccount, aws:SourceArn or aws:SourceOrgID instead",
                      clause.path)

"""ForAllValues / ForAnyValue on a single-valued key, none on a multivalued key, or with Null.

## What it checks

Using the condition catalogue's value types:

* `ForAllValues:` on a single-valued key (`kms:CallerAccount`, `kms:ViaService`,
  `kms:EncryptionContext:<k>`, `aws:PrincipalOrgID`, ...): true when the key is absent, so the
  condition lets through every request that does not carry the key. KMS even refuses it on
  `kms:EncryptionContext:<k>` and `aws:RequestTag/<k>` in key policies
  (`OverlyPermissiveCondition`). Reported as HIGH;
* `ForAnyValue:` on a single-valued key: it behaves like the plain operator and suggests a
  multivalued key where there is none (MEDIUM);
* a plain operator on a multivalued key (`kms:EncryptionContextKeys`, `kms:GrantOperations`,
  `kms:ResourceAliases`, `aws:TagKeys`, `aws:PrincipalOrgPaths`): say which quantifier is meant;
* `Null` with a set qualifier, which AWS refuses.

## Why it matters

Set operators quantify over the values of a multivalued key, and `ForAllValues` is vacuously
true for an empty or missing set. On a single-valued key that makes the condition pass for any
request without the key: `"ForAllValues:StringEquals": {"kms:CallerAccount": "111122223333"}`
lets every account through a wildcard principal on requests without the key, and a Deny
guarded that way applies to nothing.

## Example

```json
{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## Use instead

```json
{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## References

- Single-valued vs. multivalued context keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- KMS, using set operators with condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
- Access Analyzer FORALLVALUES_WITH_SINGLE_VALUED_KEY, MISSING_QUALIFIER, NULL_WITH_QUALIFIER: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms import catalog
from ....language.conditions.registry import resolve_operator
from ...model import Hit
from .._common import condition_entries, rule_for_violation, refused

ID = "POL013"


def check(doc, ctx):
    reported = {}
    for violation in doc.violations:
        if rule_for_violation(violation, doc.policy_type) == ID:
            reported[violation.json_path] = violation
    for path, violation in reported.items():
        yield Hit(refused(violation), path)
    for statement, entry in condition_entries(doc):
        if entry.path in reported:
            continue
        operator = resolve_operator(entry.operator)
        info = catalog.condition_key(entry.key) if isinstance(entry.key, str) else None
        if operator is None or operator.is_null or info is None:
            continue
        if operator.qualifier == "ForAllValues" and not info.multi_valued:
            effect = "an Allow with it" if statement.effect == "Allow" else "the statement"
            yield Hit(f"{operator.name} on the single-valued key {entry.key!r} is true whenever "
                      f"the key is absent, so {effect} also applies to requests without it; "
                      f"drop the ForAllValues: qualifier", entry.path)
        elif operator.qualifier == "ForAnyValue" and not info.multi_valued:
            yield Hit(f"{operator.name} on the single-valued key {entry.key!r}: the qualifier "
                      f"has no effect and suggests a multivalued key; drop ForAnyValue:",
                      entry.path, severity="MEDIUM")
        elif not operator.qualifier and info.multi_valued:
            yield Hit(f"{operator.name} on the multivalued key {entry.key!r} without "
                      "ForAnyValue: or ForAllValues: - say whether any value or every value "
                      "must match (ForAllValues needs a Null guard, see POL014)", entry.path,
                      severity="MEDIUM")

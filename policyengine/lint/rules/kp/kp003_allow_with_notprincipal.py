"""Allow with NotPrincipal: the key is granted to everyone except the principals listed.

## What it checks

Key-policy statements that combine `"Effect": "Allow"` with `NotPrincipal`. The engine's
principal matcher confirms that a principal of an unrelated account is covered (it always is,
unless the listed principals cover every account).

## Why it matters

`NotPrincipal` with `Allow` grants the actions to every principal of every AWS account apart
from the ones listed, which is almost never what was meant ("everyone but the auditors"). AWS
supports `NotPrincipal` only with `Deny`, and KMS refuses such a key policy when it is saved.

## Example

```json
{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/Auditor"},
 "Action": "kms:*", "Resource": "*"}
```

## Use instead

```json
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
 "Action": "kms:*", "Resource": "*"},
{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Auditor"}}}
```

## References

- NotPrincipal element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
- Access Analyzer ALLOW_WITH_NOT_PRINCIPAL: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ...analysis import covered, key_actions, outsider_probes, short_list
from ...model import Hit

ID = "KP003"


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    if not any(s.allow and s.node.principal is not None and s.node.principal.negated
               for s in compiled.statements):
        return
    refused = {v.json_path for v in doc.violations if v.code == "notprincipal-with-allow"}
    outsider = outsider_probes(doc)[0]
    for statement in compiled.statements:
        node = statement.node
        if not statement.allow or node.principal is None or not node.principal.negated:
            continue
        if statement.principal.match(outsider.caller) is None:
            continue
        listed = sum(len(values) for _, values in node.principal.entries)
        actions = covered(doc, statement, key_actions())
        what = short_list(actions) if actions else "its actions"
        text = (f"{statement.label} allows {what} to every principal except the {listed} listed, "
                f"including every principal of every other AWS account")
        if node.principal.path in refused:
            text += "; KMS refuses NotPrincipal with Allow (MalformedPolicyDocumentException)"
        yield Hit(text, node.principal.path)

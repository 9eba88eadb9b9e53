"""The only thing restricting a statement is a value the caller writes itself.

## What it checks

Statements whose conditions test nothing but caller-controlled request headers
(`aws:UserAgent`, `aws:Referer`), and, in resource policies other than key policies (VPC
endpoint policies, RCPs), wildcard-principal Allow statements restricted only by the encryption
context, which the caller chooses. (Wildcard-principal statements of key policies are judged by
KP001 and KP002.)

## Why it matters

Any caller can send any `User-Agent` or `Referer` header and any encryption context. An Allow
restricted only by them is open to whoever reads the policy or guesses the value; a Deny that
exempts a user agent is bypassed by sending that user agent.

## Example

```json
{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
 "Condition": {"StringLike": {"aws:UserAgent": "payments-service/*"}}}
```

## Use instead

```json
{"Effect": "Allow", "Action": "kms:Decrypt",
 "Resource": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
 "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}
```

## References

- aws:UserAgent and aws:referer (not for authorization): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-useragent
- Access Analyzer UNTRUSTWORTHY_CONDITION_KEY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ...analysis import is_wildcard_principal, source_text
from ...knowledge import CALLER_CONTROLLED_KEYS
from ...model import Hit

ID = "POL023"


def check(doc, ctx):
    text = source_text(doc).lower()
    if "aws:useragent" not in text and "aws:referer" not in text and (
            doc.policy_type == "key" or "kms:encryptioncontext" not in text):
        return
    for statement in doc.statements:
        if not statement.condition:
            continue
        keys = [e.key.lower() for e in statement.condition if isinstance(e.key, str)]
        wildcard = statement.principal is not None and (
            statement.principal.negated or is_wildcard_principal(doc, statement))
        if doc.policy_type == "key" and wildcard and statement.effect == "Allow":
            continue  # KP001 / KP002
        headers = [e for e in statement.condition
                   if isinstance(e.key, str) and e.key.lower() in CALLER_CONTROLLED_KEYS]
        if headers and all(k in CALLER_CONTROLLED_KEYS for k in keys):
            entry = headers[0]
            if statement.effect == "Deny":
                text = (f"{entry.key} is a header the caller sets: anyone can send the value "
                        "this Deny exempts and so avoid it")
            else:
                text = (f"{entry.key} is a header the caller sets: anyone can send the value "
                        "this condition expects, so it restricts nothing")
            yield Hit(text, entry.path)
        elif wildcard and statement.effect == "Allow" and doc.policy_type != "key" and keys and \
                all(k.startswith("kms:encryptioncontext") for k in keys):
            yield Hit("the only restriction on this wildcard-principal Allow is the encryption "
                      "context, which every caller chooses; restrict the principal "
                      "(aws:PrincipalOrgID, aws:PrincipalAccount)", statement.condition[0].path)

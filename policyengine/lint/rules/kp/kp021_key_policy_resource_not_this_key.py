"""A key policy statement's Resource is neither "*" nor the key the policy belongs to.

## What it checks

Each `Resource` value of a key policy statement other than `"*"`:

* an alias ARN (`arn:aws:kms:...:alias/app`): a key policy is evaluated against its key,
  never against an alias;
* anything that is not a KMS key ARN (an S3 or IAM ARN, a bare key ID);
* another key's ARN: with the key known (scenario files) any other key; otherwise a key of an
  account other than the policy's owner;
* a pattern (`arn:aws:kms:*:*:*`, `arn:aws:kms:eu-west-1:111122223333:key/*`): it reads as if the
  statement covered several keys, but a key policy only ever governs its own key. With the key
  known, the engine's resource matcher says whether the pattern matches it at all.

## Why it matters

In a key policy `"*"` means "this key". A statement whose Resource does not match the key is
silently dead: the administrator or application it was written for gets AccessDenied, and
nothing in the console says why. A pattern that happens to match reads as cross-key access
that does not exist, which misleads reviewers.

## Example

```json
{"Sid": "AppUse", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt"],
 "Resource": "arn:aws:kms:eu-west-1:111122223333:alias/app"}
```

## Use instead

```json
{"Sid": "AppUse", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}
```

## References

- Key policy elements (Resource is "*", meaning this key): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
- Default key policy: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
- Access Analyzer UNSUPPORTED_RESOURCE_ARN_IN_POLICY: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

from ....kms.world import ALIAS_ARN, KEY_ARN
from ...analysis import compiled_statements, element_values, owner_account
from ...model import Hit

ID = "KP021"
_STAR = 'use "*", which in a key policy means this key'


def check(doc, ctx):
    key = getattr(doc, "key", None)
    owner = owner_account(doc, ctx.config)
    for statement in compiled_statements(doc):
        node = statement.node
        if node.resource is None or node.resource.negated:
            continue
        for index, entry in enumerate(element_values(doc, node, "Resource")):
            value = entry.value
            if not isinstance(value, str) or value == "*":
                continue
            pattern = statement.resources[index] if index < len(statement.resources) else None
            matches = key is not None and pattern is not None and pattern.matches(
                key.arn, lambda _name: None)
            problem = _problem(value, key, owner, matches)
            if problem:
                yield Hit(f"{statement.label}: Resource {value!r} {problem}; {_STAR}",
                          entry.json_path)


def _problem(value: str, key, owner: str | None, matches: bool) -> str | None:
    dead = "so it never matches the key"
    if ALIAS_ARN.fullmatch(value):
        return f"is an alias ARN; a key policy is evaluated against its key, never an alias, {dead}"
    parts = value.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in ("kms", "*"):
        return f"is not a KMS key ARN, {dead}"
    if any(c in value for c in "*?"):
        if key is None:
            return ("is a pattern, but a key policy only governs the key it is attached to: it "
                    "matches that key or nothing")
        if matches:
            return f"is a pattern, but a key policy only governs its own key ({key.arn})"
        return f"is a pattern that does not match this key ({key.arn}), {dead}"
    found = KEY_ARN.fullmatch(value)
    if found is None:
        return f"is not a KMS key ARN, {dead}"
    if key is not None:
        return None if value == key.arn else f"names another key, not {key.arn}, {dead}"
    account = found.group(3)
    if owner is not None and account != owner:
        return (f"names a key of account {account}, but this policy belongs to a key of account "
                f"{owner}, {dead}")
    return None

"""Another account's key is named by its key ID or alias name, which resolve in the caller's own
account.

## What it checks

The requests of a scenario world (the "code or configuration" the world describes) that name
their key by key ID (`1234abcd-...`) or alias name (`alias/shared`) rather than by ARN, when the
engine's key resolution finds no such key or alias in the caller's account but the world has one
in another account. Identity policies cannot name a key that way (their `Resource` takes ARNs
only, POL018), so the rule looks at the world as a whole; it runs on scenario files.

## Why it matters

KMS resolves a key ID or an alias name in the account of the caller, never in the key owner's.
A role in account B that calls `Encrypt` with `alias/shared` looks for `alias/shared` in B: it
gets `NotFoundException` (or, worse, silently uses B's own key of that name), even though A's
key policy and B's IAM policy are both right. This is one of the most common reasons a
correctly configured cross-account setup still fails.

## Example

```yaml
requests:
  - principal: arn:aws:sts::444455556666:assumed-role/ExtRole/session
    action: kms:Encrypt
    key: alias/shared            # lives in 111122223333
```

## Use instead

```yaml
requests:
  - principal: arn:aws:sts::444455556666:assumed-role/ExtRole/session
    action: kms:Encrypt
    key: arn:aws:kms:us-west-2:111122223333:alias/shared
```

(or the key ARN).

## References

- Allowing users in other accounts to use a KMS key ("specify the key ARN or alias ARN"): https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
- Key identifiers (KeyId): https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
- Using aliases in applications: https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html
"""

from __future__ import annotations

from ....language.principals import caller_from_arn
from ...model import Hit

ID = "IAM009"


def check(doc, ctx):
    world = doc.world
    for index, spec in enumerate(doc.scenario.requests):
        name = spec.key
        if not isinstance(name, str) or not name or name.startswith("arn:"):
            continue
        try:
            caller = caller_from_arn(spec.principal)
        except ValueError:
            continue
        if caller.is_service or caller.account is None:
            continue
        if world.resolve_key(name, caller.account)[0] is not None:
            continue  # it names a key of the caller's own account
        alias = name.startswith("alias/")
        found = next((k for k in world.keys if k.account != caller.account
                      and (name in k.aliases if alias else k.key_id == name)), None)
        if found is None:
            continue
        arn = found.alias_arn(name) if alias else found.arn
        what = "alias name" if alias else "key ID"
        yield Hit(f"request {index} names the key of account {found.account} by its {what} "
                  f"{name!r}, which KMS looks up in the caller's account {caller.account}, where "
                  f"there is no such key; use the full ARN {arn}", f"requests/{index}/key")

"""An action (or action pattern) names no KMS permission.

## What it checks

Every value of `Action` and `NotAction` with the `kms:` prefix is compared with the KMS
permission catalogue: a name that is not a KMS permission (`kms:Decrpyt`,
`kms:GenerateDataKeys`, `kms:ReEncrypt`) or a pattern that matches none
(`kms:Decrypt*Key`) is reported, with the closest real permission when there is one. Actions
of other services are not checked (the catalogue covers KMS only).

## Why it matters

IAM and KMS accept an unknown action name without complaint, and the statement then grants (or
denies) nothing for it. A typo in an Allow breaks an application at run time; a typo in a Deny
leaves the hole the Deny was written to close. `kms:ReEncrypt` is a common case: the API
operation is `ReEncrypt`, but the permissions are `kms:ReEncryptFrom` and `kms:ReEncryptTo`.

## Example

```json
{"Effect": "Deny", "Principal": "*", "Action": ["kms:Decrpyt", "kms:ReEncrypt"],
 "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## Use instead

```json
{"Effect": "Deny", "Principal": "*", "Action": ["kms:Decrypt", "kms:ReEncrypt*"],
 "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
```

## References

- KMS permissions reference: https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
- Actions defined by AWS KMS (Service Authorization Reference): https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
- Access Analyzer INVALID_ACTION: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from ....kms import catalog
from ....language.matching import compile_action
from ...analysis import all_kms_actions, element_values
from ...model import Hit
from .._common import has_wildcard

ID = "POL006"


def check(doc, ctx):
    for statement in doc.statements:
        if statement.action is None or not _any_problem(statement.action.values):
            continue
        for entry in element_values(doc, statement, "Action", "NotAction"):
            problem = _problem(entry.value) if isinstance(entry.value, str) else None
            if problem:
                yield Hit(problem, entry.json_path)


@lru_cache(maxsize=1024)
def _any_problem(values: tuple[str, ...]) -> bool:
    """Does a value of the Action list have a problem? (Lists repeat between statements and
    policies.)"""
    return any(_problem(value) for value in values)


@lru_cache(maxsize=4096)
def _problem(value: str) -> str | None:
    if value[:4].lower() != "kms:" or "${" in value:
        return None  # other services are not catalogued; variables in actions: POL021
    if has_wildcard(value):
        matcher = compile_action(value)
        if any(matcher(action) for action in all_kms_actions()):
            return None
        return f"{value!r} matches no KMS permission, so the statement grants or denies nothing " \
               "for it"
    if catalog.action(value) is not None:
        return None
    name = value[4:]
    if name.lower() == "reencrypt":
        return ("'kms:ReEncrypt' is not a permission: ReEncrypt needs kms:ReEncryptFrom (source "
                "key) and kms:ReEncryptTo (destination key); write both or kms:ReEncrypt*")
    names = [a.name for a in catalog.all_actions()]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.75) or difflib.get_close_matches(
        name.lower(), [n.lower() for n in names], n=1, cutoff=0.75)
    hint = ""
    if close:
        proper = next(n for n in names if n.lower() == close[0].lower())
        hint = f"; did you mean 'kms:{proper}'?"
    return f"{value!r} is not a KMS permission, so the statement grants or denies nothing for " \
           f"it{hint}"

"""Elements that cannot change the outcome: empty lists or objects, duplicates, repeats.

## What it checks

* empty `Action`, `Resource`, `Principal` lists or objects and empty `Condition` blocks in key
  policies (KMS accepts them; IAM refuses some, which POL002 reports), and an empty list of
  condition values;
* the same value twice in one `Action`, `Resource` or principal list, and actions already
  covered by `kms:*` or `*` in the same list;
* a statement identical to an earlier one (apart from its Sid);
* `StringLike` with the single value `"*"`, which only tests that the key is present (the same
  as `"Null": {"key": "false"}`).

## Why it matters

None of these change a decision, but each makes a policy longer and harder to review, and
empty elements usually mean something was meant to be there. Key policies have a 32 KB limit;
duplicates eat into it.

## Example

```json
{"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:*", "kms:Decrypt", "kms:Decrypt"], "Resource": "*", "Condition": {}}
```

## Use instead

```json
{"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": "kms:Decrypt", "Resource": "*"}
```

## References

- Access Analyzer EMPTY_ARRAY_*, EMPTY_OBJECT_*, REDUNDANT_ACTION, REDUNDANT_RESOURCE, REDUNDANT_STATEMENT, REDUNDANT_KEY_DUE_TO_WILDCARD_IN_CONDITION: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
- Key policy size quota: https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
"""

from __future__ import annotations

import json
from functools import lru_cache

from ....language.conditions.registry import resolve_operator
from ...analysis import source_text
from ...model import Hit
from .._common import condition_entries

ID = "POL012"
_SERVICE_WIDE = ("*", "kms:*")
_LISTS = ("Action", "NotAction", "Resource", "NotResource")
_FOLDED = ("Action", "NotAction")  # compared without regard to case


def check(doc, ctx):
    raw_statements = doc.value.get("Statement") if isinstance(doc.value, dict) else None
    items = [(raw_statements, "Statement")] if isinstance(raw_statements, dict) else (
        [(item, f"Statement/{i}") for i, item in enumerate(raw_statements)]
        if isinstance(raw_statements, list) else [])
    seen_quick: dict[tuple, list] = {}
    packed = "".join(source_text(doc).split())  # (faster than a regex over the text)
    empties = "[]" in packed or "{}" in packed
    for raw, path in items:
        if not isinstance(raw, dict):
            continue
        if empties:
            yield from _empty(doc, raw, path)
        if _may_repeat(raw):
            yield from _duplicates(raw, path)
        quick = (raw.get("Effect"), repr(raw.get("Action")), len(raw) - ("Sid" in raw))
        if quick in seen_quick:
            body = _body(raw)
            earlier = next((p for r, p in seen_quick[quick] if _body(r) == body), None)
            if earlier is not None:
                yield Hit(f"this statement repeats {earlier} (apart from its Sid); remove one",
                          path)
                continue
        seen_quick.setdefault(quick, []).append(
            (raw, path.replace("Statement/", "statement #") if "/" in path else "the statement"))
    for statement, entry in condition_entries(doc):
        operator = resolve_operator(entry.operator)
        if operator is not None and operator.comparison.name == "StringLike" and \
                not operator.qualifier and not operator.if_exists and list(entry.values) == ["*"]:
            yield Hit(f'StringLike {entry.key!r}: "*" only tests that the key is present; '
                      f'write "Null": {{"{entry.key}": "false"}}', entry.path)


def _body(raw: dict) -> str:
    return json.dumps({k: v for k, v in raw.items() if k != "Sid"}, sort_keys=True, default=str)


def _empty(doc, raw: dict, path: str):
    key_policy = doc.policy_type == "key"
    for element in ("Action", "NotAction", "Resource", "NotResource"):
        if key_policy and raw.get(element) == []:
            yield Hit(f"{element} is an empty list: the statement matches nothing",
                      f"{path}/{element}")
    for element in ("Principal", "NotPrincipal"):
        value = raw.get(element)
        if isinstance(value, dict):
            for kind, items in value.items():
                if items == []:
                    yield Hit(f"{element} {kind} is an empty list", f"{path}/{element}/{kind}")
    condition = raw.get("Condition")
    if condition == {}:
        yield Hit("Condition is an empty object; remove it", f"{path}/Condition")
    elif isinstance(condition, dict):
        for operator, block in condition.items():
            where = f"{path}/Condition/{operator}"
            if block == {}:
                yield Hit(f"the {operator} block is empty; remove it", where)
            elif isinstance(block, dict):
                for key, values in block.items():
                    if values == []:
                        yield Hit(f"{key!r} has an empty list of values: the condition can "
                                  "never be met as written", f"{where}/{key}")


def _may_repeat(raw: dict) -> bool:
    """Could a list of the statement hold a value twice, or one that "*" or "kms:*" covers?
    (Most hold neither: this answers without walking them.)"""
    for element in _LISTS:
        values = raw.get(element)
        if isinstance(values, list) and len(values) > 1:
            try:
                if not _plain(tuple(values), element in _FOLDED):
                    return True
            except TypeError:  # an unhashable item (a list or object)
                return True
    for element in ("Principal", "NotPrincipal"):
        value = raw.get(element)
        if isinstance(value, dict) and not all(
                _distinct(items) for items in value.values() if isinstance(items, list)):
            return True
    return False


def _duplicates(raw: dict, path: str):
    for element in _LISTS:
        values = raw.get(element)
        if not isinstance(values, list) or len(values) < 2:
            continue
        fold = element in _FOLDED
        seen: set = set()
        wide = fold and any(isinstance(v, str) and v.lower() in _SERVICE_WIDE for v in values)
        everything = fold and "*" in values
        for index, value in enumerate(values):
            if not isinstance(value, str):
                continue
            key = value.lower() if fold else value
            where = f"{path}/{element}/{index}"
            if key in seen:
                yield Hit(f"{value!r} is listed twice in {element}", where)
                continue
            seen.add(key)
            if wide and key not in _SERVICE_WIDE and (everything or key.startswith("kms:")):
                cover = "*" if everything else "kms:*"
                yield Hit(f"{value!r} is already covered by {cover!r} in the same {element}",
                          where)
    for element in ("Principal", "NotPrincipal"):
        value = raw.get(element)
        if not isinstance(value, dict):
            continue
        for kind, items in value.items():
            if not isinstance(items, list):
                continue
            seen = set()
            for index, item in enumerate(items):
                if isinstance(item, str) and item in seen:
                    yield Hit(f"{item!r} is listed twice in {element} {kind}",
                              f"{path}/{element}/{kind}/{index}")
                seen.add(item)


@lru_cache(maxsize=1024)
def _plain(values: tuple, fold: bool) -> bool:
    """Nothing listed twice, nothing covered by "*" or "kms:*" (lists repeat between statements
    and policies)."""
    try:
        keys = {v.lower() for v in values} if fold else set(values)
    except AttributeError:  # a value that is not a string
        return False
    return len(keys) == len(values) and not (fold and keys.intersection(_SERVICE_WIDE))


def _distinct(items: list) -> bool:
    """No string listed twice (the common case, answered at C speed)."""
    try:
        return len(set(items)) == len(items)
    except TypeError:  # an unhashable item (a list or object): look one by one
        return False

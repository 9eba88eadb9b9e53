"""A small, literal reference evaluator for the IAM policy language, for the property tests.

Written from the IAM documentation rules (spec/semantics.md §1.3-§1.5, §2; docs/ambiguities.md),
independently of ``policyengine.language``: it shares no code with the engine and favours the
plainest possible reading over speed. Glob patterns become regular expressions built with
``re.escape``; conditions are evaluated by the rules as the IAM User Guide states them.

    evaluate(policy, caller_arn, action, resource, context, resource_policy=False) -> Verdict

``context`` maps condition-key names (any letter case) to str, bool, int or a list of str.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, NamedTuple

ABSENT = object()

NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
           "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}


class Verdict(NamedTuple):
    decision: str  # "Allow" | "Deny" | "None"
    matched: tuple[int, ...]  # indexes of the statements that apply
    how: dict  # resource policies: index -> "account" | "direct"
    allows: frozenset = frozenset()
    denies: frozenset = frozenset()


# -- patterns: a pattern is a list of (character, literal) pairs; literal chars are never wild --


def plain(text: str) -> list[tuple[str, bool]]:
    return [(ch, False) for ch in text]


def glob_regex(chars, star: str = ".*", one: str = ".") -> str:
    out = []
    for ch, literal in chars:
        if ch == "*" and not literal:
            out.append(star)
        elif ch == "?" and not literal:
            out.append(one)
        else:
            out.append(re.escape(ch))
    return "".join(out)


def glob_match(chars, text: str, ignore_case: bool = False) -> bool:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(glob_regex(chars), text, flags) is not None


def resource_match(chars, resource: str) -> bool:
    """`*`/`?` stay inside one colon segment, except a `*` ending a segment (it may cross `:`)."""
    out = []
    for i, (ch, literal) in enumerate(chars):
        if ch == "*" and not literal:
            ends_segment = i + 1 == len(chars) or chars[i + 1][0] == ":"
            out.append(".*" if ends_segment else "[^:]*")
        elif ch == "?" and not literal:
            out.append("[^:]")
        else:
            out.append(re.escape(ch))
    return re.fullmatch("".join(out), resource, re.DOTALL) is not None


def arn_match(chars, value: str) -> bool:
    """ArnEquals/ArnLike: six colon-separated components, each a case-sensitive glob."""
    components, current, colons = [], [], 0
    for ch, literal in chars:
        if ch == ":" and not literal and colons < 5:
            components.append(current)
            current, colons = [], colons + 1
        else:
            current.append((ch, literal))
    components.append(current)
    parts = value.split(":", 5)
    if len(components) != 6 or len(parts) != 6 or parts[0] != "arn":
        return False
    return all(glob_match(c, p) for c, p in zip(components, parts))


# -- policy variables (Version 2012-10-17 only) ---------------------------------------------------

VARIABLE = re.compile(r"\$\{(?:([*?$])|([^\s${}',*?]+)(?:, '([^']*)')?)\}")


def context_get(context: dict, key: str) -> Any:
    for name, value in context.items():
        if name.lower() == key.lower():
            return value
    return ABSENT


def substitute(text: str, context: dict):
    """Pattern chars with every variable replaced (as literal text), or None if one has no value."""
    out, pos = [], 0
    for found in VARIABLE.finditer(text):
        out += plain(text[pos:found.start()])
        escape, name, default = found.groups()
        if escape:
            value = escape
        else:
            raw = context_get(context, name)
            if raw is ABSENT or raw is None or isinstance(raw, list):
                value = default  # multivalued keys cannot be variables
            else:
                value = ("true" if raw else "false") if isinstance(raw, bool) else str(raw)
            if value is None:
                return None
        out += [(ch, True) for ch in value]
        pos = found.end()
    return out + plain(text[pos:])


# -- principals -----------------------------------------------------------------------------------


def caller_identities(arn: str) -> tuple[str | None, list[str]]:
    """(account, identities from the account down) for a caller ARN or service principal."""
    if arn.endswith(".amazonaws.com"):
        return None, [arn]
    account = arn.split(":")[4]
    root = f"arn:aws:iam::{account}:root"
    if arn == root:
        return account, [root]
    if ":assumed-role/" in arn:
        role_name = arn.split(":assumed-role/")[1].split("/")[0]
        return account, [root, f"arn:aws:iam::{account}:role/{role_name}", arn]
    return account, [root, arn]  # user, federated user


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def principal_match(statement: dict, caller: str) -> str | None:
    """"direct", "account" or None for how Principal / NotPrincipal names the caller."""
    account, identities = caller_identities(caller)
    if "NotPrincipal" in statement:
        element = statement["NotPrincipal"]
        if element == "*":  # same syntax as Principal: every principal is excepted
            return None
        listed = set()
        for kind, values in element.items():
            for value in as_list(values):
                if kind == "AWS" and re.fullmatch(r"\d{12}", value):
                    value = f"arn:aws:iam::{value}:root"
                if kind in ("AWS", "Service"):
                    listed.add(value)
        every_aws = "*" in listed and account is not None  # {"AWS": "*"}: every AWS identity
        exempt = every_aws or all(identity in listed for identity in identities)  # ambiguity 12
        return None if exempt else "direct"
    element = statement.get("Principal")
    if element is None:
        return None
    if element == "*":
        return "direct"
    aws = [v for v in as_list(element.get("AWS", []))]
    services = as_list(element.get("Service", []))
    if account is None:  # a service principal is named only under "Service" (or by "*")
        return "direct" if caller in services else None
    if "*" in aws:  # every AWS identity; "for anonymous users" the same as "*" (IAM Principal)
        return "direct"
    # the caller itself: user, federated user, session, or the role of a session
    if any(value in identities[1:] for value in aws):
        return "direct"
    if account in aws or f"arn:aws:iam::{account}:root" in aws:
        return "account"
    return None


# -- conditions -----------------------------------------------------------------------------------


def as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_number(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    return Decimal(str(value).strip())


def as_date(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return Decimal(text)  # epoch seconds
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return Decimal(int(moment.timestamp()))


def as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise ValueError(value)


def compare(base: str, request_value, policy_value) -> bool:
    """One request value against one (substituted) policy value; unreadable values never match."""
    try:
        if base in ("StringEquals", "StringNotEquals"):
            return as_text(request_value) == "".join(c for c, _ in policy_value)
        if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
            return as_text(request_value).lower() == "".join(c for c, _ in policy_value).lower()
        if base in ("StringLike", "StringNotLike"):
            return glob_match(policy_value, as_text(request_value))
        if base in ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"):
            return isinstance(request_value, str) and arn_match(policy_value, request_value)
        if base.startswith("Numeric"):
            left, right = as_number(request_value), as_number(policy_value)
        elif base.startswith("Date"):
            left, right = as_date(request_value), as_date(policy_value)
        elif base == "Bool":
            return as_bool(request_value) == as_bool(policy_value)
        elif base == "BinaryEquals":
            return base64.b64decode(request_value) == base64.b64decode(policy_value)
        elif base in ("IpAddress", "NotIpAddress"):
            address = ipaddress.ip_address(request_value)
            network = ipaddress.ip_network(policy_value, strict=False)
            return address.version == network.version and address in network
        else:
            raise AssertionError(f"unknown operator {base}")
    except (ValueError, ArithmeticError, TypeError):
        return False
    for suffix, result in (("NotEquals", left == right), ("LessThanEquals", left <= right),
                           ("GreaterThanEquals", left >= right), ("Equals", left == right),
                           ("LessThan", left < right), ("GreaterThan", left > right)):
        if base.endswith(suffix):
            return result
    raise AssertionError(base)


def condition_holds(operator: str, key: str, values, context: dict, variables: bool) -> bool:
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    value = context_get(context, key)
    absent = value is ABSENT or value is None or value == []
    if base == "Null":  # true: the key is absent; false: it is present
        return any(as_bool(v) == absent for v in as_list(values))
    negated = base in NEGATED
    if absent:
        if if_exists or qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated
    policy_values = []
    for raw in as_list(values):
        if base.startswith(("String", "Arn")):
            text = as_text(raw)
            chars = substitute(text, context) if variables else plain(text)
            if chars is not None:  # a variable without a value drops this policy value
                policy_values.append(chars)
        else:
            policy_values.append(raw)

    def matches(request_value) -> bool:
        return any(compare(base, request_value, pv) for pv in policy_values)

    request_values = as_list(value)
    if qualifier == "ForAllValues":
        return all(matches(v) != negated for v in request_values)
    if qualifier == "ForAnyValue":
        return any(matches(v) != negated for v in request_values)
    hit = any(matches(v) for v in request_values)
    return not hit if negated else hit


# -- statements -----------------------------------------------------------------------------------


def resource_entry_matches(entry: str, resource: str, context: dict, variables: bool) -> bool:
    parts = entry.split(":", 5)
    if variables and "${" in entry and len(parts) == 6:
        rest = substitute(parts[5], context)
        if rest is None:
            return False  # a variable without a value: the entry matches no resource
        return resource_match(plain(":".join(parts[:5]) + ":") + rest, resource)
    return resource_match(plain(entry), resource)


def statement_applies(st: dict, action: str, resource: str, context: dict,
                      variables: bool) -> bool:
    if "Action" in st:
        hit = any(glob_match(plain(p), action, ignore_case=True) for p in as_list(st["Action"]))
    else:
        hit = not any(glob_match(plain(p), action, ignore_case=True)
                      for p in as_list(st["NotAction"]))
    if not hit:
        return False
    entries = as_list(st["Resource"] if "Resource" in st else st["NotResource"])
    hit = any(resource_entry_matches(e, resource, context, variables) for e in entries)
    if hit != ("Resource" in st):
        return False
    for operator, block in (st.get("Condition") or {}).items():
        for key, values in block.items():
            if not condition_holds(operator, key, values, context, variables):
                return False
    return True


def evaluate(policy: dict, caller: str, action: str, resource: str, context: dict,
             resource_policy: bool = False) -> Verdict:
    variables = policy.get("Version") == "2012-10-17"
    statements = policy["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    matched, how, allows, denies = [], {}, set(), set()
    for index, st in enumerate(statements):
        if resource_policy:
            kind = principal_match(st, caller)
            if kind is None:
                continue
        if not statement_applies(st, action, resource, context, variables):
            continue
        matched.append(index)
        if resource_policy:
            how[index] = kind
        (allows if st["Effect"] == "Allow" else denies).add(index)
    decision = "Deny" if denies else "Allow" if allows else "None"
    return Verdict(decision, tuple(matched), how, frozenset(allows), frozenset(denies))

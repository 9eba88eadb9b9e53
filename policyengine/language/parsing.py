"""Policy text → JSON value → AST.

The JSON value comes from ``json.loads`` with a hook that refuses duplicate keys (AWS rejects a
policy in which an element appears twice in one object). Line and column numbers are computed
only when an error needs them, by the positioned parser in :mod:`.source`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from ..errors import PolicySyntaxError, PolicyValidationError, json_kind
from .ast import ConditionEntry, NameList, Policy, PrincipalElement, Statement


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def parse_json(text: str | bytes, *, file: str | None = None) -> Any:
    """Parse JSON text, refusing duplicate keys; errors carry line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PolicySyntaxError(f"the text is not UTF-8 ({error.reason} at byte "
                                    f"{error.start})", file=file) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as duplicate:
        raise _duplicate_error(text, duplicate.key, file) from None
    except json.JSONDecodeError as error:
        raise _syntax_error(text, error, file) from None
    except RecursionError:
        raise PolicySyntaxError("the document is nested too deeply", file=file) from None


def _syntax_error(text: str, error: json.JSONDecodeError, file: str | None) -> PolicySyntaxError:
    try:
        from .source import syntax_error
    except ImportError:  # pragma: no cover - the positioned parser ships with the package
        syntax_error = None
    if syntax_error is not None:
        try:
            return syntax_error(text, file=file)
        except RecursionError:
            pass
    return PolicySyntaxError(f"invalid JSON: {error.msg}", file=file, line=error.lineno,
                             column=error.colno)


def _duplicate_error(text: str, key: str, file: str | None) -> PolicySyntaxError:
    error = PolicySyntaxError(f"duplicate key {key!r}: an element may appear only once in an "
                              "object", file=file)
    try:
        from .source import parse_with_positions

        positions = parse_with_positions(text, file=file)
        if positions.duplicates:
            path, span = positions.duplicates[0]
            error.json_path = path if isinstance(path, str) else "/".join(map(str, path))
            error.line, error.column = span.line, span.column
    except Exception:  # positions are a courtesy; the message stands without them
        pass
    return error


def parse_policy(source: str | bytes | dict, *, file: str | None = None) -> Policy:
    """Parse a policy from JSON text (or an already-parsed object) into its AST.

    Raises PolicySyntaxError for text that is not JSON and PolicyValidationError for JSON that
    cannot be a policy at all (wrong types); the policy-type rules AWS applies on save are
    checked separately by :func:`policyengine.language.validation.validate_policy`.
    """
    text = None
    if isinstance(source, (str, bytes, bytearray)):
        text = source if isinstance(source, str) else None
        value = parse_json(source, file=file)
    else:
        value = source
    try:
        return build_policy(value, text=text, file=file)
    except PolicyValidationError as error:
        if text is not None and error.line is None:
            _locate(error, text)
        error.file = error.file or file
        raise


def _locate(error: PolicyValidationError, text: str) -> None:
    try:
        from .source import parse_with_positions

        span = parse_with_positions(text).nearest(error.json_path)
        error.line, error.column = span.line, span.column
    except Exception:
        pass


# -- building the AST ------------------------------------------------------------------------


def _fail(message: str, path: str) -> PolicyValidationError:
    return PolicyValidationError(message, json_path=path)


_JUST_STR = frozenset({str})


def _strings(value: Any, path: str, element: str) -> tuple[str, ...]:
    """A string or a list of strings (AWS accepts either where the grammar takes a list)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        if set(map(type, value)) <= _JUST_STR:  # JSON gives plain str: checked at C speed
            return tuple(value)
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise _fail(f"{element} must hold strings, not {json_kind(item)}", f"{path}/{index}")
        return tuple(value)
    raise _fail(f"{element} must be a string or a list of strings, not {json_kind(value)}", path)



def build_policy(value: Any, *, text: str | None = None, file: str | None = None) -> Policy:
    if not isinstance(value, dict):
        raise _fail(f"a policy must be a JSON object, not {json_kind(value)}", "")
    version = value.get("Version")
    if version is not None and not isinstance(version, str):
        raise _fail(f"Version must be a string, not {json_kind(version)}", "Version")
    policy_id = value.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise _fail(f"Id must be a string, not {json_kind(policy_id)}", "Id")
    if "Statement" not in value:
        raise _fail("the policy has no Statement element", "Statement")
    raw = value["Statement"]
    if isinstance(raw, dict):
        statements = (build_statement(raw, 0, "Statement"),)
    elif isinstance(raw, list):
        statements = tuple(build_statement(item, index, f"Statement/{index}")
                           for index, item in enumerate(raw))
    else:
        raise _fail(f"Statement must be an object or a list of objects, not {json_kind(raw)}",
                    "Statement")
    return Policy.build(path="", version=version, id=policy_id, statements=statements,
                                  value=value, text=text, file=file)


def build_statement(raw: Any, index: int, path: str) -> Statement:
    if not isinstance(raw, dict):
        raise _fail(f"a statement must be an object, not {json_kind(raw)}", path)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _fail(f"Sid must be a string, not {json_kind(sid)}", f"{path}/Sid")
    effect = raw.get("Effect")
    if effect is not None and not isinstance(effect, str):
        raise _fail(f"Effect must be a string, not {json_kind(effect)}", f"{path}/Effect")
    return Statement.build(
        path=path, index=index, sid=sid, effect=effect,
        principal=_principal(raw, path),
        action=_name_list(raw, path, "Action", "NotAction"),
        resource=_name_list(raw, path, "Resource", "NotResource"),
        condition=_condition(raw.get("Condition"), f"{path}/Condition"),
    )


def _name_list(raw: dict, path: str, name: str, negated_name: str) -> NameList | None:
    # With both present (invalid), the positive element is used; validation reports it.
    if name in raw:
        element, negated = name, False
    elif negated_name in raw:
        element, negated = negated_name, True
    else:
        return None
    where = f"{path}/{element}"
    return _name_list_node(where, negated, _strings(raw[element], where, element))


def _principal(raw: dict, path: str) -> PrincipalElement | None:
    if "Principal" in raw:
        element, negated = "Principal", False
    elif "NotPrincipal" in raw:
        element, negated = "NotPrincipal", True
    else:
        return None
    where = f"{path}/{element}"
    value = raw[element]
    if value == "*":
        return PrincipalElement.build(path=where, negated=negated, wildcard=True, entries=())
    if not isinstance(value, dict):
        raise _fail(f'{element} must be "*" or an object such as {{"AWS": ...}}, '
                    f"not {json_kind(value)}", where)
    entries = tuple((kind, _strings(values, f"{where}/{kind}", f"{element} {kind}"))
                    for kind, values in value.items())
    return _principal_node(where, negated, entries)


def _condition(raw: Any, path: str) -> tuple[ConditionEntry, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise _fail(f"Condition must be an object, not {json_kind(raw)}", path)
    entries = []
    for operator, block in raw.items():
        where = f"{path}/{operator}"
        if not isinstance(block, dict):
            raise _fail(f"the {operator} block must be an object of condition keys, "
                        f"not {json_kind(block)}", where)
        for key, values in block.items():
            listed = tuple(values) if isinstance(values, list) else (values,)
            entry = f"{where}/{key}"
            entries.append(_condition_node(entry, operator, key, listed)
                           if set(map(type, listed)) <= _JUST_STR else
                           ConditionEntry.build(path=entry, operator=operator, key=key,
                                                values=listed))
    return tuple(entries)


# Nodes are immutable, and policies repeat elements at the same place (the console's and AWS's
# own statements, action lists, "Resource": "*"): identical nodes are made once. (Condition
# entries only when every value is a string: True, 1 and 1.0 are equal keys.)


@lru_cache(maxsize=4096)
def _name_list_node(path: str, negated: bool, values: tuple[str, ...]) -> NameList:
    return NameList.build(path=path, negated=negated, values=values)


@lru_cache(maxsize=4096)
def _principal_node(path: str, negated: bool, entries: tuple) -> PrincipalElement:
    return PrincipalElement.build(path=path, negated=negated, wildcard=False, entries=entries)


@lru_cache(maxsize=4096)
def _condition_node(path: str, operator: str, key: str, values: tuple) -> ConditionEntry:
    return ConditionEntry.build(path=path, operator=operator, key=key, values=values)

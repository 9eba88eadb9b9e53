"""One condition test: an operator, a condition key and the policy's values for it.

The rules (IAM User Guide, condition operators and multivalued context keys):

* values listed for one key are OR'ed, except for negated operators, where the request value
  must differ from every listed value;
* a key absent from the request makes a positive operator false and a negated one true;
  ``...IfExists`` makes the test true; ``ForAllValues`` is vacuously true, ``ForAnyValue`` false;
* ``ForAllValues`` / ``ForAnyValue`` quantify over the request's values: every one / at least
  one must satisfy the inner operator (negated inner operators are applied per value);
* an operator without a set qualifier on a multivalued key is read like ``ForAnyValue`` for a
  positive operator and "no value matches" for a negated one;
* ``Null: true`` holds when the key is absent, ``Null: false`` when it is present.

A clause that cannot be evaluated (unknown operator, a policy value the operator cannot read,
a malformed policy variable) is false and says why in ``problem``; it never passes silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ..variables import VariableSyntaxError, has_variables, parse_template, substitute
from .base import scalar_text
from .registry import Operator, resolve_operator

ABSENT = object()

# Why a clause came out as it did (kept as short codes so the fast path builds no text).
NOTE_ABSENT = "key absent"
NOTE_ABSENT_IFEXISTS = "key absent: IfExists makes the test true"
NOTE_ABSENT_FORALL = "key absent: ForAllValues is vacuously true"
NOTE_ABSENT_FORANY = "key absent: ForAnyValue is false"
NOTE_ABSENT_NEGATED = "key absent: a negated operator is true"
NOTE_EMPTY_FORALL = "no values: ForAllValues is vacuously true"
NOTE_NULL = "Null tests presence"
NOTE_UNEVALUATED = "not evaluated"

Lookup = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class Clause:
    operator_name: str  # as written
    key: str  # as written
    values: tuple  # as written
    path: str  # JSON path of the key inside the Condition element
    operator: Operator | None = None
    key_lower: str = ""
    prepared: tuple = ()  # prepared values without variables
    templates: tuple = ()  # parsed templates of values holding variables
    problem: str | None = None  # why it cannot be evaluated
    test: Callable[..., bool] | None = field(default=None, compare=False, repr=False)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.test is None:  # the fast path evaluations take: holds, or a set lookup
            object.__setattr__(self, "test", _fast_test(self) or self.holds)

    # -- evaluation -------------------------------------------------------------------------

    def holds(self, keys: Mapping[str, Any], lookup: Lookup | None = None) -> bool:
        """Does the test hold for a request whose condition keys (lower-cased) are ``keys``?"""
        op = self.operator
        if op is None or self.problem is not None:
            return False
        value = keys.get(self.key_lower, ABSENT)
        empty = _is_empty(value)
        if op.is_null:
            return any(expected is empty for expected in self.prepared)
        if empty:
            return _when_absent(op, value)[0]
        expected = self._expected(keys, lookup) if self.templates else self.prepared
        comparison = op.comparison
        coerce, compare = comparison.family.coerce, comparison.compare
        if not isinstance(value, (list, tuple)):  # with a set qualifier: a set of one
            return _positive(value, expected, coerce, compare) != op.negated
        if op.qualifier == "ForAllValues":
            return all(_positive(v, expected, coerce, compare) != op.negated for v in value)
        if op.qualifier == "ForAnyValue":
            return any(_positive(v, expected, coerce, compare) != op.negated for v in value)
        hit = any(_positive(v, expected, coerce, compare) for v in value)
        return hit != op.negated

    def decide(self, keys: Mapping[str, Any], lookup: Lookup | None = None) -> tuple[bool, str]:
        """(result, note): :meth:`holds`, and why when the key decided by its absence."""
        op = self.operator
        if op is None or self.problem is not None:
            return False, NOTE_UNEVALUATED
        if op.is_null:
            return self.holds(keys, lookup), NOTE_NULL
        value = keys.get(self.key_lower, ABSENT)
        if _is_empty(value):
            return _when_absent(op, value)
        return self.holds(keys, lookup), ""

    def _expected(self, keys: Mapping[str, Any], lookup: Lookup | None) -> tuple:
        """The prepared policy values; values with variables are substituted for this request.

        A variable without a value (and without a default) removes its policy value: it then
        matches nothing, so a positive test fails and a negated one holds.
        """
        if not self.templates:
            return self.prepared
        resolved = []
        for template in self.templates:
            runs = substitute(template, lookup or _lookup_in(keys))
            if runs is None:
                continue
            flat = tuple((part.text, True) if not isinstance(part, str) else (part, False)
                         for part in runs)
            prepared = self._cache.get(flat)
            if prepared is None:
                prepared = self.operator.comparison.family.prepare(flat)
                if len(self._cache) < 256:
                    self._cache[flat] = prepared
            resolved.append(prepared)
        return self.prepared + tuple(resolved)


def _fast_test(clause: Clause) -> Callable[..., bool] | None:
    """For an equality test without policy variables, a test that answers the common case (one
    text or boolean request value) with a set lookup, and leaves the rest to ``holds``."""
    op = clause.operator
    if op is None or clause.problem is not None or clause.templates or op.is_null or not (
            op.comparison.equality):
        return None
    key, members, coerce = clause.key_lower, frozenset(clause.prepared), op.comparison.family.coerce
    negated, holds = op.comparison.negated, clause.holds

    def test(keys: Mapping[str, Any], lookup: Lookup | None = None) -> bool:
        value = keys.get(key)
        if type(value) is str or type(value) is bool:
            try:
                return (coerce(value) in members) != negated
            except ValueError:
                return negated  # not of the operator's type: it matches nothing
        return holds(keys, lookup)

    return test


def _is_empty(value) -> bool:
    return value is ABSENT or value is None or (isinstance(value, (list, tuple)) and not value)


def _when_absent(op: Operator, value) -> tuple[bool, str]:
    """A key absent from the request (or without values) decides the test by itself."""
    if op.if_exists:
        return True, NOTE_ABSENT_IFEXISTS
    if op.qualifier == "ForAllValues":
        return True, (NOTE_ABSENT_FORALL if value is ABSENT else NOTE_EMPTY_FORALL)
    if op.qualifier == "ForAnyValue":
        return False, NOTE_ABSENT_FORANY
    if op.negated:
        return True, NOTE_ABSENT_NEGATED
    return False, NOTE_ABSENT


def _positive(actual, expected, coerce, compare) -> bool:
    """Does one request value match any of the policy values (the positive operator)?"""
    try:
        actual = coerce(actual)
    except ValueError:
        return False  # not of the operator's type: it matches nothing
    for policy_value in expected:
        if compare(actual, policy_value):
            return True
    return False


def _lookup_in(keys: Mapping[str, Any]) -> Lookup:
    return lambda name: single_value(keys.get(name))


def single_value(value) -> str | None:
    """The text a policy variable takes from a context value; multivalued keys have none."""
    if value is None or isinstance(value, (list, tuple, dict)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def compile_clause(operator_name: str, key: str, raw_values: Any, path: str,
                   variables: bool) -> Clause:
    """Compile one ``"Operator": {"key": values}`` entry. ``variables``: Version 2012-10-17."""
    values = tuple(raw_values) if isinstance(raw_values, list) else (raw_values,)
    base = dict(operator_name=operator_name, key=key, values=values, path=path,
                key_lower=key.lower() if isinstance(key, str) else "")
    op = resolve_operator(operator_name)
    if op is None:
        return Clause(**base, problem=f"unknown condition operator {operator_name!r}")
    family = op.comparison.family
    prepared, templates = [], []
    try:
        for value in values:
            if isinstance(value, (dict, list)) or value is None:
                raise ValueError(f"a condition value must be a string, number or boolean, "
                                 f"not {type(value).__name__}")
            if family.variables:
                text = scalar_text(value)
                if variables and has_variables(text):
                    templates.append(parse_template(text))
                else:
                    prepared.append(family.prepare(((text, False),)))
            else:
                prepared.append(family.prepare(value))
    except (ValueError, VariableSyntaxError) as error:
        return Clause(**base, operator=op, problem=f"{op.name}: {error}")
    return Clause(**base, operator=op, prepared=tuple(prepared), templates=tuple(templates))

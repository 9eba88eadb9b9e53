"""The policy AST: pydantic models, every node knowing its JSON path.

The AST keeps what a policy says, normalised (a single string or object where AWS accepts a
list becomes a one-element tuple) and nothing more; the rules AWS applies when a policy is
saved live in :mod:`policyengine.language.validation`, and evaluation runs on the compiled form
(:mod:`policyengine.language.compile`), never on these models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Node(BaseModel):
    # defer_build: the builders never validate, so pydantic's validators and serializers are
    # made on first use (model_validate, model_dump) rather than when the module is imported
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    path: str = ""  # JSON path in the policy document, e.g. "Statement/0/Action"

    @classmethod
    def build(cls, **values: Any):
        """Construct from values the builder has already checked, without re-validating.

        ``model_construct`` costs several microseconds a node; a policy has dozens of nodes and
        parsing must stay within a few times ``json.loads``. This sets exactly the state
        ``model_construct`` sets (a test compares the two).
        """
        node = cls.__new__(cls)
        # the builders usually give every field: then the keyword dict itself is the state, and
        # the set of fields given is the class's one set of all its fields (nothing changes the
        # set of a frozen model in place: pydantic copies it when it copies a model)
        every = _EVERY.get(cls)
        if every is None:
            every = _EVERY[cls] = set(cls.model_fields)
        if len(values) == len(every):
            _set_dict(node, "__dict__", values)
            _set_fields(node, every)
        else:
            _set_dict(node, "__dict__", {**_defaults(cls), **values})
            _set_fields(node, set(values))
        _set_extra(node, None)
        _set_private(node, None)
        return node


# The slots pydantic keeps a model's state in, set directly (frozen models refuse setattr).
_set_dict = object.__setattr__
_set_fields = BaseModel.__pydantic_fields_set__.__set__
_set_extra = BaseModel.__pydantic_extra__.__set__
_set_private = BaseModel.__pydantic_private__.__set__
_DEFAULTS: dict[type, dict[str, Any]] = {}
_EVERY: dict[type, set[str]] = {}  # the fields of each model


def _defaults(cls: type) -> dict[str, Any]:
    found = _DEFAULTS.get(cls)
    if found is None:
        found = _DEFAULTS[cls] = {name: field.get_default(call_default_factory=True)
                                  for name, field in cls.model_fields.items()
                                  if not field.is_required()}
    return found


class PrincipalElement(Node):
    """``Principal`` or ``NotPrincipal``: ``"*"`` or a map of principal types to values."""

    negated: bool = False  # NotPrincipal
    wildcard: bool = False  # the bare string "*"
    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (("AWS", (...)), ("Service", ...))

    def values(self, kind: str) -> tuple[str, ...]:
        return next((values for name, values in self.entries if name == kind), ())


class NameList(Node):
    """``Action`` / ``NotAction`` / ``Resource`` / ``NotResource``."""

    negated: bool = False
    values: tuple[str, ...] = ()


class ConditionEntry(Node):
    """One ``"Operator": {"key": values}`` pair of a ``Condition`` element."""

    operator: str
    key: str
    values: tuple[Any, ...]


class Statement(Node):
    index: int
    sid: str | None = None
    effect: str | None = None
    principal: PrincipalElement | None = None
    action: NameList | None = None
    resource: NameList | None = None
    condition: tuple[ConditionEntry, ...] = ()

    @property
    def label(self) -> str:
        """How explanations name the statement: its Sid, or its position."""
        return f"Sid {self.sid!r}" if self.sid else f"statement #{self.index}"


class Policy(Node):
    version: str | None = None
    id: str | None = None
    statements: tuple[Statement, ...] = ()
    value: Any = None  # the JSON value it was built from
    text: str | None = None  # the source text, when it came from text (for positions)
    file: str | None = None

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17."""
        return self.version == "2012-10-17"

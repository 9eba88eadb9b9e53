"""AWS policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, escapes.

Reference: ``spec/semantics.md`` §2.5. A template is split into parts:

* ``str``: policy text as written. When the template is used as a pattern (``StringLike``,
  ``ArnLike``, ``Resource``), its ``*`` and ``?`` stay wildcards.
* :class:`Literal`: text that is never a wildcard: what the escapes ``${*}``, ``${?}``, ``${$}``
  stand for, and (after :func:`substitute`) the value a variable was replaced with.
* :class:`Variable`: a variable still to be replaced.

Consecutive parts of the same kind are merged (``"a${*}${?}b"`` gives ``("a", Literal("*?"),
"b")``), and empty parts are dropped, so the empty string is ``()``.

Syntax, as AWS documents it: ``${`` name ``}``, or ``${`` name ``, '`` default ``'}`` with exactly
a comma and one space before the quoted default. Names are case-insensitive (:attr:`Variable.key`
is the lower-cased name used for lookups). A ``$`` not followed by ``{`` is plain text. Names are
one or more characters other than whitespace and ``$ { } ' , * ?``; whitespace anywhere inside
``${...}`` (other than the one space after the comma) is refused, as is an empty name, an
unterminated variable and an unquoted or unterminated default. Errors are
:class:`VariableSyntaxError` with the 0-based character offset of the problem.

lark is imported lazily (on the first template that holds ``${``); importing this module does
not import it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Union

from policyengine.errors import PolicyEngineError
from policyengine.resources import grammar_path

__all__ = [
    "Literal",
    "Variable",
    "VariableSyntaxError",
    "has_variables",
    "parse_template",
    "substitute",
]

GRAMMAR = "policy_variable.lark"


@dataclass(frozen=True, slots=True)
class Variable:
    """``${name}`` or ``${name, 'default'}``."""

    name: str  # as written
    key: str  # lower-cased name, for lookups
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Literal:
    """Text that is never a wildcard, even when the template is used as a pattern."""

    text: str


Part = Union[str, Literal, Variable]


class VariableSyntaxError(PolicyEngineError):
    """A malformed ``${...}``; :attr:`offset` is the 0-based character offset in the string."""

    def __init__(self, message: str, offset: int, *, text: str | None = None, **where) -> None:
        super().__init__(message, **where)
        self.offset = offset
        self.text = text

    def __str__(self) -> str:
        where = f"at character {self.offset}"
        if self.text is not None:
            where += f" of {self.text!r}"
        return f"{super().__str__()} ({where})"


def has_variables(text: str) -> bool:
    """True if ``text`` holds ``${`` (a variable or an escape), i.e. needs :func:`parse_template`."""
    return "${" in text


@lru_cache(maxsize=4096)
def parse_template(text: str) -> tuple[Part, ...]:
    """Split ``text`` into plain text, literal (escaped) text and variables.

    Raises :class:`VariableSyntaxError` for a malformed variable.
    """
    if "${" not in text:
        return (text,) if text else ()
    from lark.exceptions import UnexpectedInput

    try:
        return _build_parser().parse(text)
    except UnexpectedInput as error:
        raise _describe(text, error) from None


def substitute(
    parts: Iterable[Part], lookup: Callable[[str], str | None]
) -> list[str | Literal] | None:
    """Replace every variable with its value, as :class:`Literal` text.

    ``lookup(key)`` gets the lower-cased variable name and returns the single value of that
    context key, or None if the key is absent. An absent key uses the variable's default; with no
    default the result is None: the template cannot be resolved (positive operators then fail,
    negated ones match, a ``Resource`` entry matches nothing; the caller decides).

    The result keeps plain text as ``str`` (wildcards stay active) and merges adjacent literal
    text. An empty result (``[]``) is the empty string; test for None with ``is None``.
    """
    out: list[str | Literal] = []
    for part in parts:
        if isinstance(part, Variable):
            value = lookup(part.key)
            if value is None:
                value = part.default
                if value is None:
                    return None
            part = Literal(value)
        if isinstance(part, Literal):
            if not part.text:
                continue
            if out and isinstance(out[-1], Literal):
                out[-1] = Literal(out[-1].text + part.text)
            else:
                out.append(part)
        elif part:
            if out and isinstance(out[-1], str):
                out[-1] += part
            else:
                out.append(part)
    return out


# -- the lark parser, built once ----------------------------------------------------------------

@functools.cache  # built on first use (a race only builds it twice)
def _build_parser():
    from lark import Lark, Transformer

    class _Template(Transformer):
        def variable(self, c):
            name = str(c[1])
            default = c[3][1:-1] if len(c) == 5 else None
            return Variable(name, name.lower(), default)

        def start(self, c):
            parts: list[Part] = []
            for item in c:
                kind = getattr(item, "type", None)
                if kind == "TEXT":
                    item = str(item)
                    if parts and type(parts[-1]) is str:
                        parts[-1] += item
                        continue
                elif kind == "ESCAPE":
                    item = Literal(item[2])
                    if parts and type(parts[-1]) is Literal:
                        parts[-1] = Literal(parts[-1].text + item.text)
                        continue
                parts.append(item)
            return tuple(parts)

    text = grammar_path(GRAMMAR).read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", transformer=_Template(), cache=True)


# -- error messages -----------------------------------------------------------------------------


def _describe(text: str, error) -> VariableSyntaxError:
    """Turn a lark error into a VariableSyntaxError with a message and an offset."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(error, UnexpectedToken):
        pos = len(text) if error.token.type == "$END" else error.token.start_pos
    elif isinstance(error, UnexpectedCharacters):  # pragma: no cover - TEXT matches anything
        pos = error.pos_in_stream
    else:  # pragma: no cover - UnexpectedEOF is not raised by the LALR parser
        pos = len(text)
    parser = getattr(error, "interactive_parser", None)
    stack = list(parser.parser_state.value_stack) if parser is not None else []
    opened = next(
        (item.start_pos for item in reversed(stack) if getattr(item, "type", None) == "VAR_OPEN"),
        text.rfind("${", 0, pos + 1),
    )
    after = getattr(stack[-1], "type", None) if stack else None

    def fail(message: str, at: int) -> VariableSyntaxError:
        return VariableSyntaxError(message, at, text=text)

    if pos >= len(text) or (after != "DEFAULT_SEP" and "}" not in text[pos:]):
        return fail("unterminated variable: '${' without a closing '}'", opened)
    char = text[pos]
    if after == "VAR_OPEN":
        if char == "}":
            return fail("empty variable name", pos)
        if char.isspace():
            return fail("whitespace is not allowed in a variable name", pos)
        hint = " (the escapes are ${*}, ${?} and ${$})" if char in "*?$" else ""
        return fail(f"invalid character {char!r} at the start of a variable name{hint}", pos)
    if after == "NAME":
        if char.isspace():
            return fail("whitespace is not allowed in a variable name", pos)
        if char == ",":
            return fail("a default value is written ', ' (a comma and exactly one space) "
                        "followed by the value in single quotes", pos)
        return fail(f"invalid character {char!r} in a variable name", pos)
    if after == "DEFAULT_SEP":
        if char == "'":
            return fail("unterminated default value: missing closing single quote", pos)
        if char.isspace():
            return fail("only one space is allowed between ',' and the default value", pos)
        return fail("the default value must be in single quotes", pos)
    if after == "DEFAULT":
        return fail("expected '}' after the default value", pos)
    return fail("malformed variable", pos)  # pragma: no cover - no other parser state fails

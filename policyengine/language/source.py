"""Positioned JSON parsing: where in the text is the value at a JSON path?

Policies are parsed for evaluation with ``json.loads`` (fast). This module is the second, slower
parser that runs only when a diagnostic must point into the text: an LALR parse of
``grammars/policy_json.lark`` that builds, in one pass and without a tree, the JSON value (equal
to what ``json.loads`` returns for the same text) and the span of every value and key. lark
compiles the grammar; valid text is parsed by a small driver of lark's tables here (two to three
times faster than lark's own loop), anything else by lark's parse, whose errors are reported.

Positions
    A :class:`Span` has 1-based ``line`` and ``column`` and an *inclusive* end: ``end_column`` is
    the column of the last character of the value (a closing quote or bracket), like most linters
    report ranges. Columns count characters (code points); a tab is one column. Lines are counted
    on ``"\\n"`` only (as ``json.JSONDecodeError.lineno`` does), so a lone ``"\\r"`` does not start a
    line.

JSON paths
    A path names a value inside the document: object keys as written, array indexes in decimal,
    separated by ``"/"``; the root is ``""``. Example: ``Statement/0/Condition/StringEquals/
    kms:ViaService``. Because keys may contain ``"/"`` (``aws:PrincipalTag/team``), the string form
    is split on ``"/"`` only where that leads to an existing node: a part that is not a key of
    the current object is joined with the following part(s), and when several readings exist the
    one with the shortest keys first wins (with backtracking, so a reading that reaches the target
    is preferred to one that does not). A path may also be given as a tuple (or list) of parts,
    each a key (``str``) or an array index (``int`` or decimal ``str``); the tuple form is never
    re-split. The empty key can only be addressed with the tuple form.

Duplicate keys
    As with ``json.loads``, the last occurrence of a key wins. Every *later* occurrence is recorded
    in :attr:`SourceMap.duplicates` as ``(path, span of the repeated key)``, including repeats inside
    a value that a later duplicate overrode.

Nesting
    Containers nested deeper than :data:`MAX_DEPTH` are refused with a :class:`PolicySyntaxError`
    ("nesting deeper than 512"). ``json.loads`` itself raises ``RecursionError`` near the
    interpreter's recursion limit (about depth 1000 with the default limit of 1000), so the two
    parsers agree on every document nested at most :data:`MAX_DEPTH` deep.

The grammar is lark's (``grammars/policy_json.lark``). Valid text is parsed by a small LALR driver
over the lexer terminals and parse table lark makes of that grammar, shipped next to it
(``grammars/policy_json.tables.json``, made by :func:`write_tables` and checked against lark by
the tests), so parsing valid text does not import lark at all; invalid text is parsed again by
lark itself, whose parser state the error messages are made from.
"""

from __future__ import annotations

import functools

import gc
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from json.decoder import scanstring
from json.scanner import make_scanner
from typing import Any, Union

from policyengine.errors import PolicySyntaxError
from policyengine.resources import grammar_path

__all__ = [
    "MAX_DEPTH",
    "JsonPath",
    "Span",
    "SourceMap",
    "parse_with_positions",
    "locate",
    "find_spans",
    "syntax_error",
]

#: Deepest nesting of arrays and objects the positioned parser accepts.
MAX_DEPTH = 512

GRAMMAR = "policy_json.lark"
TABLES = "policy_json.tables.json"  # the grammar's lexer and LALR tables, made by lark

_PAUSE_GC_ABOVE = 100_000  # characters

#: A JSON path: ``"Statement/0/Effect"`` or ``("Statement", 0, "Effect")``.
JsonPath = Union[str, tuple, list]


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the text: 1-based line and column, end inclusive (last character)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}-{self.end_line}:{self.end_column}"


# A node of the position tree is a tuple:
#   scalar: (value, span, None)
#   array:  (list, span, [child nodes])
#   object: (dict, span, {key: (key_span, child node)}, duplicates or None)
#           duplicates: [(key, key_span of the later occurrence, node it overrode)]
# Spans inside the tree are plain 4-tuples; Span objects are made on lookup.

class SourceMap:
    """The parsed value of a JSON text and the span of every value and key in it."""

    __slots__ = ("value", "file", "duplicates", "_root")

    def __init__(self, root: tuple, file: str | None = None, has_duplicates: bool = False) -> None:
        self._root = root
        #: The parsed JSON value, equal to ``json.loads`` of the same text.
        self.value: Any = root[0]
        #: The file the text came from, if known.
        self.file = file
        #: Later occurrences of repeated keys: ``(path, span of the repeated key)``, in text order.
        self.duplicates: list[tuple[str, Span]] = (
            _collect_duplicates(root) if has_duplicates else []
        )

    # -- lookup ---------------------------------------------------------------------------------

    def span(self, path: JsonPath = "") -> Span | None:
        """Span of the value at ``path`` (whole object/array including brackets), or None."""
        found = self._find(path)
        return None if found is None else Span(*found[1][1])

    def key_span(self, path: JsonPath) -> Span | None:
        """Span of the object key (with its quotes) whose value is at ``path``, or None.

        None for the root, for array elements and for paths that do not exist.
        """
        found = self._find(path)
        if found is None or found[0] is None:
            return None
        return Span(*found[0])

    def nearest(self, path: JsonPath) -> Span:
        """Span of the value at ``path`` or of its closest existing ancestor (the root at worst)."""
        parts = _split(path)
        for end in range(len(parts), -1, -1):
            found = self._find_parts(parts[:end], rejoin=isinstance(path, str))
            if found is not None:
                return Span(*found[1][1])
        return Span(*self._root[1])  # pragma: no cover - the empty path always resolves

    def __contains__(self, path: JsonPath) -> bool:
        return self._find(path) is not None

    def _find(self, path: JsonPath) -> tuple | None:
        """``(key span or None, node)`` for ``path``, or None if it does not exist."""
        return self._find_parts(_split(path), rejoin=isinstance(path, str))

    def _find_parts(self, parts: list, rejoin: bool) -> tuple | None:
        if rejoin:
            return _resolve(self._root, parts)
        node, key_span = self._root, None
        for part in parts:
            kids = node[2]
            if isinstance(kids, dict):
                if not isinstance(part, str) or part not in kids:
                    return None
                key_span, node = kids[part]
            elif isinstance(kids, list):
                index = _index(part)
                if index is None or index >= len(kids):
                    return None
                key_span, node = None, kids[index]
            else:
                return None
        return key_span, node

    def __repr__(self) -> str:
        where = f" file={self.file!r}" if self.file else ""
        return f"<SourceMap{where} root={Span(*self._root[1])} duplicates={len(self.duplicates)}>"


def _split(path: JsonPath) -> list:
    if isinstance(path, str):
        return path.split("/") if path else []
    if isinstance(path, (tuple, list)):
        return list(path)
    raise TypeError(f"a JSON path is a str or a tuple of parts, not {type(path).__name__}")


def _index(part: Any) -> int | None:
    if isinstance(part, bool):
        return None
    if isinstance(part, int):
        return part if part >= 0 else None
    if isinstance(part, str) and part.isascii() and part.isdigit() and (
        part == "0" or part[0] != "0"
    ):
        return int(part)
    return None


def _resolve(root: tuple, parts: list) -> tuple | None:
    """Resolve string-path parts, joining parts with "/" where a part alone is not a key.

    A depth-first search (iterative: paths may be as deep as the document): at each object the
    shortest key that exists is tried first, longer joins on backtracking.
    """
    stack: list[tuple[tuple, tuple | None, int]] = [(root, None, 0)]
    while stack:
        node, key_span, i = stack.pop()
        if i == len(parts):
            return key_span, node
        kids = node[2]
        if isinstance(kids, list):
            index = _index(parts[i])
            if index is not None and index < len(kids):
                stack.append((kids[index], None, i + 1))
        elif isinstance(kids, dict):
            candidates = []
            key = parts[i]
            for j in range(i + 1, len(parts) + 1):
                if j > i + 1:
                    key = key + "/" + parts[j - 1]
                entry = kids.get(key)
                if entry is not None:
                    candidates.append((entry[1], entry[0], j))
            stack.extend(reversed(candidates))  # the shortest key is popped first
    return None


def _collect_duplicates(root: tuple) -> list[tuple[str, Span]]:
    """Absolute paths of every later occurrence of a repeated key, in text order."""
    found: list[tuple[tuple, str, Span]] = []
    stack: list[tuple[tuple, str]] = [(root, "")]
    while stack:  # iterative: nesting may be deep
        node, path = stack.pop()
        kids = node[2]
        if isinstance(kids, dict):
            prefix = path + "/" if path else ""
            for key, (_, child) in kids.items():
                stack.append((child, prefix + key))
            for key, kspan, overridden in node[3] or ():
                found.append((kspan, prefix + key, Span(*kspan)))
                stack.append((overridden, prefix + key))
        elif isinstance(kids, list):
            prefix = path + "/" if path else ""
            for index, child in enumerate(kids):
                stack.append((child, f"{prefix}{index}"))
    found.sort(key=lambda item: item[0][:2])
    return [(path, span) for _, path, span in found]


# -- building nodes (shared by the two parse drivers below) -------------------------------------
#
# Each grammar rule is reduced by the builder named like the rule (its alias, else its name).
# ``build(stack, size)`` replaces the rule's ``size`` children, the last items of ``stack``, with
# the rule's node: working on the parse stack in place keeps the fast driver's reductions cheap.
#
# A token is a (text, line, column) triple: its text, which carries the whitespace that follows
# it (see the grammar), and the position of its first character. Spans come from that position
# and the length of the text without the whitespace: no token spans lines once it is removed.


def _string(stack, size):
    text, line, column = stack[-1]
    end = text.rindex('"')
    value = scanstring(text, 1)[0] if "\\" in text else text[1:end]
    stack[-1] = (value, (line, column, line, column + end), None)


def _number(stack, size):
    text, line, column = stack[-1]
    text = text.rstrip(_WHITESPACE)
    try:
        if "." in text or "e" in text or "E" in text:
            value = float(text)
        else:
            value = int(text)
    except ValueError as error:  # more digits than sys.get_int_max_str_digits()
        raise PolicySyntaxError(
            f"number cannot be converted: {error}", line=line, column=column
        ) from None
    stack[-1] = (value, (line, column, line, column + len(text) - 1), None)


def _true(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (True, (line, column, line, column + 3), None)


def _false(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (False, (line, column, line, column + 4), None)


def _null(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (None, (line, column, line, column + 3), None)


def _nan(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (float("nan"), (line, column, line, column + 2), None)


def _infinity(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (float("inf"), (line, column, line, column + 7), None)


def _neg_infinity(stack, size):
    _, line, column = stack[-1]
    stack[-1] = (float("-inf"), (line, column, line, column + 8), None)


def _member(stack, size):  # KEY (the key string, whitespace, ':', whitespace) value
    node = stack.pop()
    text, line, column = stack[-1]
    end = text.rindex('"')
    key = scanstring(text, 1)[0] if "\\" in text else text[1:end]
    stack[-1] = (key, (line, column, line, column + end), node)


def _members(stack, size):  # also elements: a list of member (or value) nodes
    if size == 1:
        stack[-1] = [stack[-1]]
    else:  # members COMMA member
        last = stack.pop()
        del stack[-1]
        stack[-1].append(last)


def _object(stack, size):  # LBRACE [members] RBRACE
    _, end_line, end_column = stack.pop()
    members = stack.pop() if size == 3 else ()
    _, line, column = stack[-1]
    value: dict = {}
    kids: dict = {}
    duplicates = None
    for key, kspan, node in members:
        if key in kids:
            if duplicates is None:
                duplicates = []
                _local.duplicates = True
            duplicates.append((key, kspan, kids[key][1]))
        value[key] = node[0]
        kids[key] = (kspan, node)
    stack[-1] = (value, (line, column, end_line, end_column), kids, duplicates)


def _array(stack, size):  # LSQB [elements] RSQB
    _, end_line, end_column = stack.pop()
    nodes = stack.pop() if size == 3 else []
    _, line, column = stack[-1]
    stack[-1] = ([node[0] for node in nodes], (line, column, end_line, end_column), nodes)


_BUILDERS = {
    "string": _string, "number": _number, "true": _true, "false": _false, "null": _null,
    "nan": _nan, "infinity": _infinity, "neg_infinity": _neg_infinity,
    "member": _member, "members": _members, "elements": _members,
    "object": _object, "array": _array,
}

#: What each terminal that opens or closes a container does to the nesting depth.
_DEPTH_CHANGE = {"LBRACE": 1, "LSQB": 1, "RBRACE": -1, "RSQB": -1}


# -- the lark parser, built once ----------------------------------------------------------------
#
# The source of truth: its lexer's terminals and its LALR tables drive the fast parse below, and
# it parses every text the fast parse gives up on, so that errors are found and described by
# lark's own parse (_describe reads lark's parser state).

_local = threading.local()  # per-parse state: nesting depth, whether a key was repeated


@functools.cache  # built on first use (a race only builds it twice)
def _build_parser():
    from lark import Lark, Token, Transformer

    local = _local

    def too_deep(token) -> PolicySyntaxError:
        return PolicySyntaxError(
            f"nesting deeper than {MAX_DEPTH}",
            line=token.line,
            column=token.column,
        )

    class _JsonWithPositions(Transformer):
        """Reduces each rule into a (value, span, children[, duplicates]) node, no tree."""

        # terminal callbacks (run when the parser shifts the token): track nesting depth
        def LBRACE(self, token):
            local.depth += 1
            if local.depth > MAX_DEPTH:
                raise too_deep(token)
            return token

        LSQB = LBRACE

        def RBRACE(self, token):
            local.depth -= 1
            return token

        RSQB = RBRACE

    def from_lark(build):
        """A transformer method running ``build`` on lark's children, tokens as triples."""
        def method(self, children):
            stack = [(c, c.line, c.column) if isinstance(c, Token) else c for c in children]
            build(stack, len(stack))
            return stack[0]
        return method

    for name, build in _BUILDERS.items():
        setattr(_JsonWithPositions, name, from_lark(build))

    text = grammar_path(GRAMMAR).read_text(encoding="utf-8")
    # cache: the grammar analysis is kept in a file of the temporary folder (lark's own), which
    # makes the first positioned parse of a process two to three times faster
    return Lark(text, parser="lalr", lexer="basic", transformer=_JsonWithPositions(), cache=True)


def _lark_parse(text: str, file: str | None = None) -> tuple:
    """The root node of ``text`` by lark's own parse; a syntax error is described as a
    :class:`PolicySyntaxError` (lark is imported here, for invalid texts only)."""
    parser = _build_parser()
    from lark.exceptions import UnexpectedInput

    _local.depth = 0
    try:
        return parser.parse(text)
    except UnexpectedInput as error:
        raise _describe(text, error, file) from None
    finally:
        _local.depth = 0


# -- the fast parse: lark's terminals and tables, driven here -----------------------------------
#
# A lark parse spends nearly all its time in per-token machinery (Token objects, line counting,
# the generic parser loop): about 4 µs a token. The loop below drives the same LALR tables with
# one regex made of the same terminals, two to three times faster. It only ever completes on valid
# text: at the first sign of trouble it gives up, and lark's parse of the text raises the error.


@dataclass(frozen=True, slots=True)
class _Tables:
    match: Any  # .match of the regex of all terminals, a named group each
    ignore: frozenset  # terminals lark's lexer skips (whitespace before the value)
    actions: list  # by state: {symbol: next state (shift, goto) or (size, builder, origin)}
    start: int
    end: int


@functools.cache
def _fast_tables() -> _Tables | None:
    """The fast path's tables: the ones shipped next to the grammar when they were made from it
    (no lark import at all), else lark's, read now; None (every parse goes through lark) when the
    installed lark keeps its parser in a shape this module does not know."""
    try:
        data = json.loads(grammar_path(TABLES).read_text(encoding="utf-8"))
        if data.get("grammar") == _grammar_digest():
            return _tables(data)
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or out of date: lark makes them
    try:
        return _tables(tables_from_lark())
    except (AttributeError, ImportError, KeyError, RuntimeError, TypeError):
        return None


def _grammar_digest() -> str:
    return hashlib.sha256(grammar_path(GRAMMAR).read_bytes()).hexdigest()


def _tables(data: dict) -> _Tables:
    """The tables of :func:`tables_from_lark`'s form, ready to drive a parse."""
    master = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in data["terminals"]),
                        data["flags"])
    actions = [{symbol: action if isinstance(action, int)
                else (action[0], _BUILDERS[action[1]] if action[1] else None, action[2])
                for symbol, action in row.items()}
               for row in data["actions"]]
    return _Tables(master.match, frozenset(data["ignore"]), actions, data["start"], data["end"])


def tables_from_lark() -> dict:
    """Lark's lexer terminals and LALR table for the grammar, as JSON-ready data: what
    ``grammars/policy_json.tables.json`` holds (:func:`write_tables` makes it)."""
    from lark.parse_tree_builder import ExpandSingleChild
    from lark.parsers.lalr_analysis import Shift

    lark = _build_parser()
    # The lexer: lark's basic lexer tries its terminals in this order and takes the first that
    # matches, so a regex with one alternative per terminal, in the same order, matches the same
    # tokens (lark's lexer is built the same way).
    terminals = [[t.name, t.pattern.to_regexp()] for t in lark.parser.lexer.terminals]

    # The parser: lark's LALR table, states renumbered 0..n-1 to index a list. A reduction runs
    # the builder of the rule's name, as lark's transformer does, or none when lark lets the
    # single child stand for the rule (a ?rule with one child).
    parser = lark.parser.parser.parser
    table = parser.parse_table
    number = {state: index for index, state in enumerate(table.states)}

    def reduction(rule) -> list:
        callback = parser.callbacks[rule]
        if isinstance(callback, ExpandSingleChild) and len(rule.expansion) == 1:
            return [1, None, rule.origin.name]
        name = rule.alias or rule.origin.name
        if name not in _BUILDERS or callback != getattr(lark.options.transformer, name, None):
            raise RuntimeError(f"the grammar rule {rule} has no builder")
        return [len(rule.expansion), name, rule.origin.name]

    actions = [{symbol: number[target] if action is Shift else reduction(target)
                for symbol, (action, target) in row.items()}
               for row in table.states.values()]
    return {"grammar": _grammar_digest(), "terminals": terminals,
            "flags": int(lark.lexer_conf.g_regex_flags), "ignore": sorted(lark.lexer_conf.ignore),
            "actions": actions, "start": number[table.start_states["start"]],
            "end": number[table.end_states["start"]]}


def write_tables() -> Path:
    """Write ``grammars/policy_json.tables.json`` from the grammar (after changing it)."""
    path = grammar_path(GRAMMAR).with_name(TABLES)
    path.write_text(json.dumps(tables_from_lark(), separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return path


def _tokens(text: str, tables: _Tables):
    """The tokens lark's lexer makes of ``text``: (terminal name, (text, line, column)) each,
    then ("$END", None); or, where no terminal matches, (None, offset) and no more."""
    match, ignore = tables.match, tables.ignore
    pos, size = 0, len(text)
    line, line_start = 1, 0  # line_start: the offset where `line` begins
    while pos < size:
        m = match(text, pos)
        if m is None:
            yield None, pos
            return
        kind, end = m.lastgroup, m.end()
        if kind not in ignore:
            yield kind, (m.group(), line, pos - line_start + 1)
        newlines = text.count("\n", pos, end)  # only ever in the trailing whitespace
        if newlines:
            line += newlines
            line_start = text.rindex("\n", pos, end) + 1
        pos = end
    yield "$END", None


def _fast_parse(text: str, tables: _Tables) -> tuple | None:
    """The root node of ``text``, or None if lark must parse it: the text is not valid JSON,
    nests deeper than MAX_DEPTH or holds a number that cannot be converted."""
    actions, end = tables.actions, tables.end
    state = tables.start
    states = [state]  # the LALR stack; values[i] is the token or node that led to states[i+1]
    values: list = []
    depth = 0
    for kind, token in _tokens(text, tables):
        change = _DEPTH_CHANGE.get(kind)
        if change:
            depth += change
            if depth > MAX_DEPTH:
                return None
        while True:  # reduce as long as the table says so, then shift the token
            action = actions[state].get(kind)
            if action is None:  # a syntax error, or a character no terminal matches
                return None
            if type(action) is int:  # shift
                state = action
                states.append(state)
                values.append(token)
                break
            size, build, origin = action  # reduce, then go to the state after `origin`
            if build is not None:
                try:
                    build(values, size)
                except PolicySyntaxError:  # a number too long for int()
                    return None
            del states[-size:]
            state = actions[states[-1]][origin]
            if state == end:  # the start rule is reduced (at $END): the text is accepted
                return values[-1]
            states.append(state)
    return None  # pragma: no cover - $END is either accepted or refused above


# -- public functions ---------------------------------------------------------------------------


def parse_with_positions(text: str, file: str | None = None) -> SourceMap:
    """Parse ``text`` as strict JSON (exactly what ``json.loads`` accepts) and keep positions.

    Raises :class:`PolicySyntaxError` with 1-based line and column for any invalid input, and for
    containers nested deeper than :data:`MAX_DEPTH`.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    tables = _fast_tables()  # read on first use
    _local.duplicates = False
    # A big document allocates millions of small tuples; the cyclic garbage collector would
    # rescan them over and over (a 10 MB document parses almost twice as fast without it).
    # Nothing built here can form a cycle, so it is paused for the parse and resumed after.
    pause_gc = len(text) > _PAUSE_GC_ABOVE and gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        root = _fast_parse(text, tables) if tables is not None else None
        if root is None:  # not valid (or too deep): lark's parse raises the error
            _local.duplicates = False
            root = _lark_parse(text, file)
    except PolicySyntaxError as error:
        raise error.located(file=file) from None
    except RecursionError:  # pragma: no cover - the parser is iterative; belt and braces
        raise PolicySyntaxError(f"nesting deeper than {MAX_DEPTH}", file=file, line=1,
                                column=1) from None
    finally:
        if pause_gc:
            gc.enable()
    return SourceMap(root, file=file, has_duplicates=_local.duplicates)


_SCAN = make_scanner(json.JSONDecoder())  # json's C scanner: (value, end) from an offset
_SPACE = re.compile(r"[ \t\n\r]*")


def find_spans(text: str, path: str) -> tuple[Span | None, Span] | None:
    """``(key span or None, value span)`` of the value at ``path`` in ``text``, which must be
    text that ``json.loads`` accepts, found without a positioned parse: the values off the path
    are skipped by json's C scanner. None when the path's plain reading (every ``"/"`` a
    separator) does not exist, or for anything unexpected: :class:`SourceMap` then has the
    answer (keys holding ``"/"``, the nearest ancestor). Where both answer, they agree (the
    tests check it); this one is many times faster, which matters to linters reporting a
    finding or two per file."""
    try:
        return _find_spans(text, path.split("/") if path else [])
    except (ValueError, IndexError, StopIteration):
        return None


def _find_spans(text: str, parts: list[str]) -> tuple[Span | None, Span] | None:
    space = _SPACE.match
    pos = space(text).end()
    key = None  # (start, end) of the key naming the current value
    for part in parts:
        opening = text[pos]
        pos = space(text, pos + 1).end()
        if opening == "{":
            found = None
            while text[pos] == '"':  # every member: a repeated key's last value wins
                start = pos
                name, end = scanstring(text, pos + 1)
                pos = space(text, space(text, end).end() + 1).end()  # past the colon
                if name == part:
                    found = (start, end), pos
                pos = space(text, _SCAN(text, pos)[1]).end()
                if text[pos] == ",":
                    pos = space(text, pos + 1).end()
            if found is None:
                return None
            key, pos = found
        elif opening == "[":
            index = _index(part)
            if index is None or text[pos] == "]":
                return None
            for _ in range(index):
                pos = space(text, _SCAN(text, pos)[1]).end()
                if text[pos] != ",":
                    return None  # the array is shorter
                pos = space(text, pos + 1).end()
            key = None
        else:
            return None
    value = _span_of(text, pos, _SCAN(text, pos)[1])
    return (_span_of(text, *key) if key else None), value


def _span_of(text: str, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` (``end`` exclusive, the span's end inclusive)."""
    return Span(*_line_col(text, start), *_line_col(text, end - 1))


@lru_cache(maxsize=32)
def _cached_source_map(text: str) -> SourceMap:
    return parse_with_positions(text)


def locate(text: str, path: JsonPath) -> Span | None:
    """Span of the value at ``path`` in ``text`` (None if there is no such value).

    The positioned parse of the last few texts is cached. Raises :class:`PolicySyntaxError` if
    ``text`` is not valid JSON.
    """
    return _cached_source_map(text).span(path)


def syntax_error(text: str, file: str | None = None) -> PolicySyntaxError:
    """The positioned error for ``text`` that ``json.loads`` rejected (returned, not raised).

    The position comes from the lark parse; if that parse accepts the text (which happens only for
    errors that are not about syntax), from ``json.JSONDecodeError``. Raises ``ValueError`` if
    neither parser finds anything wrong.
    """
    try:
        parse_with_positions(text, file)
    except PolicySyntaxError as error:
        return error
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return PolicySyntaxError(error.msg, file=file, line=error.lineno, column=error.colno)
    except RecursionError:
        return PolicySyntaxError("nesting too deep", file=file, line=1, column=1)
    except ValueError as error:
        return PolicySyntaxError(str(error), file=file, line=1, column=1)
    raise ValueError("syntax_error() was given valid JSON")


# -- error messages -----------------------------------------------------------------------------

_WHITESPACE = " \t\n\r"
_CLOSE = {"LBRACE": "}", "LSQB": "]"}
_STRING_BODY = re.compile(r'(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERAL_HINTS = {
    "True": "true", "False": "false", "None": "null", "TRUE": "true", "FALSE": "false",
    "NULL": "null", "Null": "null", "nan": "NaN", "inf": "Infinity", "infinity": "Infinity",
    "undefined": "null",
}


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _context(error) -> tuple[str, str, Any]:
    """Where the parser was: (innermost open container or "", what precedes the error, the
    token that opened the container or None).

    The second item is one of "start", "open" (just after "{" or "["), "comma", "colon" (after
    an object key and its ':'), "value" (a complete value).
    """
    parser = getattr(error, "interactive_parser", None)
    stack = list(parser.parser_state.value_stack) if parser is not None else []
    container, opened, closed = "", None, 0
    for item in reversed(stack):  # the innermost container that is still open
        kind = getattr(item, "type", None)
        if kind in ("RBRACE", "RSQB"):
            closed += 1
        elif kind in _CLOSE:
            if closed:
                closed -= 1
            else:
                container, opened = kind, item
                break
    if not stack:
        return container, "start", opened
    top = stack[-1]
    kind = getattr(top, "type", None)
    if kind in _CLOSE:
        return container, "open", opened
    if kind == "COMMA":
        return container, "comma", opened
    if kind == "KEY":  # a key with its ':'
        return container, "colon", opened
    return container, "value", opened


def _expectation(container: str, where: str) -> str:
    if where == "colon":
        return "expected a value after ':'"
    if where == "comma":
        if container == "LBRACE":
            return "expected a double-quoted key after ','"
        return "expected a value after ','"
    if where == "open":
        if container == "LBRACE":
            return "expected a double-quoted key or '}'"
        return "expected a value or ']'"
    if where == "start":
        return "expected a JSON value"
    if container == "LBRACE":
        return "expected ',' or '}' after an object member"
    if container == "LSQB":
        return "expected ',' or ']' after an array element"
    return "extra data after the JSON value"


def _describe(text: str, error, file: str | None) -> PolicySyntaxError:
    """Turn a lark error into a PolicySyntaxError with a useful message, position and path."""
    message, pos = _message(text, error)
    line, column = _line_col(text, pos)
    return PolicySyntaxError(message, json_path=_error_path(error), file=file, line=line,
                             column=column)


def _message(text: str, error) -> tuple[str, int]:
    """The message for a lark error and the offset it points at."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    container, where, opened = _context(error)
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        if where == "start":
            return "unexpected end of input: expected a JSON value", len(text)
        if not container:  # pragma: no cover - a complete value before $END is accepted
            return "unexpected end of input", len(text)
        message = f"unexpected end of input: {_expectation(container, where)}"
        if where == "value":
            message = f"unexpected end of input: missing '{_CLOSE[container]}'"
        kind = "object" if container == "LBRACE" else "array"
        message += f" (the {kind} opened at {opened.line}:{opened.column} is not closed)"
        return message, len(text)

    if isinstance(error, UnexpectedToken):
        token = error.token
        pos = token.start_pos
        wants_key = container == "LBRACE" and where in ("open", "comma")
        if token.type == "STRING" and wants_key:
            # a string where a key was expected: what follows it is not ':'
            pos += len(token)
            if pos == len(text):
                return "unexpected end of input: expected ':' after an object key", pos
            return f"expected ':' after an object key, found {text[pos]!r}", pos
        if token.type == "KEY" and not wants_key and where != "value":
            # a string where a value may stand, then ':' where it has no place
            return f"{_expectation(container, 'value')}, found ':'", pos + token.rindex(":")
        if token.type in ("RBRACE", "RSQB") and where == "comma":
            return f"trailing comma before '{token.rstrip(_WHITESPACE)}' is not allowed", pos
        if token.type == "NUMBER" and where == "value" and _leading_zero(text, pos):
            return "numbers cannot have leading zeros", pos - 1
        return f"{_expectation(container, where)}, found {_found(token)}", pos

    assert isinstance(error, UnexpectedCharacters)
    return _bad_character(text, error.pos_in_stream, container, where)


def _error_path(error) -> str:
    """JSON path of where the parser was: the innermost open container, plus the member key or
    element index being read when there is one."""
    parser = getattr(error, "interactive_parser", None)
    if parser is None:  # pragma: no cover - lark attaches it to every UnexpectedInput
        return ""
    frames: list[tuple[str, list]] = []  # open containers and what the stack holds inside each
    for item in parser.parser_state.value_stack:
        kind = getattr(item, "type", None)
        if kind in ("RBRACE", "RSQB"):
            frames.pop()  # complete, not reduced yet: a value inside the enclosing frame
            continue
        if frames:
            frames[-1][1].append(item)
        if kind in _CLOSE:
            frames.append((kind, []))
    parts = []
    for kind, items in frames:
        part = None
        if kind == "LBRACE":
            # a KEY stays on the stack until its member is reduced
            keys = [item for item in items if getattr(item, "type", None) == "KEY"]
            if keys:
                part = scanstring(keys[-1], 1)[0]
        elif items and isinstance(items[0], list):  # elements so far, then ',' and the next
            part = str(len(items[0])) if len(items) > 1 else None
        elif items:  # the first element, still being read
            part = "0"
        if part is None:
            break
        parts.append(part)
    return "/".join(parts)


def _found(token) -> str:
    text = str(token).rstrip(_WHITESPACE)
    if token.type == "KEY":
        text = text[:-1].rstrip(_WHITESPACE)
    if len(text) > 24:
        text = text[:21] + "..."
    return text if token.type in ("STRING", "KEY") else f"'{text}'"


def _leading_zero(text: str, pos: int) -> bool:
    """True if the number at ``pos`` directly follows a lone 0 (as in ``01`` or ``-007``)."""
    return pos > 0 and text[pos - 1] == "0" and (
        pos == 1 or not text[pos - 2].isdigit() and text[pos - 2] != "."
    )


def _bad_character(text: str, pos: int, container: str, where: str) -> tuple[str, int]:
    char = text[pos]
    if char == '"':
        end = _STRING_BODY.match(text, pos + 1).end()
        if end >= len(text):
            return "unterminated string", pos
        bad = text[end]
        if bad == "\\":
            escape = text[end:end + 6] if text[end + 1:end + 2] == "u" else text[end:end + 2]
            if escape.startswith("\\u"):
                return f"invalid \\uXXXX escape {escape!r}", end
            return f"invalid escape {escape!r} in string", end
        if bad == "\n":
            return "unterminated string: a raw line break cannot appear in a string " \
                   "(use \\n)", end
        return f"invalid control character U+{ord(bad):04X} in string", end
    if char == "'":
        return "strings and keys must use double quotes, not single quotes", pos
    if char == "\ufeff":
        return "unexpected byte order mark (U+FEFF)", pos
    if char == "/" and text[pos + 1:pos + 2] in ("/", "*"):
        return "comments are not allowed in JSON", pos
    if where == "value" and char in ".eE" and pos > 0 and text[pos - 1].isdigit():
        part = "fraction" if char == "." else "exponent"
        return f"invalid number: digits expected in the {part}", pos
    if char == "-" or char == "+" or char == ".":
        return f"invalid number starting with {char!r}", pos
    word = _WORD.match(text, pos)
    if word is not None:
        found = word.group()
        hint = _LITERAL_HINTS.get(found)
        if where in ("start", "open", "colon", "comma") and not (
            where in ("open", "comma") and container == "LBRACE"
        ):
            if hint:
                return f"unknown literal '{found}' (JSON spells it {hint})", pos
            return f"{_expectation(container, where)}, found '{found}'", pos
        if where in ("open", "comma") and container == "LBRACE":
            return f"{_expectation(container, where)}; keys must be double-quoted, " \
                   f"found '{found}'", pos
        return f"{_expectation(container, where)}, found '{found}'", pos
    if char.isspace():
        return f"unexpected whitespace character U+{ord(char):04X}", pos
    if ord(char) < 0x20:
        return f"unexpected control character U+{ord(char):04X}", pos
    return f"unexpected character {char!r}: {_expectation(container, where)}", pos

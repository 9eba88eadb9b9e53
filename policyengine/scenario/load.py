"""Reading scenario files, with the file, JSON path, line and column in every error.

``load_scenario_file(path)`` returns each scenario of the file with its
:class:`SourcePositions`, which later stages ask for the line of anything inside the scenario
(``keys/0/policy/Statement/1``) when they find a problem the format itself does not cover.

Every failure is a :class:`~policyengine.errors.ScenarioError`, never a traceback: a missing or
unreadable file, bytes that are not UTF-8, malformed YAML or JSON, duplicate keys, a top level
that is not a scenario object, and every violation of the format (from the pydantic models).
When a file has several problems, the one nearest the top is raised and all of them are in its
``problems`` attribute (a list of ScenarioError, in file order).

JSON paths are "/"-joined, with keys as written in the file (``keys/0/grants/1/GranteePrincipal``)
and array indexes in decimal. In a ``.json`` file that holds an array of scenarios, error paths
start with the scenario's index (``1/requests/0/expect``); :class:`SourcePositions` takes paths
relative to its scenario and :meth:`SourcePositions.absolute` adds the index.
"""

from __future__ import annotations

import difflib
import json
import typing
from os import PathLike
from pathlib import Path
from typing import Any, Callable, Iterable, Union

from pydantic import BaseModel, ValidationError

from ..errors import PolicyEngineError, ScenarioError, json_kind
from . import models
from .models import Scenario
from .yaml_positions import Position, load_yaml

__all__ = [
    "SUFFIXES",
    "SourcePositions",
    "load_scenario_file",
    "load_scenario_text",
    "scenario_from_data",
]

#: File suffixes (compared case-insensitively) and the syntax they hold.
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

JsonPath = Union[str, tuple, list]
LineColumn = tuple[int, int]

_MISSING = object()


# -- positions ----------------------------------------------------------------------------------


class _YamlBackend:
    def __init__(self, root: Position | None) -> None:
        self.root = root

    def _node(self, parts: tuple) -> Position | None:
        node = self.root
        for part in parts:
            if node is None:
                return None
            node = node.child(part)
        return node

    def value(self, parts: tuple) -> LineColumn | None:
        node = self._node(parts)
        return (node.line, node.column) if node else None

    def key(self, parts: tuple) -> LineColumn | None:
        node = self._node(parts)
        if node is None or node.key_line is None:
            return None
        return node.key_line, node.key_column

    def inside_string(self, parts: tuple, text: str, rest: str) -> LineColumn | None:
        node = self._node(parts)
        if node is None:
            return None
        if node.block is not None:  # a literal block: its lines are the file's lines
            span = _locate(text, rest)
            if span is not None:
                first_line, indent = node.block
                return first_line + span[0] - 1, indent + span[1]
        return node.line, node.column


class _JsonBackend:
    """Positions from the positioned JSON parser of ``policyengine.language.source``, computed
    on first use; without that module, no positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._map: Any = None
        self._failed = False

    def _source_map(self):
        if self._map is None and not self._failed:
            try:
                from policyengine.language.source import parse_with_positions
            except ImportError:
                self._failed = True
                return None
            try:
                self._map = parse_with_positions(self.text)
            except Exception:  # noqa: BLE001 - positions are a courtesy, never a new failure
                self._failed = True
        return self._map

    def value(self, parts: tuple) -> LineColumn | None:
        source_map = self._source_map()
        if source_map is None:
            return _locate(self.text, parts)
        try:
            span = source_map.span(parts)
        except Exception:  # noqa: BLE001
            return None
        return (span.line, span.column) if span else None

    def key(self, parts: tuple) -> LineColumn | None:
        source_map = self._source_map()
        if source_map is None or not parts:
            return None
        try:
            span = source_map.key_span(parts)
        except Exception:  # noqa: BLE001
            return None
        return (span.line, span.column) if span else None

    def inside_string(self, parts: tuple, text: str, rest: str) -> LineColumn | None:
        return self.value(parts)


def _locate(text: str, path: JsonPath) -> LineColumn | None:
    """(line, column) of ``path`` in JSON ``text`` via ``language.source.locate``, if there."""
    try:
        from policyengine.language.source import locate
    except ImportError:
        return None
    try:
        span = locate(text, path)
    except Exception:  # noqa: BLE001 - not JSON, too deep, ...: no position
        return None
    return (span.line, span.column) if span is not None else None


class SourcePositions:
    """Where the values of one scenario are in its file.

    Paths are relative to the scenario: ``"keys/0/policy/Statement/1"`` or a tuple of parts
    (``("keys", 0, "policy", "Statement", 1)``, never re-split). In the string form a key that
    holds ``"/"`` (``aws:ResourceTag/team``) is found by trying the splits that lead to existing
    values. A path that goes on inside a string (a policy given as JSON text) gets the position
    inside that text when the string is a YAML literal block (``policy: |``), else the position
    of the string itself.
    """

    def __init__(self, data: Any, backend: Any, *, prefix: tuple = (),
                 file: str | None = None) -> None:
        self.data = data
        self._backend = backend
        #: the scenario's location in its file: ``()`` or ``(index,)`` in a JSON array
        self.prefix = tuple(prefix)
        self.file = file

    @classmethod
    def empty(cls, data: Any = None, file: str | None = None) -> "SourcePositions":
        """Positions that know no line (for scenarios built from data)."""
        return cls(data, None, file=file)

    def absolute(self, json_path: JsonPath = "") -> str:
        """The path from the top of the file, as a "/"-joined string."""
        parts = self.prefix + tuple(_split(json_path))
        return "/".join(str(part) for part in parts)

    def position(self, json_path: JsonPath = "") -> LineColumn | None:
        """(line, column), 1-based, of the value at ``json_path``; None if there is none."""
        parts, value, rest = self._resolve(json_path)
        if self._backend is None:
            return None
        if not rest:
            return self._backend.value(self.prefix + parts)
        if isinstance(value, str):
            return self._backend.inside_string(self.prefix + parts, value, "/".join(rest))
        return None

    def key_position(self, json_path: JsonPath) -> LineColumn | None:
        """(line, column) of the key that names the value at ``json_path`` (None for list
        items and unknown paths)."""
        parts, _, rest = self._resolve(json_path)
        if self._backend is None or rest or not parts:
            return None
        return self._backend.key(self.prefix + parts)

    def nearest(self, json_path: JsonPath = "") -> LineColumn | None:
        """The position of ``json_path``, or of its nearest ancestor that exists."""
        parts, value, rest = self._resolve(json_path)
        if self._backend is None:
            return None
        if rest and isinstance(value, str):
            found = self._backend.inside_string(self.prefix + parts, value, "/".join(rest))
            if found is not None:
                return found
        while True:
            found = self._backend.value(self.prefix + parts)
            if found is not None or not parts:
                return found
            parts = parts[:-1]

    def locator(self, json_path: JsonPath = "") -> Callable[[JsonPath], LineColumn | None]:
        """A function from paths *inside* the value at ``json_path`` (a policy, say) to
        positions in the file: ``positions.locator("keys/0/policy")("Statement/1")``."""
        base = tuple(self._resolve(json_path)[0])

        def position(inner: JsonPath) -> LineColumn | None:
            if isinstance(inner, (tuple, list)):
                return self.position(base + tuple(inner))
            inner = inner.strip("/")
            if not inner:
                return self.position(base)
            return self._position_below(base, inner)

        return position

    def locate_error(self, error: PolicyEngineError, under: JsonPath = "") -> PolicyEngineError:
        """Fill in ``error``'s file and position from its ``json_path`` (relative to the value
        at ``under``) and make the path absolute in the file. Returns the error."""
        base = self._resolve(under)[0]
        inner = error.json_path or ""
        where = self._position_below(base, inner) if inner else self.position(base)
        if where is None:
            where = self.nearest(base)
        joined = "/".join(str(p) for p in self.prefix + tuple(base))
        error.json_path = "/".join(p for p in (joined, inner) if p)
        return error.located(file=self.file, line=where[0] if where else None,
                             column=where[1] if where else None)

    # -- internals --

    def _position_below(self, base: tuple, inner: str) -> LineColumn | None:
        if self._backend is None:
            return None
        value = _get(self.data, base)
        if isinstance(value, str):
            return self._backend.inside_string(self.prefix + base, value, inner)
        parts, found, rest = _resolve(value, inner.split("/"))
        if not rest:
            return self._backend.value(self.prefix + base + parts)
        if isinstance(found, str):
            return self._backend.inside_string(self.prefix + base + parts, found, "/".join(rest))
        return None

    def _resolve(self, json_path: JsonPath) -> tuple[tuple, Any, list]:
        """(parts that exist, the value there, the parts left over)."""
        if isinstance(json_path, (tuple, list)):
            parts, value = [], self.data
            for i, part in enumerate(json_path):
                nxt = _child(value, part)
                if nxt is _MISSING:
                    return tuple(parts), value, [str(p) for p in json_path[i:]]
                parts.append(int(part) if isinstance(value, list) else part)
                value = nxt
            return tuple(parts), value, []
        json_path = json_path.strip("/")
        if not json_path:
            return (), self.data, []
        return _resolve(self.data, json_path.split("/"))


def _split(json_path: JsonPath) -> list:
    if isinstance(json_path, (tuple, list)):
        return list(json_path)
    json_path = json_path.strip("/")
    return json_path.split("/") if json_path else []


def _child(value: Any, part: Any) -> Any:
    if isinstance(value, dict):
        return value.get(part, _MISSING) if isinstance(part, str) else _MISSING
    if isinstance(value, list):
        if isinstance(part, bool):
            return _MISSING
        if isinstance(part, str):
            if not part.isdigit() or (len(part) > 1 and part[0] == "0"):
                return _MISSING
            part = int(part)
        if isinstance(part, int) and 0 <= part < len(value):
            return value[part]
    return _MISSING


def _resolve(value: Any, pieces: list[str]) -> tuple[tuple, Any, list]:
    """Walk ``pieces`` (a "/"-split path) down ``value``, joining pieces into keys that hold
    "/" where needed; the reading that goes deepest wins, shortest keys first."""
    best: tuple[tuple, Any, list] = ((), value, pieces)
    if not pieces:
        return best
    if isinstance(value, dict):
        for end in range(1, len(pieces) + 1):
            key = "/".join(pieces[:end])
            if key in value:
                parts, found, rest = _resolve(value[key], pieces[end:])
                if not rest:
                    return (key,) + parts, found, rest
                if len(rest) < len(best[2]):
                    best = ((key,) + parts, found, rest)
        return best
    nxt = _child(value, pieces[0])
    if nxt is _MISSING:
        return best
    parts, found, rest = _resolve(nxt, pieces[1:])
    return (int(pieces[0]),) + parts, found, rest


def _get(value: Any, parts: Iterable) -> Any:
    for part in parts:
        value = _child(value, part)
        if value is _MISSING:
            return None
    return value


# -- loading ------------------------------------------------------------------------------------


def load_scenario_file(path: Union[str, PathLike]) -> list[tuple[Scenario, SourcePositions]]:
    """Every scenario in the file at ``path``, each with where its values are in the file.

    ``.yaml`` / ``.yml`` files hold one scenario object; ``.json`` files one scenario object or
    a JSON array of them. Raises :class:`ScenarioError` for anything else.
    """
    name = str(path)
    target = Path(path)
    if target.is_dir():
        raise ScenarioError("is a directory, not a scenario file", file=name)
    syntax = SUFFIXES.get(target.suffix.lower())
    if syntax is None:
        raise ScenarioError(
            f"not a scenario file: {target.name!r} (scenario files end in .yaml, .yml or .json)",
            file=name)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise ScenarioError("no such file", file=name) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, not a scenario file", file=name) from None
    except PermissionError:
        raise ScenarioError("cannot read the file: permission denied", file=name) from None
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror or error}",
                            file=name) from None
    return load_scenario_text(_decode(raw, name), syntax=syntax, file=name)


def load_scenario_text(text: str, *, syntax: str = "yaml",
                       file: str | None = None) -> list[tuple[Scenario, SourcePositions]]:
    """Like :func:`load_scenario_file` for text already read; ``syntax`` is ``"yaml"`` or
    ``"json"`` (only JSON text may hold an array of scenarios)."""
    if syntax == "yaml":
        data, tree = load_yaml(text, file)
        backend: Any = _YamlBackend(tree)
    elif syntax == "json":
        data = _load_json(text, file)
        backend = _JsonBackend(text)
    else:
        raise ValueError(f"syntax must be 'yaml' or 'json', not {syntax!r}")

    if data is None and (syntax == "yaml" or not text.strip()):
        raise ScenarioError("the file is empty (a scenario file holds a scenario object)",
                            file=file, line=1, column=1)
    def at_top(message: str) -> ScenarioError:
        line, column = SourcePositions(data, backend, file=file).position(()) or (1, 1)
        return ScenarioError(message, file=file, line=line, column=column)

    if isinstance(data, list) and syntax == "json":
        if not data:
            raise at_top("the array holds no scenarios")
        return [_one(item, SourcePositions(item, backend, prefix=(i,), file=file), file)
                for i, item in enumerate(data)]
    if not isinstance(data, dict):
        allowed = "an object, or an array of objects" if syntax == "json" else "an object"
        raise at_top(f"the file holds {json_kind(data)}; a scenario file holds {allowed}")
    return [_one(data, SourcePositions(data, backend, file=file), file)]


def _one(data: Any, positions: SourcePositions, file: str | None
         ) -> tuple[Scenario, SourcePositions]:
    if not isinstance(data, dict):
        where = positions.position(()) or (None, None)
        raise ScenarioError(f"a scenario is an object, not {json_kind(data)}",
                            json_path=positions.absolute(), file=file, line=where[0],
                            column=where[1])
    return scenario_from_data(data, positions=positions, file=file), positions


def scenario_from_data(data: Any, *, positions: SourcePositions | None = None,
                       file: str | None = None) -> Scenario:
    """Validate one scenario given as plain data; errors become :class:`ScenarioError` with
    the JSON path (and, with ``positions``, the line and column)."""
    if positions is None:
        positions = SourcePositions.empty(data, file)
    file = file if file is not None else positions.file
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        items = error.errors()
    problems = [_scenario_error(item, data, positions, file) for item in items]
    problems = _in_file_order(problems, [item.get("type") for item in items])
    first = problems[0]
    first.problems = problems
    raise first


def _in_file_order(problems: list[ScenarioError], kinds: list) -> list[ScenarioError]:
    """By position; a missing field comes right after an unknown field of the same object
    (most likely its misspelling), which would otherwise follow it."""
    def position(problem: ScenarioError) -> tuple:
        return (problem.line is None, problem.line or 0, problem.column or 0)

    unknown: dict[str, tuple] = {}
    for problem, kind in zip(problems, kinds):
        if kind == "extra_forbidden":
            parent = problem.json_path.rpartition("/")[0]
            unknown.setdefault(parent, position(problem))
    keys = []
    for problem, kind in zip(problems, kinds):
        parent = problem.json_path.rpartition("/")[0]
        if kind == "missing" and parent in unknown:
            keys.append(unknown[parent] + (1,))
        else:
            keys.append(position(problem) + (0,))
    order = sorted(range(len(problems)), key=lambda i: keys[i])
    return [problems[i] for i in order]


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[start:error.start].decode("utf-8", "replace")) + 1
        raise ScenarioError(f"the file is not UTF-8 text (byte {raw[error.start]:#04x})",
                            file=file, line=line, column=column) from None


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _load_json(text: str, file: str | None) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"invalid JSON: {error.msg}", file=file, line=error.lineno,
                            column=error.colno) from None
    except _DuplicateKey as duplicate:
        key = duplicate.args[0]
        path, where = "", None
        try:
            from policyengine.language.source import parse_with_positions

            found = parse_with_positions(text).duplicates
        except Exception:  # noqa: BLE001 - no position, the error stands
            found = ()
        if found:
            path, span = found[0]
            where = span
        raise ScenarioError(f"duplicate key {key!r}", json_path=path, file=file,
                            line=where.line if where else None,
                            column=where.column if where else None) from None
    except RecursionError:
        raise ScenarioError("invalid JSON: nesting too deep", file=file) from None


# -- validation errors --------------------------------------------------------------------------

def _alias_table() -> dict[str, tuple[str, ...]]:
    """Input name -> the other names of the same field, over every model of the format."""
    table: dict[str, set[str]] = {}
    for model in vars(models).values():
        if isinstance(model, type) and issubclass(model, BaseModel):
            for names in models.field_names(model).values():
                for name in names:
                    table.setdefault(name, set()).update(n for n in names if n != name)
    return {name: tuple(sorted(others)) for name, others in table.items() if others}


_ALIASES = _alias_table()


def _scenario_error(item: dict, data: Any, positions: SourcePositions,
                    file: str | None) -> ScenarioError:
    loc = list(item.get("loc", ()))
    on_key = bool(loc) and loc[-1] == "[key]"
    if on_key:
        loc.pop()
    at = (item.get("ctx") or {}).get("at")
    if at:
        loc.extend(at)
    parts = _as_written(data, loc)
    message = _message(item, data, parts)
    where = None
    if on_key or item.get("type") == "extra_forbidden":
        where = positions.key_position(parts)
    if where is None:
        where = positions.position(parts) or positions.nearest(parts)
    return ScenarioError(message, json_path=positions.absolute(parts), file=file,
                         line=where[0] if where else None, column=where[1] if where else None)


def _as_written(data: Any, loc: list) -> tuple:
    """Pydantic's location as the path in the input: keys as written (the alias used), and
    the ``levels/0`` of a plain list of SCPs/RCPs (read as one level) dropped."""
    parts: list = []
    value = data
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(value, list):
            if part == "levels" and i + 1 < len(loc) and loc[i + 1] == 0:
                i += 2
                continue
            nxt = _child(value, part)
        elif isinstance(value, dict):
            if isinstance(part, str) and part not in value:
                part = next((alias for alias in _ALIASES.get(part, ()) if alias in value), part)
            nxt = _child(value, part)
        else:
            nxt = _MISSING
        parts.append(part)
        i += 1
        if nxt is _MISSING:
            parts.extend(loc[i:])
            break
        value = nxt
    return tuple(parts)


_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "true or false",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "list_type": "a list",
}


def _message(item: dict, data: Any, parts: tuple) -> str:
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    value = item.get("input")
    name = parts[-1] if parts else ""
    if kind == "missing":
        others = _ALIASES.get(str(name), ())
        alias = "".join(f" (or '{other}')" for other in others)
        return f"missing required field '{name}'{alias}"
    if kind == "extra_forbidden":
        return _unknown_field(str(name), data, parts)
    if kind in _EXPECTED:
        text = f"expected {_EXPECTED[kind]}, got {json_kind(value)}"
        if kind == "string_type" and (value is None or isinstance(value, (bool, int, float))):
            text += " (quote it if it is meant as text)"
        return text
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_short(value)}"
    if kind == "too_short":
        count = ctx.get("min_length", 1)
        return f"needs at least {count} item{'s' if count != 1 else ''}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "scenario_format":
        return item.get("msg", "")
    msg = item.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    if msg.startswith("Input should be "):
        msg = "expected " + msg[len("Input should be "):]
    return f"{msg}, got {_short(value)}"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_field(name: str, data: Any, parts: tuple) -> str:
    parent = _get(data, parts[:-1])
    model = _model_at(parts[:-1])
    for other in _ALIASES.get(name, ()):
        if isinstance(parent, dict) and other in parent and model is not None and any(
                name in names and other in names
                for names in models.field_names(model).values()):
            return f"'{name}' and '{other}' name the same field: give one of them"
    message = f"unknown field '{name}'"
    if model is not None:
        accepted = [n for names in models.field_names(model).values() for n in names]
        close = difflib.get_close_matches(name, accepted, n=1, cutoff=0.6)
        if not close:
            close = [n for n in accepted if n.lower() == name.lower()]
        if close:
            message += f" (did you mean '{close[0]}'?)"
    return message


def _model_at(parts: tuple) -> type | None:
    """The model class that validates the object at ``parts`` (None if not a model)."""
    annotation: Any = Scenario
    for part in parts:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
        else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is Union or str(origin) == "<class 'types.UnionType'>":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models_only = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = (models_only or args or [None])[0]
        else:
            return annotation


def _step(annotation: Any, part: Any) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for field, names in models.field_names(annotation).items():
            if part in names:
                return annotation.model_fields[field].annotation
        return None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None

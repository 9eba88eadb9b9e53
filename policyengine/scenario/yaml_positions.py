"""Load YAML into plain JSON-like values and record where every node is.

One pass over the composed node graph builds the value and a :class:`Position` tree (1-based line
and column of every value node and of the key that names it). The rules, chosen so that a YAML
scenario means the same as its JSON twin:

- Mapping keys are always strings: a scalar key is taken as written (``yes:`` is the key
  ``"yes"``, ``1:`` the key ``"1"``); a non-scalar key is an error.
- A key written twice in one mapping is an error (PyYAML silently keeps the last one). Merge keys
  (``<<: *base``) work as usual; keys written in the mapping override merged ones.
- Timestamps stay strings, exactly as written (``now: 2026-06-01T12:00:00Z``, or a date inside a
  policy condition). Everything else follows PyYAML's ``SafeLoader`` (YAML 1.1: ``yes``/``no``/
  ``on``/``off`` are booleans, ``0777`` is octal, ``1:30`` is 90); the models then refuse a
  boolean or number where a string is expected, with the position.
- Only the standard tags (str, int, float, bool, null, timestamp, map, seq) are accepted; a file
  holds a single document; recursive aliases are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import ScenarioError

__all__ = ["Position", "load_yaml"]

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_MERGE = _YAML + "merge"


@dataclass(slots=True, eq=False)
class Position:
    """Where a value node is (1-based), and the key that names it (None for list items)."""

    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None
    children: dict[Any, "Position"] = field(default_factory=dict)
    #: for a literal block scalar (``|``): (line of its first content line, indentation)
    block: tuple[int, int] | None = None
    #: an empty value (``key:`` and nothing): its position is the key's
    empty: bool = False

    def child(self, part: Any) -> "Position | None":
        return self.children.get(part)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose timestamps stay strings."""


def _timestamp_as_written(loader: yaml.SafeLoader, node: ScalarNode) -> str:
    return loader.construct_scalar(node)


_Loader.add_constructor(_YAML + "timestamp", _timestamp_as_written)


def load_yaml(text: str, file: str | None = None) -> tuple[Any, Position | None]:
    """The value of the single YAML document in ``text`` and its position tree.

    An empty document gives ``(None, None)``. Raises :class:`ScenarioError` (with line and
    column) for malformed YAML and for what the rules above refuse.
    """
    loader = None
    try:
        try:
            loader = _Loader(text)
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            raise _yaml_error(error, file) from None
        except yaml.reader.ReaderError as error:
            line, column = _line_column(text, error.position)
            raise ScenarioError(f"invalid YAML: {error.reason} "
                                f"(character {error.character:#06x})", file=file, line=line,
                                column=column) from None
        except yaml.YAMLError as error:
            raise ScenarioError(f"invalid YAML: {error}", file=file) from None
        except RecursionError:
            raise ScenarioError("invalid YAML: nesting too deep", file=file) from None
        if node is None:
            return None, None
        builder = _Builder(loader, text, file)
        try:
            return builder.build(node, None, ())
        except RecursionError:
            raise ScenarioError("YAML nesting too deep", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()


class _Builder:
    def __init__(self, loader: _Loader, text: str, file: str | None) -> None:
        self.loader = loader
        self.text = text
        self.file = file
        self.done: dict[int, tuple[Any, Position]] = {}  # by id(node): aliases share
        self.active: set[int] = set()

    def fail(self, message: str, node, path: tuple) -> ScenarioError:
        return ScenarioError(message, json_path="/".join(str(p) for p in path), file=self.file,
                             line=node.start_mark.line + 1, column=node.start_mark.column + 1)

    def build(self, node, key_node, path: tuple) -> tuple[Any, Position]:
        known = self.done.get(id(node))
        if known is not None:
            value, position = known
            return value, self._with_key(position, key_node)
        if id(node) in self.active:
            raise self.fail("recursive YAML aliases are not supported", node, path)
        self.active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                built = self._mapping(node, path)
            elif isinstance(node, SequenceNode):
                built = self._sequence(node, path)
            else:
                built = self._scalar(node, path)
        finally:
            self.active.discard(id(node))
        self.done[id(node)] = built
        return built[0], self._with_key(built[1], key_node)

    @staticmethod
    def _with_key(position: Position, key_node) -> Position:
        if key_node is None:
            return position
        key_line, key_column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        line, column = position.line, position.column
        if position.empty:  # ``key:`` and nothing: point at the key
            line, column = key_line, key_column
        return Position(line, column, key_line, key_column, position.children, position.block,
                        position.empty)

    def _here(self, node) -> Position:
        return Position(node.start_mark.line + 1, node.start_mark.column + 1)

    def _mapping(self, node: MappingNode, path: tuple) -> tuple[dict, Position]:
        if node.tag != _YAML + "map":
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node, path)
        seen: dict[str, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self._key(key_node, path)
            if key in seen:
                first = seen[key].start_mark
                raise self.fail(f"duplicate key {key!r} (first at line {first.line + 1}, "
                                f"column {first.column + 1})", key_node, path + (key,))
            seen[key] = key_node
        entries = node.value
        if any(key_node.tag == _MERGE for key_node, _ in entries):
            flat = MappingNode(node.tag, list(entries), node.start_mark, node.end_mark)
            try:
                self.loader.flatten_mapping(flat)
            except yaml.MarkedYAMLError as error:
                raise _yaml_error(error, self.file) from None
            entries = flat.value
        value: dict[str, Any] = {}
        position = self._here(node)
        for key_node, value_node in entries:
            key = self._key(key_node, path)
            value[key], position.children[key] = self.build(value_node, key_node, path + (key,))
        return value, position

    def _sequence(self, node: SequenceNode, path: tuple) -> tuple[list, Position]:
        if node.tag != _YAML + "seq":
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node, path)
        value: list[Any] = []
        position = self._here(node)
        for index, item in enumerate(node.value):
            item_value, position.children[index] = self.build(item, None, path + (index,))
            value.append(item_value)
        return value, position

    def _scalar(self, node: ScalarNode, path: tuple) -> tuple[Any, Position]:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(f"unsupported YAML tag {node.tag!r}", node, path)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as error:
            raise _yaml_error(error, self.file) from None
        position = self._here(node)
        if node.value == "" and node.style is None:
            position.empty = True
        elif node.style == "|" and isinstance(value, str):
            position.block = self._block(node)
        return value, position

    def _key(self, key_node, path: tuple) -> str:
        if not isinstance(key_node, ScalarNode):
            raise self.fail("a mapping key must be a plain string", key_node, path)
        if key_node.tag not in _SCALAR_TAGS:
            raise self.fail(f"unsupported YAML tag {key_node.tag!r}", key_node, path)
        return key_node.value

    def _block(self, node: ScalarNode) -> tuple[int, int] | None:
        """(first content line, indentation) of a literal block scalar with an auto-detected
        indentation; None when the header gives one explicitly or the block is empty."""
        start = node.start_mark.index
        end = self.text.find("\n", start)
        if end < 0:
            return None
        header = self.text[start:end].split("#", 1)[0].strip()
        if any(ch.isdigit() for ch in header):
            return None
        first_line = node.start_mark.line + 2  # 1-based line after the header
        for line in self.text[end + 1:node.end_mark.index].split("\n"):
            if line.strip():
                return first_line, len(line) - len(line.lstrip(" "))
        return None


def _yaml_error(error: yaml.MarkedYAMLError, file: str | None) -> ScenarioError:
    mark = error.problem_mark or error.context_mark
    parts = [p for p in (error.context, error.problem) if p]
    message = "invalid YAML: " + (", ".join(parts) if parts else "cannot be read")
    if mark is None:
        return ScenarioError(message, file=file)
    return ScenarioError(message, file=file, line=mark.line + 1, column=mark.column + 1)


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1

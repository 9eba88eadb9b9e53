"""The positioned JSON parser: accepts exactly what json.loads accepts, and knows where things are."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.errors import PolicySyntaxError
from policyengine.language import source
from policyengine.resources import grammar_path
from policyengine.language.source import (
    MAX_DEPTH,
    SourceMap,
    Span,
    find_spans,
    locate,
    parse_with_positions,
    syntax_error,
)

ROOT = Path(__file__).resolve().parents[1]


# -- helpers ------------------------------------------------------------------------------------


def same(a, b) -> bool:
    """Strict equality: same types, NaN equals NaN, -0.0 differs from 0.0, key order counts."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def json_result(text: str):
    """(True, value) if json.loads accepts the text, else (False, None)."""
    try:
        return True, json.loads(text)
    except ValueError:  # JSONDecodeError, and the int-digits limit
        return False, None


def our_result(text: str):
    try:
        return True, parse_with_positions(text).value
    except PolicySyntaxError as error:
        assert error.line is not None and error.column is not None, error
        assert 1 <= error.line <= text.count("\n") + 1, (error, text)
        assert error.column >= 1, error
        return False, None


def offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def sliced(text: str, span: Span) -> str:
    return text[offset(text, span.line, span.column):offset(text, span.end_line, span.end_column) + 1]


def walk(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from walk(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk(child, path + (index,))


# -- generators ---------------------------------------------------------------------------------

WHITESPACE = st.text(alphabet=" \t\n\r", max_size=3)
NUMBERS = st.from_regex(r"-?(0|[1-9][0-9]{0,6})(\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?",
                        fullmatch=True)
LITERALS = st.sampled_from(["true", "false", "null", "NaN", "Infinity", "-Infinity"])
CHARS = st.characters(codec=None, exclude_categories=())  # includes lone surrogates
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                 "\t": "\\t"}


@st.composite
def string_literals(draw) -> str:
    """A JSON string literal, each character raw or escaped in one of the allowed ways."""
    out = ['"']
    for char in draw(st.lists(CHARS, max_size=8)):
        must_escape = char in '"\\' or ord(char) < 0x20
        how = draw(st.sampled_from(["raw", "short", "u", "U"]))
        if how == "short" and (char in SHORT_ESCAPES or char == "/"):
            out.append(SHORT_ESCAPES.get(char, "\\/"))
        elif how in ("u", "U") or must_escape:
            code = ord(char)
            if code > 0xFFFF:  # as a surrogate pair
                code -= 0x10000
                pair = (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))
                escaped = "".join(f"\\u{unit:04x}" for unit in pair)
            else:
                escaped = f"\\u{code:04x}"
            out.append(escaped.upper().replace("\\U", "\\u") if how == "U" else escaped)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


SCALARS = st.one_of(NUMBERS, LITERALS, string_literals())


def documents(max_leaves: int = 25):
    """JSON texts, built token by token with random whitespace between tokens."""

    def arrays(children):
        empty = WHITESPACE.map(lambda ws: "[" + ws + "]")
        items = st.lists(st.tuples(WHITESPACE, children, WHITESPACE), min_size=1, max_size=5)
        return empty | items.map(lambda xs: "[" + ",".join(a + c + b for a, c, b in xs) + "]")

    def objects(children):
        keys = st.one_of(string_literals(), st.sampled_from(
            ['"Effect"', '"Statement"', '"aws:PrincipalTag/team"', '"a/b"', '"a"', '""']))
        member = st.tuples(WHITESPACE, keys, WHITESPACE, WHITESPACE, children, WHITESPACE).map(
            lambda m: m[0] + m[1] + m[2] + ":" + m[3] + m[4] + m[5])
        empty = WHITESPACE.map(lambda ws: "{" + ws + "}")
        members = st.lists(member, min_size=1, max_size=5)
        return empty | members.map(lambda ms: "{" + ",".join(ms) + "}")

    values = st.recursive(SCALARS, lambda children: st.one_of(arrays(children),
                                                               objects(children)),
                          max_leaves=max_leaves)
    return st.tuples(WHITESPACE, values, WHITESPACE).map("".join)


def dumped():
    """Documents written by json.dumps itself, with its various layouts."""
    plain = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(CHARS, max_size=6),
        lambda children: st.lists(children, max_size=4)
        | st.dictionaries(st.text(CHARS, max_size=6), children, max_size=4),
        max_leaves=20,
    )
    return st.builds(
        lambda value, indent, ensure_ascii, compact: json.dumps(
            value, indent=indent, ensure_ascii=ensure_ascii,
            separators=(",", ":") if compact else None),
        plain, st.sampled_from([None, 0, 2, "\t", " \r\n "]), st.booleans(), st.booleans(),
    )


MUTATION_CHARS = st.sampled_from(list('{}[],:"\\ \t\n\r0123456789.eE+-/ufnrtaNI\x00\x1f\x7f\'x'))


@st.composite
def mutated(draw) -> str:
    text = draw(documents(max_leaves=10) | dumped())
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:at] + text[at + 1:]
        elif kind == "insert":
            text = text[:at] + draw(MUTATION_CHARS) + text[at:]
        elif kind == "replace":
            text = text[:at] + draw(MUTATION_CHARS) + text[at + 1:]
        elif kind == "truncate":
            text = text[:at]
        else:
            end = draw(st.integers(at, len(text)))
            text = text[:end] + text[at:end] + text[end:]
    return text


GARBAGE = st.text(alphabet=st.sampled_from(
    list('{}[],:"\\ \t\n\r0123456789.eE+-/ufnrtlsaNIy\x00\x0b\x0c\xa0\ufeff\u2028\'')), max_size=30)


# -- json.loads agreement -----------------------------------------------------------------------


def check_agreement(text: str) -> None:
    expected_ok, expected = json_result(text)
    ok, value = our_result(text)
    assert ok == expected_ok, (text, expected_ok)
    if ok:
        assert same(value, expected), (text, value, expected)
    # valid text is parsed by the fast driver, never handed to lark
    assert (source._fast_parse(text, source._fast_tables()) is not None) == ok, text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_agree_with_json_loads(text):
    check_agreement(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(dumped())
def test_json_dumps_output_agrees_with_json_loads(text):
    check_agreement(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_documents_agree_with_json_loads(text):
    check_agreement(text)


@settings(max_examples=500)
@given(GARBAGE)
def test_garbage_agrees_with_json_loads(text):
    check_agreement(text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_span_holds_its_value(text):
    """The text under the span of every value parses back to that value; keys likewise."""
    smap = parse_with_positions(text)
    for path, value in walk(smap.value):
        span = smap.span(path)
        assert span is not None, path
        assert same(json.loads(sliced(text, span)), value), (path, span)
        key_span = smap.key_span(path)
        if path and isinstance(path[-1], str):
            assert json.loads(sliced(text, key_span)) == path[-1]
        else:
            assert key_span is None


def check_find_spans(text: str, path: str) -> None:
    """find_spans answers like the source map, or leaves the question to it."""
    smap = parse_with_positions(text)
    found = find_spans(text, path)
    if found is not None:
        assert found == (smap.key_span(path), smap.span(path)), (text, path)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.lists(st.sampled_from(["0", "1", "2", "a", "Statement", "", "x/y"]),
                              max_size=3))
def test_find_spans_agrees_with_the_source_map(text, extra):
    smap = parse_with_positions(text)
    for parts, _ in walk(smap.value):
        path = "/".join(str(part) for part in parts)
        check_find_spans(text, path)
        if not any("/" in str(part) for part in parts):  # the plain reading exists
            assert find_spans(text, path) is not None, (text, path)
        check_find_spans(text, "/".join([path, *extra]) if path else "/".join(extra))


@pytest.mark.parametrize(("text", "path", "found"), [
    ('{"a": 1, "a": {"b": 2}}', "a/b", True),  # a repeated key: the last value
    ('{"a": {"b": 2}, "a": 1}', "a/b", False),  # ... even when an earlier one had the path
    ('{"a": {"b": 2}, "a": 1}', "a", True),
    ('{"a/b": 1}', "a/b", False),  # left to the source map
    ('{"a": {"b": 1}, "a/b": 2}', "a/b", True),  # the shortest keys first, as the map reads it
    (r'{"\u00e9t\u00e9": [1, {"\"q\"": "\u2028"}]}', "\u00e9t\u00e9/1", True),
    (r'{"\u00e9t\u00e9": [1, {"\"q\"": "\u2028"}]}', '\u00e9t\u00e9/1/"q"', True),
    ('{"\u00e9t\u00e9": [1, {"q": "\u2028"}]}', "\u00e9t\u00e9/1/q", True),
    (' \r\n\t[ 1 ,\n\t[ ] , {"" : [ ] } ] ', "2//0", False),
    (' \r\n\t[ 1 ,\n\t[ ] , {"" : [ 7 ] } ] ', "2//0", True),
    (' \r\n\t[ 1 ,\n\t[ ] , {"" : [ ] } ] ', "1", True),
    ('[1, 2]', "2", False), ('[]', "0", False), ('{}', "a", False), ('[1]', "01", False),
    ('[1]', "-1", False), ('1', "a", False), ('{"a": NaN, "b": -Infinity}', "b", True),
    ('"x"', "", True),
])
def test_find_spans_edge_cases(text, path, found):
    check_find_spans(text, path)
    assert (find_spans(text, path) is not None) == found


def test_find_spans_of_a_key_and_its_value():
    text = '{\n  "Statement": [\n    {"Effect": "Allow"}\n  ]\n}'
    assert find_spans(text, "Statement/0/Effect") == (Span(3, 6, 3, 13), Span(3, 16, 3, 22))
    assert find_spans(text, "Statement/0") == (None, Span(3, 5, 3, 23))
    assert find_spans(text, "Statement/1") is None


@pytest.mark.parametrize("text", [
    "NaN", "Infinity", "-Infinity", "[NaN, -Infinity]", '"\\ud800"', '"\\udc00\\ud800"',
    '"\\ud83d\\ude00"', "-0", "-0.0", "0e0", "1E+2", "1e-2", "1e999", "-1e999", ' \t\n\r1\r\n',
    '"\x7f"', '"\u2028"', '"\\/"', '{"a":1,"a":2}', "[]", "{}", '""', "[[]]", '{"":0}',
    "12345678901234567890123", '"\ud800"',
])
def test_json_loads_accepts(text):
    check_agreement(text)
    assert our_result(text)[0]


@pytest.mark.parametrize("text", [
    "", " ", "-NaN", "nan", "inf", "+1", ".5", "1.", "01", "-01", "00", "1e", "1e+", "0x10",
    "[1,]", '{"a":1,}', "{'a':1}", '"\t"', '"\n"', '"\x00"', '"\x1f"', '"\\x41"', '"\\u12"',
    '"\\U0041"', '"\\\'"', "\ufeff1", "\x0c1", "\xa01", "\u20281", "[1 2]", '{"a" 1}',
    '{"a":1 "b":2}', "True", "None", "[1]]", "[[1]", '{"a":}', "{,}", "[,]", "1 2", "//\n1",
    "/* */1", '"abc', "[", "{", '{"a"', '{"a":', "1" * 5000,
])
def test_json_loads_rejects(text):
    check_agreement(text)
    assert not our_result(text)[0]


# -- spans --------------------------------------------------------------------------------------

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Enable IAM policies",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Effect" : "Deny",
      "Action": ["kms:Decrypt", "kms:Encrypt"],
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "ec2.us-east-1.amazonaws.com",
          "aws:PrincipalTag/team": "blue"
        }
      }
    }
  ]
}"""


def test_span_of_effect_points_at_the_value():
    smap = parse_with_positions(POLICY)
    assert smap.span("Statement/0/Effect") == Span(6, 17, 6, 23)
    assert smap.span("Statement/1/Effect") == Span(12, 18, 12, 23)
    assert sliced(POLICY, smap.span("Statement/1/Effect")) == '"Deny"'


def test_key_span_points_at_the_key():
    smap = parse_with_positions(POLICY)
    assert smap.key_span("Statement/0/Effect") == Span(6, 7, 6, 14)
    assert sliced(POLICY, smap.key_span("Statement/1/Effect")) == '"Effect"'
    assert smap.key_span("") is None
    assert smap.key_span("Statement/0") is None  # an array element has no key
    assert smap.key_span("Statement/7/Effect") is None


def test_container_spans_include_their_brackets():
    smap = parse_with_positions(POLICY)
    assert smap.span("") == Span(1, 1, 22, 1)
    assert smap.span("Statement") == Span(3, 16, 21, 3)
    assert smap.span("Statement/1") == Span(11, 5, 20, 5)
    assert sliced(POLICY, smap.span("Statement/1/Action")) == '["kms:Decrypt", "kms:Encrypt"]'
    assert sliced(POLICY, smap.span("Statement/1/Action/1")) == '"kms:Encrypt"'


def test_nested_arrays():
    text = "[\n  [1, [2,\n    [3]]],\n  []\n]"
    smap = parse_with_positions(text)
    assert smap.span("0/1/1/0") == Span(3, 6, 3, 6)
    assert smap.span("0/1/1") == Span(3, 5, 3, 7)
    assert smap.span("0/1") == Span(2, 7, 3, 8)
    assert smap.span("1") == Span(4, 3, 4, 4)
    assert smap.span(("0", 1, 1, 0)) == Span(3, 6, 3, 6)
    assert smap.span("0/5") is None
    assert smap.span("0/01") is None  # indexes are canonical decimals
    assert smap.span("0/-1") is None


def test_keys_with_slashes():
    smap = parse_with_positions(POLICY)
    path = "Statement/1/Condition/StringEquals/aws:PrincipalTag/team"
    assert sliced(POLICY, smap.span(path)) == '"blue"'
    assert sliced(POLICY, smap.key_span(path)) == '"aws:PrincipalTag/team"'
    parts = ("Statement", 1, "Condition", "StringEquals", "aws:PrincipalTag/team")
    assert smap.span(parts) == smap.span(path)
    assert smap.span(list(parts)) == smap.span(path)
    assert smap.span(("Statement", 1, "Condition", "StringEquals", "aws:PrincipalTag",
                      "team")) is None  # the tuple form is never re-split


def test_slash_resolution_prefers_short_keys_and_backtracks():
    text = '{"a": {"b": 1}, "a/b": 2, "x/y/z": {"c/d": 3}, "p": {"q": 4}, "p/q": {"r": 5}}'
    smap = parse_with_positions(text)
    assert sliced(text, smap.span("a/b")) == "1"
    assert sliced(text, smap.span(("a/b",))) == "2"
    assert sliced(text, smap.span("x/y/z/c/d")) == "3"
    assert sliced(text, smap.span("p/q/r")) == "5"  # "p" then "q" fails below, "p/q" works


def test_nearest_walks_up_to_an_existing_ancestor():
    smap = parse_with_positions(POLICY)
    assert smap.nearest("Statement/1/Condition/StringLike/kms:ViaService") == \
        smap.span("Statement/1/Condition")
    assert smap.nearest("Statement/9") == smap.span("Statement")
    assert smap.nearest("Nope") == smap.span("")
    assert smap.nearest(("Statement", 0, "Effect", "x")) == smap.span("Statement/0/Effect")
    assert smap.nearest("Statement/1/Condition/StringEquals/aws:PrincipalTag/team/x") == \
        smap.span("Statement/1/Condition/StringEquals/aws:PrincipalTag/team")


def test_root_scalar_and_empty_key():
    smap = parse_with_positions('  "x"  ')
    assert smap.value == "x"
    assert smap.span("") == Span(1, 3, 1, 5)
    smap = parse_with_positions('{"": {"": 1}}')
    assert smap.span(("", "")) == Span(1, 11, 1, 11)
    assert smap.key_span(("",)) == Span(1, 2, 1, 3)


def test_spans_with_escapes_and_non_ascii():
    text = '{"k\\u00e9y": "caf\u00e9 \\"q\\"", "n": -1.5e3}'
    smap = parse_with_positions(text)
    assert smap.value == {"k\u00e9y": 'caf\u00e9 "q"', "n": -1500.0}
    assert sliced(text, smap.key_span("k\u00e9y")) == '"k\\u00e9y"'
    assert sliced(text, smap.span("k\u00e9y")) == '"caf\u00e9 \\"q\\""'
    assert sliced(text, smap.span("n")) == "-1.5e3"


def test_contains_and_repr():
    smap = parse_with_positions(POLICY, file="key.json")
    assert "Statement/0/Sid" in smap
    assert "Statement/0/Nope" not in smap
    assert "key.json" in repr(smap)
    assert isinstance(smap, SourceMap)


# -- duplicates ---------------------------------------------------------------------------------


def test_duplicates_last_wins_and_later_ones_are_recorded():
    text = '{\n "a": 1,\n "b": {"c": 1, "c": 2, "c": 3},\n "a": 4\n}'
    smap = parse_with_positions(text)
    assert smap.value == json.loads(text) == {"a": 4, "b": {"c": 3}}
    assert list(smap.value) == list(json.loads(text))
    assert smap.duplicates == [
        ("b/c", Span(3, 16, 3, 18)),
        ("b/c", Span(3, 24, 3, 26)),
        ("a", Span(4, 2, 4, 4)),
    ]
    assert smap.span("a") == Span(4, 7, 4, 7)  # the last occurrence
    assert smap.key_span("a") == Span(4, 2, 4, 4)


def test_duplicates_inside_an_overridden_value_are_recorded():
    smap = parse_with_positions('{"a": {"x": 1, "x": 2}, "a": 3}')
    assert [path for path, _ in smap.duplicates] == ["a/x", "a"]


def test_no_duplicates():
    assert parse_with_positions(POLICY).duplicates == []


# -- the fast driver against lark's own lexer and parse ------------------------------------------


@pytest.fixture(scope="module")
def lark_lexer():
    """A lark parser of the grammar built afresh, for its lexer (not the one the driver reads)."""
    from lark import Lark

    from policyengine.resources import grammar_path

    return Lark(grammar_path(source.GRAMMAR).read_text(encoding="utf-8"), parser="lalr",
                lexer="basic")


def lark_tokens(lark, text: str) -> list:
    """lark's token stream in the form of source._tokens."""
    from lark.exceptions import UnexpectedCharacters

    tokens = []
    try:
        for token in lark.lex(text):
            tokens.append((token.type, (str(token), token.line, token.column)))
    except UnexpectedCharacters as error:
        return tokens + [(None, error.pos_in_stream)]
    return tokens + [("$END", None)]


def lark_result(text: str):
    """lark's parse alone: ("ok", root node, whether a key was repeated), or ("error",
    (message, line, column, JSON path) of what parse_with_positions would raise, None)."""
    source._local.duplicates = False
    try:
        return "ok", source._lark_parse(text), source._local.duplicates
    except PolicySyntaxError as error:
        raised = error
    return "error", (raised.message, raised.line, raised.column, raised.json_path), None


def flat(root: tuple) -> list:
    """A node tree as a flat list (iterative: trees may be deep): kind, spans, scalars by repr
    (which tells 1 from 1.0 and True, -0.0 from 0.0; NaN is "nan"), keys in order, duplicates."""
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        value, span, kids = node[:3]
        if isinstance(kids, list):
            assert type(value) is list and all(v is k[0] for v, k in zip(value, kids, strict=True))
            out.append(("array", span, len(kids)))
            stack.extend(reversed(kids))
        elif isinstance(kids, dict):
            assert type(value) is dict and list(value) == list(kids)
            assert all(value[key] is child[0] for key, (_, child) in kids.items())
            duplicates = [(key, kspan) for key, kspan, _ in node[3] or ()]
            out.append(("object", span, [(key, kspan) for key, (kspan, _) in kids.items()],
                        duplicates))
            stack.extend(child for _, child in reversed(kids.values()))
            stack.extend(overridden for _, _, overridden in reversed(node[3] or ()))
        else:
            assert kids is None
            out.append(("scalar", span, type(value).__name__, repr(value)))
    return out


def check_driver(text: str) -> None:
    """The fast driver accepts exactly what lark's parse accepts, builds the same nodes (same
    values, spans, duplicates), and parse_with_positions raises lark's error for the rest."""
    expected = lark_result(text)
    source._local.duplicates = False
    root = source._fast_parse(text, source._fast_tables())
    if expected[0] == "ok":
        assert root is not None, text
        assert flat(root) == flat(expected[1]), text
        assert source._local.duplicates == expected[2], text
        return
    assert root is None, text
    with pytest.raises(PolicySyntaxError) as caught:
        parse_with_positions(text)
    error = caught.value
    assert (error.message, error.line, error.column, error.json_path) == expected[1], text


TOKEN_TEXTS = (documents(max_leaves=10) | dumped() | mutated() | GARBAGE
               | st.lists(st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"b" :', '1',
                                           '-0.5e+3', 'true', 'NaN', '-Infinity', ' ', '\n',
                                           '\t\r', 'x', '"\\u00e9"']),
                          max_size=12).map("".join))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(TOKEN_TEXTS)
def test_tokenizer_agrees_with_larks_lexer(lark_lexer, text):
    """Same tokens (terminal, text with its whitespace, line, column), same failing offset."""
    tables = source._fast_tables()
    assert list(source._tokens(text, tables)) == lark_tokens(lark_lexer, text)


def test_tokenizer_has_the_grammars_terminals(lark_lexer):
    names = set(source._fast_tables().match.__self__.groupindex)
    assert names == {terminal.name for terminal in lark_lexer.terminals}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(documents() | dumped())
def test_driver_builds_what_lark_builds(text):
    check_driver(text)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(mutated() | GARBAGE)
def test_driver_leaves_errors_to_lark(text):
    check_driver(text)


@pytest.mark.parametrize("text", [
    "", " ", "\n\n  ", "1", " 1 ", "[1,]", '{"a":1,}', '{"a" 1}', '{"a":}', "[1 2]", '"a" : 1',
    '{"a": 1, "a": {"b": 2, "b": 3}}', '{"n": ' + "1" * 5000 + "}", "[1]\n\nx",
    "[" * MAX_DEPTH + "]" * MAX_DEPTH, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    '{"a":' * (MAX_DEPTH + 1),
    '{\r\n  "k": [\n\t1,\n  2.5e3 ,null\n ]\n}\n', POLICY,
], ids=lambda text: repr(text[:24]))
def test_driver_on_edge_cases(text):
    check_driver(text)


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, line, column, message", [
    ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after an object member"),
    ('[1,\n 2\n 3]', 3, 2, "expected ',' or ']' after an array element"),
    ('{"a": "abc', 1, 7, "unterminated string"),
    ('{"a": 1', 1, 8, "unexpected end of input"),
    ("", 1, 1, "unexpected end of input"),
    ('{"a": 1,\n}', 2, 1, "trailing comma"),
    ("[1,]", 1, 4, "trailing comma"),
    ("{'a': 1}", 1, 2, "double quotes"),
    ('{"a" 1}', 1, 6, "expected ':' after an object key"),
    ('{"a": 01}', 1, 7, "leading zeros"),
    ('{"a": "x\ty"}', 1, 9, "control character"),
    ('{"a": "x\ny"}', 1, 9, "line break"),
    ('["\\q"]', 1, 3, "invalid escape"),
    ('["\\u12G4"]', 1, 3, "\\uXXXX"),
    ('{"a": True}', 1, 7, "unknown literal 'True'"),
    ('{"a": 1}\n// c', 2, 1, "comments"),
    ('{"a": 1} x', 1, 10, "extra data"),
    ("[1.]", 1, 3, "fraction"),
    ('\ufeff{}', 1, 1, "byte order mark"),
    ('{a: 1}', 1, 2, "double-quoted"),
])
def test_errors_carry_line_column_and_a_clear_message(text, line, column, message):
    with pytest.raises(PolicySyntaxError) as caught:
        parse_with_positions(text, file="policy.json")
    error = caught.value
    assert (error.line, error.column) == (line, column), str(error)
    assert message in error.message
    assert error.file == "policy.json"
    assert str(error).startswith(f"policy.json:{line}:{column}: ")


@pytest.mark.parametrize("text, path", [
    ('{"Statement": [{"Effect": "Allow"}, {"Effect": Deny}]}', "Statement/1/Effect"),
    ('{"Statement": [{"Effect": "Allow"}, {"Effect": "Deny",}]}', "Statement/1"),
    ('{"a": {"aws:PrincipalTag/team": [1, ]}}', "a/aws:PrincipalTag/team/1"),
    ('{"a": "\\q"}', "a"),
    ("[1, 2, x]", "2"),
    ("[x]", ""),
    ("x", ""),
])
def test_errors_carry_the_json_path_where_the_parser_was(text, path):
    with pytest.raises(PolicySyntaxError) as caught:
        parse_with_positions(text)
    assert caught.value.json_path == path


def test_unclosed_container_names_where_it_opened():
    with pytest.raises(PolicySyntaxError) as caught:
        parse_with_positions('{\n "a": [1,\n  2')
    assert caught.value.message.startswith("unexpected end of input")
    assert "2:7" in caught.value.message
    assert (caught.value.line, caught.value.column) == (3, 4)


def test_syntax_error_returns_the_positioned_error():
    text = '{\n  "Effect": "Allow",\n  "Action": "kms:*",\n}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    error = syntax_error(text, file="p.json")
    assert isinstance(error, PolicySyntaxError)
    assert (error.file, error.line, error.column) == ("p.json", 4, 1)
    assert "trailing comma" in error.message


def test_syntax_error_of_a_number_too_long_for_int():
    error = syntax_error('{"n": ' + "1" * 5000 + "}")
    assert (error.line, error.column) == (1, 7)


def test_syntax_error_refuses_valid_json():
    with pytest.raises(ValueError):
        syntax_error('{"a": 1}')


# -- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_nesting_is_refused_not_a_crash(opener):
    text = opener * 100_000
    with pytest.raises(PolicySyntaxError) as caught:
        parse_with_positions(text)
    assert caught.value.message == f"nesting deeper than {MAX_DEPTH}"
    assert caught.value.line == 1
    assert caught.value.column == MAX_DEPTH * len(opener) + 1


def test_deep_but_closed_nesting_is_refused_too():
    depth = 5_000
    with pytest.raises(PolicySyntaxError, match="nesting deeper than"):
        parse_with_positions("[" * depth + "]" * depth)


def test_nesting_up_to_the_limit_is_accepted():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    smap = parse_with_positions(text)
    assert smap.value == json.loads(text)
    deepest = "/".join(["0"] * (MAX_DEPTH - 1))
    assert smap.span(deepest) == Span(1, MAX_DEPTH, 1, MAX_DEPTH + 1)
    assert smap.span(tuple([0] * (MAX_DEPTH - 1))) == smap.span(deepest)
    assert smap.nearest(deepest + "/0/0") == smap.span(deepest)
    # the limit is per branch, not a count of containers
    text = "[" + ",".join(["[" * 300 + "]" * 300] * 3) + "]"
    assert parse_with_positions(text).value == json.loads(text)


def test_concurrent_parses_keep_their_own_state():
    from concurrent.futures import ThreadPoolExecutor

    deep_ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    too_deep = "[" * (MAX_DEPTH + 1)
    duplicated = '{"a": 1, "a": 2}'

    def run(i: int):
        if i % 3 == 0:
            return parse_with_positions(deep_ok).value == json.loads(deep_ok)
        if i % 3 == 1:
            try:
                parse_with_positions(too_deep)
            except PolicySyntaxError as error:
                return error.message == f"nesting deeper than {MAX_DEPTH}"
            return False
        return [p for p, _ in parse_with_positions(duplicated).duplicates] == ["a"] and \
            parse_with_positions(POLICY).duplicates == []

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(run, range(60)))


# -- locate, caching, import hygiene ------------------------------------------------------------


def test_locate_caches_source_maps():
    source._cached_source_map.cache_clear()
    assert locate(POLICY, "Statement/1/Effect") == Span(12, 18, 12, 23)
    assert locate(POLICY, ["Statement", 0, "Effect"]) == Span(6, 17, 6, 23)
    assert locate(POLICY, "Statement/3") is None
    assert source._cached_source_map.cache_info().hits == 2
    with pytest.raises(PolicySyntaxError):
        locate("{", "")


def test_parser_is_built_once():
    assert source._build_parser() is source._build_parser()


def test_importing_the_module_does_not_import_lark():
    code = (
        "import sys\n"
        "import policyengine.language.source\n"
        "assert 'lark' not in sys.modules, sorted(m for m in sys.modules if 'lark' in m)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_lark_is_imported_for_invalid_text_only():
    """Valid text is parsed with the tables shipped next to the grammar; lark, to describe an
    error."""
    code = (
        "import sys\n"
        "from policyengine.errors import PolicySyntaxError\n"
        "from policyengine.language.source import parse_with_positions\n"
        "assert str(parse_with_positions('{\"a\": [1]}').span('a/0')) == '1:8-1:8'\n"
        "assert 'lark' not in sys.modules\n"
        "try:\n"
        "    parse_with_positions('[1,]')\n"
        "except PolicySyntaxError:\n"
        "    pass\n"
        "assert 'lark' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 0, result.stderr


def test_rejects_non_text():
    with pytest.raises(TypeError):
        parse_with_positions(b"{}")  # type: ignore[arg-type]


# -- the tables shipped with the grammar ----------------------------------------------------------


def test_shipped_tables_are_made_from_the_grammar():
    """grammars/policy_json.tables.json is lark's reading of the grammar as it is now; after a
    change to the grammar, regenerate it with
    python -c "from policyengine.language.source import write_tables; write_tables()"."""
    shipped = json.loads(grammar_path(source.TABLES).read_text(encoding="utf-8"))
    fresh = source.tables_from_lark()
    assert shipped["grammar"] == fresh["grammar"], "the grammar changed: regenerate the tables"
    assert shipped["terminals"] == fresh["terminals"] and shipped["ignore"] == fresh["ignore"]
    assert len(shipped["actions"]) == len(fresh["actions"])  # (state numbers may differ)


def test_out_of_date_tables_are_not_used(monkeypatch):
    monkeypatch.setattr(source, "_grammar_digest", lambda: "another grammar")
    source._fast_tables.cache_clear()
    try:
        tables = source._fast_tables()  # made by lark instead
        assert source._fast_parse('{"a": [1]}', tables)[0] == {"a": [1]}
    finally:
        source._fast_tables.cache_clear()

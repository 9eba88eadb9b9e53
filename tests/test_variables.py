"""Policy variables: parsing templates, errors with offsets, substitution (semantics.md §2.5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from policyengine.errors import PolicyEngineError
from policyengine.language import variables
from policyengine.language.variables import (
    Literal,
    Variable,
    VariableSyntaxError,
    has_variables,
    parse_template,
    substitute,
)

ROOT = Path(__file__).resolve().parents[1]


def var(name: str, default: str | None = None) -> Variable:
    return Variable(name, name.lower(), default)


# -- parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, parts", [
    ("", ()),
    ("plain", ("plain",)),
    ("${aws:username}", (var("aws:username"),)),
    ("arn:aws:s3:::bucket/home/${aws:username}/*",
     ("arn:aws:s3:::bucket/home/", var("aws:username"), "/*")),
    ("${aws:PrincipalTag/team, 'company-wide'}",
     (var("aws:PrincipalTag/team", "company-wide"),)),
    ("team-${aws:PrincipalTag/team, 'none'}-key",
     ("team-", var("aws:PrincipalTag/team", "none"), "-key")),
    ("${aws:username, ''}", (var("aws:username", ""),)),
    ("${a, 'with space, comma and $ { } * ?'}", (var("a", "with space, comma and $ { } * ?"),)),
    ("${a, '${b}'}", (var("a", "${b}"),)),
    ("${*}", (Literal("*"),)),
    ("${?}", (Literal("?"),)),
    ("${$}", (Literal("$"),)),
    ("a${*}b", ("a", Literal("*"), "b")),
    ("${*}${?}${$}", (Literal("*?$"),)),
    ("*${*}*", ("*", Literal("*"), "*")),
    ("$", ("$",)),
    ("$$", ("$$",)),
    ("a$b", ("a$b",)),
    ("cost$", ("cost$",)),
    ("$${aws:username}", ("$", var("aws:username"))),
    ("{}", ("{}",)),
    ("${a}}", (var("a"), "}")),
    ("{${a}", ("{", var("a"))),
    ("${a}${b}", (var("a"), var("b"))),
    ("${AWS:UserName}", (Variable("AWS:UserName", "aws:username", None),)),
    ("${cognito-identity.amazonaws.com:sub}", (var("cognito-identity.amazonaws.com:sub"),)),
    ("${aws:ResourceTag/a.b:c=d+e@f_g-h}", (var("aws:ResourceTag/a.b:c=d+e@f_g-h"),)),
    ("${aws:PrincipalTag/équipe}", (var("aws:PrincipalTag/équipe"),)),
    ("line1\n${aws:userid}\nline3", ("line1\n", var("aws:userid"), "\nline3")),
])
def test_parse_template(text, parts):
    assert parse_template(text) == parts


@pytest.mark.parametrize("text, offset, message", [
    ("${", 0, "unterminated variable"),
    ("abc${", 3, "unterminated variable"),
    ("${aws:username", 0, "unterminated variable"),
    ("x/${aws:username/*", 2, "unterminated variable"),
    ("${a, 'b'", 0, "unterminated variable"),
    ("${a, ", 0, "unterminated variable"),
    ("${}", 2, "empty variable name"),
    ("a${}b", 3, "empty variable name"),
    ("${ aws:username}", 2, "whitespace"),
    ("${aws:username }", 14, "whitespace"),
    ("${aws: username}", 6, "whitespace"),
    ("${\taws:username}", 2, "whitespace"),
    ("${a, b}", 5, "single quotes"),
    ('${a, "b"}', 5, "single quotes"),
    ("${a,'b'}", 3, "a comma and exactly one space"),
    ("${a ,'b'}", 3, "whitespace"),
    ("${a,  'b'}", 5, "only one space"),
    ("${a, 'b}", 5, "unterminated default value"),
    ("${a, 'b' }", 8, "expected '}'"),
    ("${a, 'b'c}", 8, "expected '}'"),
    ("${a, 'b', 'c'}", 8, "expected '}'"),
    ("${a${b}}", 3, "invalid character '$'"),
    ("${a{b}", 3, "invalid character '{'"),
    ("${a*}", 3, "invalid character '*'"),
    ("${*x}", 2, "escapes"),
    ("${**}", 2, "invalid character '*'"),
    ("${'a'}", 2, "invalid character"),
    ("ok ${aws:username} then ${", 24, "unterminated variable"),
])
def test_malformed_variables_are_errors_with_offsets(text, offset, message):
    with pytest.raises(VariableSyntaxError) as caught:
        parse_template(text)
    error = caught.value
    assert error.offset == offset, str(error)
    assert message in error.message, str(error)
    assert isinstance(error, PolicyEngineError)
    assert error.text == text
    assert f"at character {offset}" in str(error)


def test_names_are_case_insensitive():
    upper, lower = parse_template("${AWS:PrincipalTag/Team}"), parse_template("${aws:principaltag/team}")
    assert upper[0].key == lower[0].key == "aws:principaltag/team"
    assert upper[0].name == "AWS:PrincipalTag/Team"  # kept as written


def test_results_are_cached():
    variables.parse_template.cache_clear()
    first = parse_template("a/${aws:username}")
    assert parse_template("a/${aws:username}") is first
    assert variables.parse_template.cache_info().hits == 1


def test_has_variables():
    assert has_variables("${aws:username}")
    assert has_variables("${*}")
    assert has_variables("${")
    assert not has_variables("$")
    assert not has_variables("{aws:username}")
    assert not has_variables("arn:aws:kms:*:111122223333:key/*")


# -- substitution -------------------------------------------------------------------------------

CONTEXT = {"aws:username": "alice", "aws:principaltag/team": "blue", "aws:userid": "AIDA*?"}


def lookup(key: str) -> str | None:
    assert key == key.lower()
    return CONTEXT.get(key)


@pytest.mark.parametrize("text, result", [
    ("arn:aws:s3:::b/${aws:username}/*", ["arn:aws:s3:::b/", Literal("alice"), "/*"]),
    ("${AWS:USERNAME}", [Literal("alice")]),
    ("${aws:PrincipalTag/team, 'company-wide'}", [Literal("blue")]),
    ("${aws:PrincipalTag/dept, 'company-wide'}", [Literal("company-wide")]),
    ("${aws:PrincipalTag/dept, ''}", []),
    ("x-${aws:PrincipalTag/dept, ''}-y", ["x--y"]),
    ("${aws:userid}", [Literal("AIDA*?")]),  # a value holding * is literal text, not a wildcard
    ("${*}${aws:username}${?}", [Literal("*alice?")]),
    ("a*${$}", ["a*", Literal("$")]),
    ("plain*", ["plain*"]),
    ("", []),
])
def test_substitute(text, result):
    assert substitute(parse_template(text), lookup) == result


@pytest.mark.parametrize("text", [
    "${aws:PrincipalTag/dept}",
    "arn:aws:s3:::b/${aws:username}/${aws:PrincipalTag/dept}",
    "${aws:SourceVpc}",
])
def test_an_absent_key_without_default_cannot_be_substituted(text):
    assert substitute(parse_template(text), lookup) is None


def test_a_present_empty_value_is_used_not_the_default():
    assert substitute(parse_template("${k, 'd'}"), {"k": ""}.get) == []
    assert substitute(parse_template("${k, 'd'}"), {}.get) == [Literal("d")]


def test_lookup_receives_lower_cased_keys():
    seen = []
    substitute(parse_template("${AWS:PrincipalTag/Team}"), lambda key: seen.append(key) or "x")
    assert seen == ["aws:principaltag/team"]


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text().filter(lambda text: "${" not in text))
def test_text_without_variables_is_one_plain_part(text):
    assert parse_template(text) == ((text,) if text else ())


PLAIN = st.text(st.sampled_from(list("ab$*?{}/:, '\n")), min_size=1, max_size=6)
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9:/._+=@-]{0,12}", fullmatch=True)
ELEMENTS = st.one_of(
    PLAIN.map(lambda text: ("text", text)),
    st.sampled_from("*?$").map(lambda char: ("escape", char)),
    st.tuples(NAMES, st.none() | st.text(st.characters(exclude_characters="'"), max_size=5))
    .map(lambda pair: ("variable", pair)),
)


def render(elements) -> str:
    out = []
    for kind, item in elements:
        if kind == "text":
            out.append(item)
        elif kind == "escape":
            out.append("${" + item + "}")
        else:
            name, default = item
            out.append("${" + name + ("" if default is None else f", '{default}'") + "}")
    return "".join(out)


def expected_parts(elements) -> tuple:
    parts: list = []
    for kind, item in elements:
        if kind == "text":
            part = item
        elif kind == "escape":
            part = Literal(item)
        else:
            part = Variable(item[0], item[0].lower(), item[1])
        if parts and type(parts[-1]) is type(part) is str:
            parts[-1] += part
        elif parts and type(parts[-1]) is type(part) is Literal:
            parts[-1] = Literal(parts[-1].text + part.text)
        else:
            parts.append(part)
    return tuple(parts)


@settings(max_examples=300)
@given(st.lists(ELEMENTS, max_size=6))
def test_rendered_templates_parse_back(elements):
    text = render(elements)
    # plain text ending in "$" followed by "{" of the next element would form "${"; skip those
    assume(not any(kind == "text" and (item.endswith("$") or "${" in item)
                   for kind, item in elements))
    assert parse_template(text) == expected_parts(elements)


@settings(max_examples=300)
@given(st.text(st.sampled_from(list("${}*?, 'ab:/\t")), max_size=16))
def test_any_text_parses_or_fails_with_an_offset_inside_it(text):
    try:
        parts = parse_template(text)
    except VariableSyntaxError as error:
        assert 0 <= error.offset <= len(text)
        assert text.rfind("${", 0, error.offset + 2) != -1  # the error is inside some ${...}
        return
    # rendering the parts back gives the text
    rendered = []
    for part in parts:
        if isinstance(part, str):
            rendered.append(part)
        elif isinstance(part, Literal):
            rendered.append("".join("${" + char + "}" for char in part.text))
        else:
            default = "" if part.default is None else f", '{part.default}'"
            rendered.append("${" + part.name + default + "}")
    assert "".join(rendered) == text


def test_importing_the_module_does_not_import_lark():
    code = (
        "import sys\n"
        "from policyengine.language.variables import parse_template\n"
        "assert parse_template('no variables $ here') == ('no variables $ here',)\n"
        "assert 'lark' not in sys.modules\n"
        "parse_template('${aws:username}')\n"
        "assert 'lark' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.returncode == 0, result.stderr

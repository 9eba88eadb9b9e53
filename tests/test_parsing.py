"""Policy text → JSON value → AST, and every kind of bad input (issue: never crash, never hang)."""

import json
import time

import pytest

from policyengine.errors import PolicySyntaxError, PolicyValidationError
from policyengine.language.parsing import parse_json, parse_policy

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "A",
      "Effect": "Allow",
      "Principal": {"AWS": "111122223333"},
      "Action": "kms:Decrypt",
      "Resource": "*",
      "Condition": {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]}}
    }
  ]
}"""


def test_ast_normalises_and_knows_paths():
    policy = parse_policy(POLICY)
    statement = policy.statements[0]
    assert policy.version == "2012-10-17"
    assert statement.path == "Statement/0"
    assert statement.action.values == ("kms:Decrypt",)  # a string becomes a list of one
    assert statement.action.path == "Statement/0/Action"
    assert statement.principal.values("AWS") == ("111122223333",)
    entry = statement.condition[0]
    assert (entry.operator, entry.key, entry.values) == (
        "StringEquals", "kms:ViaService", ("s3.us-east-1.amazonaws.com",))
    assert entry.path == "Statement/0/Condition/StringEquals/kms:ViaService"


def test_statement_may_be_a_single_object():
    policy = parse_policy({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
    assert len(policy.statements) == 1 and policy.statements[0].path == "Statement"


def test_duplicate_keys_are_refused_with_their_position():
    with pytest.raises(PolicySyntaxError) as caught:
        parse_json('{\n  "Effect": "Allow",\n  "Effect": "Deny"\n}')
    assert "duplicate key 'Effect'" in str(caught.value)
    assert (caught.value.line, caught.value.column) == (3, 3)


@pytest.mark.parametrize("text, line", [
    ('{"Statement": [', 1),
    ('{\n  "Version": "2012-10-17",\n  "Statement": [],\n}', 4),  # trailing comma
    ("{'Version': '2012-10-17'}", 1),
    ('{"a": 01}', 1),
    ("", 1),
])
def test_syntax_errors_carry_line_and_column(text, line):
    with pytest.raises(PolicySyntaxError) as caught:
        parse_json(text)
    assert caught.value.line == line and caught.value.column is not None


@pytest.mark.parametrize("value, path", [
    ([], ""),
    ({"Version": 2012}, "Version"),
    ({"Version": "2012-10-17"}, "Statement"),
    ({"Statement": "x"}, "Statement"),
    ({"Statement": [1]}, "Statement/0"),
    ({"Statement": [{"Action": 5}]}, "Statement/0/Action"),
    ({"Statement": [{"Action": ["kms:Decrypt", None]}]}, "Statement/0/Action/1"),
    ({"Statement": [{"Principal": ["x"]}]}, "Statement/0/Principal"),
    ({"Statement": [{"Condition": {"StringEquals": "x"}}]}, "Statement/0/Condition/StringEquals"),
    ({"Statement": [{"Effect": True}]}, "Statement/0/Effect"),
])
def test_wrong_types_are_errors_with_their_path(value, path):
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(value)
    assert caught.value.json_path == path


def test_wrong_types_in_text_get_a_line():
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy('{\n "Statement": [\n  {"Action": 5}\n ]\n}', file="p.json")
    assert caught.value.line == 3 and caught.value.file == "p.json"
    assert str(caught.value).startswith("p.json:3:")


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(PolicySyntaxError):
        parse_json("[" * 100_000 + "]" * 100_000)


def test_a_ten_megabyte_document_is_parsed():
    statements = [{"Sid": f"S{i}", "Effect": "Allow", "Action": "kms:Decrypt",
                   "Resource": f"arn:aws:kms:us-east-1:111122223333:key/{i:036d}"}
                  for i in range(70_000)]
    text = json.dumps({"Version": "2012-10-17", "Statement": statements})
    assert len(text) > 10_000_000
    started = time.perf_counter()
    policy = parse_policy(text)
    assert len(policy.statements) == 70_000
    assert time.perf_counter() - started < 30


def test_non_latin_1_characters_parse_and_bytes_must_be_utf8():
    assert parse_json('{"Sid": "caf\\u00e9 ☃"}') == {"Sid": "café ☃"}
    with pytest.raises(PolicySyntaxError):
        parse_json(b'{"a": "\\xff"}'.replace(b"\\xff", b"\xff"))


def test_fast_node_construction_matches_pydantic():
    from policyengine.language.ast import NameList, Statement

    fast = Statement.build(path="Statement/0", index=0, effect="Allow",
                           action=NameList.build(path="Statement/0/Action", values=("kms:*",)))
    slow = Statement.model_construct(path="Statement/0", index=0, effect="Allow",
                                     action=NameList.model_construct(
                                         path="Statement/0/Action", values=("kms:*",)))
    assert fast == slow
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
    assert Statement.model_validate(fast.model_dump()) == fast
    # every field given: the builder keeps the keyword dict as the state
    every = NameList.build(path="Statement/0/Action", negated=True, values=("kms:*",))
    assert every == NameList.model_construct(path="Statement/0/Action", negated=True,
                                             values=("kms:*",))
    assert every.model_fields_set == {"path", "negated", "values"}
    # ... a set the class's nodes share: a copy with more fields does not change it
    every.model_copy(update={"other": 1})
    assert NameList.build(path="x", negated=False, values=()).model_fields_set == {
        "path", "negated", "values"}


def test_compiled_policy_lists_the_statements_for_an_action():
    from policyengine.language.compile import compile_value

    compiled = compile_value({"Version": "2012-10-17", "Statement": [
        {"Sid": "Use", "Effect": "Allow", "Action": "kms:*", "Resource": "*"},
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "kms:Schedule*", "Resource": "*"},
        {"Sid": "NoDecrypt", "Effect": "Deny", "NotAction": "kms:Encrypt", "Resource": "*"},
        {"Sid": "Broken", "Effect": "Deny", "Action": "kms:*"},  # no Resource: never applies
    ]})
    sids = lambda statements: [s.sid for s in statements]  # noqa: E731
    assert sids(compiled.statements_for("kms:ScheduleKeyDeletion")) == ["Use", "NoDelete",
                                                                        "NoDecrypt"]
    assert sids(compiled.denies_for("kms:ScheduleKeyDeletion")) == ["NoDelete", "NoDecrypt"]
    assert sids(compiled.denies_for("kms:Encrypt")) == []
    assert compiled.denies_for("kms:Encrypt") is compiled.denies_for("kms:Encrypt")  # cached


def test_identical_elements_at_one_place_share_their_node():
    """Policies repeat elements (the console's statements, "Resource": "*"): the AST builds an
    identical element at the same path once. Nodes are immutable, so sharing is invisible."""
    first = parse_policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                         '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
                         '"Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", '
                         '"Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}]}')
    second = parse_policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
                          '"Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
                          '"Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*", '
                          '"Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}}]}')
    a, b = first.statements[0], second.statements[0]
    assert a.action is b.action and a.resource is b.resource and a.principal is b.principal
    # a condition value that is not a string is never shared (true, 1 and 1.0 are equal keys)
    assert a.condition[0].values == ("true",) and b.condition[0].values == (True,)

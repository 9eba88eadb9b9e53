"""The scenario file format v1: models, loading, positions in errors, JSON Schema."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from policyengine.errors import PolicySyntaxError, ScenarioError
from policyengine.scenario.load import (
    SourcePositions,
    load_scenario_file,
    load_scenario_text,
    scenario_from_data,
)
from policyengine.scenario.models import (
    Change,
    Grant,
    Key,
    PolicyLevels,
    Request,
    Scenario,
    SetKey,
    scenario_json_schema,
)

DATA = Path(__file__).parent / "data" / "scenarios"
SEEDS = sorted(DATA.glob("seed-*.json"))

KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALICE = "arn:aws:iam::111122223333:user/Alice"

# A valid minimal scenario: every error case below changes one thing in it.
MINIMAL = """\
scenario: minimal
requests:
  - principal: arn:aws:iam::111122223333:user/Alice
    action: kms:Decrypt
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_one(tmp_path: Path, text: str, name: str = "s.yaml"):
    [(scenario, positions)] = load_scenario_file(write(tmp_path, text, name))
    return scenario, positions


def error_of(tmp_path: Path, text: str, name: str = "s.yaml") -> ScenarioError:
    path = write(tmp_path, text, name)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    error = caught.value
    assert error.file == str(path)
    return error


def where(error: ScenarioError) -> tuple:
    return error.json_path, error.line, error.column


# -- valid files --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_cases_load(path):
    [(scenario, positions)] = load_scenario_file(path)
    raw = json.loads(path.read_text())
    assert scenario.id == raw["id"]
    assert scenario.sources and scenario.certainty == "stated"
    assert len(scenario.requests) == len(raw["requests"])
    assert positions.file == str(path)
    assert positions.position("requests/0/principal")[0] > 1


@pytest.mark.parametrize("path", sorted(DATA.iterdir()), ids=lambda p: p.name)
def test_examples_round_trip(path):
    for scenario, _ in load_scenario_file(path):
        dumped = scenario.model_dump(mode="json", exclude_unset=True)
        again = Scenario.model_validate(json.loads(json.dumps(dumped)))
        assert again == scenario
        # by field name, exactly what was given (plain lists of SCPs/RCPs become one level)
        assert again.model_dump(exclude_unset=True) == dumped


def test_seed_json_dumps_back_to_itself():
    path = DATA / "seed-C01.json"
    [(scenario, _)] = load_scenario_file(path)
    assert scenario.model_dump(mode="json", exclude_unset=True) == json.loads(path.read_text())


def test_yaml_and_json_mean_the_same(tmp_path):
    path = DATA / "seed-C13.json"
    data = json.loads(path.read_text())
    yaml_path = tmp_path / "c13.yaml"
    yaml_path.write_text(yaml.safe_dump(data, sort_keys=False))
    [(from_json, _)] = load_scenario_file(path)
    [(from_yaml, positions)] = load_scenario_file(yaml_path)
    assert from_json == from_yaml
    assert from_yaml.now == "2026-06-01T12:00:00Z"
    assert positions.position("requests/0/operation") is not None


def test_json_array_of_scenarios():
    loaded = load_scenario_file(DATA / "array.json")
    assert [s.scenario for s, _ in loaded] == ["first", "second"]
    first, second = (positions for _, positions in loaded)
    assert first.prefix == (0,) and second.prefix == (1,)
    assert first.position("requests/0/expect") == (6, 38)
    assert second.position("requests/0/expect") == (19, 18)
    assert second.absolute("requests/0/expect") == "1/requests/0/expect"
    assert second.position("") == (9, 3)
    # a policy held as a JSON string: its inside is the string's position
    assert second.position("keys/0/policy") == (13, 18)
    assert second.position("keys/0/policy/Statement") == (13, 18)
    key_of_second = loaded[1][0].keys[0]
    assert key_of_second.policy == '{"Version": "2012-10-17", "Statement": []}'


def test_aws_pascal_case_names(tmp_path):
    [(scenario, positions)] = load_scenario_file(DATA / "aws-shapes.yaml")
    key = scenario.keys[0]
    assert (key.spec, key.usage, key.origin, key.state, key.manager, key.multi_region) == (
        "HMAC_256", "GENERATE_VERIFY_MAC", "EXTERNAL", "PendingImport", "CUSTOMER", True)
    assert key.multi_region_type == "PRIMARY"
    assert key.rotation.enabled is False and key.rotation.period_days == 365
    logs, pending = key.grants
    assert logs.id.startswith("0c2374") and logs.name == "logs"
    assert logs.grantee is None and logs.grantee_service == "logs.amazonaws.com"
    assert logs.retiring == "arn:aws:iam::111122223333:role/Ops"
    assert logs.operations == ["GenerateMac", "VerifyMac"]
    assert logs.constraints.encryption_context_equals == {"stream": "app"}
    assert logs.constraints.encryption_context_subset is None
    assert logs.constraints.source_arn.startswith("arn:aws:logs:")
    assert logs.issuing_account == "111122223333"
    assert pending.pending and pending.token and pending.grantee.endswith("user/Bob")
    assert scenario.requests[0].operation == "GenerateMac"
    # positions use the names as written
    assert positions.position("keys/0/grants/0/GrantId") == (14, 18)
    assert positions.key_position("keys/0/KeySpec") == (5, 5)


def test_snake_case_and_pascal_case_give_equal_models():
    snake = {"id": "g", "name": "n", "grantee": ALICE, "operations": ["Decrypt"],
             "constraints": {"encryption_context_subset": {"a": "b"}},
             "issuing_account": "111122223333"}
    pascal = {"GrantId": "g", "Name": "n", "GranteePrincipal": ALICE, "Operations": ["Decrypt"],
              "Constraints": {"EncryptionContextSubset": {"a": "b"}},
              "IssuingAccount": "111122223333"}
    assert Grant.model_validate(snake) == Grant.model_validate(pascal)
    assert Grant(id="g", grantee=ALICE, operations=["Decrypt"]).id == "g"  # populate by name


def test_key_defaults_and_properties():
    key = Key(arn=KEY)
    assert key.policy is None  # the programmatic default key policy, applied later
    assert (key.aliases, key.tags, key.grants) == ([], {}, [])
    assert (key.spec, key.usage, key.origin, key.state, key.manager) == (
        "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled", "CUSTOMER")
    assert key.multi_region is False and key.multi_region_type is None and key.rotation is None
    assert (key.partition, key.region, key.account, key.key_id) == (
        "aws", "us-west-2", "111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab")
    gov = Key(arn="arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k-1")
    assert (gov.partition, gov.region) == ("aws-us-gov", "us-gov-west-1")


def test_other_defaults(tmp_path):
    scenario, _ = load_one(tmp_path, MINIMAL)
    assert scenario.keys == [] and scenario.principals == [] and scenario.organization is None
    assert scenario.now is None and scenario.now_datetime is None and scenario.question is None
    request = scenario.requests[0]
    assert request.expect is None and request.expect_error is None
    assert request.encryption_context is None and request.params == {} and request.context == {}
    assert request.credentials is None and request.credential_type == "long-term"
    assert request.principal_kind == "user"


def test_timestamps_stay_strings(tmp_path):
    scenario, _ = load_one(tmp_path, """\
        scenario: t
        now: 2026-06-01T12:00:00+02:00
        principals:
          - arn: arn:aws:iam::111122223333:user/Alice
            policies:
              - Statement:
                  Effect: Allow
                  Action: kms:Decrypt
                  Resource: "*"
                  Condition: {DateLessThan: {"aws:CurrentTime": 2027-01-01T00:00:00Z}}
        requests:
          - principal: arn:aws:iam::111122223333:user/Alice
            action: kms:Decrypt
            context: {"aws:CurrentTime": 2026-01-01}
        """)
    assert scenario.now == "2026-06-01T12:00:00+02:00"
    assert scenario.now_datetime == datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)
    condition = scenario.principals[0].policies[0]["Statement"]["Condition"]
    assert condition == {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}
    assert scenario.requests[0].context == {"aws:CurrentTime": "2026-01-01"}


def test_yaml_keys_are_strings_as_written(tmp_path):
    scenario, positions = load_one(tmp_path, MINIMAL + "    context: {yes: 1, 2: x, ~: on}\n")
    assert scenario.requests[0].context == {"yes": 1, "2": "x", "~": True}
    assert positions.key_position("requests/0/context/2") == (5, 23)


def test_anchors_and_merge_keys(tmp_path):
    scenario, positions = load_one(tmp_path, """\
        scenario: t
        requests:
          - &alice
            principal: arn:aws:iam::111122223333:user/Alice
            action: kms:Decrypt
          - <<: *alice
            action: kms:Encrypt
          - *alice
        """)
    assert [r.action for r in scenario.requests] == ["kms:Decrypt", "kms:Encrypt", "kms:Decrypt"]
    assert scenario.requests[1].principal == ALICE
    assert positions.position("requests/1/action") == (7, 13)
    assert positions.position("requests/2/action") == (5, 13)  # where the anchor is


@pytest.mark.parametrize("now", [
    "2026-06-01T12:00:00Z", "2026-06-01t12:00:00z", "2026-06-01T12:00:00.123456789Z",
    "2026-06-01T12:00:00-07:00", "2024-02-29T00:00:00Z",
])
def test_now_accepts_rfc3339(now):
    scenario = Scenario.model_validate(
        {"scenario": "t", "now": now, "requests": [{"principal": ALICE, "action": "kms:Decrypt"}]})
    assert scenario.now == now and scenario.now_datetime.tzinfo is not None


@pytest.mark.parametrize("now", [
    "2026-06-01", "2026-06-01T12:00:00", "2026-06-01 12:00:00Z", "2026-02-30T00:00:00Z",
    "2026-06-01T24:00:00Z", "2026-06-01T12:00:00+25:00", "1780000000", "yesterday",
])
def test_now_refuses_other_times(now):
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data({"scenario": "t", "now": now,
                            "requests": [{"principal": ALICE, "action": "kms:Decrypt"}]})
    assert caught.value.json_path == "now" and "RFC 3339" in caught.value.message


@pytest.mark.parametrize("principal", [
    ALICE, "arn:aws:iam::111122223333:user/division/team/Bob",
    "arn:aws:iam::111122223333:role/Fn", "arn:aws:iam::111122223333:role/service-role/Fn",
    "arn:aws:iam::111122223333:root", "arn:aws:sts::111122223333:assumed-role/Fn/session-1",
    "arn:aws:sts::111122223333:federated-user/Carol", "cloudtrail.amazonaws.com",
    "logs.us-west-2.amazonaws.com", "arn:aws-cn:iam::111122223333:user/Alice",
])
def test_request_principal_forms(principal):
    request = Request(principal=principal, action="kms:Decrypt")
    assert request.principal_kind is not None


@pytest.mark.parametrize("principal", [
    "111122223333", "*", "arn:aws:iam::111122223333:group/Admins", "Alice",
    "arn:aws:iam::1111:user/Alice", "arn:aws:sts::111122223333:assumed-role/Fn",
    "arn:aws:iam::111122223333:user/",
])
def test_request_principal_refused(principal):
    with pytest.raises(ValidationError):
        Request(principal=principal, action="kms:Decrypt")


@pytest.mark.parametrize("arn,ok", [
    (ALICE, True), ("arn:aws:iam::111122223333:role/path/Fn", True),
    ("arn:aws:iam::111122223333:root", True),
    ("arn:aws:sts::111122223333:assumed-role/Fn/s", False),
    ("logs.amazonaws.com", False), ("arn:aws:iam::111122223333:user", False),
])
def test_principal_arn_forms(arn, ok):
    data = {"scenario": "t", "principals": [{"arn": arn}],
            "requests": [{"principal": ALICE, "action": "kms:Decrypt"}]}
    if ok:
        assert scenario_from_data(data).principals[0].arn == arn
    else:
        with pytest.raises(ScenarioError) as caught:
            scenario_from_data(data)
        assert caught.value.json_path == "principals/0/arn"


@pytest.mark.parametrize("arn", [
    "arn:aws:kms:us-west-2:111122223333:alias/app", "arn:aws:kms:us-west-2:1111:key/k",
    "arn:aws:kms::111122223333:key/k", "arn:aws:iam::111122223333:key/k",
    "arn:aws:kms:us-west-2:111122223333:key/", "1234abcd-12ab-34cd-56ef-1234567890ab",
    "arn:azure:kms:us-west-2:111122223333:key/k",
])
def test_key_arn_refused(arn):
    with pytest.raises(ValidationError):
        Key(arn=arn)


def test_credentials():
    role = "arn:aws:iam::111122223333:role/Fn"
    assert Request(principal=role, action="kms:Decrypt").credential_type == "temporary"
    assert Request(principal=ALICE, action="kms:Decrypt",
                   credentials="temporary").credential_type == "temporary"
    for principal in (role, "arn:aws:sts::111122223333:federated-user/Carol"):
        with pytest.raises(ValidationError, match="temporary credentials"):
            Request(principal=principal, action="kms:Decrypt", credentials="long-term")
    with pytest.raises(ValidationError):
        Request(principal=ALICE, action="kms:Decrypt", credentials="short-term")


def test_organization_levels(tmp_path):
    [(scenario, positions)] = load_scenario_file(DATA / "seed-J07.json")
    organization = scenario.organization
    assert isinstance(organization.rcps, PolicyLevels) and len(organization.rcps.levels) == 1
    assert len(organization.rcps.levels[0]) == 2 and organization.scps is None
    assert organization.members == {"111122223333", "444455556666", "210987654321"}
    scenario, _ = load_one(tmp_path, MINIMAL + textwrap.dedent("""\
        organization:
          id: o-a1b2c3d4e5
          scps: {levels: [[{Statement: []}], ['{"Statement": []}', {}]]}
        """))
    assert [len(level) for level in scenario.organization.scps.levels] == [1, 2]


# -- the question -------------------------------------------------------------------------------


def test_question_and_changes():
    [(scenario, positions)] = load_scenario_file(DATA / "exam.yaml")
    question = scenario.question
    assert question.request == 0 and question.want == "Allow" and question.answer == ["B"]
    assert list(question.options) == ["A", "B", "C", "D"]
    add = question.options["B"].changes[0]
    assert isinstance(add, Change) and add.operation == "add_statement"
    assert add.body.key == KEY and add.body.principal is None
    assert add.body.statement["Action"] == "kms:Decrypt"
    set_key = question.options["C"].changes[0].body
    assert isinstance(set_key, SetKey) and set_key.updates() == {"state": "Disabled"}
    assert question.options["D"].changes[0].body.updates() == {"encryption_context": {}}
    assert positions.position("question/options/C/changes/0/set_key/KeyState") == (66, 23)


@pytest.mark.parametrize("change,operation,updates", [
    ({"remove_statement": {"key": KEY, "sid": "Admins"}}, "remove_statement", None),
    ({"set_policy": {"key": KEY, "policy": None}}, "set_policy", None),
    ({"set_policy": {"principal": ALICE, "policies": [{}, "{}"]}}, "set_policy", None),
    ({"set_boundary": {"principal": ALICE, "policy": None}}, "set_boundary", None),
    ({"add_grant": {"key": KEY, "grant": {"GrantId": "g", "GranteePrincipal": ALICE,
                                          "Operations": ["Decrypt"]}}}, "add_grant", None),
    ({"remove_grant": {"key": KEY, "id": "g"}}, "remove_grant", None),
    ({"set_request": {"operation": "Encrypt", "params": {"Plaintext": {"size": 5000}}}},
     "set_request", {"operation": "Encrypt", "params": {"Plaintext": {"size": 5000}}}),
    ({"set_organization": {"rcps": [{}]}}, "set_organization", {"rcps": PolicyLevels(
        levels=[[{}]])}),
    ({"set_organization": None}, "set_organization", None),
])
def test_change_operations(change, operation, updates):
    parsed = Change.model_validate(change)
    assert parsed.operation == operation
    if updates is not None:
        assert parsed.body.updates() == updates


def test_change_targets_must_be_listed_keys(tmp_path):
    other = KEY.replace("1234abcd", "9999abcd")
    error = error_of(tmp_path, MINIMAL + textwrap.dedent(f"""\
        keys: [{{arn: "{KEY}"}}]
        question:
          options:
            A:
              changes:
                - remove_grant: {{key: "{KEY}", id: g}}
                - remove_grant: {{key: "{other}", id: g}}
          answer: []
        """))
    assert where(error) == ("question/options/A/changes/1/remove_grant/key", 11, 31)
    assert "not in keys" in error.message


# -- errors, with their positions -----------------------------------------------------------


ERRORS = [
    # (name, text, json_path, line, column, words in the message)
    ("bad expect", MINIMAL + "    expect: Allowed\n",
     "requests/0/expect", 5, 13, "'Allow', 'ExplicitDeny', 'ImplicitDeny' or 'Invalid'"),
    ("unknown key", MINIMAL + "    expcet: Allow\n",
     "requests/0/expcet", 5, 5, "did you mean 'expect'"),
    ("unknown top-level key", "title: x\n" + MINIMAL, "title", 1, 1, "unknown field 'title'"),
    ("action and operation", MINIMAL + "    operation: Decrypt\n",
     "requests/0/operation", 5, 16, "exactly one of 'action' / 'operation'"),
    ("neither action nor operation",
     "scenario: t\nrequests:\n  - principal: arn:aws:iam::111122223333:user/Alice\n",
     "requests/0", 3, 5, "exactly one of 'action' / 'operation'"),
    ("no requests", "scenario: t\nrequests: []\n", "requests", 2, 11, "at least 1"),
    ("requests missing", "scenario: t\n", "requests", 1, 1, "missing required field 'requests'"),
    ("title missing", MINIMAL.replace("scenario: minimal\n", ""), "scenario", 1, 1,
     "missing required field 'scenario'"),
    ("boolean where a string is expected", MINIMAL.replace("minimal", "no"), "scenario", 1, 11,
     "got the boolean false"),
    ("certainty", "certainty: sure\n" + MINIMAL, "certainty", 1, 12,
     "'stated', 'inferred', 'ambiguous' or 'conflicting'"),
    ("credentials", MINIMAL + "    credentials: short\n", "requests/0/credentials", 5, 18,
     "'long-term' or 'temporary'"),
    ("now", "now: 2026-06-01T25:00:00Z\n" + MINIMAL, "now", 1, 6, "RFC 3339"),
    ("action with a wildcard", MINIMAL.replace("kms:Decrypt", "kms:*"), "requests/0/action",
     4, 13, "no wildcards"),
    ("operation named as a permission",
     MINIMAL.replace("action: kms:Decrypt", "operation: kms:Decrypt"), "requests/0/operation",
     4, 16, "use action:"),
    ("request principal", MINIMAL.replace("user/Alice", "group/Admins"),
     "requests/0/principal", 3, 16, "is not a caller"),
    ("encryption context value", MINIMAL + "    encryption_context: {n: 1}\n",
     "requests/0/encryption_context/n", 5, 29, "expected a string, got the number 1"),
    ("duplicate key", MINIMAL + "    action: kms:Encrypt\n", "requests/0/action", 5, 5,
     "duplicate key 'action' (first at line 4, column 5)"),
    ("source URL", "sources: [docs.aws.amazon.com]\n" + MINIMAL, "sources/0", 1, 11,
     "is not a URL"),
    ("key arn", MINIMAL + "keys:\n  - arn: arn:aws:kms:us-west-2:111122223333:alias/x\n",
     "keys/0/arn", 6, 10, "is not a KMS key ARN"),
    ("key state", MINIMAL + f"keys:\n  - arn: {KEY}\n    state: Deleted\n",
     "keys/0/state", 7, 12, "'Enabled', 'Disabled'"),
    ("key state alias", MINIMAL + f"keys:\n  - arn: {KEY}\n    KeyState: Deleted\n",
     "keys/0/KeyState", 7, 15, "'Enabled', 'Disabled'"),
    ("both name and alias", MINIMAL + f"keys:\n  - arn: {KEY}\n    spec: RSA_2048\n"
     "    KeySpec: RSA_4096\n", "keys/0/KeySpec", 8, 5, "'KeySpec' and 'spec' name the same"),
    ("multi-region type without multi-region",
     MINIMAL + f"keys:\n  - arn: {KEY}\n    multi_region_type: PRIMARY\n",
     "keys/0/multi_region_type", 7, 24, "needs multi_region: true"),
    ("rotation period", MINIMAL + f"keys:\n  - arn: {KEY}\n    rotation: {{enabled: true, "
     "period_days: 30}\n", "keys/0/rotation/period_days", 7, 44, "greater than or equal to 90"),
    ("key policy shape", MINIMAL + f"keys:\n  - arn: {KEY}\n    policy: [Statement]\n",
     "keys/0/policy", 7, 13, "a policy is an object or a string"),
    ("key listed twice", MINIMAL + f"keys:\n  - arn: {KEY}\n  - arn: {KEY}\n",
     "keys/1/arn", 7, 10, "listed twice (first at keys/0)"),
    ("alias used twice", MINIMAL + f"keys:\n  - arn: {KEY}\n    aliases: [alias/a]\n"
     f"  - arn: {KEY[:-4]}ffff\n    aliases: [alias/b, alias/a]\n",
     "keys/1/aliases/1", 9, 24, "alias/a already names a key"),
    ("alias name", MINIMAL + f"keys:\n  - arn: {KEY}\n    aliases: [app]\n",
     "keys/0/aliases/0", 7, 15, "is not an alias name"),
    ("grant id missing", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - {{grantee: {ALICE}, operations: [Decrypt]}}\n",
     "keys/0/grants/0/id", 8, 9, "missing required field 'id' (or 'GrantId')"),
    ("grantee and grantee_service", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - GrantId: g\n        GranteePrincipal: {ALICE}\n"
     "        GranteeServicePrincipal: logs.amazonaws.com\n        Operations: [Decrypt]\n",
     "keys/0/grants/0/GranteeServicePrincipal", 10, 34,
     "exactly one of 'grantee' / 'grantee_service'"),
    ("no grantee", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     "      - {id: g, operations: [Decrypt]}\n", "keys/0/grants/0", 8, 9,
     "exactly one of 'grantee' / 'grantee_service'"),
    ("grant without operations", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - {{id: g, grantee: {ALICE}, operations: []}}\n",
     "keys/0/grants/0/operations", 8, 76, "at least 1"),
    ("grant id twice", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - {{id: g, grantee: {ALICE}, operations: [Decrypt]}}\n"
     f"      - {{id: g, grantee: {ALICE}, operations: [Encrypt]}}\n",
     "keys/0/grants/1/id", 9, 14, "used twice"),
    ("pending grant without token", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - {{id: g, grantee: {ALICE}, operations: [Decrypt], pending: true}}\n",
     "keys/0/grants/0/pending", 8, 96, "needs a 'token'"),
    ("constraint key", MINIMAL + f"keys:\n  - arn: {KEY}\n    grants:\n"
     f"      - {{id: g, grantee: {ALICE}, operations: [Decrypt],\n"
     "         constraints: {EncryptionContextSubsets: {a: b}}}\n",
     "keys/0/grants/0/constraints/EncryptionContextSubsets", 9, 24,
     "did you mean 'EncryptionContextSubset'"),
    ("principal listed twice", MINIMAL + f"principals:\n  - arn: {ALICE}\n  - arn: {ALICE}\n",
     "principals/1/arn", 7, 10, "listed twice"),
    ("service-linked user", MINIMAL + f"principals:\n  - arn: {ALICE}\n    service_linked: true\n",
     "principals/0/service_linked", 7, 21, "only a role"),
    ("account as a number", MINIMAL + "organization:\n  management_account: 111122223333\n",
     "organization/management_account", 6, 23, "quote it"),
    ("organization id", MINIMAL + "organization:\n  id: org-1\n", "organization/id", 6, 7,
     "is not an organization ID"),
    ("scp not a policy", MINIMAL + "organization:\n  scps:\n    - {}\n    - 3\n",
     "organization/scps/1", 8, 7, "not the number 3"),
    ("empty scp list", MINIMAL + "organization:\n  scps: []\n", "organization/scps", 6, 9,
     "at least 1"),
    ("scp levels", MINIMAL + "organization:\n  scps: {levels: [[{}], []]}\n",
     "organization/scps/levels/1", 6, 25, "at least 1"),
    ("scp levels key", MINIMAL + "organization:\n  rcps: {level: [[{}]]}\n",
     "organization/rcps/level", 6, 10, "did you mean 'levels'"),
    ("question request out of range", MINIMAL + "question:\n  request: 1\n  options: {A: {}}\n"
     "  answer: [A]\n", "question/request", 6, 12, "only 1 request"),
    ("answer not an option", MINIMAL + "question:\n  options: {A: {}, B: {}}\n"
     "  answer: [B, C]\n", "question/answer/1", 7, 15, "'C' is not an option (A, B)"),
    ("want", MINIMAL + "question:\n  want: Deny\n  options: {A: {}}\n  answer: [A]\n",
     "question/want", 6, 9, "'Allow', 'ExplicitDeny'"),
    ("no options", MINIMAL + "question:\n  options: {}\n  answer: []\n", "question/options",
     6, 12, "at least 1"),
    ("unknown change", MINIMAL + "question:\n  options:\n    A:\n      changes:\n"
     "        - add_statment: {}\n  answer: [A]\n",
     "question/options/A/changes/0/add_statment", 9, 11, "did you mean 'add_statement'"),
    ("empty change", MINIMAL + "question:\n  options:\n    A:\n      changes: [{}]\n"
     "  answer: [A]\n", "question/options/A/changes/0", 8, 17, "names one operation"),
    ("two operations in one change", MINIMAL + "question:\n  options:\n    A:\n      changes:\n"
     f"        - remove_grant: {{key: '{KEY}', id: g}}\n"
     f"          set_key: {{key: '{KEY}', state: Disabled}}\n  answer: [A]\n",
     "question/options/A/changes/0/set_key", 10, 20, "separate list items"),
    ("change with both targets", MINIMAL + "question:\n  options:\n    A:\n      changes:\n"
     f"        - remove_statement: {{key: '{KEY}', principal: '{ALICE}', sid: S}}\n"
     "  answer: [A]\n", "question/options/A/changes/0/remove_statement/principal", 9, 125,
     "exactly one of 'key' / 'principal'"),
    ("set_policy on a key with policies", MINIMAL + "question:\n  options:\n    A:\n"
     f"      changes:\n        - set_policy: {{key: '{KEY}', policies: []}}\n  answer: [A]\n",
     "question/options/A/changes/0/set_policy/policies", 9, 118, "use 'policy'"),
    ("add_statement without statement", MINIMAL + "question:\n  options:\n    A:\n"
     f"      changes:\n        - add_statement: {{principal: '{ALICE}'}}\n  answer: [A]\n",
     "question/options/A/changes/0/add_statement/statement", 9, 26,
     "missing required field 'statement'"),
]


@pytest.mark.parametrize("name,text,json_path,line,column,words", ERRORS,
                         ids=[case[0] for case in ERRORS])
def test_format_errors(tmp_path, name, text, json_path, line, column, words):
    error = error_of(tmp_path, text)
    assert where(error) == (json_path, line, column), str(error)
    assert words in error.message
    assert str(error).startswith(f"{error.file}:{line}:{column}: ")


def test_several_problems_first_in_file_order(tmp_path):
    error = error_of(tmp_path, """\
        scenario: t
        certainty: sure
        requests:
          - principal: arn:aws:iam::111122223333:user/Alice
            action: kms:Decrypt
            expect: Maybe
        """)
    assert where(error) == ("certainty", 2, 12)
    assert [where(p) for p in error.problems] == [
        ("certainty", 2, 12), ("requests/0/expect", 6, 13)]


# -- YAML and JSON syntax, files ------------------------------------------------------------


@pytest.mark.parametrize("name,text,json_path,line,column,words", [
    ("malformed", "scenario: [\n", "", 2, 1, "invalid YAML"),
    ("bad indentation", "scenario: t\n requests: x\n", "", 2, 10, "invalid YAML"),
    ("two documents", MINIMAL + "---\nscenario: u\n", "", 5, 1, "single document"),
    ("top level list", "- scenario: t\n", "", 1, 1, "holds a list"),
    ("top level string", "just text\n", "", 1, 1, "holds a string"),
    ("empty", "", "", 1, 1, "empty"),
    ("comment only", "# nothing\n", "", 1, 1, "empty"),
    ("custom tag", MINIMAL + "    key: !Ref MyKey\n", "requests/0/key", 5, 10,
     "unsupported YAML tag '!Ref'"),
    ("binary", "scenario: !!binary aGk=\nrequests: []\n", "scenario", 1, 11,
     "unsupported YAML tag"),
    ("complex key", MINIMAL + "? [a, b]\n: c\n", "", 5, 3, "mapping key must be a plain string"),
    ("recursive alias", "scenario: t\ntags: &t [*t]\n", "tags/0", 2, 7, "recursive"),
    ("control character", "scenario: \x07\n", "", 1, 11, "special characters"),
    ("duplicate key in a policy", MINIMAL + f"keys:\n  - arn: {KEY}\n    policy:\n"
     "      Version: '2012-10-17'\n      Version: '2008-10-17'\n",
     "keys/0/policy/Version", 9, 7, "duplicate key 'Version'"),
])
def test_yaml_errors(tmp_path, name, text, json_path, line, column, words):
    error = error_of(tmp_path, text)
    assert where(error) == (json_path, line, column), str(error)
    assert words in error.message


@pytest.mark.parametrize("name,text,json_path,line,column,words", [
    ("malformed", '{"scenario": "t",\n "requests": [}', "", 2, 15, "invalid JSON"),
    ("trailing comma", '{"scenario": "t",\n}', "", 2, 1, "invalid JSON"),
    ("empty", "", "", 1, 1, "invalid JSON"),
    ("duplicate key", '{"scenario": "t",\n  "scenario": "u"}', "scenario", 2, 3,
     "duplicate key 'scenario'"),
    ("top level number", "3", "", 1, 1, "holds the number 3"),
    ("empty array", "[]", "", 1, 1, "no scenarios"),
    ("array item not an object",
     '[\n  {"scenario": "t", "requests": [{"principal": "%s", "action": "kms:Decrypt"}]},\n'
     '  "x"]' % ALICE, "1", 3, 3,
     "a scenario is an object"),
    ("error in the second scenario",
     '[{"scenario": "a", "requests": [{"principal": "%s", "action": "kms:Decrypt"}]},\n'
     ' {"scenario": "b", "requests": [{"principal": "%s",\n'
     '                                 "action": "kms:Decrypt", "expect": "Yes"}]}]'
     % (ALICE, ALICE), "1/requests/0/expect", 3, 69, "'Allow'"),
    ("unknown key", '{"scenario": "t", "requests": [{"principal": "%s",\n'
     ' "action": "kms:Decrypt", "GrantId": "g"}]}' % ALICE, "requests/0/GrantId", 2, 27,
     "unknown field 'GrantId'"),
    ("missing field", '{"requests": [{"principal": "%s", "action": "kms:Decrypt"}]}' % ALICE,
     "scenario", 1, 1, "missing required field 'scenario'"),
])
def test_json_errors(tmp_path, name, text, json_path, line, column, words):
    error = error_of(tmp_path, text, "s.json")
    assert where(error) == (json_path, line, column), str(error)
    assert words in error.message


def test_file_errors(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioError, match="no such file") as caught:
        load_scenario_file(missing)
    assert caught.value.file == str(missing)
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(ScenarioError, match="directory"):
        load_scenario_file(tmp_path / "dir.yaml")
    with pytest.raises(ScenarioError, match="directory"):
        load_scenario_file(tmp_path)
    other = write(tmp_path, MINIMAL, "s.txt")
    with pytest.raises(ScenarioError, match=r"\.yaml, \.yml or \.json"):
        load_scenario_file(other)
    binary = tmp_path / "s.json"
    binary.write_bytes(b'{"scenario":\n  "caf\xc3\xa9 \xff"}')
    with pytest.raises(ScenarioError, match="not UTF-8") as caught:
        load_scenario_file(binary)
    assert (caught.value.line, caught.value.column) == (2, 9)


def test_suffixes_and_bom(tmp_path):
    for name in ("a.yml", "b.YAML", "c.json"):
        path = tmp_path / name
        text = MINIMAL if not name.endswith("json") else json.dumps(
            {"scenario": "t", "requests": [{"principal": ALICE, "action": "kms:Decrypt"}]})
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        [(scenario, _)] = load_scenario_file(path)
        assert scenario.requests[0].principal == ALICE


def test_load_scenario_text():
    [(scenario, positions)] = load_scenario_text(MINIMAL, syntax="yaml")
    assert positions.file is None and positions.position("requests/0/action") == (4, 13)
    with pytest.raises(ValueError):
        load_scenario_text(MINIMAL, syntax="toml")


def test_scenario_from_data_without_positions():
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data({"scenario": "t", "requests": [{"principal": ALICE}]})
    assert where(caught.value) == ("requests/0", None, None)


# -- positions for later stages -------------------------------------------------------------


POSITIONED = """\
scenario: positions
keys:
  - arn: arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags: {"team/sub": a}
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: A
          Effect: Allow
          Principal: {AWS: "*"}
          Action: kms:*
          Resource: "*"
        - Sid: B
          Effect: Deny
          Condition:
            StringEquals: {"aws:ResourceTag/team": x}
  - arn: arn:aws:kms:us-west-2:111122223333:key/ffff
    policy: |
      {"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow",
                       "Action": "kms:*"}]}
  - arn: arn:aws:kms:us-west-2:111122223333:key/eeee
    policy: '{"Version": "2012-10-17", "Statement": []}'
requests:
  - principal: arn:aws:iam::111122223333:user/Alice
    action: kms:Decrypt
    expect:
"""


def test_positions(tmp_path):
    scenario, positions = load_one(tmp_path, POSITIONED)
    assert scenario.requests[0].expect is None
    assert positions.position("") == (1, 1)
    assert positions.position("keys/0") == (3, 5)
    assert positions.key_position("keys/0") is None  # list items have no key
    assert positions.position("keys/0/policy") == (6, 7)
    assert positions.key_position("keys/0/policy") == (5, 5)
    assert positions.position("keys/0/policy/Statement/1") == (13, 11)
    assert positions.position(("keys", 0, "policy", "Statement", 1, "Effect")) == (14, 19)
    # keys holding "/": the string form finds them, the tuple form is never re-split
    cond = "keys/0/policy/Statement/1/Condition/StringEquals/aws:ResourceTag/team"
    assert positions.position(cond) == (16, 52)
    assert positions.position("keys/0/tags/team/sub") == (4, 24)
    assert positions.position(("keys", 0, "tags", "team", "sub")) is None
    # an empty value points at its key
    assert positions.position("requests/0/expect") == (27, 5)
    # not there
    assert positions.position("keys/0/policy/Statement/5") is None
    assert positions.position("keys/9") is None
    assert positions.nearest("keys/0/policy/Statement/5/Effect") == (8, 9)
    assert positions.nearest("nothing/here") == (1, 1)


def test_positions_inside_policy_strings(tmp_path):
    _, positions = load_one(tmp_path, POSITIONED)
    # a literal block: the policy's own lines are lines of the file
    assert positions.position("keys/1/policy") == (18, 13)
    assert positions.position("keys/1/policy/Statement/0") == (20, 23)
    assert positions.position("keys/1/policy/Statement/0/Action") == (21, 34)
    # a quoted string: the string's position is the best there is
    assert positions.position("keys/2/policy/Statement") == (23, 13)
    locate = positions.locator("keys/1/policy")
    assert locate("Statement/0/Effect") == (20, 34)
    assert positions.locator("keys/0/policy")("Statement/1/Sid") == (13, 16)
    assert positions.locator("keys/0/policy")(("Statement", 0)) == (8, 11)


def test_locate_error(tmp_path):
    _, positions = load_one(tmp_path, POSITIONED)
    error = PolicySyntaxError("Effect must be Allow or Deny", json_path="Statement/1/Effect")
    assert positions.locate_error(error, "keys/0/policy") is error
    assert (error.file, error.line, error.column) == (positions.file, 14, 19)
    assert error.json_path == "keys/0/policy/Statement/1/Effect"
    error = ScenarioError("something about the request", json_path="")
    positions.locate_error(error, "requests/0/action")
    assert (error.line, error.column, error.json_path) == (26, 13, "requests/0/action")


def test_json_positions_and_array_prefix():
    loaded = load_scenario_file(DATA / "array.json")
    positions = loaded[1][1]
    error = ScenarioError("bad policy", json_path="Statement")
    positions.locate_error(error, "requests/0/params/Policy")
    assert error.json_path == "1/requests/0/params/Policy/Statement"
    assert (error.line, error.column) == (17, 68)
    assert positions.key_position("requests/0/params") == (17, 8)
    assert positions.key_position("requests/0/params/Policy") == (17, 19)
    assert SourcePositions.empty({}).position("") is None


# -- JSON Schema ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_title_and_description():
    schema = scenario_json_schema()
    assert schema["title"] == "policyengine scenario (format v1)"
    assert "array" in schema["description"] and schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert json.loads(json.dumps(schema)) == schema


def test_schema_accepts_valid_scenarios(validator):
    for path in sorted(DATA.iterdir()):
        text = path.read_text()
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        for item in data if isinstance(data, list) else [data]:
            if path.suffix != ".json":  # the loader keeps timestamps as strings
                item = json.loads(json.dumps(item, default=str))
            errors = [e.message for e in validator.iter_errors(item)]
            assert not errors, (path.name, errors)


@pytest.mark.parametrize("change", [
    {"certainty": "sure"},
    {"requests": []},
    {"extra": 1},
    {"requests": [{"principal": ALICE}]},
    {"requests": [{"principal": ALICE, "action": "kms:Decrypt", "operation": "Decrypt"}]},
    {"keys": [{"arn": "arn:aws:kms:us-west-2:1:key/k"}]},
    {"keys": [{"arn": KEY, "KeySpec": "RSA_2048", "spec": "RSA_2048"}]},
    {"keys": [{"arn": KEY, "grants": [{"GrantId": "g", "grantee": ALICE,
                                       "GranteeServicePrincipal": "logs.amazonaws.com",
                                       "operations": ["Decrypt"]}]}]},
    {"keys": [{"arn": KEY, "policy": 3}]},
    {"question": {"options": {"A": {"changes": [{}]}}, "answer": []}},
])
def test_schema_rejects_invalid_scenarios(validator, change):
    data = {"scenario": "t", "requests": [{"principal": ALICE, "action": "kms:Decrypt"}]}
    assert not list(validator.iter_errors(data))
    data.update(change)
    assert list(validator.iter_errors(data)), change
    with pytest.raises(ScenarioError):
        scenario_from_data(data)


# -- properties -----------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=40, deadline=None)
@given(
    title=_text.filter(bool),
    context=st.dictionaries(_text, st.one_of(_text, st.booleans(), st.integers()), max_size=3),
    encryption_context=st.dictionaries(_text, _text, max_size=3),
    expect=st.sampled_from(["Allow", "ExplicitDeny", "ImplicitDeny", "Invalid"]),
)
def test_yaml_and_json_agree(tmp_path_factory, title, context, encryption_context, expect):
    data = {"scenario": title, "now": "2026-06-01T12:00:00Z",
            "requests": [{"principal": ALICE, "action": "kms:Decrypt", "key": KEY,
                          "context": context, "encryption_context": encryption_context,
                          "expect": expect}]}
    folder = tmp_path_factory.mktemp("agree")
    (folder / "s.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    (folder / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    [(from_json, json_positions)] = load_scenario_file(folder / "s.json")
    [(from_yaml, yaml_positions)] = load_scenario_file(folder / "s.yaml")
    assert from_json == from_yaml
    for key in list(context) + [""]:
        path = ("requests", 0, "context", key) if key else ("requests", 0, "context")
        assert json_positions.position(path) is not None
        assert yaml_positions.position(path) is not None
        if key:
            assert json_positions.key_position(path) is not None
            assert yaml_positions.key_position(path) is not None


def test_timedelta_offsets_are_kept():
    scenario = Scenario.model_validate({"scenario": "t", "now": "2026-06-01T12:00:00-07:30",
                                        "requests": [{"principal": ALICE, "action": "kms:X"}]})
    assert scenario.now_datetime.utcoffset() == -timedelta(hours=7, minutes=30)

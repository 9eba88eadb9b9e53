"""``policyengine lint`` and ``policyengine rules`` as users run them: formats, exit statuses,
configuration, suppressions, standard input, bad input, scenario files and grants."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from policyengine.cli import main
from policyengine.lint.registry import RULES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "tests" / "lint" / "sarif-schema-2.1.0.json"
A = "111122223333"
ROOT_STATEMENT = {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                  "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*",
                  "Resource": "*"}
PUBLIC = {"Version": "2012-10-17", "Statement": [
    ROOT_STATEMENT,
    {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt",
     "Resource": "*"}]}
CLEAN = {"Version": "2012-10-17", "Statement": [ROOT_STATEMENT]}
LOW_ONLY = {"Statement": [ROOT_STATEMENT]}  # POL003 (LOW): Version missing


def write(folder: Path, name: str, value) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value if isinstance(value, str) else json.dumps(value, indent=2) + "\n")
    return path


def lint(capsys, *args) -> tuple[int, str, str]:
    status = main(["lint", *map(str, args)])
    out = capsys.readouterr()
    return status, out.out, out.err


def run(*args, stdin=None, cwd=ROOT):
    done = subprocess.run([sys.executable, "-m", "policyengine", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, input=stdin,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no configuration but the test's own
    return tmp_path


# -- text output ---------------------------------------------------------------------------------

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<rule>[A-Z]+\d{3}) "
                  r"(?P<name>[a-z0-9-]+) \[(?P<severity>[A-Z]+)\] (?P<message>.+)$")


def test_text_lines_follow_the_format(folder, capsys):
    write(folder, "public.json", PUBLIC)
    status, out, _ = lint(capsys, "public.json")
    assert status == 1
    first = out.splitlines()[0]
    found = LINE.match(first)
    assert found, first
    assert found["path"] == "public.json" and found["rule"] == "KP001"
    assert found["name"] == "public-key-policy" and found["severity"] == "CRITICAL"
    assert (found["line"], found["column"]) == ("16", "7")
    assert out.rstrip().endswith("1 finding (1 critical) in 1 file.")
    assert "\033[" not in out  # no colour when not a terminal


def test_text_groups_findings_by_file(folder, capsys):
    write(folder, "b.json", PUBLIC)
    write(folder, "a.json", LOW_ONLY)
    status, out, _ = lint(capsys, "b.json", "a.json")
    blocks = out.strip().split("\n\n")
    assert blocks[0].startswith("b.json:") and blocks[1].startswith("a.json:")


# -- JSON output ------------------------------------------------------------------------------


def test_json_has_the_documented_shape(folder, capsys):
    write(folder, "public.json", PUBLIC)
    status, out, _ = lint(capsys, "public.json", "--format", "json")
    data = json.loads(out)
    assert set(data) == {"findings", "summary"}
    assert data["summary"] == {"files": 1, "findings": 1, "by_severity": {"CRITICAL": 1}}
    finding = data["findings"][0]
    assert list(finding) == ["rule", "name", "severity", "category", "message", "path",
                             "policy_type", "json_path", "line", "column", "end_line",
                             "end_column", "sid"]
    assert finding["rule"] == "KP001" and finding["category"] == "security"
    assert finding["policy_type"] == "key" and finding["sid"] == "Public"
    assert finding["json_path"] == "Statement/1/Principal"
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        16, 7, 16, 22)
    assert status == 1


def test_clean_file_exits_0(folder, capsys):
    write(folder, "clean.json", CLEAN)
    status, out, _ = lint(capsys, "clean.json", "--format", "json")
    assert status == 0 and json.loads(out)["findings"] == []


# -- exit statuses ------------------------------------------------------------------------------


def test_fail_on_and_exit_zero(folder, capsys):
    write(folder, "low.json", LOW_ONLY)
    write(folder, "public.json", PUBLIC)
    assert lint(capsys, "low.json")[0] == 0  # LOW does not reach the default (high)
    assert lint(capsys, "low.json", "--fail-on", "low")[0] == 1
    assert lint(capsys, "low.json", "--fail-on", "info")[0] == 1
    assert lint(capsys, "public.json", "--fail-on", "critical")[0] == 1
    assert lint(capsys, "public.json", "--exit-zero")[0] == 0
    assert lint(capsys, "public.json", "--fail-on", "none")[0] == 0


def test_missing_file_is_exit_2_and_the_others_are_still_reported(folder, capsys):
    write(folder, "public.json", PUBLIC)
    status, out, err = lint(capsys, "public.json", "nope.json", "--exit-zero")
    assert status == 2
    assert "KP001" in out
    assert "nope.json: no such file or directory" in err


def test_unreadable_file_is_exit_2(folder, capsys):
    path = write(folder, "secret.json", CLEAN)
    path.chmod(0)
    try:
        if path.stat().st_mode & 0o444 or Path("/proc/self").exists() and _root():
            pytest.skip("running as root: permissions do not stop reading")
        status, out, err = lint(capsys, "secret.json")
        assert status == 2 and "cannot read" in err
    finally:
        path.chmod(0o644)


def _root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def test_misuse_is_exit_2(folder, capsys):
    write(folder, "clean.json", CLEAN)
    assert lint(capsys, "clean.json", "--select", "NOPE")[0] == 2
    assert lint(capsys)[0] == 2
    assert lint(capsys, "--explain", "XYZ999")[0] == 2
    with pytest.raises(SystemExit) as stopped:
        main(["lint", "clean.json", "--format", "xml"])
    assert stopped.value.code == 2


# -- bad input ----------------------------------------------------------------------------------


def test_malformed_json_is_pol001_with_line_and_column_and_linting_goes_on(folder):
    write(folder, "broken.json", '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
                                 '    {"Effect": "Allow",}\n  ]\n}\n')
    write(folder, "public.json", PUBLIC)
    done = run("lint", "broken.json", "public.json", "--format", "json", cwd=folder)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    rules = {(f["path"], f["rule"]) for f in data["findings"]}
    assert ("broken.json", "POL001") in rules and ("public.json", "KP001") in rules
    pol001 = next(f for f in data["findings"] if f["rule"] == "POL001")
    assert (pol001["line"], pol001["column"]) == (4, 24)
    assert data["summary"]["files"] == 2


def test_not_utf8_is_pol001(folder, capsys):
    (folder / "latin1.json").write_bytes(b'{"Sid": "caf\xe9"}')
    status, out, _ = lint(capsys, "latin1.json", "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "POL001" and "UTF-8" in finding["message"]
    assert (finding["line"], finding["column"]) == (1, 13)


def test_duplicate_keys_are_pol001(folder, capsys):
    write(folder, "dup.json", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                              '"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]}')
    status, out, _ = lint(capsys, "dup.json", "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "POL001" and "duplicate" in finding["message"]
    assert finding["line"] == 1


def test_yaml_that_is_not_a_scenario_is_misuse(folder, capsys):
    write(folder, "x.yaml", "a: 1\n")
    status, _, err = lint(capsys, "x.yaml")
    assert status == 2 and "not a scenario file" in err


# -- standard input -------------------------------------------------------------------------------


def test_standard_input():
    done = run("lint", "-", "--format", "json", stdin=json.dumps(PUBLIC))
    data = json.loads(done.stdout)
    assert done.returncode == 1
    assert data["findings"][0]["path"] == "<stdin>" and data["findings"][0]["rule"] == "KP001"


def test_standard_input_with_a_name_and_a_type():
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    done = run("lint", "-", "--stdin-filename", "iam/app.json", "--type", "identity",
               stdin=json.dumps(policy))
    assert done.returncode == 1
    assert done.stdout.startswith("iam/app.json:") and "IAM002" in done.stdout


# -- selection ----------------------------------------------------------------------------------


def test_select_and_ignore_by_id_name_and_prefix(folder, capsys):
    write(folder, "public.json", PUBLIC)
    write(folder, "low.json", LOW_ONLY)
    _, out, _ = lint(capsys, "public.json", "low.json", "--format", "json", "--select", "KP")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"KP001"}
    _, out, _ = lint(capsys, "public.json", "low.json", "--format", "json",
                     "--ignore", "public-key-policy")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"POL003"}
    _, out, _ = lint(capsys, "public.json", "low.json", "--format", "json",
                     "--select", "POL003,KP001", "--ignore", "POL")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"KP001"}


def test_selecting_an_unwritten_rule_warns(folder, capsys, monkeypatch):
    from policyengine.lint import registry

    info = registry.find_rule("KP009")
    monkeypatch.setitem(registry._BY_ID, "KP009", dataclasses.replace(info, module=None))
    write(folder, "clean.json", CLEAN)
    status, _, err = lint(capsys, "clean.json", "--select", "KP009")
    assert status == 0 and "KP009 external-account-access is not implemented yet" in err


# -- configuration ------------------------------------------------------------------------------


def test_pyproject_configuration(folder, capsys):
    write(folder, "pyproject.toml", """
[tool.policyengine.lint]
ignore = ["POL003"]
fail-on = "critical"

[tool.policyengine.lint.severity]
public-key-policy = "low"

[tool.policyengine.lint.per-file-ignores]
"legacy/**" = ["KP"]

[tool.policyengine.lint.types]
"iam/*.json" = "identity"
""")
    write(folder, "keys/public.json", PUBLIC)
    write(folder, "legacy/old/public.json", PUBLIC)
    write(folder, "low.json", LOW_ONLY)
    write(folder, "iam/app.json", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]})
    status, out, _ = lint(capsys, ".", "--format", "json")
    findings = json.loads(out)["findings"]
    by_path = {}
    for f in findings:
        by_path.setdefault(f["path"], set()).add((f["rule"], f["severity"]))
    assert by_path[str(Path("keys/public.json"))] == {("KP001", "LOW")}
    assert str(Path("legacy/old/public.json")) not in by_path
    assert str(Path("low.json")) not in by_path
    assert ("POL017", "HIGH") in by_path[str(Path("iam/app.json"))]  # typed identity policy
    assert status == 0  # fail-on critical, and KP001 was lowered to low


def test_policyengine_toml_and_explicit_config(folder, capsys):
    write(folder, "policyengine.toml", '[lint]\nselect = ["POL003"]\n')
    write(folder, "other.toml", '[lint]\nselect = ["KP001"]\n')
    write(folder, "public.json", PUBLIC)
    write(folder, "low.json", LOW_ONLY)
    _, out, _ = lint(capsys, "public.json", "low.json", "--format", "json")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"POL003"}
    _, out, _ = lint(capsys, "public.json", "low.json", "--format", "json", "--config",
                     "other.toml")
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"KP001"}


@pytest.mark.parametrize("text,message", [
    ('[tool.policyengine.lint]\nselct = ["KP"]\n', "did you mean 'select'"),
    ('[tool.policyengine.lint]\nfail-on = "sometimes"\n', "fail-on must be one of"),
    ('[tool.policyengine.lint]\ntrusted-accounts = ["12"]\n', "12-digit"),
    ('[tool.policyengine.lint\n', "invalid TOML"),
    ('[[tool.policyengine.lint.suppress]]\nrule = "KP001"\npath = "a.json"\n', "reason"),
])
def test_bad_configuration_is_exit_2(folder, capsys, text, message):
    write(folder, "pyproject.toml", text)
    write(folder, "clean.json", CLEAN)
    status, _, err = lint(capsys, "clean.json")
    assert status == 2 and message in err


def test_trusted_configuration_reaches_the_rules(folder, capsys):
    write(folder, "policyengine.toml", '[lint]\nbreak-glass-principals = '
                                       f'["arn:aws:iam::{A}:role/BreakGlass"]\n')
    write(folder, "key.json", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": [f"arn:aws:iam::{A}:role/Deploy",
                                                  f"arn:aws:iam::{A}:role/BreakGlass"]},
         "Action": ["kms:Describe*", "kms:PutKeyPolicy"], "Resource": "*"}]})
    _, out, _ = lint(capsys, "key.json", "--format", "json", "--select", "KP005")
    assert json.loads(out)["findings"] == []


# -- suppressions -------------------------------------------------------------------------------


def _suppressions(folder, *entries):
    text = "[tool.policyengine.lint]\n"
    for entry in entries:
        text += "\n[[tool.policyengine.lint.suppress]]\n" + "".join(
            f"{k} = {v}\n" if k == "expires" else f"{k} = {json.dumps(v)}\n"
            for k, v in entry.items())
    write(folder, "pyproject.toml", text)


def test_a_suppression_hides_its_finding(folder, capsys):
    _suppressions(folder, {"rule": "public-key-policy", "path": "keys/*.json", "sid": "Public",
                           "reason": "demo key, no data"})
    write(folder, "keys/public.json", PUBLIC)
    status, out, _ = lint(capsys, "keys/public.json", "--format", "json")
    data = json.loads(out)
    assert data["findings"] == [] and status == 0
    assert data["suppressions"] == {"suppressed": 1, "unused": [], "expired": []}


def test_a_suppression_is_scoped_to_its_sid(folder, capsys):
    _suppressions(folder, {"rule": "KP001", "path": "keys/public.json", "sid": "Other",
                           "reason": "r"})
    write(folder, "keys/public.json", PUBLIC)
    status, out, _ = lint(capsys, "keys/public.json", "--format", "json")
    data = json.loads(out)
    assert [f["rule"] for f in data["findings"]] == ["KP001"]
    assert data["suppressions"]["unused"][0]["sid"] == "Other"


def test_unused_and_expired_suppressions_are_reported(folder, capsys):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    _suppressions(folder,
                  {"rule": "KP001", "path": "public.json", "reason": "temporary",
                   "expires": yesterday},
                  {"rule": "KP006", "path": "public.json", "reason": "never matches"},
                  {"rule": "KP001", "path": "elsewhere/*.json", "reason": "not linted"},
                  {"rule": "POL003", "path": "low.json", "reason": "legacy",
                   "expires": tomorrow})
    write(folder, "public.json", PUBLIC)
    write(folder, "low.json", LOW_ONLY)
    status, out, _ = lint(capsys, "public.json", "low.json", "--format", "json")
    data = json.loads(out)
    assert [f["rule"] for f in data["findings"]] == ["KP001"]  # expired: reported again
    assert status == 1
    assert [s["rule"] for s in data["suppressions"]["expired"]] == ["KP001"]
    assert [s["rule"] for s in data["suppressions"]["unused"]] == ["KP006"]
    assert data["suppressions"]["suppressed"] == 1  # POL003 on low.json
    status, out, _ = lint(capsys, "public.json", "low.json")
    assert "expired on" in out and "matched no finding" in out


# -- SARIF --------------------------------------------------------------------------------------


def _sarif(folder, capsys, *files, extra=()):
    status, out, _ = lint(capsys, *files, "--format", "sarif", *extra)
    return status, json.loads(out)


def test_sarif_is_valid_against_the_official_schema(folder, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    write(folder, "public.json", PUBLIC)
    write(folder, "low.json", LOW_ONLY)
    write(folder, "broken.json", "{")
    _suppressions(folder, {"rule": "POL003", "path": "low.json", "reason": "legacy"},
                  {"rule": "KP006", "path": "public.json", "reason": "unused"})
    status, log = _sarif(folder, capsys, "public.json", "low.json", "broken.json", "gone.json")
    jsonschema.Draft4Validator(schema).validate(log)
    run_ = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run_["invocations"][0]["executionSuccessful"] is False  # gone.json
    assert run_["invocations"][0]["toolConfigurationNotifications"]
    levels = {r["ruleId"]: r["level"] for r in run_["results"]}
    assert levels["KP001"] == "error" and levels["POL003"] == "note"
    assert levels["POL001"] == "error"
    suppressed = [r for r in run_["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["POL003"]
    assert status == 2


def test_sarif_rules_carry_help_and_security_severity(folder, capsys):
    write(folder, "clean.json", CLEAN)
    _, log = _sarif(folder, capsys, "clean.json")
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {info.id for info in RULES if info.implemented}
    kp001 = rules["KP001"]
    assert kp001["properties"]["security-severity"] == "9.5"
    assert "security" in kp001["properties"]["tags"]
    assert "## What it checks" in kp001["help"]["markdown"]
    assert kp001["defaultConfiguration"]["level"] == "error"
    assert rules["KP002"]["properties"]["security-severity"] == "8.0"
    assert rules["IAM001"]["properties"]["security-severity"] == "5.5"
    assert rules["POL010"]["properties"]["security-severity"] == "3.0"
    assert "security-severity" not in rules["POL001"]["properties"]  # not a security rule
    assert rules["POL012"]["defaultConfiguration"]["level"] == "note"


def test_sarif_results_have_regions_and_stable_fingerprints(folder, capsys):
    write(folder, "public.json", PUBLIC)
    _, log = _sarif(folder, capsys, "public.json")
    result = log["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "public.json", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 16, "startColumn": 7, "endLine": 16,
                                  "endColumn": 23}
    before = result["partialFingerprints"]
    moved = {"Version": "2012-10-17", "Statement": [PUBLIC["Statement"][1],
                                                    PUBLIC["Statement"][0]]}
    write(folder, "public.json", "\n\n" + json.dumps(moved, indent=4))
    _, log = _sarif(folder, capsys, "public.json")
    after = log["runs"][0]["results"][0]
    assert after["partialFingerprints"] == before
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] != 16


# -- inputs: scenarios, grants, AWS CLI outputs, folders ----------------------------------------


def test_a_scenario_world_is_linted_whole(folder, capsys):
    scenario = ROOT / "corpus" / "key-state" / "F101-decrypt-pending-deletion.yaml"
    status, out, _ = lint(capsys, scenario, "--format", "json")
    findings = json.loads(out)["findings"]
    key005 = [f for f in findings if f["rule"] == "KEY005"]
    assert key005 and key005[0]["json_path"] == "keys/0/state"
    assert key005[0]["policy_type"] == "key-config" and key005[0]["line"] == 30


def test_scenario_policies_point_into_the_yaml(folder, capsys):
    write(folder, "s.yaml", f"""scenario: public key
keys:
  - arn: arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab
    policy:
      Version: '2012-10-17'
      Statement:
        - Sid: Root
          Effect: Allow
          Principal: {{AWS: 'arn:aws:iam::{A}:root'}}
          Action: kms:*
          Resource: '*'
        - Sid: Everyone
          Effect: Allow
          Principal: '*'
          Action: kms:Decrypt
          Resource: '*'
principals:
  - arn: arn:aws:iam::{A}:role/App
    policies:
      - Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: kms:*
            Resource: '*'
requests:
  - principal: arn:aws:iam::{A}:role/App
    action: kms:Decrypt
    key: arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab
    expect: Allow
""")
    status, out, _ = lint(capsys, "s.yaml", "--format", "json")
    findings = {f["rule"]: f for f in json.loads(out)["findings"]}
    assert findings["KP001"]["json_path"] == "keys/0/policy/Statement/1/Principal"
    assert findings["KP001"]["line"] == 14 and findings["KP001"]["sid"] == "Everyone"
    assert findings["IAM002"]["json_path"] == "principals/0/policies/0/Statement/0/Action"
    assert findings["IAM002"]["policy_type"] == "identity"


def test_list_grants_output(folder, capsys):
    write(folder, "grants.json", {"Grants": [{
        "KeyId": f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "GrantId": "abc", "Name": "", "CreationDate": "2026-01-01T00:00:00Z",
        "GranteePrincipal": f"arn:aws:iam::{A}:role/App",
        "IssuingAccount": f"arn:aws:iam::{A}:root",
        "Operations": ["Decrypt"]}]})
    status, out, _ = lint(capsys, "grants.json", "--format", "json")
    data = json.loads(out)
    assert status == 0 and data["summary"]["files"] == 1
    assert all(f["rule"] != "POL002" for f in data["findings"])  # not read as a policy


def test_get_key_policy_output(folder, capsys):
    write(folder, "kp.json", {"Policy": json.dumps(PUBLIC), "PolicyName": "default"})
    status, out, _ = lint(capsys, "kp.json", "--format", "json")
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "KP001" and finding["json_path"] == "Policy/Statement/1/Principal"
    assert finding["line"] == 2


def test_folders_are_walked(folder, capsys):
    write(folder, "keys/public.json", PUBLIC)
    write(folder, "keys/nested/clean.json", CLEAN)
    write(folder, "keys/package.json", {"name": "not-a-policy"})
    write(folder, "keys/.hidden/public.json", PUBLIC)
    write(folder, "keys/ci.yaml", "on: push\n")
    status, out, _ = lint(capsys, "keys", "--format", "json")
    data = json.loads(out)
    assert data["summary"]["files"] == 2
    assert {f["path"] for f in data["findings"]} == {str(Path("keys/public.json"))}


def test_type_inference_and_type_option(folder, capsys):
    identity = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
    write(folder, "p.json", identity)
    _, out, _ = lint(capsys, "p.json", "--format", "json")
    assert {f["policy_type"] for f in json.loads(out)["findings"]} == {"identity"}
    _, out, _ = lint(capsys, "p.json", "--format", "json", "--type", "key")
    data = json.loads(out)
    assert {f["policy_type"] for f in data["findings"]} == {"key"}
    assert "POL017" in {f["rule"] for f in data["findings"]}


# -- documentation commands ---------------------------------------------------------------------


def test_explain_prints_the_rule_documentation(capsys):
    assert main(["lint", "--explain", "KP001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("KP001 public-key-policy")
    for heading in ("What it checks", "Why it matters", "Example", "Use instead",
                    "References"):
        assert f"## {heading}" in out
    assert main(["lint", "--explain", "kms-star-to-non-owner"]) == 0
    assert "KP006" in capsys.readouterr().out


def test_explain_a_rule_not_implemented_yet(capsys, monkeypatch):
    from policyengine.lint import registry

    info = registry.find_rule("KP009")
    monkeypatch.setitem(registry._BY_ID, "KP009", dataclasses.replace(info, module=None))
    assert main(["lint", "--explain", "KP009"]) == 0
    assert "not implemented yet" in capsys.readouterr().out


def test_rules_lists_the_rules(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    implemented = [info.id for info in RULES if info.implemented]
    assert all(rule_id in out for rule_id in implemented)
    assert f"{len(implemented)} of 90" in out
    assert main(["rules", "--all", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 90 and sum(r["implemented"] for r in rows) == len(implemented)


def test_output_file(folder, capsys):
    write(folder, "public.json", PUBLIC)
    status, out, _ = lint(capsys, "public.json", "--format", "sarif", "--output", "out.sarif")
    assert status == 1 and out == ""
    assert json.loads((folder / "out.sarif").read_text())["version"] == "2.1.0"


def test_pre_commit_hook_definition_and_skip_unknown_files(folder, capsys):
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "policyengine-lint")
    assert hook["entry"].startswith("policyengine lint") and hook["language"] == "python"
    write(folder, "package.json", {"name": "web"})
    write(folder, "ci.yaml", "on: push\n")
    write(folder, "public.json", PUBLIC)
    args = hook["entry"].split()[2:] + ["package.json", "ci.yaml", "public.json", "--format",
                                        "json"]
    status, out, err = lint(capsys, *args)
    data = json.loads(out)
    assert status == 1 and not err
    assert {f["path"] for f in data["findings"]} == {"public.json"}


def test_library_entry_points(folder):
    from policyengine.lint import lint_paths, lint_text

    findings = lint_text(json.dumps(PUBLIC), policy_type="key")
    assert [f.rule for f in findings] == ["KP001"]
    assert findings[0].to_dict()["sid"] == "Public"
    write(folder, "p.json", PUBLIC)
    result = lint_paths(["p.json"], select=["KP"])
    assert result.summary() == {"files": 1, "findings": 1, "by_severity": {"CRITICAL": 1}}
    assert result.exit_status() == 1

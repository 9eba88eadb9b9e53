"""The command line, run as a user would: outputs, exit statuses, and bad input."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin=None):
    done = subprocess.run([sys.executable, "-m", "policyengine", *args], capture_output=True,
                          text=True, cwd=ROOT, input=stdin)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_check_the_example():
    done = run("check", "examples/quickstart.yaml")
    assert done.returncode == 0
    assert "4 passed, 0 failed" in done.stdout


def test_check_json_follows_the_contract(tmp_path):
    done = run("check", "examples/quickstart.yaml", "--format", "json")
    data = json.loads(done.stdout)
    assert set(data) == {"files", "summary"}
    assert data["summary"] == {"files": 1, "requests": 4, "passed": 4, "failed": 0, "errors": 0}
    first = data["files"][0]
    assert first["status"] == "passed" and first["path"] == "examples/quickstart.yaml"
    assert set(first["requests"][0]) == {"index", "expected", "decision", "error",
                                         "expected_error", "passed", "summary"}


def test_a_failed_expectation_exits_1(tmp_path):
    text = (ROOT / "examples" / "quickstart.yaml").read_text().replace(
        "expect: ExplicitDeny", "expect: Allow")
    (tmp_path / "s.yaml").write_text(text)
    done = run("check", str(tmp_path / "s.yaml"))
    assert done.returncode == 1 and "FAIL" in done.stdout


def test_unusable_files_exit_2_with_a_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenario: x\nrequests:\n  - principal: arn:aws:iam::111122223333:user/a\n"
                   "    action: kms:Decrypt\n    expect: Maybe\n")
    done = run("check", str(bad))
    assert done.returncode == 2
    assert f"{bad}:5:" in done.stdout and "requests/0/expect" in done.stdout
    assert run("check", str(tmp_path / "missing.yaml")).returncode == 2
    (tmp_path / "broken.json").write_text('{"scenario": "x", "requests": [}')
    done = run("check", str(tmp_path / "broken.json"))
    assert done.returncode == 2 and "broken.json:1:" in done.stdout


def test_explain():
    done = run("explain", "examples/quickstart.yaml", "--request", "2")
    assert done.returncode == 0
    assert "Verdict: IMPLICIT DENY — AccessDeniedException" in done.stdout
    assert "Steps:" in done.stdout
    data = json.loads(run("explain", "examples/quickstart.yaml", "--request", "1",
                          "--format", "json").stdout)
    assert data[0]["decision"] == "ExplicitDeny" and data[0]["steps"]
    assert run("explain", "examples/quickstart.yaml", "--request", "9").returncode == 2


def test_eval(tmp_path):
    policy = tmp_path / "iam.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}))
    key = "arn:aws:kms:us-east-1:111122223333:key/k1"
    done = run("eval", "--principal", "arn:aws:iam::111122223333:user/a", "--action",
               "kms:Decrypt", "--key", key, "--policy", str(policy))
    assert done.returncode == 0 and "Verdict: ALLOW" in done.stdout
    done = run("eval", "--principal", "arn:aws:iam::111122223333:user/a", "--action",
               "kms:Decrypt", "--key", key)
    assert done.returncode == 1 and "IMPLICIT DENY" in done.stdout
    (tmp_path / "bad.json").write_text("{")
    done = run("eval", "--principal", "arn:aws:iam::111122223333:user/a", "--action",
               "kms:Decrypt", "--key", key, "--policy", str(tmp_path / "bad.json"))
    assert done.returncode == 1 and "INVALID" in done.stdout


def test_schema_and_misuse():
    schema = json.loads(run("schema", "scenario").stdout)
    assert schema["title"]
    assert run().returncode == 2
    assert run("check").returncode == 2
    assert run("nonsense").returncode == 2

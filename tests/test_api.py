"""The library's front door: what users and emulators call."""

import subprocess
import sys
from pathlib import Path

import pytest

import policyengine
from policyengine import Effect, Grant, Key, Principal, Request, World, authorize, load_scenario

ROOT = Path(__file__).resolve().parent.parent
KEY = "arn:aws:kms:us-east-1:111122223333:key/k1"
ALLOW_DECRYPT = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}


def test_import_does_not_load_lark_or_the_cli():
    code = ("import sys, policyengine; from policyengine import authorize, World, Request; "
            "print('lark' in sys.modules, 'policyengine.cli' in sys.modules, "
            "'argparse' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_authorize_with_plain_objects():
    world = World(keys=[Key(KEY)], principals=[Principal(
        "arn:aws:iam::111122223333:role/App", policies=[ALLOW_DECRYPT])])
    request = Request("arn:aws:sts::111122223333:assumed-role/App/s", action="kms:Decrypt",
                      key=KEY)
    decision = authorize(world, request)
    assert decision.effect is Effect.ALLOW and decision.error is None
    assert decision.allowed_by[0].mechanism == "key-policy+iam"
    again = authorize(world, request, cache=False)
    assert again.effect is Effect.ALLOW and again is not decision


def test_iam_allow_without_key_delegation_has_no_effect():
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"},
        "Action": "kms:*", "Resource": "*"}]}
    world = World(keys=[Key(KEY, policy=policy)], principals=[Principal(
        "arn:aws:iam::111122223333:user/alice", policies=[ALLOW_DECRYPT])])
    decision = authorize(world, Request("arn:aws:iam::111122223333:user/alice",
                                        action="kms:Decrypt", key=KEY))
    assert decision.effect is Effect.IMPLICIT_DENY
    assert decision.error == "AccessDeniedException"
    assert "has no effect" in decision.summary


def test_grant_and_explicit_deny():
    world = World(keys=[Key(KEY, grants=[Grant("g1", {"Decrypt"},
                                               grantee="arn:aws:iam::111122223333:user/bob")])],
                  principals=[Principal("arn:aws:iam::111122223333:user/bob", policies=[{
                      "Version": "2012-10-17", "Statement": [
                          {"Effect": "Deny", "Action": "kms:*", "Resource": "*",
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}])])
    bob = "arn:aws:iam::111122223333:user/bob"
    assert authorize(world, Request(bob, action="kms:Decrypt", key=KEY)).allowed
    denied = authorize(world, Request(bob, action="kms:Decrypt", key=KEY,
                                      context={"aws:SecureTransport": False}))
    assert denied.effect is Effect.EXPLICIT_DENY and denied.blocked_by == ["identity policy"]


def test_trace_gives_the_ladder():
    world = World(keys=[Key(KEY)])
    decision = authorize(world, Request("arn:aws:iam::111122223333:user/x",
                                        action="kms:Decrypt", key=KEY), trace=True)
    assert [s.name for s in decision.steps][:3] == ["explicit deny", "RCP", "SCP"]
    assert any(step.deciding for step in decision.steps)


def test_load_scenario():
    loaded = load_scenario(ROOT / "examples" / "quickstart.yaml")
    assert loaded.title.startswith("Who can decrypt")
    outcomes = [authorize(loaded.world, r).outcome for r in loaded.requests]
    assert outcomes == ["Allow", "ExplicitDeny", "ImplicitDeny", "Allow"]


def test_bad_principal_is_a_clear_error():
    with pytest.raises(policyengine.PolicyEngineError):
        authorize(World(), Request("bob", action="kms:Decrypt", key=KEY))


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        policyengine.nothing_here  # noqa: B018

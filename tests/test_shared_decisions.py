"""Decisions served from a plan's memo or the decision cache equal decisions made afresh.

``authorize`` compiles each (caller, permission, resource) into a plan and remembers, per plan,
the decision for each outcome of the conditions and grants; a later request with the same
outcome shares that decision. These tests run every corpus request through the shared path, a
second time with a context key no policy reads (so it takes the memo, not the decision cache),
and compare each with the decision made afresh (``cache=False``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from policyengine import authorize
from policyengine.errors import PolicyEngineError
from policyengine.scenario.api import load_scenarios
from policyengine.scenario.check import scenario_files

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = scenario_files([CORPUS])


def _fresh(world, request):
    try:
        return authorize(world, request, cache=False).to_dict()
    except PolicyEngineError as error:
        return str(error)


def _shared(world, request):
    try:
        return authorize(world, request).to_dict()
    except PolicyEngineError as error:
        return str(error)


def _unread(request):
    """The same request with a context key no corpus policy reads."""
    context = dict(request.context or {}, **{"aws:UserAgent": "policyengine-tests/memo"})
    return dataclasses.replace(request, context=context)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_shared_decisions_equal_fresh_ones(path):
    for scenario in load_scenarios(path):
        world = scenario.world
        shared = [(r, _shared(world, r)) for r in scenario.requests]
        shared += [(_unread(r), _shared(world, _unread(r))) for r in scenario.requests]
        shared += [(r, _shared(world, r)) for r in scenario.requests]  # the decision cache
        for request, decision in shared:
            assert decision == _fresh(world, request), request


def test_memo_is_taken_by_requests_that_differ():
    """Two requests whose conditions come out alike share one decision object."""
    from policyengine.kms.world import Key, Principal, Request, World

    key = "arn:aws:kms:us-east-1:111122223333:key/k1"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
         "Action": "kms:*", "Resource": "*"}]}
    iam = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:app": "a"}}}]}
    world = World([Key(key, policy=policy)],
                  [Principal("arn:aws:iam::111122223333:user/u", policies=(iam,))],
                  now="2026-06-01T00:00:00Z")

    def ask(app, request_id):
        return authorize(world, Request("arn:aws:iam::111122223333:user/u", action="kms:Decrypt",
                                        key=key, encryption_context={"app": app,
                                                                     "id": request_id}))

    first, second, other = ask("a", "1"), ask("a", "2"), ask("b", "3")
    assert first.allowed and second is first
    assert not other.allowed and other is not first
    assert authorize(world, Request("arn:aws:iam::111122223333:user/u", action="kms:Decrypt",
                                    key=key, encryption_context={"app": "a"}),
                     cache=False) is not first

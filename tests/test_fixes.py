"""'What would allow this': every suggested change, applied as a scenario change operation
through the question machinery, must really turn the request into an Allow."""

from pathlib import Path

import pytest

from policyengine.kms.fixes import suggest_fixes
from policyengine.kms.requests import authorize
from policyengine.scenario.api import load_scenario
from policyengine.scenario.build import to_request, to_world
from policyengine.scenario.models import Change
from policyengine.scenario.question import apply_change

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("examples/quickstart.yaml", 1, "remove the Deny statement"),
    ("examples/quickstart.yaml", 2, "trust account 444455556666"),
    ("corpus/core-key-policy-model/A21.json", 0, "add a statement to the key policy"),
    ("corpus/grants/C08.json", 0, "send the encryption context"),
    ("corpus/cross-account/B02.json", 0, "allow kms:Decrypt on"),
    ("corpus/resources-aliases-actions/E11.json", 0, "allow kms:CreateKey"),
]


@pytest.mark.parametrize("path, index, expected", CASES)
def test_fixes_are_verified_through_the_scenario_changes(path, index, expected):
    loaded = load_scenario(ROOT / path)
    request = loaded.requests[index]
    decision = authorize(loaded.world, request, trace=True)
    assert not decision.allowed
    fixes = suggest_fixes(loaded.world, request, decision)
    assert any(fix.text.startswith(expected) for fix in fixes), [f.text for f in fixes]
    for fix in fixes:
        variant = loaded.model.model_copy(deep=True)
        spec = variant.requests[index]
        for raw in fix.changes:
            spec = apply_change(variant, spec, Change.model_validate(raw), "fix")
        assert authorize(to_world(variant), to_request(spec)).allowed, fix.text


def test_guardrails_are_not_worked_around():
    loaded = load_scenario(ROOT / "corpus/layers-scp-rcp-boundary-session-vpce/J08.json")
    request = loaded.requests[0]
    decision = authorize(loaded.world, request, trace=True)
    assert decision.blocked_by == ["permissions boundary"]
    assert suggest_fixes(loaded.world, request, decision) == []  # no Allow can lift a boundary


def test_nothing_to_fix_when_allowed():
    loaded = load_scenario(ROOT / "examples/quickstart.yaml")
    request = loaded.requests[0]
    assert suggest_fixes(loaded.world, request, authorize(loaded.world, request)) == []

"""Every case of the corpus of known AWS behaviour, one test id per scenario file.

A case fails when the engine's decision (or the API error) differs from the case's
expectation. When that happens the engine is wrong or the case is: fix the one that is, citing
the source — never the test.
"""

from pathlib import Path

import pytest

from policyengine.scenario.check import check_file, scenario_files

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = scenario_files([CORPUS])


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def test_the_corpus_is_there():
    assert len(FILES) >= 246  # the 96 seed cases and at least 150 of our own


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_case(path):
    for result in check_file(path):
        assert result.status != "error", result.message
        failures = [
            f"request {r.index}: expected {r.expected} ({r.expected_error}), got {r.decision} "
            f"({r.error}) — {r.summary}" for r in result.requests if not r.passed]
        if result.question is not None and not result.question["passed"]:
            failures.append(f"question: reaching {result.question['reaching']}, answer "
                            f"{result.question['answer']}")
        assert not failures, "\n".join(failures)


def test_every_case_has_sources_and_certainty():
    from policyengine.scenario.load import load_scenario_file

    ids = set()
    for path in FILES:
        for scenario, _ in load_scenario_file(path):
            assert scenario.sources, f"{path}: a corpus case needs sources"
            assert scenario.certainty, f"{path}: a corpus case needs a certainty"
            assert scenario.id and scenario.id not in ids, f"{path}: duplicate or missing id"
            ids.add(scenario.id)

"""Check scenario files: decide every request and compare with what the file expects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import PolicyEngineError
from ..kms.requests import authorize
from .build import to_request, to_world

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class RequestResult:
    index: int
    expected: str | None
    decision: str
    error: str | None
    expected_error: str | None
    passed: bool
    summary: str

    def to_dict(self) -> dict:
        return {"index": self.index, "expected": self.expected, "decision": self.decision,
                "error": self.error, "expected_error": self.expected_error,
                "passed": self.passed, "summary": self.summary}


@dataclass
class FileResult:
    path: str
    scenario: str | None = None
    id: str | None = None
    status: str = "passed"  # passed | failed | error
    requests: list[RequestResult] = field(default_factory=list)
    question: dict | None = None
    message: str | None = None

    def to_dict(self) -> dict:
        data = {"path": self.path, "scenario": self.scenario, "status": self.status,
                "requests": [r.to_dict() for r in self.requests]}
        if self.id is not None:
            data["id"] = self.id
        if self.question is not None:
            data["question"] = self.question
        if self.message is not None:
            data["message"] = self.message
        return data


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and scenario files found (recursively, sorted) in folders named."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            found.append(path)
    return found


def check_file(path: str | Path) -> list[FileResult]:
    from .load import load_scenario_file

    shown = str(path)
    try:
        loaded = load_scenario_file(path)
    except PolicyEngineError as error:
        return [FileResult(shown, status="error", message=str(error))]
    return [check_scenario(scenario, positions, shown) for scenario, positions in loaded]


def check_scenario(scenario, positions=None, path: str = "") -> FileResult:
    result = FileResult(path, scenario.scenario, scenario.id)
    position = getattr(positions, "position", None)
    try:
        world = to_world(scenario, position)
        for index, spec in enumerate(scenario.requests):
            decision = authorize(world, to_request(spec))
            result.requests.append(_compare(index, spec, decision))
    except PolicyEngineError as error:
        where = f"{path}: " if path else ""
        result.status, result.message = "error", f"{where}{error}"
        return result
    if scenario.question is not None:
        from .question import check_question

        result.question = check_question(scenario, world)
        if not result.question["passed"]:
            result.status = "failed"
    if any(not r.passed for r in result.requests):
        result.status = "failed"
    return result


def _compare(index: int, spec, decision) -> RequestResult:
    outcome = decision.outcome
    # ``expect_error: null`` written out asserts that the call ends without an error
    error_given = spec.expect_error is not None or "expect_error" in spec.model_fields_set
    passed = (spec.expect is None or spec.expect == outcome) and (
        not error_given or spec.expect_error == decision.error)
    return RequestResult(index, spec.expect, outcome, decision.error, spec.expect_error,
                         passed, decision.summary)


def summarize(results: list[FileResult]) -> dict:
    requests = [r for f in results for r in f.requests]
    return {
        "files": len(results),
        "requests": len(requests),
        "passed": sum(r.passed for r in requests),
        "failed": sum(not r.passed for r in requests),
        "errors": sum(f.status == "error" for f in results),
    }

"""The lint rules, run on their data cases by one generic test.

Cases live in ``tests/lint/cases/<RULE_ID>/``: ``flag-*.json|yaml`` must produce findings of that
rule, ``pass-*.json|yaml`` none. A flag case has a sidecar ``<name>.expect.json``:

    {"json_paths": ["Statement/1/Principal"],      # exactly the findings' json_paths (required)
     "policy_type": "key",                          # optional: as --type (default: inferred)
     "config": {"trusted-accounts": ["..."]},       # optional: the lint table to use
     "severity": "HIGH",                            # optional: every finding's severity
     "positions": [[5, 40]]}                        # optional: (line, column) of the findings

A pass case may have a sidecar too (for ``policy_type`` and ``config``). Only the case's own rule
runs on it. Every implemented rule must have at least one flag and one pass case, and no rule may
report anything on AWS's default key policies (``tests/lint/defaults/``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyengine.lint.config import Config, config_from_table
from policyengine.lint.docs import HEADINGS, documentation
from policyengine.lint.registry import RULES, expand_selector, find_rule, load_rule
from policyengine.lint.runner import Linter

HERE = Path(__file__).resolve().parent / "lint"
CASES = HERE / "cases"
DEFAULTS = HERE / "defaults"
CATALOGUE = Path(__file__).resolve().parent.parent / "docs" / "spec" / "lint-rules.md"
IMPLEMENTED = [info for info in RULES if info.implemented]


def _case_files():
    for folder in sorted(CASES.iterdir()):
        for path in sorted(folder.iterdir()):
            if path.name.endswith(".expect.json") or path.suffix not in (".json", ".yaml"):
                continue
            yield pytest.param(folder.name, path, id=f"{folder.name}/{path.stem}")


def _sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.stem + ".expect.json")
    return json.loads(sidecar.read_text()) if sidecar.exists() else {}


@pytest.mark.parametrize("rule_id,path", list(_case_files()))
def test_rule_case(rule_id: str, path: Path) -> None:
    info = find_rule(rule_id)
    assert info is not None and info.implemented, f"{rule_id}: no implemented rule"
    expect = _sidecar(path)
    config = config_from_table(expect["config"], HERE) if "config" in expect else Config(root=HERE)
    linter = Linter(config, select=[rule_id], policy_type=expect.get("policy_type"))
    result = linter.lint_paths([str(path)])
    assert not result.errors, result.errors
    found = [f for f in result.findings if f.rule == rule_id]
    if path.name.startswith("pass-"):
        assert found == [], [f"{f.json_path}: {f.message}" for f in found]
        return
    assert path.name.startswith("flag-"), f"{path.name}: a case is named flag-* or pass-*"
    assert "json_paths" in expect, f"{path.name}: a flag case needs json_paths in its sidecar"
    assert sorted(f.json_path for f in found) == sorted(expect["json_paths"]), \
        [f"{f.json_path}: {f.message}" for f in found]
    for finding in found:
        assert finding.message and finding.name == info.name
        assert finding.line is not None and finding.column is not None, finding
        if "severity" in expect:
            assert finding.severity == expect["severity"], finding
    if "positions" in expect:
        assert sorted([f.line, f.column] for f in found) == sorted(expect["positions"])


@pytest.mark.parametrize("info", IMPLEMENTED, ids=lambda info: info.id)
def test_every_rule_has_flag_and_pass_cases(info) -> None:
    folder = CASES / info.id
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    assert any(n.startswith("flag-") and not n.endswith(".expect.json") for n in names), info.id
    assert any(n.startswith("pass-") and not n.endswith(".expect.json") for n in names), info.id


def _defaults():
    return sorted(p for p in DEFAULTS.iterdir() if p.suffix == ".json")


@pytest.mark.parametrize("path", _defaults(), ids=lambda p: p.stem)
def test_no_rule_fires_on_aws_default_key_policies(path: Path) -> None:
    result = Linter(Config(root=HERE)).lint_paths([str(path)])
    assert not result.errors
    assert result.findings == [], [f"{f.rule} {f.json_path}: {f.message}" for f in result.findings]


def test_defaults_cover_programmatic_and_console_policies() -> None:
    names = {p.stem for p in _defaults()}
    assert "programmatic" in names and "console-symmetric" in names
    assert len(names) >= 8


# -- the table and the modules ----------------------------------------------------------------


def test_the_table_matches_the_catalogue() -> None:
    import re

    rows = re.findall(r"\| `([A-Z]+\d{3})` \| ([a-z0-9-]+) \| ([A-Z]+) \| ([a-z]+) \| ([a-z-]+) \|",
                      CATALOGUE.read_text())
    assert len(rows) == 90
    assert [(i.id, i.name, i.severity, i.category, i.scope) for i in RULES] == rows


def test_ids_and_names_are_unique() -> None:
    assert len({i.id for i in RULES}) == len(RULES) == len({i.name for i in RULES})


def test_every_rule_module_is_registered_and_declares_its_id() -> None:
    folder = Path(__file__).resolve().parent.parent / "policyengine" / "lint" / "rules"
    on_disk = {f"{p.parent.name}.{p.stem}" for p in folder.glob("*/*.py")
               if not p.name.startswith("_")}
    registered = {i.module for i in IMPLEMENTED}
    assert on_disk == registered
    for info in IMPLEMENTED:
        module = load_rule(info.id)
        assert module.ID == info.id
        assert info.module.split(".")[1].startswith(info.id.lower() + "_" +
                                                    info.name.replace("-", "_"))
        assert callable(module.check)


def test_the_top_15_and_every_pol_rule_are_implemented() -> None:
    top = ["KP001", "KP002", "KP011", "KP005", "KP003", "IAM001", "IAM002", "KP006", "KP015",
           "POL013", "POL015", "KP013", "KEY001", "KEY005", "X004"]
    implemented = {i.id for i in IMPLEMENTED}
    assert set(top) <= implemented
    assert {i.id for i in RULES if i.family == "POL"} <= implemented


@pytest.mark.parametrize("info", IMPLEMENTED, ids=lambda info: info.id)
def test_docstring_is_the_documentation(info) -> None:
    doc = documentation(info)
    assert doc.summary and not doc.summary.startswith("#")
    assert tuple(h for h in doc.sections if h in HEADINGS) == HEADINGS
    for heading in HEADINGS:
        assert doc.sections[heading].strip(), f"{info.id}: empty {heading}"
    assert "http" in doc.sections["References"]


def test_selectors() -> None:
    assert [i.id for i in expand_selector("KP001")] == ["KP001"]
    assert [i.id for i in expand_selector("public-key-policy")] == ["KP001"]
    assert {i.id for i in expand_selector("kp")} == {i.id for i in RULES if i.family == "KP"}
    assert {i.id for i in expand_selector("POL01")} == {f"POL01{d}" for d in range(10)}
    assert len(expand_selector("ALL")) == 90
    with pytest.raises(ValueError):
        expand_selector("NOPE")


def test_every_validation_code_belongs_to_a_rule() -> None:
    import re

    from policyengine.lint.rules._common import VIOLATION_RULES

    source = (Path(__file__).resolve().parent.parent / "policyengine" / "language" /
              "validation.py").read_text()
    codes = set(re.findall(r'self\.add\(\s*"([a-z-]+)"', source))
    codes |= {"invalid-json", "duplicate-element"}
    assert codes <= set(VIOLATION_RULES), codes - set(VIOLATION_RULES)

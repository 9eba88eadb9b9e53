"""SARIF 2.1.0, as GitHub code scanning reads it.

* ``tool.driver.rules``: every rule that ran, with its documentation as ``help`` (text and
  Markdown), its default ``level`` and, for security rules, ``properties.security-severity``
  (CRITICAL 9.5, HIGH 8.0, MEDIUM 5.5, LOW 3.0; none for INFO) and the ``security`` tag that
  GitHub needs to list an alert as a security alert.
* ``results``: one per finding, with a region (1-based; ``endColumn`` is the column after the
  last character, as SARIF wants), the element's JSON path as a logical location, and a
  ``partialFingerprints`` entry that does not change when the finding moves in the file (it is
  built from the rule, the file and the element's path, with the statement named by its Sid).
  Suppressed findings are included with a ``suppressions`` entry (kind ``external``, the
  reason as justification), so code scanning shows them as dismissed.
* ``invocations``: whether the run succeeded; inputs that could not be used are tool execution
  notifications, unused and expired suppressions tool configuration notifications.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from ... import __version__
from ..docs import documentation
from ..registry import SECURITY

LEVELS = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note",
          "INFO": "note"}
SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "3.0"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SEMVER = re.compile(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?")


def render(result, *, root: str | Path | None = None, version: str | None = None) -> str:
    return json.dumps(sarif_log(result, root=root, version=version), indent=2)


def sarif_log(result, *, root: str | Path | None = None, version: str | None = None) -> dict:
    root = Path(root or Path.cwd()).resolve()
    version = version or __version__
    rules = list(result.rules)
    index = {info.id: i for i, info in enumerate(rules)}
    driver = {"name": "policyengine", "version": version,
              "rules": [_descriptor(info) for info in rules]}
    if _SEMVER.fullmatch(version):
        driver["semanticVersion"] = version
    results = [_result(f, index, root) for f in result.findings]
    results += [_result(f, index, root, suppressed=True) for f in result.suppressed]
    invocation = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [_notification(
            "error", str(error), error.path, root, error.line, error.column)
            for error in result.errors]
    configuration = []
    for suppression in result.expired_suppressions:
        configuration.append({"level": "warning", "message": {
            "text": f"the suppression of {suppression.describe()} expired on "
                    f"{suppression.expires.isoformat()}; its findings are reported again"}})
    for suppression in result.unused_suppressions:
        configuration.append({"level": "warning", "message": {
            "text": f"the suppression of {suppression.describe()} matched no finding"}})
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    run = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _descriptor(info) -> dict:
    doc = documentation(info)
    tags = [info.category, info.family.lower(), f"scope:{info.scope}"]
    properties: dict = {"precision": "high", "problem.severity": LEVELS[info.severity],
                        "severity": info.severity}
    if info.category == SECURITY:
        tags.insert(0, "security")
        if info.severity in SECURITY_SEVERITY:
            properties["security-severity"] = SECURITY_SEVERITY[info.severity]
    properties["tags"] = list(dict.fromkeys(tags))
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": _plain(doc.what)},
        "help": {"text": doc.markdown, "markdown": doc.markdown},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": properties,
    }


def _plain(markdown: str) -> str:
    return re.sub(r"`([^`]*)`", r"\1", " ".join(markdown.split()))


def _artifact(path: str, root: Path) -> dict:
    if path in ("-", "<stdin>"):
        return {"uri": "stdin"}
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(finding) -> dict | None:
    if finding.line is None:
        return None
    region = {"startLine": finding.line, "startColumn": finding.column or 1}
    if finding.end_line is not None and finding.end_column is not None:
        region["endLine"] = finding.end_line
        region["endColumn"] = finding.end_column + 1
    return region


def _result(finding, index: dict, root: Path, suppressed: bool = False) -> dict:
    physical = {"artifactLocation": _artifact(finding.path, root)}
    region = _region(finding)
    if region is not None:
        physical["region"] = region
    location = {"physicalLocation": physical}
    if finding.json_path:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.json_path,
                                         "kind": "element"}]
    properties = {"severity": finding.severity, "category": finding.category,
                  "policy_type": finding.policy_type, "json_path": finding.json_path}
    if finding.sid:
        properties["sid"] = finding.sid
    out = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"policyengineFinding/v1": finding.fingerprint},
        "properties": properties,
    }
    if finding.rule in index:
        out["ruleIndex"] = index[finding.rule]
    if suppressed and finding.suppression is not None:
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": finding.suppression.reason}]
    return out


def _notification(level: str, text: str, path: str, root: Path, line, column) -> dict:
    physical = {"artifactLocation": _artifact(path, root)}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column or 1}
    return {"level": level, "message": {"text": text},
            "locations": [{"physicalLocation": physical}]}

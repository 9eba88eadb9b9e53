"""The JSON report::

    {"findings": [{"rule": "KP001", "name": "public-key-policy", "severity": "CRITICAL",
                   "category": "security", "message": "...", "path": "...",
                   "policy_type": "key", "json_path": "Statement/0/Principal", "line": 5,
                   "column": 7, "end_line": 5, "end_column": 22, "sid": "..."}],
     "summary": {"files": 1, "findings": 1, "by_severity": {"CRITICAL": 1}}}

Positions are 1-based with an inclusive end; ``line`` and the others are null when unknown.
Two keys are added only when there is something to say: ``errors`` (inputs that could not be
used: ``{"path", "message", "line", "column"}``) and ``suppressions`` (``{"suppressed": N,
"unused": [...], "expired": [...]}``, each entry ``{"rule", "name", "path", "sid", "reason",
"expires"}``).
"""

from __future__ import annotations

import json


def render(result) -> str:
    data = {"findings": [f.to_dict() for f in result.findings], "summary": result.summary()}
    if result.errors:
        data["errors"] = [error.to_dict() for error in result.errors]
    if result.suppressed or result.unused_suppressions or result.expired_suppressions:
        data["suppressions"] = {
            "suppressed": len(result.suppressed),
            "unused": [s.to_dict() for s in result.unused_suppressions],
            "expired": [s.to_dict() for s in result.expired_suppressions],
        }
    return json.dumps(data, indent=2)

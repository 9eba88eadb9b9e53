"""The text report: one line per finding, grouped by file, then a summary.

    path:line:col: ID name [SEVERITY] message

Colour only when asked for (``color=True``: the command line turns it on for a terminal unless
``NO_COLOR`` is set).
"""

from __future__ import annotations

from ..registry import SEVERITIES, severity_rank

_COLOURS = {"CRITICAL": "\033[1;31m", "HIGH": "\033[31m", "MEDIUM": "\033[33m",
            "LOW": "\033[36m", "INFO": "\033[2m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(result, *, color: bool = False, config_name: str | None = None,
           fail_on: str = "high") -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    current = None
    for finding in result.findings:
        if current is not None and finding.path != current:
            lines.append("")
        current = finding.path
        where = finding.path
        if finding.line is not None:
            where += f":{finding.line}:{finding.column}"
        tag = paint(f"[{finding.severity}]", _COLOURS.get(finding.severity, ""))
        lines.append(f"{paint(where, _BOLD)}: {finding.rule} {finding.name} {tag} "
                     f"{finding.message}")
    if lines:
        lines.append("")
    source = config_name or "the configuration"
    for suppression in result.expired_suppressions:
        lines.append(f"warning: the suppression of {suppression.describe()} in {source} "
                     f"expired on {suppression.expires.isoformat()}; its findings are reported "
                     f"again (reason given: {suppression.reason})")
    for suppression in result.unused_suppressions:
        lines.append(f"warning: the suppression of {suppression.describe()} in {source} "
                     "matched no finding; remove it")
    lines.append(_summary(result))
    return "\n".join(lines)


def _summary(result) -> str:
    files = f"{result.files} file" + ("" if result.files == 1 else "s")
    if not result.findings:
        text = f"No findings in {files}."
    else:
        counts = result.summary()["by_severity"]
        parts = ", ".join(f"{counts[s]} {s.lower()}" for s in SEVERITIES if s in counts)
        noun = "finding" if len(result.findings) == 1 else "findings"
        text = f"{len(result.findings)} {noun} ({parts}) in {files}."
    if result.suppressed:
        text += f" {len(result.suppressed)} suppressed."
    if result.errors:
        errors = len(result.errors)
        text += f" {errors} input error{'s' if errors != 1 else ''}."
    return text


__all__ = ["render", "severity_rank"]

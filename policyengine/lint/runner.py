"""Running the rules: which files, which documents in them, which rules, and the findings.

Inputs
    * a JSON policy document; its type comes from ``--type``, else from the configuration's
      ``types`` patterns, else from the document: a statement with ``Principal`` or
      ``NotPrincipal`` makes it a key policy, otherwise it is an identity policy. The outputs
      of ``aws kms get-key-policy`` (``{"Policy": "<json>"}``, a key policy) and of
      ``aws iam get-role-policy`` / ``get-user-policy`` / ``get-policy-version``
      (``PolicyDocument`` / ``PolicyVersion.Document``, identity policies) are read too;
    * ``aws kms list-grants`` output (``{"Grants": [...]}``);
    * ``aws kms describe-key`` output (``{"KeyMetadata": {...}}``, optionally with
      ``KeyRotationEnabled`` from ``get-key-rotation-status``);
    * a scenario file (YAML, or JSON holding a scenario or an array of them): every policy of
      its world (key policies, identity policies, boundaries, SCPs, RCPs, the session and VPC
      endpoint policies of its requests), every grant and key, and the world as a whole for the
      cross-document rules (the key policies of AWS managed keys, which AWS writes and nobody
      can change, are not linted);
    * folders (walked: ``.json`` files, and ``.yaml``/``.yml`` files that are scenarios; hidden
      folders, ``node_modules`` and virtual environments are skipped, and so are the
      configuration's ``exclude`` patterns), and ``-`` for standard input.

    A file that is not JSON is a POL001 finding with its line and column; the run goes on. A
    file that cannot be read, or a scenario that does not follow the format, is an input error
    (exit status 2), reported with the other results.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from ..errors import PolicyEngineError, PolicySyntaxError
from .config import Config, Suppression
from .model import (BrokenDocument, Document, Finding, GrantEntry, GrantsDocument, Hit,
                    KeyConfigDocument, PolicyDocument, Position, RuleContext, WorldDocument,
                    join_path)
from .registry import RULES, RuleInfo, expand_selector, load_rule, severity_rank

__all__ = ["Linter", "LintResult", "InputError", "select_rules", "POLICY_TYPES"]

POLICY_TYPES = ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint")
_SKIP_DIRS = {"node_modules", "__pycache__", "venv", ".venv", "site-packages"}
_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass
class InputError:
    """An input the linter could not use (exit status 2)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"path": self.path, "message": self.message, "line": self.line,
                "column": self.column}


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)  # reported
    suppressed: list[Finding] = field(default_factory=list)  # hidden by a suppression
    files: int = 0
    errors: list[InputError] = field(default_factory=list)
    unused_suppressions: list[Suppression] = field(default_factory=list)
    expired_suppressions: list[Suppression] = field(default_factory=list)
    rules: tuple[RuleInfo, ...] = ()
    warnings: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # files linted, in order

    def summary(self) -> dict:
        by_severity: dict[str, int] = {}
        for finding in self.findings:
            by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        ordered = dict(sorted(by_severity.items(), key=lambda kv: -severity_rank(kv[0])))
        return {"files": self.files, "findings": len(self.findings), "by_severity": ordered}

    def failed(self, fail_on: str = "high") -> bool:
        if fail_on.lower() == "none":
            return False
        threshold = severity_rank(fail_on.upper())
        return any(severity_rank(f.severity) >= threshold for f in self.findings)

    def exit_status(self, fail_on: str = "high", exit_zero: bool = False) -> int:
        if self.errors:
            return 2
        if exit_zero:
            return 0
        return 1 if self.failed(fail_on) else 0


def select_rules(config: Config, select: list[str] | None = None,
                 ignore: list[str] | None = None) -> tuple[tuple[RuleInfo, ...], list[str]]:
    """The implemented rules to run, and warnings (a rule selected by id that is not written).

    ``select`` (from the command line) replaces the configuration's ``select``; ``ignore``
    adds to its ``ignore``. Raises ValueError for a selector that names nothing.
    """
    selectors = select if select is not None else config.select
    warnings = []
    if selectors is None:
        chosen = {info.id for info in RULES}
    else:
        chosen = set()
        for selector in selectors:
            expanded = expand_selector(selector)
            if len(expanded) == 1 and not expanded[0].implemented:
                warnings.append(f"{expanded[0].label} is not implemented yet; it is skipped")
            chosen.update(info.id for info in expanded)
    for selector in list(config.ignore) + list(ignore or ()):
        chosen.difference_update(info.id for info in expand_selector(selector))
    return tuple(info for info in RULES if info.id in chosen and info.implemented), warnings


class Linter:
    """Lints files, folders, standard input or text with one configuration and rule selection.

    >>> result = Linter(Config()).lint_paths(["policies/"])   # doctest: +SKIP
    >>> findings = Linter(Config()).lint_text('{"Statement": []}', policy_type="key")
    """

    def __init__(self, config: Config | None = None, *, select: list[str] | None = None,
                 ignore: list[str] | None = None, policy_type: str | None = None,
                 today: date | None = None, skip_unknown_files: bool = False) -> None:
        self.config = config or Config()
        self.rules, self.warnings = select_rules(self.config, select, ignore)
        self.policy_type = policy_type
        self.today = today or date.today()
        # files named on the command line are read like walked ones: JSON that is not a
        # policy (or grants, key description, scenario) and YAML that is not a scenario are
        # skipped instead of reported (what a pre-commit hook given every staged file needs)
        self.skip_unknown_files = skip_unknown_files
        self._modules = {}
        self._by_kind: dict[tuple[str, str | None], list] = {}
        self._ignored: dict[str, set[str]] = {}

    # -- public entry points -------------------------------------------------------------------

    def lint_paths(self, paths: Iterable[str], *, stdin: str | bytes | None = None,
                   stdin_filename: str | None = None) -> LintResult:
        result = LintResult(rules=self.rules, warnings=list(self.warnings))
        findings: list[tuple[Finding, Document]] = []
        for target, explicit in self._targets(list(paths), result):
            if target == "-":
                data = stdin if stdin is not None else sys.stdin.buffer.read()
                name = stdin_filename or "<stdin>"
            else:
                name = target
                try:
                    data = Path(target).read_bytes()
                except OSError as error:
                    result.errors.append(InputError(target, f"cannot read the file: "
                                                            f"{error.strerror or error}"))
                    continue
            try:
                documents = self.documents(name, data, explicit=explicit)
            except _Skip:
                continue
            except PolicyEngineError as error:
                result.errors.append(InputError(name, error.message, error.line, error.column))
                continue
            result.files += 1
            result.paths.append(name)
            findings.extend(self._run(documents, result))
        self._finish(findings, result)
        return result

    def lint_text(self, text: str | bytes, path: str = "<stdin>",
                  policy_type: str | None = None) -> list[Finding]:
        """Findings (suppressions applied) for one document given as text."""
        saved = self.policy_type
        if policy_type is not None:
            self.policy_type = policy_type
        try:
            result = LintResult(rules=self.rules)
            documents = self.documents(path, text, explicit=True)
            result.files = 1
            result.paths.append(path)
            findings = self._run(documents, result)
            self._finish(findings, result)
            if result.errors:
                raise PolicyEngineError(str(result.errors[0]))
            return result.findings
        finally:
            self.policy_type = saved

    # -- finding the files ---------------------------------------------------------------------

    def _targets(self, paths: list[str], result: LintResult):
        for path in paths:
            if path == "-":
                yield "-", True
                continue
            target = Path(path)
            if target.is_dir():
                for found in _walk(target):
                    if not self.config.excluded(found):
                        yield found, False
            elif target.exists():
                yield path, not self.skip_unknown_files
            else:
                result.errors.append(InputError(path, "no such file or directory"))

    # -- documents of a file -------------------------------------------------------------------

    def documents(self, path: str, data: str | bytes, *, explicit: bool = True) -> list[Document]:
        """The documents in one file's content (raises PolicyEngineError for unusable input,
        _Skip for a walked file that is not for the linter)."""
        syntax = _SUFFIXES.get(os.path.splitext(path)[1].lower())
        text, broken = _decode(path, data)
        if broken is not None:
            return [broken]
        if syntax is None:  # standard input or an unusual suffix: look at the text
            syntax = "yaml" if _looks_like_scenario(text) else "json"
        if syntax == "yaml":
            if not _looks_like_scenario(text):
                if explicit:
                    raise PolicyEngineError("not a scenario file (a YAML file given to the "
                                            "linter must be a scenario)", file=path)
                raise _Skip()
            return self._scenario_documents(path, text, "yaml")
        from ..language.parsing import parse_json

        try:
            value = parse_json(text, file=path)
        except PolicySyntaxError as error:
            return [_broken(path, error, text, self._type_for(path, None))]
        return self._json_documents(path, text, value, explicit)

    def _type_for(self, path: str, value: Any) -> str | None:
        if self.policy_type is not None:
            return self.policy_type
        configured = self.config.type_for(path)
        if configured is not None:
            return configured
        if value is None:
            return None
        return infer_policy_type(value)

    def _json_documents(self, path: str, text: str, value: Any, explicit: bool):
        source = _FileSource(text)
        if _is_scenario_value(value):
            return self._scenario_documents(path, text, "json")
        if isinstance(value, dict) and "Statement" not in value:
            if isinstance(value.get("Grants"), list):
                return [_grants_document(path, value, source.locate, text)]
            if isinstance(value.get("KeyMetadata"), dict):
                return [_key_document(path, value, source.locate, text)]
            wrapped = _unwrap(value)
            if wrapped is not None:
                prefix, inner, inner_text, default_type = wrapped
                policy_type = self.policy_type or self.config.type_for(path) or default_type
                if isinstance(inner, str):
                    from ..language.parsing import parse_json

                    try:
                        inner = parse_json(inner, file=path)
                    except PolicySyntaxError as error:
                        broken = BrokenDocument(path, error, policy_type=policy_type,
                                                prefix=prefix, locator=source.locate)
                        broken.locator = source.locate
                        return [broken]
                return [PolicyDocument(path, policy_type, inner, text=inner_text, prefix=prefix,
                                       locator=source.locate)]
            if not explicit:
                raise _Skip()
        return [PolicyDocument(path, self._type_for(path, value), value, text=text,
                               locator=source.locate)]

    def _scenario_documents(self, path: str, text: str, syntax: str) -> list[Document]:
        from ..scenario.build import to_world
        from ..scenario.load import load_scenario_text

        documents: list[Document] = []
        for scenario, positions in load_scenario_text(text, syntax=syntax, file=path):
            world = to_world(scenario)
            base = "/".join(str(p) for p in positions.prefix)
            locate = _scenario_locator(positions, base)
            data = positions.data if isinstance(positions.data, dict) else {}
            docs: list[Document] = []
            for index, key in enumerate(world.keys):
                raw_key = (data.get("keys") or [{}])[index] if index < len(
                    data.get("keys") or []) else {}
                written = scenario.keys[index].policy
                where = join_path(base, f"keys/{index}")
                if written is not None and not key.aws_managed:  # AWS owns those policies
                    docs.append(_engine_document(path, "key", key.policy, written,
                                                 join_path(where, "policy"), locate,
                                                 key=key, world=world))
                docs.append(_scenario_key_document(path, key, raw_key, where, locate))
                if key.grants:
                    raw_grants = raw_key.get("grants") if isinstance(raw_key, dict) else None
                    entries = [GrantEntry(str(j), raw_grants[j] if isinstance(raw_grants, list)
                                          and j < len(raw_grants) else {}, grant, key.arn)
                               for j, grant in enumerate(key.grants)]
                    docs.append(GrantsDocument(path, entries, prefix=join_path(where, "grants"),
                                               locator=locate, key=key, world=world))
            for index, principal in enumerate(world.principals):
                model = scenario.principals[index]
                where = join_path(base, f"principals/{index}")
                for number, doc in enumerate(principal.policies):
                    docs.append(_engine_document(path, "identity", doc, model.policies[number],
                                                 join_path(where, f"policies/{number}"), locate,
                                                 world=world))
                if principal.boundary is not None:
                    docs.append(_engine_document(path, "boundary", principal.boundary,
                                                 model.boundary, join_path(where, "boundary"),
                                                 locate, world=world))
            organization = data.get("organization") if isinstance(data, dict) else None
            if world.organization is not None and isinstance(organization, dict):
                for name, policy_type in (("scps", "scp"), ("rcps", "rcp")):
                    levels = getattr(world.organization, name)
                    raw = organization.get(name)
                    for depth, level in enumerate(levels):
                        for number, doc in enumerate(level):
                            if isinstance(raw, dict):
                                where = f"organization/{name}/levels/{depth}/{number}"
                                written = raw["levels"][depth][number]
                            else:
                                where = f"organization/{name}/{number}"
                                written = raw[number]
                            docs.append(_engine_document(path, policy_type, doc, written,
                                                         join_path(base, where), locate,
                                                         world=world))
            from ..kms.world import load_policy

            for index, request in enumerate(scenario.requests):
                for field_name, policy_type in (("session_policy", "session"),
                                                ("vpc_endpoint_policy", "endpoint")):
                    written = getattr(request, field_name)
                    if written is None:
                        continue
                    doc = load_policy(written, policy_type)
                    docs.append(_engine_document(
                        path, policy_type, doc, written,
                        join_path(base, f"requests/{index}/{field_name}"), locate, world=world))
            docs.append(WorldDocument(path, world, scenario, prefix=base, locator=locate,
                                      documents=list(docs)))
            documents.extend(docs)
        return documents

    # -- running the rules ----------------------------------------------------------------------

    def _rules_for(self, document: Document) -> list[tuple[RuleInfo, Any, RuleContext]]:
        index = (document.kind, document.policy_type)
        found = self._by_kind.get(index)
        if found is None:
            found = []
            for info in self.rules:
                if not info.runs_on(document.kind, document.policy_type):
                    continue  # (its module is not even imported)
                module = self._modules.get(info.id)
                if module is None:
                    module = self._modules[info.id] = load_rule(info.id)
                found.append((info, module, RuleContext(self.config, info)))
            self._by_kind[index] = found
        return found

    def _ignored_for(self, path: str) -> set[str]:
        found = self._ignored.get(path)
        if found is None:
            found = self._ignored[path] = self.config.ignored_for(path) \
                if self.config.per_file_ignores else set()
        return found

    def _run(self, documents: list[Document],
             result: LintResult) -> list[tuple[Finding, Document]]:
        out: list[tuple[Finding, Document]] = []
        seen: set[tuple] = set()
        for document in documents:
            ignored = self._ignored_for(document.path)
            for info, module, context in self._rules_for(document):
                if info.id in ignored:
                    continue
                try:
                    hits = list(module.check(document, context) or ())
                except Exception as error:  # noqa: BLE001 - a rule bug must not end the run
                    result.errors.append(InputError(
                        document.path, f"internal error in rule {info.label} on "
                        f"{document.label}: {type(error).__name__}: {error}"))
                    continue
                for hit in hits:
                    finding = self._finding(info, hit, document)
                    index = (finding.rule, finding.path, finding.json_path, finding.message)
                    if index in seen:
                        continue
                    seen.add(index)
                    out.append((finding, document))
        return out

    def _finding(self, info: RuleInfo, hit: Hit, document: Document) -> Finding:
        sid, statement_path = document.statement_of(hit.json_path)
        if hit.sid is not None:
            sid = hit.sid
        severity = self.config.severity.get(info.id) or hit.severity or info.severity
        return Finding(info.id, info.name, severity, info.category, hit.message, document.path,
                       document.policy_type, document.full_path(hit.json_path), sid=sid,
                       statement_path=statement_path)

    def _finish(self, findings: list[tuple[Finding, Document]], result: LintResult) -> None:
        suppressions = self.config.suppressions
        linted = [self.config.relative(p) for p in result.paths] if suppressions else []
        for suppression in suppressions:
            suppression.used = suppression.hit_while_expired = 0
            suppression.files = sum(1 for p in linted if suppression.path.matches(p))
        for finding, document in findings:
            match = self._suppression_for(finding, suppressions)
            if match is not None and not match.expired(self.today):
                match.used += 1
                finding.suppression = match
                result.suppressed.append(finding)
            else:
                if match is not None:
                    match.hit_while_expired += 1
                result.findings.append(finding)
            position = document.position(_relative(finding.json_path, document.prefix))
            if position is not None:
                finding.line, finding.column = position.line, position.column
                finding.end_line, finding.end_column = position.end_line, position.end_column
        selected = {info.id for info in self.rules} if suppressions else set()
        for suppression in suppressions:
            if suppression.files == 0 or suppression.rule.id not in selected:
                continue  # about files or rules this run did not look at
            if suppression.expired(self.today):
                result.expired_suppressions.append(suppression)
            elif suppression.used == 0:
                result.unused_suppressions.append(suppression)
        order = {path: i for i, path in enumerate(result.paths)}
        key = (lambda f: (order.get(f.path, len(order)), f.line or 0, f.column or 0, f.rule,
                          f.json_path))
        result.findings.sort(key=key)
        result.suppressed.sort(key=key)

    def _suppression_for(self, finding: Finding, suppressions: list[Suppression]):
        if not suppressions:
            return None
        relative = self.config.relative(finding.path)
        for suppression in suppressions:
            if suppression.rule.id != finding.rule or not suppression.path.matches(relative):
                continue
            if suppression.sid is not None and suppression.sid != finding.sid:
                if not (suppression.sid.startswith("#") and finding.statement_path and
                        finding.statement_path.rsplit("/", 1)[-1] == suppression.sid[1:]):
                    continue
            return suppression
        return None


class _Skip(Exception):
    """A walked file that is not for the linter."""


# -- helpers -------------------------------------------------------------------------------------


def infer_policy_type(value: Any) -> str:
    """``key`` when a statement names principals (a resource policy), else ``identity``."""
    statements = value.get("Statement") if isinstance(value, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list):
        for statement in statements:
            if isinstance(statement, dict) and ("Principal" in statement
                                                or "NotPrincipal" in statement):
                return "key"
    return "identity"


def _walk(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if Path(name).suffix.lower() in _SUFFIXES and not name.startswith("."):
                yield os.path.normpath(os.path.join(root, name))


def _decode(path: str, data: str | bytes) -> tuple[str, BrokenDocument | None]:
    if isinstance(data, str):
        return data.lstrip("\ufeff"), None
    try:
        return bytes(data).decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problem = PolicySyntaxError(f"the file is not UTF-8 text ({error.reason} at byte "
                                    f"{error.start})", file=path, line=line, column=column)
        return "", _broken(path, problem, None, None)


def _broken(path: str, error: PolicyEngineError, text: str | None,
            policy_type: str | None) -> BrokenDocument:
    line = error.line or 1
    column = error.column or 1
    return BrokenDocument(path, error, policy_type=policy_type, text=text,
                          locator=lambda _path: Position(line, column, line, column))


def _looks_like_scenario(text: str) -> bool:
    has_scenario = has_requests = False
    for line in text.splitlines():
        if line.startswith("scenario:"):
            has_scenario = True
        elif line.startswith("requests:"):
            has_requests = True
    return has_scenario and has_requests


def _is_scenario_value(value: Any) -> bool:
    if isinstance(value, dict):
        return "scenario" in value and "requests" in value
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, dict) and "scenario" in item for item in value)


def _unwrap(value: dict):
    """(prefix, policy value or text, policy text, type) for AWS CLI outputs that hold a policy."""
    policy = value.get("Policy")
    if isinstance(policy, str) and set(value) <= {"Policy", "PolicyName"}:
        return "Policy", policy, policy, "key"  # aws kms get-key-policy
    document = value.get("PolicyDocument")
    if isinstance(document, (dict, str)):
        text = document if isinstance(document, str) else None
        return "PolicyDocument", document, text, "identity"  # iam get-role-policy & co.
    version = value.get("PolicyVersion")
    if isinstance(version, dict) and isinstance(version.get("Document"), (dict, str)):
        document = version["Document"]
        text = document if isinstance(document, str) else None
        return "PolicyVersion/Document", document, text, "identity"  # iam get-policy-version
    return None


def _relative(full: str, prefix: str) -> str:
    if not prefix:
        return full
    if full == prefix:
        return ""
    return full[len(prefix) + 1:] if full.startswith(prefix + "/") else full


class _FileSource:
    """Positions in a JSON file's text: most paths are found by a quick scan of the text; the
    positioned parse runs, on first need, for the others (keys holding "/", paths that are not
    there and whose nearest ancestor is wanted)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._map = None
        self._failed = False

    def locate(self, full_path: str) -> Position | None:
        from ..language.source import find_spans

        found = find_spans(self.text, full_path) or self._parsed(full_path)
        if found is None:
            return None
        key, value = found
        start = key or value
        return Position(start.line, start.column, value.end_line, value.end_column)

    def _parsed(self, full_path: str):
        """(key span or None, span of the value or of its nearest ancestor), from the
        positioned parse; None if that parse fails."""
        if self._failed:
            return None
        if self._map is None:
            from ..language.source import parse_with_positions

            try:
                self._map = parse_with_positions(self.text)
            except Exception:  # noqa: BLE001
                self._failed = True
                return None
        value = self._map.span(full_path)
        if value is None:
            return None, self._map.nearest(full_path)
        return self._map.key_span(full_path), value


def _scenario_locator(positions, base: str):
    def locate(full_path: str) -> Position | None:
        relative = _relative(full_path, base)
        where = positions.key_position(relative) if relative else None
        if where is None:
            where = positions.position(relative) or positions.nearest(relative)
        if where is None:
            return None
        return Position(where[0], where[1])

    return locate


def _engine_document(path: str, policy_type: str, engine_doc, written: Any, prefix: str,
                     locate, *, key=None, world=None) -> Document:
    """A document for a policy of a scenario world (the engine has parsed and compiled it)."""
    text = written if isinstance(written, str) else None
    if engine_doc.compiled is None and text is not None:
        from ..language.parsing import parse_json

        try:
            value = parse_json(text, file=path)
        except PolicySyntaxError as error:
            def at(_path, _prefix=prefix):
                return locate(_prefix)

            return BrokenDocument(path, error, policy_type=policy_type, prefix=prefix,
                                  locator=at, text=text)
    else:
        value = written
        if text is not None:
            from ..language.parsing import parse_json

            value = parse_json(text, file=path)
    label = engine_doc.label if engine_doc is not None else prefix
    return PolicyDocument(path, policy_type, value, text=text, prefix=prefix, locator=locate,
                          label=label, engine=engine_doc, key=key, world=world)


def _grants_document(path: str, value: dict, locate, text: str) -> GrantsDocument:
    from ..kms.world import Grant

    entries = []
    for index, raw in enumerate(value["Grants"]):
        grant = None
        if isinstance(raw, dict):
            constraints = raw.get("Constraints") if isinstance(raw.get("Constraints"),
                                                                dict) else {}
            try:
                grant = Grant(
                    id=str(raw.get("GrantId", index)), name=raw.get("Name"),
                    operations=frozenset(raw.get("Operations") or ()),
                    grantee=raw.get("GranteePrincipal"),
                    grantee_service=raw.get("GranteeServicePrincipal"),
                    retiring=raw.get("RetiringPrincipal"),
                    retiring_service=raw.get("RetiringServicePrincipal"),
                    encryption_context_equals=constraints.get("EncryptionContextEquals"),
                    encryption_context_subset=constraints.get("EncryptionContextSubset"),
                    source_arn=constraints.get("SourceArn"),
                    issuing_account=raw.get("IssuingAccount"))
            except (TypeError, ValueError):
                grant = None
        entries.append(GrantEntry(f"Grants/{index}", raw if isinstance(raw, dict) else {},
                                  grant, raw.get("KeyId") if isinstance(raw, dict) else None))
    return GrantsDocument(path, entries, value=value, locator=locate, text=text)


def _key_document(path: str, value: dict, locate, text: str) -> KeyConfigDocument:
    meta = value["KeyMetadata"]
    fields = {}
    for name, field_name in (("state", "KeyState"), ("spec", "KeySpec"), ("usage", "KeyUsage"),
                             ("origin", "Origin"), ("manager", "KeyManager"),
                             ("multi_region", "MultiRegion")):
        if field_name in meta:
            fields[name] = f"KeyMetadata/{field_name}"
    if "KeyRotationEnabled" in value:
        fields["rotation_enabled"] = "KeyRotationEnabled"
    if "RotationPeriodInDays" in value:
        fields["rotation_period"] = "RotationPeriodInDays"
    rotation = value.get("KeyRotationEnabled")
    return KeyConfigDocument(
        path, arn=meta.get("Arn"), state=meta.get("KeyState", "Enabled"),
        spec=meta.get("KeySpec", meta.get("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT")),
        usage=meta.get("KeyUsage", "ENCRYPT_DECRYPT"), origin=meta.get("Origin", "AWS_KMS"),
        manager=meta.get("KeyManager", "CUSTOMER"),
        rotation_enabled=rotation if isinstance(rotation, bool) else None,
        rotation_period=value.get("RotationPeriodInDays"),
        multi_region=bool(meta.get("MultiRegion", False)), fields=fields, value=value,
        locator=locate, text=text)


def _scenario_key_document(path: str, key, raw: Any, prefix: str, locate) -> KeyConfigDocument:
    raw = raw if isinstance(raw, dict) else {}
    fields = {}
    for name, spellings in (("state", ("state", "KeyState")), ("spec", ("spec", "KeySpec")),
                            ("usage", ("usage", "KeyUsage")), ("origin", ("origin", "Origin")),
                            ("manager", ("manager", "KeyManager")),
                            ("multi_region", ("multi_region", "MultiRegion"))):
        written = next((s for s in spellings if s in raw), None)
        if written:
            fields[name] = written
    rotation = key.rotation or None
    if isinstance(raw.get("rotation"), dict):
        if "enabled" in raw["rotation"]:
            fields["rotation_enabled"] = "rotation/enabled"
        if "period_days" in raw["rotation"]:
            fields["rotation_period"] = "rotation/period_days"
    return KeyConfigDocument(
        path, arn=key.arn, state=key.state, spec=key.spec, usage=key.usage, origin=key.origin,
        manager=key.manager,
        rotation_enabled=rotation.get("enabled") if rotation else None,
        rotation_period=rotation.get("period_days") if rotation else None,
        multi_region=key.multi_region, fields=fields, prefix=prefix, value=raw,
        locator=locate, key=key)

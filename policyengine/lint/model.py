"""What the linter works on and what it produces.

Documents
    A :class:`Document` is one thing a rule looks at: a policy (:class:`PolicyDocument`), the
    grants of a file or key (:class:`GrantsDocument`), the configuration of one key
    (:class:`KeyConfigDocument`), a whole scenario world (:class:`WorldDocument`), or a file that
    could not be read as JSON (:class:`BrokenDocument`). Every document knows the file it came
    from (``path``) and where it sits in that file (``prefix``, a JSON path: ``""`` for a whole
    file, ``keys/0/policy`` for a key policy inside a scenario). Rules speak in paths relative to
    the document; the runner turns them into paths and positions in the file.

    The expensive views of a policy are computed on first use and kept: the save-time
    violations (:func:`policyengine.language.validation.validate_policy`), the AST and the
    compiled policy. Line and column numbers are computed only for findings (the positioned
    parse is slow; clean files never pay for it).

Hits and findings
    A rule yields :class:`Hit` objects (a message and the JSON path of the element it is
    about); the runner adds the rule's id, name, severity and category, the file, the policy
    type, the Sid of the statement and the position, making a :class:`Finding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator

__all__ = [
    "Hit", "Finding", "Position", "Document", "PolicyDocument", "BrokenDocument",
    "GrantsDocument", "GrantEntry", "KeyConfigDocument", "WorldDocument", "RuleContext",
    "join_path",
]


def join_path(*parts: Any) -> str:
    """``join_path("keys/0/policy", "Statement/1")`` -> ``"keys/0/policy/Statement/1"``."""
    return "/".join(str(part) for part in parts if part not in ("", None))


@dataclass(frozen=True, slots=True)
class Position:
    """1-based, end inclusive (the last character); ``end_*`` may be unknown (None)."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


@dataclass(slots=True)
class Hit:
    """What a rule reports: a message about the element at ``json_path`` (relative to the
    document). ``sid`` is filled in from the path when the rule does not give it; ``severity``
    overrides the rule's default for this one finding (the catalogue allows it, e.g. POL003
    escalates invalid versions, POL015 is HIGH for Deny and MEDIUM for Allow)."""

    message: str
    json_path: str = ""
    sid: str | None = None
    severity: str | None = None


@dataclass(slots=True)
class Finding:
    rule: str
    name: str
    severity: str
    category: str
    message: str
    path: str  # the file, as given or found
    policy_type: str | None
    json_path: str  # in the file
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    sid: str | None = None
    # not part of the JSON output
    statement_path: str | None = field(default=None, repr=False)  # "Statement/2" (in the file)
    suppression: Any = field(default=None, repr=False, compare=False)

    FIELDS = ("rule", "name", "severity", "category", "message", "path", "policy_type",
              "json_path", "line", "column", "end_line", "end_column", "sid")

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move the finding: the rule, the file, and the element's
        path with the statement named by its Sid (when it has one) instead of its index."""
        where = self.json_path
        if self.sid and self.statement_path and where.startswith(self.statement_path):
            where = f"Sid={self.sid}" + where[len(self.statement_path):]
        import hashlib

        text = "\x1f".join((self.rule, self.path.replace("\\", "/"), where))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# -- documents --------------------------------------------------------------------------------

Locator = Callable[[str], "Position | None"]  # full in-file JSON path -> position


class Document:
    """Something rules look at. See the module docstring."""

    kind = "document"
    policy_type: str | None = None

    def __init__(self, path: str, *, prefix: str = "", value: Any = None,
                 text: str | None = None, locator: Locator | None = None,
                 label: str | None = None) -> None:
        self.path = path
        self.prefix = prefix
        self.value = value
        self.text = text
        self.locator = locator
        self.label = label or path
        self.cache: dict = {}  # for analyses shared by several rules

    def full_path(self, json_path: str) -> str:
        return join_path(self.prefix, json_path)

    def position(self, json_path: str) -> Position | None:
        """Where the element at ``json_path`` (relative to the document) is in the file."""
        if self.locator is None:
            return None
        try:
            return self.locator(self.full_path(json_path))
        except Exception:  # noqa: BLE001 - a position is a courtesy, never a crash
            return None

    def statement_of(self, json_path: str) -> tuple[str | None, str | None]:
        """(Sid, path of the statement) for a path inside a statement, else (None, None)."""
        return None, None


class PolicyDocument(Document):
    """A policy of a known type. ``engine`` is the engine's already-built view of the same
    policy when there is one (:class:`policyengine.kms.world.PolicyDoc` of a scenario world),
    whose violations and compiled form are reused; ``key`` the engine Key a key policy
    belongs to (scenario worlds)."""

    kind = "policy"

    def __init__(self, path: str, policy_type: str, value: Any, *, text: str | None = None,
                 prefix: str = "", locator: Locator | None = None, label: str | None = None,
                 engine: Any = None, key: Any = None, world: Any = None) -> None:
        super().__init__(path, prefix=prefix, value=value, text=text, locator=locator,
                         label=label)
        self.policy_type = policy_type
        self.engine = engine
        self.key = key
        self.world = world

    # -- engine views, computed once ------------------------------------------------------------

    @cached_property
    def violations(self) -> tuple:
        """What AWS would refuse when the policy is saved (``validation.Violation``)."""
        if self.engine is not None:
            return tuple(self.engine.violations)
        from ..language.validation import validate_policy

        return tuple(validate_policy(self.value, self.policy_type, text=self.text))

    @cached_property
    def policy(self):
        """The AST (:class:`policyengine.language.ast.Policy`), or None when the JSON cannot be
        a policy at all (wrong types; the violations say why)."""
        if self.engine is not None and self.engine.compiled is not None:
            return self.engine.compiled.policy
        from ..errors import PolicyEngineError
        from ..language.parsing import build_policy

        try:
            return build_policy(self.value, text=self.text)
        except PolicyEngineError:
            return None
        except RecursionError:  # pragma: no cover - absurdly deep documents
            return None

    @cached_property
    def compiled(self):
        """The compiled policy (matchers, per-action index), or None without an AST."""
        if self.engine is not None and self.engine.compiled is not None:
            return self.engine.compiled
        if self.policy is None:
            return None
        from ..language.compile import compile_policy

        return compile_policy(self.policy, cache=False)  # (each document is compiled once)

    @property
    def statements(self) -> tuple:
        """The AST statements (empty without an AST)."""
        return self.policy.statements if self.policy is not None else ()

    def raw_statement(self, statement) -> dict:
        """The JSON object a statement node was built from."""
        raw = self.value.get("Statement") if isinstance(self.value, dict) else None
        if isinstance(raw, list):
            item = raw[statement.index] if statement.index < len(raw) else None
        else:
            item = raw
        return item if isinstance(item, dict) else {}

    def statement_of(self, json_path: str) -> tuple[str | None, str | None]:
        parts = json_path.split("/")
        if not parts or parts[0] != "Statement" or not isinstance(self.value, dict):
            return None, None
        raw = self.value.get("Statement")
        if isinstance(raw, list):
            if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(raw):
                return None, None
            item, where = raw[int(parts[1])], f"Statement/{parts[1]}"
        elif isinstance(raw, dict):
            item, where = raw, "Statement"
        else:
            return None, None
        sid = item.get("Sid") if isinstance(item, dict) else None
        return (sid if isinstance(sid, str) and sid else None), self.full_path(where)


class BrokenDocument(Document):
    """A file whose text is not JSON (or not UTF-8): only POL001 looks at it."""

    kind = "broken"

    def __init__(self, path: str, error, *, policy_type: str | None = None, prefix: str = "",
                 locator: Locator | None = None, text: str | None = None) -> None:
        super().__init__(path, prefix=prefix, locator=locator, text=text)
        self.error = error  # PolicyEngineError with line and column where known
        self.policy_type = policy_type


@dataclass(slots=True)
class GrantEntry:
    """One grant: where it is (relative to its document), as written, and the engine's view
    (:class:`policyengine.kms.world.Grant`, None when it cannot be read as one)."""

    json_path: str
    raw: dict
    grant: Any = None
    key_arn: str | None = None


class GrantsDocument(Document):
    """Grants: ``aws kms list-grants`` output (``{"Grants": [...]}``) or a scenario key's."""

    kind = "grants"
    policy_type = "grant"

    def __init__(self, path: str, entries: list[GrantEntry], *, value: Any = None,
                 prefix: str = "", locator: Locator | None = None, key: Any = None,
                 world: Any = None, text: str | None = None) -> None:
        super().__init__(path, prefix=prefix, value=value, locator=locator, text=text)
        self.entries = entries
        self.key = key
        self.world = world


class KeyConfigDocument(Document):
    """The configuration of one key: a scenario key, or ``aws kms describe-key`` output
    (optionally with ``KeyRotationEnabled`` / ``RotationPeriodInDays`` from
    ``get-key-rotation-status`` merged in). ``fields`` maps a property name (``state``,
    ``spec``, ``usage``, ``origin``, ``manager``, ``rotation_enabled``, ``rotation_period``,
    ``multi_region``) to the JSON path of where it is written (absent when it is not)."""

    kind = "key"
    policy_type = "key-config"

    def __init__(self, path: str, *, arn: str | None, state: str = "Enabled",
                 spec: str = "SYMMETRIC_DEFAULT", usage: str = "ENCRYPT_DECRYPT",
                 origin: str = "AWS_KMS", manager: str = "CUSTOMER",
                 rotation_enabled: bool | None = None, rotation_period: int | None = None,
                 multi_region: bool = False, fields: dict | None = None, prefix: str = "",
                 value: Any = None, locator: Locator | None = None, key: Any = None,
                 text: str | None = None) -> None:
        super().__init__(path, prefix=prefix, value=value, locator=locator, text=text)
        self.arn, self.state, self.spec, self.usage = arn, state, spec, usage
        self.origin, self.manager = origin, manager
        self.rotation_enabled, self.rotation_period = rotation_enabled, rotation_period
        self.multi_region = multi_region
        self.fields = dict(fields or {})
        self.key = key

    def field_path(self, name: str) -> str:
        return self.fields.get(name, "")


class WorldDocument(Document):
    """A scenario world, for the cross-document rules: the engine World, the scenario model,
    and the policy documents linted from it (so a rule can point into any of them)."""

    kind = "world"
    policy_type = "scenario"

    def __init__(self, path: str, world: Any, scenario: Any, *, prefix: str = "",
                 locator: Locator | None = None, documents: list | None = None) -> None:
        super().__init__(path, prefix=prefix, locator=locator, value=None)
        self.world = world
        self.scenario = scenario
        self.documents = list(documents or [])

    def key_index(self, arn: str) -> int | None:
        for index, key in enumerate(self.world.keys):
            if key.arn == arn:
                return index
        return None

    def key_policy_document(self, arn: str) -> PolicyDocument | None:
        index = self.key_index(arn)
        if index is None:
            return None
        where = join_path(self.prefix, f"keys/{index}/policy")
        return next((doc for doc in self.documents
                     if isinstance(doc, PolicyDocument) and doc.prefix == where), None)


@dataclass(slots=True)
class RuleContext:
    """What a rule may consult besides its document: the configuration (trusted accounts,
    organization, key administrators, ...) and the rule's own row of the table."""

    config: Any
    info: Any

    def iter_hits(self, hits) -> Iterator[Hit]:  # pragma: no cover - convenience for tests
        yield from hits or ()

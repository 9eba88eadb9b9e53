"""The world a KMS request is decided in: keys with their policies and grants, principals with
their IAM policies, an optional organization — and the request itself.

Everything here is plain data with policies already compiled (by content, once). Keys named by
key ID or alias name resolve in the caller's account; key ARNs and alias ARNs anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from ..errors import PolicyEngineError
from ..language.compile import CompiledPolicy, compile_value
from ..language.parsing import parse_json

KEY_ARN = re.compile(r"arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key/(.+)")
ALIAS_ARN = re.compile(r"arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(alias/.+)")

POLICY_LABELS = {
    "key": "key policy", "identity": "identity policy", "boundary": "permissions boundary",
    "session": "session policy", "scp": "SCP", "rcp": "RCP", "endpoint": "VPC endpoint policy",
}


def default_key_policy(account: str, partition: str = "aws") -> dict:
    """The key policy KMS attaches when CreateKey is called without one (§5.3)."""
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }],
    }


# -- policies --------------------------------------------------------------------------------


@dataclass(eq=False)
class PolicyDoc:
    """A policy of one type, compiled, with what AWS would refuse in it."""

    label: str
    policy_type: str
    compiled: CompiledPolicy | None  # None when the text is not a policy at all
    violations: tuple = ()  # language.validation.Violation
    text: str | None = None
    locate: Callable[[str], tuple[int, int] | None] | None = None  # JSON path -> (line, column)

    @property
    def valid(self) -> bool:
        return self.compiled is not None and not self.violations

    def position(self, json_path: str) -> tuple[int, int] | None:
        if self.locate is not None:
            return self.locate(json_path)
        if self.text is not None:
            from ..language.source import locate

            span = locate(self.text, json_path)
            return (span.line, span.column) if span else None
        return None


def load_policy(source: Any, policy_type: str, label: str | None = None) -> PolicyDoc:
    """Turn a policy object or JSON text into a :class:`PolicyDoc` (compiled and validated)."""
    label = label or POLICY_LABELS[policy_type]
    if isinstance(source, PolicyDoc):
        return source
    text = source if isinstance(source, str) else None
    try:
        value = parse_json(text) if text is not None else source
    except PolicyEngineError as error:
        return PolicyDoc(label, policy_type, None, (_syntax_violation(error),), text)
    violations = _validate(value, policy_type, text)
    try:
        compiled = compile_value(value)
    except PolicyEngineError as error:
        return PolicyDoc(label, policy_type, None, violations or (_syntax_violation(error),), text)
    return PolicyDoc(label, policy_type, compiled, violations, text)


def _validate(value: Any, policy_type: str, text: str | None) -> tuple:
    from ..language.validation import validate_policy

    if text is None:
        return _validate_cached(_canonical(value), policy_type)
    return tuple(validate_policy(value, policy_type, text=text))


@lru_cache(maxsize=1024)
def _validate_cached(canonical: str, policy_type: str) -> tuple:
    import json

    from ..language.validation import validate_policy

    return tuple(validate_policy(json.loads(canonical), policy_type))


def _canonical(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _syntax_violation(error: PolicyEngineError):
    from ..language.validation import Violation

    return Violation("invalid-json", str(error), error.json_path,
                     "MalformedPolicyDocumentException")


# -- keys and grants --------------------------------------------------------------------------


@dataclass(eq=False)
class Grant:
    id: str
    operations: frozenset[str]
    grantee: str | None = None
    grantee_service: str | None = None
    name: str | None = None
    retiring: str | None = None
    retiring_service: str | None = None
    encryption_context_equals: dict[str, str] | None = None
    encryption_context_subset: dict[str, str] | None = None
    source_arn: str | None = None
    issuing_account: str | None = None
    token: str | None = None
    pending: bool = False

    def __post_init__(self) -> None:
        self.operations = frozenset(self.operations)

    @property
    def constraint_type(self) -> str | None:
        if self.encryption_context_equals is not None:
            return "EncryptionContextEquals"
        if self.encryption_context_subset is not None:
            return "EncryptionContextSubset"
        return None


@dataclass(eq=False)
class Key:
    arn: str
    policy: Any = None  # PolicyDoc after construction; None = the programmatic default
    aliases: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    spec: str = "SYMMETRIC_DEFAULT"
    usage: str = "ENCRYPT_DECRYPT"
    origin: str = "AWS_KMS"
    state: str = "Enabled"
    manager: str = "CUSTOMER"
    multi_region: bool = False
    multi_region_type: str | None = None
    rotation: dict | None = None
    grants: tuple[Grant, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        found = KEY_ARN.fullmatch(self.arn)
        if not found:
            raise PolicyEngineError(f"{self.arn!r} is not a KMS key ARN "
                                    "(arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)")
        self.partition, self.region, self.account, self.key_id = found.groups()
        source = self.policy if self.policy is not None else default_key_policy(
            self.account, self.partition)
        self.policy = load_policy(source, "key", f"key policy of {self.arn}")
        self.aliases = tuple(self.aliases)
        self.grants = tuple(self.grants)

    @property
    def aws_managed(self) -> bool:
        return self.manager == "AWS"

    def alias_arn(self, alias: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{self.account}:{alias}"

    def grant(self, grant_id: str) -> Grant | None:
        return next((g for g in self.grants if g.id == grant_id), None)


# -- principals and organization --------------------------------------------------------------


@dataclass(eq=False)
class Principal:
    arn: str
    policies: tuple = ()  # PolicyDoc after construction
    boundary: Any = None
    tags: dict[str, str] = field(default_factory=dict)
    id: str | None = None
    service_linked: bool = False

    def __post_init__(self) -> None:
        self.policies = tuple(
            load_policy(p, "identity", f"identity policy {i} of {self.arn}")
            for i, p in enumerate(self.policies))
        if self.boundary is not None:
            self.boundary = load_policy(self.boundary, "boundary",
                                        f"permissions boundary of {self.arn}")

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    @property
    def name(self) -> str:
        return self.arn.rsplit("/", 1)[-1]


@dataclass(eq=False)
class Organization:
    id: str | None = None
    management_account: str | None = None
    accounts: frozenset[str] = frozenset()
    scps: tuple = ()  # levels, root first: tuple of tuples of PolicyDoc
    rcps: tuple = ()

    def __post_init__(self) -> None:
        self.accounts = frozenset(self.accounts) | (
            {self.management_account} if self.management_account else set())
        self.scps = _levels(self.scps, "scp", "SCP")
        self.rcps = _levels(self.rcps, "rcp", "RCP")

    def member(self, account: str | None) -> bool:
        return account in self.accounts


def _levels(levels: Any, policy_type: str, name: str) -> tuple:
    """Policies as one level (a list of policies) or as ``{"levels": [[...], ...]}``."""
    if isinstance(levels, dict):
        levels = levels.get("levels", ())
    elif levels and not isinstance(levels[0], (list, tuple)):
        levels = (levels,)
    return tuple(
        tuple(load_policy(p, policy_type, f"{name} {i} at level {depth}")
              for i, p in enumerate(level))
        for depth, level in enumerate(levels or ()))


# -- the world --------------------------------------------------------------------------------


class World:
    """Keys, principals and the organization; resolves key names and principal ARNs.

    A World is not changed once built (build a new one when the state changes): it caches what
    it derives — callers' condition keys, keys' condition keys, the policies in play — in
    ``cache``.
    """

    def __init__(self, keys=(), principals=(), organization: Organization | None = None,
                 now: str | None = None) -> None:
        self.keys: tuple[Key, ...] = tuple(keys)
        self.principals: tuple[Principal, ...] = tuple(principals)
        self.organization = organization
        self.now = now
        self._by_arn = {key.arn: key for key in self.keys}
        self._by_alias: dict[tuple[str, str, str], Key] = {}
        for key in self.keys:
            for alias in key.aliases:
                self._by_alias.setdefault((key.account, key.region, alias), key)
        self._principals = {p.arn: p for p in self.principals}
        self.cache: dict = {}
        self._roles: dict[tuple[str, str], Principal] = {}
        for p in self.principals:
            if ":role/" in p.arn:
                self._roles[(p.account, p.name)] = p

    def key(self, arn: str) -> Key | None:
        return self._by_arn.get(arn)

    def resolve_key(self, name: str, caller_account: str | None,
                    region: str | None = None) -> tuple[Key | None, str | None]:
        """(key, alias used) for how a request names a key.

        Key ARNs and alias ARNs name a key anywhere; a key ID or an alias name is looked up in
        the caller's own account (KMS developer guide, cross-account access) and, when the
        request's Region is known, in that Region (aliases and keys are Regional).
        """
        if name.startswith("arn:"):
            if KEY_ARN.fullmatch(name):
                return self._by_arn.get(name), None
            found = ALIAS_ARN.fullmatch(name)
            if found:
                _, region, account, alias = found.groups()
                return self._by_alias.get((account, region, alias)), alias
            return None, None
        if name.startswith("alias/"):
            return self.alias_target(name, caller_account, region), name
        for key in self.keys:
            if key.account == caller_account and key.key_id == name and (
                    region is None or key.region == region):
                return key, None
        return None, None

    def alias_target(self, alias: str, account: str, region: str | None = None) -> Key | None:
        if region is not None:
            return self._by_alias.get((account, region, alias))
        for (acct, reg, name), key in self._by_alias.items():
            if acct == account and name == alias and (region is None or reg == region):
                return key
        return None

    def principal(self, arn: str | None) -> Principal | None:
        return self._principals.get(arn) if arn else None

    def role(self, account: str, name: str) -> Principal | None:
        return self._roles.get((account, name))


@dataclass
class Request:
    """One request: a permission (``action``) or a KMS API call (``operation``)."""

    principal: str
    action: str | None = None
    operation: str | None = None
    key: str | None = None
    resource: str | None = None
    encryption_context: dict[str, str] | None = None
    grant_tokens: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    credentials: str | None = None
    session_policy: Any = None
    vpc_endpoint_policy: Any = None

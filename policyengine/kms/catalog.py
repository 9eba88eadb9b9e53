"""The KMS catalogue: permissions, API operations, grant operations, condition keys, key specs.

Everything here is data from ``data/catalog.json`` (sources and the meaning of each field are in
its ``source`` and ``notes``), loaded once into immutable objects. Names are matched
case-insensitively; permissions may be given as ``kms:Decrypt`` or ``Decrypt``.

This module is on the fast path: standard library only.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from ..resources import data_path

_EMBEDDED = re.compile(r"\$\{[^}]*\}$")  # "aws:PrincipalTag/${TagKey}" -> an author-chosen suffix


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One KMS permission (the ``kms:`` action of a policy)."""

    name: str  # "Decrypt"
    resource: str  # "key" | "alias+key" | "none"
    policy: str  # "key" | "iam" | "grant"
    cross_account: bool
    grant_operation: bool
    internal: bool
    condition_keys: tuple[str, ...]  # request/operation-specific keys, exact spelling
    accepts_grant_tokens: bool
    encryption_context: bool
    key_usages: tuple[str, ...]  # empty: any key usage (or no key)
    state_rules: tuple[tuple[str, str], ...]  # (key state, "ok" | exception name)
    state_notes: str

    @property
    def permission(self) -> str:
        return f"kms:{self.name}"

    def state_outcome(self, key_state: str | None) -> str | None:
        """``None`` if an authorised request works on a key in ``key_state``, else the exception."""
        outcome = dict(self.state_rules).get(key_state or "", "ok")
        return None if outcome == "ok" else outcome


@dataclass(frozen=True, slots=True)
class Permission:
    """One authorisation an API operation needs: ``action`` on the resource role ``on``."""

    action: str  # "kms:ReEncryptFrom"
    on: str  # "*", "key", "source_key", "alias", "current_key", "tags", ... (see the data notes)
    checks_state: bool  # is the key state of that resource checked


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One KMS API operation."""

    name: str  # "ReEncrypt"
    permissions: tuple[Permission, ...]
    key_usages: tuple[str, ...]  # the key must have one of these usages (empty: any)
    key_specs: tuple[str, ...]  # the key must have one of these specs (empty: any)
    key_origins: tuple[str, ...]  # the key must have one of these origins (empty: any)
    notes: str


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """One condition key usable in KMS requests (``kms:`` keys and the relevant ``aws:`` keys)."""

    name: str  # exact spelling; "${...}" marks an embedded, author-chosen name
    type: str  # String | ArrayOfString | Bool | Numeric | Date | ARN | IPAddress | Binary
    alt_types: tuple[str, ...]  # further accepted operator families (Date keys taking Numeric)
    multi_valued: bool
    in_key_policy: bool  # False: IAM policies only
    deprecated_for: str | None
    key_property: bool  # describes the key; absent for operations without a key
    embedded_pattern: str | None  # what the embedded name may be (regex), for "${...}" names
    description: str

    @property
    def embedded(self) -> bool:
        return "${" in self.name

    @property
    def prefix(self) -> str:
        """The fixed part of an embedded name (``aws:PrincipalTag/``), else the name."""
        return _EMBEDDED.sub("", self.name)


@dataclass(frozen=True, slots=True)
class KeySpecInfo:
    name: str  # "RSA_2048"
    family: str  # symmetric | hmac | rsa | ecc_nist | ecc_secg | sm2 | ml_dsa
    asymmetric: bool
    key_usages: tuple[str, ...]
    automatic_rotation_origins: tuple[str, ...]
    on_demand_rotation_origins: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    source: tuple[str, ...]
    taken: str
    notes: Mapping[str, str]
    states: tuple[str, ...]
    actions: Mapping[str, ActionInfo]  # by lower-case name
    operations: Mapping[str, OperationInfo]  # by lower-case name
    condition_keys: Mapping[str, ConditionKeyInfo]  # by lower-case name
    embedded_keys: tuple[ConditionKeyInfo, ...]  # longest prefix first
    grant_operation_names: frozenset[str]
    grant_operations_by_type: Mapping[tuple[str, str], frozenset[str]]  # (spec, usage) -> ops
    key_specs: Mapping[str, KeySpecInfo]


def _strip(name: str) -> str:
    name = name.strip()
    return name[4:] if name[:4].lower() == "kms:" else name


@functools.cache
def catalog() -> Catalog:
    """The catalogue, read from ``data/catalog.json`` once."""
    with open(data_path("kms", "data", "catalog.json"), encoding="utf-8") as handle:
        raw = json.load(handle)
    actions = {
        a["name"].lower(): ActionInfo(
            a["name"], a["resource"], a["policy"], a["cross_account"], a["grant_operation"],
            a["internal"], tuple(a["condition_keys"]), a["accepts_grant_tokens"],
            a["encryption_context"], tuple(a["key_usages"]), tuple(a["state_rules"].items()),
            a["state_notes"])
        for a in raw["actions"]
    }
    operations = {
        o["name"].lower(): OperationInfo(
            o["name"], tuple(Permission(p["action"], p["on"], p["checks_state"])
                             for p in o["permissions"]),
            tuple(o["key_usages"]), tuple(o["key_specs"]), tuple(o["key_origins"]), o["notes"])
        for o in raw["operations"]
    }
    keys = {
        k["name"].lower(): ConditionKeyInfo(
            k["name"], k["type"], tuple(k["alt_types"]), k["multi_valued"], k["in_key_policy"],
            k["deprecated_for"], k["key_property"], k["embedded_pattern"], k["description"])
        for k in raw["condition_keys"]
    }
    embedded = tuple(sorted((k for k in keys.values() if k.embedded),
                            key=lambda k: -len(k.prefix)))
    grants = raw["grant_operations"]
    by_type = {(spec, row["key_usage"]): frozenset(row["operations"])
               for row in grants["by_key_type"] for spec in row["key_specs"]}
    specs = {
        s["name"]: KeySpecInfo(s["name"], s["family"], s["asymmetric"], tuple(s["key_usages"]),
                               tuple(s["automatic_rotation_origins"]),
                               tuple(s["on_demand_rotation_origins"]))
        for s in raw["key_specs"]
    }
    return Catalog(tuple(raw["source"]), raw["taken"], MappingProxyType(dict(raw["notes"])),
                   tuple(raw["states"]), MappingProxyType(actions), MappingProxyType(operations),
                   MappingProxyType(keys), embedded, frozenset(grants["enum"]),
                   MappingProxyType(by_type), MappingProxyType(specs))


# -- look-ups ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def action(name: str) -> ActionInfo | None:
    """The KMS permission ``name`` ("kms:Decrypt" or "Decrypt", any case), or None."""
    if not isinstance(name, str):
        return None
    return catalog().actions.get(_strip(name).lower())


def all_actions() -> tuple[ActionInfo, ...]:
    return tuple(catalog().actions.values())


def operation(name: str | None) -> OperationInfo | None:
    """The KMS API operation ``name`` ("ReEncrypt", any case), or None."""
    if not isinstance(name, str):
        return None
    return catalog().operations.get(_strip(name).lower())


def all_operations() -> tuple[OperationInfo, ...]:
    return tuple(catalog().operations.values())


def condition_key(name: str) -> ConditionKeyInfo | None:
    """The entry for a condition key as written in a policy, resolving embedded names.

    ``kms:encryptioncontext:AppName`` -> ``kms:EncryptionContext:${EncryptionContextKey}``,
    ``aws:PrincipalTag/team`` -> ``aws:PrincipalTag/${TagKey}``,
    ``kms:RecipientAttestation:PCR3`` -> ``kms:RecipientAttestation:PCR${PCR_ID}``.
    Key names are case-insensitive (the embedded part is matched as written).
    """
    if not isinstance(name, str):
        return None
    data = catalog()
    lowered = name.strip().lower()
    found = data.condition_keys.get(lowered)
    if found is not None:
        return found
    for entry in data.embedded_keys:
        prefix = entry.prefix.lower()
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            rest = name.strip()[len(prefix):]
            if entry.embedded_pattern is None or re.search(entry.embedded_pattern, rest):
                return entry
            return None
    return None


def all_condition_keys() -> tuple[ConditionKeyInfo, ...]:
    return tuple(catalog().condition_keys.values())


def key_spec(name: str) -> KeySpecInfo | None:
    return catalog().key_specs.get(name) if isinstance(name, str) else None


# -- convenience sets (bare permission names, e.g. "Decrypt") ------------------------------------


@functools.cache
def iam_only_actions() -> frozenset[str]:
    """Permissions that only IAM policies can grant (no key involved)."""
    return frozenset(a.name for a in all_actions() if a.policy == "iam")


@functools.cache
def cross_account_actions() -> frozenset[str]:
    """Permissions usable on a key in another account."""
    return frozenset(a.name for a in all_actions() if a.cross_account)


@functools.cache
def grant_operations() -> frozenset[str]:
    """The values of the API's GrantOperation enum."""
    return catalog().grant_operation_names


def valid_grant_operations(key_spec: str, key_usage: str) -> frozenset[str]:
    """Grant operations CreateGrant accepts for a key of this spec and usage (empty if invalid)."""
    return catalog().grant_operations_by_type.get((key_spec, key_usage), frozenset())


# -- rules ---------------------------------------------------------------------------------------


def state_outcome(action_or_operation: str | None, key_state: str | None,
                  role: str | None = None) -> str | None:
    """What an authorised request meets on a key in ``key_state``: None (ok) or the exception.

    ``kms:X`` names a permission; a bare name an API operation (falling back to the permission
    of that name). For an operation, ``role`` picks the resource role of the key (``"current_key"``
    of UpdateAlias is never state-checked); without it the operation's first state-checked role
    is used (for UpdateAlias: the new target key).
    """
    if not action_or_operation or not key_state:
        return None
    info = None if action_or_operation.lower().startswith("kms:") else operation(
        action_or_operation)
    if info is None:
        found = action(action_or_operation)
        return found.state_outcome(key_state) if found else None
    checked = [p for p in info.permissions if p.checks_state]
    if role is not None:
        picked = [p for p in info.permissions if p.on == role]
        if not picked or not picked[0].checks_state:
            return None
        checked = picked
    if not checked:
        return None
    found = action(checked[0].action)
    return found.state_outcome(key_state) if found else None


def can_rotate(key_spec: str, origin: str, on_demand: bool = False) -> bool:
    """Can a key of this spec and origin rotate automatically (or, ``on_demand``, on request)?"""
    spec = catalog().key_specs.get(key_spec)
    if spec is None:
        return False
    origins = spec.on_demand_rotation_origins if on_demand else spec.automatic_rotation_origins
    return origin in origins

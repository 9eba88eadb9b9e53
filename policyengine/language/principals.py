"""Callers and the ``Principal`` / ``NotPrincipal`` element.

A :class:`Caller` is who makes a request. A compiled principal element says whether a statement
names the caller and *how* — the distinction KMS depends on: naming the account (``ACCT`` or
``arn:aws:iam::ACCT:root``) delegates to the account's IAM policies, naming the caller itself
(user, role for its sessions, session, federated user, service, or ``*``) allows it directly.

No partial wildcards exist in principals: ``arn:aws:iam::*:root`` or ``user/*`` are literal text
that names nobody (IAM User Guide, Principal element).
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from .ast import PrincipalElement

_ACCOUNT = re.compile(r"\d{12}")
_IAM = re.compile(r"arn:(aws[a-z-]*):iam::(\d{12}):(root|user/.+|role/.+)")
_STS = re.compile(r"arn:(aws[a-z-]*):sts::(\d{12}):(assumed-role/[^/]+/.+|federated-user/.+)")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes the request.

    ``kind``: ``user``, ``role-session``, ``federated-user``, ``root`` or ``service``.
    ``arn``: the ARN the request is made as (for a service principal, its name).
    ``role_arn``: for a role session, the role's ARN (with its path).
    """

    kind: str
    arn: str
    account: str | None = None
    role_arn: str | None = None
    partition: str = "aws"

    @property
    def root_arn(self) -> str | None:
        return f"arn:{self.partition}:iam::{self.account}:root" if self.account else None

    @property
    def is_service(self) -> bool:
        return self.kind == "service"

    @property
    def role_name(self) -> str | None:
        if self.kind != "role-session":
            return None
        return self.arn.split(":", 5)[5].split("/")[1]

    def identities(self) -> tuple[str, ...]:
        """Every identity the caller carries, from the account down (for NotPrincipal)."""
        if self.kind == "service":
            return (self.arn,)
        chain = [self.root_arn]
        if self.kind == "role-session":
            chain.append(self.role_arn or "")
        if self.kind != "root":
            chain.append(self.arn)
        return tuple(item for item in chain if item)


def caller_from_arn(arn: str, role_arn: str | None = None) -> Caller:
    """Read a caller from its ARN (or a service principal name such as ``logs.amazonaws.com``).

    A role ARN stands for a session of that role. Raises ValueError for anything else.
    """
    if not isinstance(arn, str) or not isinstance(role_arn, (str, type(None))):
        raise ValueError(f"{arn!r} is not a principal ARN or a service principal")
    return _caller(arn, role_arn)


@lru_cache(maxsize=4096)  # callers are immutable; policies name the same principals often
def _caller(arn: str, role_arn: str | None) -> Caller:
    found = _IAM.fullmatch(arn)
    if found:
        partition, account, rest = found.groups()
        if rest == "root":
            return Caller("root", arn, account, partition=partition)
        if rest.startswith("user/"):
            return Caller("user", arn, account, partition=partition)
        name = rest.rsplit("/", 1)[1]
        session = f"arn:{partition}:sts::{account}:assumed-role/{name}/session"
        return Caller("role-session", session, account, role_arn=arn, partition=partition)
    found = _STS.fullmatch(arn)
    if found:
        partition, account, rest = found.groups()
        if rest.startswith("federated-user/"):
            return Caller("federated-user", arn, account, partition=partition)
        name = rest.split("/")[1]
        role = role_arn or f"arn:{partition}:iam::{account}:role/{name}"
        return Caller("role-session", arn, account, role_arn=role, partition=partition)
    if re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?", arn):
        return Caller("service", arn)
    raise ValueError(f"{arn!r} is not a principal ARN or a service principal")


# -- the element ------------------------------------------------------------------------------

# How a statement names the caller, strongest first. "role" is the only direct form that the
# role's permissions boundary and session policies still cap (IAM evaluation logic, §3.3).
DIRECT_KINDS = ("session", "user", "federated-user", "service", "any", "role")
ACCOUNT = "account"
SELF = "self"  # a statement without a principal element (identity policies)


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    kind: str  # one of DIRECT_KINDS, ACCOUNT or SELF
    value: str  # the entry that matched, as written ("*" for a bare wildcard)
    account: str | None = None  # for ACCOUNT: the account named

    @property
    def direct(self) -> bool:
        return self.kind in DIRECT_KINDS


@dataclass(frozen=True, slots=True)
class CompiledPrincipal:
    negated: bool
    wildcard: bool
    accounts: dict  # account id -> entry as written
    users: dict  # ARN -> entry
    roles: dict  # role ARN -> entry
    sessions: dict
    federated: dict
    services: dict
    aws_wildcard: bool
    listed: frozenset  # every AWS identity named, normalised (for NotPrincipal)

    def match(self, caller: Caller) -> PrincipalMatch | None:
        if self.negated:
            # "*" excepts everyone; {"AWS": "*"} every AWS identity (not services)
            if self.wildcard or (self.aws_wildcard and not caller.is_service):
                return None
            if set(caller.identities()) <= self.listed:
                return None
            return PrincipalMatch("any", "NotPrincipal")
        if self.wildcard:
            return PrincipalMatch("any", "*")
        if caller.kind == "service":
            entry = self.services.get(caller.arn)
            return PrincipalMatch("service", entry) if entry else None
        kind = caller.kind
        entry = None
        if kind == "role-session":
            entry = self.sessions.get(caller.arn)
            if entry:
                return PrincipalMatch("session", entry)
        elif kind == "user":
            entry = self.users.get(caller.arn)
            if entry:
                return PrincipalMatch("user", entry)
        elif kind == "federated-user":
            entry = self.federated.get(caller.arn)
            if entry:
                return PrincipalMatch("federated-user", entry)
        if self.aws_wildcard:
            return PrincipalMatch("any", "*")
        if kind == "role-session":
            entry = self.roles.get(caller.role_arn)
            if entry:
                return PrincipalMatch("role", entry)
        entry = self.accounts.get(caller.account)
        if entry:
            return PrincipalMatch(ACCOUNT, entry, caller.account)
        return None


def compile_principal(element: PrincipalElement) -> CompiledPrincipal:
    buckets = {"accounts": {}, "users": {}, "roles": {}, "sessions": {}, "federated": {}}
    services = {}
    aws_wildcard = False
    listed = set()
    for kind, values in element.entries:
        for value in values:
            if kind == "Service":
                services[value] = value
                listed.add(value)
            if kind != "AWS":
                continue  # Federated and CanonicalUser never name a KMS caller
            if value == "*":
                aws_wildcard = True
                continue
            found = _aws_principal(value)
            if found is None:
                continue  # unique IDs of deleted principals, partial wildcards: nobody
            bucket, key, identity = found
            buckets[bucket][key] = value
            listed.add(identity)
    return CompiledPrincipal(element.negated, element.wildcard, buckets["accounts"],
                             buckets["users"], buckets["roles"], buckets["sessions"],
                             buckets["federated"], services, aws_wildcard, frozenset(listed))


@lru_cache(maxsize=4096)  # policies name the same principals often
def _aws_principal(value: str) -> tuple[str, str, str] | None:
    """(which kind of principal, its key there, the identity it names) for an ``AWS`` value."""
    if not value.startswith("arn:"):
        return ("accounts", value, f"arn:aws:iam::{value}:root") if _ACCOUNT.fullmatch(value) \
            else None
    found = _IAM.fullmatch(value) or _STS.fullmatch(value)
    if not found:
        return None
    _, account, rest = found.groups()
    if rest == "root":
        return "accounts", account, value
    if rest.startswith("user/"):
        return "users", value, value
    if rest.startswith("role/"):
        return "roles", value, value
    if rest.startswith("assumed-role/"):
        return "sessions", value, value
    return "federated", value, value

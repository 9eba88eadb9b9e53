"""moto's state as a policyengine :class:`~policyengine.kms.world.World`.

Read-only views of moto's backends — nothing here changes moto's state:

* KMS (``kms_backends``): every key of every account and Region moto holds, with its key policy
  as stored, state, spec, usage, origin, manager, multi-Region type, aliases, tags and grants.
* IAM (``iam_backends``): users (inline, attached managed and group policies, tags) and roles
  (inline and attached managed policies, permissions boundary, tags).
* STS (``sts_backends``): assumed-role sessions, found by their access key, with the session
  policy passed to AssumeRole.
* Organizations (``organizations_backends``): SCPs and RCPs attached to the root, the OUs and the
  accounts, when the policy type is enabled on the root.

A :class:`Snapshot` is built once per moto state (the enforcer rebuilds it after any call that may
change state) and hands out Worlds and callers from caches.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ..kms.world import Grant, Key, Organization, PolicyDoc, Principal, World, load_policy

GUARDRAIL_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")

# -- compiled policies, cached by (type, label, text) -------------------------------------------

_DOCS: dict[tuple[str, str, str], PolicyDoc] = {}
_DOCS_LOCK = threading.Lock()


def policy_doc(text: Any, policy_type: str, label: str) -> PolicyDoc:
    """A compiled policy (cached: moto hands out the same text on every rebuild)."""
    if not isinstance(text, str):
        text = json.dumps(text)
    index = (policy_type, label, text)
    found = _DOCS.get(index)
    if found is None:
        found = load_policy(text, policy_type, label)
        with _DOCS_LOCK:
            if len(_DOCS) > 8192:
                _DOCS.clear()
            _DOCS[index] = found
    return found


# -- who is calling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """The identity behind an access key."""

    arn: str
    account: str
    kind: str  # "user", "role-session" or "root"
    session_policy: Any = None  # the AssumeRole Policy parameter, parsed
    active: bool = True  # False: an IAM user access key that is Inactive
    known: bool = True  # False: credentials moto does not know (treated as the account root)


# -- grants created through the enforcer ----------------------------------------------------------


@dataclass
class GrantRecord:
    created: float
    issuing_account: str


# -- the snapshot ---------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """One moto state, read into policyengine objects."""

    keys: tuple[Key, ...]
    principals: tuple[Principal, ...]
    by_key_id: dict[str, list[Key]]  # key ID -> keys (replicas share the ID)
    labels: dict[str, str]  # policy label -> policy ARN (managed policies, SCPs, RCPs)
    org: "_OrgView | None"
    valid_until: float  # a pending grant becomes effective then (time.time())
    _worlds: dict = field(default_factory=dict)
    _callers: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def world(self, region: str, caller_account: str | None = None,
              key_account: str | None = None) -> World:
        """The World a call sent to ``region`` is decided in: the keys of that Region (a KMS
        call only ever reaches keys of the Region it is sent to; alias names and key IDs then
        resolve there), every principal.

        With an organization, SCPs follow the caller's account and RCPs the key's account (the
        engine holds one set of levels of each per World).
        """
        index = (region, caller_account, key_account) if self.org is not None else region
        found = self._worlds.get(index)
        if found is None:
            with self._lock:
                found = self._worlds.get(index)
                if found is None:
                    organization = (self.org.organization(caller_account, key_account)
                                    if self.org is not None else None)
                    keys = [key for key in self.keys if key.region == region]
                    found = World(keys, self.principals, organization)
                    self._worlds[index] = found
        return found

    def key_by_id(self, key_id: str, region: str, account: str) -> Key | None:
        """A key of ``region`` by its bare ID (as a ciphertext names it): the caller's account
        first."""
        candidates = self.by_key_id.get(key_id)
        if not candidates and len(key_id) == 36:  # moto cuts "mrk-" IDs to 36 characters
            candidates = [k for kid, keys in self.by_key_id.items() if kid.startswith(key_id)
                          for k in keys]
        in_region = [k for k in candidates or () if k.region == region]
        if not in_region:
            return None
        return next((k for k in in_region if k.account == account), in_region[0])

    def caller(self, access_key: str, account: str, partition: str = "aws") -> Caller:
        index = (access_key, account)
        found = self._callers.get(index)
        if found is None:
            found = self._callers[index] = resolve_caller(access_key, account, partition)
        return found


def build_snapshot(grants: dict[str, GrantRecord], grant_delay: float = 0.0) -> Snapshot:
    """Read moto's backends into a :class:`Snapshot`."""
    now = time.time()
    labels: dict[str, str] = {}
    keys, by_key_id, valid_until = _keys(grants, grant_delay, now)
    principals = _principals(labels)
    org = _organization(labels)
    return Snapshot(tuple(keys), tuple(principals), by_key_id, labels, org,
                    valid_until)


# -- keys and grants ------------------------------------------------------------------------------


def _keys(grants: dict[str, GrantRecord], grant_delay: float, now: float):
    from moto.kms.models import kms_backends

    keys: list[Key] = []
    by_key_id: dict[str, list[Key]] = {}
    valid_until = float("inf")
    for account, region, backend in list(kms_backends.iter_backends()):
        tags_of = backend.tagger
        for mkey in list(backend.keys.values()):
            engine_grants = []
            for grant in list(mkey.grants.values()):
                record = grants.get(grant.id)
                pending = False
                if record is not None and grant_delay > 0:
                    effective = record.created + grant_delay
                    if effective > now:
                        pending = True
                        valid_until = min(valid_until, effective)
                constraints = grant.constraints or {}
                engine_grants.append(Grant(
                    id=grant.id,
                    operations=frozenset(grant.operations or ()),
                    grantee=grant.grantee_principal,
                    name=grant.name,
                    retiring=grant.retiring_principal,
                    encryption_context_equals=constraints.get("EncryptionContextEquals"),
                    encryption_context_subset=constraints.get("EncryptionContextSubset"),
                    source_arn=constraints.get("SourceArn"),
                    issuing_account=record.issuing_account if record else None,
                    token=grant.token,
                    pending=pending,
                ))
            multi_region_type = None
            if mkey.multi_region:
                config = getattr(mkey, "multi_region_configuration", None) or {}
                primary = (config.get("PrimaryKey") or {}).get("Arn")
                multi_region_type = "PRIMARY" if primary in (None, mkey.arn) else "REPLICA"
            try:
                tags = {t["TagKey"]: t["TagValue"]
                        for t in tags_of.list_tags_for_resource(mkey.id).get("Tags", [])}
            except Exception:  # pragma: no cover - a tagger without the key
                tags = {}
            key = Key(
                mkey.arn,
                policy=policy_doc(mkey.policy, "key", f"key policy of {mkey.arn}"),
                aliases=tuple(mkey.aliases),
                tags=tags,
                spec=mkey.key_spec or "SYMMETRIC_DEFAULT",
                usage=mkey.key_usage or "ENCRYPT_DECRYPT",
                origin=mkey.origin or "AWS_KMS",
                state=mkey.key_state,
                manager=mkey.key_manager or "CUSTOMER",
                multi_region=bool(mkey.multi_region),
                multi_region_type=multi_region_type,
                grants=tuple(engine_grants),
                description=mkey.description or "",
            )
            keys.append(key)
            by_key_id.setdefault(mkey.id, []).append(key)
    return keys, by_key_id, valid_until


# -- IAM ------------------------------------------------------------------------------------------


def _document(policy) -> str | None:
    """The default version's document of a moto managed policy."""
    for version in getattr(policy, "versions", ()):
        if version.is_default:
            return version.document
    return None


def _managed(policy, owner: str, labels: dict[str, str]) -> PolicyDoc | None:
    text = _document(policy)
    if text is None:
        return None
    label = f"managed policy {policy.arn} of {owner}"
    labels[label] = policy.arn
    return policy_doc(text, "identity", label)


def _principals(labels: dict[str, str]) -> list[Principal]:
    from moto.iam.models import iam_backends

    principals: list[Principal] = []
    for _account, _partition, iam in list(iam_backends.iter_backends()):
        for user in list(iam.users.values()):
            docs = [policy_doc(text, "identity", f"inline policy {name} of {user.arn}")
                    for name, text in list(user.policies.items())]
            docs += [d for d in (_managed(p, user.arn, labels)
                                 for p in list(user.managed_policies.values())) if d]
            for group in list(iam.groups.values()):
                if user not in group.users:
                    continue
                docs += [policy_doc(text, "identity",
                                    f"inline policy {name} of group {group.arn}")
                         for name, text in list(group.policies.items())]
                docs += [d for d in (_managed(p, f"group {group.arn}", labels)
                                     for p in list(group.managed_policies.values())) if d]
            try:
                tags = {t["Key"]: t["Value"]
                        for t in iam.tagger.list_tags_for_resource(user.arn).get("Tags", [])}
            except Exception:  # pragma: no cover
                tags = {}
            boundary = _boundary(iam, getattr(user, "permissions_boundary_arn", None),
                                 user.arn, labels)
            principals.append(Principal(user.arn, policies=tuple(docs), boundary=boundary,
                                        tags=tags, id=user.id))
        for role in list(iam.roles.values()):
            docs = [policy_doc(text, "identity", f"inline policy {name} of {role.arn}")
                    for name, text in list(role.policies.items())]
            docs += [d for d in (_managed(p, role.arn, labels)
                                 for p in list(role.managed_policies.values())) if d]
            tags = {t["Key"]: t["Value"] for t in (role.tags or [])}
            boundary = _boundary(iam, role.permissions_boundary_arn, role.arn, labels)
            principals.append(Principal(role.arn, policies=tuple(docs), boundary=boundary,
                                        tags=tags, id=role.id,
                                        service_linked=bool(getattr(role, "_linked_service",
                                                                    None))))
    return principals


def _boundary(iam, arn: str | None, owner: str, labels: dict[str, str]) -> PolicyDoc | None:
    if not arn:
        return None
    policy = iam.managed_policies.get(arn)
    text = _document(policy) if policy is not None else None
    label = f"permissions boundary {arn} of {owner}"
    labels[label] = arn
    if text is None:
        # A boundary that names no policy moto knows allows nothing (AWS refuses to set it).
        text = json.dumps({"Version": "2012-10-17", "Statement": []})
    return policy_doc(text, "boundary", label)


def resolve_caller(access_key: str, account: str, partition: str = "aws") -> Caller:
    """Who holds ``access_key``: an IAM user, an assumed-role session, or (for credentials moto
    does not know, such as its default test credentials) the root user of ``account``."""
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for acct, _part, iam in list(iam_backends.iter_backends()):
        key = iam.access_keys.get(access_key)
        if key is None:
            continue
        if key.user_name:
            user = iam.users.get(key.user_name)
            arn = user.arn if user is not None else (
                f"arn:{partition}:iam::{acct}:user/{key.user_name}")
            return Caller(arn, acct, "user", active=key.status == "Active")
        for _a, _p, sts in list(sts_backends.iter_backends()):
            for session in list(sts.assumed_roles):
                if session.access_key_id == access_key:
                    policy = None
                    if session.policy:
                        try:
                            policy = json.loads(session.policy)
                        except (TypeError, ValueError):
                            policy = session.policy
                    return Caller(session.arn, session.account_id, "role-session",
                                  session_policy=policy)
    return Caller(f"arn:{partition}:iam::{account}:root", account, "root", known=False)


# -- Organizations --------------------------------------------------------------------------------


@dataclass
class _OrgView:
    id: str
    management: str
    accounts: frozenset[str]
    scp_levels: dict[str, tuple]  # account -> levels of PolicyDoc (root first)
    rcp_levels: dict[str, tuple]

    def organization(self, caller_account: str | None, key_account: str | None) -> Organization:
        return Organization(id=self.id, management_account=self.management,
                            accounts=self.accounts,
                            scps=self.scp_levels.get(caller_account or "", ()),
                            rcps=self.rcp_levels.get(key_account or "", ()))


def _organization(labels: dict[str, str]) -> _OrgView | None:
    try:
        from moto.organizations.models import organizations_backends
    except ImportError:  # pragma: no cover - moto without organizations
        return None
    for _account, _partition, backend in list(organizations_backends.iter_backends()):
        org = getattr(backend, "org", None)
        if org is None:
            continue
        root = next((ou for ou in backend.ou if ou.id == org.root_id), None)
        enabled = {t.get("Type") for t in (getattr(root, "policy_types", None) or [])
                   if t.get("Status", "ENABLED") == "ENABLED"}
        if not enabled & set(GUARDRAIL_TYPES):
            return None
        units = {ou.id: ou for ou in backend.ou}
        accounts = {a.id: a for a in backend.accounts}
        scps: dict[str, tuple] = {}
        rcps: dict[str, tuple] = {}
        for account_id, account in accounts.items():
            chain = [account]
            parent = account.parent_id
            while parent in units:
                chain.append(units[parent])
                parent = units[parent].parent_id
            chain.reverse()  # root first
            if "SERVICE_CONTROL_POLICY" in enabled:
                scps[account_id] = _levels(chain, "SERVICE_CONTROL_POLICY", "scp", labels)
            if "RESOURCE_CONTROL_POLICY" in enabled:
                rcps[account_id] = _levels(chain, "RESOURCE_CONTROL_POLICY", "rcp", labels)
        return _OrgView(org.id, org.master_account_id, frozenset(accounts), scps, rcps)
    return None


def _levels(chain: list, kind: str, policy_type: str, labels: dict[str, str]) -> tuple:
    """Each level's attached policies of ``kind``. A level with none attached is left out:
    AWS always keeps one (FullAWSAccess / RCPFullAWSAccess), moto does not attach it to the
    accounts and OUs it creates."""
    levels = []
    for node in chain:
        docs = []
        for policy in node.attached_policies:
            if policy.type != kind:
                continue
            name = "SCP" if policy_type == "scp" else "RCP"
            label = f"{name} {policy.name} ({policy.arn})"
            labels[label] = policy.arn
            docs.append(policy_doc(policy.content, policy_type, label))
        if docs:
            levels.append(tuple(docs))
    return tuple(levels)

"""Request-context derivation: the condition keys a KMS request carries.

Exactly the derivation the scenario format lists: from the caller, the environment, the key
(for actions on a key), and the request's parameters. A key given explicitly in the request's
``context`` overrides the derived value; a key neither given nor derived is absent.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from ..language.principals import Caller
from .world import Key, Principal, Request, World

# Request parameters whose condition key is present with the documented default when the
# parameter is not sent (ambiguity 4), keyed by (action, parameter).
_DEFAULTS = {
    "kms:CreateKey": {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
                      "Origin": "AWS_KMS", "MultiRegion": False},
    "kms:ScheduleKeyDeletion": {"PendingWindowInDays": 30},
    "kms:EnableKeyRotation": {"RotationPeriodInDays": 365},
    "kms:Sign": {"MessageType": "RAW"},
    "kms:Verify": {"MessageType": "RAW"},
}

# Request parameter -> condition key (for the actions that support the key).
_PARAMETER_KEYS = {
    "BypassPolicyLockoutSafetyCheck": "kms:BypassPolicyLockoutSafetyCheck",
    "PendingWindowInDays": "kms:ScheduleKeyDeletionPendingWindowInDays",
    "RotationPeriodInDays": "kms:RotationPeriodInDays",
    "SigningAlgorithm": "kms:SigningAlgorithm",
    "MessageType": "kms:MessageType",
    "MacAlgorithm": "kms:MacAlgorithm",
    "KeyPairSpec": "kms:DataKeyPairSpec",
    "KeyAgreementAlgorithm": "kms:KeyAgreementAlgorithm",
    "ValidTo": "kms:ValidTo",
    "ExpirationModel": "kms:ExpirationModel",
    "WrappingAlgorithm": "kms:WrappingAlgorithm",
    "WrappingKeySpec": "kms:WrappingKeySpec",
    "ReplicaRegion": "kms:ReplicaRegion",
    "PrimaryRegion": "kms:PrimaryRegion",
    "GranteePrincipal": "kms:GranteePrincipal",
    "GranteeServicePrincipal": "kms:GranteeServicePrincipal",
    "RetiringPrincipal": "kms:RetiringPrincipal",
    "RetiringServicePrincipal": "kms:RetiringServicePrincipal",
}
_CREATE_KEY_KEYS = {"KeySpec": "kms:KeySpec", "KeyUsage": "kms:KeyUsage",
                    "Origin": "kms:KeyOrigin", "MultiRegion": "kms:MultiRegion"}
_ALGORITHM_ACTIONS = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
                      "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"}
_GRANT_AWS_RESOURCE_ACTIONS = {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}
_TAG_ACTIONS = {"kms:CreateKey", "kms:TagResource"}

PRINCIPAL_TYPES = {"user": "User", "role-session": "AssumedRole",
                   "federated-user": "FederatedUser", "root": "Account"}


def now_of(world: World) -> datetime:
    if world.now:
        text = world.now.replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def stable_id(prefix: str, text: str) -> str:
    """A made-up, stable unique ID (AIDA.../AROA...) for principals that do not give one."""
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:17].upper()


def caller_keys(world: World, caller: Caller, record: Principal | None) -> dict[str, Any]:
    """Keys describing the caller (the same for every request it makes in this world)."""
    keys: dict[str, Any] = {}
    org = world.organization
    if caller.is_service:
        keys["aws:principalisawsservice"] = True
        keys["aws:principalservicename"] = caller.arn
    else:
        keys["aws:principalisawsservice"] = False
        keys["aws:principalarn"] = caller.role_arn if caller.kind == "role-session" else (
            caller.arn)
        keys["aws:principalaccount"] = caller.account
        keys["kms:calleraccount"] = caller.account
        keys["aws:principaltype"] = PRINCIPAL_TYPES[caller.kind]
        if caller.kind == "user":
            keys["aws:username"] = caller.arn.rsplit("/", 1)[-1]
        keys["aws:userid"] = _userid(caller, record)
        for tag, value in (record.tags if record else {}).items():
            keys[f"aws:principaltag/{tag.lower()}"] = value
        if org is not None and org.member(caller.account) and org.id:
            keys["aws:principalorgid"] = org.id
    keys["aws:securetransport"] = True
    keys["aws:viaawsservice"] = False
    return keys


def temporary_credentials(caller: Caller, request: Request) -> bool:
    """Role sessions and federated users always hold temporary credentials."""
    if caller.is_service:
        return False
    if caller.kind in ("role-session", "federated-user"):
        return True
    return request.credentials == "temporary"


def time_keys(moment: datetime, temporary: bool) -> dict[str, Any]:
    """``aws:CurrentTime`` / ``aws:EpochTime``; temporary credentials add
    ``aws:MultiFactorAuthPresent`` (false) and ``aws:TokenIssueTime`` (now)."""
    now = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    keys: dict[str, Any] = {"aws:currenttime": now, "aws:epochtime": int(moment.timestamp())}
    if temporary:
        keys["aws:multifactorauthpresent"] = False
        keys["aws:tokenissuetime"] = now
    return keys


def _userid(caller: Caller, record: Principal | None) -> str:
    if caller.kind == "root":
        return caller.account or ""
    if caller.kind == "user":
        return (record.id if record and record.id else stable_id("AIDA", caller.arn))
    if caller.kind == "role-session":
        role_id = record.id if record and record.id else stable_id("AROA", caller.role_arn or "")
        return f"{role_id}:{caller.arn.rsplit('/', 1)[-1]}"
    return f"{caller.account}:{caller.arn.rsplit('/', 1)[-1]}"  # federated user


def key_keys(world: World, key: Key) -> dict[str, Any]:
    """Key-property keys, present for actions on a key (§4.3)."""
    keys: dict[str, Any] = {
        "kms:keyspec": key.spec, "kms:customermasterkeyspec": key.spec,
        "kms:keyusage": key.usage, "kms:customermasterkeyusage": key.usage,
        "kms:keyorigin": key.origin, "kms:multiregion": key.multi_region,
        "aws:resourceaccount": key.account,
    }
    if key.multi_region_type:
        keys["kms:multiregionkeytype"] = key.multi_region_type
    if key.aliases:
        keys["kms:resourcealiases"] = list(key.aliases)
    for tag, value in key.tags.items():
        keys[f"aws:resourcetag/{tag.lower()}"] = value
    org = world.organization
    if org is not None and org.member(key.account) and org.id:
        keys["aws:resourceorgid"] = org.id
    keys["aws:requestedregion"] = key.region
    return keys


def request_keys(action: str, request: Request, *, alias: str | None,
                 encryption_context: dict | None, takes_context: bool,
                 same_key: bool | None = None) -> dict[str, Any]:
    """Keys from the request's own parameters, for the permission ``action``."""
    keys: dict[str, Any] = {}
    params = request.params or {}
    if takes_context and encryption_context:
        for name, value in encryption_context.items():
            keys[f"kms:encryptioncontext:{name.lower()}"] = value
        keys["kms:encryptioncontextkeys"] = list(encryption_context)
    if alias:
        keys["kms:requestalias"] = alias
    if action in _ALGORITHM_ACTIONS:
        keys["kms:encryptionalgorithm"] = params.get("EncryptionAlgorithm", "SYMMETRIC_DEFAULT")
    if same_key is not None:
        keys["kms:reencryptonsamekey"] = same_key
    if params:
        supported = _supported_keys(action)
        for parameter, value in params.items():
            condition_key = _PARAMETER_KEYS.get(parameter)
            if condition_key is not None and value is not None and condition_key in supported:
                keys[condition_key.lower()] = value
    for parameter, value in _DEFAULTS.get(action, {}).items():
        if parameter not in params and parameter in _PARAMETER_KEYS:
            keys[_PARAMETER_KEYS[parameter].lower()] = value
    if action == "kms:CreateKey":
        for parameter, condition_key in _CREATE_KEY_KEYS.items():
            keys[condition_key.lower()] = params.get(parameter, _DEFAULTS[action][parameter])
        keys["kms:customermasterkeyspec"] = keys["kms:keyspec"]
        keys["kms:customermasterkeyusage"] = keys["kms:keyusage"]
        if params.get("MultiRegion"):
            keys["kms:multiregionkeytype"] = "PRIMARY"
    if action in _GRANT_AWS_RESOURCE_ACTIONS:
        keys["kms:grantisforawsresource"] = "kms:viaservice" in {
            name.lower() for name in request.context}
    if not params:
        return keys
    if action == "kms:CreateGrant":
        keys.update(_grant_keys(params))
    tags = params.get("Tags")
    if action in _TAG_ACTIONS and tags:
        pairs = _tag_pairs(tags)
        keys["aws:tagkeys"] = [name for name, _ in pairs]
        for name, value in pairs:
            keys[f"aws:requesttag/{name.lower()}"] = value
    if action == "kms:UntagResource" and params.get("TagKeys"):
        keys["aws:tagkeys"] = list(params["TagKeys"])
    return keys


@lru_cache(maxsize=256)
def _supported_keys(action: str) -> frozenset[str]:
    """The request condition keys the catalogue lists for ``action``."""
    from . import catalog

    info = catalog.action(action)
    return frozenset(info.condition_keys) if info is not None else frozenset()


def _grant_keys(params: dict) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    if params.get("Operations") is not None:
        keys["kms:grantoperations"] = list(params["Operations"])
    constraints = params.get("Constraints") or {}
    for kind in ("EncryptionContextEquals", "EncryptionContextSubset"):
        if kind in constraints:
            keys["kms:grantconstrainttype"] = kind
            pairs = constraints[kind] or {}
            for name, value in pairs.items():
                keys[f"kms:encryptioncontext:{name.lower()}"] = value
            keys["kms:encryptioncontextkeys"] = list(pairs)
    if constraints.get("SourceArn"):
        keys["kms:grantconstraintsourcearn"] = constraints["SourceArn"]
    return keys


def _tag_pairs(tags: Any) -> list[tuple[str, str]]:
    if isinstance(tags, dict):
        return [(str(k), str(v)) for k, v in tags.items()]
    return [(str(t.get("TagKey")), str(t.get("TagValue", ""))) for t in tags]

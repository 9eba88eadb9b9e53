"""KMS API operations: the authorisations each call needs, and its own rules.

The permissions an operation needs, and on which resource, come from the catalogue
(``operations`` in ``data/catalog.json``). After authorisation an operation can still fail on
its own rules, in the order AWS reports them (authorisation first; ambiguity 15): key state
(§10), key usage, and parameter checks (plaintext size, ciphertext context, grant limits,
rotation support). Policies a call would store (``PutKeyPolicy``, ``CreateKey``) are validated
and put through the lockout safety check (§5.2) whatever the request's form.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..decision import Decision
from . import catalog
from .authorizer import Part, Who
from .world import ALIAS_ARN, KEY_ARN, Key, Request, World, load_policy

ENCRYPT_LIMIT = 4096  # bytes of plaintext Encrypt takes
CONSTRAINT_PAIRS = 8  # encryption-context pairs per grant constraint
CONSTRAINT_VALUE = 384  # characters per constraint value
ROTATION_OPERATIONS = {"EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand"}


# -- which authorisations ------------------------------------------------------------------------


def _find(world: World, who: Who, request: Request,
          name: str | None) -> tuple[Key | None, str | None, str | None]:
    """(key, alias used, why missing) for a key named in a request."""
    if not name:
        return None, None, "the request names no key"
    region = requested_region(request)
    index = ("find", who.caller.account, name, region) if isinstance(name, str) else None
    found = world.cache.get(index) if index else None
    if found is None:
        key, alias = world.resolve_key(str(name), who.caller.account, region)
        if key is None:
            where = "" if str(name).startswith("arn:") else (
                f" in account {who.caller.account}" + (f", Region {region}" if region else ""))
            found = (None, alias, f"there is no KMS key {name}{where}")
        else:
            found = (key, alias, None)
        if index:
            world.cache[index] = found
    return found


def requested_region(request: Request) -> str | None:
    """The Region the call is sent to, when the request says (``aws:RequestedRegion``): key IDs
    and alias names are looked up there."""
    for name, value in (request.context or {}).items():
        if len(name) == 19 and name.lower() == "aws:requestedregion" and isinstance(value, str):
            return value
    return None


def _ciphertext(request: Request) -> dict:
    blob = (request.params or {}).get("CiphertextBlob")
    return blob if isinstance(blob, dict) else {}


def context_for(request: Request, action: str) -> dict | None:
    """The encryption context ``action`` is asked with."""
    params = request.params or {}
    if action == "kms:ReEncryptFrom":
        return params.get("SourceEncryptionContext", request.encryption_context)
    if action == "kms:ReEncryptTo":
        return params.get("DestinationEncryptionContext", request.encryption_context)
    return request.encryption_context if request.encryption_context is not None else (
        params.get("EncryptionContext"))


def _key_part(world: World, who: Who, request: Request, action: str, name: str | None) -> Part:
    key, alias, missing = _find(world, who, request, name)
    if key is None:
        return Part(action, None, str(name or "*"), alias, missing=missing)
    return Part(action, key, key.arn, alias, context_for(request, action))


def action_parts(world: World, who: Who, request: Request, action: str) -> list[Part]:
    """The single authorisation of an ``action:`` request."""
    info = catalog.action(action)
    params = request.params or {}
    if info is None or info.policy == "iam":
        return [Part(action, None, request.resource or "*")]
    name = request.key or _ciphertext(request).get("key")
    if name is None and request.resource and request.resource != "*":
        name = request.resource
    if name is None:
        return [Part(action, None, request.resource or "*")]
    if not request.key and info.resource != "key" and ALIAS_ARN.fullmatch(str(name)):
        return [Part(action, None, str(name))]  # an alias permission on the alias itself
    part = _key_part(world, who, request, action, name)
    if part.key is not None and action in ("kms:ReEncryptFrom", "kms:ReEncryptTo"):
        destination = params.get("DestinationKeyId")
        if destination:
            other, _, _ = _find(world, who, request, destination)
            part.same_key = other is part.key
    if request.resource and part.key is not None:
        part.resource = request.resource
    return [part]


def operation_parts(world: World, who: Who, request: Request) -> list[Part]:
    """Every authorisation an ``operation:`` request needs."""
    info = catalog.operation(request.operation)
    if info is None:
        from ..errors import PolicyEngineError

        raise PolicyEngineError(f"unknown KMS operation {request.operation!r}",
                                json_path="operation")
    params = request.params or {}
    parts = []
    for permission in info.permissions:
        action, role = permission.action, permission.on
        if role == "tags" and not params.get("Tags"):
            continue
        part = _resolve_role(world, who, request, action, role)
        part.role = role
        parts.append(part)
    if request.operation == "ReEncrypt" and len(parts) == 2 and all(p.key for p in parts):
        same = parts[0].key is parts[1].key
        for part in parts:
            part.same_key = same
    return parts


def _resolve_role(world: World, who: Who, request: Request, action: str, role: str) -> Part:
    params = request.params or {}
    if role in ("*", "tags", "replica_region"):
        return Part(action, None, "*")
    if role in ("key", "source_key"):
        name = request.key or params.get("KeyId") or params.get("SourceKeyId") or (
            _ciphertext(request).get("key")) or _key_of_token(world, params.get("GrantToken"))
        return _key_part(world, who, request, action, name)
    if role in ("destination_key", "target_key", "new_key"):
        name = params.get("DestinationKeyId") or params.get("TargetKeyId")
        return _key_part(world, who, request, action, name)
    if role == "alias":
        return Part(action, None, _alias_arn(world, who, request))
    if role == "current_key":
        alias_arn = _alias_arn(world, who, request)
        found = ALIAS_ARN.fullmatch(alias_arn)
        key = world.alias_target(found.group(4), found.group(3), found.group(2)) if found else None
        if key is None:
            return Part(action, None, alias_arn, missing=f"no alias {alias_arn} exists")
        return Part(action, key, key.arn)
    if role == "replica_key":
        primary, _, missing = _find(world, who, request, request.key or params.get("KeyId"))
        region = params.get("PrimaryRegion")
        replica = None
        if primary is not None and region:
            replica = world.key(f"arn:{primary.partition}:kms:{region}:{primary.account}:key/"
                                f"{primary.key_id}")
        if replica is None:
            return Part(action, None, str(region), missing=missing or
                        f"no replica of the key in Region {region}")
        return Part(action, replica, replica.arn)
    raise ValueError(f"the catalogue names an unknown resource role {role!r}")


def _key_of_token(world: World, token: Any) -> str | None:
    """RetireGrant may name its grant by the grant token alone: the token identifies the key."""
    if isinstance(token, str):
        for key in world.keys:
            if any(grant.token == token for grant in key.grants):
                return key.arn
    return None


def _alias_arn(world: World, who: Who, request: Request) -> str:
    params = request.params or {}
    name = str(params.get("AliasName") or request.key or "")
    if ALIAS_ARN.fullmatch(name):
        return name
    target, _, _ = _find(world, who, request, params.get("TargetKeyId")) if params.get(
        "TargetKeyId") else (None, None, None)
    region = target.region if target else requested_region(request) or next(
        (k.region for k in world.keys if k.account == who.caller.account), "us-east-1")
    return f"arn:aws:kms:{region}:{who.caller.account}:{name}"


# -- what makes a request invalid ----------------------------------------------------------------


def check_parameters(world: World, who: Who, request: Request, decision: Decision) -> None:
    """What AWS rejects before authorising: parameters outside the API's constraints, and a
    policy the call would store that is malformed or fails the lockout safety check."""
    params = request.params
    if not params:
        return
    action = request.operation or (request.action or "").split(":")[-1]
    for problem in _constraint_violations(action, params):
        decision.invalid.append(problem)
        decision.error = decision.error or "ValidationException"
    if action not in ("PutKeyPolicy", "CreateKey") or params.get("Policy") is None:
        return
    doc = load_policy(params["Policy"], "key", "new key policy")
    for violation in doc.violations:
        decision.invalid.append(f"new key policy at {violation.json_path or 'the top'}: "
                                f"{violation.message}")
        decision.error = decision.error or violation.aws_error
    if doc.violations or _bool(params.get("BypassPolicyLockoutSafetyCheck")):
        return
    if not _passes_lockout_check(world, who, request, doc):
        decision.invalid.append(
            "the lockout safety check fails: the new key policy would not allow the caller to "
            "call PutKeyPolicy on the key again (set BypassPolicyLockoutSafetyCheck to skip it)")
        decision.error = decision.error or "MalformedPolicyDocumentException"
        decision.assumptions.append("22: the lockout safety check fails with "
                                    "MalformedPolicyDocumentException")


def _constraint_violations(action: str, params: dict) -> list[str]:
    """Parameters outside the length and range constraints of the KMS API model."""
    problems = []
    plaintext = params.get("Plaintext")
    if action == "Encrypt" and isinstance(plaintext, dict):
        size = plaintext.get("size")
        if isinstance(size, int) and not 1 <= size <= ENCRYPT_LIMIT:
            problems.append(f"Plaintext must be 1 to {ENCRYPT_LIMIT} bytes, not {size}")
    period = params.get("RotationPeriodInDays")
    if action == "EnableKeyRotation" and isinstance(period, int) and not 90 <= period <= 2560:
        problems.append(f"RotationPeriodInDays must be from 90 to 2560, not {period}")
    return problems


def _passes_lockout_check(world: World, who: Who, request: Request, doc) -> bool:
    from .requests import authorize

    caller = who.caller
    key = None
    if request.key:
        key, _, _ = _find(world, who, request, request.key)
    if key is None:  # CreateKey: the key to be, in the caller's account
        region = next((k.region for k in world.keys if k.account == caller.account),
                      "us-east-1")
        key = Key(f"arn:aws:kms:{region}:{caller.account}:key/00000000-new-key-policy-check",
                  policy=doc)
        keys = world.keys + (key,)
    else:
        keys = tuple(dataclasses.replace(k, policy=doc) if k is key else k for k in world.keys)
    future = World(keys, world.principals, world.organization, world.now)
    again = Request(request.principal, action="kms:PutKeyPolicy", key=key.arn,
                    context=request.context, credentials=request.credentials,
                    session_policy=request.session_policy,
                    vpc_endpoint_policy=request.vpc_endpoint_policy)
    return authorize(future, again).allowed


def _bool(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


# -- the operation's own rules, after authorisation ----------------------------------------------


def operation_rules(world: World, who: Who, request: Request, parts: list[Part],
                    decision: Decision) -> None:
    """Set ``decision.error`` to the first failure an authorised call still meets."""
    name = request.operation
    for check in (_key_state, _key_usage, _parameters):
        error = check(world, who, request, parts, name)
        if error:
            code, why = error
            decision.error = code
            decision.notes.append(why)
            return


def _key_state(world, who, request, parts, name):
    for part in parts:
        if part.key is None:
            continue
        outcome = catalog.state_outcome(name, part.key.state, role=part.role)
        if outcome:
            return outcome, f"{name} on a key in state {part.key.state} fails with {outcome}"
    return None


def _key_usage(world, who, request, parts, name):
    """The key's usage and spec must fit the operation: a cryptographic operation fails with
    InvalidKeyUsageException, any other with UnsupportedOperationException."""
    info = catalog.operation(name)
    usages, specs = info.key_usages, info.key_specs
    for part in parts:
        key = part.key
        if key is None:
            continue
        if usages and key.usage not in usages:
            return ("InvalidKeyUsageException",
                    f"{name} needs a key with usage {' or '.join(usages)}; "
                    f"{key.arn} has {key.usage}")
        if specs and key.spec not in specs:
            error = "InvalidKeyUsageException" if usages else "UnsupportedOperationException"
            return (error, f"{name} does not work with a {key.spec} key")
        if name in ROTATION_OPERATIONS and key.multi_region_type == "REPLICA":
            return ("UnsupportedOperationException",
                    "rotation of related multi-Region keys is set on the primary key")
    return None


def _parameters(world, who, request, parts, name):
    params = request.params or {}
    key = parts[0].key if parts else None
    if name in ("Decrypt", "ReEncrypt"):
        blob = _ciphertext(request)
        if blob:
            made_under = blob.get("key")
            if key is not None and made_under and not _same_material(made_under, key):
                return ("IncorrectKeyException",
                        f"the ciphertext was made under {made_under}, not {key.arn}")
            given = context_for(request, "kms:ReEncryptFrom" if name == "ReEncrypt"
                                 else "kms:Decrypt") or {}
            if dict(given) != dict(blob.get("encryption_context") or {}):
                return ("InvalidCiphertextException",
                        "the encryption context differs from the one the ciphertext was "
                        "made with")
    if name == "CreateGrant" and key is not None:
        return _create_grant(params, key)
    if name in ("EnableKeyRotation", "RotateKeyOnDemand") and key is not None:
        if not catalog.can_rotate(key.spec, key.origin, on_demand=name == "RotateKeyOnDemand"):
            return ("UnsupportedOperationException",
                    f"automatic rotation is not supported for {key.spec} keys with origin "
                    f"{key.origin}")
    origins = catalog.operation(name).key_origins
    if origins and key is not None and key.origin not in origins:
        return ("UnsupportedOperationException",
                f"{name} needs a key with origin {' or '.join(origins)}, not {key.origin}")
    if name == "ScheduleKeyDeletion":
        window = params.get("PendingWindowInDays")
        if window is not None and not 7 <= int(window) <= 30:
            return ("ValidationException", "PendingWindowInDays must be from 7 to 30")
    return None


def _same_material(made_under: str, key: Key) -> bool:
    """The ciphertext's key, or a related multi-Region key (same key ID and account in another
    Region: related multi-Region keys share their key material)."""
    if made_under == key.arn:
        return True
    found = KEY_ARN.fullmatch(made_under)
    return bool(found and key.multi_region and found.group(4) == key.key_id
                and found.group(3) == key.account)


def _create_grant(params: dict, key: Key):
    operations = set(params.get("Operations") or ())
    valid = catalog.valid_grant_operations(key.spec, key.usage)
    invalid = sorted(operations - valid)
    if invalid:
        return ("ValidationException",
                f"grant operations {invalid} are not valid for a {key.spec} "
                f"{key.usage} key")
    constraints = params.get("Constraints") or {}
    for kind in ("EncryptionContextEquals", "EncryptionContextSubset"):
        pairs = constraints.get(kind)
        if pairs is None:
            continue
        if key.spec != "SYMMETRIC_DEFAULT":
            return ("ValidationException", "encryption-context constraints are only valid for "
                                           "symmetric encryption keys")
        if len(pairs) > CONSTRAINT_PAIRS:
            return ("ValidationException",
                    f"{kind} holds {len(pairs)} pairs; at most {CONSTRAINT_PAIRS} are allowed")
        if any(len(str(v)) > CONSTRAINT_VALUE for v in pairs.values()):
            return ("ValidationException",
                    f"a {kind} value is longer than {CONSTRAINT_VALUE} characters")
    if params.get("GranteeServicePrincipal"):
        if not constraints.get("SourceArn"):
            return ("ValidationException", "a grant for a service principal needs a SourceArn "
                                           "constraint")
        if not (params.get("RetiringPrincipal") or params.get("RetiringServicePrincipal")):
            return ("ValidationException", "a grant for a service principal needs a retiring "
                                           "principal")
    return None

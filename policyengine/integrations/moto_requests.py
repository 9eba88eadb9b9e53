"""A KMS API call as moto receives it -> a policyengine :class:`Request`, and a decision -> the
error AWS would answer with.

moto's ciphertext blob starts with the key ID it was made under (``>36s12s16s``: key ID, IV, tag;
``moto.kms.utils``), so ``Decrypt`` and ``ReEncrypt`` without a key ID find their key there, as
AWS finds it in the ciphertext's metadata.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from ..decision import Decision, Effect
from ..kms import catalog
from ..kms.world import ALIAS_ARN, KEY_ARN, Key, Request, World

_KEY_NAMES = ("KeyId", "SourceKeyId", "DestinationKeyId", "TargetKeyId", "AliasName")
KEY_ID_LENGTH = 36  # bytes of the key ID at the start of a moto ciphertext blob
HEADER_LENGTH = KEY_ID_LENGTH + 12 + 16

# Binary parameters that play no part in a decision (left out so repeated calls share cached
# decisions); CiphertextBlob is replaced by the key it names.
_LEFT_OUT = {"Plaintext", "Message", "Signature", "Mac", "EncryptedKeyMaterial", "ImportToken",
             "PublicKey", "Recipient", "CiphertextBlob", "GrantTokens"}

# Calls that never change moto's state (everything else invalidates the cached World).
READ_PREFIXES = ("Get", "List", "Describe", "Verify", "Generate", "Encrypt", "Decrypt",
                 "ReEncrypt", "Sign", "DeriveSharedSecret", "Search", "Lookup", "Head",
                 "Check", "Simulate", "Query", "Scan", "Select", "Validate")


def is_read(action: str) -> bool:
    return action.startswith(READ_PREFIXES)


class CallError(Exception):
    """The error a call ends with: an AWS error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Mapped:
    """A KMS call as a policyengine request, and what the enforcer needs to know about it."""

    operation: str
    request: Request
    key: Key | None  # the (first) key the call names, found in moto's state
    from_ciphertext: bool  # the key was read from the ciphertext (no KeyId in the request)
    dry_run: bool


def decode_ciphertext(blob: Any) -> str | None:
    """The key ID a moto ciphertext blob was made under (None if it is not one)."""
    if not isinstance(blob, str):
        return None
    try:
        raw = base64.b64decode(blob, validate=False)
    except (binascii.Error, ValueError):
        return None
    if len(raw) < HEADER_LENGTH:
        return None
    try:
        key_id = raw[:KEY_ID_LENGTH].rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError:
        return None
    return key_id or None


def map_call(operation: str, body: dict, *, caller_arn: str, caller_account: str,
             session_policy: Any, region: str, world: World, snapshot,
             context: dict | None = None, partition: str = "aws") -> Mapped:
    """Build the policyengine request for one KMS API call."""
    params = {name: value for name, value in body.items() if name not in _LEFT_OUT}
    # A key ID or alias name means the key in the caller's account *and the Region the request
    # is sent to*; the engine's World spans Regions, so name them by ARN.
    for name in _KEY_NAMES:
        value = params.get(name)
        if isinstance(value, str) and value and not value.startswith("arn:"):
            if name == "AliasName" and not value.startswith("alias/"):
                continue  # not an alias name: moto refuses it (ValidationException)
            kind = "" if value.startswith("alias/") else "key/"
            params[name] = f"arn:{partition}:kms:{region}:{caller_account}:{kind}{value}"
    if "CustomerMasterKeySpec" in params and "KeySpec" not in params:
        params["KeySpec"] = params["CustomerMasterKeySpec"]
    from_ciphertext = False
    key: Key | None = None

    if operation in ("Decrypt", "ReEncrypt") and "CiphertextBlob" in body:
        key_id = decode_ciphertext(body.get("CiphertextBlob"))
        if key_id is None:
            raise CallError("InvalidCiphertextException",
                            "The ciphertext is invalid or was not made by this service.")
        made_under = snapshot.key_by_id(key_id, region, caller_account)
        if made_under is None:
            raise CallError("AccessDeniedException",
                            "The ciphertext refers to a customer master key that does not "
                            "exist, does not exist in this region, or you are not allowed to "
                            "access.")
        given = (body.get("SourceEncryptionContext") if operation == "ReEncrypt"
                 else body.get("EncryptionContext")) or {}
        # moto checks the encryption context cryptographically (InvalidCiphertextException);
        # the engine only needs the key the ciphertext names.
        params["CiphertextBlob"] = {"key": made_under.arn, "encryption_context": dict(given)}
        named = body.get("SourceKeyId" if operation == "ReEncrypt" else "KeyId")
        from_ciphertext = not named
        key = made_under if not named else None

    if key is None:
        for name in _names(operation, params):
            found, _alias = world.resolve_key(str(name), caller_account, region)
            if found is not None:
                key = found
                break

    tokens = tuple(body.get("GrantTokens") or ())

    request_context = {"aws:RequestedRegion": region}
    request_context.update(context or {})
    request = Request(
        caller_arn,
        operation=operation,
        encryption_context=body.get("EncryptionContext") if operation not in (
            "ReEncrypt", "CreateGrant") else None,
        grant_tokens=tokens,
        params=params,
        context=request_context,
        session_policy=session_policy,
    )
    dry_run = body.get("DryRun") is True or str(body.get("DryRun")).lower() == "true"
    return Mapped(operation, request, key, from_ciphertext, dry_run)


def _names(operation: str, params: dict) -> list:
    """How the call names its keys, the one it acts on first."""
    if operation in ("CreateAlias", "UpdateAlias"):
        order = ("TargetKeyId", "AliasName")
    elif operation == "DeleteAlias":
        order = ("AliasName",)
    elif operation == "ReEncrypt":
        order = ("SourceKeyId", "DestinationKeyId")
    else:
        order = ("KeyId",)
    return [params[name] for name in order if params.get(name)]


def named_aliases(body: dict, account: str, region: str) -> list[str]:
    """Alias names the call uses in ``account`` and ``region`` (moto creates the keys behind its
    reserved ``alias/aws/*`` names on first use)."""
    found = []
    for name in ("KeyId", "TargetKeyId", "DestinationKeyId", "SourceKeyId"):
        value = body.get(name)
        if not isinstance(value, str):
            continue
        if value.startswith("alias/"):
            found.append(value)
        else:
            match = ALIAS_ARN.fullmatch(value)
            if match and match.group(2) == region and match.group(3) == account:
                found.append(match.group(4))
    return found


# -- what a denied call answers ------------------------------------------------------------------

_EXPLICIT = {
    "key policy": "a resource-based policy",
    "identity policy": "an identity-based policy",
    "permissions boundary": "a permissions boundary",
    "session policy": "a session policy",
    "SCP": "a service control policy",
    "RCP": "a resource control policy",
    "VPC endpoint policy": "a VPC endpoint policy",
}
_IMPLICIT = {
    "SCP": "service control policy",
    "RCP": "resource control policy",
    "permissions boundary": "permissions boundary",
    "session policy": "session policy",
    "VPC endpoint policy": "VPC endpoint policy",
}


def deciding_part(decision: Decision) -> Decision:
    """The authorisation that failed: an explicit deny first, else the first that did not allow."""
    parts = decision.parts or [decision]
    return (next((p for p in parts if p.effect is Effect.EXPLICIT_DENY), None)
            or next((p for p in parts if not p.allowed), parts[0]))


def why_denied(part: Decision, labels: dict[str, str] | None = None) -> str:
    """The tail of AWS's message: ``because no ... policy allows ...`` or ``with an explicit deny
    in a ... policy`` (with the denying policy's ARN when it is a managed policy)."""
    action = part.action
    if part.effect is Effect.EXPLICIT_DENY:
        layer = part.blocked_by[0] if part.blocked_by else "key policy"
        text = f"with an explicit deny in {_EXPLICIT.get(layer, 'a resource-based policy')}"
        arn = _denying_arn(part, labels or {})
        return f"{text}: {arn}" if arn else text
    for layer in part.blocked_by:
        if layer in _IMPLICIT:
            return f"because no {_IMPLICIT[layer]} allows the {action} action"
    notes = " ".join(part.notes)
    if "no identity policy" in notes or "is an IAM permission" in notes:
        return f"because no identity-based policy allows the {action} action"
    return f"because no resource-based policy allows the {action} action"


def _denying_arn(part: Decision, labels: dict[str, str]) -> str | None:
    for ref in part.matched:
        if ref.effect == "Deny" and ref.policy in labels:
            return labels[ref.policy]
    return None


def denial(decision: Decision, caller_arn: str, mapped: Mapped,
           labels: dict[str, str] | None = None) -> CallError:
    """The AccessDeniedException AWS answers a denied call with."""
    part = deciding_part(decision)
    if mapped.from_ciphertext and part.action in ("kms:Decrypt", "kms:ReEncryptFrom"):
        where = "the resource associated with this ciphertext"
    else:
        where = f"resource: {part.resource or '*'}"
    return CallError("AccessDeniedException",
                     f"User: {caller_arn} is not authorized to perform: {part.action} on "
                     f"{where} {why_denied(part, labels)}")


# -- what an authorised call that still fails answers --------------------------------------------

_STATE_WORDS = {
    "Enabled": "enabled", "Disabled": "disabled", "PendingDeletion": "pending deletion",
    "PendingImport": "pending import", "PendingReplicaDeletion": "pending replica deletion",
    "Unavailable": "unavailable", "Creating": "being created", "Updating": "being updated",
}


def operation_error(decision: Decision, mapped: Mapped, world: World) -> CallError:
    """The error of an authorised call that fails on the operation's own rules."""
    code = decision.error or "ValidationException"
    note = decision.notes[-1] if decision.notes else code
    if code in ("DisabledException", "KMSInvalidStateException"):
        key = _key_in_state(decision, mapped, world)
        if key is not None:
            if mapped.operation == "CancelKeyDeletion":
                return CallError(code, f"{key.arn} is not pending deletion.")
            return CallError(code, f"{key.arn} is {_STATE_WORDS.get(key.state, key.state)}.")
    if code == "IncorrectKeyException":
        return CallError(code, "The key ID in the request does not identify a CMK that can "
                               "perform this operation.")
    return CallError(code, note)


def _key_in_state(decision: Decision, mapped: Mapped, world: World) -> Key | None:
    for part in decision.parts or [decision]:
        key = world.key(part.resource) if part.resource else None
        if key is not None and catalog.state_outcome(part.action, key.state):
            return key
    return mapped.key


def invalid_error(decision: Decision) -> CallError:
    """A call AWS rejects before deciding (a malformed policy, the lockout safety check)."""
    code = decision.error or "MalformedPolicyDocumentException"
    text = decision.invalid[0] if decision.invalid else code
    if "lockout safety check" in text:
        text = ("The new key policy will not allow you to update the key policy in the "
                "future.")
    return CallError(code, text)


def not_found(mapped: Mapped, decision: Decision, region: str, account: str) -> CallError:
    """NotFoundException, worded as moto and AWS word it."""
    part = next((p for p in decision.parts or [decision] if p.error == "NotFoundException"),
                deciding_part(decision))
    name = part.resource or "*"
    if name == "*" or not name:
        return CallError("ValidationException", "1 validation error detected: Value null at "
                         "'keyId' failed to satisfy constraint: Member must not be null")
    if ALIAS_ARN.fullmatch(name) or name.startswith("alias/"):
        arn = name if name.startswith("arn:") else f"arn:aws:kms:{region}:{account}:{name}"
        return CallError("NotFoundException", f"Alias {arn} is not found.")
    arn = name if KEY_ARN.fullmatch(name) or name.startswith("arn:") else (
        f"arn:aws:kms:{region}:{account}:key/{name}")
    return CallError("NotFoundException", f"Key '{arn}' does not exist")

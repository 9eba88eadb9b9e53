"""A key meant for Nitro Enclaves can be used outside an attested enclave.

## What it checks

A key is taken to be used by AWS Nitro Enclaves when its key policy has a condition on a
`kms:RecipientAttestation:*` key (`ImageSha384`, `PCR0`-`PCR31`), or, in a scenario, when the key
has a tag whose key or value mentions "enclave" or "nitro", or such a description. For such a
key, the engine evaluates each Allow statement that grants an operation an enclave calls with
its attestation document (`kms:Decrypt`, `kms:GenerateDataKey`, `kms:GenerateDataKeyPair`,
`kms:DeriveSharedSecret`) to a principal it names (services excepted), for three requests of
that principal (Deny statements included):

* `kms:Decrypt` or `kms:DeriveSharedSecret` without an attestation document (no `Recipient`
  parameter: the `kms:RecipientAttestation:*` keys are absent): allowed means existing
  ciphertext (or a shared secret) can be read outside any enclave. Data keys generated
  outside an enclave reveal nothing encrypted before, so they are not reported here (AWS's own
  advice for the account statement is `"NotAction": "kms:Decrypt"`);
* for statements with an attestation condition, from an enclave whose image and PCRs the
  policy does not name: allowed means the condition accepts any enclave (`StringLike` with
  `*`, negated or `...IfExists` operators);
* for the same statements, from an enclave in debug mode (its PCRs are all zeros): allowed
  means the condition accepts debug-mode enclaves, whose memory the parent instance can read.

`kms:GenerateRandom` is not checked: it is authorised by IAM policies only.

## Why it matters

The point of enclave attestation is that KMS returns the plaintext encrypted to the enclave's
public key, so only code whose measurement you approved can read it. A statement that allows
the same role to call `Decrypt` without attestation (the default key policy's `kms:*` for the
account, a key-user statement without the condition) hands that plaintext to the parent
instance, or to anyone who can assume the role. Debug-mode enclaves give the parent access to
enclave memory and console output, so their measurements must never be accepted.

## Example

```json
{"Sid": "EnclaveDecrypt", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/data-processing"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringLike": {"kms:RecipientAttestation:ImageSha384": "*"}}}
```

## Use instead

```json
{"Sid": "EnclaveDecrypt", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/data-processing"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384":
   "9fedcba8abcdef7abcdef6abcdef5abcdef4abcdef3abcdef2abcdef1abcdef1abcdef0abcdef1abcdef2abcdef3abcdef4abcdef5abcdef6abc"}}}
```

and give the account statement `"NotAction": "kms:Decrypt"` instead of `kms:*` (or deny
`kms:Decrypt` without attestation).

## References

- Condition keys for Nitro Enclaves: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclave.html
- AWS KMS condition keys for AWS Nitro Enclaves (restrict the account's kms:*): https://docs.aws.amazon.com/kms/latest/developerguide/conditions-nitro-enclaves.html
- Nitro Enclaves, cryptographic attestation (debug mode PCRs are zeros): https://docs.aws.amazon.com/enclaves/latest/user/set-up-attestation.html
"""

from __future__ import annotations

from ....kms import catalog
from ...analysis import (ABSENT, covered, entry_caller, insider_probe, iter_allow_statements,
                         owner_account, principal_entries, probe_resource, short_list,
                         statement_allows)
from ...knowledge import ATTESTATION_PREFIX, ENCLAVE_ACTIONS
from ...model import Hit

ID = "KP025"
_MARKERS = ("enclave", "nitro")
_IMAGE = "ab" * 48  # a SHA-384 digest no policy names
_DEBUG = "0" * 96  # the PCRs of an enclave in debug mode
#: Operations that reveal what was protected before (the plaintext of existing ciphertext, a
#: shared secret): the ones that must never be allowed without attestation.
_REVEALING = frozenset({"kms:Decrypt", "kms:DeriveSharedSecret"})
#: (what the request carries, what is wrong when it is allowed)
_REQUESTS = (
    (None, "without an attestation document, so the plaintext can be read outside any enclave: "
           "require kms:RecipientAttestation:ImageSha384 or leave the action out"),
    (_IMAGE, "from any enclave image: the attestation condition does not pin the image "
             "(use StringEqualsIgnoreCase with the image's PCR0 digest)"),
    (_DEBUG, "from debug-mode enclaves (all-zero PCRs), whose memory the parent instance can "
             "read: remove the zero measurement"),
)


def check(doc, ctx):
    compiled = doc.compiled
    if compiled is None:
        return
    keys = {c.key_lower for s in compiled.statements for c in s.clauses
            if c.key_lower.startswith(ATTESTATION_PREFIX)}
    if not keys and not _marked(getattr(doc, "key", None)):
        return
    keys.add(ATTESTATION_PREFIX + "imagesha384")
    owner = owner_account(doc, ctx.config)
    for statement in iter_allow_statements(doc):
        actions = covered(doc, statement, _supported(doc))
        if not actions:
            continue
        attested = any(c.key_lower.startswith(ATTESTATION_PREFIX) for c in statement.clauses)
        requests = _REQUESTS if attested else _REQUESTS[:1]
        resource = probe_resource(doc, statement, ctx.config)
        for entry in principal_entries(doc, statement.node):
            caller = entry_caller(entry, owner)
            if entry.negated or caller is None or caller.is_service:
                continue
            probe = insider_probe(caller, ctx.config)
            for value, problem in requests:
                asked = probe.fix({k: ABSENT if value is None else value for k in keys})
                allowed = [a for a in actions if (value is not None or a in _REVEALING)
                           and statement_allows(compiled, statement, asked, a, resource)]
                if allowed:
                    yield Hit(f"{statement.label} allows {short_list(allowed)} on this enclave "
                              f"key to {entry.value} {problem}", entry.json_path)
                    break


def _supported(doc) -> tuple[str, ...]:
    """The enclave operations the key supports (all of them when its spec is not known)."""
    key = getattr(doc, "key", None)
    if key is None:
        return ENCLAVE_ACTIONS
    valid = catalog.valid_grant_operations(key.spec, key.usage)
    return tuple(a for a in ENCLAVE_ACTIONS if a.split(":", 1)[1] in valid)


def _marked(key) -> bool:
    """Is a scenario key tagged or described as used by Nitro Enclaves?"""
    if key is None:
        return False
    texts = [key.description or ""] + [f"{k} {v}" for k, v in (key.tags or {}).items()]
    return any(marker in text.lower() for text in texts for marker in _MARKERS)

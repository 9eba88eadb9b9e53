"""An encryption-context condition of an Allow does not require the context it names.

## What it checks

Allow statements (key policies and identity policies) for operations that take an encryption
context (`Decrypt`, `Encrypt`, `GenerateDataKey*`, `ReEncrypt*`) whose conditions on
`kms:EncryptionContext:<key>` or `kms:EncryptionContextKeys` do not do what they seem to:

* an `...IfExists` or negated operator (`StringEqualsIfExists`, `StringNotEquals`,
  `StringNotLike`, ...) on a context key, when the engine finds the statement allows a request
  that sends no encryption context at all: such operators are true when the key is absent;
* a condition on a context key that the only services the statement admits (`kms:ViaService`)
  never send, when the engine finds that no request through those services can then match:
  S3 sends `aws:s3:arn`, EBS `aws:ebs:id`, Secrets Manager `SecretARN` and `SecretVersionId`,
  DynamoDB `aws:dynamodb:tableName` and `aws:dynamodb:subscriberId`, SQS `aws:sqs:arn`, SNS
  `aws:sns:topicArn`.

`ForAllValues` on `kms:EncryptionContextKeys` without a `Null` guard is POL014's.

## Why it matters

Encryption-context conditions are how a key policy binds decryption to a particular resource
or tenant. With `IfExists` or a negated operator, a caller who simply omits the context gets
through, which is exactly what the condition was written to prevent. A condition on a context
key the integrating service never sets does the opposite: the statement never applies and the
integration fails with AccessDenied.

## Example

```json
{"Sid": "TenantData", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEqualsIfExists": {"kms:EncryptionContext:tenant": "acme"}}}
```

## Use instead

```json
{"Sid": "TenantData", "Effect": "Allow",
 "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
 "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
 "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "acme"}}}
```

## References

- kms:EncryptionContext:context-key: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
- Condition operators, ...IfExists and negated operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
- Encryption context used by Amazon S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
- Encryption context used by Amazon EBS: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
"""

from __future__ import annotations

from ...analysis import ABSENT, anyone_could, compiled_statements, covered, probe_resource
from ...knowledge import SERVICE_ENCRYPTION_CONTEXT
from ...model import Hit

ID = "KP019"
ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
           "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext",
           "kms:ReEncryptFrom", "kms:ReEncryptTo")
_PREFIX = "kms:encryptioncontext:"
_KEYS = "kms:encryptioncontextkeys"


def check(doc, ctx):
    for statement in compiled_statements(doc):
        if not statement.allow or not statement.effective:
            continue
        context = [c for c in statement.clauses if c.operator is not None and c.problem is None
                   and (c.key_lower.startswith(_PREFIX) or c.key_lower == _KEYS)]
        actions = covered(doc, statement, ACTIONS) if context else ()
        if not actions:
            continue
        resource = probe_resource(doc, statement, ctx.config)

        def could(fixed):
            return any(anyone_could(statement, a, resource, fixed) for a in actions)

        absent = {c.key_lower: ABSENT for c in context}
        absent[_KEYS] = ABSENT
        loose = [c for c in context if c.operator.qualifier != "ForAllValues" and (
            c.operator.if_exists or (c.operator.negated and not c.operator.is_null))]
        if loose and could(absent):
            for clause in loose:
                guard = f'"Null": {{"{clause.key}": "false"}}'
                fix = (f"use {clause.operator_name[:-len('IfExists')]} or add {guard}"
                       if clause.operator.if_exists else f"add {guard}")
                yield Hit(f"{statement.label}: {clause.operator_name} on {clause.key} is true "
                          "when the request has no encryption context, so this Allow applies "
                          f"to requests that send none; {fix}", clause.path)
        yield from _unsent(statement, context, could)


def _unsent(statement, context, could):
    """Conditions on context keys that the services the statement is limited to never send."""
    values = [v for c in statement.clauses if c.key_lower == "kms:viaservice"
              and c.operator is not None and not c.operator.negated
              and not c.operator.if_exists and not c.operator.is_null for v in c.values]
    services = {str(v).split(".", 1)[0]: v for v in values}
    if not services or any(s not in SERVICE_ENCRYPTION_CONTEXT for s in services) \
            or could({"kms:viaservice": ABSENT}):
        return
    admitted = [(s, v) for s, v in services.items() if could({"kms:viaservice": v})]
    sent = [k for s, _ in admitted for k in SERVICE_ENCRYPTION_CONTEXT[s]]
    unsent = [c for c in context if c.key_lower.startswith(_PREFIX)
              and c.key_lower[len(_PREFIX):] not in {k.lower() for k in sent}]
    if not admitted or not unsent:
        return
    missing = {c.key_lower: ABSENT for c in unsent}
    if any(could({"kms:viaservice": v, **missing}) for _, v in admitted):
        return
    names = ", ".join(s for s, _ in admitted)
    for clause in unsent:
        yield Hit(f"{statement.label} is limited to requests through {names}, which never send "
                  f"the encryption-context key {clause.key[len(_PREFIX):]!r}, so it never "
                  f"applies; condition on the context {names} sets "
                  f"({', '.join(sent)})", clause.path)


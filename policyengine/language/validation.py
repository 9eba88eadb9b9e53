"""What AWS refuses when a policy is SAVED, per policy type.

The checks work on the raw JSON value (a dict as :func:`~.parsing.parse_json` returns it), so they
also report problems that stop the AST from being built. :func:`validate_policy` never raises for
bad input: every problem, a wrong JSON type included, is a :class:`Violation`.

Policy types (:data:`POLICY_TYPES`):

``key``       KMS key policy (``CreateKey`` / ``PutKeyPolicy`` / ``ReplicateKey``)
``identity``  IAM identity policy (managed or inline)
``boundary``  IAM permissions boundary (a managed policy)
``session``   STS session policy (``AssumeRole*`` / ``GetFederationToken`` ``Policy``)
``scp``       AWS Organizations service control policy
``rcp``       AWS Organizations resource control policy
``endpoint``  VPC endpoint policy

Order of the result: the document-wide checks (size, character set) first, then every other
violation in document order (the order of the elements in the object, which ``json.loads``
keeps), each statement's "missing element" findings after that statement's own elements.

Sources (docs.aws.amazon.com unless stated) and the decisions taken where they are silent are
noted at each rule; the reference semantics is ``spec/semantics.md`` §1, §2.3–2.5, §5.1, §8.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator
from ..errors import json_kind

__all__ = ["POLICY_TYPES", "Violation", "validate_policy", "validate_text"]

POLICY_TYPES = ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint")


@dataclass(frozen=True)
class Violation:
    """One reason AWS would refuse the document.

    ``code``: stable kebab-case identifier; ``json_path``: "/"-joined path of the offending
    element (root ``""``); ``aws_error``: the error code the saving API returns.
    """

    code: str
    message: str
    json_path: str
    aws_error: str


# -- per-type facts -------------------------------------------------------------------------------

_IAM = frozenset({"identity", "boundary", "session"})  # validated by IAM / STS
_ORG = frozenset({"scp", "rcp"})  # validated by AWS Organizations

# The error the saving API returns for a malformed document.
#   key:      KMS API PutKeyPolicy / CreateKey: MalformedPolicyDocumentException.
#   IAM:      IAM API CreatePolicy / PutRolePolicy / PutRolePermissionsBoundary and STS AssumeRole:
#             MalformedPolicyDocument (the query protocol's error code, no "Exception").
#   scp/rcp:  Organizations API CreatePolicy / UpdatePolicy: MalformedPolicyDocumentException.
#   endpoint: EC2 CreateVpcEndpoint / ModifyVpcEndpoint. The EC2 API reference names no error for
#             a bad PolicyDocument; "InvalidPolicyDocument" is what users report (Stack Exchange
#             question mirrored at volcengine.com/article/2973144). [observed, not documented]
_MALFORMED = {
    "key": "MalformedPolicyDocumentException",
    "identity": "MalformedPolicyDocument",
    "boundary": "MalformedPolicyDocument",
    "session": "MalformedPolicyDocument",
    "scp": "MalformedPolicyDocumentException",
    "rcp": "MalformedPolicyDocumentException",
    "endpoint": "InvalidPolicyDocument",
}

# Size limits: (limit, unit, count whitespace?, error).
#   key:      32 KB = 32,768 bytes, not adjustable; LimitExceededException (KMS resource-limits,
#             API PutKeyPolicy). Counted on the UTF-8 encoding of the text.
#   identity, boundary: a managed policy holds at most 6,144 characters; "IAM doesn't count white
#             space" (IAM reference_iam-quotas); IAM answers LimitExceeded. Inline policies have
#             per-identity aggregate limits (2,048 user / 5,120 group / 10,240 role) that a single
#             document cannot be checked against; the managed-policy limit is applied.
#   session:  "The plaintext that you use for both inline and managed session policies can't exceed
#             2,048 characters" (STS API AssumeRole, Policy: length constraint 1-2048): a length
#             constraint, answered with ValidationError. (The separate packed-size limit,
#             PackedPolicyTooLarge, depends on AWS's compression and is not modelled.)
#   scp, rcp: 5,120 characters, and "All characters in your SCP/RCP count against its maximum
#             size" (Organizations orgs_reference_limits, SCP/RCP syntax pages); Organizations
#             answers ConstraintViolationException (reason POLICY_CONTENT_LIMIT_EXCEEDED).
#   endpoint: "The size of an endpoint policy cannot exceed 20,480 characters, including white
#             space" (VPC vpc-endpoints-access).
_SIZE = {
    "key": (32768, "bytes", True, "LimitExceededException"),
    "identity": (6144, "characters", False, "LimitExceeded"),
    "boundary": (6144, "characters", False, "LimitExceeded"),
    "session": (2048, "characters", True, "ValidationError"),
    "scp": (5120, "characters", True, "ConstraintViolationException"),
    "rcp": (5120, "characters", True, "ConstraintViolationException"),
    "endpoint": (20480, "characters", True, "InvalidPolicyDocument"),
}

# Character set. KMS's API model gives PolicyType the pattern [\u0009\u000A\u000D\u0020-\u00FF]+
# (botocore kms/2014-11-01/service-2.json); its prose ("printable ASCII ... printable characters
# in the Basic Latin and Latin-1 Supplement character set (through \u00FF) ... tab, line feed,
# carriage return") is the same wording IAM uses for exactly that pattern, so U+007F-U+009F are
# accepted too. IAM (reference_iam-quotas): "horizontal tab (U+0009), linefeed (U+000A), carriage
# return (U+000D), and characters in the range U+0020 to U+00FF"; STS AssumeRole says the same for
# session policies. A pattern failure is an API validation error, not a malformed-policy error.
# Organizations and EC2 document no character set for policy content: not checked (scp, rcp,
# endpoint).
_CHARSET_ERROR = {
    "key": "ValidationException",
    "identity": "ValidationError",
    "boundary": "ValidationError",
    "session": "ValidationError",
}
_BAD_CHAR = re.compile(r"[^\t\n\r\u0020-\u00ff]")

_VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_ELEMENTS = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                       "Resource", "NotResource", "Condition")
_PRINCIPAL_KINDS = ("AWS", "Service", "Federated", "CanonicalUser")
_SID_IAM = re.compile(r"[A-Za-z0-9]*")
_GROUP_ARN = re.compile(r"arn:[^:]*:iam::[^:]*:group/", re.IGNORECASE)
_ACCOUNT_ID = re.compile(r"\d{12}")
# IAM unique IDs (AIDA..., AROA..., AIPA...) appear in a policy whose principal was deleted.
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,127}")

# Condition keys KMS refuses in a key policy: "MalformedPolicyDocumentException - These condition
# keys are not permitted in a key policy: aws:ResourceTag, kms:ResourceTag, kms:ResourceAliases"
# (github.com/awsdocs/aws-kms-developer-guide/pull/47; docs/ambiguities.md row 3).
_KEY_POLICY_FORBIDDEN = ("aws:resourcetag", "kms:resourcetag", "kms:resourcealiases")
# Single-valued keys KMS refuses under ForAllValues (KMS conditions-kms, "Using set operators with
# condition keys": OverlyPermissiveCondition). The documented error names ForAllValues only.
_OVERLY_PERMISSIVE_PREFIXES = ("kms:encryptioncontext:", "aws:requesttag/")



def _item(path: str, index: int | None) -> str:
    """The path of the ``index``-th value of a list at ``path`` (``path`` itself for None)."""
    return path if index is None else f"{path}/{index}"


def _join(*parts: Any) -> str:
    if len(parts) == 2 and parts[0] != "" and parts[1] != "":  # the common case, fast
        return f"{parts[0]}/{parts[1]}"
    return "/".join([str(part) for part in parts if part != ""])


@lru_cache(maxsize=4096)  # (policies name the same principals often)
def _principal_problem(kind: str, value: str, key_policy: bool) -> tuple[str, str] | None:
    """(code, message) when one principal value is refused, else None."""
    if kind == "AWS" and _GROUP_ARN.match(value):
        # IAM reference_policies_elements_principal: "You cannot identify a user group as a
        # principal in a policy"; semantics §1.3 [S].
        return "group-principal", f"{value!r} is an IAM group; groups are never valid principals"
    if not key_policy:
        return None
    if value != "*" and ("*" in value or "?" in value):
        # IAM: "You cannot use a wildcard to match part of a principal name or ARN." Whether AWS
        # refuses or merely never matches is not stated; KMS validates every principal (they
        # "must exist and be visible to KMS"), so a key policy with one is refused.
        return ("partial-wildcard-principal", f"{value!r} uses a wildcard inside a principal; "
                'only the whole value "*" is a wildcard')
    if kind == "AWS" and value != "*" and not (
            _ACCOUNT_ID.fullmatch(value) or value.startswith("arn:")
            or _UNIQUE_ID.fullmatch(value)):
        # KMS: "The principals in the key policy must exist and be visible to KMS"; a value that
        # is neither an account ID nor an ARN (nor an IAM unique ID) names nobody.
        return "invalid-principal", f"{value!r} is neither an account ID nor an ARN"
    return None


# -- the checker ----------------------------------------------------------------------------------


class _Checker:
    def __init__(self, policy_type: str) -> None:
        self.type = policy_type
        self.malformed = _MALFORMED[policy_type]
        self.out: list[Violation] = []
        self.sids: set[str] = set()
        self.variables = False  # Version 2012-10-17: ${...} is a policy variable

    def add(self, code: str, message: str, path: str, aws_error: str | None = None) -> None:
        self.out.append(Violation(code, message, path, aws_error or self.malformed))

    # -- document-wide ----------------------------------------------------------------------------

    def document(self, value: Any, text: str | None) -> None:
        if text is None:
            text = _dump(value)
        if text is not None:
            self.size(text)
            self.characters(value, text)
        self.policy(value)

    def size(self, text: str) -> None:
        limit, unit, whitespace, error = _SIZE[self.type]
        if unit == "bytes":
            size = len(text.encode("utf-8", "surrogatepass"))
        elif whitespace:
            size = len(text)
        else:
            size = sum(1 for char in text if not char.isspace())
        if size > limit:
            what = unit if whitespace else f"{unit} not counting white space"
            self.add("policy-too-large",
                     f"the policy is {size:,} {what}; a {_LABEL[self.type]} may hold at most "
                     f"{limit:,}", "", error)

    def characters(self, value: Any, text: str) -> None:
        error = _CHARSET_ERROR.get(self.type)
        if error is None:
            return
        bad = sorted(set(_BAD_CHAR.findall(text)))
        if not bad:
            return
        shown = ", ".join(f"U+{ord(char):04X}" for char in bad[:5])
        path = _first_string_with(value, set(bad))
        self.add("invalid-characters",
                 f"the policy holds characters outside TAB, LF, CR and U+0020-U+00FF ({shown}); "
                 f"a {_LABEL[self.type]} may not contain them", path or "", error)

    # -- top level --------------------------------------------------------------------------------

    def policy(self, value: Any) -> None:
        if not isinstance(value, dict):
            self.add("invalid-type", f"a policy must be a JSON object, not {json_kind(value)}", "")
            return
        version = value.get("Version")
        self.variables = version == "2012-10-17"
        for name, item in value.items():
            if name == "Version":
                self.version(item)
            elif name == "Id":
                self.policy_id(item)
            elif name == "Statement":
                self.statements(item)
            else:
                self.add("unknown-element",
                         f"{name!r} is not a policy element (only Version, Id and Statement)",
                         str(name))
        if "Statement" not in value:
            self.add("missing-statement", "the policy has no Statement element", "Statement")
        if "Version" not in value and self.type in _ORG:
            # "Every SCP/RCP must include a Version element with the value "2012-10-17""
            # (Organizations SCP syntax and RCP syntax pages).
            self.add("missing-version",
                     f'every {_LABEL[self.type]} must include "Version": "2012-10-17"', "Version")

    def version(self, item: Any) -> None:
        if not isinstance(item, str):
            self.add("invalid-type", f"Version must be a string, not {json_kind(item)}", "Version")
            return
        allowed = ("2012-10-17",) if self.type in _ORG else _VERSIONS
        if item not in allowed:
            expected = " or ".join(f'"{v}"' for v in allowed)
            self.add("invalid-version", f"Version {item!r} is not valid; use {expected}",
                     "Version")

    def policy_id(self, item: Any) -> None:
        if not isinstance(item, str):
            self.add("invalid-type", f"Id must be a string, not {json_kind(item)}", "Id")
        if self.type in _IAM:
            # IAM reference_policies_elements_id: "The Id is allowed in resource-based policies,
            # but not in identity-based policies." Organizations' pages neither list nor forbid
            # Id, so SCPs and RCPs are not checked.
            self.add("id-not-allowed",
                     f"the Id element is not allowed in an {_LABEL[self.type]} (only in "
                     "resource-based policies)", "Id")

    def statements(self, raw: Any) -> None:
        if isinstance(raw, dict):
            self.statement(raw, "Statement")
        elif isinstance(raw, list):
            if not raw:
                # KMS: at least one statement (semantics §1.1 [S]); IAM/Organizations: a policy
                # consists of one or more statements.
                self.add("empty-statement-list", "Statement is an empty list; a policy needs at "
                         "least one statement", "Statement")
            for index, item in enumerate(raw):
                self.statement(item, f"Statement/{index}")
        else:
            self.add("invalid-type", "Statement must be an object or a list of objects, not "
                     f"{json_kind(raw)}", "Statement")

    # -- statements ------------------------------------------------------------------------------

    def statement(self, raw: Any, path: str) -> None:
        if not isinstance(raw, dict):
            self.add("invalid-type", f"a statement must be an object, not {json_kind(raw)}", path)
            return
        effect = raw.get("Effect")
        for name, item in raw.items():
            where = f"{path}/{name}" if name != "" else path  # (_join, inlined)
            if name == "Sid":
                self.sid(item, where)
            elif name == "Effect":
                self.effect(item, raw, where)
            elif name in ("Principal", "NotPrincipal"):
                self.principal(name, item, raw, effect, where)
            elif name in ("Action", "NotAction"):
                self.action(name, item, raw, where)
            elif name in ("Resource", "NotResource"):
                self.resource(name, item, raw, where)
            elif name == "Condition":
                self.condition(item, where)
            else:
                self.add("unknown-element", f"{name!r} is not a statement element (Sid, Effect, "
                         "Principal, NotPrincipal, Action, NotAction, Resource, NotResource, "
                         "Condition)", where)
        self.missing_elements(raw, path)

    def missing_elements(self, raw: dict, path: str) -> None:
        if "Effect" not in raw:
            self.add("missing-effect", "the statement has no Effect", _join(path, "Effect"))
        # KMS accepts a key-policy statement without Action or Resource; it simply has no effect
        # (API PutKeyPolicy: "the PutKeyPolicy API request succeeds, even though the policy
        # statement is ineffective"; semantics §1.2, §5.1). The linter reports those.
        if self.type != "key" and "Action" not in raw and "NotAction" not in raw:
            self.add("missing-action", "the statement has neither Action nor NotAction",
                     _join(path, "Action"))
        # IAM requires Resource or NotResource in identity, boundary and session policies. The
        # Organizations and VPC endpoint pages do not say a statement without one is refused.
        if self.type in _IAM and "Resource" not in raw and "NotResource" not in raw:
            self.add("missing-resource", "the statement has neither Resource nor NotResource",
                     _join(path, "Resource"))
        if self.type in ("key", "endpoint", "rcp") and "Principal" not in raw \
                and "NotPrincipal" not in raw:
            why = {
                "key": "each statement in a key policy must contain one or more principals "
                       "(API PutKeyPolicy)",
                "endpoint": "an endpoint policy must contain a Principal element",
                "rcp": 'each RCP statement needs "Principal": "*"',
            }[self.type]
            self.add("missing-principal", f"the statement has no Principal: {why}",
                     _join(path, "Principal"))

    def sid(self, item: Any, path: str) -> None:
        if not isinstance(item, str):
            self.add("invalid-type", f"Sid must be a string, not {json_kind(item)}", path)
            return
        # IAM (reference_policies_elements_sid): ASCII letters and digits only, unique within the
        # policy. Organizations validates SCPs/RCPs with the IAM policy grammar (Access Analyzer
        # applies the same Sid checks to them). Key policies: spaces are allowed (the default key
        # policies' Sids contain them) and uniqueness is undocumented (semantics §1.2 [C]): no
        # check. VPC endpoint policies: undocumented, not checked.
        if self.type not in _IAM and self.type not in _ORG:
            return
        if not _SID_IAM.fullmatch(item):
            self.add("sid-invalid-characters",
                     f"Sid {item!r} may hold only ASCII letters and digits", path)
        if item:
            if item in self.sids:
                self.add("duplicate-sid", f"Sid {item!r} is used by another statement; Sids must "
                         "be unique within the policy", path)
            self.sids.add(item)

    def effect(self, item: Any, raw: dict, path: str) -> None:
        if not isinstance(item, str):
            self.add("invalid-type", f"Effect must be a string, not {json_kind(item)}", path)
            return
        if item not in ("Allow", "Deny"):
            hint = " (the value is case-sensitive)" if item.lower() in ("allow", "deny") else ""
            self.add("invalid-effect", f'Effect {item!r} must be "Allow" or "Deny"{hint}', path)
            return
        if self.type == "rcp" and item == "Allow" and not _is_rcp_full_access(raw):
            # Organizations RCP syntax: "The effect of Allow is only supported for the
            # RCPFullAWSAccess policy" (whose one statement is Allow * to * on *).
            self.add("allow-not-supported", "an RCP statement may only Deny; Allow is supported "
                     "only in the AWS managed RCPFullAWSAccess policy", path)

    # -- principals -------------------------------------------------------------------------------

    def principal(self, name: str, item: Any, raw: dict, effect: Any, path: str) -> None:
        negated = name == "NotPrincipal"
        if negated and "Principal" in raw:
            self.add("principal-and-notprincipal",
                     "a statement may have Principal or NotPrincipal, not both", path)
        if self.type in _IAM or self.type == "scp":
            # IAM: the principal of an identity policy is the identity it is attached to; a
            # boundary and a session policy are identity-policy documents. SCP syntax page:
            # "Unsupported elements: Principal, NotPrincipal".
            code = "notprincipal-not-allowed" if negated else "principal-not-allowed"
            self.add(code, f"{name} is not allowed in an {_LABEL[self.type]}", path)
            return
        if self.type == "rcp":
            # Organizations RCP syntax: Principal is required and "*" is the only value;
            # NotPrincipal is not among the RCP elements.
            if negated:
                self.add("notprincipal-not-allowed", "NotPrincipal is not supported in an RCP",
                         path)
            elif item != "*":
                self.add("invalid-principal", 'the Principal of an RCP statement must be "*" '
                         "(restrict principals with conditions such as aws:PrincipalArn)", path)
            return
        # key and endpoint policies
        if negated and effect == "Allow":
            # IAM reference_policies_elements_notprincipal: "NotPrincipal must be used with
            # "Effect":"Deny". Using it with "Effect":"Allow" is not supported."
            self.add("notprincipal-with-allow",
                     'NotPrincipal is supported only with "Effect": "Deny"', path)
        self.principal_value(name, item, path)

    def principal_value(self, name: str, item: Any, path: str) -> None:
        if item == "*":
            return
        if isinstance(item, str):
            self.add("invalid-principal", f'{name} must be "*" or an object such as '
                     f'{{"AWS": ...}}, not the string {item!r}', path)
            return
        if not isinstance(item, dict):
            self.add("invalid-type", f'{name} must be "*" or an object such as {{"AWS": ...}}, '
                     f"not {json_kind(item)}", path)
            return
        if not item:
            self.add("invalid-principal", f"{name} names no principal", path)
        for kind, values in item.items():
            where = _join(path, kind)
            if kind not in _PRINCIPAL_KINDS:
                self.add("invalid-principal", f"{kind!r} is not a principal type (AWS, Service, "
                         "Federated, CanonicalUser)", where)
                continue
            for value, index in self.string_list(values, where, f"{name} {kind}"):
                self.principal_entry(kind, value, where, index)

    def principal_entry(self, kind: str, value: str, path: str, index: int | None) -> None:
        """One principal; ``index`` is its place in a list at ``path`` (None: not a list)."""
        problem = _principal_problem(kind, value, self.type == "key")
        if problem is not None:
            self.add(*problem, _item(path, index))

    # -- action and resource ----------------------------------------------------------------------

    def action(self, name: str, item: Any, raw: dict, path: str) -> None:
        if name == "NotAction":
            if "Action" in raw:
                self.add("action-and-notaction",
                         "a statement may have Action or NotAction, not both", path)
            if self.type == "rcp":
                # RCP syntax page: NotAction is not among the elements RCPs support.
                self.add("notaction-not-allowed", "NotAction is not supported in an RCP", path)
        values = self.string_list(item, path, name)
        if not values and isinstance(item, list) and self.type != "key":
            self.add("empty-element", f"{name} is an empty list", path)
        for value, index in values:
            # The grammar: "*" or <service>:<action>; IAM answers a name without a service
            # prefix with MalformedPolicyDocument ("prefaced by a vendor").
            if value != "*" and (":" not in value or value.startswith(":")):
                self.add("invalid-action", f"{value!r} is not an action: write "
                         '"service:ActionName" or "*"', _item(path, index))

    def resource(self, name: str, item: Any, raw: dict, path: str) -> None:
        if name == "NotResource" and "Resource" in raw:
            self.add("resource-and-notresource",
                     "a statement may have Resource or NotResource, not both", path)
        values = self.string_list(item, path, name)
        if not values and isinstance(item, list) and self.type != "key":
            self.add("empty-element", f"{name} is an empty list", path)
        for value, index in values:
            if value != "*" and not value.startswith("arn:"):
                # The grammar: a resource is "*" or an ARN.
                self.add("invalid-resource", f"{value!r} is not a resource: write an ARN or "
                         '"*"', _item(path, index))
            elif self.variables and "${" in value:
                self.template(value, _item(path, index))

    def string_list(self, item: Any, path: str, element: str) -> list[tuple[str, int | None]]:
        """The strings of a string-or-list-of-strings element, each with its index in the list
        (None for a lone string; ``_item`` makes its path, only when a violation needs it);
        wrong types become violations."""
        if isinstance(item, str):
            return [(item, None)]
        if not isinstance(item, list):
            self.add("invalid-type", f"{element} must be a string or a list of strings, not "
                     f"{json_kind(item)}", path)
            return []
        found = []
        for index, value in enumerate(item):
            if isinstance(value, str):
                found.append((value, index))
            else:
                self.add("invalid-type", f"{element} must hold strings, not {json_kind(value)}",
                         _item(path, index))
        return found

    # -- conditions -------------------------------------------------------------------------------

    def condition(self, item: Any, path: str) -> None:
        if not isinstance(item, dict):
            self.add("invalid-type", f"Condition must be an object, not {json_kind(item)}", path)
            return
        for name, block in item.items():
            where = f"{path}/{name}" if name != "" else path  # (_join, inlined)
            operator = self.operator(name, where)
            if not isinstance(block, dict):
                self.add("invalid-type", f"the {name} block must be an object of condition keys, "
                         f"not {json_kind(block)}", where)
                continue
            for key, values in block.items():
                self.condition_entry(name, operator, key, values, _join(where, key))

    def operator(self, name: Any, path: str):
        from .conditions.registry import resolve_operator

        if not isinstance(name, str):
            self.add("unknown-condition-operator", f"{name!r} is not a condition operator", path)
            return None
        prefix, separator, base = name.partition(":")
        qualified = bool(separator) and prefix.lower() in ("forallvalues", "foranyvalue")
        base_lower = (base if qualified else name).lower()
        if base_lower == "nullifexists" or (base_lower == "null" and qualified):
            # Null tests whether the key is present: it takes neither IfExists nor a set
            # qualifier (IAM condition operators; Access Analyzer NULL_WITH_IF_EXISTS).
            self.add("null-with-qualifier", f"{name!r}: the Null operator takes neither IfExists "
                     "nor ForAllValues/ForAnyValue", path)
            return None
        operator = resolve_operator(name)
        if operator is None:
            self.add("unknown-condition-operator", f"{name!r} is not a condition operator", path)
        return operator

    def condition_entry(self, name: Any, operator, key: Any, values: Any, path: str) -> None:
        key_text = key if isinstance(key, str) else str(key)
        key_lower = key_text.lower()
        if ":" not in key_text or key_text.startswith(":"):
            # Condition keys are <prefix>:<name> (aws:, kms:, ...). IAM answers an unprefixed key
            # with MalformedPolicyDocument ("Actions/Conditions must be prefaced by a vendor").
            self.add("invalid-condition-key", f"{key_text!r} is not a condition key: write "
                     '"service:KeyName", e.g. "aws:SourceIp"', path)
        if self.type == "key":
            # Condition key names are case-insensitive (semantics §2.1).
            if any(key_lower == forbidden or key_lower.startswith(forbidden + "/")
                   for forbidden in _KEY_POLICY_FORBIDDEN):
                self.add("condition-key-not-allowed-in-key-policy",
                         f"{key_text!r}: the condition keys aws:ResourceTag, kms:ResourceTag and "
                         "kms:ResourceAliases are not permitted in a key policy", path)
            if operator is not None and operator.qualifier == "ForAllValues" and \
                    key_lower.startswith(_OVERLY_PERMISSIVE_PREFIXES):
                self.add("overly-permissive-condition",
                         f"OverlyPermissiveCondition: {operator.name} with the single-valued key "
                         f"{key_text!r} also matches requests without that encryption context "
                         "or tag; remove ForAllValues", path)
        listed = values if isinstance(values, list) else [values]
        template = operator is not None and self.variables and operator.comparison.family.variables
        for index, value in enumerate(listed):
            at = _join(path, index) if isinstance(values, list) else path
            if isinstance(value, (dict, list)) or value is None:
                self.add("invalid-type", "a condition value must be a string, a number or a "
                         f"boolean, not {json_kind(value)}", at)
            elif template and isinstance(value, str):
                self.template(value, at)

    def template(self, text: str, path: str) -> None:
        """A ${...} that is not a well-formed policy variable (semantics §2.5)."""
        if "${" not in text:
            return
        from .variables import VariableSyntaxError, parse_template

        try:
            parse_template(text)
        except VariableSyntaxError as error:
            self.add("malformed-variable", f"malformed policy variable in {text!r}: "
                     f"{error.message} (at character {error.offset})", path)


def _is_rcp_full_access(raw: dict) -> bool:
    def only_star(value: Any) -> bool:
        return value == "*" or value == ["*"]

    return (only_star(raw.get("Principal")) and only_star(raw.get("Action"))
            and only_star(raw.get("Resource")) and "Condition" not in raw
            and "NotAction" not in raw and "NotResource" not in raw)


_LABEL = {
    "key": "key policy", "identity": "identity policy", "boundary": "permissions boundary",
    "session": "session policy", "scp": "SCP", "rcp": "RCP", "endpoint": "VPC endpoint policy",
}


def _dump(value: Any) -> str | None:
    """The text AWS would receive for a value known only as JSON (compact is not assumed)."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError):
        return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a JSON value (object keys included) with its path, in document order."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield item, where
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                at = _join(where, key)
                if isinstance(key, str):
                    children.append((key, at))
                children.append((child, at))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, _join(where, index))
                                   for index, child in enumerate(item)]))


def _first_string_with(value: Any, chars: set[str]) -> str | None:
    for text, path in _strings(value, ""):
        if any(char in chars for char in text):
            return path
    return None


# -- public API ------------------------------------------------------------------------------------


def validate_policy(value: Any, policy_type: str, *, text: str | None = None) -> list[Violation]:
    """Every reason AWS would refuse to save ``value`` as a policy of ``policy_type``.

    ``value`` is the parsed JSON; ``text``, when known, is the original text, used for the size
    and character-set checks (otherwise ``json.dumps(value, ensure_ascii=False)`` stands in for
    it). Never raises for bad input; raises ValueError only for an unknown ``policy_type``.
    """
    if policy_type not in POLICY_TYPES:
        raise ValueError(f"unknown policy type {policy_type!r}; expected one of "
                         f"{', '.join(POLICY_TYPES)}")
    checker = _Checker(policy_type)
    try:
        checker.document(value, text if isinstance(text, str) else None)
    except RecursionError:  # pragma: no cover - JSON values AWS could hold are shallow
        checker.add("invalid-type", "the document is nested too deeply", "")
    return checker.out


def validate_text(text: str, policy_type: str) -> list[Violation]:
    """Parse ``text`` (refusing duplicate keys) and validate it.

    Text that is not JSON gives one ``invalid-json`` violation (its message keeps the line and
    column); an element that appears twice in one object gives ``duplicate-element``.
    """
    from ..errors import PolicySyntaxError
    from .parsing import parse_json

    if policy_type not in POLICY_TYPES:
        raise ValueError(f"unknown policy type {policy_type!r}; expected one of "
                         f"{', '.join(POLICY_TYPES)}")
    try:
        value = parse_json(text)
    except PolicySyntaxError as error:
        code = "duplicate-element" if error.message.startswith("duplicate key") else "invalid-json"
        where = f"line {error.line}, column {error.column}: " if error.line is not None else ""
        return [Violation(code, where + error.message, error.json_path or "",
                          _MALFORMED[policy_type])]
    return validate_policy(value, policy_type, text=text if isinstance(text, str) else None)


"""The scenario file format v1 (``spec/scenario-format.md``) as pydantic models.

These models are the boundary: they check what belongs to the *format* (field names, types,
allowed values, ARN shapes, cross-references inside one scenario) and nothing more. Policies stay
raw here (a policy object or a string holding policy JSON); another module turns them into the
engine's objects. Evaluation never touches these models.

Field names are snake_case; where an object mirrors an AWS API shape (a grant as ``ListGrants``
returns it, key metadata as ``DescribeKey`` returns it) the AWS PascalCase names are accepted as
aliases. Unknown keys are errors.

Errors found by a model validator that concern a part of the object (a duplicate key ARN, an
answer that is not an option) are raised as ``PydanticCustomError`` whose context holds
``at``: the location of the offending value relative to the model. :mod:`.load` appends it to the
error's location, so the reported JSON path points at the value itself.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import json_kind

__all__ = [
    "FORMAT_VERSION",
    "Expectation",
    "Certainty",
    "Credentials",
    "PolicySource",
    "PolicyLevels",
    "Organization",
    "Rotation",
    "GrantConstraints",
    "Grant",
    "Key",
    "Principal",
    "Request",
    "AddStatement",
    "RemoveStatement",
    "SetPolicy",
    "SetBoundary",
    "AddGrant",
    "RemoveGrant",
    "SetKey",
    "SetRequest",
    "SetOrganization",
    "Change",
    "CHANGE_OPERATIONS",
    "Option",
    "Question",
    "Scenario",
    "scenario_json_schema",
    "principal_kind",
    "field_names",
]

FORMAT_VERSION = 1

Expectation = Literal["Allow", "ExplicitDeny", "ImplicitDeny", "Invalid"]
Certainty = Literal["stated", "inferred", "ambiguous", "conflicting"]
Credentials = Literal["long-term", "temporary"]
KeyUsage = Literal["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"]
KeyOrigin = Literal["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]
KeyState = Literal[
    "Creating", "Enabled", "Disabled", "PendingDeletion", "PendingImport",
    "PendingReplicaDeletion", "Unavailable", "Updating",
]
KeyManager = Literal["AWS", "CUSTOMER"]
MultiRegionType = Literal["PRIMARY", "REPLICA"]


# -- patterns ---------------------------------------------------------------------------------
# Written so that Python's ``re`` and ECMA-262 (JSON Schema ``pattern``) read them the same way.

_PARTITION = r"aws[-a-z]*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
_ACCOUNT = r"[0-9]{12}"
_IAM_NAME = r"[A-Za-z0-9+=,.@_-]+"
_SERVICE = r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?"

KEY_ARN_PATTERN = rf"arn:({_PARTITION}):kms:({_REGION}):({_ACCOUNT}):key/([A-Za-z0-9-]+)"
_ROOT = rf"arn:{_PARTITION}:iam::{_ACCOUNT}:root"
_USER = rf"arn:{_PARTITION}:iam::{_ACCOUNT}:user/(?:{_IAM_NAME}/)*{_IAM_NAME}"
_ROLE = rf"arn:{_PARTITION}:iam::{_ACCOUNT}:role/(?:{_IAM_NAME}/)*{_IAM_NAME}"
_SESSION = rf"arn:{_PARTITION}:sts::{_ACCOUNT}:assumed-role/{_IAM_NAME}/{_IAM_NAME}"
_FEDERATED = rf"arn:{_PARTITION}:sts::{_ACCOUNT}:federated-user/{_IAM_NAME}"
IDENTITY_ARN_PATTERN = f"{_USER}|{_ROLE}|{_ROOT}"
AWS_PRINCIPAL_PATTERN = f"{_USER}|{_ROLE}|{_ROOT}|{_SESSION}|{_FEDERATED}"
CALLER_PATTERN = f"{AWS_PRINCIPAL_PATTERN}|{_SERVICE}"

_KEY_ARN_RE = re.compile(KEY_ARN_PATTERN)
_KINDS = (
    ("root", re.compile(_ROOT)),
    ("user", re.compile(_USER)),
    ("role", re.compile(_ROLE)),
    ("role-session", re.compile(_SESSION)),
    ("federated-user", re.compile(_FEDERATED)),
    ("service", re.compile(_SERVICE)),
)
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def principal_kind(arn: str) -> str | None:
    """``root``, ``user``, ``role``, ``role-session``, ``federated-user``, ``service`` or None."""
    for kind, pattern in _KINDS:
        if pattern.fullmatch(arn):
            return kind
    return None


def _problem(message: str, *at: str | int) -> PydanticCustomError:
    """A format error; ``at`` locates the offending value inside the model being validated."""
    return PydanticCustomError("scenario_format", message, {"at": tuple(at)} if at else None)


def _checked(pattern: str, message: str, *, flags: int = 0):
    """A string type that must match ``pattern`` entirely (error: ``message``)."""
    compiled = re.compile(pattern, flags)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("scenario_format", f"{value!r} is not {message}")
        return value

    # the JSON Schema keeps the pattern, anchored
    return Annotated[
        str,
        AfterValidator(check),
        WithJsonSchema({"type": "string", "pattern": f"^(?:{pattern})$"}),
    ]


def _rfc3339(value: str) -> str:
    if _parse_time(value) is None:
        raise PydanticCustomError(
            "scenario_format", f"{value!r} is not an RFC 3339 time (e.g. 2026-06-01T12:00:00Z)"
        )
    return value


def _parse_time(value: str) -> datetime | None:
    found = _RFC3339.fullmatch(value)
    if not found:
        return None
    year, month, day, hour, minute, second, fraction, offset = found.groups()
    if offset in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        micro, tzinfo=tz)
    except ValueError:
        return None


def _policy_shape(value: Any) -> Any:
    if isinstance(value, (dict, str)):
        return value
    raise PydanticCustomError(
        "scenario_format",
        "a policy is an object or a string holding policy JSON, not {kind}",
        {"kind": json_kind(value)},
    )


def _levels_shape(value: Any) -> Any:
    """``[policy, ...]`` is one level: normalise it to ``{"levels": [[policy, ...]]}``."""
    if isinstance(value, list):
        return {"levels": [value]}
    return value



#: A policy, kept raw: a policy object or a string holding policy JSON.
PolicySource = Annotated[
    Any,
    BeforeValidator(_policy_shape),
    WithJsonSchema({
        "oneOf": [{"type": "object"}, {"type": "string"}],
        "description": "a policy object, or a string holding policy JSON",
    }),
]

KeyArn = _checked(KEY_ARN_PATTERN, "a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)")
IdentityArn = _checked(
    IDENTITY_ARN_PATTERN,
    "an IAM user, role or root ARN (arn:aws:iam::ACCOUNT:user/[PATH/]NAME, "
    "arn:aws:iam::ACCOUNT:role/[PATH/]NAME, arn:aws:iam::ACCOUNT:root)",
)
AwsPrincipalArn = _checked(
    AWS_PRINCIPAL_PATTERN,
    "an AWS principal ARN (IAM user, role, root, assumed-role session or federated user)",
)
CallerArn = _checked(
    CALLER_PATTERN,
    "a caller: an IAM user, role or root ARN, a role session ARN "
    "(arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), a federated user ARN, "
    "or a service principal (cloudtrail.amazonaws.com)",
)
ServicePrincipal = _checked(_SERVICE, "a service principal (e.g. logs.amazonaws.com)")
AccountId = _checked(_ACCOUNT, "an account ID (12 digits, written as a string)")
OrganizationId = _checked(r"o-[a-z0-9]{10,32}", "an organization ID (o-...)")
AliasName = _checked(r"alias/[A-Za-z0-9/_-]+", "an alias name (alias/NAME)")
Url = _checked(r"https?://\S+", "a URL (http:// or https://)")
ActionName = _checked(
    r"[A-Za-z0-9-]+:[A-Za-z0-9]+", "one permission such as kms:Decrypt (no wildcards)"
)
OperationName = _checked(
    r"[A-Za-z][A-Za-z0-9]*",
    "an API operation name such as ReEncrypt (use action: for a permission like kms:Decrypt)",
)
ErrorName = _checked(r"[A-Za-z][A-Za-z0-9]*", "an API error name such as AccessDeniedException")
KeySpec = _checked(r"[A-Z][A-Z0-9_]*", "a key spec such as SYMMETRIC_DEFAULT")
RfcTime = Annotated[
    str,
    AfterValidator(_rfc3339),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
NonEmptyStr = Annotated[str, Field(min_length=1)]


def _alias(*names: str) -> dict:
    """Field keyword arguments accepting the snake_case name and its AWS alias(es)."""
    return {"validation_alias": AliasChoices(*names)}


# -- the base model ---------------------------------------------------------------------------


def _schema_extra(schema: dict, model: type) -> None:
    """Make the JSON Schema accept what the model accepts: aliases, one-of field groups."""
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    constraints: list[dict] = []
    names_of: dict[str, list[str]] = {}
    for name, info in model.model_fields.items():
        choices = getattr(info.validation_alias, "choices", None)
        names = [c for c in choices or () if isinstance(c, str)] or [name]
        names_of[name] = names
        if len(names) < 2 or names[0] not in properties:
            continue
        for other in names[1:]:
            properties[other] = properties[names[0]]
        if names[0] in required:
            required.remove(names[0])
            constraints.append({"oneOf": [{"required": [n]} for n in names]})
        else:
            constraints.extend({"not": {"required": [first, second]}}
                               for i, first in enumerate(names) for second in names[i + 1:])

    def present(field: str) -> dict:
        names = names_of.get(field, [field])
        if len(names) == 1:
            return {"required": names}
        return {"anyOf": [{"required": [n]} for n in names]}

    for group in getattr(model, "__exactly_one__", ()):
        constraints.append({"oneOf": [present(field) for field in group]})
    for group in getattr(model, "__at_most_one__", ()):
        constraints.extend({"not": {"allOf": [present(a), present(b)]}}
                           for i, a in enumerate(group) for b in group[i + 1:])
    if "required" in schema and not required:
        del schema["required"]
    if constraints:
        schema.setdefault("allOf", []).extend(constraints)


def field_names(model: type) -> dict[str, tuple[str, ...]]:
    """Every field of ``model`` with the input names it accepts (its name first)."""
    result = {}
    for name, info in model.model_fields.items():
        choices = getattr(info.validation_alias, "choices", None)
        result[name] = tuple(c for c in choices or () if isinstance(c, str)) or (name,)
    return result


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra=_schema_extra,
    )

    #: groups of fields of which exactly one / at most one may be given (schema and checks)
    __exactly_one__: ClassVar[tuple[tuple[str, ...], ...]] = ()
    __at_most_one__: ClassVar[tuple[tuple[str, ...], ...]] = ()

    @model_validator(mode="after")
    def _field_groups(self):
        for group in self.__exactly_one__:
            given = [name for name in group if getattr(self, name) is not None]
            if len(given) != 1:
                names = " / ".join(f"'{name}'" for name in group)
                if given:
                    raise _problem(f"give exactly one of {names}, not several", given[-1])
                raise _problem(f"give exactly one of {names}")
        for group in self.__at_most_one__:
            given = [name for name in group if getattr(self, name) is not None]
            if len(given) > 1:
                names = " / ".join(f"'{name}'" for name in group)
                raise _problem(f"give at most one of {names}", given[-1])
        return self

    def given(self) -> dict[str, Any]:
        """The fields written in the input (by field name), with their values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


# -- organization -----------------------------------------------------------------------------


class PolicyLevels(_Model):
    """SCPs or RCPs by level, from the root down: ``{levels: [[...], [...]]}``.

    Every level must allow. A plain list of policies in the file is read as one level.
    """

    levels: Annotated[
        list[Annotated[list[PolicySource], Field(min_length=1)]], Field(min_length=1)
    ] = Field(description="one list of policies per level (root, OUs..., account)")


Levels = Annotated[
    Optional[PolicyLevels],
    BeforeValidator(
        _levels_shape,
        json_schema_input_type=Optional[
            Union[Annotated[list[PolicySource], Field(min_length=1)], PolicyLevels]
        ],
    ),
]


class Organization(_Model):
    """An AWS Organization. Every field is optional."""

    id: Optional[OrganizationId] = Field(
        None, description="o-...; aws:PrincipalOrgID for principals of member accounts")
    management_account: Optional[AccountId] = Field(
        None, description="exempt from SCPs (its principals) and RCPs (its resources)")
    accounts: list[AccountId] = Field(
        default_factory=list,
        description="member accounts (the management account is a member in any case)")
    scps: Levels = Field(
        None, description="SCPs as one level (a list) or {levels: [[...], ...]} from the root "
                          "down; none given: no SCP restriction")
    rcps: Levels = Field(
        None, description="RCPs, same shape; none given: nothing restricted (the implicit "
                          "full-access RCP)")

    @property
    def members(self) -> frozenset[str]:
        """Member accounts, the management account included."""
        extra = {self.management_account} if self.management_account else set()
        return frozenset(self.accounts) | extra


# -- keys and grants --------------------------------------------------------------------------


class Rotation(_Model):
    """Automatic key rotation."""

    enabled: StrictBool
    period_days: Annotated[StrictInt, Field(ge=90, le=2560)] = 365


class GrantConstraints(_Model):
    """Grant constraints, as ``ListGrants`` returns them."""

    encryption_context_equals: Optional[dict[str, str]] = Field(
        None, **_alias("encryption_context_equals", "EncryptionContextEquals"))
    encryption_context_subset: Optional[dict[str, str]] = Field(
        None, **_alias("encryption_context_subset", "EncryptionContextSubset"))
    source_arn: Optional[str] = Field(None, **_alias("source_arn", "SourceArn"))


class Grant(_Model):
    """A grant on a key, as ``ListGrants`` returns it."""

    __exactly_one__ = (("grantee", "grantee_service"),)
    __at_most_one__ = (("retiring", "retiring_service"),)

    id: NonEmptyStr = Field(**_alias("id", "GrantId"))
    name: Optional[str] = Field(None, **_alias("name", "Name"))
    grantee: Optional[AwsPrincipalArn] = Field(
        None, **_alias("grantee", "GranteePrincipal"), description="ARN of the grantee")
    grantee_service: Optional[ServicePrincipal] = Field(
        None, **_alias("grantee_service", "GranteeServicePrincipal"))
    retiring: Optional[AwsPrincipalArn] = Field(
        None, **_alias("retiring", "RetiringPrincipal"))
    retiring_service: Optional[ServicePrincipal] = Field(
        None, **_alias("retiring_service", "RetiringServicePrincipal"))
    operations: Annotated[list[NonEmptyStr], Field(min_length=1)] = Field(
        **_alias("operations", "Operations"),
        description="grant operation names: Decrypt, Encrypt, GenerateDataKey, ...")
    constraints: Optional[GrantConstraints] = Field(
        None, **_alias("constraints", "Constraints"))
    issuing_account: Optional[AccountId] = Field(
        None, **_alias("issuing_account", "IssuingAccount"),
        description="default: the key's account")
    token: Optional[str] = Field(None, description="grant token")
    pending: StrictBool = Field(
        False, description="not yet consistent: effective only when the request carries its "
                           "token")

    @model_validator(mode="after")
    def _pending_needs_token(self):
        if self.pending and self.token is None:
            raise _problem("a pending grant needs a 'token' (it is effective only with it)",
                           "pending")
        return self


class _KeyAttributes(_Model):
    """Everything a key has but its ARN (shared by Key and the set_key change)."""

    policy: Optional[PolicySource] = Field(
        None, description="key policy; none: the programmatic default key policy (one "
                          "statement allowing kms:* to arn:aws:iam::ACCOUNT:root)")
    aliases: list[AliasName] = Field(
        default_factory=list, description="alias names (alias/app) that point to this key")
    tags: dict[str, str] = Field(default_factory=dict, description="key tags")
    spec: KeySpec = Field("SYMMETRIC_DEFAULT", **_alias("spec", "KeySpec"))
    usage: KeyUsage = Field("ENCRYPT_DECRYPT", **_alias("usage", "KeyUsage"))
    origin: KeyOrigin = Field("AWS_KMS", **_alias("origin", "Origin"))
    state: KeyState = Field("Enabled", **_alias("state", "KeyState"))
    manager: KeyManager = Field(
        "CUSTOMER", **_alias("manager", "KeyManager"), description="AWS: an AWS managed key")
    multi_region: StrictBool = Field(False, **_alias("multi_region", "MultiRegion"))
    multi_region_type: Optional[MultiRegionType] = None
    rotation: Optional[Rotation] = None
    grants: list[Grant] = Field(default_factory=list)


class _KeyArnField(_Model):
    arn: KeyArn = Field(description="arn:aws:kms:REGION:ACCOUNT:key/KEY-ID")


class _KeyTargetField(_Model):
    key: KeyArn = Field(description="the key, by ARN")


# (The ARN mixins come last among the bases so that the ARN is the first field.)


class Key(_KeyAttributes, _KeyArnField):
    """A KMS key of the world. Region and account are read from its ARN."""

    @model_validator(mode="after")
    def _consistent(self):
        if self.multi_region_type is not None and not self.multi_region:
            raise _problem("multi_region_type needs multi_region: true", "multi_region_type")
        seen: dict[str, int] = {}
        for i, grant in enumerate(self.grants):
            if grant.id in seen:
                raise _problem(f"grant id {grant.id!r} is used twice on this key "
                               f"(first at grants/{seen[grant.id]})", "grants", i, "id")
            seen[grant.id] = i
        return self

    @property
    def partition(self) -> str:
        return _KEY_ARN_RE.fullmatch(self.arn).group(1)

    @property
    def region(self) -> str:
        return _KEY_ARN_RE.fullmatch(self.arn).group(2)

    @property
    def account(self) -> str:
        return _KEY_ARN_RE.fullmatch(self.arn).group(3)

    @property
    def key_id(self) -> str:
        return _KEY_ARN_RE.fullmatch(self.arn).group(4)


# -- principals -------------------------------------------------------------------------------


class Principal(_Model):
    """An IAM identity and what is attached to it."""

    arn: IdentityArn = Field(
        description="arn:aws:iam::ACCT:user/[path/]NAME, arn:aws:iam::ACCT:role/[path/]NAME "
                    "or arn:aws:iam::ACCT:root")
    policies: list[PolicySource] = Field(
        default_factory=list,
        description="identity-based policies attached (user, its groups, or role)")
    boundary: Optional[PolicySource] = Field(None, description="permissions boundary")
    tags: dict[str, str] = Field(default_factory=dict, description="principal tags")
    id: Optional[NonEmptyStr] = Field(
        None, description="unique ID used for aws:userid (default: a stable made-up value)")
    service_linked: StrictBool = Field(
        False, description="a service-linked role (exempt from SCPs)")

    @model_validator(mode="after")
    def _service_linked_role(self):
        if self.service_linked and self.kind != "role":
            raise _problem("only a role can be service-linked", "service_linked")
        return self

    @property
    def kind(self) -> str:
        """``user``, ``role`` or ``root``."""
        return principal_kind(self.arn)

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


# -- requests ---------------------------------------------------------------------------------


class _RequestFields(_Model):
    """Every request field, all optional (shared by Request and the set_request change)."""

    principal: Optional[CallerArn] = Field(
        None, description="the caller: IAM user ARN, role session ARN, role ARN (a session "
                          "of it), root ARN, federated user ARN, or a service principal")
    action: Optional[ActionName] = Field(
        None, description="one permission to authorise, e.g. kms:Decrypt")
    operation: Optional[OperationName] = Field(
        None, description="a KMS API operation (ReEncrypt, CreateGrant, ...)")
    key: Optional[NonEmptyStr] = Field(
        None, description="key ARN, key ID, alias name or alias ARN")
    resource: Optional[NonEmptyStr] = Field(
        None, description="explicit resource ARN or *; default: the key's ARN, or *")
    encryption_context: Optional[dict[str, str]] = Field(
        None, description="sets kms:EncryptionContext:k and kms:EncryptionContextKeys")
    grant_tokens: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(
        default_factory=dict, description="KMS API parameters by their API names")
    context: dict[str, Any] = Field(
        default_factory=dict, description="request-context keys given explicitly")
    credentials: Optional[Credentials] = Field(
        None, description="default: long-term for IAM users and the root user, temporary "
                          "for role sessions and federated users")
    session_policy: Optional[PolicySource] = None
    vpc_endpoint_policy: Optional[PolicySource] = None
    expect: Optional[Expectation] = None
    expect_error: Optional[ErrorName] = Field(
        None, description="the error the API call ends with (AccessDeniedException, ...)")

    @model_validator(mode="after")
    def _credentials(self):
        kind = principal_kind(self.principal) if self.principal else None
        if self.credentials == "long-term" and kind in ("role", "role-session",
                                                        "federated-user"):
            raise _problem(f"a {kind.replace('-', ' ')} always uses temporary credentials",
                           "credentials")
        return self

    @property
    def principal_kind(self) -> str | None:
        """``root``, ``user``, ``role`` (a session of it), ``role-session``,
        ``federated-user`` or ``service``."""
        return principal_kind(self.principal) if self.principal else None

    @property
    def credential_type(self) -> str | None:
        """The credentials in effect: as given, else by the kind of caller (None: a service)."""
        if self.credentials is not None:
            return self.credentials
        kind = self.principal_kind
        if kind in ("user", "root"):
            return "long-term"
        if kind in ("role", "role-session", "federated-user"):
            return "temporary"
        return None


class Request(_RequestFields):
    """What is asked: one permission (``action``) or one API call (``operation``)."""

    __exactly_one__ = (("action", "operation"),)

    principal: CallerArn = Field(
        description="the caller: IAM user ARN, role session ARN, role ARN (a session of it), "
                    "root ARN, federated user ARN, or a service principal")


# -- question ---------------------------------------------------------------------------------


class _Target(_Model):
    """A change aimed at a key (by ARN) or at a principal (by ARN)."""

    __exactly_one__ = (("key", "principal"),)

    key: Optional[KeyArn] = Field(None, description="the key, by ARN")
    principal: Optional[IdentityArn] = Field(
        None, description="the principal, by ARN (created if not listed)")


class AddStatement(_Target):
    """Add a statement to the key policy, or to the principal's first identity policy (created
    if it has none)."""

    statement: dict[str, Any]


class RemoveStatement(_Target):
    """Remove the statements with this Sid from the key policy or the principal's policies."""

    sid: str


class SetPolicy(_Target):
    """Replace the key policy (null: the default key policy), or replace a principal's identity
    policies (``policies``: the new list, or ``policy``: one policy; null: none)."""

    policy: Optional[PolicySource] = None
    policies: Optional[list[PolicySource]] = None

    @model_validator(mode="after")
    def _one_policy_field(self):
        given = self.model_fields_set & {"policy", "policies"}
        if self.key is not None:
            if "policies" in given:
                raise _problem("a key has one policy: use 'policy'", "policies")
            if "policy" not in given:
                raise _problem("give the new key 'policy' (null: the default key policy)")
        elif len(given) != 1:
            raise _problem("give exactly one of 'policy' / 'policies'",
                           *(["policies"] if given else []))
        return self


class SetBoundary(_Model):
    """Set (or with null remove) a principal's permissions boundary."""

    principal: IdentityArn
    policy: Optional[PolicySource] = Field(description="the boundary; null removes it")


class AddGrant(_Model):
    """Add a grant to a key."""

    key: KeyArn
    grant: Grant


class RemoveGrant(_Model):
    """Remove the grant with this id from a key."""

    key: KeyArn
    id: NonEmptyStr


class SetKey(_KeyAttributes, _KeyTargetField):
    """Set key fields (``state: Disabled``, ...); only the fields written change."""

    def updates(self) -> dict[str, Any]:
        """The key fields to set, by field name."""
        return {k: v for k, v in self.given().items() if k != "key"}


class SetRequest(_RequestFields):
    """Set fields of the question's request (``encryption_context``, ...); only the fields
    written change. Setting one of ``action`` / ``operation`` replaces the other."""

    __at_most_one__ = (("action", "operation"),)

    def updates(self) -> dict[str, Any]:
        """The request fields to set, by field name."""
        return self.given()


class SetOrganization(Organization):
    """Set organization fields (creating the organization if there is none); only the fields
    written change. ``set_organization: null`` removes the organization."""

    def updates(self) -> dict[str, Any]:
        return self.given()


CHANGE_OPERATIONS = (
    "add_statement", "remove_statement", "set_policy", "set_boundary", "add_grant",
    "remove_grant", "set_key", "set_request", "set_organization",
)


class Change(_Model):
    """One change of an option: an object with exactly one key, the operation's name."""

    model_config = ConfigDict(
        json_schema_extra=lambda schema, model: (
            _schema_extra(schema, model),
            schema.update(minProperties=1, maxProperties=1),
        )
    )

    add_statement: AddStatement = None
    remove_statement: RemoveStatement = None
    set_policy: SetPolicy = None
    set_boundary: SetBoundary = None
    add_grant: AddGrant = None
    remove_grant: RemoveGrant = None
    set_key: SetKey = None
    set_request: SetRequest = None
    set_organization: Optional[SetOrganization] = None

    @model_validator(mode="after")
    def _one_operation(self):
        given = [name for name in CHANGE_OPERATIONS if name in self.model_fields_set]
        if not given:
            raise _problem("a change names one operation: " + ", ".join(CHANGE_OPERATIONS))
        if len(given) > 1:
            raise _problem("a change holds one operation; write "
                           + " and ".join(given) + " as separate list items", given[1])
        return self

    @property
    def operation(self) -> str:
        """The operation's name (``add_statement``, ...)."""
        return next(name for name in CHANGE_OPERATIONS if name in self.model_fields_set)

    @property
    def body(self) -> Any:
        """The operation's model (None only for ``set_organization: null``)."""
        return getattr(self, self.operation)


class Option(_Model):
    """One answer option: the changes it makes to (a copy of) the world."""

    text: Optional[str] = None
    changes: list[Change] = Field(default_factory=list)


class Question(_Model):
    """An exam question: which options make ``requests[request]`` reach ``want``."""

    text: Optional[str] = None
    request: Annotated[StrictInt, Field(ge=0)] = Field(
        0, description="index into requests")
    want: Expectation = Field("Allow", description="the outcome the question is about")
    options: Annotated[dict[NonEmptyStr, Option], Field(min_length=1)]
    answer: list[str] = Field(description="the options that reach `want`")

    @model_validator(mode="after")
    def _answer_in_options(self):
        seen: set[str] = set()
        for i, label in enumerate(self.answer):
            if label not in self.options:
                raise _problem(f"answer {label!r} is not an option ("
                               + ", ".join(self.options) + ")", "answer", i)
            if label in seen:
                raise _problem(f"answer {label!r} is listed twice", "answer", i)
            seen.add(label)
        return self


# -- the scenario -----------------------------------------------------------------------------


class Scenario(_Model):
    """A small AWS world (KMS keys, IAM principals, an optional organization) and requests made
    in it, each with the decision it should get; optionally an exam question.

    Scenario file format v1. A .yaml/.yml file holds one scenario object; a .json file holds one
    scenario object or a JSON array of them (this schema describes one object).
    """

    scenario: NonEmptyStr = Field(description="title")
    id: Optional[str] = Field(None, description="stable identifier")
    description: Optional[str] = None
    sources: list[Url] = Field(
        default_factory=list, description="where the behaviour is documented")
    certainty: Optional[Certainty] = Field(
        None, description="how firmly the sources back the expectation")
    tags: list[str] = Field(default_factory=list)
    now: Optional[RfcTime] = Field(
        None, description="aws:CurrentTime / aws:EpochTime for every request (RFC 3339); "
                          "default: the time of the run")
    organization: Optional[Organization] = None
    keys: list[Key] = Field(default_factory=list)
    principals: list[Principal] = Field(default_factory=list)
    requests: Annotated[list[Request], Field(min_length=1)]
    question: Optional[Question] = None

    @model_validator(mode="after")
    def _cross_references(self):
        first: dict[str, int] = {}
        aliases: dict[tuple, tuple[int, int]] = {}
        for i, key in enumerate(self.keys):
            if key.arn in first:
                raise _problem(f"key {key.arn} is listed twice (first at keys/{first[key.arn]})",
                               "keys", i, "arn")
            first[key.arn] = i
            for j, alias in enumerate(key.aliases):
                where = (key.partition, key.region, key.account, alias)
                if where in aliases:
                    a, b = aliases[where]
                    raise _problem(f"alias {alias} already names a key in this account and "
                                   f"region (at keys/{a}/aliases/{b})", "keys", i, "aliases", j)
                aliases[where] = (i, j)
        seen: dict[str, int] = {}
        for i, principal in enumerate(self.principals):
            if principal.arn in seen:
                raise _problem(f"principal {principal.arn} is listed twice (first at "
                               f"principals/{seen[principal.arn]})", "principals", i, "arn")
            seen[principal.arn] = i
        question = self.question
        if question is not None:
            if question.request >= len(self.requests):
                count = len(self.requests)
                only = "is only 1 request" if count == 1 else f"are only {count} requests"
                raise _problem(f"question.request is {question.request} but there {only} "
                               "(indexes count from 0)", "question", "request")
            for label, option in question.options.items():
                for c, change in enumerate(option.changes):
                    if change.operation in ("set_request", "set_organization"):
                        continue  # set_request's `key` is the request's, not a target
                    target = getattr(change.body, "key", None)
                    if target is not None and target not in first:
                        raise _problem(f"{change.operation} names key {target}, which is not "
                                       "in keys", "question", "options", label, "changes", c,
                                       change.operation, "key")
        return self

    @property
    def now_datetime(self) -> datetime | None:
        """``now`` as an aware datetime (None when not given)."""
        return _parse_time(self.now) if self.now is not None else None

    def key(self, arn: str) -> Key | None:
        """The key with this ARN, if listed."""
        return next((k for k in self.keys if k.arn == arn), None)

    def principal(self, arn: str) -> Principal | None:
        """The principal with this ARN, if listed."""
        return next((p for p in self.principals if p.arn == arn), None)


def scenario_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of one scenario object, format v1.

    A ``.json`` scenario file may instead hold a JSON array of such objects; the schema
    describes one object.
    """
    schema = Scenario.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "policyengine scenario (format v1)",
        "description": (
            "One scenario: a small AWS world (KMS keys with their key policies and grants, IAM "
            "principals, an optional AWS Organization) and the requests made in it, each with "
            "the decision it should get; optionally an exam question. A .yaml/.yml file holds "
            "one scenario object; a .json file holds one scenario object or a JSON array of "
            "them. This schema describes one scenario object."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
    return schema

"""The one table of lint rules: every rule of the catalogue, implemented or not.

The ids, names, severities, categories and scopes are the public contract of
``spec/lint-rules.md`` (an id is never reused; a name is accepted wherever an id is). The last
column is the rule's module under :mod:`policyengine.lint.rules` (``None`` until the rule is
written). Adding a rule = writing ``rules/<family>/<id>_<name>.py`` (its docstring is its
documentation, ``check(document, context)`` yields hits), putting its module path in its row below,
and adding its cases under ``tests/lint/cases/<ID>/``.

Scopes (which documents a rule is given):

``any``             every policy document, whatever its type
``key-policy``      KMS key policies
``identity``        IAM identity policies
``grant``           grants (``aws kms list-grants`` output, or the grants of a scenario's keys)
``key-config``      key configuration (a scenario's keys, ``aws kms describe-key`` output)
``cross-document``  a whole scenario world (several documents together)
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

__all__ = [
    "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO", "SEVERITIES", "severity_rank",
    "SECURITY", "CORRECTNESS", "HYGIENE", "SCOPES", "KINDS_OF_SCOPE", "POLICY_TYPES_OF_SCOPE",
    "RuleInfo", "RULES", "rule", "find_rule", "expand_selector", "load_rule", "families",
]

CRITICAL, HIGH, MEDIUM, LOW, INFO = "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"
SEVERITIES = (CRITICAL, HIGH, MEDIUM, LOW, INFO)  # most severe first
_RANK = {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}  # INFO 1 ... CRITICAL 5

SECURITY, CORRECTNESS, HYGIENE = "security", "correctness", "hygiene"

ANY, KEY_POLICY, IDENTITY = "any", "key-policy", "identity"
GRANT, KEY_CONFIG, CROSS_DOCUMENT = "grant", "key-config", "cross-document"
SCOPES = (ANY, KEY_POLICY, IDENTITY, GRANT, KEY_CONFIG, CROSS_DOCUMENT)

#: The kinds of document a rule of each scope reads (a row may name others: ``kinds``).
KINDS_OF_SCOPE = {ANY: ("policy",), KEY_POLICY: ("policy",), IDENTITY: ("policy",),
                  GRANT: ("grants",), KEY_CONFIG: ("key",), CROSS_DOCUMENT: ("world",)}

#: The policy types a policy-scoped rule is run on.
POLICY_TYPES_OF_SCOPE = {
    ANY: ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint"),
    KEY_POLICY: ("key",),
    IDENTITY: ("identity",),
}


def severity_rank(severity: str) -> int:
    """CRITICAL 5, HIGH 4, MEDIUM 3, LOW 2, INFO 1 (0 for anything else)."""
    return _RANK.get(str(severity).upper(), 0)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One row of the table."""

    id: str  # "KP001"
    name: str  # "public-key-policy"
    severity: str  # default severity
    category: str  # security | correctness | hygiene
    scope: str  # see SCOPES
    module: str | None  # "kp.kp001_public_key_policy" under policyengine.lint.rules
    kinds: tuple[str, ...] = ()  # the documents it reads, when not its scope's (KINDS_OF_SCOPE)

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return self.kinds or KINDS_OF_SCOPE[self.scope]

    def runs_on(self, kind: str, policy_type: str | None) -> bool:
        """Does the rule read documents of this kind (and, for policies, of this type)?"""
        if kind not in self.document_kinds:
            return False
        return kind != "policy" or policy_type in POLICY_TYPES_OF_SCOPE.get(self.scope, ())

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")

    @property
    def implemented(self) -> bool:
        return self.module is not None

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


RULES: tuple[RuleInfo, ...] = (
    RuleInfo("POL001", "invalid-json", CRITICAL, CORRECTNESS, ANY, "pol.pol001_invalid_json",
             kinds=("broken",)),  # the files that are not JSON or YAML
    RuleInfo("POL002", "missing-required-element", HIGH, CORRECTNESS, ANY,
             "pol.pol002_missing_required_element"),
    RuleInfo("POL003", "version-missing-or-legacy", LOW, CORRECTNESS, ANY,
             "pol.pol003_version_missing_or_legacy"),
    RuleInfo("POL004", "invalid-element-structure", HIGH, CORRECTNESS, ANY,
             "pol.pol004_invalid_element_structure"),
    RuleInfo("POL005", "sid-problems", LOW, HYGIENE, ANY, "pol.pol005_sid_problems"),
    RuleInfo("POL006", "unknown-action", MEDIUM, CORRECTNESS, ANY, "pol.pol006_unknown_action"),
    RuleInfo("POL007", "unknown-condition-key", MEDIUM, CORRECTNESS, ANY,
             "pol.pol007_unknown_condition_key"),
    RuleInfo("POL008", "unknown-condition-operator", HIGH, CORRECTNESS, ANY,
             "pol.pol008_unknown_condition_operator"),
    RuleInfo("POL009", "operator-type-mismatch", MEDIUM, CORRECTNESS, ANY,
             "pol.pol009_operator_type_mismatch"),
    RuleInfo("POL010", "string-operator-on-arn-key", LOW, SECURITY, ANY,
             "pol.pol010_string_operator_on_arn_key"),
    RuleInfo("POL011", "wildcard-without-like", MEDIUM, CORRECTNESS, ANY,
             "pol.pol011_wildcard_without_like"),
    RuleInfo("POL012", "redundant-or-empty", INFO, HYGIENE, ANY, "pol.pol012_redundant_or_empty"),
    RuleInfo("POL013", "set-operator-misuse", HIGH, SECURITY, ANY,
             "pol.pol013_set_operator_misuse"),
    RuleInfo("POL014", "forallvalues-allow-without-null-guard", HIGH, SECURITY, ANY,
             "pol.pol014_forallvalues_allow_without_null_guard"),
    RuleInfo("POL015", "condition-key-not-supported-by-action", HIGH, SECURITY, ANY,
             "pol.pol015_condition_key_not_supported_by_action"),
    RuleInfo("POL016", "malformed-principal", HIGH, CORRECTNESS, KEY_POLICY,
             "pol.pol016_malformed_principal"),
    RuleInfo("POL017", "principal-element-placement", HIGH, CORRECTNESS, ANY,
             "pol.pol017_principal_element_placement"),
    RuleInfo("POL018", "malformed-resource-arn", MEDIUM, CORRECTNESS, IDENTITY,
             "pol.pol018_malformed_resource_arn"),
    RuleInfo("POL019", "policy-size-over-quota", HIGH, CORRECTNESS, ANY,
             "pol.pol019_policy_size_over_quota"),
    RuleInfo("POL020", "deprecated-condition-key", LOW, HYGIENE, ANY,
             "pol.pol020_deprecated_condition_key"),
    RuleInfo("POL021", "policy-variable-misuse", MEDIUM, CORRECTNESS, ANY,
             "pol.pol021_policy_variable_misuse"),
    RuleInfo("POL022", "ineffective-ip-condition", MEDIUM, CORRECTNESS, ANY,
             "pol.pol022_ineffective_ip_condition"),
    RuleInfo("POL023", "untrustworthy-condition-key", HIGH, SECURITY, ANY,
             "pol.pol023_untrustworthy_condition_key"),
    RuleInfo("POL024", "allow-with-notaction", MEDIUM, SECURITY, ANY,
             "pol.pol024_allow_with_notaction"),
    RuleInfo("POL025", "allow-with-notresource", MEDIUM, SECURITY, IDENTITY,
             "pol.pol025_allow_with_notresource"),
    RuleInfo("POL026", "wildcard-in-service-prefix", LOW, SECURITY, ANY,
             "pol.pol026_wildcard_in_service_prefix"),
    RuleInfo("KP001", "public-key-policy", CRITICAL, SECURITY, KEY_POLICY,
             "kp.kp001_public_key_policy"),
    RuleInfo("KP002", "wildcard-principal-weak-condition", HIGH, SECURITY, KEY_POLICY,
             "kp.kp002_wildcard_principal_weak_condition"),
    RuleInfo("KP003", "allow-with-notprincipal", HIGH, SECURITY, KEY_POLICY,
             "kp.kp003_allow_with_notprincipal"),
    RuleInfo("KP004", "no-account-delegation", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp004_no_account_delegation"),
    RuleInfo("KP005", "lockout-risk", HIGH, SECURITY, KEY_POLICY, "kp.kp005_lockout_risk"),
    RuleInfo("KP006", "kms-star-to-non-owner", HIGH, SECURITY, KEY_POLICY,
             "kp.kp006_kms_star_to_non_owner"),
    RuleInfo("KP007", "admin-and-usage-combined", MEDIUM, SECURITY, KEY_POLICY,
             "kp.kp007_admin_and_usage_combined"),
    RuleInfo("KP008", "unguarded-key-deletion", MEDIUM, SECURITY, KEY_POLICY,
             "kp.kp008_unguarded_key_deletion"),
    RuleInfo("KP009", "external-account-access", MEDIUM, SECURITY, KEY_POLICY,
             "kp.kp009_external_account_access"),
    RuleInfo("KP010", "ineffective-cross-account-permission", LOW, CORRECTNESS, KEY_POLICY,
             "kp.kp010_ineffective_cross_account_permission"),
    RuleInfo("KP011", "service-principal-without-source-scope", HIGH, SECURITY, KEY_POLICY,
             "kp.kp011_service_principal_without_source_scope"),
    RuleInfo("KP012", "unsupported-condition-for-service-principal", HIGH, CORRECTNESS, KEY_POLICY,
             "kp.kp012_unsupported_condition_for_service_principal"),
    RuleInfo("KP013", "creategrant-not-limited-to-aws-resources", MEDIUM, SECURITY, KEY_POLICY,
             "kp.kp013_creategrant_not_limited_to_aws_resources"),
    RuleInfo("KP014", "creategrant-without-operation-limit", LOW, SECURITY, KEY_POLICY,
             "kp.kp014_creategrant_without_operation_limit"),
    RuleInfo("KP015", "access-control-rights-too-broad", HIGH, SECURITY, KEY_POLICY,
             "kp.kp015_access_control_rights_too_broad"),
    RuleInfo("KP016", "broad-usage-without-scoping", LOW, SECURITY, KEY_POLICY,
             "kp.kp016_broad_usage_without_scoping"),
    RuleInfo("KP017", "viaservice-value-invalid", MEDIUM, CORRECTNESS, ANY,
             "kp.kp017_viaservice_value_invalid"),
    RuleInfo("KP018", "network-deny-breaks-service-integration", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp018_network_deny_breaks_service_integration"),
    RuleInfo("KP019", "encryption-context-condition-pitfall", MEDIUM, SECURITY, ANY,
             "kp.kp019_encryption_context_condition_pitfall"),
    RuleInfo("KP020", "s3-object-context-with-bucket-key", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp020_s3_object_context_with_bucket_key",
             kinds=("world",)),  # the bucket configuration comes from the world's S3 requests
    RuleInfo("KP021", "key-policy-resource-not-this-key", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp021_key_policy_resource_not_this_key"),
    RuleInfo("KP022", "iam-only-action-in-key-policy", LOW, CORRECTNESS, KEY_POLICY,
             "kp.kp022_iam_only_action_in_key_policy"),
    RuleInfo("KP023", "non-kms-action-in-key-policy", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp023_non_kms_action_in_key_policy"),
    RuleInfo("KP024", "multi-region-policy-drift", INFO, HYGIENE, KEY_POLICY,
             "kp.kp024_multi_region_policy_drift", kinds=("world",)),  # the replicas' policies
    RuleInfo("KP025", "enclave-key-without-attestation", HIGH, SECURITY, KEY_POLICY,
             "kp.kp025_enclave_key_without_attestation"),
    RuleInfo("KP026", "lockout-bypass-not-denied", LOW, SECURITY, ANY,
             "kp.kp026_lockout_bypass_not_denied"),
    RuleInfo("KP027", "org-scoping-recommended", INFO, SECURITY, KEY_POLICY,
             "kp.kp027_org_scoping_recommended"),
    RuleInfo("KP028", "deny-notprincipal-misses-sessions", MEDIUM, CORRECTNESS, KEY_POLICY,
             "kp.kp028_deny_notprincipal_misses_sessions"),
    RuleInfo("IAM001", "decrypt-on-all-keys", MEDIUM, SECURITY, IDENTITY,
             "iam.iam001_decrypt_on_all_keys"),
    RuleInfo("IAM002", "kms-full-access", HIGH, SECURITY, IDENTITY, "iam.iam002_kms_full_access"),
    RuleInfo("IAM003", "sensitive-kms-actions-on-all-keys", HIGH, SECURITY, IDENTITY,
             "iam.iam003_sensitive_kms_actions_on_all_keys"),
    RuleInfo("IAM004", "resource-star-required-but-scoped", LOW, CORRECTNESS, IDENTITY,
             "iam.iam004_resource_star_required_but_scoped"),
    RuleInfo("IAM005", "alias-arn-as-key-resource", MEDIUM, CORRECTNESS, IDENTITY,
             "iam.iam005_alias_arn_as_key_resource"),
    RuleInfo("IAM006", "createkey-unconstrained", LOW, SECURITY, IDENTITY,
             "iam.iam006_createkey_unconstrained"),
    RuleInfo("IAM007", "key-deletion-unguarded", MEDIUM, SECURITY, IDENTITY,
             "iam.iam007_key_deletion_unguarded"),
    RuleInfo("IAM008", "abac-attribute-tampering", MEDIUM, SECURITY, IDENTITY,
             "iam.iam008_abac_attribute_tampering"),
    RuleInfo("IAM009", "cross-account-key-by-alias-name", LOW, CORRECTNESS, IDENTITY,
             "iam.iam009_cross_account_key_by_alias_name",
             kinds=("world",)),  # requests name keys; an identity policy's Resource cannot
    RuleInfo("IAM010", "wildcard-account-in-key-arn", MEDIUM, SECURITY, IDENTITY,
             "iam.iam010_wildcard_account_in_key_arn"),
    RuleInfo("GR001", "grant-without-context-constraint", LOW, SECURITY, GRANT,
             "gr.gr001_grant_without_context_constraint"),
    RuleInfo("GR002", "grant-subset-constraint", INFO, HYGIENE, GRANT,
             "gr.gr002_grant_subset_constraint"),
    RuleInfo("GR003", "grant-allows-redelegation", MEDIUM, SECURITY, GRANT,
             "gr.gr003_grant_allows_redelegation"),
    RuleInfo("GR004", "grant-to-external-principal", MEDIUM, SECURITY, GRANT,
             "gr.gr004_grant_to_external_principal"),
    RuleInfo("GR005", "grant-to-broad-principal", MEDIUM, SECURITY, GRANT,
             "gr.gr005_grant_to_broad_principal"),
    RuleInfo("GR006", "duplicate-grants", LOW, HYGIENE, GRANT,
             "gr.gr006_duplicate_grants"),
    RuleInfo("GR007", "grant-long-lived", LOW, HYGIENE, GRANT,
             "gr.gr007_grant_long_lived"),
    RuleInfo("GR008", "grant-operation-invalid-for-key", HIGH, CORRECTNESS, GRANT,
             "gr.gr008_grant_operation_invalid_for_key"),
    RuleInfo("GR009", "grant-without-name", INFO, HYGIENE, GRANT,
             "gr.gr009_grant_without_name"),
    RuleInfo("GR010", "grant-to-unknown-principal", LOW, HYGIENE, GRANT,
             "gr.gr010_grant_to_unknown_principal"),
    RuleInfo("KEY001", "rotation-disabled", MEDIUM, SECURITY, KEY_CONFIG,
             "key.key001_rotation_disabled"),
    RuleInfo("KEY002", "rotation-period-too-long", LOW, SECURITY, KEY_CONFIG,
             "key.key002_rotation_period_too_long"),
    RuleInfo("KEY003", "rotation-not-supported", MEDIUM, CORRECTNESS, KEY_CONFIG,
             "key.key003_rotation_not_supported"),
    RuleInfo("KEY004", "key-disabled", LOW, HYGIENE, KEY_CONFIG, "key.key004_key_disabled"),
    RuleInfo("KEY005", "key-pending-deletion", CRITICAL, SECURITY, KEY_CONFIG,
             "key.key005_key_pending_deletion"),
    RuleInfo("KEY006", "short-deletion-window", LOW, SECURITY, KEY_CONFIG,
             "key.key006_short_deletion_window",
             kinds=("key", "world")),  # describe-key output; ScheduleKeyDeletion requests
    RuleInfo("KEY007", "key-policy-not-explicit", LOW, HYGIENE, KEY_CONFIG,
             "key.key007_key_policy_not_explicit"),
    RuleInfo("KEY008", "multi-region-key", LOW, SECURITY, KEY_CONFIG,
             "key.key008_multi_region_key"),
    RuleInfo("KEY009", "weak-rsa-for-encryption", LOW, SECURITY, KEY_CONFIG,
             "key.key009_weak_rsa_for_encryption"),
    RuleInfo("KEY010", "unused-key", INFO, HYGIENE, KEY_CONFIG, "key.key010_unused_key",
             kinds=("key", "world")),  # describe-key (+ get-key-last-usage) output; worlds
    RuleInfo("X001", "iam-allow-without-key-delegation", MEDIUM, CORRECTNESS, CROSS_DOCUMENT,
             "x.x001_iam_allow_without_key_delegation"),
    RuleInfo("X002", "cross-account-half-configured", MEDIUM, CORRECTNESS, CROSS_DOCUMENT,
             "x.x002_cross_account_half_configured"),
    RuleInfo("X003", "aws-managed-key-where-cmk-required", HIGH, CORRECTNESS, CROSS_DOCUMENT,
             "x.x003_aws_managed_key_where_cmk_required"),
    RuleInfo("X004", "service-integration-missing-key-permissions", HIGH, CORRECTNESS,
             CROSS_DOCUMENT, "x.x004_service_integration_missing_key_permissions"),
    RuleInfo("X005", "sse-kms-writer-missing-kms-permissions", MEDIUM, CORRECTNESS, CROSS_DOCUMENT,
             "x.x005_sse_kms_writer_missing_kms_permissions"),
    RuleInfo("X006", "bucket-encryption-key-by-alias", LOW, CORRECTNESS, CROSS_DOCUMENT,
             "x.x006_bucket_encryption_key_by_alias"),
)

_BY_ID = {info.id: info for info in RULES}
_BY_NAME = {info.name: info for info in RULES}


def families() -> tuple[str, ...]:
    """The family prefixes, in table order: POL, KP, IAM, GR, KEY, X."""
    seen: dict[str, None] = {}
    for info in RULES:
        seen.setdefault(info.family, None)
    return tuple(seen)


def rule(id_or_name: str) -> RuleInfo:
    """The row for an id (any case) or a name; KeyError if there is none."""
    found = find_rule(id_or_name)
    if found is None:
        raise KeyError(id_or_name)
    return found


def find_rule(id_or_name: str) -> RuleInfo | None:
    text = str(id_or_name).strip()
    return _BY_ID.get(text.upper()) or _BY_NAME.get(text.lower())


def expand_selector(selector: str) -> tuple[RuleInfo, ...]:
    """The rules a ``--select`` / ``--ignore`` entry stands for.

    An id (``KP001``) or a name (``public-key-policy``) is one rule; ``ALL`` is every rule; any
    other text is a prefix of ids (``KP``, ``KP00``, ``POL01``). Case does not matter. Raises
    ValueError when nothing matches.
    """
    text = str(selector).strip()
    if not text:
        raise ValueError("an empty rule selector")
    if text.upper() == "ALL":
        return RULES
    found = find_rule(text)
    if found is not None:
        return (found,)
    upper = text.upper()
    matched = tuple(info for info in RULES if info.id.startswith(upper))
    if not matched:
        raise ValueError(f"{selector!r} is neither a rule id, a rule name nor a family prefix "
                         f"({', '.join(families())})")
    return matched


@lru_cache(maxsize=None)
def load_rule(rule_id: str) -> ModuleType:
    """Import the module of an implemented rule (once)."""
    info = rule(rule_id)
    if info.module is None:
        raise LookupError(f"{info.label} is not implemented yet")
    module = importlib.import_module(f"policyengine.lint.rules.{info.module}")
    if getattr(module, "ID", None) != info.id:
        raise LookupError(f"{module.__name__} declares ID {getattr(module, 'ID', None)!r}, "
                          f"but the table gives it to {info.id}")
    return module

"""Principal element forms (semantics §1.3) and how a statement names the caller."""

import pytest

from policyengine.language.ast import PrincipalElement
from policyengine.language.principals import caller_from_arn, compile_principal

ACCT = "111122223333"
USER = f"arn:aws:iam::{ACCT}:user/Alice"
ROLE = f"arn:aws:iam::{ACCT}:role/App"
SESSION = f"arn:aws:sts::{ACCT}:assumed-role/App/s1"
FED = f"arn:aws:sts::{ACCT}:federated-user/Bob"
ROOT = f"arn:aws:iam::{ACCT}:root"


def element(aws=(), service=(), wildcard=False, negated=False):
    entries = []
    if aws:
        entries.append(("AWS", tuple(aws)))
    if service:
        entries.append(("Service", tuple(service)))
    return compile_principal(PrincipalElement(entries=tuple(entries), wildcard=wildcard,
                                              negated=negated))


@pytest.mark.parametrize("aws, caller, kind", [
    (["*"], USER, "any"),
    ([ACCT], USER, "account"),  # the account-id shorthand is the account principal
    ([ROOT], SESSION, "account"),
    ([ROOT], ROOT, "account"),
    ([USER], USER, "user"),
    ([ROLE], SESSION, "role"),  # a role covers its sessions
    ([SESSION], SESSION, "session"),
    ([FED], FED, "federated-user"),
    ([f"arn:aws:iam::{ACCT}:user/alice"], USER, None),  # user names are case-sensitive
    ([f"arn:aws:iam::{ACCT}:user/*"], USER, None),  # no partial wildcards
    (["arn:aws:iam::*:root"], USER, None),
    (["444455556666"], USER, None),
    ([f"arn:aws:iam::{ACCT}:group/Admins"], USER, None),  # groups are never principals
    ([f"arn:aws:sts::{ACCT}:assumed-role/App/other"], SESSION, None),
])
def test_aws_principals(aws, caller, kind):
    match = element(aws).match(caller_from_arn(caller))
    assert (match.kind if match else None) == kind


def test_direct_naming_beats_the_account():
    match = element([ROOT, USER]).match(caller_from_arn(USER))
    assert match.kind == "user" and match.direct


def test_bare_wildcard_and_services():
    assert element(wildcard=True).match(caller_from_arn("logs.amazonaws.com")).kind == "any"
    logs = element(service=["logs.amazonaws.com"])
    assert logs.match(caller_from_arn("logs.amazonaws.com")).kind == "service"
    assert logs.match(caller_from_arn("cloudtrail.amazonaws.com")) is None
    assert logs.match(caller_from_arn(USER)) is None


@pytest.mark.parametrize("listed, caller, exempt", [
    ([ROOT, USER], USER, True),
    ([USER], USER, False),  # the account is not listed: the deny still applies (ambiguity 12)
    ([ROOT, ROLE, SESSION], SESSION, True),
    ([ROOT, ROLE], SESSION, False),
    ([ACCT, ROLE, SESSION], SESSION, True),
])
def test_notprincipal_exempts_only_when_every_identity_is_listed(listed, caller, exempt):
    match = element(listed, negated=True).match(caller_from_arn(caller))
    assert (match is None) is exempt


def test_caller_forms():
    assert caller_from_arn(ROLE).kind == "role-session"  # a role ARN stands for a session
    assert caller_from_arn(SESSION).role_arn == ROLE
    assert caller_from_arn(FED).kind == "federated-user"
    assert caller_from_arn(ROOT).identities() == (ROOT,)
    with pytest.raises(ValueError):
        caller_from_arn("arn:aws:iam::123:user/x")

"""policyengine benchmarks: each figure with its ratio to json.loads of the same text.

    python benchmarks/bench.py            # everything
    python benchmarks/bench.py decisions  # one section (parse, positions, compile, statements,
                                          # decisions, import)

Timings are best-of-N wall-clock on one core; nothing here is asserted (design.md: speed is
measured, never asserted in a timed test).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policyengine.kms.requests import authorize  # noqa: E402
from policyengine.kms.world import Grant, Key, Principal, Request, World  # noqa: E402
from policyengine.language.compile import _compile  # noqa: E402
from policyengine.language.context import RequestContext  # noqa: E402
from policyengine.language.evaluate import evaluate_policy  # noqa: E402
from policyengine.language.parsing import build_policy, parse_json, parse_policy  # noqa: E402
from policyengine.language.principals import caller_from_arn  # noqa: E402

ACCOUNT = "111122223333"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def best(fn, number: int, repeat: int = 5) -> float:
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - started) / number)
    return min(times)


def console_key_policy(account: str = ACCOUNT) -> dict:
    """A console-style key policy (~3.5 KB): root, administrators, users, service grants."""
    admins = [f"arn:aws:iam::{account}:role/Admin{i}" for i in range(6)]
    users = [f"arn:aws:iam::{account}:role/App{i}" for i in range(8)]
    return {
        "Version": "2012-10-17",
        "Id": "key-consolepolicy-3",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*",
             "Resource": "*"},
            {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
             "Principal": {"AWS": admins},
             "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                        "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                        "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
             "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"AWS": users},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:DescribeKey"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": [
                 "s3.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com"]}}},
            {"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
             "Principal": {"AWS": users},
             "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
             "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
            {"Sid": "Deny decryption outside the organization", "Effect": "Deny",
             "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-exampleorgid"},
                           "Bool": {"aws:PrincipalIsAWSService": "false"}}},
        ],
    }


IAM_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "UseKeysOfTheAccount", "Effect": "Allow",
         "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
         "Resource": f"arn:aws:kms:*:{ACCOUNT}:key/*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:app": "payments"}}},
        {"Sid": "Describe", "Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"},
        {"Sid": "OnlyOverTls", "Effect": "Deny", "Action": "kms:*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "NoDecryptFromOutside", "Effect": "Deny", "Action": "kms:Decrypt",
         "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                                        "Null": {"aws:SourceIp": "false"}}},
        {"Sid": "TaggedKeysOnly", "Effect": "Allow", "Action": "kms:ReEncrypt*",
         "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "payments"}}},
    ],
}


def variants(count: int = 5000) -> list[dict]:
    """The console key policy for ``count`` different accounts. The parser and the compiler keep
    what policies repeat (the console's action lists, "Resource": "*"), as real policies do, but
    no policy is seen twice: its principals and account-specific values are new each time."""
    return [console_key_policy(str(100000000000 + i)) for i in range(count)]


def each(fn, items: list, repeat: int = 3) -> float:
    """Seconds per item of ``fn(item)`` over ``items``, best of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            fn(item)
        times.append((time.perf_counter() - started) / len(items))
    return min(times)


def section_parse() -> None:
    texts = [json.dumps(value, indent=2) for value in variants()]
    text = texts[0]
    size = len(text.encode())
    base = best(lambda: json.loads(text), 20000)
    parse = best(lambda: parse_json(text), 20000)
    ast = min(each(parse_policy, texts[i::3], repeat=1) for i in range(3))  # first sight each
    print(f"parse: {size} bytes; json.loads {base * 1e6:.1f} µs")
    print(f"  parse_json (duplicate-key check)  {parse * 1e6:8.1f} µs  ×{parse / base:5.1f}  "
          f"({parse * 1e6 / (size / 1024):.1f} µs/KB)")
    print(f"  parse + AST build                 {ast * 1e6:8.1f} µs  ×{ast / base:5.1f}  "
          f"(target ≤ 50 µs; each policy seen once)")


def section_positions() -> None:
    from policyengine.language.source import parse_with_positions

    text = json.dumps(console_key_policy(), indent=2)
    base = best(lambda: json.loads(text), 20000)
    parse_with_positions(text)  # build the parser once
    positioned = best(lambda: parse_with_positions(text), 200)
    print(f"positioned (lark) parse             {positioned * 1e3:8.3f} ms  "
          f"×{positioned / base:5.0f}  (target ≤ 1.5 ms)")


def section_compile() -> None:
    values = variants()
    text = json.dumps(values[0])
    base = best(lambda: json.loads(text), 20000)
    policies = [build_policy(value) for value in values]
    compiled = min(each(_compile, policies[i::3], repeat=1) for i in range(3))
    print(f"compile (uncached)                  {compiled * 1e6:8.1f} µs  ×{compiled / base:5.1f}"
          "  (each policy compiled once)")


def section_statements() -> None:
    value = console_key_policy()
    text = json.dumps(value)
    base = best(lambda: json.loads(text), 20000)
    compiled = _compile(build_policy(value))
    caller = caller_from_arn(f"arn:aws:sts::{ACCOUNT}:assumed-role/App3/s")
    ctx = RequestContext(caller, "kms:Decrypt", KEY_ARN, {
        "kms:viaservice": "s3.us-east-1.amazonaws.com", "aws:principalorgid": "o-exampleorgid",
        "aws:principalisawsservice": False})
    per = best(lambda: evaluate_policy(compiled, ctx, resource_policy=True), 50000)
    statements = len(compiled.statements)
    print(f"policy evaluation ({statements} statements)   {per * 1e6:8.2f} µs  "
          f"×{per / base:5.2f}  ({statements / per:,.0f} statements/s)")


def decision_world() -> tuple[World, list[Request]]:
    key = Key(KEY_ARN, policy=None, aliases=("alias/payments",), tags={"team": "payments"},
              grants=(Grant("g-1", {"Decrypt", "GenerateDataKey"},
                            grantee=f"arn:aws:iam::{ACCOUNT}:role/Batch",
                            encryption_context_subset={"job": "nightly"}),))
    principals = [Principal(f"arn:aws:iam::{ACCOUNT}:role/App", policies=(IAM_POLICY,)),
                  Principal(f"arn:aws:iam::{ACCOUNT}:user/alice", policies=(IAM_POLICY,))]
    world = World([key], principals, now="2026-06-01T12:00:00Z")
    app = f"arn:aws:sts::{ACCOUNT}:assumed-role/App/s1"
    requests = [
        Request(app, action="kms:Decrypt", key=KEY_ARN, encryption_context={"app": "payments"}),
        Request(app, action="kms:Decrypt", key=KEY_ARN, encryption_context={"app": "other"}),
        Request(f"arn:aws:iam::{ACCOUNT}:user/alice", action="kms:Decrypt", key=KEY_ARN,
                encryption_context={"app": "payments"}, context={"aws:SourceIp": "198.51.100.1"}),
        Request(f"arn:aws:sts::{ACCOUNT}:assumed-role/Batch/b", action="kms:Decrypt",
                key="alias/payments", encryption_context={"job": "nightly"}),
        Request(app, action="kms:DescribeKey", key=KEY_ARN),
        Request(app, action="kms:ScheduleKeyDeletion", key=KEY_ARN),
    ]
    return world, requests


def distinct_requests(requests: list[Request], copies: int) -> list[Request]:
    """``copies`` variants of each request that no two are alike (the decision cache never
    hits): a request id in the encryption context of those that take one, a source IP and a
    user agent otherwise. Their conditions are still evaluated one by one."""
    varied = []
    for n in range(copies):
        for r in requests:
            context = dict(r.context)
            context["aws:UserAgent"] = f"bench/{n}"
            context.setdefault("aws:SourceIp", f"203.0.113.{n % 250}")
            ec = dict(r.encryption_context, request=str(n)) if r.encryption_context else None
            varied.append(Request(r.principal, action=r.action, key=r.key,
                                  encryption_context=ec, context=context))
    return varied


def section_decisions() -> None:
    world, requests = decision_world()
    outcomes = [authorize(world, r).effect.value for r in requests]
    text = json.dumps(IAM_POLICY)
    base = best(lambda: json.loads(text), 20000)

    def mix(batch: list[Request], cache: bool) -> None:
        for request in batch:
            authorize(world, request, cache=cache)

    print(f"decisions (mix: {', '.join(outcomes)})")
    fresh = best(lambda: mix(requests, False), 3000) / len(requests)
    print(f"  afresh (cache=False)              {fresh * 1e6:8.2f} µs  ×{fresh / base:5.2f}  "
          f"= {1 / fresh:,.0f} decisions/s")
    varied = distinct_requests(requests, 2000)
    mix(varied[:len(requests)], True)  # plans compiled: the world is compiled

    def distinct() -> None:
        world.cache.clear()  # no decision is remembered from an earlier round...
        for request in requests:  # ...but the plans are (one request each compiles them)
            authorize(world, request)
        mix(varied, True)

    per = best(distinct, 1, repeat=7) / (len(varied) + len(requests))
    print(f"  distinct requests, compiled world {per * 1e6:8.2f} µs  ×{per / base:5.2f}  "
          f"= {1 / per:,.0f} decisions/s (target ≥ 100,000)")
    cached = best(lambda: mix(requests, True), 20000) / len(requests)
    print(f"  repeated requests (decision cache){cached * 1e6:8.2f} µs  ×{cached / base:5.2f}  "
          f"= {1 / cached:,.0f} decisions/s")
    traced = best(lambda: [authorize(world, r, trace=True) for r in requests], 200) / len(
        requests)
    print(f"  traced (explain)                  {traced * 1e6:8.2f} µs  ×{traced / base:5.2f}")


def section_import() -> None:
    root = Path(__file__).resolve().parent.parent

    def whole(code: str) -> float:
        """Best wall-clock time of ``python -c code`` as a new process."""
        times = []
        for _ in range(7):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
            times.append(time.perf_counter() - started)
        return min(times)

    bare = whole("pass")
    print(f"python -c 'import policyengine'     {whole('import policyengine') * 1e3:8.1f} ms  "
          f"(python -c pass: {bare * 1e3:.1f} ms)")
    code = ("import time, sys; t = time.perf_counter(); import policyengine; "
            "from policyengine import authorize, World; "
            "print(time.perf_counter() - t, 'lark' in sys.modules, "
            "any(m == 'argparse' or m.startswith('yaml') for m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=root).stdout.split() for _ in range(5)]
    seconds = min(float(r[0]) for r in runs)
    print(f"import policyengine + authorize     {seconds * 1e3:8.1f} ms  (lark imported: "
          f"{runs[0][1]}; argparse or yaml imported: {runs[0][2]})")


SECTIONS = {"parse": section_parse, "positions": section_positions, "compile": section_compile,
            "statements": section_statements, "decisions": section_decisions,
            "import": section_import}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()

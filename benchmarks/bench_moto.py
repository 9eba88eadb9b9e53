"""What KMS enforcement adds to a boto3 call against moto: in-process (``mock_aws``) and against
moto's server (a ThreadedMotoServer on 127.0.0.1 in this process), enforcement off vs on.

    python benchmarks/bench_moto.py            # both modes
    python benchmarks/bench_moto.py inprocess  # one mode (inprocess | server | rebuild)

Each figure is the median of ``ROUNDS`` runs of ``CALLS`` calls (ms per call), made as an IAM
user whose identity policy allows the key (the decision goes through the key policy + IAM).
``Decrypt`` sends a new ciphertext each call, so its decision is never a cached one; the other
calls repeat an identical request. ``rebuild`` measures reading moto's state into a World
(what the first KMS call after any state-changing call pays). Nothing here is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from moto import mock_aws  # noqa: E402

from policyengine.integrations import moto as enforcement  # noqa: E402

REGION = "us-east-1"
CALLS = 200
ROUNDS = 7


def clients(endpoint: str | None):
    options = {"region_name": REGION, "config": Config(retries={"max_attempts": 1})}
    if endpoint:
        options["endpoint_url"] = endpoint
    admin_iam = boto3.client("iam", **options)
    kms = boto3.client("kms", **options)
    key = kms.create_key(Description="bench")["KeyMetadata"]
    admin_iam.create_user(UserName="bench")
    admin_iam.put_user_policy(UserName="bench", PolicyName="use", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Resource": key["Arn"],
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey",
                       "kms:GenerateDataKey"]}]}))
    access = admin_iam.create_access_key(UserName="bench")["AccessKey"]
    user = boto3.client("kms", aws_access_key_id=access["AccessKeyId"],
                        aws_secret_access_key=access["SecretAccessKey"], **options)
    return user, key


def workloads(kms, key) -> dict:
    blobs = iter([kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 32,
                              EncryptionContext={"app": "bench"})["CiphertextBlob"]
                  for _ in range(CALLS * ROUNDS * 2 + 10)])
    return {
        "Encrypt": lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x" * 32,
                                       EncryptionContext={"app": "bench"}),
        "Decrypt (new ciphertext each call)": lambda: kms.decrypt(
            CiphertextBlob=next(blobs), EncryptionContext={"app": "bench"}),
        "DescribeKey": lambda: kms.describe_key(KeyId=key["KeyId"]),
        "GenerateDataKey": lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
    }


def timed(fn) -> float:
    """Mean ms per call over one round of ``CALLS`` calls."""
    started = time.perf_counter()
    for _ in range(CALLS):
        fn()
    return (time.perf_counter() - started) / CALLS * 1000


def compare(title: str, kms, key) -> None:
    """Rounds alternate off / on (so drift hits both alike); ``in hook`` is the time measured
    inside the enforcer's check itself: the overhead without the noise of a whole call."""
    from policyengine.integrations.moto import Enforcer

    spent: list[float] = []
    check = Enforcer.check

    def measured(self, response):
        started = time.perf_counter()
        try:
            return check(self, response)
        finally:
            spent.append(time.perf_counter() - started)

    Enforcer.check = measured
    print(f"\n{title}: ms per boto3 call (median of {ROUNDS} rounds x {CALLS} calls)")
    print(f"  {'call':36} {'off':>7} {'on':>7} {'added':>7} {'in hook':>8}")
    try:
        for name, fn in workloads(kms, key).items():
            off, on, hook = [], [], []
            enforcement.install()
            fn()  # the World is built on the first call after set-up
            for _ in range(ROUNDS):
                enforcement.uninstall()
                off.append(timed(fn))
                enforcement.install()
                spent.clear()
                on.append(timed(fn))
                hook.append(sum(spent) / len(spent) * 1000)
            enforcement.uninstall()
            off_ms, on_ms = statistics.median(off), statistics.median(on)
            print(f"  {name:36} {off_ms:7.3f} {on_ms:7.3f} {on_ms - off_ms:7.3f} "
                  f"{statistics.median(hook):8.3f}")
    finally:
        Enforcer.check = check


def inprocess() -> None:
    with mock_aws():
        kms, key = clients(None)
        compare("in-process (mock_aws)", kms, key)


def server() -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    host, port = moto_server.get_host_and_port()
    try:
        kms, key = clients(f"http://{host}:{port}")
        compare(f"server (ThreadedMotoServer on {host})", kms, key)
    finally:
        moto_server.stop()


def rebuild() -> None:
    """Reading moto's state into a World, by its size."""
    from moto.core.base_backend import BackendDict

    from policyengine.integrations.moto_state import build_snapshot

    print("\nrebuild: reading moto's state into a World (ms)")
    for keys, users in ((10, 10), (100, 50), (500, 200)):
        with mock_aws():
            kms = boto3.client("kms", region_name=REGION)
            iam = boto3.client("iam", region_name=REGION)
            for i in range(keys):
                key = kms.create_key()["KeyMetadata"]
                if i % 5 == 0:
                    kms.create_grant(KeyId=key["KeyId"], Operations=["Decrypt"],
                                     GranteePrincipal="arn:aws:iam::123456789012:root")
            for i in range(users):
                iam.create_user(UserName=f"u{i}")
                iam.put_user_policy(UserName=f"u{i}", PolicyName="p", PolicyDocument=json.dumps(
                    {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}))
            build_snapshot({})  # fill the compiled-policy cache
            started = time.perf_counter()
            for _ in range(5):
                snap = build_snapshot({})
                snap.world(REGION)
            took = (time.perf_counter() - started) / 5 * 1000
            print(f"  {keys:4} keys, {users:4} users: {took:8.2f}")
        BackendDict.reset()


def main(argv: list[str]) -> None:
    sections = {"inprocess": inprocess, "server": server, "rebuild": rebuild}
    for name in argv or list(sections):
        sections[name]()


if __name__ == "__main__":
    main(sys.argv[1:])

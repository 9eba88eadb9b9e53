"""moto's server with KMS enforcement: ``python -m policyengine.integrations.moto``.

The server runs in a subprocess on 127.0.0.1 with a free port; every scenario of
``tests/test_moto_inprocess.py`` runs against it through boto3 (moto's state is reset between
scenarios through its ``/moto-api/reset`` endpoint).
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("moto")

from test_moto_inprocess import ACCOUNT, SCENARIOS, Aws, failure  # noqa: E402

ROOT_DIR = Path(__file__).resolve().parents[1]
GRANT_DELAY = 600


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(*arguments: str) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT_DIR), env.get("PYTHONPATH")]))
    for name in ("AWS_PROFILE", "MOTO_ACCOUNT_ID"):
        env.pop(name, None)
    log = tempfile.TemporaryFile(mode="w+")  # moto logs a line per request: not into a pipe
    process = subprocess.Popen(
        [sys.executable, "-m", "policyengine.integrations.moto", *arguments],
        stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT_DIR, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("policyengine: moto server with KMS enforcement on "):
                return process, line.rsplit(" ", 1)[1].strip()
        if process.poll() is not None:
            break
    process.kill()
    log.seek(0)
    raise RuntimeError(f"the server did not start: {log.read()}")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    process, url = start_server("--port", str(port), "--grant-delay", str(GRANT_DELAY))
    assert url == f"http://127.0.0.1:{port}"
    yield url
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


@pytest.fixture
def aws(server, monkeypatch):
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST"),
                           timeout=10).read()
    return Aws(endpoint=server, grant_delay=GRANT_DELAY)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__[len("scenario_"):])
def test_scenario(aws, scenario):
    scenario(aws)


def test_error_body_is_aws_json(aws, server):
    """The raw answer: HTTP 400 and ``{"__type": "AccessDeniedException", "message": ...}``."""
    kms = aws.client("kms")
    key = kms.create_key()["KeyMetadata"]
    creds = aws.user("nobody")
    client = aws.client("kms", creds)
    captured = {}

    def keep(http_response, **_):
        captured["status"] = http_response.status_code
        captured["body"] = http_response.content

    client.meta.events.register("after-call.kms.Encrypt", keep)
    code, _ = failure(client.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    assert code == "AccessDeniedException"
    assert captured["status"] == 400
    body = json.loads(captured["body"])
    assert body["__type"] == "AccessDeniedException"
    assert body["message"].startswith(
        f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: kms:Encrypt "
        f"on resource: {key['Arn']} because no identity-based policy allows the kms:Encrypt "
        "action")


def test_other_services_are_untouched(aws):
    """Only KMS is decided: other services answer as moto always does."""
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="plain-bucket")
    s3.put_object(Bucket="plain-bucket", Key="k", Body=b"v")
    assert s3.get_object(Bucket="plain-bucket", Key="k")["Body"].read() == b"v"

"""Make moto enforce KMS key policies, IAM policies and grants — the way AWS does.

moto (5.x) stores KMS key policies and grants but barely enforces them. While this enforcer is
installed, every KMS API call moto serves — in-process under ``mock_aws`` or in server mode — is
first decided by policyengine against moto's own state: the key policy as stored, the caller's
IAM policies (users, groups, roles, inline and managed, permissions boundaries), assumed-role
sessions and their session policies, grants created through moto's KMS, and SCPs / RCPs from
moto's Organizations. A denied call fails as AWS fails::

    AccessDeniedException: User: arn:aws:iam::123456789012:user/alice is not authorized to
    perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/... because no
    identity-based policy allows the kms:Decrypt action

Use it with ``install()`` / ``uninstall()``, the context manager ``enforcing()``, or the pytest
fixture ``kms_enforcement`` (``pytest_plugins = ["policyengine.integrations.moto"]``). Start a
moto server with enforcement on with ``python -m policyengine.integrations.moto --port 5000``.

The hook: ``KmsResponse._authenticate_and_authorize_normal_action`` — the call moto makes at the
start of every request (``BaseResponse.call_action``), after the request is parsed and the
caller's account is known, before the action runs; in-process and in server mode alike. An
exception raised there becomes the HTTP response. ``BaseResponse.call_action`` is wrapped to
notice calls (of any service) that may change state, which invalidates the cached World.
Uninstalling restores moto's own methods: moto then behaves exactly as before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any, Iterator

from ..decision import Decision
from ..errors import PolicyEngineError
from .moto_requests import (CallError, Mapped, denial, invalid_error, is_read, map_call,
                            named_aliases, not_found, operation_error)
from .moto_state import GrantRecord, Snapshot, build_snapshot

__all__ = ["Enforcer", "Record", "install", "uninstall", "enforcing", "active", "invalidate",
           "kms_enforcement", "main"]

# Policy labels of policies moto accepted but AWS would have refused when they were stored:
# the engine reports them as invalid; the enforcer decides with what they say and does not fail
# every call on them. Problems of the request itself (a new key policy) start otherwise.
_STORED = ("key policy of ", "inline policy ", "managed policy ", "permissions boundary ",
           "SCP ", "RCP ", "session policy", "identity policy ")


@dataclass(frozen=True)
class Record:
    """One KMS call the enforcer decided."""

    operation: str
    caller: str
    resource: str
    effect: str  # "Allow", "ExplicitDeny", "ImplicitDeny"
    error: str | None  # the error the call ended with (None: it went on to moto)
    message: str
    decision: Decision | None  # the engine's decision (shared, read-only): .summary,
    # .to_dict(); None when the call was refused before deciding (credentials, ciphertext)

    @property
    def allowed(self) -> bool:
        return self.error is None


class Enforcer:
    """Decides every KMS call moto serves while it is the active enforcer.

    ``audit=True`` records decisions without failing any call (to see what AWS would refuse).
    ``grant_delay`` (seconds) models grant eventual consistency: a grant created through the
    enforcer is effective only with its grant token until that long after its creation.
    ``context`` adds condition keys to every request (e.g. ``{"aws:SourceIp": "10.0.0.1"}``).
    """

    def __init__(self, *, audit: bool = False, grant_delay: float = 0.0,
                 context: dict[str, Any] | None = None, log_size: int = 1000) -> None:
        self.audit = audit
        self.grant_delay = float(grant_delay)
        self.context = dict(context or {})
        self.log: deque[Record] = deque(maxlen=log_size)
        self.stats: Counter = Counter()
        self._generation = 0
        self._snapshot: Snapshot | None = None
        self._snapshot_generation = -1
        self._lock = threading.Lock()
        self._grants: dict[str, GrantRecord] = {}

    # -- the cached view of moto's state --------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the cached World (call it after changing moto's backends directly)."""
        with self._lock:
            self._generation += 1

    def _reset(self) -> None:
        with self._lock:
            self._generation += 1
            self._grants.clear()

    def snapshot(self) -> Snapshot:
        """moto's state as policyengine sees it (rebuilt after any call that may change it)."""
        snap = self._snapshot
        if (snap is not None and self._snapshot_generation == self._generation
                and time.time() < snap.valid_until):
            return snap
        with self._lock:
            generation = self._generation
            grants = dict(self._grants)
        snap = build_snapshot(grants, self.grant_delay)
        with self._lock:
            self._snapshot, self._snapshot_generation = snap, generation
            self.stats["world builds"] += 1
        return snap

    @property
    def denials(self) -> list[Record]:
        return [record for record in self.log if record.error == "AccessDeniedException"]

    # -- one call ---------------------------------------------------------------------------------

    def check(self, response) -> None:
        """Decide the KMS call ``response`` (a moto ``KmsResponse``) is about to serve; raise
        :class:`CallError` when it must fail."""
        from moto.utilities.utils import get_partition

        from ..kms import catalog
        from ..kms.requests import authorize

        operation = response._get_action()
        try:
            body = json.loads(response.body) if response.body else {}
        except (TypeError, ValueError):
            return  # not JSON: moto answers it
        if not isinstance(body, dict) or catalog.operation(operation) is None:
            self.stats["not decided"] += 1
            return
        self.stats["calls"] += 1
        region = response.region
        account = response.current_account
        snap = self.snapshot()
        caller = snap.caller(response.access_key, account, get_partition(region))
        response._policyengine_caller = caller
        try:
            if not caller.active:
                raise CallError("UnrecognizedClientException",
                                "The security token included in the request is invalid.")
            if self._materialise(named_aliases(body, account, region), snap, account, region):
                snap = self.snapshot()
            mapped = map_call(operation, body, caller_arn=caller.arn,
                              caller_account=caller.account,
                              session_policy=caller.session_policy, region=region,
                              world=snap.world(region, caller.account), snapshot=snap,
                              context=self.context, partition=get_partition(region))
        except CallError as problem:  # refused before any decision (credentials, ciphertext)
            effect = "ImplicitDeny" if problem.code == "AccessDeniedException" else "Error"
            self._refuse(response, Record(operation, caller.arn, "*", effect, problem.code,
                                          problem.message, None), problem)
            return
        key_account = mapped.key.account if mapped.key is not None else caller.account
        world = snap.world(region, caller.account, key_account)
        try:
            decision = authorize(world, mapped.request)
        except PolicyEngineError as error:  # a request the engine cannot read
            problem = CallError("ValidationException", str(error))
            self._refuse(response, Record(operation, caller.arn, "*", "Error", problem.code,
                                          problem.message, None), problem)
            return
        problem = self._outcome(decision, mapped, world, snap, caller.arn, region, account)
        record = Record(operation, caller.arn, decision.resource, decision.effect.value,
                        problem.code if problem else None,
                        problem.message if problem else decision.summary, decision)
        if problem is not None:
            self._refuse(response, record, problem)
            return
        self.log.append(record)
        if (mapped.key is not None and mapped.key.account != account and not self.audit
                and any(part.resource == mapped.key.arn for part in decision.parts or [decision])):
            # The call acts on a key in another account (by key ARN, or named by the
            # ciphertext), and may: moto serves a call from the caller's account's backend, so
            # send it to the key's.
            response.current_account = mapped.key.account

    def _refuse(self, response, record: Record, problem: CallError) -> None:
        self.log.append(record)
        self.stats["failed"] += 1
        if not self.audit:
            response._policyengine_refused = True  # nothing changed: keep the World
            raise problem

    def _outcome(self, decision: Decision, mapped: Mapped, world, snap: Snapshot,
                 caller_arn: str, region: str, account: str) -> CallError | None:
        request_problems = [i for i in decision.invalid if not i.startswith(_STORED)]
        if request_problems:
            return invalid_error(dataclasses.replace(decision, invalid=request_problems))
        if not decision.allowed:
            if decision.error == "NotFoundException" or any(
                    p.error == "NotFoundException" for p in decision.parts):
                return not_found(mapped, decision, region, account)
            return denial(decision, caller_arn, mapped, snap.labels)
        error = decision.error
        if decision.invalid and error == "MalformedPolicyDocumentException":
            decision = _with_operation_rules(world, mapped, decision)
            error = decision.error
        if error and error != "InvalidCiphertextException":  # moto checks ciphertexts itself
            return operation_error(decision, mapped, world)
        if mapped.dry_run:
            return CallError("DryRunOperationException",
                             "The request would have succeeded, but the DryRun option is set.")
        return None

    def _materialise(self, aliases: list[str], snap: Snapshot, account: str,
                     region: str) -> bool:
        """moto creates the keys behind ``alias/aws/*`` on first use: do it before deciding."""
        from moto.kms.models import kms_backends
        from moto.kms.utils import RESERVED_ALIASES

        made = False
        for alias in aliases:
            if alias in RESERVED_ALIASES and snap.world(region).alias_target(
                    alias, account, region) is None:
                kms_backends[account][region].get_key_id_from_alias(alias)
                made = True
        if made:
            self.invalidate()
        return made

    @staticmethod
    def _action(response) -> str:
        try:
            return response._get_action() or ""
        except Exception:  # pragma: no cover - a service without actions
            return ""

    def after(self, response, result) -> None:
        """After any moto call: invalidate the World if it may have changed state; remember
        when grants were created (for ``grant_delay``) and by which account. (A World built
        while a call was changing state carries the older generation, so it is rebuilt.)"""
        action = self._action(response)
        if is_read(action) or getattr(response, "_policyengine_refused", False):
            return
        self.invalidate()
        if action == "CreateGrant" and getattr(response, "service_name", "") == "kms":
            try:
                status, _headers, body = result
                grant_id = json.loads(body)["GrantId"] if int(status) == 200 else None
            except (TypeError, ValueError, KeyError):
                grant_id = None
            caller = getattr(response, "_policyengine_caller", None)
            if grant_id:
                with self._lock:
                    self._grants[grant_id] = GrantRecord(
                        time.time(), caller.account if caller else response.current_account)


def _with_operation_rules(world, mapped: Mapped, decision: Decision) -> Decision:
    """An allowed decision that only stored policies made "invalid": apply the operation's own
    rules (key state, usage, parameters) that the engine skipped."""
    from ..kms.operations import operation_parts, operation_rules
    from ..kms.requests import resolve_caller

    copy = dataclasses.replace(decision, error=None, notes=list(decision.notes))
    who = resolve_caller(world, mapped.request)
    operation_rules(world, who, mapped.request, operation_parts(world, who, mapped.request), copy)
    return copy


# -- installing the hooks -----------------------------------------------------------------------

_ACTIVE: Enforcer | None = None
_PATCHES: list[tuple[Any, str, Any]] = []  # (owner, name, what its __dict__ held, or _MISSING)
_INSTALL_LOCK = threading.RLock()
_MISSING = object()


def active() -> Enforcer | None:
    """The enforcer deciding KMS calls now (None: moto behaves as it always does)."""
    return _ACTIVE


def invalidate() -> None:
    """Forget the active enforcer's cached World (after changing moto's backends directly)."""
    if _ACTIVE is not None:
        _ACTIVE.invalidate()


def _kms_authorize(self, resource: str = "*") -> None:
    """Replaces moto's IAM check for KMS calls while an enforcer is active."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError

    enforcer = _ACTIVE
    if enforcer is None:
        return ActionAuthenticatorMixin._authenticate_and_authorize_normal_action(self, resource)
    # keep moto's count of unauthenticated calls (INITIAL_NO_AUTH_ACTION_COUNT) in step
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
    try:
        enforcer.check(self)
    except CallError as error:
        raise JsonRESTError(error.code, error.message) from None


def _no_key_policy_check(self, key_id: str, action: str) -> None:
    """moto's own key-policy check (Deny statements, DescribeKey only, any principal) is
    replaced by the enforcer's decision while it is active."""
    if _ACTIVE is None:
        from moto.kms.responses import KmsResponse

        original = _original(KmsResponse, "_validate_key_policy")
        if original is not None:
            return original(self, key_id, action)
    return None


def _call_action(self):
    from moto.core.responses import BaseResponse

    result = _original(BaseResponse, "call_action")(self)
    enforcer = _ACTIVE
    if enforcer is not None:
        enforcer.after(self, result)
    return result


def _reset(cls) -> None:
    from moto.core.base_backend import BackendDict

    _original(BackendDict, "reset").__get__(None, cls)()
    if _ACTIVE is not None:
        _ACTIVE._reset()


def _original(owner, name: str):
    for patched_owner, patched_name, held in _PATCHES:
        if patched_owner is owner and patched_name == name:
            return None if held is _MISSING else held
    held = owner.__dict__.get(name)
    return held


def _patch(owner, name: str, value) -> None:
    _PATCHES.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


def _apply_patches() -> None:
    from moto.core.base_backend import BackendDict
    from moto.core.responses import BaseResponse
    from moto.kms.responses import KmsResponse

    if _PATCHES:
        return
    _patch(KmsResponse, "_authenticate_and_authorize_normal_action", _kms_authorize)
    _patch(KmsResponse, "_validate_key_policy", _no_key_policy_check)
    _patch(BaseResponse, "call_action", _call_action)
    _patch(BackendDict, "reset", classmethod(_reset))


def _remove_patches() -> None:
    while _PATCHES:
        owner, name, held = _PATCHES.pop()
        if held is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, held)


def install(*, audit: bool = False, grant_delay: float = 0.0,
            context: dict[str, Any] | None = None) -> Enforcer:
    """Make moto decide every KMS call with policyengine; returns the active :class:`Enforcer`.

    Installing again replaces the active enforcer (and its options)."""
    global _ACTIVE
    with _INSTALL_LOCK:
        _apply_patches()
        _ACTIVE = Enforcer(audit=audit, grant_delay=grant_delay, context=context)
        return _ACTIVE


def uninstall() -> None:
    """Restore moto's own behaviour."""
    global _ACTIVE
    with _INSTALL_LOCK:
        _ACTIVE = None
        _remove_patches()


@contextlib.contextmanager
def enforcing(*, audit: bool = False, grant_delay: float = 0.0,
              context: dict[str, Any] | None = None) -> Iterator[Enforcer]:
    """``with enforcing() as enforcer:`` — KMS calls are decided inside, moto's behaviour (or the
    enforcer that was active) comes back after."""
    global _ACTIVE
    with _INSTALL_LOCK:
        previous = _ACTIVE
        enforcer = install(audit=audit, grant_delay=grant_delay, context=context)
    try:
        yield enforcer
    finally:
        with _INSTALL_LOCK:
            if previous is not None:
                _ACTIVE = previous
            else:
                uninstall()


# -- pytest -------------------------------------------------------------------------------------

try:  # the fixture exists when pytest does: pytest_plugins = ["policyengine.integrations.moto"]
    import pytest as _pytest
except ImportError:  # pragma: no cover
    _pytest = None

if _pytest is not None:

    @_pytest.fixture
    def kms_enforcement() -> Iterator[Enforcer]:
        """KMS calls to moto are decided by policyengine for the duration of the test (start
        moto yourself: ``mock_aws`` or a server)."""
        with enforcing() as enforcer:
            yield enforcer
else:  # pragma: no cover
    kms_enforcement = None


# -- server mode --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m policyengine.integrations.moto [--host H] [--port N]``: moto's server with
    KMS enforcement on (port 0 picks a free port; the first line printed names the URL)."""
    import argparse
    import os
    import signal

    parser = argparse.ArgumentParser(
        prog="python -m policyengine.integrations.moto",
        description="Run moto's server with KMS key policies, IAM policies and grants enforced "
                    "by policyengine.")
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind "
                        "(default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)),
                        help="port (default 5000; 0 picks a free one)")
    parser.add_argument("--audit", action="store_true",
                        help="record decisions but do not fail any call")
    parser.add_argument("--grant-delay", type=float, default=0.0, metavar="SECONDS",
                        help="grants take effect this long after creation, unless the request "
                             "carries their grant token (default 0)")
    args = parser.parse_args(argv)

    from moto.server import ThreadedMotoServer

    install(audit=args.audit, grant_delay=args.grant_delay)
    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.setdefault("MOTO_PORT", str(port))
    print(f"policyengine: moto server with KMS enforcement on http://{host}:{port}", flush=True)
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM"):
        with contextlib.suppress(ValueError, AttributeError):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:  # pragma: no cover
        pass
    server.stop()
    uninstall()
    return 0


if __name__ == "__main__":  # pragma: no cover
    # Run through the package module so the hooks and state live in one module object.
    from policyengine.integrations import moto as _module

    raise SystemExit(_module.main())

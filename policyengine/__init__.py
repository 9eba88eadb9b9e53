"""policyengine: decide AWS KMS access exactly as AWS does, and explain every decision.

The front door. Names are imported on first use, so ``import policyengine`` stays light: the
library path (``authorize``) never imports lark or the command line.

    >>> from policyengine import World, Key, Principal, Request, authorize
    >>> world = World(keys=[Key("arn:aws:kms:us-east-1:111122223333:key/k1")],
    ...               principals=[Principal("arn:aws:iam::111122223333:user/alice", policies=[
    ...                   {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...                    "Action": "kms:Decrypt", "Resource": "*"}]}])])
    >>> authorize(world, Request("arn:aws:iam::111122223333:user/alice", action="kms:Decrypt",
    ...                          key="arn:aws:kms:us-east-1:111122223333:key/k1")).effect
    <Effect.ALLOW: 'Allow'>
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)

__all__ = [
    "Decision", "Effect", "Grant", "Key", "Organization", "Principal", "Request", "World",
    "authorize", "load_scenario", "parse_policy", "compile_policy", "validate_policy",
    "PolicyEngineError", "PolicySyntaxError", "PolicyValidationError", "ScenarioError",
]

_WHERE = {
    "Decision": "decision", "Effect": "decision",
    "Grant": "kms.world", "Key": "kms.world", "Organization": "kms.world",
    "Principal": "kms.world", "Request": "kms.world", "World": "kms.world",
    "authorize": "kms.requests",
    "load_scenario": "scenario.api",
    "parse_policy": "language.parsing", "compile_policy": "language.compile",
    "validate_policy": "language.validation",
    "PolicyEngineError": "errors", "PolicySyntaxError": "errors",
    "PolicyValidationError": "errors", "ScenarioError": "errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from .decision import Decision, Effect
    from .errors import PolicyEngineError, PolicySyntaxError, PolicyValidationError, ScenarioError
    from .kms.requests import authorize
    from .kms.world import Grant, Key, Organization, Principal, Request, World
    from .language.compile import compile_policy
    from .language.parsing import parse_policy
    from .language.validation import validate_policy
    from .scenario.api import load_scenario


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'policyengine' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

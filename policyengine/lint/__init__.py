"""The policy linter: rules about KMS key policies, IAM policies, grants and key configuration,
reasoned with the same engine that decides access.

    >>> from policyengine.lint import lint_text
    >>> [f.rule for f in lint_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
    ...     ' "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}')]
    ['KP005', 'KP001']

Layout: :mod:`.registry` (the one table of rule ids), :mod:`.model` (documents, hits, findings),
:mod:`.runner` (files -> documents -> rules -> findings), :mod:`.config` (configuration and
suppressions), :mod:`.analysis` (the engine-based reasoning rules share), ``rules/<family>/``
(one module per rule; its docstring is its documentation), ``reporters/`` (text, json, sarif)
and :mod:`.cli` (the ``lint`` and ``rules`` commands). Names are imported on first use, so
importing this package costs nothing until it is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Iterable

__all__ = ["lint_paths", "lint_text", "Linter", "LintResult", "Finding", "Config",
           "load_config", "RULES", "render"]

_WHERE = {"Linter": "runner", "LintResult": "runner", "Finding": "model", "Config": "config",
          "load_config": "config", "RULES": "registry", "render": "reporters"}

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config, load_config
    from .model import Finding
    from .registry import RULES
    from .reporters import render
    from .runner import Linter, LintResult


def lint_paths(paths: Iterable[str], *, config=None, select=None, ignore=None,
               policy_type: str | None = None):
    """Lint files and folders; returns a :class:`~.runner.LintResult`. Without ``config`` the
    nearest ``pyproject.toml`` / ``policyengine.toml`` is used."""
    from .config import load_config
    from .runner import Linter

    linter = Linter(config if config is not None else load_config(), select=select,
                    ignore=ignore, policy_type=policy_type)
    return linter.lint_paths(list(paths))


def lint_text(text: str | bytes, *, policy_type: str | None = None, path: str = "<text>",
              config=None, select=None, ignore=None):
    """Lint one document given as text; returns its findings (suppressions applied)."""
    from .config import Config
    from .runner import Linter

    linter = Linter(config if config is not None else Config(), select=select, ignore=ignore)
    return linter.lint_text(text, path, policy_type=policy_type)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'policyengine.lint' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

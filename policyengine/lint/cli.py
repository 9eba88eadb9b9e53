"""``policyengine lint`` and ``policyengine rules``.

    policyengine lint PATH... [--type TYPE] [--format text|json|sarif] [--fail-on LEVEL]
                              [--exit-zero] [--select RULES] [--ignore RULES] [--config FILE]
                              [--output FILE] [--stdin-filename NAME] [--skip-unknown-files]
    policyengine lint --explain RULE
    policyengine rules [--all] [--format text|json]

Exit status: 0 when no finding reaches ``--fail-on`` (default ``high``, or the configuration's
``fail-on``), 1 when one does, 2 for unusable input or misuse (an unreadable file is still
reported with the other results). ``--exit-zero`` turns 1 into 0.

This module only declares the commands; the linter is imported when a command runs, so the
other commands do not pay for it.
"""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
POLICY_TYPES = ("key", "identity", "scp", "rcp", "boundary", "session", "endpoint")
FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


def add_lint_commands(subparsers) -> None:
    """Add ``lint`` and ``rules`` to the ``policyengine`` command line; each sets
    ``run_command`` (dispatched by :func:`policyengine.cli.main`)."""
    lint = subparsers.add_parser(
        "lint", help="lint KMS key policies, IAM policies, grants and scenario files",
        description="Lint KMS key policies, IAM policies, grants and scenario files. "
                    "Folders are walked; - reads standard input.")
    lint.add_argument("paths", nargs="*", metavar="PATH",
                      help="policy JSON files, list-grants output, scenario files or folders")
    lint.add_argument("--type", choices=POLICY_TYPES, dest="policy_type",
                      help="the policy type of every policy file (default: from the "
                           "configuration's types, else inferred: Principal => key policy)")
    lint.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    lint.add_argument("--fail-on", type=str.lower, choices=FAIL_ON, default=None,
                      metavar="LEVEL", help="exit 1 when a finding is at least this severe "
                      "(critical, high, medium, low, info, none; default: high)")
    lint.add_argument("--exit-zero", action="store_true",
                      help="exit 0 even when findings reach --fail-on")
    lint.add_argument("--select", action="append", default=None, metavar="RULES",
                      help="rules to run: ids, names or family prefixes, comma-separated "
                           "(replaces the configuration's select)")
    lint.add_argument("--ignore", action="append", default=None, metavar="RULES",
                      help="rules not to run (adds to the configuration's ignore)")
    lint.add_argument("--config", metavar="FILE",
                      help="pyproject.toml or policyengine.toml to use (default: the nearest)")
    lint.add_argument("--explain", metavar="RULE", help="print a rule's documentation")
    lint.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    lint.add_argument("--stdin-filename", metavar="NAME",
                      help="the name standard input stands for (reports, configuration)")
    lint.add_argument("--skip-unknown-files", action="store_true",
                      help="skip files given by name that are not policies, grant lists, key "
                           "descriptions or scenarios, as when folders are walked (for "
                           "pre-commit, which passes every staged JSON and YAML file)")
    lint.set_defaults(run_command=run_lint)

    rules = subparsers.add_parser("rules", help="list the lint rules")
    rules.add_argument("--all", action="store_true",
                       help="also list the catalogue's rules that are not implemented yet")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(run_command=run_rules)


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _error(message: str) -> int:
    print(f"policyengine: error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def run_lint(args) -> int:
    from .registry import find_rule

    if args.explain is not None:
        from .docs import explain

        info = find_rule(args.explain)
        if info is None:
            return _error(f"{args.explain!r} is not a rule id or name "
                          "(policyengine rules lists them)")
        print(explain(info))
        return EXIT_OK
    if not args.paths:
        return _error("give at least one PATH (or - for standard input)")

    from .config import ConfigError, load_config
    from .reporters import render
    from .runner import Linter

    try:
        config = load_config(args.config)
    except ConfigError as error:
        return _error(str(error))
    try:
        linter = Linter(config, select=_split(args.select), ignore=_split(args.ignore),
                        policy_type=args.policy_type,
                        skip_unknown_files=args.skip_unknown_files)
    except ValueError as error:
        return _error(str(error))
    for warning in linter.warnings:
        print(f"policyengine: warning: {warning}", file=sys.stderr)
    result = linter.lint_paths(args.paths, stdin_filename=args.stdin_filename)

    options = {}
    if args.format == "text":
        color = (args.output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
                 ) or bool(os.environ.get("FORCE_COLOR"))
        options = {"color": color,
                   "config_name": os.path.relpath(config.source) if config.source else None}
    report = render(result, args.format, **options)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(report + "\n")
        except OSError as error:
            return _error(f"cannot write {args.output}: {error.strerror}")
    else:
        print(report)
    for error in result.errors:
        print(f"policyengine: error: {error}", file=sys.stderr)
    fail_on = args.fail_on or config.fail_on or "high"
    return result.exit_status(fail_on, args.exit_zero)


def run_rules(args) -> int:
    from .docs import applies_to, documentation
    from .registry import RULES

    rows = [info for info in RULES if args.all or info.implemented]
    if args.format == "json":
        import json

        print(json.dumps([{"id": i.id, "name": i.name, "severity": i.severity,
                           "category": i.category, "scope": i.scope,
                           "implemented": i.implemented,
                           "summary": documentation(i).summary if i.implemented else None}
                          for i in rows], indent=2))
        return EXIT_OK
    for info in rows:
        summary = documentation(info).summary if info.implemented else "(not implemented yet)"
        print(f"{info.id:<7} {info.name:<46} {info.severity:<8} {info.category:<11} "
              f"{applies_to(info).split(' (')[0]:<22} {summary}")
    implemented = sum(1 for info in RULES if info.implemented)
    print(f"\n{implemented} of {len(RULES)} catalogue rules implemented"
          + ("" if args.all else "; --all lists the others"))
    return EXIT_OK
